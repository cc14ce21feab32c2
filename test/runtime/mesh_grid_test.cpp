// The process grid on the mesh without MPI: MeshGridOrder's table, machines sized to a job, and
// the geometry the plan gives each axis group (what the collectives' mesh algorithms read).
#include "dojo/runtime/mesh_grid.hpp"

#include <gtest/gtest.h>

#include "dojo/common/error.hpp"

using namespace dojo::runtime;
namespace topology = dojo::topology;

namespace {

MeshGridPlan snake_plan(int tiles_x, int tiles_y, Layout layout) {
  topology::MachineSpec spec;
  spec.tiles_x = tiles_x;
  spec.tiles_y = tiles_y;
  topology::Machine machine(spec);
  topology::Placement placement = topology::Placement::snake(machine, layout.ranks());
  return MeshGridPlan(std::move(machine), std::move(placement), layout);
}

}  // namespace

TEST(MeshGridOrder, IsTheBijectionOfItsTable) {
  const Layout layout{2, 2, 1};
  const MeshGridOrder order(layout, {{1, 0, 0}, {0, 0, 0}, {0, 1, 0}, {1, 1, 0}}, "test");
  EXPECT_EQ(order.name(), "mesh: test");
  for (int rank = 0; rank < 4; ++rank)
    EXPECT_EQ(order.rank_of(layout, order.coord_of(layout, rank)), rank);
  EXPECT_EQ(order.rank_of(layout, {0, 0, 0}), 1);
  EXPECT_THROW(MeshGridOrder(layout, {{0, 0, 0}, {0, 0, 0}, {0, 1, 0}, {1, 1, 0}}, "twice"),
               dojo::Error);
  EXPECT_THROW(order.coord_of({4, 1, 1}, 0), dojo::Error);
}

TEST(MachineForJob, WholeTilesAsSquareAsTheyCome) {
  auto shape = [](int chips) {
    const topology::Machine m = machine_for_job(chips);
    return std::pair{m.spec().tiles_x, m.spec().tiles_y};
  };
  EXPECT_EQ(shape(1), (std::pair{1, 1}));
  EXPECT_EQ(shape(25), (std::pair{1, 1}));
  EXPECT_EQ(shape(26), (std::pair{2, 1}));
  EXPECT_EQ(shape(100), (std::pair{2, 2}));
  EXPECT_EQ(shape(51), (std::pair{3, 1}));
  EXPECT_EQ(shape(101), (std::pair{3, 2}));
  EXPECT_EQ(shape(150), (std::pair{3, 2}));
  EXPECT_THROW(machine_for_job(0), dojo::Error);
}

TEST(MeshGridPlan, FourReplicasOnFourTilesGiveMeshShapedGroups) {
  const MeshGridPlan plan = snake_plan(2, 2, {4, 5, 5});
  const dojo::collectives::MeshGeometry tp = plan.geometry(Axis::tp, {1, 0, 2});
  EXPECT_TRUE(tp.is_full());
  EXPECT_EQ(tp.columns, 5);
  EXPECT_EQ(tp.rows, 1);
  const dojo::collectives::MeshGeometry pp = plan.geometry(Axis::pp, {3, 4, 0});
  EXPECT_TRUE(pp.is_full());
  EXPECT_EQ(pp.columns * pp.rows, 5);
  const dojo::collectives::MeshGeometry dp = plan.geometry(Axis::dp, {0, 2, 3});
  EXPECT_TRUE(dp.is_full()) << dp.validate();
  EXPECT_EQ(dp.columns, 2);
  EXPECT_EQ(dp.rows, 2);
  // A coarse link is a 5-hop route across one tile edge: 4 intra-tile hops and the tile edge.
  const topology::MachineSpec spec;
  EXPECT_NEAR(dp.intra_tile.latency_s, 4 * spec.intra_tile.latency_s + spec.tile_edge.latency_s,
              1e-15);
  EXPECT_DOUBLE_EQ(dp.intra_tile.seconds_per_byte, 1.0 / spec.tile_edge.bandwidth_Bps);
  EXPECT_EQ(dp.ring_order().size(), 4u);
  EXPECT_LE(plan.hops().pp.mean, plan.default_hops().pp.mean);
}

TEST(MeshGridPlan, GroupsFollowTheAxisCoordinate) {
  const MeshGridPlan plan = snake_plan(1, 1, {1, 5, 5});
  const std::vector<int> group = plan.group(Axis::tp, {0, 0, 3});
  for (int t = 0; t < 5; ++t)
    EXPECT_EQ(plan.order()->coord_of(plan.layout(), group[static_cast<std::size_t>(t)]),
              (GridCoord{0, t, 3}));
}

TEST(MeshGridPlan, AWrongProductIsAUserError) {
  topology::Machine machine;
  topology::Placement placement = topology::Placement::snake(machine, 24);
  try {
    MeshGridPlan(std::move(machine), std::move(placement), {5, 5, 1});
    ADD_FAILURE() << "no error";
  } catch (const dojo::Error& e) {
    EXPECT_EQ(e.kind(), dojo::ErrorKind::user);
  }
}
