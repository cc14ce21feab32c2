// Feistel permutation with cycle walking; round function and key schedule from splitmix64.
#include "dojo/io/permutation.hpp"

#include "dojo/common/error.hpp"

namespace dojo::io {
namespace {

// splitmix64's finaliser: a bijective 64-bit mix with good avalanche.
std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Permutation::Permutation(std::uint64_t n, std::uint64_t key) : n_(n), half_bits_(1) {
  check(n >= 1, "a permutation of at least one item");
  while (half_bits_ < 32 && (std::uint64_t{1} << (2 * half_bits_)) < n) ++half_bits_;
  half_mask_ = half_bits_ == 32 ? 0xffffffffULL : (std::uint64_t{1} << half_bits_) - 1;
  std::uint64_t state = key;
  for (auto& round_key : round_keys_) {
    state += 0x9e3779b97f4a7c15ULL;
    round_key = mix64(state);
  }
}

std::uint64_t Permutation::encrypt(std::uint64_t x) const {
  std::uint64_t left = (x >> half_bits_) & half_mask_;
  std::uint64_t right = x & half_mask_;
  for (auto round_key : round_keys_) {
    std::uint64_t next_right = left ^ (mix64(right ^ round_key) & half_mask_);
    left = right;
    right = next_right;
  }
  return (left << half_bits_) | right;
}

std::uint64_t Permutation::operator()(std::uint64_t i) const {
  check(i < n_, "permutation index within [0, n)");
  // The domain holds fewer than 4n values, so this loop runs fewer than 4 times on average.
  std::uint64_t x = encrypt(i);
  while (x >= n_) x = encrypt(x);
  return x;
}

std::uint64_t epoch_key(std::uint64_t seed, std::int64_t epoch) {
  return mix64(mix64(seed) ^ mix64(static_cast<std::uint64_t>(epoch) + 0x632be59bd9b4e019ULL));
}

}  // namespace dojo::io
