// Helpers shared by MPI tests: the test's own duplicate of the world communicator, and the exit
// code of a run in which a test skipped.
#pragma once

#include <mpi.h>

namespace dojo::test {
// What an MPI test binary returns when no test failed but one skipped (GTEST_SKIP) on some rank;
// dojo_add_mpi_test gives it to CTest as SKIP_RETURN_CODE (the autotools convention).
inline constexpr int kSkippedExitCode = 77;

// A duplicate of MPI_COMM_WORLD made once for the test binary (tests never use the world itself).
MPI_Comm world();
}  // namespace dojo::test
