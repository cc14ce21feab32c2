// The adapter from the machine model (dojo::topology) to the collectives' MeshGeometry: where a
// placement's ranks sit, the machine's tile size and the cost of its intra-tile and tile-edge
// links.
#pragma once

#include <span>

#include "dojo/collectives/geometry.hpp"
#include "dojo/topology/machine.hpp"
#include "dojo/topology/placement.hpp"

namespace dojo::collectives {

// All ranks of the placement. Positions are relative to the bounding rectangle of the placed
// chips (origin_x/origin_y hold its absolute corner, so tile edges stay where the machine has
// them). A placement that does not fill its rectangle (holes, dead chips) gives a geometry whose
// is_full() is false; mesh algorithms then fall back like for any other partial mesh.
MeshGeometry mesh_geometry_from(const topology::Machine& machine,
                                const topology::Placement& placement);

// A group of ranks (group rank k = ranks[k], world ranks of the placement), e.g. a
// sub-communicator: the same mapping over the group's bounding rectangle.
MeshGeometry mesh_geometry_from(const topology::Machine& machine,
                                const topology::Placement& placement, std::span<const int> ranks);

// The geometry mesh algorithms should use for one group of a grid placement (a tensor-parallel,
// pipeline or data-parallel group; member k = ranks[k]): the rectangle of mesh_geometry_from when
// the chips fill one; when they form a strided lattice (data-parallel replicas one block apart), a
// coarse cols x rows mesh whose every link is the multi-hop route between lattice neighbours,
// priced as the slower of the x and y routes (latency: the route's sum; bandwidth: its slowest
// link) and treated as one tile; else the partial geometry of mesh_geometry_from. The coarse mesh
// does not model the links its routes share with other groups.
MeshGeometry group_mesh_geometry(const topology::Machine& machine,
                                 const topology::Placement& placement, std::span<const int> ranks);

}  // namespace dojo::collectives
