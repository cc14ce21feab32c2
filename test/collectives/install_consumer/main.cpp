// Links the installed dojo::collectives and runs one ring allreduce on the ranks it was given
// (one, when run without mpiexec): prints "consumer: ok" when the sum is right.
#include <mpi.h>

#include <cstdio>
#include <vector>

#include "dojo/collectives/communicator.hpp"

namespace dc = dojo::collectives;

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int bad = 0;
  {
    dc::Config config;
    config.read_environment = false;
    dc::Communicator comm(MPI_COMM_WORLD, config);
    std::vector<int> values(1000, comm.rank() + 1);  // (1000) int32
    comm.allreduce(dc::in_place, values.data(), values.size(), dc::DataType::int32,
                   dc::ReduceOp::sum, {dc::Algorithm::ring});
    const int want = comm.size() * (comm.size() + 1) / 2;
    for (int v : values) bad += v != want;
  }
  std::printf("consumer: %s\n", bad == 0 ? "ok" : "WRONG SUM");
  MPI_Finalize();
  return bad == 0 ? 0 : 1;
}
