// The collectives benchmark behind `dojo bench collectives` and dojo-bench-collectives: an
// OSU-style table per operation, algorithm and size, with native and the cost model's choice in
// the same run; algbw and busbw as nccl-tests define them (docs/collectives.md).
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "dojo/collectives/communicator.hpp"

namespace dojo::collectives {

struct BenchOptions {
  std::vector<Operation> operations{Operation::allreduce};
  // Algorithms to time; empty: native, auto (the cost model's choice) and every algorithm that
  // can run the operation on this geometry.
  std::vector<Algorithm> algorithms;
  std::size_t min_bytes = 1024;  // S: see bytes_per_call below
  std::size_t max_bytes = std::size_t{256} << 20;
  int iterations = 20;       // timed calls per size up to 1 MiB
  int large_iterations = 5;  // timed calls per size above 1 MiB
  int warmup = 3;            // untimed calls before each size
  DataType type = DataType::float32;
  ReduceOp op = ReduceOp::sum;
  std::string csv_path;   // written by rank 0 when not empty
  std::string json_path;  // written by rank 0 when not empty
};

// One row of the table. S (bytes) is the vector for allreduce, broadcast and reduce, the whole
// gathered vector for reduce-scatter and allgather, and all a rank sends for alltoall.
struct BenchResult {
  Operation operation = Operation::allreduce;
  Algorithm requested = Algorithm::automatic;  // what was asked (automatic: "auto")
  Algorithm algorithm = Algorithm::native;     // what ran
  std::size_t bytes = 0;
  int iterations = 0;
  double avg_us = 0, min_us = 0, max_us = 0;  // per call: mean over iterations, then over ranks
  double algbw_GBps = 0;                      // S / avg time
  double busbw_GBps = 0;                      // algbw times the operation's factor
  double model_us = 0;                        // the cost model's estimate for `algorithm`
};

// busbw / algbw for an operation on p ranks (nccl-tests convention).
double bus_bandwidth_factor(Operation operation, int ranks);

// Runs the benchmark on `comm` (collective over it). Rank 0 prints the table to `table` and
// writes the CSV and JSON files; every rank returns the same results.
std::vector<BenchResult> run_collectives_bench(const BenchOptions& options, Communicator& comm,
                                               std::ostream& table);

// The output formats, for callers that keep results (rank 0 only writes them).
void write_bench_csv(const std::string& path, const std::vector<BenchResult>& results,
                     const Communicator& comm, const BenchOptions& options);
void write_bench_json(const std::string& path, const std::vector<BenchResult>& results,
                      const Communicator& comm, const BenchOptions& options);

}  // namespace dojo::collectives
