// A group of ranks whose chips form a regular lattice: cols x rows points spaced stride_x and
// stride_y chips apart (a rectangle is the lattice with strides 1). Data-parallel groups of a grid
// placement are such lattices, one replica block apart, so mesh algorithms can treat each group
// as a small mesh whose links are multi-hop routes.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dojo/topology/machine.hpp"
#include "dojo/topology/placement.hpp"

namespace dojo::topology {

struct GroupLattice {
  Chip origin;              // north-west point of the lattice
  int cols = 1;             // points along x
  int rows = 1;             // points along y
  int stride_x = 1;         // chips between neighbouring points along x (1 when cols == 1)
  int stride_y = 1;         // chips between neighbouring points along y (1 when rows == 1)
  std::vector<int> col_of;  // (members) lattice column of group member k
  std::vector<int> row_of;  // (members) lattice row of group member k

  bool is_rectangle() const { return stride_x == 1 && stride_y == 1; }
};

// ranks: the group in group order (member k = ranks[k]). nullopt when the chips are not a full
// lattice (a hole, uneven spacing, or points off the lattice).
std::optional<GroupLattice> group_lattice(const Placement& placement, std::span<const int> ranks);

// "2 x 2 lattice, stride 5 x 5 chips, at (0,0)".
std::string describe(const GroupLattice& lattice);

}  // namespace dojo::topology
