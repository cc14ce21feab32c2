// A seeded pseudo-random permutation of [0, n) evaluated one index at a time in O(1) memory: a
// balanced Feistel network on the smallest power-of-4 domain >= n, with cycle walking back into
// [0, n). Pure integer arithmetic, so every rank and every machine computes the same order.
#pragma once

#include <array>
#include <cstdint>

namespace dojo::io {

class Permutation {
 public:
  // n >= 1 items; `key` selects the permutation.
  Permutation(std::uint64_t n, std::uint64_t key);
  // The item at position i (i < n); distinct positions give distinct items.
  std::uint64_t operator()(std::uint64_t i) const;
  std::uint64_t size() const { return n_; }

 private:
  static constexpr int kRounds = 6;
  std::uint64_t encrypt(std::uint64_t x) const;

  std::uint64_t n_;
  unsigned half_bits_;       // each Feistel half has this many bits; the domain is 4^half_bits_
  std::uint64_t half_mask_;  // (1 << half_bits_) - 1
  std::array<std::uint64_t, kRounds> round_keys_{};
};

// The key of epoch `epoch`'s permutation under `seed` (a hash of both, so that (seed, epoch + 1)
// and (seed + 1, epoch) give unrelated orders).
std::uint64_t epoch_key(std::uint64_t seed, std::int64_t epoch);

}  // namespace dojo::io
