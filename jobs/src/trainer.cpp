// The training loop: data -> forward -> backward (gradient buckets reduced as they finish) ->
// wait -> clip -> optimizer, with evaluation at intervals. Every rank runs the same steps on its
// shard of each global batch; rank 0 reports.
#include "dojo/jobs/trainer.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "dojo/collectives/communicator.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/log.hpp"
#include "dojo/device/registry.hpp"
#include "dojo/io/loader.hpp"
#include "dojo/io/validate.hpp"
#include "dojo/jobs/gradient_buckets.hpp"
#include "dojo/jobs/progress.hpp"
#include "dojo/model/gpt.hpp"
#include "dojo/model/grad_clip.hpp"
#include "dojo/model/lr_schedule.hpp"
#include "dojo/model/mlp.hpp"
#include "dojo/model/optimizer.hpp"

namespace dojo::jobs {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Creates the output directory on rank 0 and agrees on the outcome, so a failure is one user
// error on every rank before any training.
void prepare_output(const TrainConfig& config, const mpi::Comm& world, const std::string& toml) {
  int ok = 1;
  std::string problem;
  if (world.rank() == 0) {
    std::error_code error;
    std::filesystem::create_directories(config.out, error);
    std::ofstream file(std::filesystem::path(config.out) / "config.toml", std::ios::trunc);
    if (error || !(file << toml) || !file.flush()) {
      ok = 0;
      problem = error ? error.message() : std::string("cannot write config.toml");
    }
  }
  DOJO_CHECK_MPI(MPI_Bcast(&ok, 1, MPI_INT, 0, world.get()));
  if (!ok)
    user_error(str("output directory '", config.out, "' is not writable (", problem,
                   "): choose another with --out"));
}

// Device tensors for one batch: inputs and targets, reallocated only when the shape changes.
struct DeviceBatch {
  model::Tensor inputs;
  model::Tensor targets;

  void upload(device::Device& device, const io::ClassificationBatch& b) {
    upload(device, b.samples, {b.size, b.sample_size}, b.labels, {b.size});
  }
  void upload(device::Device& device, const io::TokenBatch& b) {
    upload(device, b.inputs, {b.size, b.context_length}, b.targets, {b.size, b.context_length});
  }

 private:
  template <typename In>
  void upload(device::Device& device, const std::vector<In>& in, model::Shape in_shape,
              const std::vector<std::int32_t>& tgt, model::Shape tgt_shape) {
    if (inputs.shape() != in_shape) inputs = model::Tensor(device, model::dtype_of<In>(), in_shape);
    if (targets.shape() != tgt_shape)
      targets = model::Tensor(device, model::DType::int32, tgt_shape);
    device.copy_to_device(inputs.view().raw(), in.data(), in.size() * sizeof(In));
    device.copy_to_device(targets.view().raw(), tgt.data(), tgt.size() * sizeof(std::int32_t));
  }
};

// Loss (and accuracy) over the evaluation split, averaged over every sample of every rank.
struct EvalResult {
  double loss = 0;
  double accuracy = -1;
};

class Job {
 public:
  Job(const TrainConfig& config, const mpi::Comm& world, int threads)
      : config_(config), world_(world) {
    ScopedActivity activity("opening the data set");
    auto kind = config.model == "mlp" ? io::DatasetKind::classification : io::DatasetKind::tokens;
    info_ = io::validate(config.data, kind, world.get());
    eval_split_ = config.eval_split.empty()
                      ? (kind == io::DatasetKind::classification ? "test" : "validation")
                      : config.eval_split;
    if (info_.find_split("train") == nullptr)
      user_error(str(config.data, " has no train split (it has: ", info_.split_list(), ")"));
    if (info_.find_split(eval_split_) == nullptr)
      user_error(str(config.data, " has no '", eval_split_, "' split to evaluate on (it has: ",
                     info_.split_list(), "): choose one with --eval-split"));

    dp_ = std::make_unique<collectives::Communicator>(world.get());
    device::DeviceOptions device_options;
    device_options.threads = threads;
    device_ = device::open(config.device, device_options);

    io::LoaderOptions train_options;
    train_options.path = config.data;
    train_options.split = "train";
    train_options.global_batch = config.global_batch;
    train_options.seed = config.seed;
    io::LoaderOptions eval_options = train_options;
    eval_options.split = eval_split_;
    eval_options.order = io::Order::sequential;
    if (kind == io::DatasetKind::classification) {
      model::MlpConfig m;
      m.input_dim = info_.sample_size;
      m.hidden_sizes = config.hidden;
      m.classes = info_.num_classes;
      m.activation = model::parse_activation(config.activation);
      m.seed = config.seed;
      m.validate();
      model_ = std::make_unique<model::MlpClassifier>(*device_, m);
      train_classes_ = std::make_unique<io::ClassificationLoader>(train_options, world.get());
      eval_classes_ = std::make_unique<io::ClassificationLoader>(eval_options, world.get());
      units_per_sample_ = 1;
    } else {
      model::GptConfig g;
      g.layers = config.layers;
      g.channels = config.channels;
      g.heads = config.heads;
      g.context_length = config.context;
      g.vocab_size = info_.vocab_size;
      g.tied_embedding = config.tied_embedding;
      g.seed = config.seed;
      g.validate();
      model_ = std::make_unique<model::Gpt>(*device_, g);
      train_options.context_length = eval_options.context_length = config.context;
      train_tokens_ = std::make_unique<io::TokenLoader>(train_options, world.get());
      eval_tokens_ = std::make_unique<io::TokenLoader>(eval_options, world.get());
      units_per_sample_ = static_cast<double>(config.context);
    }

    if (config.optimizer == "adamw") {
      model::AdamWConfig a;
      a.beta1 = config.beta1;
      a.beta2 = config.beta2;
      a.eps = config.eps;
      a.weight_decay = config.weight_decay;
      optimizer_ = std::make_unique<model::AdamW>(model_->parameters(), a);
    } else {
      model::SgdConfig s;
      s.momentum = config.momentum;
      s.weight_decay = config.weight_decay;
      optimizer_ = std::make_unique<model::SgdMomentum>(model_->parameters(), s);
    }

    const auto& loader = train_classes_ ? static_cast<const io::LoaderBase&>(*train_classes_)
                                        : static_cast<const io::LoaderBase&>(*train_tokens_);
    steps_ = config.steps > 0
                 ? config.steps
                 : std::max<std::int64_t>(
                       1, static_cast<std::int64_t>(std::ceil(
                              config.epochs * static_cast<double>(loader.steps_per_epoch()))));
    schedule_.max_lr = config.lr;
    schedule_.min_lr = config.min_lr;
    schedule_.warmup_steps = config.warmup;
    schedule_.total_steps = std::max<std::int64_t>(steps_, config.warmup + 1);
    schedule_.validate();

    auto& params = model_->parameters();
    auto bucket_floats = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(config.bucket_mb * 1024 * 1024 / sizeof(float)));
    buckets_ = std::make_unique<GradientBuckets>(*dp_, *device_, params.grads(), params.size(),
                                                 bucket_floats);
    model_->set_gradient_hook([this](std::int64_t offset, std::int64_t count) {
      buckets_->on_gradients_ready(offset, count);
    });
  }

  TrainResult run() {
    const bool speaker = world_.rank() == 0;
    auto& params = model_->parameters();
    const double flops = model_->step_flops(config_.global_batch).total();
    log::info("model ", model_->kind(), ": ", params.size(), " parameters in ",
              buckets_->bucket_count(), " gradient bucket(s); ", steps_, " steps of ",
              config_.global_batch, " ", train_tokens_ ? "sequences" : "samples", " on ",
              world_.size(), " data-parallel rank(s), device ", device_->info().name, " (",
              device_->info().threads, " threads per rank)");
    TrainResult result;
    result.metrics_path = (std::filesystem::path(config_.out) / "metrics.jsonl").string();
    Progress progress(speaker, result.metrics_path, steps_,
                      units_per_sample_ * static_cast<double>(config_.global_batch),
                      train_tokens_ ? "tokens" : "samples", flops);

    auto loop_start = Clock::now();
    for (std::int64_t step = 1; step <= steps_; ++step) {
      ScopedActivity activity(str("step ", step));
      StepTimes times;
      auto t0 = Clock::now();
      next_training_batch();
      times.data = seconds_since(t0);

      t0 = Clock::now();
      model_->zero_grad();
      buckets_->begin_step();
      float local_loss = model_->forward(batch_.inputs.view(), batch_.targets.view());
      model_->backward();
      times.compute = seconds_since(t0);
      times.comm_wait = buckets_->finish();

      t0 = Clock::now();
      // The gradients are now the same on every rank, so the norm needs no further reduction.
      const double sum_sq = model_->grad_sum_of_squares();
      if (!std::isfinite(sum_sq) || !std::isfinite(local_loss))
        internal_error(str("the loss or the gradients are not finite at step ", step,
                           ": lower --lr or enable --grad-clip"));
      const float clip = model::clip_factor(sum_sq, config_.grad_clip);
      if (clip < 1.0f) model_->scale_gradients(clip);
      const float lr = schedule_.at(step - 1);
      optimizer_->step(lr);
      double loss = local_loss;
      dp_->allreduce(std::span<double>(&loss, 1), collectives::ReduceOp::avg);
      times.compute += seconds_since(t0);

      progress.step(step, loss, lr, times, config_.log_interval);
      if (config_.eval_interval > 0 && step % config_.eval_interval == 0 && step != steps_) {
        auto e = evaluate();
        progress.evaluation(step, eval_split_, e.loss, e.accuracy);
      }
    }
    result.seconds = seconds_since(loop_start);
    result.steps = steps_;
    result.final_train_loss = progress.recent_loss();
    auto e = evaluate();
    progress.evaluation(steps_, eval_split_, e.loss, e.accuracy);
    result.eval_loss = e.loss;
    result.eval_accuracy = e.accuracy;
    return result;
  }

 private:
  void next_training_batch() {
    ScopedActivity activity("reading the training batch");
    if (train_classes_) {
      train_classes_->next(class_batch_);
      batch_.upload(*device_, class_batch_);
    } else {
      train_tokens_->next(token_batch_);
      batch_.upload(*device_, token_batch_);
    }
  }

  EvalResult evaluate() {
    ScopedActivity activity(str("evaluating on ", eval_split_));
    // Sums over every rank: loss * items, correct answers, items.
    std::array<double, 3> sums{0, 0, 0};
    std::int64_t batches = 0;
    auto within_budget = [&] {
      return config_.eval_batches == 0 || batches < config_.eval_batches;
    };
    if (eval_classes_) {
      auto* mlp = static_cast<model::MlpClassifier*>(model_.get());
      while (within_budget() && eval_classes_->next(class_batch_)) {
        ++batches;
        if (class_batch_.size == 0) continue;
        batch_.upload(*device_, class_batch_);
        auto e = mlp->evaluate(batch_.inputs.view(), batch_.targets.view());
        sums[0] += e.loss * static_cast<double>(e.count);
        sums[1] += static_cast<double>(e.correct);
        sums[2] += static_cast<double>(e.count);
      }
      if (!within_budget()) eval_classes_->seek({});  // the next evaluation starts a fresh pass
    } else {
      while (within_budget() && eval_tokens_->next(token_batch_)) {
        ++batches;
        if (token_batch_.size == 0) continue;
        batch_.upload(*device_, token_batch_);
        double n = static_cast<double>(token_batch_.size * token_batch_.context_length);
        sums[0] += model_->forward(batch_.inputs.view(), batch_.targets.view()) * n;
        sums[2] += n;
      }
      if (!within_budget()) eval_tokens_->seek({});
    }
    dp_->allreduce(std::span<double>(sums), collectives::ReduceOp::sum);
    EvalResult result;
    result.loss = sums[2] > 0 ? sums[0] / sums[2] : 0.0;
    if (eval_classes_) result.accuracy = sums[2] > 0 ? sums[1] / sums[2] : 0.0;
    return result;
  }

  const TrainConfig& config_;
  const mpi::Comm& world_;
  io::DatasetInfo info_;
  std::string eval_split_;
  std::unique_ptr<collectives::Communicator> dp_;
  std::unique_ptr<device::Device> device_;
  std::unique_ptr<model::Model> model_;
  std::unique_ptr<model::Optimizer> optimizer_;
  std::unique_ptr<io::ClassificationLoader> train_classes_, eval_classes_;
  std::unique_ptr<io::TokenLoader> train_tokens_, eval_tokens_;
  std::unique_ptr<GradientBuckets> buckets_;
  model::LrSchedule schedule_;
  std::int64_t steps_ = 0;
  double units_per_sample_ = 1;
  io::ClassificationBatch class_batch_;
  io::TokenBatch token_batch_;
  DeviceBatch batch_;
};

}  // namespace

TrainResult train(const TrainConfig& config, const mpi::Comm& world, int threads,
                  const std::string& resolved_toml) {
  ScopedActivity activity("training");
  validate(config, world.size());
  Job job(config, world, threads);
  prepare_output(config, world, resolved_toml);
  return job.run();
}

}  // namespace dojo::jobs
