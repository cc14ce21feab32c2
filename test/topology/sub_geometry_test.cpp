// Sub-geometry: rectangles among a group's chips and the order the group walks them.
#include "dojo/topology/sub_geometry.hpp"

#include <gtest/gtest.h>

#include "dojo/topology/presets.hpp"
#include "topology_test_support.hpp"

namespace dojo::topology {
namespace {

using testing::user_error_message;

// Ranks of a group given by chips, under the placement.
std::vector<int> ranks_on(const Placement& placement, const std::vector<Chip>& chips) {
  std::vector<int> ranks;
  for (Chip chip : chips) ranks.push_back(placement.rank_at(chip).value());
  return ranks;
}

TEST(TopologySubGeometry, WholeTileInSnakeOrderIsARowSnake) {
  Machine machine;
  Placement placement = Placement::snake(machine, 25);
  std::vector<int> all(25);
  for (int r = 0; r < 25; ++r) all[static_cast<std::size_t>(r)] = r;
  SubGeometry g = sub_geometry(machine, placement, all);
  EXPECT_TRUE(g.is_rectangle);
  EXPECT_EQ(g.cols, 5);
  EXPECT_EQ(g.rows, 5);
  EXPECT_EQ(g.origin, (Chip{0, 0}));
  EXPECT_EQ(g.order, RectangleOrder::row_snake);
  EXPECT_EQ(g.tiles_spanned, 1);
  EXPECT_EQ(g.member(4, 1), 5);  // rank 5 sits at the east end of row 1
  EXPECT_EQ(describe(g), "5 x 5 rectangle at (0,0), row-snake order, 1 tile");
}

TEST(TopologySubGeometry, RowsAndColumns) {
  Machine machine;
  Placement placement = Placement::snake(machine, 25);
  // Row 1 runs east to west in the snake: ranks 9..5 walk it west to east.
  SubGeometry row = sub_geometry(machine, placement, std::vector<int>{9, 8, 7, 6, 5});
  EXPECT_TRUE(row.is_rectangle);
  EXPECT_EQ(row.cols, 5);
  EXPECT_EQ(row.rows, 1);
  EXPECT_EQ(row.origin, (Chip{0, 1}));
  EXPECT_EQ(row.order, RectangleOrder::row_major);
  SubGeometry backwards = sub_geometry(machine, placement, std::vector<int>{5, 6, 7, 8, 9});
  EXPECT_TRUE(backwards.is_rectangle);
  EXPECT_EQ(backwards.order, RectangleOrder::other);
  SubGeometry column = sub_geometry(machine, placement,
                                    ranks_on(placement, {{2, 0}, {2, 1}, {2, 2}, {2, 3}, {2, 4}}));
  EXPECT_TRUE(column.is_rectangle);
  EXPECT_EQ(column.cols, 1);
  EXPECT_EQ(column.rows, 5);
  EXPECT_EQ(column.order, RectangleOrder::row_major);
}

TEST(TopologySubGeometry, ColumnOrders) {
  Machine machine;
  Placement placement = Placement::snake(machine, 25);
  // A 2 x 3 block at (1,1) walked down each column, then down-up.
  std::vector<Chip> column_major{{1, 1}, {1, 2}, {1, 3}, {2, 1}, {2, 2}, {2, 3}};
  std::vector<Chip> column_snake{{1, 1}, {1, 2}, {1, 3}, {2, 3}, {2, 2}, {2, 1}};
  std::vector<Chip> row_major{{1, 1}, {2, 1}, {1, 2}, {2, 2}, {1, 3}, {2, 3}};
  EXPECT_EQ(sub_geometry(machine, placement, ranks_on(placement, column_major)).order,
            RectangleOrder::column_major);
  EXPECT_EQ(sub_geometry(machine, placement, ranks_on(placement, column_snake)).order,
            RectangleOrder::column_snake);
  SubGeometry g = sub_geometry(machine, placement, ranks_on(placement, row_major));
  EXPECT_EQ(g.order, RectangleOrder::row_major);
  EXPECT_EQ(g.cols, 2);
  EXPECT_EQ(g.rows, 3);
  EXPECT_EQ(g.origin, (Chip{1, 1}));
  EXPECT_EQ(g.member_chips, row_major);
}

TEST(TopologySubGeometry, ShapesThatAreNotRectangles) {
  MachineSpec spec;
  spec.dead = {{1, 1}};
  Machine machine(spec);
  Placement placement = Placement::snake(machine, 24);
  // The ring of 8 chips around the dead (1,1): a 3 x 3 box with a hole.
  std::vector<Chip> ring{{0, 0}, {1, 0}, {2, 0}, {2, 1}, {2, 2}, {1, 2}, {0, 2}, {0, 1}};
  SubGeometry g = sub_geometry(machine, placement, ranks_on(placement, ring));
  EXPECT_FALSE(g.is_rectangle);
  EXPECT_EQ(g.cols, 3);
  EXPECT_EQ(g.rows, 3);
  EXPECT_EQ(g.member(1, 1), -1);
  EXPECT_EQ(g.member(2, 1), 3);
  EXPECT_EQ(describe(g), "8 chips, not a rectangle (box 3 x 3 at (0,0)), 1 tile");
  SubGeometry l_shape =
      sub_geometry(machine, placement, ranks_on(placement, {{3, 0}, {3, 1}, {4, 1}}));
  EXPECT_FALSE(l_shape.is_rectangle);
}

TEST(TopologySubGeometry, RowAcrossTiles) {
  Machine machine = preset_machine("tray");
  Placement placement = Placement::snake(machine, 150);
  std::vector<Chip> row;
  for (int gx = 0; gx < 30; ++gx) row.push_back({gx, 2});
  SubGeometry g = sub_geometry(machine, placement, ranks_on(placement, row));
  EXPECT_TRUE(g.is_rectangle);
  EXPECT_EQ(g.cols, 30);
  EXPECT_EQ(g.tiles_spanned, 6);
  EXPECT_EQ(g.order, RectangleOrder::row_major);
}

TEST(TopologySubGeometry, BadGroups) {
  Machine machine;
  Placement placement = Placement::snake(machine, 4);
  EXPECT_NE(user_error_message([&] {
              sub_geometry(machine, placement, std::vector<int>{});
            }).find("empty group"),
            std::string::npos);
  EXPECT_NE(user_error_message([&] {
              sub_geometry(machine, placement, std::vector<int>{0, 4});
            }).find("rank 4 is not in the job"),
            std::string::npos);
  EXPECT_NE(user_error_message([&] {
              sub_geometry(machine, placement, std::vector<int>{1, 1});
            }).find("rank 1 is listed twice"),
            std::string::npos);
}

}  // namespace
}  // namespace dojo::topology
