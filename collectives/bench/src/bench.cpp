// The benchmark loop: for each operation, algorithm and size, warm up, then time calls one at a
// time with a barrier between them (outside the timed region, as the OSU benchmarks do), and
// reduce the mean time per call to min / avg / max over ranks.
#include "dojo/collectives/bench.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ostream>

#include "bench_summary.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"

namespace dojo::collectives {
namespace {

// Benchmark buffers: plain malloc (not std::malloc), which SimGrid's smpicxx turns into shared
// memory above smpi/auto-shared-malloc-thresh, so 100 simulated ranks fit in memory.
struct Buffer {
  explicit Buffer(std::size_t bytes)
      : data(static_cast<std::byte*>(malloc(bytes > 0 ? bytes : 1))) {
    if (data == nullptr)
      user_error(str("bench: cannot allocate ", bytes, " bytes: lower --max-size"));
    std::memset(data, 0, bytes);  // zeros: no NaN or denormal slows the reductions down
  }
  ~Buffer() { free(data); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  std::byte* data;
};

// Elements per call: the whole vector, or one rank's block (S / p) for the per-rank operations.
std::size_t count_for(Operation operation, std::size_t bytes, DataType type, int p) {
  const std::size_t elements = bytes / size_of(type);
  switch (operation) {
    case Operation::reduce_scatter:
    case Operation::allgather:
    case Operation::alltoall:
      return elements / static_cast<std::size_t>(p);
    default:
      return elements;
  }
}

void call_once(Communicator& comm, Operation operation, Algorithm algorithm, std::byte* send,
               std::byte* recv, std::size_t count, const BenchOptions& o) {
  const CallOptions forced{algorithm};
  switch (operation) {
    case Operation::allreduce:
      comm.allreduce(send, recv, count, o.type, o.op, forced);
      return;
    case Operation::reduce_scatter:
      comm.reduce_scatter(send, recv, count, o.type, o.op, forced);
      return;
    case Operation::allgather:
      comm.allgather(send, recv, count, o.type, forced);
      return;
    case Operation::broadcast:
      comm.broadcast(recv, count, o.type, 0, forced);
      return;
    case Operation::reduce:
      comm.reduce(send, recv, count, o.type, o.op, 0, forced);
      return;
    case Operation::alltoall:
      comm.alltoall(send, recv, count, o.type, forced);
      return;
    case Operation::barrier:
      comm.barrier(forced);
      return;
  }
}

// The algorithms to time for one operation: the requested ones that implement it, or native,
// auto and every applicable algorithm.
std::vector<Algorithm> algorithms_for(Operation operation, const BenchOptions& o,
                                      const MeshGeometry& geometry) {
  std::vector<Algorithm> out;
  if (!o.algorithms.empty()) {
    for (Algorithm a : o.algorithms)
      if (implements(a, operation) && why_not_applicable(a, operation, geometry).empty())
        out.push_back(a);
    return out;
  }
  out = {Algorithm::native, Algorithm::automatic};
  for (Algorithm a : all_algorithms())
    if (a != Algorithm::native && implements(a, operation) &&
        why_not_applicable(a, operation, geometry).empty())
      out.push_back(a);
  return out;
}

void print_header(std::ostream& table, const Communicator& comm, const BenchOptions& o) {
  table << "# dojo collectives bench: " << comm.size() << " ranks on a "
        << comm.geometry().describe() << "; " << name(o.type) << " " << name(o.op) << "; "
        << o.iterations << " iterations (" << o.large_iterations << " above 1 MiB), " << o.warmup
        << " warm-up\n";
  table << "# S = bytes of the vector (allreduce, broadcast, reduce), of the gathered vector "
           "(reduce_scatter, allgather), sent per rank (alltoall); times in microseconds\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-15s %-19s %-19s %12s %12s %12s %12s %11s %11s %12s\n",
                "# operation", "algorithm", "ran", "S_bytes", "avg_us", "min_us", "max_us",
                "algbw_GB/s", "busbw_GB/s", "model_us");
  table << line;
}

void print_row(std::ostream& table, const BenchResult& r) {
  char line[256];
  std::snprintf(line, sizeof line,
                "%-15s %-19s %-19s %12zu %12.2f %12.2f %12.2f %11.3f %11.3f %12.2f\n",
                std::string(name(r.operation)).c_str(), std::string(name(r.requested)).c_str(),
                std::string(name(r.algorithm)).c_str(), r.bytes, r.avg_us, r.min_us, r.max_us,
                r.algbw_GBps, r.busbw_GBps, r.model_us);
  table << line << std::flush;
}

}  // namespace

double bus_bandwidth_factor(Operation operation, int ranks) {
  const double p = ranks;
  switch (operation) {
    case Operation::allreduce:
      return 2 * (p - 1) / p;
    case Operation::reduce_scatter:
    case Operation::allgather:
    case Operation::alltoall:
      return (p - 1) / p;
    case Operation::broadcast:
    case Operation::reduce:
      return 1.0;
    case Operation::barrier:
      return 0.0;
  }
  return 0.0;
}

std::vector<BenchResult> run_collectives_bench(const BenchOptions& o, Communicator& comm,
                                               std::ostream& table) {
  if (o.iterations < 1 || o.large_iterations < 1 || o.warmup < 0)
    user_error("bench: iterations must be at least 1 and warm-up at least 0");
  const int p = comm.size(), rank = comm.rank();
  const MPI_Comm mpi = comm.mpi();
  Buffer send(o.max_bytes), recv(o.max_bytes);
  std::vector<BenchResult> results;
  if (rank == 0) print_header(table, comm, o);

  // Sizes outside, algorithms inside: every algorithm of a size is timed within moments of the
  // others, so drifting load on a shared machine biases none of them; rows print in
  // (algorithm, size) order once an operation is done.
  for (Operation operation : o.operations) {
    const std::vector<Algorithm> algorithms = algorithms_for(operation, o, comm.geometry());
    std::vector<BenchResult> rows;
    for (std::size_t bytes = o.min_bytes; bytes <= o.max_bytes; bytes *= 2) {
      const std::size_t count = count_for(operation, bytes, o.type, p);
      if (operation != Operation::barrier && count == 0) continue;
      // The bytes actually moved (S rounded down to whole elements and blocks).
      std::size_t moved = count * size_of(o.type);
      if (operation == Operation::reduce_scatter || operation == Operation::allgather ||
          operation == Operation::alltoall)
        moved *= static_cast<std::size_t>(p);
      for (Algorithm requested : algorithms) {
        BenchResult r;
        r.operation = operation;
        r.requested = requested;
        r.algorithm = comm.choose(operation, count, o.type, requested);
        r.bytes = moved;
        r.iterations = bytes > (std::size_t{1} << 20) ? o.large_iterations : o.iterations;
        for (int i = 0; i < o.warmup; ++i)
          call_once(comm, operation, requested, send.data, recv.data, count, o);
        double total = 0.0;
        for (int i = 0; i < r.iterations; ++i) {
          DOJO_CHECK_MPI(MPI_Barrier(mpi));
          const double start = MPI_Wtime();
          call_once(comm, operation, requested, send.data, recv.data, count, o);
          total += MPI_Wtime() - start;
        }
        const double mine = total / r.iterations;
        double lo = 0, hi = 0, sum = 0;
        DOJO_CHECK_MPI(MPI_Allreduce(&mine, &lo, 1, MPI_DOUBLE, MPI_MIN, mpi));
        DOJO_CHECK_MPI(MPI_Allreduce(&mine, &hi, 1, MPI_DOUBLE, MPI_MAX, mpi));
        DOJO_CHECK_MPI(MPI_Allreduce(&mine, &sum, 1, MPI_DOUBLE, MPI_SUM, mpi));
        r.min_us = lo * 1e6;
        r.max_us = hi * 1e6;
        r.avg_us = sum / p * 1e6;
        if (operation != Operation::barrier && r.avg_us > 0) {
          r.algbw_GBps = static_cast<double>(moved) / (r.avg_us * 1e-6) / 1e9;
          r.busbw_GBps = r.algbw_GBps * bus_bandwidth_factor(operation, p);
        }
        r.model_us = estimate_cost(r.algorithm, operation,
                                   operation == Operation::barrier ? 0 : moved, comm.geometry())
                         .seconds *
                     1e6;
        rows.push_back(r);
      }
      if (operation == Operation::barrier) break;  // one size is enough
    }
    std::stable_sort(rows.begin(), rows.end(), [&](const BenchResult& a, const BenchResult& b) {
      auto index = [&](Algorithm x) {
        return std::find(algorithms.begin(), algorithms.end(), x) - algorithms.begin();
      };
      return index(a.requested) < index(b.requested);
    });
    for (const BenchResult& r : rows) {
      if (rank == 0) print_row(table, r);
      results.push_back(r);
    }
    if (rank == 0) detail::print_bench_summary(table, rows, comm);
  }
  if (rank == 0) {
    if (!o.csv_path.empty()) write_bench_csv(o.csv_path, results, comm, o);
    if (!o.json_path.empty()) write_bench_json(o.json_path, results, comm, o);
  }
  return results;
}

}  // namespace dojo::collectives
