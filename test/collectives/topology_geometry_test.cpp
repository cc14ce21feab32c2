// mesh_geometry_from: a topology::Placement seen as a collectives::MeshGeometry, checked against
// the placement's chips and the machine's tile size and link classes.
#include <gtest/gtest.h>

#include <vector>

#include "dojo/collectives/topology_geometry.hpp"
#include "dojo/topology/presets.hpp"

namespace dojo::collectives {
namespace {

// Every rank's (x, y) is its chip, tiles are the machine's, links cost what the machine says.
void expect_matches(const topology::Machine& machine, const topology::Placement& placement,
                    const MeshGeometry& g) {
  ASSERT_EQ(g.size(), placement.num_ranks());
  for (int r = 0; r < g.size(); ++r) {
    EXPECT_EQ(g.origin_x + g.x[r], placement.chip_of(r).gx) << "rank " << r;
    EXPECT_EQ(g.origin_y + g.y[r], placement.chip_of(r).gy) << "rank " << r;
  }
  const auto& spec = machine.spec();
  EXPECT_EQ(g.tile_columns, spec.chips_x);
  EXPECT_EQ(g.tile_rows, spec.chips_y);
  EXPECT_DOUBLE_EQ(g.intra_tile.latency_s, spec.intra_tile.latency_s);
  EXPECT_DOUBLE_EQ(1.0 / g.intra_tile.seconds_per_byte, spec.intra_tile.bandwidth_Bps);
  EXPECT_DOUBLE_EQ(g.tile_edge.latency_s, spec.tile_edge.latency_s);
  EXPECT_DOUBLE_EQ(1.0 / g.tile_edge.seconds_per_byte, spec.tile_edge.bandwidth_Bps);
  EXPECT_EQ(g.validate(), "");
}

TEST(CollectivesTopologyGeometry, TilePresetSnakeIsAFullFiveByFiveTile) {
  const topology::Machine machine = topology::preset_machine("tile");
  const auto placement = topology::Placement::snake(machine, 25);
  const MeshGeometry g = mesh_geometry_from(machine, placement);
  expect_matches(machine, placement, g);
  EXPECT_EQ(g.columns, 5);
  EXPECT_EQ(g.rows, 5);
  EXPECT_EQ(g.origin_x, 0);
  EXPECT_EQ(g.origin_y, 0);
  EXPECT_EQ(g.tile_columns, 5);
  EXPECT_EQ(g.tile_rows, 5);
  for (int r = 0; r < 25; ++r) {
    EXPECT_EQ(g.x[r], placement.chip_of(r).gx);
    EXPECT_EQ(g.y[r], placement.chip_of(r).gy);
  }
  EXPECT_TRUE(g.is_full());
  EXPECT_EQ(g.tile_shape(), (std::pair{5, 5}));
  // Inside one tile every route uses intra-tile links only.
  EXPECT_DOUBLE_EQ(g.row_link().seconds_per_byte, 1.0 / 4e12);
}

TEST(CollectivesTopologyGeometry, TwoByTwoTilesCrossTileEdges) {
  topology::MachineSpec spec;
  spec.tiles_x = 2;
  spec.tiles_y = 2;
  spec.tile_edge = {1.2e12, 3e-6};  // not the default, so a mix-up of classes shows
  const topology::Machine machine(spec);
  const auto placement = topology::Placement::snake(machine, 100);
  const MeshGeometry g = mesh_geometry_from(machine, placement);
  expect_matches(machine, placement, g);
  EXPECT_EQ(g.columns, 10);
  EXPECT_EQ(g.rows, 10);
  for (int r = 0; r < 100; ++r) {
    EXPECT_EQ(g.x[r], placement.chip_of(r).gx);
    EXPECT_EQ(g.y[r], placement.chip_of(r).gy);
  }
  EXPECT_TRUE(g.is_full());
  EXPECT_EQ(g.tile_shape(), (std::pair{5, 5}));
  // A row of 10 chips crosses the tile edge between gx = 4 and gx = 5.
  EXPECT_DOUBLE_EQ(g.row_link().latency_s, 3e-6);
  const int west = g.rank_at(4, 0), east = g.rank_at(5, 0);
  ASSERT_GE(west, 0);
  ASSERT_GE(east, 0);
  EXPECT_DOUBLE_EQ(g.route_latency(west, east), 3e-6);
  EXPECT_DOUBLE_EQ(g.route_latency(g.rank_at(3, 0), west), spec.intra_tile.latency_s);
}

TEST(CollectivesTopologyGeometry, PartialPlacementIsNotFull) {
  const topology::Machine machine = topology::preset_machine("tile");
  const auto placement = topology::Placement::snake(machine, 7);
  const MeshGeometry g = mesh_geometry_from(machine, placement);
  expect_matches(machine, placement, g);
  EXPECT_EQ(g.columns, 5);  // bounding box of row 0 and two chips of row 1
  EXPECT_EQ(g.rows, 2);
  EXPECT_FALSE(g.is_full());
  EXPECT_EQ(g.tile_shape(), std::nullopt);
}

TEST(CollectivesTopologyGeometry, SubsetIsRelativeToItsRectangle) {
  topology::MachineSpec spec;
  spec.tiles_x = 2;
  const topology::Machine machine(spec);
  const auto placement = topology::Placement::snake(machine, 50);
  // The 2 x 2 block at chips (4..5, 1..2): straddles the tile edge at gx = 4|5.
  std::vector<int> ranks;
  for (topology::Chip chip : {topology::Chip{4, 1}, {5, 1}, {4, 2}, {5, 2}})
    ranks.push_back(*placement.rank_at(chip));
  const MeshGeometry g = mesh_geometry_from(machine, placement, ranks);
  EXPECT_EQ(g.columns, 2);
  EXPECT_EQ(g.rows, 2);
  EXPECT_EQ(g.origin_x, 4);
  EXPECT_EQ(g.origin_y, 1);
  EXPECT_EQ(g.x, (std::vector<int>{0, 1, 0, 1}));
  EXPECT_EQ(g.y, (std::vector<int>{0, 0, 1, 1}));
  EXPECT_TRUE(g.is_full());
  EXPECT_EQ(g.tile_x(0), 0);
  EXPECT_EQ(g.tile_x(1), 1);
  EXPECT_DOUBLE_EQ(g.row_link().latency_s, spec.tile_edge.latency_s);
}

}  // namespace
}  // namespace dojo::collectives
