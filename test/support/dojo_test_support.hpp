// Helpers shared by MPI tests: the test's own duplicate of the world communicator.
#pragma once

#include <mpi.h>

namespace dojo::test {
// A duplicate of MPI_COMM_WORLD made once for the test binary (tests never use the world itself).
MPI_Comm world();
}  // namespace dojo::test
