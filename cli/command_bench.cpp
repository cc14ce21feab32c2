// `dojo bench ...`: benchmarks, not tests. `gemm` measures the device's GEMM against a plain
// bli_sgemm call in the same run; later issues add `collectives` and `step`.
#include <iostream>
#include <regex>

#include "commands.hpp"
#include "dojo/collectives/bench.hpp"
#include "dojo/collectives/bench_cli.hpp"
#include "dojo/collectives/communicator.hpp"
#include "dojo/device/gemm_bench.hpp"
#include "dojo/device/registry.hpp"
#include "dojo/model/step_bench.hpp"

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

class BenchCommand final : public Command {
 public:
  explicit BenchCommand(CLI::App& app) {
    command_ =
        app.add_subcommand("bench", "Benchmarks (figures, not pass/fail): gemm, step, collectives");
    command_->require_subcommand(1);
    gemm_ = command_->add_subcommand(
        "gemm",
        "GFLOPS of the device's GEMM against a plain bli_sgemm call with the same threads, "
        "measured interleaved in one run (median of repetitions). Runs on one rank.");
    gemm_->add_option("--device", device_name_, "Device to measure: host, or a plugin name/path")
        ->capture_default_str();
    gemm_->add_option("--warmup", gemm_options_.warmup, "Untimed repetitions per shape")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    gemm_->add_option("--repetitions", gemm_options_.repetitions, "Timed repetitions per shape")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    gemm_->add_option("--shape", shapes_,
                      "Measure these shapes instead of the defaults: MxNxK[:ab], a/b = n or t "
                      "(transposes), e.g. --shape 4096x1024x256:nt; repeatable");
    step_ = command_->add_subcommand(
        "step",
        "Time of one GPT training step (forward, backward, AdamW) on one rank, the share spent in "
        "GEMM, and the same model in PyTorch (python3-torch) with the same threads, in one run");
    auto& m = step_options_.model;
    step_->add_option("--layers", m.layers, "Transformer blocks")->capture_default_str();
    step_->add_option("--channels", m.channels, "Width")->capture_default_str();
    step_->add_option("--heads", m.heads, "Attention heads")->capture_default_str();
    step_->add_option("--context", m.context_length, "Context length, tokens")
        ->capture_default_str();
    step_->add_option("--vocab", m.vocab_size, "Vocabulary size")->capture_default_str();
    step_->add_option("--batch", step_options_.batch_size, "Sequences per step")
        ->capture_default_str();
    step_->add_option("--steps", step_options_.steps, "Timed steps (median reported)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    step_->add_flag("--no-torch", no_torch_, "Skip the PyTorch comparison");
    collectives_ = command_->add_subcommand(
        "collectives",
        "OSU-style table per operation, algorithm and size over all ranks of the job: avg/min/max "
        "time, algbw, busbw, with native MPI and the cost model's choice in the same run.\n"
        "Example: mpirun -n 4 dojo bench collectives --ops allreduce --min-size 64K --csv out.csv");
    collectives::add_bench_options(*collectives_, collectives_options_, collectives_text_);
  }
  bool chosen() const override { return command_->parsed(); }

  int run(Context& context) override {
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
  CLI::App* command_ = nullptr;
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
