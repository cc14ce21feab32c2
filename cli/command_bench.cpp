// `dojo bench ...`: benchmarks (not tests). `gemm` measures the device's GEMM against plain BLIS.
#include "commands.hpp"

namespace dojo::cli {
namespace {
class BenchCommand final : public Command {
 public:
  explicit BenchCommand(CLI::App& app) {
    command_ = app.add_subcommand("bench", "Benchmarks: gemm");
    command_->require_subcommand(1);
    gemm_ = command_->add_subcommand("gemm", "GFLOPS of the device's GEMM against plain bli_sgemm");
  }
  bool chosen() const override { return command_->parsed(); }
  int run(Context&) override { internal_error("bench gemm: not wired yet"); }

 private:
  CLI::App* command_ = nullptr;
  CLI::App* gemm_ = nullptr;
};
}  // namespace
std::unique_ptr<Command> make_bench_command(CLI::App& app) {
  return std::make_unique<BenchCommand>(app);
}
}  // namespace dojo::cli
