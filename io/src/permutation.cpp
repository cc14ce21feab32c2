// Feistel permutation with cycle walking; round function and key schedule from splitmix64.
#include "dojo/io/permutation.hpp"

#include "dojo/common/error.hpp"
#include "dojo/common/splitmix64.hpp"

namespace dojo::io {

Permutation::Permutation(std::uint64_t n, std::uint64_t key) : n_(n), half_bits_(1) {
  check(n >= 1, "a permutation of at least one item");
  while (half_bits_ < 32 && (std::uint64_t{1} << (2 * half_bits_)) < n) ++half_bits_;
  half_mask_ = half_bits_ == 32 ? 0xffffffffULL : (std::uint64_t{1} << half_bits_) - 1;
  std::uint64_t state = key;  // the round keys: the splitmix64 sequence seeded with `key`
  for (auto& round_key : round_keys_) round_key = splitmix64_next(state);
}

std::uint64_t Permutation::encrypt(std::uint64_t x) const {
  std::uint64_t left = (x >> half_bits_) & half_mask_;
  std::uint64_t right = x & half_mask_;
  for (auto round_key : round_keys_) {
    std::uint64_t next_right = left ^ (splitmix64_mix(right ^ round_key) & half_mask_);
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
  return splitmix64_mix(splitmix64_mix(seed) ^
                        splitmix64_mix(static_cast<std::uint64_t>(epoch) + 0x632be59bd9b4e019ULL));
}

}  // namespace dojo::io
