// The checkpoint policy's decisions, alone: by steps, by rank 0's clock, after the last step, on a
// stop, and never when checkpoints are off (except on a stop, which must not lose the run).
#include "checkpoint_policy.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace dojo::jobs {
namespace {

// The steps of a run of `total` steps after which `policy` saves, without stops or clock votes.
std::vector<std::int64_t> saved_steps(const CheckpointPolicy& policy, std::int64_t total) {
  std::vector<std::int64_t> saved;
  for (std::int64_t step = 1; step <= total; ++step)
    if (policy.save_after(step, false, false)) saved.push_back(step);
  return saved;
}

TEST(CheckpointPolicy, OffSavesNothingButAStop) {
  const CheckpointPolicy off(0, 0, 10);
  EXPECT_FALSE(off.enabled());
  EXPECT_TRUE(saved_steps(off, 10).empty());
  EXPECT_FALSE(off.save_after(10, false, true));  // a clock vote cannot turn checkpoints on
  EXPECT_FALSE(off.clock_due(1e9));
  EXPECT_TRUE(off.save_after(4, true, false));  // a stop always saves
}

TEST(CheckpointPolicy, EveryNStepsAndTheLast) {
  const CheckpointPolicy every3(3, 0, 10);
  EXPECT_TRUE(every3.enabled());
  EXPECT_EQ(saved_steps(every3, 10), (std::vector<std::int64_t>{3, 6, 9, 10}));
  // A run whose last step is a multiple saves it once.
  EXPECT_EQ(saved_steps(CheckpointPolicy(5, 0, 10), 10), (std::vector<std::int64_t>{5, 10}));
  // Every step.
  EXPECT_EQ(saved_steps(CheckpointPolicy(1, 0, 3), 3), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST(CheckpointPolicy, ClockVotesSaveOnlyWhenDue) {
  const CheckpointPolicy timed(0, 2.0, 100);  // every 2 minutes
  EXPECT_TRUE(timed.enabled());
  EXPECT_FALSE(timed.clock_due(0));
  EXPECT_FALSE(timed.clock_due(119.9));
  EXPECT_TRUE(timed.clock_due(120.0));
  EXPECT_TRUE(timed.clock_due(500.0));
  // Without a vote only the last step saves; with one, the step it came in.
  EXPECT_EQ(saved_steps(timed, 100), (std::vector<std::int64_t>{100}));
  EXPECT_TRUE(timed.save_after(37, false, true));
  EXPECT_FALSE(timed.save_after(37, false, false));
}

TEST(CheckpointPolicy, StepsAndClockTogether) {
  const CheckpointPolicy both(4, 0.5, 9);
  EXPECT_TRUE(both.save_after(4, false, false));
  EXPECT_TRUE(both.save_after(5, false, true));
  EXPECT_FALSE(both.save_after(5, false, false));
  EXPECT_TRUE(both.save_after(9, false, false));
  EXPECT_TRUE(both.clock_due(30.0));
  EXPECT_FALSE(both.clock_due(29.0));
}

}  // namespace
}  // namespace dojo::jobs
