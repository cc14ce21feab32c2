// Snake (boustrophedon) order of the live chips: tiles are visited in a snake over the tile grid
// (row 0 west to east, row 1 east to west, ...) and inside each tile the chips in a snake over its
// chips_x x chips_y grid, so consecutive chips inside a tile are neighbours. Each tile's snake
// starts at the corner that touches the previous tile's last chip when one can, so most tile
// changes are one hop too (with 5 x 5 tiles and an even tiles_x, one jump every second tile row).
// A 5 x 5 grid has no Hamiltonian cycle (odd and bipartite): a ring in this order always closes
// with a multi-hop edge from the last chip back to the first.
#pragma once

#include <vector>

#include "dojo/topology/machine.hpp"

namespace dojo::topology {

// Every live chip once, in snake order. It starts at chip (0,0) unless another start corner saves
// a jump between tile rows.
std::vector<Chip> snake_order(const Machine& machine);

// Tile indices in the order snake_order visits them.
std::vector<int> snake_tile_order(const Machine& machine);

// The live chips of one tile in the order snake_order visits them.
std::vector<Chip> tile_snake_order(const Machine& machine, int tile);

}  // namespace dojo::topology
