// The process grid placed on the Dojo mesh, for the trainer: where the job's ranks sit (Slurm's
// node order, else snake order), which grid point each takes (topology's mesh_grid_placement:
// tensor-parallel groups in tile rows, pipeline stages on neighbouring chips, data-parallel
// replicas on a lattice), the ProcessGrid built with that order, and the MeshGeometry of every
// axis group for the collectives' mesh algorithms. ProcessGrid's default order is unchanged.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "dojo/collectives/geometry.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/runtime/process_grid.hpp"
#include "dojo/topology/grid_placement.hpp"
#include "dojo/topology/machine.hpp"
#include "dojo/topology/placement.hpp"

namespace dojo::runtime {

class Runtime;

topology::GridShape grid_shape(const Layout& layout);
topology::GridAxis grid_axis(Axis axis);

// Whole 5 x 5 tiles enough for `chips` chips, as square as a row-major tile grid allows: 1 tile,
// 2 x 1, 3 x 1, 2 x 2, 3 x 2, 3 x 3, 4 x 3, ... (tiles_y = floor(sqrt(tiles))).
topology::Machine machine_for_job(int chips);

// Collective over `world`: rank r of `world` is the task (node, local_rank); node n's ranks take
// snake positions n * ranks_per_node + local_rank (Placement::from_slurm). ranks_per_node: the
// largest count on any node.
topology::Placement job_placement(const mpi::Comm& world, const topology::Machine& machine,
                                  int node, int local_rank, int ranks_per_node);
// The same with the runtime's node index, local rank and largest ranks per node.
topology::Placement job_placement(const Runtime& runtime, const topology::Machine& machine);

// A grid placed on a machine. Plain data: the same on every rank, no MPI.
class MeshGridPlan {
 public:
  // user_error when the layout's product differs from the placement's rank count.
  MeshGridPlan(topology::Machine machine, topology::Placement placement, Layout layout);

  const Layout& layout() const noexcept { return layout_; }
  const topology::Machine& machine() const noexcept { return machine_; }
  const topology::Placement& placement() const noexcept { return placement_; }
  const topology::GridPlacement& grid() const noexcept { return grid_; }
  // The RankOrder for ProcessGrid (a MeshGridOrder holding the grid's table).
  std::shared_ptr<const RankOrder> order() const { return order_; }

  // World ranks of the `axis` group through `through`, in the axis communicator's rank order.
  std::vector<int> group(Axis axis, const GridCoord& through) const;
  // Its geometry for the mesh algorithms (collectives::group_mesh_geometry): a rectangle for a
  // tensor-parallel row, a coarse mesh for a data-parallel lattice, a partial mesh otherwise.
  collectives::MeshGeometry geometry(Axis axis, const GridCoord& through) const;

  topology::GridHopSummary hops() const;          // this placement's hop summary
  topology::GridHopSummary default_hops() const;  // AxisMajorOrder's on the same chips

 private:
  Layout layout_;
  topology::Machine machine_;
  topology::Placement placement_;
  topology::GridPlacement grid_;
  std::shared_ptr<const RankOrder> order_;
};

// Collective: the trainer's path. The machine is `machine`, else machine_for_job(chips the job's
// nodes need); the placement is job_placement(runtime, machine).
MeshGridPlan plan_mesh_grid(const Runtime& runtime, Layout layout,
                            std::optional<topology::Machine> machine = std::nullopt);

// Collective over `world` (the plan's ranks): the ProcessGrid with the plan's order. Its axis(a)
// communicator's ranks are plan.group(a, grid.coord()) in order.
ProcessGrid make_process_grid(const mpi::Comm& world, const MeshGridPlan& plan);

}  // namespace dojo::runtime
