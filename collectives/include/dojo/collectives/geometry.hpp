// Where the ranks of a communicator sit on the Dojo mesh, and what its links cost. A plain struct
// until the topology library's placement lands (it will get an adapter to this); mesh algorithms
// and the cost model read only this.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dojo::collectives {

// Latency and inverse bandwidth of one class of link, one direction.
struct LinkCost {
  double latency_s = 1e-6;        // per message, seconds
  double seconds_per_byte = 0.0;  // 1 / bandwidth
};

enum class Layout { row_major, snake };  // how consecutive ranks fill the mesh

struct MeshGeometry {
  int columns = 1;       // a: chips along x
  int rows = 1;          // b: chips along y
  int origin_x = 0;      // absolute mesh coordinate of local (0, 0): tiles are cut at absolute
  int origin_y = 0;      //   multiples of the tile size, so a sub-mesh keeps its tile edges
  int tile_columns = 5;  // chips per tile along x
  int tile_rows = 5;     // chips per tile along y
  std::vector<int> x;    // (p) local column of each rank
  std::vector<int> y;    // (p) local row of each rank
  // Dojo defaults: 4 TB/s per chip edge inside a tile, 9 TB/s per tile edge shared by 5 chips.
  LinkCost intra_tile{1e-6, 1.0 / 4e12};
  LinkCost tile_edge{1.5e-6, 1.0 / 1.8e12};
  double reduce_seconds_per_byte = 1.0 / 1e12;  // gamma: local combine cost

  // p = columns * rows ranks laid out in `layout` order (rank 0 at (0, 0)).
  static MeshGeometry grid(int columns, int rows, Layout layout = Layout::row_major);
  // The most square a x b (a >= b) factorisation of p, row-major; 1 x p when p is prime.
  static MeshGeometry default_for(int size);

  int size() const { return static_cast<int>(x.size()); }
  // The rank at local (column, row), or -1 when no rank sits there.
  int rank_at(int column, int row) const;
  // True when every mesh position holds exactly one rank (what the mesh algorithms need).
  bool is_full() const;
  // Absolute tile coordinates of a rank.
  int tile_x(int rank) const { return (origin_x + x[rank]) / tile_columns; }
  int tile_y(int rank) const { return (origin_y + y[rank]) / tile_rows; }
  // Mesh hops between two ranks (Manhattan distance) and the cost of the slowest link on an
  // x-then-y route between them.
  int hops(int a, int b) const;
  LinkCost route_cost(int a, int b) const;
  // Sum of the link latencies on that route (seconds).
  double route_latency(int a, int b) const;
  // Slowest link along a row / column of the mesh (tile edge if the row crosses one).
  LinkCost row_link() const;
  LinkCost column_link() const;

  // (width, height) of every tile in chips when the mesh is cut into whole, identical tiles (a
  // mesh inside one tile counts as one tile); std::nullopt when tiles are partial or uneven.
  std::optional<std::pair<int, int>> tile_shape() const;

  // Ranks in ring order: a Hamiltonian cycle of neighbours when columns or rows is even (snake
  // over all but the first column, back up the first column), a snake with one long closing edge
  // when both are odd (a 5 x 5 tile has no Hamiltonian cycle), rank order otherwise.
  std::vector<int> ring_order() const;

  // The geometry of a subset of ranks (members[i] = rank in this geometry of the new rank i),
  // when their positions form a full rectangle; std::nullopt otherwise.
  std::optional<MeshGeometry> subset(const std::vector<int>& members) const;

  // Checks sizes and positions; returns an empty string when valid, else what is wrong.
  std::string validate() const;
  std::string describe() const;  // "4 x 2 mesh, tiles 5 x 5, origin (0, 0)"
};

}  // namespace dojo::collectives
