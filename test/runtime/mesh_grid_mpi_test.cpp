// The process grid built from a mesh placement: each axis communicator holds exactly the plan's
// group, in the plan's order, for every layout of the job's ranks; the default grid is unchanged.
#include <gtest/gtest.h>

#include <vector>

#include "dojo/runtime/mesh_grid.hpp"
#include "dojo_test_support.hpp"

using namespace dojo::runtime;

namespace {

std::vector<int> world_ranks_of(const dojo::mpi::Comm& comm, int world_rank) {
  std::vector<int> out(static_cast<std::size_t>(comm.size()));
  MPI_Allgather(&world_rank, 1, MPI_INT, out.data(), 1, MPI_INT, comm.get());
  return out;
}

}  // namespace

TEST(MeshProcessGrid, AxisCommunicatorsHoldThePlansGroups) {
  auto world = dojo::mpi::Comm::duplicate(dojo::test::world());
  const int p = world.size(), me = world.rank();
  const dojo::topology::Machine machine = machine_for_job(p);
  // One node: local rank = world rank, so the placement is snake order.
  const dojo::topology::Placement placement = job_placement(world, machine, 0, me, p);
  for (int dp = 1; dp <= p; ++dp)
    for (int tp = 1; tp <= p; ++tp) {
      if (p % (dp * tp) != 0) continue;
      const Layout layout{dp, tp, p / (dp * tp)};
      SCOPED_TRACE(to_string(layout));
      const MeshGridPlan plan(machine, placement, layout);
      const ProcessGrid grid = make_process_grid(world, plan);
      EXPECT_EQ(grid.coord(), plan.order()->coord_of(layout, me));
      for (Axis a : {Axis::dp, Axis::tp, Axis::pp})
        EXPECT_EQ(world_ranks_of(grid.axis(a), me), plan.group(a, grid.coord()));
    }
}
