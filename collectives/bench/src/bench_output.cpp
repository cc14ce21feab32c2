// CSV and JSON files of benchmark results, one record per (operation, algorithm, size).
#include <fstream>

#include "dojo/collectives/bench.hpp"
#include "dojo/common/error.hpp"

namespace dojo::collectives {

void write_bench_csv(const std::string& path, const std::vector<BenchResult>& results,
                     const Communicator& comm, const BenchOptions& options) {
  std::ofstream out(path);
  if (!out) user_error(str("bench: cannot write the CSV file '", path, "'"));
  out << "operation,algorithm,ran,ranks,columns,rows,type,op,bytes,iterations,avg_us,min_us,"
         "max_us,algbw_GBps,busbw_GBps,model_us\n";
  for (const BenchResult& r : results)
    out << name(r.operation) << ',' << name(r.requested) << ',' << name(r.algorithm) << ','
        << comm.size() << ',' << comm.geometry().columns << ',' << comm.geometry().rows << ','
        << name(options.type) << ',' << name(options.op) << ',' << r.bytes << ',' << r.iterations
        << ',' << r.avg_us << ',' << r.min_us << ',' << r.max_us << ',' << r.algbw_GBps << ','
        << r.busbw_GBps << ',' << r.model_us << '\n';
}

void write_bench_json(const std::string& path, const std::vector<BenchResult>& results,
                      const Communicator& comm, const BenchOptions& options) {
  std::ofstream out(path);
  if (!out) user_error(str("bench: cannot write the JSON file '", path, "'"));
  const MeshGeometry& g = comm.geometry();
  out << "{\n  \"ranks\": " << comm.size() << ",\n  \"mesh\": {\"columns\": " << g.columns
      << ", \"rows\": " << g.rows << ", \"tile_columns\": " << g.tile_columns
      << ", \"tile_rows\": " << g.tile_rows << "},\n  \"type\": \"" << name(options.type)
      << "\",\n  \"op\": \"" << name(options.op) << "\",\n  \"results\": [\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const BenchResult& r = results[i];
    out << "    {\"operation\": \"" << name(r.operation) << "\", \"algorithm\": \""
        << name(r.requested) << "\", \"ran\": \"" << name(r.algorithm)
        << "\", \"bytes\": " << r.bytes << ", \"iterations\": " << r.iterations
        << ", \"avg_us\": " << r.avg_us << ", \"min_us\": " << r.min_us
        << ", \"max_us\": " << r.max_us << ", \"algbw_GBps\": " << r.algbw_GBps
        << ", \"busbw_GBps\": " << r.busbw_GBps << ", \"model_us\": " << r.model_us << "}"
        << (i + 1 < results.size() ? "," : "") << "\n";
  }
  out << "  ]\n}\n";
}

}  // namespace dojo::collectives
