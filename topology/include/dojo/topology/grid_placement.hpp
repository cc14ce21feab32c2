// Placement of the 3D process grid (data x tensor x pipeline parallel) on the mesh: which grid
// point each rank (already on its chip) takes, so tensor-parallel groups sit on neighbouring chips,
// consecutive pipeline stages on neighbouring chips and data-parallel groups form a (strided)
// sub-mesh. Also the per-axis hop summary that compares a grid placement with the default order.
// The runtime turns a GridPlacement into a RankOrder; this header has no MPI and no runtime types.
#pragma once

#include <string>
#include <vector>

#include "dojo/topology/machine.hpp"
#include "dojo/topology/placement.hpp"

namespace dojo::topology {

enum class GridAxis { dp = 0, tp = 1, pp = 2 };

// The degrees of the grid (the runtime's Layout, repeated here so topology needs no runtime).
struct GridShape {
  int dp = 1;
  int tp = 1;
  int pp = 1;
  int size() const { return dp * tp * pp; }
  int degree(GridAxis axis) const;
  friend bool operator==(const GridShape&, const GridShape&) = default;
};

struct GridPoint {
  int dp = 0;
  int tp = 0;
  int pp = 0;
  int operator[](GridAxis axis) const;
  friend bool operator==(const GridPoint&, const GridPoint&) = default;
};

// A bijection between ranks and grid points, and how it was chosen.
class GridPlacement {
 public:
  // point_of_rank[r] for every rank; raises internal_error unless it is a bijection onto the grid.
  GridPlacement(GridShape shape, std::vector<GridPoint> point_of_rank, std::string strategy);

  const GridShape& shape() const noexcept { return shape_; }
  int num_ranks() const noexcept { return shape_.size(); }
  const GridPoint& point_of(int rank) const;
  int rank_of(const GridPoint& point) const;
  // One line: "tp groups 5 x 1 in tile rows, pp chains 1 x 5 down columns, dp 2 x 2 lattice".
  const std::string& strategy() const noexcept { return strategy_; }

  // The ranks of the `axis` group through `through` (the other two coordinates fixed), ordered by
  // their `axis` coordinate: member k of the group is the rank whose coordinate is k, which is
  // also its rank in the runtime's axis communicator.
  std::vector<int> group(GridAxis axis, const GridPoint& through) const;
  // Every group of `axis` once, each ordered as group() orders it.
  std::vector<std::vector<int>> groups(GridAxis axis) const;

 private:
  GridShape shape_;
  std::vector<GridPoint> point_of_rank_;  // (ranks)
  std::vector<int> rank_of_point_;        // (dp * tp * pp) by pp-major, then dp, then tp index
  std::string strategy_;
};

// The default order (Megatron's, the runtime's AxisMajorOrder): rank = tp + tp_degree * (dp +
// dp_degree * pp), whatever chips the ranks sit on.
GridPlacement axis_major_grid(const GridShape& shape);

// The mesh-aware grid placement of the ranks of `placement` (topology/README.md "Grid placement"
// gives the rules and fallbacks). user_error when shape.size() != placement.num_ranks().
GridPlacement mesh_grid_placement(const Machine& machine, const Placement& placement,
                                  const GridShape& shape);

// Mean and largest hop distance between neighbours along one axis.
struct AxisHops {
  int pairs = 0;       // neighbour pairs counted (0 when the axis has degree 1)
  double mean = 0;     // hops, mean over the pairs
  int max = 0;         // hops
  int tile_edges = 0;  // pairs whose route crosses at least one tile edge
};

// Neighbours per axis: tp members t and t+1 (a chain: the row of a tile has no closing link),
// consecutive pipeline stages p and p+1 (the activations' path), and dp ring neighbours d and
// (d+1) mod dp in dp-communicator order (a ring allreduce's links, the closing one included).
struct GridHopSummary {
  AxisHops tp;
  AxisHops pp;
  AxisHops dp;
  const AxisHops& operator[](GridAxis axis) const;
};

GridHopSummary grid_hop_summary(const Machine& machine, const Placement& placement,
                                const GridPlacement& grid);

// True when `a` is at least as good as `b` in the priority the placement uses: fewer mean tp hops,
// then pp, then dp (tensor-parallel traffic is on every layer's critical path, pipeline sends on
// every micro-batch's, the data-parallel allreduce once a step and overlapped with backward).
bool at_least_as_good(const GridHopSummary& a, const GridHopSummary& b);

std::string_view axis_name(GridAxis axis);

}  // namespace dojo::topology
