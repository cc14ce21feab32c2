// Recognises rectangles among a group's chips and the order its ranks walk them.
#include "dojo/topology/sub_geometry.hpp"

#include <algorithm>
#include <set>

#include "dojo/common/error.hpp"

namespace dojo::topology {
namespace {

// Position of member k at (i, j) of a cols x rows rectangle for each named order.
bool walks_as(const SubGeometry& g, RectangleOrder order) {
  for (int j = 0; j < g.rows; ++j)
    for (int i = 0; i < g.cols; ++i) {
      int expected = 0;
      switch (order) {
        case RectangleOrder::row_major:
          expected = j * g.cols + i;
          break;
        case RectangleOrder::column_major:
          expected = i * g.rows + j;
          break;
        case RectangleOrder::row_snake:
          expected = j * g.cols + (j % 2 == 0 ? i : g.cols - 1 - i);
          break;
        case RectangleOrder::column_snake:
          expected = i * g.rows + (i % 2 == 0 ? j : g.rows - 1 - j);
          break;
        case RectangleOrder::other:
          return false;
      }
      if (g.member(i, j) != expected) return false;
    }
  return true;
}

}  // namespace

SubGeometry sub_geometry(const Machine& machine, const Placement& placement,
                         std::span<const int> ranks) {
  if (ranks.empty()) user_error("sub-geometry of an empty group: give at least one rank");
  check(placement.mesh_width() == machine.width() && placement.mesh_height() == machine.height(),
        "sub_geometry: placement made for this machine");
  SubGeometry g;
  g.num_members = static_cast<int>(ranks.size());
  std::vector<Chip> chips;
  std::set<int> seen_ranks, tiles;
  for (int rank : ranks) {
    if (rank < 0 || rank >= placement.num_ranks())
      user_error(str("sub-geometry: rank ", rank, " is not in the job (0..",
                     placement.num_ranks() - 1, ")"));
    if (!seen_ranks.insert(rank).second)
      user_error(str("sub-geometry: rank ", rank, " is listed twice in the group"));
    chips.push_back(placement.chip_of(rank));
    tiles.insert(machine.tile_of(chips.back()));
  }
  g.tiles_spanned = static_cast<int>(tiles.size());
  g.member_chips = chips;
  auto [min_x, max_x] =
      std::minmax_element(chips.begin(), chips.end(), [](Chip a, Chip b) { return a.gx < b.gx; });
  auto [min_y, max_y] =
      std::minmax_element(chips.begin(), chips.end(), [](Chip a, Chip b) { return a.gy < b.gy; });
  g.origin = {min_x->gx, min_y->gy};
  g.cols = max_x->gx - min_x->gx + 1;
  g.rows = max_y->gy - min_y->gy + 1;
  g.member_at.assign(static_cast<std::size_t>(g.cols) * static_cast<std::size_t>(g.rows), -1);
  for (std::size_t k = 0; k < chips.size(); ++k)
    g.member_at[static_cast<std::size_t>((chips[k].gy - g.origin.gy) * g.cols +
                                         (chips[k].gx - g.origin.gx))] = static_cast<int>(k);
  g.is_rectangle = static_cast<long long>(g.cols) * g.rows == g.num_members;
  if (g.is_rectangle)
    for (RectangleOrder order : {RectangleOrder::row_major, RectangleOrder::column_major,
                                 RectangleOrder::row_snake, RectangleOrder::column_snake})
      if (walks_as(g, order)) {
        g.order = order;
        break;
      }
  return g;
}

std::string_view rectangle_order_name(RectangleOrder order) {
  switch (order) {
    case RectangleOrder::row_major:
      return "row-major";
    case RectangleOrder::column_major:
      return "column-major";
    case RectangleOrder::row_snake:
      return "row-snake";
    case RectangleOrder::column_snake:
      return "column-snake";
    case RectangleOrder::other:
      return "other";
  }
  return "other";
}

std::string describe(const SubGeometry& g) {
  std::string tiles = str(g.tiles_spanned, g.tiles_spanned == 1 ? " tile" : " tiles");
  if (g.is_rectangle)
    return str(g.cols, " x ", g.rows, " rectangle at ", to_string(g.origin), ", ",
               rectangle_order_name(g.order), " order, ", tiles);
  return str(g.num_members, " chips, not a rectangle (box ", g.cols, " x ", g.rows, " at ",
             to_string(g.origin), "), ", tiles);
}

}  // namespace dojo::topology
