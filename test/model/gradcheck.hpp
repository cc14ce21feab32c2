// Finite-difference gradient checking for the model tests: central differences of a scalar loss
// computed in float32 on the device, compared with the analytic backward. The comparison metric is
// max |analytic - numeric| / max |numeric| over the checked elements, so a tolerance of 1e-2 means
// "every element within 1% of the largest gradient" and a 2% slip anywhere fails.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dojo/device/buffer.hpp"
#include "dojo/device/host_device.hpp"
#include "dojo/model/init.hpp"

namespace dojo::model::testing {

using device::DeviceBuffer;

// Host values from the counter RNG: normal(0, std), deterministic per (seed, name).
inline std::vector<float> normal_values(std::size_t n, float std, std::uint64_t seed,
                                        const std::string& name) {
  std::vector<float> values(n);
  initialize_values(values, Init::normal(std), seed, name);
  return values;
}

// Integers in [0, limit) from the counter RNG.
inline std::vector<std::int32_t> random_ints(std::size_t n, std::int64_t limit, std::uint64_t seed,
                                             const std::string& name) {
  const CounterRng rng(seed, name);
  std::vector<std::int32_t> values(n);
  for (std::size_t i = 0; i < n; ++i) {
    values[i] = static_cast<std::int32_t>(rng.uniform(i) * static_cast<double>(limit));
  }
  return values;
}

// Indices 0..n-1 when n <= max_count, else max_count distinct ones spread by the RNG.
inline std::vector<std::size_t> sample_indices(std::size_t n, std::size_t max_count,
                                               std::uint64_t seed) {
  std::vector<std::size_t> all(n);
  for (std::size_t i = 0; i < n; ++i) all[i] = i;
  if (n <= max_count) return all;
  const CounterRng rng(seed, "sample_indices");
  for (std::size_t i = 0; i < max_count; ++i) {  // partial Fisher-Yates
    const std::size_t j = i + static_cast<std::size_t>(rng.uniform(i) * static_cast<double>(n - i));
    std::swap(all[i], all[j]);
  }
  all.resize(max_count);
  return all;
}

struct GradientComparison {
  std::vector<double> analytic;
  std::vector<double> numeric;

  double max_abs_diff() const {
    double worst = 0.0;
    for (std::size_t i = 0; i < analytic.size(); ++i) {
      worst = std::max(worst, std::abs(analytic[i] - numeric[i]));
    }
    return worst;
  }
  double scale() const {
    double largest = 0.0;
    for (double v : numeric) largest = std::max(largest, std::abs(v));
    return largest;
  }
  // max |a - n| / max |n|; the reference scale is floored so an all-zero gradient compares
  // absolutely.
  double relative_error() const { return max_abs_diff() / std::max(scale(), 1e-6); }

  // Elements failing |a - n| <= atol + rtol |n|: a per-element check that small gradients cannot
  // hide behind the largest one.
  std::size_t elements_outside(double atol, double rtol) const {
    std::size_t outside = 0;
    for (std::size_t i = 0; i < analytic.size(); ++i) {
      outside += std::abs(analytic[i] - numeric[i]) > atol + rtol * std::abs(numeric[i]);
    }
    return outside;
  }
};

// The check used everywhere: the analytic gradient is within `tolerance` of the numeric one, and
// the numeric one is not zero (which would check nothing). Whether the check can fail is shown by
// each test's negative control: a backward given wrong inputs (another batch, a stale output
// gradient) must fail the same comparison.
inline void expect_gradient_matches(const GradientComparison& c, double tolerance,
                                    const std::string& what) {
  ASSERT_FALSE(c.analytic.empty()) << what;
  std::printf("[ gradcheck ] %-32s %3zu elements, error %.2e of max %.2e (tolerance %.0e)\n",
              what.c_str(), c.analytic.size(), c.relative_error(), c.scale(), tolerance);
  EXPECT_GT(c.scale(), 0.0) << what << ": the numeric gradient is zero, nothing is checked";
  EXPECT_LE(c.relative_error(), tolerance)
      << what << ": max |analytic - numeric| = " << c.max_abs_diff() << " against max |numeric| "
      << c.scale();
}

// The negative control of a whole-model check: the analytic gradients of another batch, at the
// same sampled elements, against this batch's numeric ones must fail both comparisons.
inline void expect_other_batch_fails(const GradientComparison& c,
                                     const std::vector<float>& other_batch_grads,
                                     const std::vector<std::size_t>& indices, double tolerance,
                                     double atol, double rtol, const std::string& what) {
  GradientComparison wrong = c;
  for (std::size_t k = 0; k < indices.size(); ++k)
    wrong.analytic[k] = other_batch_grads[indices[k]];
  EXPECT_GT(wrong.relative_error(), tolerance)
      << what << ": another batch's gradients pass the check: it cannot tell batches apart";
  EXPECT_GT(wrong.elements_outside(atol, rtol), 0u) << what;
}

// A differentiable input of a layer under test: host values and their device copies.
struct CheckedInput {
  std::string name;
  std::vector<float> host;
  DeviceBuffer<float> value;  // device copy of host
  DeviceBuffer<float> grad;   // the analytic gradient, zeroed before backward
};

// Checks a layer: loss() runs forward on the inputs' device values and returns a scalar in double;
// backward() adds d loss / d input into every input's grad. Each input is checked by central
// differences on up to max_elements of its elements.
class GradCheck {
 public:
  explicit GradCheck(device::Device& device) : device_(device) {}

  CheckedInput& input(std::string name, std::vector<float> values) {
    auto in = std::make_unique<CheckedInput>();
    in->name = std::move(name);
    in->host = std::move(values);
    in->value = device::make_buffer(device_, in->host);
    in->grad = DeviceBuffer<float>(device_, in->host.size());
    inputs_.push_back(std::move(in));
    return *inputs_.back();
  }

  // One comparison per input, in the order they were added.
  std::vector<GradientComparison> run(const std::function<double()>& loss,
                                      const std::function<void()>& backward, float eps,
                                      std::size_t max_elements = 48) {
    loss();  // forward state for backward
    for (auto& in : inputs_) device_.fill(in->grad.data(), in->grad.size(), 0.0f);
    backward();
    std::vector<GradientComparison> results;
    for (auto& in : inputs_) {
      const std::vector<float> analytic = in->grad.download();
      GradientComparison c;
      for (std::size_t i : sample_indices(in->host.size(), max_elements, 7)) {
        const float original = in->host[i];
        in->host[i] = original + eps;
        in->value.upload(in->host);
        const double plus = loss();
        in->host[i] = original - eps;
        in->value.upload(in->host);
        const double minus = loss();
        in->host[i] = original;
        in->value.upload(in->host);
        c.analytic.push_back(analytic[i]);
        c.numeric.push_back((plus - minus) / (2.0 * static_cast<double>(eps)));
      }
      results.push_back(std::move(c));
    }
    return results;
  }

 private:
  device::Device& device_;
  std::vector<std::unique_ptr<CheckedInput>> inputs_;
};

// sum_i y_i w_i in double for device y (n) and host weights w: a scalar loss whose gradient with
// respect to y is w.
inline double projected(device::Device& device, const float* y, const std::vector<float>& w) {
  std::vector<float> host(w.size());
  device.copy_to_host(host.data(), y, host.size() * sizeof(float));
  double total = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i) total += double{host[i]} * double{w[i]};
  return total;
}

}  // namespace dojo::model::testing
