// The process grid on the mesh: machine sizing, the job's placement from its node layout, the
// grid placement and the geometry of its groups.
#include "dojo/runtime/mesh_grid.hpp"

#include <cmath>

#include "dojo/collectives/topology_geometry.hpp"
#include "dojo/common/error.hpp"
#include "dojo/runtime/runtime.hpp"

namespace dojo::runtime {
namespace {

std::vector<GridCoord> coords_of(const topology::GridPlacement& grid) {
  std::vector<GridCoord> coords;
  for (int rank = 0; rank < grid.num_ranks(); ++rank) {
    const topology::GridPoint& point = grid.point_of(rank);
    coords.push_back({point.dp, point.tp, point.pp});
  }
  return coords;
}

}  // namespace

topology::GridShape grid_shape(const Layout& layout) {
  return {layout.dp, layout.tp, layout.pp};
}

topology::GridAxis grid_axis(Axis axis) {
  return axis == Axis::dp   ? topology::GridAxis::dp
         : axis == Axis::tp ? topology::GridAxis::tp
                            : topology::GridAxis::pp;
}

topology::Machine machine_for_job(int chips) {
  if (chips < 1) user_error(str("a machine for ", chips, " chips: give at least one rank"));
  const topology::MachineSpec tile;  // 5 x 5 chips, the published link figures
  const int chips_per_tile = tile.chips_x * tile.chips_y;
  const int tiles = (chips + chips_per_tile - 1) / chips_per_tile;
  topology::MachineSpec spec = tile;
  spec.name = "sized to the job";
  spec.tiles_y = std::max(1, static_cast<int>(std::sqrt(static_cast<double>(tiles))));
  spec.tiles_x = (tiles + spec.tiles_y - 1) / spec.tiles_y;
  return topology::Machine(spec);
}

topology::Placement job_placement(const mpi::Comm& world, const topology::Machine& machine,
                                  int node, int local_rank, int ranks_per_node) {
  const int mine[2] = {node, local_rank};
  std::vector<int> all(static_cast<std::size_t>(2 * world.size()));
  DOJO_CHECK_MPI(MPI_Allgather(mine, 2, MPI_INT, all.data(), 2, MPI_INT, world.get()));
  std::vector<topology::NodeSlot> slots;
  for (int r = 0; r < world.size(); ++r)
    slots.push_back(
        {all[static_cast<std::size_t>(2 * r)], all[static_cast<std::size_t>(2 * r + 1)]});
  return topology::Placement::from_slurm(machine, slots, ranks_per_node);
}

topology::Placement job_placement(const Runtime& runtime, const topology::Machine& machine) {
  return job_placement(runtime.world(), machine, runtime.node_index(), runtime.local_rank(),
                       runtime.max_ranks_per_node());
}

MeshGridPlan::MeshGridPlan(topology::Machine machine, topology::Placement placement, Layout layout)
    : layout_(layout),
      machine_(std::move(machine)),
      placement_(std::move(placement)),
      grid_(topology::mesh_grid_placement(machine_, placement_, grid_shape(layout))),
      order_(std::make_shared<MeshGridOrder>(layout, coords_of(grid_), grid_.strategy())) {}

std::vector<int> MeshGridPlan::group(Axis axis, const GridCoord& through) const {
  return grid_.group(grid_axis(axis), {through.dp, through.tp, through.pp});
}

collectives::MeshGeometry MeshGridPlan::geometry(Axis axis, const GridCoord& through) const {
  const std::vector<int> ranks = group(axis, through);
  return collectives::group_mesh_geometry(machine_, placement_, ranks);
}

topology::GridHopSummary MeshGridPlan::hops() const {
  return topology::grid_hop_summary(machine_, placement_, grid_);
}

topology::GridHopSummary MeshGridPlan::default_hops() const {
  return topology::grid_hop_summary(machine_, placement_,
                                    topology::axis_major_grid(grid_shape(layout_)));
}

MeshGridPlan plan_mesh_grid(const Runtime& runtime, Layout layout,
                            std::optional<topology::Machine> machine) {
  if (layout.ranks() != runtime.size())
    user_error(str("layout ", to_string(layout), " needs ", layout.ranks(),
                   " ranks but the job has ", runtime.size(),
                   ": choose degrees whose product dp*tp*pp is ", runtime.size(), " or start ",
                   layout.ranks(), " ranks"));
  topology::Machine chosen =
      machine ? std::move(*machine)
              : machine_for_job(runtime.node_count() * runtime.max_ranks_per_node());
  topology::Placement placement = job_placement(runtime, chosen);
  return MeshGridPlan(std::move(chosen), std::move(placement), layout);
}

ProcessGrid make_process_grid(const mpi::Comm& world, const MeshGridPlan& plan) {
  return ProcessGrid(world, plan.layout(), plan.order());
}

}  // namespace dojo::runtime
