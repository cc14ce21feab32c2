// The benchmark function: one row per operation, algorithm and size, consistent statistics and
// bandwidths, and CSV / JSON files with one record per row.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "dojo/collectives/bench.hpp"
#include "dojo_test_support.hpp"

namespace dojo::collectives::test {
namespace {

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(CollectivesBench, RowsStatisticsAndFiles) {
  Config config;
  config.read_environment = false;
  Communicator comm(dojo::test::world(), config);
  const int p = comm.size();
  long long id = getpid();  // rank 0's process id names the files
  MPI_Bcast(&id, 1, MPI_LONG_LONG, 0, comm.mpi());
  BenchOptions options;
  options.operations = {Operation::allreduce, Operation::alltoall, Operation::barrier};
  options.min_bytes = 1024;
  options.max_bytes = 4096;
  options.iterations = 2;
  options.warmup = 1;
  options.csv_path = "/tmp/dojo-bench-test-" + std::to_string(id) + ".csv";
  options.json_path = "/tmp/dojo-bench-test-" + std::to_string(id) + ".json";
  std::ostringstream table;
  const auto results = run_collectives_bench(options, comm, table);

  int allreduce_algorithms = 0;
  for (Algorithm a : all_algorithms())
    if (implements(a, Operation::allreduce) &&
        why_not_applicable(a, Operation::allreduce, comm.geometry()).empty())
      ++allreduce_algorithms;
  int allreduce_rows = 0, barrier_rows = 0, auto_rows = 0;
  for (const BenchResult& r : results) {
    EXPECT_GT(r.avg_us, 0.0);
    EXPECT_LE(r.min_us, r.avg_us * (1 + 1e-12));
    EXPECT_GE(r.max_us, r.avg_us * (1 - 1e-12));
    if (r.operation == Operation::allreduce) {
      ++allreduce_rows;
      EXPECT_NEAR(r.algbw_GBps, r.bytes / (r.avg_us * 1e-6) / 1e9, 1e-9 * r.algbw_GBps);
      EXPECT_NEAR(r.busbw_GBps, r.algbw_GBps * 2.0 * (p - 1) / p, 1e-9 * r.algbw_GBps + 1e-15);
    }
    if (r.operation == Operation::barrier) ++barrier_rows;
    if (r.requested == Algorithm::automatic) {
      ++auto_rows;
      EXPECT_EQ(r.algorithm,
                comm.choose(r.operation,
                            r.operation == Operation::alltoall ? r.bytes / 4 / p : r.bytes / 4,
                            DataType::float32));
    }
  }
  // native, auto and every other applicable algorithm, at 1, 2 and 4 KiB.
  EXPECT_EQ(allreduce_rows, (allreduce_algorithms + 1) * 3);
  EXPECT_EQ(barrier_rows, 3);  // native, auto, recursive_doubling: one size each
  EXPECT_GE(auto_rows, 7);
  if (comm.rank() == 0) {
    EXPECT_EQ(count_of(table.str(), "\nallreduce "), allreduce_rows);
    std::ifstream csv(options.csv_path);
    std::stringstream csv_text;
    csv_text << csv.rdbuf();
    EXPECT_EQ(count_of(csv_text.str(), "\n"), static_cast<int>(results.size()) + 1);
    std::ifstream json(options.json_path);
    std::stringstream json_text;
    json_text << json.rdbuf();
    EXPECT_EQ(count_of(json_text.str(), "\"operation\""), static_cast<int>(results.size()));
    std::remove(options.csv_path.c_str());
    std::remove(options.json_path.c_str());
  }
}

TEST(CollectivesBench, BusBandwidthFactors) {
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Operation::allreduce, 4), 1.5);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Operation::allgather, 4), 0.75);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Operation::broadcast, 4), 1.0);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Operation::alltoall, 8), 0.875);
}

}  // namespace
}  // namespace dojo::collectives::test
