// The GPT step on a (dp, tp, pp) grid. Per step, on every rank:
//   1. the replica's batch (B, T) is cut into m micro-batches of B/m rows, and the stage's
//      schedule (GPipe or 1F1B) runs them through the pipeline (run_pipeline; one stage runs its
//      actions in place), activations and their gradients going to the neighbouring stages;
//   2. the gradient buckets' average over the dp replicas starts during the last micro-batch's
//      backward (the hook is installed for it only) and is waited for after;
//   3. with a tied embedding and pp > 1, the first stage's wte gradient and the last stage's copy's
//      are summed between those two stages, so both take the same optimizer step;
//   4. the loss (mean over micro-batches) lives on the last stage's ranks; the trainer shares it.
#include <mpi.h>

#include <sstream>

#include "dojo/common/clock.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/trace.hpp"
#include "dojo/common/watchdog.hpp"
#include "dojo/jobs/gradient_buckets.hpp"
#include "dojo/model/gpt_stage.hpp"
#include "step_engine.hpp"

namespace dojo::jobs {
namespace {

using runtime::Axis;

// Rows [first, first + rows) of a row-major (B, ...) int32 device tensor.
model::TensorView int_rows(const model::TensorView& all, std::int64_t first, std::int64_t rows) {
  std::vector<std::int64_t> dims = all.shape().dims();
  const std::int64_t row = all.numel() / dims[0];
  dims[0] = rows;
  return model::TensorView(all.data<std::int32_t>() + first * row, model::DType::int32,
                           model::Shape(dims));
}

// The logical tensors of every stage, in stage order (the tied wte copy named once): each stage's
// names and shapes gathered over the pipeline axis as text lines "name d0 d1 ...".
std::vector<LogicalTensor> gather_logical_tensors(const model::Model& stage, MPI_Comm pp) {
  std::ostringstream mine;
  for (const LogicalTensor& t : local_logical_tensors(stage)) {
    mine << t.name;
    for (auto d : t.shape) mine << ' ' << d;
    mine << '\n';
  }
  const std::string text = mine.str();
  int size = 0;
  DOJO_CHECK_MPI(MPI_Comm_size(pp, &size));
  int length = static_cast<int>(text.size());
  std::vector<int> lengths(static_cast<std::size_t>(size)), offsets(lengths.size());
  DOJO_CHECK_MPI(MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, pp));
  for (std::size_t r = 1; r < lengths.size(); ++r) offsets[r] = offsets[r - 1] + lengths[r - 1];
  std::string all(static_cast<std::size_t>(offsets.back() + lengths.back()), '\0');
  DOJO_CHECK_MPI(MPI_Allgatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(),
                                offsets.data(), MPI_CHAR, pp));
  std::vector<LogicalTensor> out;
  std::istringstream in(all);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    LogicalTensor t;
    fields >> t.name;
    for (std::int64_t d = 0; fields >> d;) t.shape.push_back(d);
    bool seen = false;
    for (const auto& other : out) seen |= other.name == t.name;
    if (!seen) out.push_back(std::move(t));
  }
  return out;
}

class Gpt3dEngine final : public StepEngine {
 public:
  Gpt3dEngine(device::Device& device, const model::GptConfig& config,
              const runtime::ProcessGrid& grid, const PipelineOptions& options)
      : device_(device),
        config_(config),
        grid_(grid),
        options_(options),
        stage_index_(grid.coord().pp),
        stages_(grid.layout().pp),
        tp_(grid.axis(Axis::tp).get(), options.tp_collectives),
        dp_(grid.axis(Axis::dp).get(), options.dp_collectives),
        model_parallel_(grid.pair(Axis::tp, Axis::pp).get()) {
    auto ranges = gpt_stage_ranges(config, stages_, options);
    auto partition =
        model::GptPartition::of_stage(ranges, stage_index_, grid.coord().tp, grid.layout().tp);
    stage_ = std::make_unique<model::GptStage>(device, config, partition, &tp_);
    tensors_ = gather_logical_tensors(*stage_, grid.axis(Axis::pp).get());
    auto& params = stage_->parameters();
    buckets_ = std::make_unique<GradientBuckets>(dp_, device, params.grads(), params.size(),
                                                 options.bucket_floats);
    // The first and the last stage of each (dp, tp) line share the tied wte.
    if (config.tied_embedding && stages_ > 1) {
      const bool end = stage_index_ == 0 || stage_index_ == stages_ - 1;
      MPI_Comm ends = MPI_COMM_NULL;
      DOJO_CHECK_MPI(
          MPI_Comm_split(grid.axis(Axis::pp).get(), end ? 0 : MPI_UNDEFINED, stage_index_, &ends));
      tied_comm_ = mpi::Comm::adopt(ends);
      if (end) tied_ = std::make_unique<collectives::Communicator>(tied_comm_.get());
    }
    if (stages_ > 1)
      actions_ =
          runtime::build_schedule(options.schedule, stage_index_, stages_, options.micro_batches);
  }

  model::Model& model() override { return *stage_; }
  const std::vector<LogicalTensor>& all_tensors() const override { return tensors_; }
  bool reports_loss() const override { return stage_->last_stage() && grid_.coord().tp == 0; }
  std::size_t bucket_count() const override { return buckets_->bucket_count(); }

  StepWork gradients(const model::TensorView& inputs, const model::TensorView& targets) override {
    StepWork work;
    auto t0 = Clock::now();
    const int m = options_.micro_batches;
    const std::int64_t B = inputs.shape().dims()[0];
    micro_rows_ = B / m;
    check(micro_rows_ * m == B, "the replica's batch splits into equal micro-batches");
    inputs_ = inputs;
    targets_ = targets;
    losses_.assign(static_cast<std::size_t>(m), 0.0f);
    backwards_done_ = 0;
    stage_->zero_grad();
    buckets_->begin_step();
    run_schedule();
    work.compute_seconds = seconds_since(t0);
    {
      trace::Span span("dp gradient wait", "collective");
      work.comm_wait_seconds = buckets_->finish();
    }
    if (tied_) {
      trace::Span span("tied wte allreduce", "collective");
      auto t1 = Clock::now();
      const int index = stage_->tied_embedding_parameter();
      const auto& info = stage_->parameters().table()[static_cast<std::size_t>(index)];
      tied_->allreduce(
          std::span<float>(stage_->parameters().grad(index), static_cast<std::size_t>(info.count)),
          collectives::ReduceOp::sum);
      work.comm_wait_seconds += seconds_since(t1);
    }
    if (stage_->last_stage()) {
      double sum = 0;
      for (float loss : losses_) sum += loss;
      work.loss = static_cast<float>(sum / m);
    }
    return work;
  }

  double grad_sum_of_squares() override {
    double sum = stage_->unique_grad_sum_of_squares();
    trace::Span span("grad norm allreduce", "collective");
    model_parallel_.allreduce(std::span<double>(&sum, 1), collectives::ReduceOp::sum);
    return sum;
  }

  float evaluate(const model::TensorView& inputs, const model::TensorView& targets) override {
    // Forward only, one micro-batch of the whole replica batch, blocking hand-over (under the hang
    // watchdog: a stage that never sends ends the job, naming the rank and the batch).
    const std::int64_t B = inputs.shape().dims()[0], T = inputs.shape().dims()[1];
    const std::int64_t floats = B * T * config_.channels;
    MPI_Comm pp = grid_.axis(Axis::pp).get();
    constexpr int kTag = 7301;
    model::TensorView in = inputs;
    if (!stage_->first_stage()) {
      host_.resize(static_cast<std::size_t>(floats));
      watchdog::Wait wait("evaluation recv_forward", eval_calls_);
      DOJO_CHECK_MPI(MPI_Recv(host_.data(), static_cast<int>(floats), MPI_FLOAT, stage_index_ - 1,
                              kTag, pp, MPI_STATUS_IGNORE));
      in = upload(eval_input_, host_.data(), {B, T, config_.channels});
    }
    float loss = stage_->forward(0, in, stage_->last_stage() ? targets : model::TensorView());
    if (!stage_->last_stage()) {
      host_.resize(static_cast<std::size_t>(floats));
      device_.copy_to_host(host_.data(), stage_->output(0).raw(),
                           static_cast<std::size_t>(floats) * sizeof(float));
      watchdog::Wait wait("evaluation send_forward", eval_calls_);
      DOJO_CHECK_MPI(
          MPI_Send(host_.data(), static_cast<int>(floats), MPI_FLOAT, stage_index_ + 1, kTag, pp));
    }
    ++eval_calls_;
    stage_->release(0);
    return reports_loss() ? loss : NAN;
  }

 private:
  // Device tensor `tensor` (float32, reallocated when the shape changes) filled from host floats.
  model::TensorView upload(model::Tensor& tensor, const float* host, model::Shape shape) {
    if (tensor.shape() != shape) tensor = model::Tensor(device_, model::DType::float32, shape);
    device_.copy_to_device(tensor.view().raw(), host,
                           static_cast<std::size_t>(shape.numel()) * sizeof(float));
    return tensor.view();
  }

  model::Shape activation_shape() const {
    return model::Shape{micro_rows_, inputs_.shape().dims()[1], config_.channels};
  }
  std::size_t activation_floats() const {
    return static_cast<std::size_t>(activation_shape().numel());
  }

  void forward(int micro) {
    const std::int64_t first = micro * micro_rows_;
    model::TensorView targets =
        stage_->last_stage() ? int_rows(targets_, first, micro_rows_) : model::TensorView();
    model::TensorView in;
    if (stage_->first_stage()) {
      in = int_rows(inputs_, first, micro_rows_);
    } else {
      in = upload(device_input_, host_buffer(received_, micro).data(), activation_shape());
    }
    float loss = stage_->forward(micro, in, targets);
    if (stage_->last_stage()) losses_[static_cast<std::size_t>(micro)] = loss;
  }

  void backward(int micro) {
    // The dp reduction overlaps the step's last backward: its hook starts the buckets.
    if (++backwards_done_ == options_.micro_batches)
      stage_->set_gradient_hook([this](std::int64_t offset, std::int64_t count) {
        buckets_->on_gradients_ready(offset, count);
      });
    else
      stage_->set_gradient_hook({});
    if (stage_->last_stage()) {
      stage_->backward(micro, 1.0f / static_cast<float>(options_.micro_batches));
    } else {
      stage_->backward(micro,
                       upload(device_output_grad_, host_buffer(received_grads_, micro).data(),
                              activation_shape()));
    }
  }

  std::vector<float>& host_buffer(std::vector<std::vector<float>>& buffers, int micro) {
    if (buffers.size() < static_cast<std::size_t>(options_.micro_batches))
      buffers.resize(static_cast<std::size_t>(options_.micro_batches));
    auto& buffer = buffers[static_cast<std::size_t>(micro)];
    buffer.resize(activation_floats());
    return buffer;
  }

  void run_schedule() {
    const int m = options_.micro_batches;
    if (stages_ == 1) {
      // One stage: the schedule's order of forwards and backwards, no communication.
      const bool gpipe = options_.schedule == runtime::PipelineScheduleKind::gpipe;
      for (int micro = 0; micro < m; ++micro) {
        {
          trace::Span span("forward", "compute", str("micro ", micro));
          forward(micro);
        }
        if (!gpipe) {
          trace::Span span("backward", "compute", str("micro ", micro));
          backward(micro);
        }
      }
      if (gpipe)
        for (int micro = 0; micro < m; ++micro) {
          trace::Span span("backward", "compute", str("micro ", micro));
          backward(micro);
        }
      return;
    }
    runtime::PipelineStageOps ops;
    ops.forward = [this](int micro) { forward(micro); };
    ops.backward = [this](int micro) { backward(micro); };
    ops.input = [this](int micro) { return std::span<float>(host_buffer(received_, micro)); };
    ops.output = [this](int micro) {
      auto& buffer = host_buffer(sent_, micro);
      device_.copy_to_host(buffer.data(), stage_->output(micro).raw(),
                           buffer.size() * sizeof(float));
      return std::span<const float>(buffer);
    };
    ops.output_grad = [this](int micro) {
      return std::span<float>(host_buffer(received_grads_, micro));
    };
    ops.input_grad = [this](int micro) {
      auto& buffer = host_buffer(sent_grads_, micro);
      device_.copy_to_host(buffer.data(), stage_->input_grad(micro).raw(),
                           buffer.size() * sizeof(float));
      return std::span<const float>(buffer);
    };
    runtime::run_pipeline(actions_, ops, grid_.axis(Axis::pp).get(),
                          static_cast<std::int64_t>(activation_floats()));
  }

  device::Device& device_;
  model::GptConfig config_;
  const runtime::ProcessGrid& grid_;
  PipelineOptions options_;
  int stage_index_ = 0;
  int stages_ = 1;
  collectives::Communicator tp_;              // the tensor-parallel group
  collectives::Communicator dp_;              // this rank's replicas (same tp and pp coordinates)
  collectives::Communicator model_parallel_;  // one replica: every tp and pp coordinate
  mpi::Comm tied_comm_;                       // first and last stage of this (dp, tp) line
  std::unique_ptr<collectives::Communicator> tied_;
  std::unique_ptr<model::GptStage> stage_;
  std::vector<LogicalTensor> tensors_;
  std::unique_ptr<GradientBuckets> buckets_;
  std::vector<runtime::PipelineAction> actions_;

  // The step in flight.
  model::TensorView inputs_, targets_;  // the replica's batch, (B, T) int32 each
  std::int64_t micro_rows_ = 0;         // sequences per micro-batch
  std::vector<float> losses_;           // (m) last stage: each micro-batch's mean loss
  int backwards_done_ = 0;
  // Host activations per micro-batch, (B/m, T, C) floats each: received inputs, sent outputs,
  // received output gradients, sent input gradients.
  std::vector<std::vector<float>> received_, sent_, received_grads_, sent_grads_;
  model::Tensor device_input_, device_output_grad_;  // (B/m, T, C) device copies
  model::Tensor eval_input_;                         // (B, T, C)
  std::vector<float> host_;                          // evaluation hand-over, (B, T, C)
  std::uint64_t eval_calls_ = 0;                     // evaluation batches, for the watchdog
};

}  // namespace

std::vector<model::StageRange> gpt_stage_ranges(const model::GptConfig& config, int pp,
                                                const PipelineOptions& options) {
  if (options.layers_per_stage.empty()) return model::balanced_stages(config, pp);
  return model::stages_from_layer_counts(config, options.layers_per_stage);
}

std::unique_ptr<StepEngine> make_gpt_3d_engine(device::Device& device,
                                               const model::GptConfig& config,
                                               const runtime::ProcessGrid& grid,
                                               const PipelineOptions& options) {
  return std::make_unique<Gpt3dEngine>(device, config, grid, options);
}

}  // namespace dojo::jobs
