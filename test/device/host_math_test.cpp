// The host kernels' inline exp and tanh (device/src/host_math.hpp) against double-precision libm
// over their whole input ranges, as vectorised loops both for the build's target and for the AVX2
// clone the GELU kernels use; and NaN and Inf through the GELU kernels, which NaN detection needs.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "dojo/device/buffer.hpp"
#include "dojo/device/host_device.hpp"
#include "host_math.hpp"

namespace dojo::device::test {
namespace {

using Floats = std::vector<float>;
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The same loops as the kernels': `omp simd`, compiled for the build's target and, on x86-64,
// once more as an AVX2 + FMA clone that runs when the CPU has it.
void tanh_loop(const float* x, float* y, std::size_t n) {
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) y[i] = host::simd_tanh(x[i]);
}

DOJO_HOST_AVX2_CLONES
void tanh_loop_cloned(const float* x, float* y, std::size_t n) {
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) y[i] = host::simd_tanh(x[i]);
}

void exp_loop(const float* x, float* y, std::size_t n) {
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) y[i] = host::exp_in_range(x[i]);
}

DOJO_HOST_AVX2_CLONES
void exp_loop_cloned(const float* x, float* y, std::size_t n) {
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) y[i] = host::exp_in_range(x[i]);
}

// Every float in [lo, hi] whose bit pattern is a multiple of `stride` apart (a prime, so every
// mantissa pattern and exponent is visited), both signs.
Floats sample_range(float lo, float hi, std::uint32_t stride) {
  Floats x;
  for (std::uint32_t bits = 0; bits < 0x7f800000u; bits += stride) {
    const float v = std::bit_cast<float>(bits);
    if (v > std::max(-lo, hi)) break;
    if (v <= hi) x.push_back(v);
    if (-v >= lo && v != 0.0f) x.push_back(-v);
  }
  return x;
}

// Distance in units in the last place between `got` and `want` rounded to float.
std::int64_t ulps(float got, double want) {
  const auto a = static_cast<std::int64_t>(std::bit_cast<std::int32_t>(got));
  const auto b = static_cast<std::int64_t>(std::bit_cast<std::int32_t>(static_cast<float>(want)));
  return a > b ? a - b : b - a;
}

template <class Loop, class Reference>
void expect_within_one_ulp(Loop loop, Reference reference, const Floats& x, const char* what) {
  Floats y(x.size());
  loop(x.data(), y.data(), x.size());
  std::int64_t worst = 0;
  float worst_x = 0.0f;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::int64_t d = ulps(y[i], reference(double{x[i]}));
    if (d > worst) {
      worst = d;
      worst_x = x[i];
    }
  }
  EXPECT_LE(worst, 1) << what << "(" << worst_x << ") is " << worst << " ulps off";
}

// tanh rounds to +-1 beyond |u| = 9.01; the sweep goes past the clamp at 10.
TEST(DeviceHostMath, TanhWithinOneUlp) {
  const Floats x = sample_range(-12.0f, 12.0f, 509);
  const auto reference = [](double u) { return std::tanh(u); };
  expect_within_one_ulp(tanh_loop, reference, x, "simd_tanh");
  expect_within_one_ulp(tanh_loop_cloned, reference, x, "simd_tanh (AVX2 clone)");
}

// The whole range where e^x and its 2^n are normal floats.
TEST(DeviceHostMath, ExpWithinOneUlp) {
  const Floats x = sample_range(-87.0f, 88.0f, 509);
  const auto reference = [](double v) { return std::exp(v); };
  expect_within_one_ulp(exp_loop, reference, x, "exp_in_range");
  expect_within_one_ulp(exp_loop_cloned, reference, x, "exp_in_range (AVX2 clone)");
}

TEST(DeviceHostMath, TanhSpecialValuesAsStdTanh) {
  const Floats x = {0.0f, -0.0f, 1e-40f, -1e-40f, 1e-20f, 9.5f, 1e30f, -1e30f, kInf, -kInf, kNaN};
  for (const auto& loop : {tanh_loop, tanh_loop_cloned}) {
    Floats y(x.size());
    loop(x.data(), y.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const float want = std::tanh(x[i]);
      if (std::isnan(want)) {
        EXPECT_TRUE(std::isnan(y[i])) << "tanh(" << x[i] << ") = " << y[i];
      } else {
        EXPECT_EQ(std::bit_cast<std::uint32_t>(y[i]), std::bit_cast<std::uint32_t>(want))
            << "tanh(" << x[i] << ") = " << y[i] << ", std::tanh gives " << want;
      }
    }
  }
}

// NaN in, NaN out (NaN detection depends on it); +inf passes as GELU's limit x; -inf gives NaN
// in both (0 * inf), as the std::tanh formula did. The first value pads the loop past one vector.
TEST(DeviceHostMath, GeluPropagatesNaNAndInf) {
  HostDevice host(1);
  const Floats x = {0.5f, -0.5f, 1.0f, 2.0f, kNaN, kInf, -kInf, 3.0f, kNaN};
  DeviceBuffer<float> x_device(host, x.size());
  DeviceBuffer<float> y_device(host, x.size());
  x_device.upload(x);
  host.gelu_forward(x_device.data(), y_device.data(), x.size());
  const Floats y = y_device.download();
  const Floats dy(x.size(), 1.0f);
  DeviceBuffer<float> dy_device(host, x.size());
  DeviceBuffer<float> dx_device(host, x.size());
  dy_device.upload(dy);
  dx_device.upload(Floats(x.size(), 0.0f));
  host.gelu_backward(x_device.data(), dy_device.data(), dx_device.data(), x.size());
  const Floats dx = dx_device.download();
  for (const std::size_t i : {4u, 8u}) {
    EXPECT_TRUE(std::isnan(y[i])) << "gelu(NaN) = " << y[i];
    EXPECT_TRUE(std::isnan(dx[i])) << "gelu'(NaN) = " << dx[i];
  }
  EXPECT_EQ(y[5], kInf);
  EXPECT_TRUE(std::isnan(y[6])) << "gelu(-inf) = " << y[6];
}

}  // namespace
}  // namespace dojo::device::test
