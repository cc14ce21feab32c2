// Builds a MeshGeometry from a topology::Placement via topology::sub_geometry, so the rectangle
// rules (bounding box, holes, dead chips) are the topology library's.
#include "dojo/collectives/topology_geometry.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <vector>

#include "dojo/topology/group_lattice.hpp"
#include "dojo/topology/mesh_routes.hpp"
#include "dojo/topology/sub_geometry.hpp"

namespace dojo::collectives {
namespace {

LinkCost link_cost(const topology::LinkParams& link) {
  return {link.latency_s, 1.0 / link.bandwidth_Bps};  // Machine validates bandwidth > 0
}

// The cost of the route between two chips seen as one link: latencies add up, the slowest link
// sets the bandwidth.
LinkCost route_as_link(const topology::Machine& machine, topology::Chip from, topology::Chip to) {
  LinkCost cost{0.0, 0.0};
  for (const topology::Link& link : topology::route(machine, from, to)) {
    const topology::LinkParams& params = machine.link_params(link.from, link.to);
    cost.latency_s += params.latency_s;
    cost.seconds_per_byte = std::max(cost.seconds_per_byte, 1.0 / params.bandwidth_Bps);
  }
  return cost;
}

LinkCost slower_link(LinkCost a, LinkCost b) {
  return {std::max(a.latency_s, b.latency_s), std::max(a.seconds_per_byte, b.seconds_per_byte)};
}

}  // namespace

MeshGeometry mesh_geometry_from(const topology::Machine& machine,
                                const topology::Placement& placement) {
  std::vector<int> all_ranks(static_cast<std::size_t>(placement.num_ranks()));
  std::iota(all_ranks.begin(), all_ranks.end(), 0);
  return mesh_geometry_from(machine, placement, all_ranks);
}

MeshGeometry mesh_geometry_from(const topology::Machine& machine,
                                const topology::Placement& placement, std::span<const int> ranks) {
  const topology::SubGeometry group = topology::sub_geometry(machine, placement, ranks);
  const topology::MachineSpec& spec = machine.spec();
  MeshGeometry g;
  g.columns = group.cols;
  g.rows = group.rows;
  g.origin_x = group.origin.gx;
  g.origin_y = group.origin.gy;
  g.tile_columns = spec.chips_x;
  g.tile_rows = spec.chips_y;
  g.x.clear();
  g.y.clear();
  for (const topology::Chip& chip : group.member_chips) {
    g.x.push_back(chip.gx - group.origin.gx);
    g.y.push_back(chip.gy - group.origin.gy);
  }
  g.intra_tile = link_cost(spec.intra_tile);
  g.tile_edge = link_cost(spec.tile_edge);
  // reduce_seconds_per_byte keeps its default: the machine model gives FLOP/s, not combine B/s.
  return g;
}

MeshGeometry group_mesh_geometry(const topology::Machine& machine,
                                 const topology::Placement& placement, std::span<const int> ranks) {
  const std::optional<topology::GroupLattice> lattice = topology::group_lattice(placement, ranks);
  if (!lattice || lattice->is_rectangle()) return mesh_geometry_from(machine, placement, ranks);
  MeshGeometry g;
  g.columns = lattice->cols;
  g.rows = lattice->rows;
  g.origin_x = 0;
  g.origin_y = 0;
  g.tile_columns = lattice->cols;  // one tile: every coarse link is priced the same
  g.tile_rows = lattice->rows;
  g.x = lattice->col_of;
  g.y = lattice->row_of;
  const topology::Chip origin = lattice->origin;
  LinkCost link{0.0, 0.0};
  if (lattice->cols > 1)
    link = slower_link(link,
                       route_as_link(machine, origin, {origin.gx + lattice->stride_x, origin.gy}));
  if (lattice->rows > 1)
    link = slower_link(link,
                       route_as_link(machine, origin, {origin.gx, origin.gy + lattice->stride_y}));
  g.intra_tile = link;
  g.tile_edge = link;
  return g;
}

}  // namespace dojo::collectives
