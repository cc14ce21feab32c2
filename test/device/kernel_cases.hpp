// The float32 kernel test cases, one per kernel and shape: seeded inputs, a run on any Device, and
// the naive double reference of the same outputs. The host tests compare host against naive; the
// plugin tests run the same cases on the plugin and compare against the host.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dojo/device/device.hpp"
#include "naive_kernels.hpp"

namespace dojo::device::test {

struct KernelShape {
  std::int64_t rows = 1;
  std::int64_t cols = 1;
};

struct KernelCase {
  std::string name = {};
  // Bound per output element: |got - want| <= rtol * max(|want|, rms(want)) (device_test_util.hpp).
  double rtol = 0.0;
  std::vector<std::string> output_names = {};
  std::function<std::vector<std::vector<float>>(Device&)> run;  // outputs in output_names order
  std::function<std::vector<Vec>()> naive;                      // the same outputs, in double
};

// Every case name: "gelu_forward", "layernorm_backward", ...
std::vector<std::string> kernel_case_names();

// The case `name` on inputs of `shape` (rows x cols; element-wise kernels use rows * cols).
KernelCase make_kernel_case(const std::string& name, KernelShape shape);

}  // namespace dojo::device::test
