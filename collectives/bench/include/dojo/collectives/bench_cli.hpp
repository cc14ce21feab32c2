// Command-line options of the collectives benchmark, shared by `dojo bench collectives` and the
// standalone dojo-bench-collectives so both accept the same flags (header-only: needs CLI11).
#pragma once

// SimGrid's smpicxx force-includes a macro exit(x); CLI11 has a member function named exit. The
// benchmark never calls exit(), so the macro can go.
#ifdef exit
#undef exit
#endif
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "dojo/collectives/bench.hpp"
#include "dojo/common/error.hpp"

namespace dojo::collectives {

// Parsed after CLI11 has run: turns the textual lists into BenchOptions (user errors on bad names).
struct BenchCliText {
  std::vector<std::string> operations{"allreduce"};
  std::vector<std::string> algorithms;
  std::string min_size = "1K", max_size = "256M";
  std::string type = "float32", op = "sum";
};

inline std::size_t parse_bench_size(const std::string& text) {
  std::size_t pos = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &pos);
  } catch (...) {
    user_error("size '" + text + "': use a number of bytes with an optional K, M or G suffix");
  }
  std::string suffix = text.substr(pos);
  if (suffix == "K" || suffix == "KiB" || suffix == "k")
    value <<= 10;
  else if (suffix == "M" || suffix == "MiB")
    value <<= 20;
  else if (suffix == "G" || suffix == "GiB")
    value <<= 30;
  else if (!suffix.empty() && suffix != "B")
    user_error("size '" + text + "': unknown suffix '" + suffix + "' (use K, M or G)");
  return static_cast<std::size_t>(value);
}

inline void add_bench_options(CLI::App& app, BenchOptions& options, BenchCliText& text) {
  app.add_option("--ops", text.operations,
                 "operations to time: " + valid_operation_names() + ", or all");
  app.add_option("--algorithms", text.algorithms,
                 "algorithms to time (default: native, auto and every one that applies): " +
                     valid_algorithm_names());
  app.add_option("--min-size", text.min_size, "smallest S in bytes (K, M, G suffixes)");
  app.add_option("--max-size", text.max_size, "largest S in bytes; sizes double from the smallest");
  app.add_option("--iterations", options.iterations, "timed calls per size up to 1 MiB")
      ->check(CLI::PositiveNumber);
  app.add_option("--large-iterations", options.large_iterations, "timed calls per size above 1 MiB")
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup", options.warmup, "untimed calls before each size")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--type", text.type, "element type: float32, float64, bfloat16, int32, int64");
  app.add_option("--op", text.op, "reduction: sum, avg, max, min");
  app.add_option("--csv", options.csv_path, "write the results as CSV to this file");
  app.add_option("--json", options.json_path, "write the results as JSON to this file");
}

inline void finish_bench_options(BenchOptions& options, const BenchCliText& text) {
  options.operations.clear();
  for (const std::string& name : text.operations) {
    if (name == "all") {
      options.operations = all_operations();
      break;
    }
    auto op = parse_operation(name);
    if (!op)
      user_error("--ops " + name + ": unknown operation; use one of " + valid_operation_names());
    options.operations.push_back(*op);
  }
  options.algorithms.clear();
  for (const std::string& name : text.algorithms) {
    auto a = parse_algorithm(name);
    if (!a)
      user_error("--algorithms " + name + ": unknown algorithm; use one of " +
                 valid_algorithm_names());
    options.algorithms.push_back(*a);
  }
  options.min_bytes = parse_bench_size(text.min_size);
  options.max_bytes = parse_bench_size(text.max_size);
  if (options.min_bytes == 0 || options.max_bytes < options.min_bytes)
    user_error("--min-size and --max-size: need 0 < min <= max");
  auto type = parse_data_type(text.type);
  if (!type) user_error("--type " + text.type + ": use float32, float64, bfloat16, int32 or int64");
  options.type = *type;
  auto op = parse_reduce_op(text.op);
  if (!op) user_error("--op " + text.op + ": use sum, avg, max or min");
  options.op = *op;
}

}  // namespace dojo::collectives
