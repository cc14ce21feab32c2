// The reference plugin runs every kernel case and GEMM problem of the host tests and matches the
// host device: within twice each case's tolerance (both are within it of the exact result), and
// for GEMM within the sum of both K-scaled bounds. dgemm_batched is absent from the reference
// plugin, so its batched double test also covers PluginDevice's fallback loop.
#include <gtest/gtest.h>

#include <tuple>

#include "device_test_util.hpp"
#include "dojo/device/host_device.hpp"
#include "dojo/device/registry.hpp"
#include "gemm_check.hpp"
#include "kernel_cases.hpp"

namespace dojo::device::test {
namespace {

std::unique_ptr<Device> open_reference() {
  return open(std::string("plugin:") + DOJO_TEST_REFERENCE_PLUGIN);
}

const KernelShape kShapes[] = {{1, 1}, {7, 13}, {127, 257}, {1000, 1024}};

class DevicePluginKernel : public ::testing::TestWithParam<std::tuple<std::string, KernelShape>> {};

TEST_P(DevicePluginKernel, MatchesHost) {
  const auto& [name, shape] = GetParam();
  HostDevice host(2);
  auto plugin = open_reference();
  const KernelCase kernel = make_kernel_case(name, shape);
  const auto from_host = kernel.run(host);
  const auto from_plugin = kernel.run(*plugin);
  ASSERT_EQ(from_plugin.size(), from_host.size());
  for (std::size_t i = 0; i < from_host.size(); ++i) {
    EXPECT_TRUE(close_relative(from_plugin[i], to_double(from_host[i]), 2 * kernel.rtol))
        << "output " << kernel.output_names[i];
  }
}

std::string case_label(const ::testing::TestParamInfo<std::tuple<std::string, KernelShape>>& info) {
  const auto& [name, shape] = info.param;
  return name + "_" + std::to_string(shape.rows) + "x" + std::to_string(shape.cols);
}

INSTANTIATE_TEST_SUITE_P(AllKernels, DevicePluginKernel,
                         ::testing::Combine(::testing::ValuesIn(kernel_case_names()),
                                            ::testing::ValuesIn(kShapes)),
                         case_label);

template <typename T>
void expect_plugin_gemm_matches_host(const GemmProblem& p) {
  HostDevice host(2);
  auto plugin = open_reference();
  const auto operands = make_operands<T>(p, 9);
  std::vector<double> exact, bound;
  naive_gemm(p, operands, exact, bound);
  for (double& b : bound) b *= 2;  // host and plugin may each sit at opposite ends of the bound
  const auto from_host = run_gemm(host, p, operands);
  const std::vector<double> host_values(from_host.begin(), from_host.end());
  EXPECT_TRUE(within_bound(run_gemm(*plugin, p, operands), host_values, bound)) << describe(p);
}

class DevicePluginGemm : public ::testing::TestWithParam<std::tuple<Op, Op>> {};

TEST_P(DevicePluginGemm, MatchesHost) {
  const auto& [op_a, op_b] = GetParam();
  for (const auto& [m, n, k] :
       {std::tuple{1, 1, 1}, std::tuple{7, 13, 5}, std::tuple{127, 65, 129}}) {
    const GemmProblem p{.op_a = op_a,
                        .op_b = op_b,
                        .m = m,
                        .n = n,
                        .k = k,
                        .ld_pad = 3,
                        .alpha = 0.75,
                        .beta = -1.25};
    expect_plugin_gemm_matches_host<float>(p);
    expect_plugin_gemm_matches_host<double>(p);
  }
}

TEST_P(DevicePluginGemm, BatchedMatchesHost) {
  const auto& [op_a, op_b] = GetParam();
  const GemmProblem p{.op_a = op_a,
                      .op_b = op_b,
                      .m = 9,
                      .n = 11,
                      .k = 17,
                      .ld_pad = 2,
                      .alpha = -0.5,
                      .beta = 0.25,
                      .batch_count = 4,
                      .batch_gap = 5};
  expect_plugin_gemm_matches_host<float>(p);   // the plugin's own sgemm_batched
  expect_plugin_gemm_matches_host<double>(p);  // dojo's loop over the plugin's dgemm
}

std::string ops_case_label(const ::testing::TestParamInfo<std::tuple<Op, Op>>& info) {
  return ops_label(std::get<0>(info.param), std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(AllTransposes, DevicePluginGemm,
                         ::testing::Combine(::testing::Values(Op::none, Op::transpose),
                                            ::testing::Values(Op::none, Op::transpose)),
                         ops_case_label);

}  // namespace
}  // namespace dojo::device::test
