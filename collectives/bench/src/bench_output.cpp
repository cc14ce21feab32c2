// CSV and JSON files of benchmark results, one record per (operation, algorithm, size).
#include <fstream>

#include "dojo/collectives/bench.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/json.hpp"

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
  json::Writer json(out, 2);
  json.object().field("ranks", comm.size());
  json.key("mesh")
      .object()
      .field("columns", g.columns)
      .field("rows", g.rows)
      .field("tile_columns", g.tile_columns)
      .field("tile_rows", g.tile_rows)
      .end();
  json.field("type", name(options.type)).field("op", name(options.op));
  json.key("results").array();
  for (const BenchResult& r : results)
    json.object()
        .field("operation", name(r.operation))
        .field("algorithm", name(r.requested))
        .field("ran", name(r.algorithm))
        .field("bytes", r.bytes)
        .field("iterations", r.iterations)
        .field("avg_us", r.avg_us)
        .field("min_us", r.min_us)
        .field("max_us", r.max_us)
        .field("algbw_GBps", r.algbw_GBps)
        .field("busbw_GBps", r.busbw_GBps)
        .field("model_us", r.model_us)
        .end();
  json.end().end();
  out << '\n';
  if (!out.flush()) user_error(str("bench: cannot write the JSON file '", path, "'"));
}

}  // namespace dojo::collectives
