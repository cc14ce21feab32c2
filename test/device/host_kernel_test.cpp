// Every float32 kernel of the host device against its naive double reference, on tiny, odd and
// large shapes. Tolerances are per kernel in kernel_cases.cpp, relative to the output's size.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "device_test_util.hpp"
#include "dojo/device/host_device.hpp"
#include "kernel_cases.hpp"

namespace dojo::device::test {
namespace {

// 1x1, odd sizes, and one GPT-sized activation (B*T = 1000 rows of C = 1024).
const KernelShape kShapes[] = {{1, 1}, {7, 13}, {127, 257}, {1000, 1024}};
const KernelShape kLargeShape[] = {{1000, 1024}};

// (kernel, shape, host threads)
using Param = std::tuple<std::string, KernelShape, int>;

class DeviceKernelHost : public ::testing::TestWithParam<Param> {};

TEST_P(DeviceKernelHost, MatchesNaiveReference) {
  const auto& [name, shape, threads] = GetParam();
  HostDevice host(threads);
  const KernelCase kernel = make_kernel_case(name, shape);
  const auto got = kernel.run(host);
  const auto want = kernel.naive();
  ASSERT_EQ(got.size(), kernel.output_names.size());
  ASSERT_EQ(want.size(), kernel.output_names.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(close_relative(got[i], want[i], kernel.rtol))
        << "output " << kernel.output_names[i];
  }
}

std::string case_label(const ::testing::TestParamInfo<Param>& info) {
  const auto& [name, shape, threads] = info.param;
  return name + "_" + std::to_string(shape.rows) + "x" + std::to_string(shape.cols) + "_" +
         std::to_string(threads) + "t";
}

// Two threads: large shapes take the OpenMP parallel paths.
INSTANTIATE_TEST_SUITE_P(AllShapes, DeviceKernelHost,
                         ::testing::Combine(::testing::ValuesIn(kernel_case_names()),
                                            ::testing::ValuesIn(kShapes), ::testing::Values(2)),
                         case_label);

// One thread: the same large shape through the serial paths.
INSTANTIATE_TEST_SUITE_P(OneThread, DeviceKernelHost,
                         ::testing::Combine(::testing::ValuesIn(kernel_case_names()),
                                            ::testing::ValuesIn(kLargeShape), ::testing::Values(1)),
                         case_label);

}  // namespace
}  // namespace dojo::device::test
