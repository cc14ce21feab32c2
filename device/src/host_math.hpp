// Float exp and tanh written out as polynomials (Cephes' coefficients), inline, so that kernel
// loops calling them vectorise under `omp simd`: std::exp and std::tanh are libm calls, which GCC
// vectorises only under -ffast-math. The selects below become blends because dojo_device builds
// with -fno-trapping-math (see device/CMakeLists.txt).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

// Compiles a function twice, for x86-64-v3 (AVX2, FMA) and for the build's target, and picks one
// when the program loads, so a portable build still runs 8-wide where the CPU allows. Worth it for
// compute-bound loops only; memory-bound ones gain nothing. Off when the build targets AVX2
// already, and under sanitizers: the pick runs before their runtime starts (TSan crashes there).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__AVX2__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define DOJO_HOST_AVX2_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define DOJO_HOST_AVX2_CLONES
#endif

namespace dojo::device::host {

// e^x for x in [-87, 88] (the caller clamps), within 1 ulp: x = n ln2 + r with |r| <= ln2 / 2,
// e^x = 2^n e^r, e^r a degree-7 polynomial, 2^n written straight into the exponent bits.
inline float exp_in_range(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kRoundToInteger = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  constexpr float kLn2High = 0.693359375f;        // ln 2 = kLn2High + kLn2Low, the high part
  constexpr float kLn2Low = -2.12194440e-4f;      // exact in a few bits, so n * kLn2High is exact
  const float shifted = x * kLog2e + kRoundToInteger;
  const float n = shifted - kRoundToInteger;
  const std::int32_t n_int =
      std::bit_cast<std::int32_t>(shifted) - std::bit_cast<std::int32_t>(kRoundToInteger);
  const float r = (x - n * kLn2High) - n * kLn2Low;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float exp_r = p * (r * r) + r + 1.0f;
  return exp_r * std::bit_cast<float>((n_int + 127) << 23);
}

// tanh(u) within 1 ulp (max relative error 1.5e-7 against double tanh); +-inf gives +-1 and NaN
// stays NaN, as std::tanh.
inline float simd_tanh(float u) {
  // tanh(10) rounds to 1; the clamp keeps e^(2a) finite. NaN compares false and passes through.
  const float a = std::fabs(u) > 10.0f ? 10.0f : std::fabs(u);
  // Small a: an odd polynomial (Cephes tanhf), where 1 - 2 / (e^(2a) + 1) would cancel.
  const float a2 = a * a;
  float p = -5.70498872745e-3f;
  p = p * a2 + 2.06390887954e-2f;
  p = p * a2 - 5.37397155531e-2f;
  p = p * a2 + 1.33314422036e-1f;
  p = p * a2 - 3.33332819422e-1f;
  const float small = p * a2 * a + a;
  const float large = 1.0f - 2.0f / (exp_in_range(2.0f * a) + 1.0f);
  return std::copysign(a < 0.625f ? small : large, u);
}

}  // namespace dojo::device::host
