// Recognises groups whose chips sit on a regular lattice (evenly spaced rows and columns, every
// point taken once).
#include "dojo/topology/group_lattice.hpp"

#include <algorithm>
#include <set>

#include "dojo/common/error.hpp"

namespace dojo::topology {
namespace {

// The even spacing of sorted distinct values, or 0 when they are not evenly spaced.
int even_stride(const std::vector<int>& values) {
  if (values.size() < 2) return 1;
  const int stride = values[1] - values[0];
  for (std::size_t i = 2; i < values.size(); ++i)
    if (values[i] - values[i - 1] != stride) return 0;
  return stride;
}

std::vector<int> distinct_sorted(std::set<int> values) {
  return std::vector<int>(values.begin(), values.end());
}

}  // namespace

std::optional<GroupLattice> group_lattice(const Placement& placement, std::span<const int> ranks) {
  if (ranks.empty()) user_error("lattice of an empty group: give at least one rank");
  std::set<int> xs, ys;
  std::set<Chip> chips;
  for (int rank : ranks) {
    const Chip chip = placement.chip_of(rank);
    xs.insert(chip.gx);
    ys.insert(chip.gy);
    if (!chips.insert(chip).second)
      user_error(str("lattice: rank ", rank, " is listed twice in the group"));
  }
  const std::vector<int> columns = distinct_sorted(xs), rows = distinct_sorted(ys);
  GroupLattice lattice;
  lattice.cols = static_cast<int>(columns.size());
  lattice.rows = static_cast<int>(rows.size());
  if (static_cast<std::size_t>(lattice.cols) * static_cast<std::size_t>(lattice.rows) !=
      ranks.size())
    return std::nullopt;  // every (column, row) pair must be a member: the sizes then match
  lattice.stride_x = even_stride(columns);
  lattice.stride_y = even_stride(rows);
  if (lattice.stride_x == 0 || lattice.stride_y == 0) return std::nullopt;
  lattice.origin = {columns.front(), rows.front()};
  for (int rank : ranks) {
    const Chip chip = placement.chip_of(rank);
    lattice.col_of.push_back((chip.gx - lattice.origin.gx) / lattice.stride_x);
    lattice.row_of.push_back((chip.gy - lattice.origin.gy) / lattice.stride_y);
  }
  return lattice;
}

std::string describe(const GroupLattice& lattice) {
  if (lattice.is_rectangle())
    return str(lattice.cols, " x ", lattice.rows, " rectangle at ", to_string(lattice.origin));
  return str(lattice.cols, " x ", lattice.rows, " lattice, stride ", lattice.stride_x, " x ",
             lattice.stride_y, " chips, at ", to_string(lattice.origin));
}

}  // namespace dojo::topology
