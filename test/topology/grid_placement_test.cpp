// Grid placement: every rank gets one grid point; tensor-parallel neighbours one hop apart and
// consecutive pipeline stages adjacent where the layout fits; data-parallel groups form lattices;
// the hop summary never loses to the default order, and wins on the layouts that fit.
#include "dojo/topology/grid_placement.hpp"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "dojo/topology/group_lattice.hpp"
#include "dojo/topology/mesh_routes.hpp"
#include "dojo/topology/presets.hpp"
#include "topology_test_support.hpp"

namespace dojo::topology {
namespace {

using testing::user_error_message;

Machine tiles(int tiles_x, int tiles_y) {
  MachineSpec spec;
  spec.tiles_x = tiles_x;
  spec.tiles_y = tiles_y;
  return Machine(spec);
}

struct Case {
  int tiles_x, tiles_y;
  GridShape shape;
};

std::string name_of(const Case& c) {
  return str(c.tiles_x, "x", c.tiles_y, "_tiles_dp", c.shape.dp, "_tp", c.shape.tp, "_pp",
             c.shape.pp);
}

// Layouts on one tile and on 2 x 2 tiles, neat ones and awkward ones (primes, tp not dividing a
// tile row, fewer ranks than chips).
const Case kCases[] = {
    {1, 1, {1, 5, 5}},  {1, 1, {5, 5, 1}},  {1, 1, {5, 1, 5}},  {1, 1, {25, 1, 1}},
    {1, 1, {1, 1, 25}}, {1, 1, {1, 25, 1}}, {1, 1, {1, 5, 1}},  {1, 1, {2, 5, 1}},
    {1, 1, {3, 2, 4}},  {1, 1, {2, 2, 2}},  {1, 1, {7, 1, 1}},  {1, 1, {1, 5, 3}},
    {2, 2, {4, 5, 5}},  {2, 2, {5, 5, 4}},  {2, 2, {1, 5, 20}}, {2, 2, {20, 5, 1}},
    {2, 2, {2, 5, 10}}, {2, 2, {4, 25, 1}}, {2, 2, {2, 2, 25}}, {2, 2, {10, 10, 1}},
    {2, 2, {2, 5, 5}},  {2, 2, {3, 5, 5}},  {2, 2, {1, 4, 25}}, {2, 2, {6, 2, 8}},
};

class GridPlacementOnLayouts : public ::testing::TestWithParam<Case> {};

TEST_P(GridPlacementOnLayouts, EveryRankGetsOnePointAndEveryPointOneRank) {
  const Case c = GetParam();
  const Machine machine = tiles(c.tiles_x, c.tiles_y);
  const Placement placement = Placement::snake(machine, c.shape.size());
  const GridPlacement grid = mesh_grid_placement(machine, placement, c.shape);
  std::set<std::tuple<int, int, int>> seen;
  for (int rank = 0; rank < grid.num_ranks(); ++rank) {
    const GridPoint point = grid.point_of(rank);
    EXPECT_TRUE(seen.insert({point.dp, point.tp, point.pp}).second) << "rank " << rank;
    EXPECT_EQ(grid.rank_of(point), rank);
  }
  EXPECT_EQ(static_cast<int>(seen.size()), c.shape.size());
}

TEST_P(GridPlacementOnLayouts, NeverWorseThanTheDefaultOrder) {
  const Case c = GetParam();
  const Machine machine = tiles(c.tiles_x, c.tiles_y);
  const Placement placement = Placement::snake(machine, c.shape.size());
  const GridHopSummary mesh =
      grid_hop_summary(machine, placement, mesh_grid_placement(machine, placement, c.shape));
  const GridHopSummary fallback = grid_hop_summary(machine, placement, axis_major_grid(c.shape));
  EXPECT_TRUE(at_least_as_good(mesh, fallback));
  // The two axes with per-layer traffic never get worse.
  EXPECT_LE(mesh.tp.mean, fallback.tp.mean + 1e-12);
  EXPECT_LE(mesh.pp.mean, fallback.pp.mean + 1e-12)
      << "tp " << mesh.tp.mean << " vs " << fallback.tp.mean;
}

TEST_P(GridPlacementOnLayouts, TensorParallelNeighboursAreOneHopApartWhenTheGroupFitsARow) {
  const Case c = GetParam();
  if (c.shape.tp > 5) GTEST_SKIP() << "tp > 5 does not fit one tile row";
  const Machine machine = tiles(c.tiles_x, c.tiles_y);
  const Placement placement = Placement::snake(machine, c.shape.size());
  const GridPlacement grid = mesh_grid_placement(machine, placement, c.shape);
  for (const std::vector<int>& group : grid.groups(GridAxis::tp))
    for (std::size_t k = 0; k + 1 < group.size(); ++k)
      EXPECT_EQ(hop_distance(machine, placement.chip_of(group[k]), placement.chip_of(group[k + 1])),
                1)
          << grid.strategy();
}

INSTANTIATE_TEST_SUITE_P(Layouts, GridPlacementOnLayouts, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return name_of(info.param); });

// Layouts that fit: tp in a tile row, pp stages one hop apart, dp groups a full lattice.
TEST(GridPlacement, NeatLayoutsPutStagesOnNeighbouringChipsAndReplicasOnALattice) {
  const Case neat[] = {{1, 1, {1, 5, 5}},  {2, 2, {4, 5, 5}}, {2, 2, {1, 5, 20}},
                       {2, 2, {2, 5, 10}}, {1, 1, {5, 5, 1}}, {2, 2, {20, 5, 1}}};
  for (const Case& c : neat) {
    SCOPED_TRACE(name_of(c));
    const Machine machine = tiles(c.tiles_x, c.tiles_y);
    const Placement placement = Placement::snake(machine, c.shape.size());
    const GridPlacement grid = mesh_grid_placement(machine, placement, c.shape);
    const GridHopSummary hops = grid_hop_summary(machine, placement, grid);
    SCOPED_TRACE(grid.strategy());
    EXPECT_DOUBLE_EQ(hops.tp.mean, 1.0);
    EXPECT_EQ(hops.tp.max, 1);
    for (const std::vector<int>& group : grid.groups(GridAxis::tp)) {
      std::set<int> rows, tiles_of_group;
      for (int rank : group) {
        rows.insert(placement.chip_of(rank).gy);
        tiles_of_group.insert(machine.tile_of(placement.chip_of(rank)));
      }
      EXPECT_EQ(rows.size(), 1u) << "a tp group is one row";
      EXPECT_EQ(tiles_of_group.size(), 1u) << "of one tile";
    }
    // pp = 20 on a 10-row mesh turns once from one column of groups to the next; every other
    // stage change is one hop.
    if (c.shape.pp <= 10) {
      EXPECT_EQ(hops.pp.max, c.shape.pp > 1 ? 1 : 0);
    }
    for (const std::vector<int>& group : grid.groups(GridAxis::dp)) {
      const std::optional<GroupLattice> lattice = group_lattice(placement, group);
      ASSERT_TRUE(lattice.has_value());
      EXPECT_EQ(lattice->cols * lattice->rows, c.shape.dp);
    }
  }
}

// (5,5,4) on 2 x 2 tiles does not fit neatly: 4 stages do not divide a column of 10 tensor groups,
// so each chain is a 2 x 2 block of groups with one sideways step across a tile edge.
TEST(GridPlacement, FourStagesOnTenRowsTakeOneSidewaysStep) {
  const Machine machine = tiles(2, 2);
  const Placement placement = Placement::snake(machine, 100);
  const GridPlacement grid = mesh_grid_placement(machine, placement, {5, 5, 4});
  const GridHopSummary hops = grid_hop_summary(machine, placement, grid);
  EXPECT_DOUBLE_EQ(hops.tp.mean, 1.0);
  EXPECT_NEAR(hops.pp.mean, (1 + 5 + 1) / 3.0, 1e-12);
  EXPECT_LT(hops.pp.mean, grid_hop_summary(machine, placement, axis_major_grid({5, 5, 4})).pp.mean);
  for (const std::vector<int>& group : grid.groups(GridAxis::dp))
    EXPECT_TRUE(group_lattice(placement, group).has_value());
}

TEST(GridPlacement, OneTileOneReplicaIsRowsOfTensorGroupsStackedByStage) {
  const Machine machine = preset_machine("tile");
  const Placement placement = Placement::snake(machine, 25);
  const GridPlacement grid = mesh_grid_placement(machine, placement, {1, 5, 5});
  for (int rank = 0; rank < 25; ++rank) {
    const Chip chip = placement.chip_of(rank);
    const GridPoint point = grid.point_of(rank);
    EXPECT_EQ(chip.gy, point.pp) << "stage p is row p";
    EXPECT_EQ(chip.gx, point.tp) << "tp member t is column t";
  }
  const GridHopSummary hops = grid_hop_summary(machine, placement, grid);
  EXPECT_DOUBLE_EQ(hops.pp.mean, 1.0);
  const GridHopSummary fallback = grid_hop_summary(machine, placement, axis_major_grid({1, 5, 5}));
  EXPECT_GT(fallback.pp.mean, hops.pp.mean) << "the snake reverses every other row";
}

TEST(GridPlacement, FourReplicasOnFourTilesFormATwoByTwoLatticeFiveChipsApart) {
  const Machine machine = tiles(2, 2);
  const Placement placement = Placement::snake(machine, 100);
  const GridPlacement grid = mesh_grid_placement(machine, placement, {4, 5, 5});
  for (const std::vector<int>& group : grid.groups(GridAxis::dp)) {
    const std::optional<GroupLattice> lattice = group_lattice(placement, group);
    ASSERT_TRUE(lattice.has_value());
    EXPECT_EQ(lattice->cols, 2);
    EXPECT_EQ(lattice->rows, 2);
    EXPECT_EQ(lattice->stride_x, 5);
    EXPECT_EQ(lattice->stride_y, 5);
  }
}

TEST(GridPlacement, SlurmPlacementWithGapsStillGetsABijection) {
  // Three nodes of 10 slots, the last one running 5 ranks: positions 0-24, a gap, nothing after.
  const Machine machine = tiles(2, 1);
  std::vector<NodeSlot> slots;
  for (int node = 0; node < 3; ++node)
    for (int local = 0; local < (node < 2 ? 10 : 5); ++local) slots.push_back({node, local});
  const Placement placement = Placement::from_slurm(machine, slots, 10);
  const GridPlacement grid = mesh_grid_placement(machine, placement, {1, 5, 5});
  const GridHopSummary mesh = grid_hop_summary(machine, placement, grid);
  const GridHopSummary fallback = grid_hop_summary(machine, placement, axis_major_grid({1, 5, 5}));
  EXPECT_TRUE(at_least_as_good(mesh, fallback));
}

TEST(GridPlacement, DeadChipsFallBackToTheDefaultOrder) {
  MachineSpec spec;
  spec.dead = {{2, 2}};
  const Machine machine(spec);
  const Placement placement = Placement::snake(machine, 24);
  const GridPlacement grid = mesh_grid_placement(machine, placement, {2, 3, 4});
  EXPECT_TRUE(at_least_as_good(grid_hop_summary(machine, placement, grid),
                               grid_hop_summary(machine, placement, axis_major_grid({2, 3, 4}))));
}

TEST(GridPlacement, AWrongProductIsAUserErrorNamingTheFix) {
  const Machine machine = preset_machine("tile");
  const Placement placement = Placement::snake(machine, 24);
  const std::string message = user_error_message([&] {
    mesh_grid_placement(machine, placement, {5, 5, 1});
  });
  EXPECT_NE(message.find("needs 25 ranks but 24"), std::string::npos) << message;
}

TEST(GridPlacement, AxisMajorGridIsMegatronOrder) {
  const GridPlacement grid = axis_major_grid({2, 3, 4});
  EXPECT_EQ(grid.rank_of({1, 2, 3}), 2 + 3 * (1 + 2 * 3));
  EXPECT_EQ(grid.group(GridAxis::dp, {0, 1, 2}), (std::vector<int>{13, 16}));
  EXPECT_EQ(grid.groups(GridAxis::tp).size(), 8u);
}

TEST(GroupLattice, RecognisesRectanglesLatticesAndRejectsHoles) {
  const Machine machine = tiles(2, 2);
  std::vector<Chip> chips;
  for (int gy = 0; gy < 10; ++gy)
    for (int gx = 0; gx < 10; ++gx) chips.push_back({gx, gy});
  const Placement placement = Placement::from_chips(machine, chips);  // rank = gy * 10 + gx
  const std::vector<int> strided = {0, 5, 55, 50};
  const std::optional<GroupLattice> lattice = group_lattice(placement, strided);
  ASSERT_TRUE(lattice.has_value());
  EXPECT_EQ(lattice->stride_x, 5);
  EXPECT_EQ(lattice->row_of, (std::vector<int>{0, 0, 1, 1}));
  EXPECT_EQ(lattice->col_of, (std::vector<int>{0, 1, 1, 0}));
  const std::vector<int> rectangle = {0, 1, 10, 11};
  EXPECT_TRUE(group_lattice(placement, rectangle)->is_rectangle());
  const std::vector<int> uneven = {0, 1, 3};
  EXPECT_FALSE(group_lattice(placement, uneven).has_value());
  const std::vector<int> holey = {0, 5, 55};
  EXPECT_FALSE(group_lattice(placement, holey).has_value());
}

}  // namespace
}  // namespace dojo::topology
