// Neighbours, hop distances and routes, with and without dead chips; checked against hand cases
// and a reference breadth-first search written here.
#include "dojo/topology/mesh_routes.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <random>

#include "dojo/topology/presets.hpp"
#include "topology_test_support.hpp"

namespace dojo::topology {
namespace {

using testing::user_error_message;

std::vector<Chip> chips_of(const std::vector<Neighbor>& neighbours) {
  std::vector<Chip> chips;
  for (const Neighbor& n : neighbours) chips.push_back(n.chip);
  return chips;
}

// A route is a chain of one-hop links from src to dst through live chips.
void expect_valid_route(const Machine& machine, Chip src, Chip dst,
                        const std::vector<Link>& links) {
  Chip at = src;
  for (const Link& link : links) {
    EXPECT_EQ(link.from, at);
    EXPECT_TRUE(machine.adjacent(link.from, link.to)) << link;
    EXPECT_TRUE(machine.is_live(link.to)) << "route crosses dead chip " << link.to;
    at = link.to;
  }
  EXPECT_EQ(at, dst);
}

int reference_distance(const Machine& machine, Chip src, Chip dst) {
  std::vector<int> distance(static_cast<std::size_t>(machine.num_chips()), -1);
  distance[static_cast<std::size_t>(machine.index(src))] = 0;
  std::deque<Chip> queue{src};
  while (!queue.empty()) {
    Chip at = queue.front();
    queue.pop_front();
    for (Chip next : {Chip{at.gx + 1, at.gy}, Chip{at.gx - 1, at.gy}, Chip{at.gx, at.gy + 1},
                      Chip{at.gx, at.gy - 1}}) {
      if (!machine.is_live(next)) continue;
      int& d = distance[static_cast<std::size_t>(machine.index(next))];
      if (d >= 0) continue;
      d = distance[static_cast<std::size_t>(machine.index(at))] + 1;
      queue.push_back(next);
    }
  }
  return distance[static_cast<std::size_t>(machine.index(dst))];
}

TEST(TopologyNeighbors, CornerEdgeAndInterior) {
  Machine machine(preset_spec("tile"));
  EXPECT_EQ(chips_of(neighbors(machine, {0, 0})), (std::vector<Chip>{{1, 0}, {0, 1}}));
  EXPECT_EQ(chips_of(neighbors(machine, {4, 4})), (std::vector<Chip>{{3, 4}, {4, 3}}));
  EXPECT_EQ(chips_of(neighbors(machine, {2, 0})), (std::vector<Chip>{{3, 0}, {1, 0}, {2, 1}}));
  EXPECT_EQ(chips_of(neighbors(machine, {2, 2})),
            (std::vector<Chip>{{3, 2}, {1, 2}, {2, 3}, {2, 1}}));
  for (const Neighbor& n : neighbors(machine, {2, 2}))
    EXPECT_EQ(n.link_class, LinkClass::intra_tile);
}

TEST(TopologyNeighbors, TileBordersUseTileEdgeLinks) {
  Machine machine(preset_spec("cabinet"));
  // (4,4) is the south-east corner of tile 0: east is tile 1, south is tile 6.
  std::vector<Neighbor> n = neighbors(machine, {4, 4});
  ASSERT_EQ(n.size(), 4u);
  EXPECT_EQ(n[0].chip, (Chip{5, 4}));
  EXPECT_EQ(n[0].link_class, LinkClass::tile_edge);
  EXPECT_EQ(n[1].link_class, LinkClass::intra_tile);
  EXPECT_EQ(n[2].chip, (Chip{4, 5}));
  EXPECT_EQ(n[2].link_class, LinkClass::tile_edge);
  EXPECT_EQ(n[3].link_class, LinkClass::intra_tile);
  // The machine's own corner has two neighbours whatever the tiles.
  EXPECT_EQ(neighbors(machine, {29, 9}).size(), 2u);
}

TEST(TopologyNeighbors, DeadNeighboursAreLeftOut) {
  MachineSpec spec;
  spec.dead = {{3, 2}, {2, 1}};
  Machine machine(spec);
  EXPECT_EQ(chips_of(neighbors(machine, {2, 2})), (std::vector<Chip>{{1, 2}, {2, 3}}));
}

TEST(TopologyRoutes, DimensionOrderedWithoutDeadChips) {
  Machine machine(preset_spec("cabinet"));
  Chip src{1, 8}, dst{13, 2};
  std::vector<Link> links = route(machine, src, dst);
  ASSERT_EQ(links.size(), 18u);
  EXPECT_EQ(hop_distance(machine, src, dst), 18);
  expect_valid_route(machine, src, dst, links);
  for (std::size_t i = 0; i < 12; ++i) EXPECT_EQ(links[i].to.gy, 8) << "X first";
  for (std::size_t i = 12; i < 18; ++i) EXPECT_EQ(links[i].to.gx, 13) << "then Y";
  EXPECT_TRUE(route(machine, src, src).empty());
  EXPECT_EQ(xy_route(dst, src).size(), 18u);
}

TEST(TopologyRoutes, DetourAroundADeadChip) {
  MachineSpec spec;
  spec.dead = {{2, 0}};
  Machine machine(spec);
  std::vector<Link> links = route(machine, {0, 0}, {4, 0});
  EXPECT_EQ(links.size(), 6u);  // down, four east, up
  expect_valid_route(machine, {0, 0}, {4, 0}, links);
  EXPECT_EQ(hop_distance(machine, {0, 0}, {4, 0}), 6);
  // An unblocked pair keeps its dimension-ordered route.
  EXPECT_EQ(route(machine, {0, 1}, {4, 3}), xy_route({0, 1}, {4, 3}));
  // Blocked in X-then-Y but Y-then-X is free: still the Manhattan distance.
  EXPECT_EQ(hop_distance(machine, {1, 0}, {3, 2}), 4);
}

TEST(TopologyRoutes, LongDetourAroundAWall) {
  MachineSpec spec;
  spec.dead = {{2, 0}, {2, 1}, {2, 2}, {2, 3}};  // a wall with a gap at (2,4)
  Machine machine(spec);
  std::vector<Link> links = route(machine, {1, 0}, {3, 0});
  EXPECT_EQ(links.size(), 10u);  // 4 down, 2 east, 4 up
  expect_valid_route(machine, {1, 0}, {3, 0}, links);
}

TEST(TopologyRoutes, MatchReferenceBfsWithRandomDeadChips) {
  std::mt19937 random(7);
  for (int trial = 0; trial < 20; ++trial) {
    MachineSpec spec = preset_spec("tray");
    std::uniform_int_distribution<int> gx(0, 29), gy(0, 4);
    for (int k = 0; k < 8; ++k) {
      Chip dead{gx(random), gy(random)};
      if (std::find(spec.dead.begin(), spec.dead.end(), dead) == spec.dead.end())
        spec.dead.push_back(dead);
    }
    std::optional<Machine> machine;
    try {
      machine.emplace(spec);
    } catch (const dojo::Error&) {
      continue;  // this draw cut the mesh in two
    }
    for (int pair = 0; pair < 30; ++pair) {
      Chip src{gx(random), gy(random)}, dst{gx(random), gy(random)};
      if (!machine->is_live(src) || !machine->is_live(dst)) continue;
      std::vector<Link> links = route(*machine, src, dst);
      expect_valid_route(*machine, src, dst, links);
      EXPECT_EQ(static_cast<int>(links.size()), reference_distance(*machine, src, dst))
          << src << " to " << dst;
      EXPECT_EQ(hop_distance(*machine, src, dst), static_cast<int>(links.size()));
    }
  }
}

TEST(TopologyRoutes, DeadOrAbsentEndpointsAreErrors) {
  MachineSpec spec;
  spec.dead = {{1, 1}};
  Machine machine(spec);
  EXPECT_NE(user_error_message([&] {
              route(machine, {1, 1}, {0, 0});
            }).find("(1,1) is dead"),
            std::string::npos);
  EXPECT_NE(user_error_message([&] {
              route(machine, {0, 0}, {9, 0});
            }).find("outside"),
            std::string::npos);
  EXPECT_NE(user_error_message([&] {
              hop_distance(Machine{}, {0, 0}, {0, 5});
            }).find("(0,5)"),
            std::string::npos);
}

}  // namespace
}  // namespace dojo::topology
