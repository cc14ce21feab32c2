// Snake order: every live chip once, neighbours inside tiles, tiles in snake order, and as few
// jumps between tiles as the tile shapes allow.
#include "dojo/topology/snake_order.hpp"

#include <gtest/gtest.h>

#include <set>

#include "dojo/topology/presets.hpp"
#include "topology_test_support.hpp"

namespace dojo::topology {
namespace {

int count_jumps(const Machine& machine, const std::vector<Chip>& order) {
  int jumps = 0;
  for (std::size_t i = 1; i < order.size(); ++i)
    if (!machine.adjacent(order[i - 1], order[i])) ++jumps;
  return jumps;
}

void expect_visits_every_live_chip_once(const Machine& machine, const std::vector<Chip>& order) {
  std::set<Chip> seen(order.begin(), order.end());
  EXPECT_EQ(seen.size(), order.size()) << "a chip visited twice";
  EXPECT_EQ(static_cast<int>(order.size()), machine.num_live_chips());
  for (Chip chip : order) EXPECT_TRUE(machine.is_live(chip)) << chip;
}

TEST(TopologySnakeOrder, OneTileIsARowSnakeFromTheOrigin) {
  Machine machine;
  std::vector<Chip> order = snake_order(machine);
  ASSERT_EQ(order.size(), 25u);
  std::vector<Chip> first_rows(order.begin(), order.begin() + 10);
  EXPECT_EQ(first_rows,
            (std::vector<Chip>{
                {0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {4, 1}, {3, 1}, {2, 1}, {1, 1}, {0, 1}}));
  EXPECT_EQ(order.back(), (Chip{4, 4}));
  EXPECT_EQ(count_jumps(machine, order), 0);
  EXPECT_EQ(tile_snake_order(machine, 0), order);
}

class TopologySnakeOrderPresets : public ::testing::TestWithParam<const char*> {};

TEST_P(TopologySnakeOrderPresets, EveryChipOnceAndNeighboursInsideTiles) {
  Machine machine(preset_spec(GetParam()));
  std::vector<Chip> order = snake_order(machine);
  expect_visits_every_live_chip_once(machine, order);
  for (std::size_t i = 1; i < order.size(); ++i)
    if (machine.tile_of(order[i - 1]) == machine.tile_of(order[i])) {
      EXPECT_TRUE(machine.adjacent(order[i - 1], order[i])) << order[i - 1] << " " << order[i];
    }
  // Tiles are filled one after another in the tiles' snake order.
  std::vector<int> tiles;
  for (Chip chip : order)
    if (tiles.empty() || tiles.back() != machine.tile_of(chip))
      tiles.push_back(machine.tile_of(chip));
  EXPECT_EQ(tiles, snake_tile_order(machine));
  for (int tile = 0; tile < machine.num_tiles(); ++tile) {
    std::vector<Chip> chips = tile_snake_order(machine, tile);
    EXPECT_EQ(chips.size(), 25u);
    EXPECT_EQ(count_jumps(machine, chips), 0) << "tile " << tile;
  }
}

INSTANTIATE_TEST_SUITE_P(All, TopologySnakeOrderPresets,
                         ::testing::Values("tile", "tray", "cabinet", "exapod"));

TEST(TopologySnakeOrder, TileOrderIsASnakeOverTheTileGrid) {
  EXPECT_EQ(snake_tile_order(preset_machine("tray")), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(snake_tile_order(preset_machine("cabinet")),
            (std::vector<int>{0, 1, 2, 3, 4, 5, 11, 10, 9, 8, 7, 6}));
}

TEST(TopologySnakeOrder, TileChangesAreOneHopWhereTheShapesAllow) {
  // A row of tiles and two rows of six can be walked without a jump.
  EXPECT_EQ(count_jumps(preset_machine("tray"), snake_order(preset_machine("tray"))), 0);
  Machine cabinet = preset_machine("cabinet");
  EXPECT_EQ(count_jumps(cabinet, snake_order(cabinet)), 0);
  // 5 x 5 tiles enter and leave at opposite corners: with 12 tiles per row a walk leaves a row on
  // the side it entered, so every second row change jumps: 4 jumps over 10 rows.
  Machine exapod = preset_machine("exapod");
  std::vector<Chip> order = snake_order(exapod);
  EXPECT_EQ(count_jumps(exapod, order), 4);
  for (std::size_t i = 1; i < order.size(); ++i)
    if (!exapod.adjacent(order[i - 1], order[i])) {
      EXPECT_NE(order[i - 1].gy / 5, order[i].gy / 5) << "jumps only between tile rows";
    }
}

TEST(TopologySnakeOrder, SkipsDeadChips) {
  MachineSpec spec = preset_spec("tray");
  spec.dead = {{0, 0}, {7, 2}, {29, 4}};
  Machine machine(spec);
  std::vector<Chip> order = snake_order(machine);
  expect_visits_every_live_chip_once(machine, order);
  EXPECT_EQ(order.size(), 147u);
  EXPECT_EQ(tile_snake_order(machine, 1).size(), 24u);
}

TEST(TopologySnakeOrder, UnknownTileIsAnError) {
  EXPECT_NE(testing::user_error_message([] { tile_snake_order(Machine{}, 1); }).find("tile 1"),
            std::string::npos);
}

}  // namespace
}  // namespace dojo::topology
