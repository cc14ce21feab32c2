// dojo-simgrid-smoke: every algorithm of allreduce, reduce-scatter, allgather, broadcast, reduce
// and alltoall against MPI's own (SMPI's) result, on small int32 vectors, run under smpirun on a
// simulated mesh (collectives/simgrid/run-smoke.sh). Integers: the results must match exactly.
// Prints one line per failure and a total; exit code 1 when anything failed, when an algorithm
// could not run on the tile (not checked) or when no case ran at all. No count 0: SMPI 3.32's own
// allreduce divides by zero on empty vectors (the MPI test matrix covers count 0).
#include <mpi.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "dojo/collectives/communicator.hpp"

namespace dc = dojo::collectives;

namespace {

// Rank r's input element i: small enough that sums of 3,000 ranks stay exact in int32.
std::vector<std::int32_t> input(int rank, std::size_t count) {
  std::vector<std::int32_t> v(count);  // (count) int32
  for (std::size_t i = 0; i < count; ++i)
    v[i] = static_cast<std::int32_t>((rank * 7 + i * 3) % 101) - 50;
  return v;
}

// MPI's answer for one case, from SMPI's collectives (the coll-selector of the run).
std::vector<std::int32_t> reference(dc::Operation operation, int rank, int p, std::size_t count,
                                    int root) {
  const int n = static_cast<int>(count);
  switch (operation) {
    case dc::Operation::allreduce: {
      auto in = input(rank, count), out = in;
      MPI_Allreduce(in.data(), out.data(), n, MPI_INT32_T, MPI_SUM, MPI_COMM_WORLD);
      return out;
    }
    case dc::Operation::reduce_scatter: {
      auto in = input(rank, count * p);
      std::vector<std::int32_t> out(count);
      MPI_Reduce_scatter_block(in.data(), out.data(), n, MPI_INT32_T, MPI_SUM, MPI_COMM_WORLD);
      return out;
    }
    case dc::Operation::allgather: {
      auto in = input(rank, count);
      std::vector<std::int32_t> out(count * p);
      MPI_Allgather(in.data(), n, MPI_INT32_T, out.data(), n, MPI_INT32_T, MPI_COMM_WORLD);
      return out;
    }
    case dc::Operation::broadcast: {
      auto out = input(root, count);
      return out;
    }
    case dc::Operation::reduce: {
      auto in = input(rank, count);
      std::vector<std::int32_t> out(count);
      MPI_Reduce(in.data(), out.data(), n, MPI_INT32_T, MPI_SUM, root, MPI_COMM_WORLD);
      if (rank != root) out.clear();
      return out;
    }
    case dc::Operation::alltoall: {
      auto in = input(rank, count * p);
      std::vector<std::int32_t> out(count * p);
      MPI_Alltoall(in.data(), n, MPI_INT32_T, out.data(), n, MPI_INT32_T, MPI_COMM_WORLD);
      return out;
    }
    case dc::Operation::barrier:
      break;
  }
  return {};
}

std::vector<std::int32_t> run(dc::Communicator& comm, dc::Operation operation,
                              dc::Algorithm algorithm, std::size_t count, int root) {
  const int rank = comm.rank(), p = comm.size();
  const dc::CallOptions forced{algorithm};
  const auto t = dc::DataType::int32;
  const auto sum = dc::ReduceOp::sum;
  switch (operation) {
    case dc::Operation::allreduce: {
      auto in = input(rank, count);
      std::vector<std::int32_t> out(count);
      comm.allreduce(in.data(), out.data(), count, t, sum, forced);
      return out;
    }
    case dc::Operation::reduce_scatter: {
      auto in = input(rank, count * p);
      std::vector<std::int32_t> out(count);
      comm.reduce_scatter(in.data(), out.data(), count, t, sum, forced);
      return out;
    }
    case dc::Operation::allgather: {
      auto in = input(rank, count);
      std::vector<std::int32_t> out(count * p);
      comm.allgather(in.data(), out.data(), count, t, forced);
      return out;
    }
    case dc::Operation::broadcast: {
      auto out = rank == root ? input(root, count) : std::vector<std::int32_t>(count, -7);
      comm.broadcast(out.data(), count, t, root, forced);
      return out;
    }
    case dc::Operation::reduce: {
      auto in = input(rank, count);
      std::vector<std::int32_t> out(count);
      comm.reduce(in.data(), out.data(), count, t, sum, root, forced);
      if (rank != root) out.clear();
      return out;
    }
    case dc::Operation::alltoall: {
      auto in = input(rank, count * p);
      std::vector<std::int32_t> out(count * p);
      comm.alltoall(in.data(), out.data(), count, t, forced);
      return out;
    }
    case dc::Operation::barrier:
      break;
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, p = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &p);
  int failures = 0, cases = 0, not_checked = 0;
  {
    dc::Config config;  // the most square mesh of p ranks; one 5 x 5 tile for 25
    config.read_environment = false;
    dc::Communicator comm(MPI_COMM_WORLD, config);
    for (dc::Operation operation : dc::all_operations()) {
      if (operation == dc::Operation::barrier) continue;
      for (dc::Algorithm algorithm : dc::all_algorithms()) {
        if (!dc::implements(algorithm, operation)) continue;
        // On a full 5 x 5 tile every algorithm applies: one that does not is a case not checked.
        if (const auto why = dc::why_not_applicable(algorithm, operation, comm.geometry());
            !why.empty()) {
          ++not_checked;
          if (rank == 0)
            std::printf("dojo-simgrid-smoke: %s/%s not checked: %s\n",
                        std::string(dc::name(operation)).c_str(),
                        std::string(dc::name(algorithm)).c_str(), why.c_str());
          continue;
        }
        for (std::size_t count :
             {std::size_t{1}, std::size_t{7}, static_cast<std::size_t>(p + 1), std::size_t{1000}}) {
          const int root = static_cast<int>(count % static_cast<std::size_t>(p));
          const auto want = reference(operation, rank, p, count, root);
          const auto got = run(comm, operation, algorithm, count, root);
          int wrong = got != want ? 1 : 0, any = 0;
          MPI_Allreduce(&wrong, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
          ++cases;
          if (any != 0) {
            ++failures;
            if (rank == 0)
              std::printf("dojo-simgrid-smoke: %s/%s count %zu differs from MPI's result\n",
                          std::string(dc::name(operation)).c_str(),
                          std::string(dc::name(algorithm)).c_str(), count);
          }
        }
      }
    }
  }
  if (rank == 0)
    std::printf("dojo-simgrid-smoke: %d ranks, %d cases, %d failed, %d algorithms not checked\n", p,
                cases, failures, not_checked);
  MPI_Finalize();
  // A run that checked nothing, or left an algorithm out, has not shown the algorithms work.
  return failures == 0 && cases > 0 && not_checked == 0 ? 0 : 1;
}
