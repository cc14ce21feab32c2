// A tensor's statistics for CFloat: its largest magnitude (amax), what a conversion would do to it
// (count_events), the history of amax and the bias that keeps it representable (delayed scaling).
#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

#include "dojo/numerics/cfloat.hpp"
#include "isa.hpp"

namespace dojo::numerics {

float amax(const float* x, std::size_t n) {
  if (n > 0 && !x) throw std::invalid_argument("dojo::numerics::amax: null buffer");
  // Every NaN pattern lies above +Inf's: capping the largest |bits| there counts NaN as Inf.
  const std::uint32_t largest = detail::active_kernels().largest_magnitude_bits(x, n);
  return std::bit_cast<float>(std::min(largest, 0x7f800000u));
}

FormatEvents count_events(const float* x, std::size_t n, FormatSpec spec) {
  if (n > 0 && !x) throw std::invalid_argument("dojo::numerics::count_events: null buffer");
  FormatEvents events;
  if (spec.format == Format::fp32) {
    for (std::size_t i = 0; i < n; ++i) events.invalid += std::isnan(x[i]);
    return events;
  }
  // Every threshold is a power of two or a short-mantissa value: exact in float.
  const auto largest = static_cast<float>(max_finite(spec));
  const auto half_smallest = static_cast<float>(min_positive(spec) / 2);
  const auto smallest_normal = static_cast<float>(min_normal(spec));
  const bool unsigned_format = spec.format == Format::ucfp16;
  for (std::size_t i = 0; i < n; ++i) {
    const float v = x[i];
    const float a = std::fabs(v);
    if (std::isnan(v)) {
      ++events.invalid;
      continue;
    }
    if (unsigned_format && v < 0) {
      ++events.negative;
      continue;
    }
    events.overflow += a > largest;
    events.underflow += a != 0 && a <= half_smallest;
    events.denormal += a > half_smallest && a < smallest_normal;
  }
  return events;
}

int choose_bias(Format format, float amax, int margin_binades) {
  if (format == Format::ucfp16) return ucfp16_bias;
  if (!has_bias(format)) return 0;
  if (std::isnan(amax) || std::isinf(amax)) return min_bias;
  const double needed = std::ldexp(static_cast<double>(std::fabs(amax)), margin_binades);
  // max_finite halves with each step of the bias: take the largest that still holds `needed`.
  for (int bias = max_bias; bias > min_bias; --bias)
    if (max_finite({format, bias}) >= needed) return bias;
  return min_bias;
}

AmaxHistory::AmaxHistory(int length) : length_(length) {
  if (length < 1) throw std::invalid_argument("dojo::numerics::AmaxHistory: length must be >= 1");
  ring_.assign(static_cast<std::size_t>(length), 0.0f);
}

void AmaxHistory::push(float value) {
  if (std::isnan(value)) value = INFINITY;
  ring_[next_] = std::fabs(value);
  next_ = (next_ + 1) % ring_.size();
  count_ = std::min(count_ + 1, ring_.size());
}

float AmaxHistory::max() const {
  float m = 0.0f;
  for (float v : values()) m = std::max(m, v);
  return m;
}

std::vector<float> AmaxHistory::values() const {
  std::vector<float> out;
  out.reserve(count_);
  const std::size_t start = (next_ + ring_.size() - count_) % ring_.size();
  for (std::size_t i = 0; i < count_; ++i) out.push_back(ring_[(start + i) % ring_.size()]);
  return out;
}

void AmaxHistory::restore(const std::vector<float>& values) {
  ring_.assign(ring_.size(), 0.0f);
  next_ = 0;
  count_ = 0;
  // Keep the newest length() values, oldest first, as push would have.
  const std::size_t skip = values.size() > ring_.size() ? values.size() - ring_.size() : 0;
  for (std::size_t i = skip; i < values.size(); ++i) push(values[i]);
}

}  // namespace dojo::numerics
