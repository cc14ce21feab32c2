// Checks mpi_test_main's exit codes: a binary in which one test skips on one rank (and another
// passes) must exit with kSkippedExitCode on every rank, so CTest shows the skip.
#include <gtest/gtest.h>

#include "dojo_test_support.hpp"

TEST(SkipProbe, Passes) {
  int size = 0;
  MPI_Comm_size(dojo::test::world(), &size);
  EXPECT_GE(size, 1);
}

TEST(SkipProbe, SkipsOnTheLastRank) {
  int rank = 0, size = 0;
  MPI_Comm_rank(dojo::test::world(), &rank);
  MPI_Comm_size(dojo::test::world(), &size);
  if (rank == size - 1) GTEST_SKIP() << "skipped on purpose (the last rank)";
}
