// Deterministic parameter initialisation from a counter-based RNG: element j of the parameter named
// `name` gets a value that depends only on (seed, name, j), never on the buffer layout, the thread
// count or the order in which tensors are filled.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "dojo/common/splitmix64.hpp"

namespace dojo::model {

// How a parameter tensor starts.
struct Init {
  enum class Kind { zeros, ones, normal };
  Kind kind = Kind::zeros;
  float std = 0.0f;  // standard deviation of Kind::normal (mean 0)

  static Init zeros() { return {Kind::zeros, 0.0f}; }
  static Init ones() { return {Kind::ones, 0.0f}; }
  static Init normal(float std) { return {Kind::normal, std}; }
};

// splitmix64 (common/splitmix64.hpp): a bijective 64-bit mix, the whole state of the counter RNG.
using ::dojo::splitmix64;

// A stream of random numbers indexed by a counter: value(i) needs no previous value.
class CounterRng {
 public:
  CounterRng(std::uint64_t seed, std::string_view stream_name) noexcept;
  // Uniform in the open interval (0, 1), 53 random bits.
  double uniform(std::uint64_t counter) const noexcept;
  // Standard normal for element i (Box-Muller on the counters 2i and 2i+1).
  double normal(std::uint64_t index) const noexcept;

 private:
  std::uint64_t key_;
};

// Fills host values for the parameter `name` (element j from counter first_index + j: a run
// of a split parameter starts at its first element's logical index).
void initialize_values(std::span<float> values, const Init& init, std::uint64_t seed,
                       std::string_view name, std::uint64_t first_index = 0);

}  // namespace dojo::model
