// Names round-trip; bfloat16 rounds to nearest even; local combining kernels.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "dojo/collectives/types.hpp"

namespace dojo::collectives {
namespace {

TEST(CollectivesTypes, NamesRoundTrip) {
  for (Algorithm a : all_algorithms()) EXPECT_EQ(parse_algorithm(name(a)), a);
  for (Operation o : all_operations()) EXPECT_EQ(parse_operation(name(o)), o);
  EXPECT_EQ(parse_algorithm("auto"), Algorithm::automatic);
  EXPECT_FALSE(parse_algorithm("rings").has_value());
  EXPECT_EQ(parse_data_type("bfloat16"), DataType::bfloat16);
  EXPECT_EQ(parse_reduce_op("avg"), ReduceOp::avg);
}

TEST(CollectivesTypes, EveryOperationHasSeveralAlgorithms) {
  for (Operation o : all_operations()) {
    int n = 0;
    for (Algorithm a : all_algorithms()) n += implements(a, o) ? 1 : 0;
    EXPECT_GE(n, 2) << name(o);
  }
  EXPECT_FALSE(implements(Algorithm::binomial, Operation::allreduce));
}

TEST(CollectivesBfloat16, RoundsToNearestEven) {
  const float one = 1.0f, ulp = std::ldexp(1.0f, -7);  // bfloat16 spacing at 1
  EXPECT_EQ(to_bfloat16(one), 0x3f80);
  EXPECT_EQ(from_bfloat16(to_bfloat16(one + ulp / 2)), one);                // tie: to even (down)
  EXPECT_EQ(from_bfloat16(to_bfloat16(one + 3 * ulp / 2)), one + 2 * ulp);  // tie: to even (up)
  EXPECT_EQ(from_bfloat16(to_bfloat16(one + ulp * 0.51f)), one + ulp);
  EXPECT_EQ(from_bfloat16(to_bfloat16(-2.5f)), -2.5f);
  EXPECT_TRUE(std::isnan(from_bfloat16(to_bfloat16(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_EQ(from_bfloat16(to_bfloat16(std::numeric_limits<float>::infinity())),
            std::numeric_limits<float>::infinity());
  // The largest finite float rounds up to infinity, as IEEE round to nearest does.
  EXPECT_TRUE(std::isinf(from_bfloat16(to_bfloat16(std::numeric_limits<float>::max()))));
}

}  // namespace
}  // namespace dojo::collectives
