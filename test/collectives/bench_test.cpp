// The benchmark function: one row per operation, algorithm and size, and CSV / JSON files that
// parse back into the same rows.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "dojo/collectives/bench.hpp"
#include "dojo_test_support.hpp"

namespace dojo::collectives::test {
namespace {

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, separator);) fields.push_back(field);
  return fields;
}

// The files print 6 significant digits.
void expect_close(double file_value, double value, const std::string& what) {
  EXPECT_NEAR(file_value, value, 1e-5 * std::abs(value) + 1e-12) << what;
}

// Every row of `results`, in order, as the JSON file has it (a real parse, not a count of keys).
void expect_json_matches(const std::string& path, const std::vector<BenchResult>& results,
                         const Communicator& comm) {
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  const nlohmann::json file = nlohmann::json::parse(in);  // throws, failing the test, if malformed
  EXPECT_EQ(file.at("ranks").get<int>(), comm.size());
  EXPECT_EQ(file.at("mesh").at("columns").get<int>(), comm.geometry().columns);
  EXPECT_EQ(file.at("mesh").at("rows").get<int>(), comm.geometry().rows);
  const nlohmann::json& rows = file.at("results");
  ASSERT_EQ(rows.size(), results.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const BenchResult& r = results[i];
    const nlohmann::json& row = rows[i];
    const std::string what = "JSON row " + std::to_string(i);
    EXPECT_EQ(row.at("operation").get<std::string>(), name(r.operation)) << what;
    EXPECT_EQ(row.at("algorithm").get<std::string>(), name(r.requested)) << what;
    EXPECT_EQ(row.at("ran").get<std::string>(), name(r.algorithm)) << what;
    EXPECT_EQ(row.at("bytes").get<std::size_t>(), r.bytes) << what;
    EXPECT_EQ(row.at("iterations").get<int>(), r.iterations) << what;
    expect_close(row.at("avg_us").get<double>(), r.avg_us, what + " avg_us");
    expect_close(row.at("min_us").get<double>(), r.min_us, what + " min_us");
    expect_close(row.at("max_us").get<double>(), r.max_us, what + " max_us");
    expect_close(row.at("busbw_GBps").get<double>(), r.busbw_GBps, what + " busbw_GBps");
    expect_close(row.at("model_us").get<double>(), r.model_us, what + " model_us");
  }
}

// The CSV file: the header, then one line of 16 fields per row, in order.
void expect_csv_matches(const std::string& path, const std::vector<BenchResult>& results) {
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const std::vector<std::string> header = split(line, ',');
  ASSERT_EQ(header.size(), 16u) << line;
  EXPECT_EQ(header[0], "operation");
  EXPECT_EQ(header[8], "bytes");
  EXPECT_EQ(header[10], "avg_us");
  std::size_t i = 0;
  for (; std::getline(in, line); ++i) {
    ASSERT_LT(i, results.size()) << "more CSV lines than rows: " << line;
    const std::vector<std::string> fields = split(line, ',');
    ASSERT_EQ(fields.size(), header.size()) << line;
    EXPECT_EQ(fields[0], name(results[i].operation)) << line;
    EXPECT_EQ(fields[1], name(results[i].requested)) << line;
    EXPECT_EQ(fields[2], name(results[i].algorithm)) << line;
    EXPECT_EQ(std::stoull(fields[8]), results[i].bytes) << line;
    expect_close(std::stod(fields[10]), results[i].avg_us, line);
  }
  EXPECT_EQ(i, results.size()) << "CSV lines";
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
    EXPECT_GT(r.avg_us, 0.0);  // every row was timed
    if (r.operation == Operation::allreduce) ++allreduce_rows;
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
    expect_csv_matches(options.csv_path, results);
    expect_json_matches(options.json_path, results, comm);
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
