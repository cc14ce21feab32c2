// MeshGeometry: layouts, rings in snake order, sub-geometries and tile shapes.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "dojo/collectives/geometry.hpp"

namespace dojo::collectives {
namespace {

TEST(CollectivesGeometry, DefaultIsTheMostSquareFactorisation) {
  EXPECT_EQ(MeshGeometry::default_for(12).columns, 4);
  EXPECT_EQ(MeshGeometry::default_for(12).rows, 3);
  EXPECT_EQ(MeshGeometry::default_for(9).columns, 3);
  EXPECT_EQ(MeshGeometry::default_for(7).columns, 7);
  EXPECT_EQ(MeshGeometry::default_for(7).rows, 1);
  EXPECT_EQ(MeshGeometry::default_for(1).size(), 1);
}

TEST(CollectivesGeometry, SnakeLayoutReversesOddRows) {
  const auto g = MeshGeometry::grid(3, 2, Layout::snake);
  EXPECT_EQ(g.x, (std::vector<int>{0, 1, 2, 2, 1, 0}));
  EXPECT_EQ(g.y, (std::vector<int>{0, 0, 0, 1, 1, 1}));
  for (int r = 0; r < g.size(); ++r) EXPECT_EQ(g.rank_at(g.x[r], g.y[r]), r);
  EXPECT_EQ(g.rank_at(3, 0), -1);
  EXPECT_TRUE(g.is_full());
}

// Every consecutive pair of the ring (and the closing pair) should be mesh neighbours when a
// Hamiltonian cycle exists (one side even); with both sides odd exactly one pair is not.
int long_edges(const MeshGeometry& g) {
  const auto ring = g.ring_order();
  std::set<int> members(ring.begin(), ring.end());
  EXPECT_EQ(static_cast<int>(members.size()), g.size()) << "ring is not a permutation";
  int long_ones = 0;
  for (std::size_t i = 0; i < ring.size(); ++i)
    if (g.hops(ring[i], ring[(i + 1) % ring.size()]) != 1) ++long_ones;
  return long_ones;
}

TEST(CollectivesGeometry, RingIsAHamiltonianCycleWhenOneSideIsEven) {
  EXPECT_EQ(long_edges(MeshGeometry::grid(4, 2)), 0);
  EXPECT_EQ(long_edges(MeshGeometry::grid(3, 4)), 0);
  EXPECT_EQ(long_edges(MeshGeometry::grid(4, 3, Layout::snake)), 0);
  EXPECT_EQ(long_edges(MeshGeometry::grid(10, 10)), 0);
  EXPECT_EQ(long_edges(MeshGeometry::grid(5, 5)), 1);  // no Hamiltonian cycle exists
  EXPECT_EQ(long_edges(MeshGeometry::grid(3, 3)), 1);
}

TEST(CollectivesGeometry, SubsetOfARowKeepsItsPlaceAndTiles) {
  auto g = MeshGeometry::grid(10, 10);
  // Row 3, columns 0..9: ranks 30..39.
  std::vector<int> row;
  for (int i = 0; i < 10; ++i) row.push_back(30 + i);
  const auto sub = g.subset(row);
  ASSERT_TRUE(sub.has_value());
  EXPECT_EQ(sub->columns, 10);
  EXPECT_EQ(sub->rows, 1);
  EXPECT_EQ(sub->origin_y, 3);
  EXPECT_EQ(sub->row_link().seconds_per_byte, g.tile_edge.seconds_per_byte);  // crosses x = 5
  // A tile: columns 5..9, rows 5..9, in an order different from rank order.
  std::vector<int> tile;
  for (int y = 9; y >= 5; --y)
    for (int x = 5; x < 10; ++x) tile.push_back(y * 10 + x);
  const auto t = g.subset(tile);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->origin_x, 5);
  EXPECT_EQ(t->x[0], 0);
  EXPECT_EQ(t->y[0], 4);
  EXPECT_EQ(t->row_link().seconds_per_byte, g.intra_tile.seconds_per_byte);
  EXPECT_EQ(t->tile_shape(), (std::pair{5, 5}));
  // Not a rectangle: an L shape.
  EXPECT_FALSE(g.subset({0, 1, 10}).has_value());
}

TEST(CollectivesGeometry, TileShapes) {
  auto g = MeshGeometry::grid(10, 5);
  EXPECT_EQ(g.tile_shape(), (std::pair{5, 5}));
  g = MeshGeometry::grid(4, 2);
  EXPECT_EQ(g.tile_shape(), (std::pair{4, 2}));  // inside one 5 x 5 tile
  g.tile_columns = 2;
  g.tile_rows = 1;
  EXPECT_EQ(g.tile_shape(), (std::pair{2, 1}));
  g = MeshGeometry::grid(7, 1);
  EXPECT_FALSE(g.tile_shape().has_value());  // a 5-wide tile and a 2-wide one
}

TEST(CollectivesGeometry, ValidateNamesTheProblem) {
  auto g = MeshGeometry::grid(2, 2);
  EXPECT_EQ(g.validate(), "");
  g.x[3] = 0;
  g.y[3] = 0;
  EXPECT_NE(g.validate().find("shares position"), std::string::npos);
  g = MeshGeometry::grid(2, 2);
  g.x[1] = 5;
  EXPECT_NE(g.validate().find("outside"), std::string::npos);
}

}  // namespace
}  // namespace dojo::collectives
