// Neighbours, hop distances and routes on the chip mesh. Routes are dimension-ordered (all of X,
// then all of Y) like the Dojo mesh's own routing; when a dead chip blocks that path the route is
// a shortest path around it, found by breadth-first search.
#pragma once

#include <vector>

#include "dojo/topology/machine.hpp"

namespace dojo::topology {

struct Neighbor {
  Chip chip;
  LinkClass link_class;  // intra_tile or tile_edge
};

// Live neighbours of a chip, in the order east (+x), west (-x), south (+y), north (-y).
std::vector<Neighbor> neighbors(const Machine& machine, Chip chip);

// The dimension-ordered path from src to dst as directed links, ignoring dead chips.
std::vector<Link> xy_route(Chip src, Chip dst);

// The route a message takes between two live chips: xy_route when every chip on it is live, else a
// shortest path around the dead chips. Empty when src == dst. user_error for a dead or absent chip.
std::vector<Link> route(const Machine& machine, Chip src, Chip dst);

// Hops of route(src, dst): the Manhattan distance unless dead chips force a detour.
int hop_distance(const Machine& machine, Chip src, Chip dst);

}  // namespace dojo::topology
