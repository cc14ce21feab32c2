// The thread plan never oversubscribes a node unless the user asks for it.
#include <gtest/gtest.h>

#include "dojo/runtime/runtime.hpp"

using dojo::runtime::plan_threads;

TEST(ThreadPlan, UserChoiceWins) {
  auto plan = plan_threads(3, 8, 16, 16, 4);
  EXPECT_EQ(plan.threads, 3);
  EXPECT_EQ(plan.source, "--threads");
}

TEST(ThreadPlan, SlurmCpusPerTaskNext) {
  auto plan = plan_threads(0, 6, 16, 64, 8);
  EXPECT_EQ(plan.threads, 6);
  EXPECT_EQ(plan.source, "SLURM_CPUS_PER_TASK");
}

TEST(ThreadPlan, UnboundRanksShareTheNode) {
  EXPECT_EQ(plan_threads(0, std::nullopt, 2, 2, 4).threads, 1);    // 4 ranks on 2 cores
  EXPECT_EQ(plan_threads(0, std::nullopt, 16, 16, 4).threads, 4);  // 4 ranks on 16 cores
  EXPECT_EQ(plan_threads(0, std::nullopt, 2, 2, 1).threads, 2);
}

TEST(ThreadPlan, AffinityMaskBoundsTheShare) {
  // A launcher that binds each rank to 2 of 16 cores: 2 threads, not 16/4.
  auto plan = plan_threads(0, std::nullopt, 2, 16, 4);
  EXPECT_EQ(plan.threads, 2);
  EXPECT_EQ(plan.source, "affinity mask");
}
