// The mesh-aware grid placement: cut the chips the ranks occupy into blocks (one data-parallel
// replica each), each block into a chain of pipeline stages, each stage into tensor-parallel
// units, try every shape that divides evenly, and keep the best by the per-axis hop summary
// (falling back to the default order when nothing beats it). Rules: topology/README.md.
#include <algorithm>
#include <optional>
#include <utility>

#include "dojo/common/error.hpp"
#include "dojo/topology/grid_placement.hpp"

namespace dojo::topology {
namespace {

using Cell = std::pair<int, int>;  // (column, row) in some grid

// A cols x rows grid in snake order: along rows (west to east, then back) or, columns_first,
// down the first column, up the second, ... Consecutive cells are always neighbours.
std::vector<Cell> snake_walk(int cols, int rows, bool columns_first) {
  std::vector<Cell> cells;
  if (columns_first) {
    for (int i = 0; i < cols; ++i)
      for (int j = 0; j < rows; ++j) cells.push_back({i, i % 2 == 0 ? j : rows - 1 - j});
  } else {
    for (int j = 0; j < rows; ++j)
      for (int i = 0; i < cols; ++i) cells.push_back({j % 2 == 0 ? i : cols - 1 - i, j});
  }
  return cells;
}

// A cols x rows grid in ring order, the walk collectives' MeshGeometry::ring_order takes: a
// Hamiltonian cycle when a side is even (row 0 out, snake back over the other columns, up column
// 0), else a row snake whose closing link is long (an odd x odd grid has no Hamiltonian cycle).
std::vector<Cell> ring_walk(int cols, int rows) {
  std::vector<Cell> cells;
  if (rows % 2 == 0 && cols >= 2) {
    for (int i = 0; i < cols; ++i) cells.push_back({i, 0});
    for (int j = 1; j < rows; ++j)
      for (int i = 1; i < cols; ++i) cells.push_back({j % 2 == 1 ? cols - i : i, j});
    for (int j = rows - 1; j >= 1; --j) cells.push_back({0, j});
  } else if (cols % 2 == 0 && rows >= 2) {
    for (int j = 0; j < rows; ++j) cells.push_back({0, j});
    for (int i = 1; i < cols; ++i)
      for (int j = 1; j < rows; ++j) cells.push_back({i, i % 2 == 1 ? rows - j : j});
    for (int i = cols - 1; i >= 1; --i) cells.push_back({i, 0});
  } else {
    cells = snake_walk(cols, rows, false);
  }
  return cells;
}

std::vector<int> divisors(int n) {
  std::vector<int> out;
  for (int d = 1; d <= n; ++d)
    if (n % d == 0) out.push_back(d);
  return out;
}

// The bounding box of the placed chips and the rank on each of its chips (-1: none).
struct Region {
  int origin_x = 0;
  int origin_y = 0;
  int width = 0;
  int height = 0;
  std::vector<int> rank_at;  // (height * width) row-major

  int at(int x, int y) const { return rank_at[static_cast<std::size_t>(y * width + x)]; }
};

Region occupied_region(const Placement& placement) {
  Region region;
  const std::vector<Chip>& chips = placement.chips();
  int min_x = chips[0].gx, max_x = chips[0].gx, min_y = chips[0].gy, max_y = chips[0].gy;
  for (const Chip& chip : chips) {
    min_x = std::min(min_x, chip.gx);
    max_x = std::max(max_x, chip.gx);
    min_y = std::min(min_y, chip.gy);
    max_y = std::max(max_y, chip.gy);
  }
  region.origin_x = min_x;
  region.origin_y = min_y;
  region.width = max_x - min_x + 1;
  region.height = max_y - min_y + 1;
  region.rank_at.assign(static_cast<std::size_t>(region.width * region.height), -1);
  for (int rank = 0; rank < placement.num_ranks(); ++rank) {
    const Chip chip = placement.chip_of(rank);
    region.rank_at[static_cast<std::size_t>((chip.gy - min_y) * region.width + (chip.gx - min_x))] =
        rank;
  }
  return region;
}

// How one candidate cuts the region, in chips and in units.
struct Cut {
  int unit_cols = 1;  // a tp group: unit_cols x unit_rows chips, walked as a row snake
  int unit_rows = 1;
  int chain_cols = 1;  // a pp chain: chain_cols x chain_rows units, walked as a snake
  int chain_rows = 1;
  bool chain_columns_first = true;  // the chain walks down columns first (else along rows)
};

std::string describe(const Cut& cut, int blocks_x, int blocks_y, int dp) {
  std::string text = str("tp groups ", cut.unit_cols, " x ", cut.unit_rows, " chips");
  if (cut.chain_cols * cut.chain_rows > 1)
    text += str(", pp chains ", cut.chain_cols, " x ", cut.chain_rows, " groups",
                cut.chain_cols > 1 && cut.chain_rows > 1
                    ? (cut.chain_columns_first ? " (snake down columns)" : " (snake along rows)")
                    : "");
  if (dp > 1)
    text +=
        blocks_x * blocks_y == dp
            ? str(", dp ", blocks_x, " x ", blocks_y, " lattice of replicas")
            : str(", dp ", dp, " replicas in ", blocks_x, " x ", blocks_y, " blocks (some empty)");
  return text;
}

// The grid placement for one cut, or nullopt when its replica blocks do not hold the ranks
// exactly (a block partly empty, or the wrong number of full blocks).
std::optional<GridPlacement> place_with_cut(const Region& region, const GridShape& shape,
                                            const Cut& cut) {
  const int block_w = cut.unit_cols * cut.chain_cols;  // chips per replica block along x
  const int block_h = cut.unit_rows * cut.chain_rows;
  const int blocks_x = region.width / block_w, blocks_y = region.height / block_h;
  std::vector<Cell> replicas;  // full blocks in ring order: dp coordinate d is replicas[d]
  for (const Cell& block : ring_walk(blocks_x, blocks_y)) {
    int placed = 0;
    for (int y = 0; y < block_h; ++y)
      for (int x = 0; x < block_w; ++x)
        placed += region.at(block.first * block_w + x, block.second * block_h + y) >= 0 ? 1 : 0;
    if (placed == block_w * block_h)
      replicas.push_back(block);
    else if (placed != 0)
      return std::nullopt;
  }
  if (static_cast<int>(replicas.size()) != shape.dp) return std::nullopt;

  const std::vector<Cell> stages =
      snake_walk(cut.chain_cols, cut.chain_rows, cut.chain_columns_first);
  const std::vector<Cell> members = snake_walk(cut.unit_cols, cut.unit_rows, false);
  std::vector<GridPoint> points(static_cast<std::size_t>(shape.size()));
  for (int dp = 0; dp < shape.dp; ++dp)
    for (int pp = 0; pp < shape.pp; ++pp)
      for (int tp = 0; tp < shape.tp; ++tp) {
        const Cell& block = replicas[static_cast<std::size_t>(dp)];
        const Cell& stage = stages[static_cast<std::size_t>(pp)];
        const Cell& member = members[static_cast<std::size_t>(tp)];
        const int x = block.first * block_w + stage.first * cut.unit_cols + member.first;
        const int y = block.second * block_h + stage.second * cut.unit_rows + member.second;
        points[static_cast<std::size_t>(region.at(x, y))] = {dp, tp, pp};
      }
  return GridPlacement(shape, std::move(points), describe(cut, blocks_x, blocks_y, shape.dp));
}

int tile_edge_pairs(const GridHopSummary& hops) {
  return hops.tp.tile_edges + hops.pp.tile_edges + hops.dp.tile_edges;
}

// Strictly better: ahead in the tp, pp, dp priority, else level there and fewer pairs split by
// a tile edge (the slower link).
bool better(const GridHopSummary& a, const GridHopSummary& b) {
  if (!at_least_as_good(a, b)) return false;
  if (!at_least_as_good(b, a)) return true;
  return tile_edge_pairs(a) < tile_edge_pairs(b);
}

}  // namespace

GridPlacement mesh_grid_placement(const Machine& machine, const Placement& placement,
                                  const GridShape& shape) {
  if (shape.dp < 1 || shape.tp < 1 || shape.pp < 1)
    user_error(str("grid layout dp=", shape.dp, " tp=", shape.tp, " pp=", shape.pp,
                   ": every degree must be at least 1"));
  if (shape.size() != placement.num_ranks())
    user_error(str("layout dp=", shape.dp, " tp=", shape.tp, " pp=", shape.pp, " needs ",
                   shape.size(), " ranks but ", placement.num_ranks(),
                   " are placed: choose degrees whose product dp*tp*pp is ",
                   placement.num_ranks()));
  check(placement.mesh_width() == machine.width() && placement.mesh_height() == machine.height(),
        "grid placement: placement made for this machine");

  GridPlacement best = axis_major_grid(shape);
  GridHopSummary best_hops = grid_hop_summary(machine, placement, best);
  const Region region = occupied_region(placement);
  // Widest tensor-parallel units first: on a tie the first candidate stays, and a row of a tile
  // is what the tensor-parallel group should be when it fits.
  std::vector<int> unit_widths = divisors(shape.tp);
  std::reverse(unit_widths.begin(), unit_widths.end());
  for (int unit_cols : unit_widths) {
    const int unit_rows = shape.tp / unit_cols;
    if (region.width % unit_cols != 0 || region.height % unit_rows != 0) continue;
    const int units_x = region.width / unit_cols, units_y = region.height / unit_rows;
    for (int chain_cols : divisors(shape.pp)) {
      const int chain_rows = shape.pp / chain_cols;
      if (units_x % chain_cols != 0 || units_y % chain_rows != 0) continue;
      for (bool columns_first : {true, false}) {
        // A one-row or one-column chain walks the same way either way.
        if (!columns_first && (chain_cols == 1 || chain_rows == 1)) continue;
        const Cut cut{unit_cols, unit_rows, chain_cols, chain_rows, columns_first};
        std::optional<GridPlacement> candidate = place_with_cut(region, shape, cut);
        if (!candidate) continue;
        GridHopSummary hops = grid_hop_summary(machine, placement, *candidate);
        if (better(hops, best_hops)) {
          best = std::move(*candidate);
          best_hops = hops;
        }
      }
    }
  }
  return best;
}

}  // namespace dojo::topology
