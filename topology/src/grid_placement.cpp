// Grid placements as data: the rank <-> grid point bijection, its axis groups, the default
// (Megatron) order and the per-axis hop summary used to compare placements.
#include "dojo/topology/grid_placement.hpp"

#include <algorithm>

#include "dojo/common/error.hpp"
#include "dojo/topology/mesh_routes.hpp"

namespace dojo::topology {
namespace {

// Dense index of a grid point: tp fastest, then dp, then pp (the default order's rank).
int point_index(const GridShape& shape, const GridPoint& point) {
  return point.tp + shape.tp * (point.dp + shape.dp * point.pp);
}

bool in_grid(const GridShape& shape, const GridPoint& point) {
  return point.dp >= 0 && point.dp < shape.dp && point.tp >= 0 && point.tp < shape.tp &&
         point.pp >= 0 && point.pp < shape.pp;
}

GridPoint with_coordinate(GridPoint point, GridAxis axis, int value) {
  (axis == GridAxis::dp ? point.dp : axis == GridAxis::tp ? point.tp : point.pp) = value;
  return point;
}

}  // namespace

int GridShape::degree(GridAxis axis) const {
  return axis == GridAxis::dp ? dp : axis == GridAxis::tp ? tp : pp;
}

int GridPoint::operator[](GridAxis axis) const {
  return axis == GridAxis::dp ? dp : axis == GridAxis::tp ? tp : pp;
}

std::string_view axis_name(GridAxis axis) {
  return axis == GridAxis::dp ? "dp" : axis == GridAxis::tp ? "tp" : "pp";
}

GridPlacement::GridPlacement(GridShape shape, std::vector<GridPoint> point_of_rank,
                             std::string strategy)
    : shape_(shape), point_of_rank_(std::move(point_of_rank)), strategy_(std::move(strategy)) {
  check(shape_.dp >= 1 && shape_.tp >= 1 && shape_.pp >= 1, "grid degrees are positive");
  check(static_cast<int>(point_of_rank_.size()) == shape_.size(),
        "grid placement: one point per rank");
  rank_of_point_.assign(static_cast<std::size_t>(shape_.size()), -1);
  for (int rank = 0; rank < shape_.size(); ++rank) {
    const GridPoint& point = point_of_rank_[static_cast<std::size_t>(rank)];
    check(in_grid(shape_, point), "grid placement: point inside the grid");
    int& slot = rank_of_point_[static_cast<std::size_t>(point_index(shape_, point))];
    check(slot == -1, "grid placement: each point taken by one rank");
    slot = rank;
  }
}

const GridPoint& GridPlacement::point_of(int rank) const {
  if (rank < 0 || rank >= num_ranks())
    internal_error(str("grid placement: rank ", rank, " outside 0..", num_ranks() - 1));
  return point_of_rank_[static_cast<std::size_t>(rank)];
}

int GridPlacement::rank_of(const GridPoint& point) const {
  if (!in_grid(shape_, point))
    internal_error(str("grid placement: point (", point.dp, ",", point.tp, ",", point.pp,
                       ") outside the grid"));
  return rank_of_point_[static_cast<std::size_t>(point_index(shape_, point))];
}

std::vector<int> GridPlacement::group(GridAxis axis, const GridPoint& through) const {
  std::vector<int> ranks;
  for (int k = 0; k < shape_.degree(axis); ++k)
    ranks.push_back(rank_of(with_coordinate(through, axis, k)));
  return ranks;
}

std::vector<std::vector<int>> GridPlacement::groups(GridAxis axis) const {
  std::vector<std::vector<int>> all;
  for (int rank : rank_of_point_) {
    const GridPoint& point = point_of(rank);
    if (point[axis] == 0) all.push_back(group(axis, point));
  }
  return all;
}

GridPlacement axis_major_grid(const GridShape& shape) {
  std::vector<GridPoint> points;
  for (int pp = 0; pp < shape.pp; ++pp)
    for (int dp = 0; dp < shape.dp; ++dp)
      for (int tp = 0; tp < shape.tp; ++tp) points.push_back({dp, tp, pp});
  return GridPlacement(shape, std::move(points), "default order: tp fastest, then dp, then pp");
}

const AxisHops& GridHopSummary::operator[](GridAxis axis) const {
  return axis == GridAxis::dp ? dp : axis == GridAxis::tp ? tp : pp;
}

GridHopSummary grid_hop_summary(const Machine& machine, const Placement& placement,
                                const GridPlacement& grid) {
  if (placement.num_ranks() != grid.num_ranks())
    internal_error(str("hop summary: placement of ", placement.num_ranks(), " ranks, grid of ",
                       grid.num_ranks()));
  GridHopSummary summary;
  for (GridAxis axis : {GridAxis::tp, GridAxis::pp, GridAxis::dp}) {
    AxisHops& hops = axis == GridAxis::dp   ? summary.dp
                     : axis == GridAxis::tp ? summary.tp
                                            : summary.pp;
    long long total = 0;
    auto count = [&](int a, int b) {
      const Chip from = placement.chip_of(a), to = placement.chip_of(b);
      const int distance = hop_distance(machine, from, to);
      total += distance;
      hops.max = std::max(hops.max, distance);
      hops.tile_edges += machine.tile_of(from) != machine.tile_of(to) ? 1 : 0;
      ++hops.pairs;
    };
    for (const std::vector<int>& group : grid.groups(axis)) {
      const int n = static_cast<int>(group.size());
      for (int k = 0; k + 1 < n; ++k) count(group[k], group[k + 1]);
      // The dp ring's closing link; a ring of two is one pair.
      if (axis == GridAxis::dp && n > 2) count(group[n - 1], group[0]);
    }
    hops.mean = hops.pairs > 0 ? static_cast<double>(total) / hops.pairs : 0.0;
  }
  return summary;
}

bool at_least_as_good(const GridHopSummary& a, const GridHopSummary& b) {
  constexpr double tolerance = 1e-9;  // means of small integers: equal when this close
  for (GridAxis axis : {GridAxis::tp, GridAxis::pp, GridAxis::dp}) {
    if (a[axis].mean < b[axis].mean - tolerance) return true;
    if (a[axis].mean > b[axis].mean + tolerance) return false;
  }
  return true;
}

}  // namespace dojo::topology
