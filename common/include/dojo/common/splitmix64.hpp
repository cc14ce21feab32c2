// splitmix64 (Steele, Lea and Flood 2014; Vigna's constants): the counter-based mixing that model
// initialisation (model/init.hpp) and the data loaders' shuffles (io/permutation.hpp) draw from.
#pragma once

#include <cstdint>

namespace dojo {

// splitmix64's finaliser: a bijective 64-bit mix with good avalanche.
constexpr std::uint64_t splitmix64_mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

inline constexpr std::uint64_t kSplitmix64Increment = 0x9e3779b97f4a7c15ull;  // 2^64 / golden ratio

// The splitmix64 generator's output for state x: the finaliser of x + the increment.
constexpr std::uint64_t splitmix64(std::uint64_t x) noexcept {
  return splitmix64_mix(x + kSplitmix64Increment);
}

// One step of the generator: advances `state` and returns the next output.
constexpr std::uint64_t splitmix64_next(std::uint64_t& state) noexcept {
  state += kSplitmix64Increment;
  return splitmix64_mix(state);
}

}  // namespace dojo
