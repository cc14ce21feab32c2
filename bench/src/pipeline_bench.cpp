// The pipeline benchmark (see pipeline_bench.hpp): each rank is one stage running the schedule's
// actions through runtime::run_pipeline with either a sleeping stage or a real GptStage; rank 0
// gathers the per-stage figures and prints them beside (pp-1)/(m+pp-1).
#include "dojo/bench/pipeline_bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <ostream>
#include <span>
#include <thread>

#include "dojo/common/error.hpp"
#include "dojo/common/json.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/device/host_device.hpp"
#include "dojo/model/gpt_partition.hpp"
#include "dojo/model/gpt_stage.hpp"
#include "dojo/model/tensor.hpp"

namespace dojo::jobs {
namespace {

using runtime::PipelineStageOps;

// A stage whose forward and backward only sleep; its messages are real (zeros) and so is the
// executor's work around them. Buffers are shared by all micro-batches, as the executor allows.
class SleepStage {
 public:
  SleepStage(double forward_ms, double backward_ms, std::int64_t activation_floats)
      : forward_(forward_ms),
        backward_(backward_ms),
        buffer_(static_cast<std::size_t>(activation_floats)) {}

  PipelineStageOps ops() {
    PipelineStageOps ops;
    ops.forward = [this](int) { std::this_thread::sleep_for(forward_); };
    ops.backward = [this](int) { std::this_thread::sleep_for(backward_); };
    ops.input = [this](int) { return std::span<float>(buffer_); };
    ops.output = [this](int) { return std::span<const float>(buffer_); };
    ops.output_grad = [this](int) { return std::span<float>(buffer_); };
    ops.input_grad = [this](int) { return std::span<const float>(buffer_); };
    return ops;
  }

 private:
  std::chrono::duration<double, std::milli> forward_;
  std::chrono::duration<double, std::milli> backward_;
  std::vector<float> buffer_;  // (B, T, C): what is received, and what is sent
};

// Deterministic tokens in [0, V) for micro-batch `micro` (the figures do not depend on them).
std::vector<std::int32_t> bench_tokens(std::int64_t count, std::int64_t V, int micro, int salt) {
  std::vector<std::int32_t> tokens(static_cast<std::size_t>(count));
  std::uint64_t x = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(2 * micro + salt + 1);
  for (auto& t : tokens) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift64
    t = static_cast<std::int32_t>(x % static_cast<std::uint64_t>(V));
  }
  return tokens;
}

// One stage of a real GPT on the host device (one thread: the ranks share the machine's cores).
class GptBenchStage {
 public:
  GptBenchStage(const model::GptConfig& config, int stage, int stages, std::int64_t B,
                int max_micro_batches)
      : device_(1),
        ranges_(model::balanced_stages(config, stages)),
        stage_(device_, config, model::GptPartition::of_stage(ranges_, stage)),
        B_(B),
        T_(config.context_length),
        C_(config.channels),
        input_(static_cast<std::size_t>(B * T_ * C_)),
        output_grad_(static_cast<std::size_t>(B * T_ * C_)) {
    for (int i = 0; i < max_micro_batches; ++i) {
      tokens_.push_back(
          model::make_tensor(device_, {B, T_}, bench_tokens(B * T_, config.vocab_size, i, 0)));
      targets_.push_back(
          model::make_tensor(device_, {B, T_}, bench_tokens(B * T_, config.vocab_size, i, 1)));
    }
  }

  PipelineStageOps ops(int micro_batches) {
    PipelineStageOps ops;
    const float loss_scale = 1.0f / static_cast<float>(micro_batches);
    ops.forward = [this](int micro) {
      const auto u = static_cast<std::size_t>(micro);
      const model::TensorView inputs = stage_.first_stage()
                                           ? tokens_[u].view()
                                           : model::TensorView::of(input_.data(), {B_, T_, C_});
      stage_.forward(micro, inputs, stage_.last_stage() ? targets_[u].view() : model::TensorView{});
    };
    ops.backward = [this, loss_scale](int micro) {
      if (stage_.last_stage()) {
        stage_.backward(micro, loss_scale);
      } else {
        stage_.backward(micro, model::TensorView::of(output_grad_.data(), {B_, T_, C_}));
      }
    };
    ops.input = [this](int) { return std::span<float>(input_); };
    ops.output_grad = [this](int) { return std::span<float>(output_grad_); };
    ops.output = [this](int micro) { return as_span(stage_.output(micro)); };
    ops.input_grad = [this](int micro) { return as_span(stage_.input_grad(micro)); };
    return ops;
  }

  void reset_peak() { stage_.reset_peak_activation_bytes(); }
  std::int64_t peak_activation_bytes() const { return stage_.peak_activation_bytes(); }

 private:
  static std::span<const float> as_span(const model::TensorView& view) {
    return {view.data<float>(), static_cast<std::size_t>(view.numel())};
  }

  device::HostDevice device_;
  std::vector<model::StageRange> ranges_;
  model::GptStage stage_;
  std::int64_t B_, T_, C_;
  std::vector<float> input_;            // (B, T, C) received activations
  std::vector<float> output_grad_;      // (B, T, C) received gradient of this stage's output
  std::vector<model::Tensor> tokens_;   // per micro-batch (B, T) int32, first stage's input
  std::vector<model::Tensor> targets_;  // per micro-batch (B, T) int32, last stage's targets
};

void validate(const PipelineBenchOptions& options, int stages) {
  if (options.micro_batches.empty()) user_error("bench pipeline: --micro-batches lists none");
  for (int m : options.micro_batches)
    if (m < 1 || m > runtime::kPipelineMaxMicroBatches)
      user_error(str("bench pipeline: --micro-batches ", m, " is not in [1, ",
                     runtime::kPipelineMaxMicroBatches, "]"));
  if (options.schedules.empty()) user_error("bench pipeline: --schedule lists none");
  if (options.iterations < 1) user_error("bench pipeline: --iterations must be at least 1");
  if (options.warmup < 0) user_error("bench pipeline: --warmup must not be negative");
  if (options.forward_ms < 0 || options.backward_ms < 0)
    user_error("bench pipeline: --forward-ms and --backward-ms must not be negative");
  if (options.micro_batch_size < 1)
    user_error("bench pipeline: --micro-batch-size must be at least 1");
  options.model.validate();
  if (options.compute == PipelineBenchCompute::gpt && stages > options.model.layers)
    user_error(str("bench pipeline: ", stages, " stages but the GPT has ", options.model.layers,
                   " layers: pass --layers ", stages, " or more, or run fewer ranks"));
}

double mib(std::int64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

void print_table(std::ostream& out, const PipelineBenchOptions& options,
                 const std::vector<PipelineBenchRun>& runs, int stages,
                 std::int64_t activation_floats) {
  char line[256];
  out << "dojo bench pipeline: " << stages << " stage(s), one per rank; ";
  if (options.compute == PipelineBenchCompute::sleep) {
    std::snprintf(line, sizeof line,
                  "compute = sleep: forward %.0f ms, backward %.0f ms per micro-batch on every "
                  "stage\n  (sleeping stages measure the schedule and its messages, not the CPU: "
                  "the job may have more ranks than cores)\n",
                  options.forward_ms, options.backward_ms);
    out << line;
  } else {
    const auto& c = options.model;
    std::snprintf(line, sizeof line,
                  "compute = gpt: L=%lld C=%lld NH=%lld T=%lld V=%lld split by balanced_stages, "
                  "one thread per rank\n  (stages are unequal: the first holds the embeddings, "
                  "the last the head; the theory assumes equal stages)\n",
                  static_cast<long long>(c.layers), static_cast<long long>(c.channels),
                  static_cast<long long>(c.heads), static_cast<long long>(c.context_length),
                  static_cast<long long>(c.vocab_size));
    out << line;
  }
  std::snprintf(line, sizeof line,
                "  messages (B, T, C) = (%lld, %lld, %lld) float32 = %.1f KiB; %d warm-up + %d "
                "timed iteration(s) per row, figures summed over the timed ones\n",
                static_cast<long long>(options.micro_batch_size),
                static_cast<long long>(options.model.context_length),
                static_cast<long long>(options.model.channels),
                static_cast<double>(activation_floats) * 4 / 1024.0, options.warmup,
                options.iterations);
  out << line;
  out << "  bubble = 1 - compute/total of the stage's own run (all start at a barrier); "
         "idle/step = 1 - compute/step,\n  step = the slowest stage's run: (pp-1)/(m+pp-1) "
         "predicts idle/step on every stage\n\n";
  std::snprintf(line, sizeof line, "%-8s %4s %5s %10s %9s %8s %7s %9s %7s %9s %11s\n", "schedule",
                "m", "stage", "compute s", "total s", "wait s", "bubble", "idle/step", "theory",
                "in-flight", "peak MiB");
  out << line;
  for (const auto& run : runs) {
    for (int s = 0; s < run.stages; ++s) {
      const auto& st = run.per_stage[static_cast<std::size_t>(s)];
      const double idle = run.step_seconds > 0 ? 1 - st.compute_seconds / run.step_seconds : 0;
      std::snprintf(line, sizeof line,
                    "%-8s %4d %5d %10.3f %9.3f %8.3f %7.3f %9.3f %7.3f %9d %11.2f\n",
                    std::string(runtime::name(run.schedule)).c_str(), run.micro_batches, s,
                    st.compute_seconds, st.total_seconds, st.wait_seconds, st.bubble(), idle,
                    run.theory_bubble(), st.peak_in_flight, mib(st.peak_activation_bytes));
      out << line;
    }
  }
  // GPipe against 1F1B side by side: the activation memory bound.
  out << "\npeak activations per stage (micro-batches in flight / MiB), stage 0 first:\n";
  for (int m : options.micro_batches) {
    for (const auto& run : runs) {
      if (run.micro_batches != m) continue;
      std::snprintf(line, sizeof line, "  m=%-3d %-6s", m,
                    std::string(runtime::name(run.schedule)).c_str());
      out << line;
      for (const auto& st : run.per_stage) {
        std::snprintf(line, sizeof line, "  %3d / %7.2f", st.peak_in_flight,
                      mib(st.peak_activation_bytes));
        out << line;
      }
      out << '\n';
    }
  }
  out.flush();
}

void write_json(const std::string& path, const PipelineBenchOptions& options,
                const std::vector<PipelineBenchRun>& runs, std::int64_t activation_floats) {
  std::ofstream file(path);
  if (!file) user_error(str("bench pipeline: cannot write --json ", path));
  json::Writer json(file, 2);
  json.object()
      .field("compute", options.compute == PipelineBenchCompute::sleep ? "sleep" : "gpt")
      .field("forward_ms", options.forward_ms)
      .field("backward_ms", options.backward_ms)
      .field("iterations", options.iterations)
      .field("activation_bytes_per_message", activation_floats * 4);
  json.key("runs").array();
  for (const auto& run : runs) {
    json.object()
        .field("schedule", runtime::name(run.schedule))
        .field("micro_batches", run.micro_batches)
        .field("stages", run.stages)
        .field("step_seconds", run.step_seconds)
        .field("theory_bubble", run.theory_bubble());
    json.key("per_stage").array();
    for (std::size_t s = 0; s < run.per_stage.size(); ++s) {
      const auto& st = run.per_stage[s];
      const double idle = run.step_seconds > 0 ? 1 - st.compute_seconds / run.step_seconds : 0;
      json.object()
          .field("stage", s)
          .field("total_seconds", st.total_seconds)
          .field("compute_seconds", st.compute_seconds)
          .field("wait_seconds", st.wait_seconds)
          .field("bubble", st.bubble())
          .field("idle_share_of_step", idle)
          .field("peak_in_flight", st.peak_in_flight)
          .field("peak_activation_bytes", st.peak_activation_bytes)
          .end();
    }
    json.end().end();
  }
  json.end().end();
  file << '\n';
  if (!file) user_error(str("bench pipeline: cannot write --json ", path));
}

}  // namespace

model::GptConfig PipelineBenchOptions::default_model() {
  model::GptConfig config;
  config.layers = 8;
  config.channels = 128;
  config.heads = 4;
  config.context_length = 64;
  config.vocab_size = 256;
  return config;
}

std::vector<PipelineBenchRun> run_pipeline_bench(const PipelineBenchOptions& options,
                                                 MPI_Comm pp_comm, std::ostream& out) {
  int stage = 0, stages = 1;
  DOJO_CHECK_MPI(MPI_Comm_rank(pp_comm, &stage));
  DOJO_CHECK_MPI(MPI_Comm_size(pp_comm, &stages));
  validate(options, stages);
  const std::int64_t activation_floats =
      options.micro_batch_size * options.model.context_length * options.model.channels;
  const int max_m = *std::max_element(options.micro_batches.begin(), options.micro_batches.end());

  std::unique_ptr<SleepStage> sleeper;
  std::unique_ptr<GptBenchStage> gpt;
  if (options.compute == PipelineBenchCompute::sleep) {
    sleeper =
        std::make_unique<SleepStage>(options.forward_ms, options.backward_ms, activation_floats);
  } else {
    gpt = std::make_unique<GptBenchStage>(options.model, stage, stages, options.micro_batch_size,
                                          max_m);
  }

  std::vector<PipelineBenchRun> runs;
  for (auto kind : options.schedules) {
    for (int m : options.micro_batches) {
      if (stage == 0) {
        std::vector<std::vector<runtime::PipelineAction>> all;
        for (int s = 0; s < stages; ++s) all.push_back(runtime::build_schedule(kind, s, stages, m));
        const std::string problem = runtime::validate_schedules(all);
        if (!problem.empty())
          internal_error(str("bench pipeline: ", runtime::name(kind), " m=", m, ": ", problem));
      }
      const auto actions = runtime::build_schedule(kind, stage, stages, m);
      PipelineStageOps ops = gpt ? gpt->ops(m) : sleeper->ops();
      for (int i = 0; i < options.warmup; ++i) {
        DOJO_CHECK_MPI(MPI_Barrier(pp_comm));
        runtime::run_pipeline(actions, ops, pp_comm, activation_floats);
      }
      if (gpt) gpt->reset_peak();
      PipelineBenchStage mine;
      double step_seconds = 0;
      for (int i = 0; i < options.iterations; ++i) {
        DOJO_CHECK_MPI(MPI_Barrier(pp_comm));
        const runtime::PipelineStats stats =
            runtime::run_pipeline(actions, ops, pp_comm, activation_floats);
        mine.total_seconds += stats.total_seconds;
        mine.compute_seconds += stats.compute_seconds;
        mine.wait_seconds += stats.wait_seconds;
        mine.peak_in_flight = stats.peak_in_flight;
        double slowest = 0;
        DOJO_CHECK_MPI(
            MPI_Allreduce(&stats.total_seconds, &slowest, 1, MPI_DOUBLE, MPI_MAX, pp_comm));
        step_seconds += slowest;
      }
      mine.peak_activation_bytes =
          gpt ? gpt->peak_activation_bytes()
              : mine.peak_in_flight * activation_floats * static_cast<std::int64_t>(sizeof(float));

      // Gather (total, compute, wait, peak in flight, peak bytes) of every stage to rank 0.
      const double packed[5] = {mine.total_seconds, mine.compute_seconds, mine.wait_seconds,
                                static_cast<double>(mine.peak_in_flight),
                                static_cast<double>(mine.peak_activation_bytes)};
      std::vector<double> gathered(stage == 0 ? 5 * static_cast<std::size_t>(stages) : 0);
      DOJO_CHECK_MPI(MPI_Gather(packed, 5, MPI_DOUBLE, gathered.data(), 5, MPI_DOUBLE, 0, pp_comm));
      PipelineBenchRun run;
      run.schedule = kind;
      run.micro_batches = m;
      run.stages = stages;
      run.step_seconds = step_seconds;
      if (stage == 0) {
        for (int s = 0; s < stages; ++s) {
          const double* g = gathered.data() + 5 * s;
          PipelineBenchStage st;
          st.total_seconds = g[0];
          st.compute_seconds = g[1];
          st.wait_seconds = g[2];
          st.peak_in_flight = static_cast<int>(g[3]);
          st.peak_activation_bytes = static_cast<std::int64_t>(g[4]);
          run.per_stage.push_back(st);
        }
      } else {
        run.per_stage.push_back(mine);
      }
      runs.push_back(std::move(run));
    }
  }
  if (stage == 0) {
    print_table(out, options, runs, stages, activation_floats);
    if (!options.json_path.empty()) write_json(options.json_path, options, runs, activation_floats);
  }
  return runs;
}

}  // namespace dojo::jobs
