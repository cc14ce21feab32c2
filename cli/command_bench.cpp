// `dojo bench ...`: benchmarks, not tests. `gemm` measures the device's GEMM against a plain
// bli_sgemm call in the same run; `step` times a GPT step; `collectives` the collectives over all
// ranks; `pipeline` the pipeline schedules over all ranks (one stage each).
#include <iostream>
#include <regex>
#include <type_traits>

#include "commands.hpp"
#include "dojo/bench/gemm_bench.hpp"
#include "dojo/bench/pipeline_bench.hpp"
#include "dojo/bench/step_bench.hpp"
#include "dojo/collectives/bench.hpp"
#include "dojo/collectives/bench_cli.hpp"
#include "dojo/collectives/communicator.hpp"
#include "dojo/config/cli.hpp"
#include "dojo/device/registry.hpp"

namespace dojo::cli {
namespace {

device::GemmBenchShape parse_shape(const std::string& text) {
  static const std::regex form(R"((\d+)x(\d+)x(\d+)(?::([nt])([nt]))?)");
  std::smatch m;
  if (!std::regex_match(text, m, form))
    user_error(
        str("bad --shape '", text, "': write MxNxK or MxNxK:nt (transposes of A and B, n or t)"));
  device::GemmBenchShape shape;
  shape.label = "custom";
  shape.m = std::stoll(m[1]);
  shape.n = std::stoll(m[2]);
  shape.k = std::stoll(m[3]);
  if (shape.m < 1 || shape.n < 1 || shape.k < 1)
    user_error(str("bad --shape '", text, "': sizes must be positive"));
  if (m[4].matched) {
    shape.op_a = m[4] == "t" ? device::Op::transpose : device::Op::none;
    shape.op_b = m[5] == "t" ? device::Op::transpose : device::Op::none;
  }
  return shape;
}

// A bench option's domain, typed by the field it fills: NaN, infinity, overflow and values out of
// [min, max] are one line naming the option (CLI11's PositiveNumber lets NaN through).
template <typename T>
CLI::Validator within(const T&, std::type_identity_t<T> min, std::type_identity_t<T> max) {
  return config::in(config::Domain<T>{min, max});
}

class BenchCommand final : public Command {
 public:
  explicit BenchCommand(CLI::App& app) {
    command_ = app.add_subcommand(
        "bench", "Benchmarks (figures, not pass/fail): gemm, step, collectives, pipeline, convert");
    command_->require_subcommand(1);
    gemm_ = command_->add_subcommand(
        "gemm",
        "GFLOPS of the device's GEMM against a plain bli_sgemm call with the same threads, "
        "measured interleaved in one run (median of repetitions). Runs on one rank.");
    gemm_->add_option("--device", device_name_, "Device to measure: host, or a plugin name/path")
        ->capture_default_str();
    gemm_->add_option("--warmup", gemm_options_.warmup, "Untimed repetitions per shape")
        ->capture_default_str()
        ->check(within(gemm_options_.warmup, 0, 1000000));
    gemm_->add_option("--repetitions", gemm_options_.repetitions, "Timed repetitions per shape")
        ->capture_default_str()
        ->check(within(gemm_options_.repetitions, 1, 1000000));
    gemm_->add_option("--shape", shapes_,
                      "Measure these shapes instead of the defaults: MxNxK[:ab], a/b = n or t "
                      "(transposes), e.g. --shape 4096x1024x256:nt; repeatable");
    step_ = command_->add_subcommand(
        "step",
        "Time of one GPT training step (forward, backward, AdamW) on one rank, the share spent in "
        "GEMM, and the same model in PyTorch (python3-torch) with the same threads, in one run");
    auto& m = step_options_.model;
    step_->add_option("--layers", m.layers, "Transformer blocks")
        ->capture_default_str()
        ->check(within(m.layers, 1, 1000000));
    step_->add_option("--channels", m.channels, "Width")
        ->capture_default_str()
        ->check(within(m.channels, 1, 1000000));
    step_->add_option("--heads", m.heads, "Attention heads")
        ->capture_default_str()
        ->check(within(m.heads, 1, 1000000));
    step_->add_option("--context", m.context_length, "Context length, tokens")
        ->capture_default_str()
        ->check(within(m.context_length, 1, 1000000));
    step_->add_option("--vocab", m.vocab_size, "Vocabulary size")
        ->capture_default_str()
        ->check(within(m.vocab_size, 1, 1000000));
    step_->add_option("--batch", step_options_.batch_size, "Sequences per step")
        ->capture_default_str()
        ->check(within(step_options_.batch_size, 1, 1000000));
    step_->add_option("--steps", step_options_.steps, "Timed steps (median reported)")
        ->capture_default_str()
        ->check(within(step_options_.steps, 1, 1000000));
    step_->add_flag("--no-torch", no_torch_, "Skip the PyTorch comparison");
    collectives_ = command_->add_subcommand(
        "collectives",
        "OSU-style table per operation, algorithm and size over all ranks of the job: avg/min/max "
        "time, algbw, busbw, with native MPI and the cost model's choice in the same run.\n"
        "Example: mpirun -n 4 dojo bench collectives --ops allreduce --min-size 64K --csv out.csv");
    collectives::add_bench_options(*collectives_, collectives_options_, collectives_text_);
    add_pipeline_options();
    convert_ = make_bench_convert_command(*command_);
  }
  bool chosen() const override { return command_->parsed(); }

  int run(Context& context) override {
    if (convert_->chosen()) return convert_->run(context);
    if (pipeline_->parsed()) return run_pipeline(context);
    if (collectives_->parsed()) {
      collectives::finish_bench_options(collectives_options_, collectives_text_);
      collectives::Communicator comm(context.runtime.world().get());
      collectives::run_collectives_bench(collectives_options_, comm, std::cout);
      return 0;
    }
    if (context.runtime.size() != 1)
      user_error(str("dojo bench ", gemm_->parsed() ? "gemm" : "step",
                     " measures one rank, but the job has ", context.runtime.size(),
                     ": run it without a launcher or with -n 1"));
    if (step_->parsed()) {
      device::DeviceOptions options;
      options.threads = context.runtime.threads().threads;
      auto dev = device::open(device_name_, options);
      if (no_torch_) step_options_.torch_script.clear();
      model::run_step_bench(step_options_, *dev, std::cout);
      return 0;
    }
    if (!shapes_.empty()) {
      gemm_options_.shapes.clear();
      for (const auto& s : shapes_) gemm_options_.shapes.push_back(parse_shape(s));
    }
    device::DeviceOptions options;
    options.threads = context.runtime.threads().threads;
    auto dev = device::open(device_name_, options);
    gemm_options_.threads = options.threads;
    log::info("bench gemm: ", gemm_options_.shapes.size(), " shapes on ", dev->info().name,
              " with ", options.threads, " thread(s)");
    auto rows = device::run_gemm_bench(gemm_options_, *dev);
    device::print_gemm_bench(std::cout, rows, *dev, gemm_options_);
    return 0;
  }

 private:
  void add_pipeline_options() {
    pipeline_ = command_->add_subcommand(
        "pipeline",
        "Pipeline schedules over all ranks of the job (one stage each): per stage the measured "
        "bubble beside (pp-1)/(m+pp-1) and the peak activations held, GPipe against 1F1B.\n"
        "Example: mpirun -n 4 dojo bench pipeline --micro-batches 4,8,16 --schedule gpipe,1f1b");
    auto& o = pipeline_options_;
    pipeline_->add_option("--micro-batches", o.micro_batches, "Micro-batch counts m, one run each")
        ->delimiter(',')
        ->capture_default_str()
        ->check(CLI::Range(1, runtime::kPipelineMaxMicroBatches));
    pipeline_->add_option("--schedule", pipeline_schedules_, "Schedules: gpipe, 1f1b")
        ->delimiter(',')
        ->capture_default_str()
        ->check(CLI::IsMember({"gpipe", "1f1b"}));
    pipeline_
        ->add_option("--compute", pipeline_compute_,
                     "sleep: fixed forward/backward times (measures the schedule, not CPU "
                     "contention); gpt: real GPT stages (balanced_stages)")
        ->capture_default_str()
        ->check(CLI::IsMember({"sleep", "gpt"}));
    pipeline_->add_option("--forward-ms", o.forward_ms, "sleep: forward time per micro-batch")
        ->capture_default_str()
        ->check(within(o.forward_ms, 0, 1e6));
    pipeline_->add_option("--backward-ms", o.backward_ms, "sleep: backward time per micro-batch")
        ->capture_default_str()
        ->check(within(o.backward_ms, 0, 1e6));
    pipeline_->add_option("--warmup", o.warmup, "Untimed runs per schedule and m")
        ->capture_default_str()
        ->check(within(o.warmup, 0, 1000000));
    pipeline_->add_option("--iterations", o.iterations, "Timed runs per schedule and m")
        ->capture_default_str()
        ->check(within(o.iterations, 1, 1000000));
    pipeline_->add_option("--micro-batch-size", o.micro_batch_size, "Sequences per micro-batch")
        ->capture_default_str()
        ->check(within(o.micro_batch_size, 1, 1000000));
    pipeline_->add_option("--layers", o.model.layers, "gpt: transformer blocks")
        ->capture_default_str()
        ->check(within(o.model.layers, 1, 1000000));
    pipeline_->add_option("--channels", o.model.channels, "Width C (messages are (B, T, C))")
        ->capture_default_str()
        ->check(within(o.model.channels, 1, 1000000));
    pipeline_->add_option("--heads", o.model.heads, "gpt: attention heads")
        ->capture_default_str()
        ->check(within(o.model.heads, 1, 1000000));
    pipeline_->add_option("--context", o.model.context_length, "Tokens per sequence T")
        ->capture_default_str()
        ->check(within(o.model.context_length, 1, 1000000));
    pipeline_->add_option("--vocab", o.model.vocab_size, "gpt: vocabulary size")
        ->capture_default_str()
        ->check(within(o.model.vocab_size, 1, 1000000));
    pipeline_->add_option("--json", o.json_path, "Also write the figures to this JSON file");
    pipeline_->add_flag("--dry-run", pipeline_dry_run_,
                        "Print each schedule's actions per stage (with sends and receives) and "
                        "stop");
  }

  int run_pipeline(Context& context) {
    auto& o = pipeline_options_;
    o.schedules.clear();
    for (const auto& s : pipeline_schedules_) o.schedules.push_back(*runtime::parse_schedule(s));
    o.compute = pipeline_compute_ == "gpt" ? jobs::PipelineBenchCompute::gpt
                                           : jobs::PipelineBenchCompute::sleep;
    const int stages = context.runtime.size();
    if (pipeline_dry_run_) {
      if (context.runtime.rank() == 0) {
        for (auto kind : o.schedules) {
          for (int m : o.micro_batches) {
            std::vector<std::vector<runtime::PipelineAction>> all;
            for (int s = 0; s < stages; ++s)
              all.push_back(runtime::build_schedule(kind, s, stages, m));
            std::cout << runtime::name(kind) << ", " << stages << " stage(s), m = " << m << ":\n"
                      << runtime::format_schedules(all, true);
          }
        }
      }
      return 0;
    }
    jobs::run_pipeline_bench(o, context.runtime.world().get(), std::cout);
    return 0;
  }

  CLI::App* command_ = nullptr;
  std::unique_ptr<Command> convert_;
  CLI::App* pipeline_ = nullptr;
  jobs::PipelineBenchOptions pipeline_options_;
  std::vector<std::string> pipeline_schedules_{"gpipe", "1f1b"};
  std::string pipeline_compute_ = "sleep";
  bool pipeline_dry_run_ = false;
  CLI::App* gemm_ = nullptr;
  CLI::App* step_ = nullptr;
  CLI::App* collectives_ = nullptr;
  collectives::BenchOptions collectives_options_;
  collectives::BenchCliText collectives_text_;
  model::StepBenchOptions step_options_;
  bool no_torch_ = false;
  std::string device_name_ = "host";
  std::vector<std::string> shapes_;
  device::GemmBenchOptions gemm_options_;
};

}  // namespace

std::unique_ptr<Command> make_bench_command(CLI::App& app) {
  return std::make_unique<BenchCommand>(app);
}

}  // namespace dojo::cli
