// Runtime start-up under mpiexec: ranks, node discovery and a private world communicator.
#include <gtest/gtest.h>

#include "dojo/runtime/runtime.hpp"
#include "dojo_test_support.hpp"

namespace {
dojo::runtime::Runtime& runtime() {
  static int argc = 0;
  static char** argv = nullptr;
  static dojo::runtime::Runtime rt(argc, argv);
  return rt;
}
}  // namespace

TEST(Runtime, MatchesMpiWorld) {
  auto& rt = runtime();
  int rank = -1, size = -1;
  MPI_Comm_rank(dojo::test::world(), &rank);
  MPI_Comm_size(dojo::test::world(), &size);
  EXPECT_EQ(rt.rank(), rank);
  EXPECT_EQ(rt.size(), size);
  int cmp = MPI_UNEQUAL;
  MPI_Comm_compare(rt.world().get(), dojo::test::world(), &cmp);
  EXPECT_EQ(cmp, MPI_CONGRUENT);  // same group, its own context
}

TEST(Runtime, DiscoversOneNodeWithEveryRankOnIt) {
  // mpiexec on this machine starts every rank on one host.
  auto& rt = runtime();
  EXPECT_EQ(rt.node_count(), 1);
  EXPECT_EQ(rt.node_index(), 0);
  EXPECT_EQ(rt.ranks_per_node(), rt.size());
  EXPECT_EQ(rt.local_rank(), rt.rank());
  EXPECT_GE(rt.threads().threads, 1);
  EXPECT_LE(rt.threads().threads * rt.ranks_per_node(),
            std::max(rt.threads().node_cores, rt.ranks_per_node()));
}

// The test's main() started MPI asking for MPI_THREAD_MULTIPLE, which Open MPI grants: the runtime,
// joining an MPI it did not start, must report that level, as MPI itself does.
TEST(Runtime, ReportsTheThreadLevelMpiGranted) {
  auto& rt = runtime();
  int queried = -1;
  MPI_Query_thread(&queried);
  EXPECT_EQ(queried, MPI_THREAD_MULTIPLE);
  EXPECT_EQ(rt.thread_level_provided(), queried);
  EXPECT_EQ(dojo::runtime::thread_level_name(rt.thread_level_provided()), "MPI_THREAD_MULTIPLE");
  EXPECT_EQ(rt.launcher(), "mpirun");
}
