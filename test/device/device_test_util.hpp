// Helpers shared by the device tests: seeded random data and element-wise comparison against a
// reference with a stated tolerance, reporting the worst element on failure.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace dojo::device::test {

inline std::vector<float> random_floats(std::size_t n, std::uint32_t seed, float lo = -1.0f,
                                        float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(lo, hi);
  std::vector<float> values(n);
  for (float& v : values) v = uniform(rng);
  return values;
}

inline std::vector<std::int32_t> random_indices(std::size_t n, std::int64_t limit,
                                                std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::int32_t> uniform(0, static_cast<std::int32_t>(limit - 1));
  std::vector<std::int32_t> values(n);
  for (auto& v : values) v = uniform(rng);
  return values;
}

inline std::vector<double> to_double(const std::vector<float>& values) {
  return std::vector<double>(values.begin(), values.end());
}

inline double rms(const std::vector<double>& values) {
  double sum = 0.0;
  for (double v : values) sum += v * v;
  return values.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(values.size()));
}

// Passes when every |got_i - want_i| <= rtol * max(|want_i|, rms(want)): relative error, measured
// against the output's typical size for elements near zero (a difference of nearly equal terms
// cannot be more accurate than the terms). An output that should be all zeros must be exact.
inline ::testing::AssertionResult close_relative(const std::vector<double>& got,
                                                 const std::vector<double>& want, double rtol) {
  if (got.size() != want.size()) {
    return ::testing::AssertionFailure()
           << "size " << got.size() << " differs from the reference's " << want.size();
  }
  const double typical = rms(want);
  std::size_t failures = 0;
  std::size_t worst = 0;
  double worst_ratio = 0.0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double bound = rtol * std::max(std::abs(want[i]), typical);
    const double error = std::abs(got[i] - want[i]);
    if (!(error <= bound)) {  // also catches NaN
      ++failures;
      const double ratio = bound > 0 ? error / bound : INFINITY;
      if (failures == 1 || !(ratio <= worst_ratio)) {
        worst = i;
        worst_ratio = ratio;
      }
    }
  }
  if (failures == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << failures << " of " << got.size() << " elements off by more than rtol " << rtol
         << "; worst at " << worst << ": got " << got[worst] << ", want " << want[worst]
         << " (error " << worst_ratio << " x the bound)";
}

inline ::testing::AssertionResult close_relative(const std::vector<float>& got,
                                                 const std::vector<double>& want, double rtol) {
  return close_relative(to_double(got), want, rtol);
}

}  // namespace dojo::device::test
