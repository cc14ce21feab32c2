// `dojo bench ...`: benchmarks, not tests. `gemm` measures the device's GEMM against a plain
// bli_sgemm call in the same run; later issues add `collectives` and `step`.
#include <iostream>
#include <regex>

#include "commands.hpp"
#include "dojo/device/gemm_bench.hpp"
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

class BenchCommand final : public Command {
 public:
  explicit BenchCommand(CLI::App& app) {
    command_ = app.add_subcommand("bench", "Benchmarks (figures, not pass/fail): gemm");
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
  }
  bool chosen() const override { return command_->parsed(); }

  int run(Context& context) override {
    if (context.runtime.size() != 1)
      user_error(str("dojo bench gemm measures one rank, but the job has ", context.runtime.size(),
                     ": run it without a launcher or with -n 1"));
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
  std::string device_name_ = "host";
  std::vector<std::string> shapes_;
  device::GemmBenchOptions gemm_options_;
};

}  // namespace

std::unique_ptr<Command> make_bench_command(CLI::App& app) {
  return std::make_unique<BenchCommand>(app);
}

}  // namespace dojo::cli
