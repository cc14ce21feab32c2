// The shape of a group of ranks on the mesh (a sub-communicator: a row, a tile, a tensor-parallel
// group): whether its chips fill an a x b rectangle and how its rank order walks that rectangle,
// so mesh algorithms can run on sub-communicators.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dojo/topology/machine.hpp"
#include "dojo/topology/placement.hpp"

namespace dojo::topology {

// How the group's order (member 0, 1, ...) walks its rectangle. A 1-row or 1-column rectangle
// walked from its start is row_major.
enum class RectangleOrder {
  row_major,     // along x first, every row west to east, rows north to south
  column_major,  // along y first, every column north to south, columns west to east
  row_snake,     // rows alternate west-to-east and east-to-west, starting at the north-west corner
  column_snake,  // columns alternate north-to-south and back, starting at the north-west corner
  other          // a rectangle in some other order: use member_at
};

struct SubGeometry {
  int num_members = 0;
  std::vector<Chip> member_chips;  // (num_members) chip of group member k
  Chip origin;                     // north-west corner of the bounding box
  int cols = 0;                    // a: bounding box extent along x, chips
  int rows = 0;                    // b: bounding box extent along y, chips
  bool is_rectangle = false;       // the members fill the box exactly: no hole, no dead chip inside
  RectangleOrder order = RectangleOrder::other;  // meaningful when is_rectangle
  // (rows * cols) member at origin + (i, j) as member_at[j * cols + i]: an index into the group's
  // rank list, -1 where the box has no member.
  std::vector<int> member_at;
  int tiles_spanned = 0;  // distinct tiles the members sit on

  int member(int i, int j) const { return member_at[static_cast<std::size_t>(j * cols + i)]; }
};

// ranks: the group's world ranks in group order (group rank k = ranks[k]); each once.
SubGeometry sub_geometry(const Machine& machine, const Placement& placement,
                         std::span<const int> ranks);

std::string_view rectangle_order_name(RectangleOrder order);
// "5 x 2 rectangle at (0,0), row-snake order, 1 tile" or "12 chips, not a rectangle (box 5 x 3
// ...)".
std::string describe(const SubGeometry& geometry);

}  // namespace dojo::topology
