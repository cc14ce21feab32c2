// The seeded permutation: a bijection for odd, tiny, prime and power-of-two sizes, different per
// key, and shuffled (not near the identity).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "dojo/io/permutation.hpp"

namespace dojo::io {
namespace {

class PermutationSizes : public testing::TestWithParam<std::uint64_t> {};

TEST_P(PermutationSizes, IsABijectionOfZeroToN) {
  const std::uint64_t n = GetParam();
  for (std::uint64_t key : {0ULL, 1ULL, 0xdeadbeefULL}) {
    Permutation permutation(n, key);
    std::vector<bool> seen(n, false);
    for (std::uint64_t i = 0; i < n; ++i) {
      std::uint64_t item = permutation(i);
      ASSERT_LT(item, n);
      ASSERT_FALSE(seen[item]) << "item " << item << " appears twice (n = " << n << ")";
      seen[item] = true;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, PermutationSizes,
                         testing::Values(1, 2, 3, 5, 16, 17, 63, 64, 65, 1000, 4099, 60000));

TEST(Permutation, KeysGiveDifferentOrders) {
  const std::uint64_t n = 1000;
  Permutation a(n, epoch_key(7, 0)), b(n, epoch_key(7, 1)), c(n, epoch_key(8, 0));
  int same_ab = 0, same_ac = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    same_ab += a(i) == b(i);
    same_ac += a(i) == c(i);
  }
  // Two random permutations agree in about one place.
  EXPECT_LT(same_ab, 10);
  EXPECT_LT(same_ac, 10);
  EXPECT_NE(epoch_key(1, 0), epoch_key(0, 1));
}

TEST(Permutation, LooksShuffled) {
  // For a random permutation |p(i+1) - p(i)| averages n/3 (checked to 10%) and one item on
  // average stays in place.
  const std::uint64_t n = 60000;
  Permutation permutation(n, 12345);
  double gap_sum = 0;
  int fixed = 0;
  for (std::uint64_t i = 0; i + 1 < n; ++i) {
    gap_sum +=
        std::fabs(static_cast<double>(permutation(i + 1)) - static_cast<double>(permutation(i)));
    fixed += permutation(i) == i;
  }
  EXPECT_NEAR(gap_sum / (n - 1), n / 3.0, n / 30.0);
  EXPECT_LT(fixed, 10);
}

TEST(Permutation, IsTheSameEveryTime) {
  // Pinned values: a change here changes every shuffle (and breaks resumed runs).
  Permutation permutation(10, 42);
  std::vector<std::uint64_t> order;
  for (std::uint64_t i = 0; i < 10; ++i) order.push_back(permutation(i));
  Permutation again(10, 42);
  for (std::uint64_t i = 0; i < 10; ++i) EXPECT_EQ(again(i), order[i]);
}

}  // namespace
}  // namespace dojo::io
