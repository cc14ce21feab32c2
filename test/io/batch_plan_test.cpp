// The batch plan: the shards of all ranks put together are the one-rank global batch, for
// shuffled and sequential orders and awkward sizes.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "dojo/io/batch_plan.hpp"

namespace dojo::io {
namespace {

struct PlanCase {
  std::int64_t items;
  std::int64_t global_batch;
  int dp_size;
};

class PlanCases : public testing::TestWithParam<PlanCase> {};

std::vector<std::int64_t> joined_shards(const PlanCase& c, Order order, std::uint64_t seed,
                                        const LoaderPosition& position, std::int64_t& global) {
  std::vector<std::int64_t> all, shard;
  for (int r = 0; r < c.dp_size; ++r) {
    BatchPlan plan(c.items, c.global_batch, order, seed, r, c.dp_size);
    global = plan.shard(position, shard);
    all.insert(all.end(), shard.begin(), shard.end());
  }
  return all;
}

TEST_P(PlanCases, ShardsJoinToTheOneRankBatch) {
  const PlanCase c = GetParam();
  for (Order order : {Order::shuffled, Order::sequential}) {
    if (order == Order::shuffled && c.global_batch > c.items) continue;
    BatchPlan one(c.items, c.global_batch, order, 99, 0, 1);
    std::vector<std::int64_t> reference;
    for (std::int64_t epoch = 0; epoch < 2; ++epoch) {
      for (std::int64_t step = 0; step < one.steps_per_epoch(); ++step) {
        std::int64_t global = 0, global_one = one.shard({epoch, step}, reference);
        auto joined = joined_shards(c, order, 99, {epoch, step}, global);
        EXPECT_EQ(joined, reference) << "epoch " << epoch << " step " << step;
        EXPECT_EQ(global, global_one);
        EXPECT_EQ(static_cast<std::int64_t>(joined.size()), global);
      }
    }
  }
}

TEST_P(PlanCases, AnEpochVisitsItemsOnce) {
  const PlanCase c = GetParam();
  for (Order order : {Order::shuffled, Order::sequential}) {
    if (order == Order::shuffled && c.global_batch > c.items) continue;
    BatchPlan one(c.items, c.global_batch, order, 5, 0, 1);
    std::vector<std::int64_t> shard, seen;
    for (std::int64_t step = 0; step < one.steps_per_epoch(); ++step) {
      one.shard({0, step}, shard);
      seen.insert(seen.end(), shard.begin(), shard.end());
    }
    std::set<std::int64_t> distinct(seen.begin(), seen.end());
    EXPECT_EQ(distinct.size(), seen.size()) << "an item repeats within an epoch";
    if (order == Order::sequential) {
      ASSERT_EQ(static_cast<std::int64_t>(seen.size()), c.items);  // every item, in order
      for (std::int64_t i = 0; i < c.items; ++i) EXPECT_EQ(seen[i], i);
    } else {
      EXPECT_EQ(static_cast<std::int64_t>(seen.size()), c.items / c.global_batch * c.global_batch);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, PlanCases,
                         testing::Values(PlanCase{1, 1, 1}, PlanCase{7, 4, 4}, PlanCase{103, 8, 4},
                                         PlanCase{100, 6, 3}, PlanCase{10, 12, 4},
                                         PlanCase{5, 5, 5}, PlanCase{1000, 64, 2}),
                         [](const testing::TestParamInfo<PlanCase>& info) {
                           const PlanCase& c = info.param;
                           return "items" + std::to_string(c.items) + "_batch" +
                                  std::to_string(c.global_batch) + "_ranks" +
                                  std::to_string(c.dp_size);
                         });

TEST(BatchPlan, EpochsReshuffleAndPositionsAdvance) {
  BatchPlan plan(50, 10, Order::shuffled, 3, 0, 1);
  EXPECT_EQ(plan.steps_per_epoch(), 5);
  EXPECT_EQ(plan.after({0, 3}), (LoaderPosition{0, 4}));
  EXPECT_EQ(plan.after({0, 4}), (LoaderPosition{1, 0}));
  std::vector<std::int64_t> first, second;
  plan.shard({0, 0}, first);
  plan.shard({1, 0}, second);
  EXPECT_NE(first, second);
}

TEST(BatchPlan, SequentialLastBatchIsSpreadOverRanks) {
  // 10 items, batch 8, 4 ranks: the second batch has 2 items, on ranks 0 and 1.
  std::vector<std::int64_t> shard;
  std::vector<std::int64_t> sizes;
  for (int r = 0; r < 4; ++r) {
    BatchPlan plan(10, 8, Order::sequential, 0, r, 4);
    EXPECT_EQ(plan.shard({0, 1}, shard), 2);
    sizes.push_back(static_cast<std::int64_t>(shard.size()));
  }
  EXPECT_EQ(sizes, (std::vector<std::int64_t>{1, 1, 0, 0}));
}

}  // namespace
}  // namespace dojo::io
