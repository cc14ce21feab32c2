// Builds a MeshGeometry from a topology::Placement via topology::sub_geometry, so the rectangle
// rules (bounding box, holes, dead chips) are the topology library's.
#include "dojo/collectives/topology_geometry.hpp"

#include <numeric>
#include <vector>

#include "dojo/topology/sub_geometry.hpp"

namespace dojo::collectives {
namespace {

LinkCost link_cost(const topology::LinkParams& link) {
  return {link.latency_s, 1.0 / link.bandwidth_Bps};  // Machine validates bandwidth > 0
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

}  // namespace dojo::collectives
