// The step benchmark runs end to end on a small GPT and reports consistent figures; the PyTorch
// comparison is exercised when Debian's python3-torch is installed and skipped otherwise.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "dojo/bench/step_bench.hpp"
#include "dojo/device/host_device.hpp"

namespace dojo::model {
namespace {

StepBenchOptions small_options() {
  StepBenchOptions options;
  options.model.layers = 1;
  options.model.channels = 32;
  options.model.heads = 2;
  options.model.context_length = 16;
  options.model.vocab_size = 64;
  options.batch_size = 2;
  options.warmup_steps = 1;
  options.steps = 3;
  options.torch_script.clear();
  return options;
}

TEST(StepBenchTest, ReportsTimesAndGemmShare) {
  device::HostDevice device(1);
  std::ostringstream out;
  const StepBenchResult result = run_step_bench(small_options(), device, out);
  EXPECT_EQ(result.threads, 1);
  EXPECT_GT(result.step_seconds, 0.0);
  EXPECT_LE(result.forward_seconds + result.backward_seconds + result.optimizer_seconds,
            1.5 * result.step_seconds);
  EXPECT_GT(result.gemm_share, 0.0);
  EXPECT_LE(result.gemm_share, 1.0);
  EXPECT_GT(result.flops_per_step, 0.0);
  EXPECT_FALSE(result.torch_step_seconds.has_value());
  EXPECT_NE(out.str().find("GEMM share"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("torch  not run"), std::string::npos) << out.str();
}

TEST(StepBenchTest, ComparesWithPyTorchWhenInstalled) {
  StepBenchOptions options = small_options();
  options.torch_script = default_torch_script();
  ASSERT_FALSE(options.torch_script.empty()) << "tools/bench_step_torch.py is missing";
  EXPECT_EQ(StepBenchOptions{}.torch_script, options.torch_script)
      << "the comparison is the default";
  if (!std::filesystem::exists("/usr/lib/python3/dist-packages/torch")) {
    GTEST_SKIP() << "python3-torch is not installed";
  }
  device::HostDevice device(1);
  std::ostringstream out;
  const StepBenchResult result = run_step_bench(options, device, out);
  ASSERT_TRUE(result.torch_step_seconds.has_value()) << out.str();
  EXPECT_GT(*result.torch_step_seconds, 0.0);
  EXPECT_NE(out.str().find("dojo / torch"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace dojo::model
