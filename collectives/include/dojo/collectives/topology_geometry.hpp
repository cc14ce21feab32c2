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

}  // namespace dojo::collectives
