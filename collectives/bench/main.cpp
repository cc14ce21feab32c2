// dojo-bench-collectives: the collectives benchmark as a plain MPI program (it is its own
// runtime, so it alone here touches MPI_COMM_WORLD). Builds with mpicxx and with SimGrid's
// smpicxx, where the mesh and link costs come from the options and the platform file.
#include <mpi.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "dojo/collectives/bench.hpp"
#include "dojo/collectives/bench_cli.hpp"  // includes CLI11 (after undoing SMPI's exit macro)
#include "dojo/common/error.hpp"
#include "dojo/common/parse.hpp"

namespace {

namespace dc = dojo::collectives;

struct MeshText {
  std::string mesh;  // "AxB": columns x rows; empty: the most square for p
  std::string layout = "row-major";
  std::string tile = "5x5";
  double intra_GBps = 4000;     // per chip edge inside a tile, one direction
  double edge_GBps = 1800;      // per chip across a tile edge
  double latency_us = 1.0;      // per message per link
  double edge_latency_us = -1;  // per message across a tile edge; < 0: latency_us
  double reduce_GBps = 1000;    // local combining speed; 0: free (a simulation without compute)
  bool prefer_native = true;
};

std::pair<int, int> parse_pair(const std::string& text, const char* what) {
  const auto [a, b] = dojo::parse_grid(text, what);
  if (a < 1 || b < 1)
    dojo::user_error(dojo::str(what, " '", text, "': both sizes must be positive, e.g. 10x10"));
  return {a, b};
}

dc::Layout parse_layout(const std::string& text) {
  if (text == "row-major") return dc::Layout::row_major;
  if (text == "snake") return dc::Layout::snake;
  dojo::user_error("--layout " + text + ": use row-major or snake");
}

dc::MeshGeometry geometry_from(const MeshText& m, int size) {
  dc::MeshGeometry g = dc::MeshGeometry::default_for(size);
  if (!m.mesh.empty()) {
    const auto [columns, rows] = parse_pair(m.mesh, "--mesh");
    g = dc::MeshGeometry::grid(columns, rows, parse_layout(m.layout));
  }
  const auto [tw, th] = parse_pair(m.tile, "--tile");
  g.tile_columns = tw;
  g.tile_rows = th;
  g.intra_tile = {m.latency_us * 1e-6, 1.0 / (m.intra_GBps * 1e9)};
  g.tile_edge = {(m.edge_latency_us < 0 ? m.latency_us : m.edge_latency_us) * 1e-6,
                 1.0 / (m.edge_GBps * 1e9)};
  g.reduce_seconds_per_byte = m.reduce_GBps > 0 ? 1.0 / (m.reduce_GBps * 1e9) : 0.0;
  if (g.size() != size)
    dojo::user_error(
        dojo::str("--mesh ", m.mesh, " holds ", g.size(), " ranks but ", size, " were started"));
  return g;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  dojo::set_error_rank(rank);

  CLI::App app{"dojo-bench-collectives: time dojo's collectives against MPI's own"};
  dc::BenchOptions options;
  dc::BenchCliText text;
  MeshText mesh;
  dc::add_bench_options(app, options, text);
  app.add_option("--mesh", mesh.mesh, "mesh of the ranks as columns x rows, e.g. 10x10");
  app.add_option("--layout", mesh.layout, "how ranks fill the mesh: row-major or snake");
  app.add_option("--tile", mesh.tile, "chips per tile, columns x rows");
  app.add_option("--intra-bandwidth", mesh.intra_GBps, "GB/s of a link inside a tile (model)");
  app.add_option("--edge-bandwidth", mesh.edge_GBps, "GB/s of a link across a tile edge (model)");
  app.add_option("--latency", mesh.latency_us, "microseconds per message per link (model)");
  app.add_option("--edge-latency", mesh.edge_latency_us,
                 "microseconds per message across a tile edge (model); default: --latency");
  app.add_option("--reduce-bandwidth", mesh.reduce_GBps,
                 "GB/s of local combining (model); 0 when reductions cost no time");
  app.add_flag("!--no-prefer-native", mesh.prefer_native,
               "let the cost model choose even when all ranks share one node");
  int code = 0;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (rank == 0)
      code = app.exit(e);
    else
      code = e.get_exit_code();
    MPI_Finalize();
    return code;
  }

  try {
    dc::finish_bench_options(options, text);
    dc::Config config;
    config.geometry = geometry_from(mesh, size);
    config.prefer_native_on_one_node = mesh.prefer_native;
    dc::Communicator comm(MPI_COMM_WORLD, config);
    if (rank == 0)
      std::cout << "# one node: " << (comm.on_one_node() ? "yes" : "no")
                << (comm.on_one_node() && mesh.prefer_native ? " (auto picks native)" : "") << "\n";
    dc::run_collectives_bench(options, comm, std::cout);
  } catch (const dojo::Error& e) {
    if (e.kind() == dojo::ErrorKind::user) {
      // Every rank finds a user's mistake alike: one line from rank 0, all ranks end cleanly.
      if (rank == 0) std::cerr << "dojo-bench-collectives: " << e.message() << "\n";
      code = 2;
    } else {
      std::cerr << "dojo-bench-collectives: " << dojo::describe(e) << "\n";
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
  }
  MPI_Finalize();
  return code;
}
