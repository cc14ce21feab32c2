// Placements by snake order, by Slurm node order and from map files, with each of their errors.
#include "dojo/topology/placement.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "dojo/topology/presets.hpp"
#include "dojo/topology/snake_order.hpp"
#include "topology_test_support.hpp"

namespace dojo::topology {
namespace {

using testing::user_error_message;

Placement from_map_text(const Machine& machine, const std::string& text,
                        std::optional<int> num_ranks = std::nullopt) {
  std::istringstream in(text);
  return Placement::from_map(machine, in, "map.txt", num_ranks);
}

std::string map_error(const Machine& machine, const std::string& text,
                      std::optional<int> num_ranks = std::nullopt) {
  return user_error_message([&] { from_map_text(machine, text, num_ranks); });
}

TEST(TopologyPlacement, SnakeFollowsTheSnakeOrder) {
  Machine machine = preset_machine("tray");
  Placement placement = Placement::snake(machine, 40);
  std::vector<Chip> order = snake_order(machine);
  ASSERT_EQ(placement.num_ranks(), 40);
  for (int rank = 0; rank < 40; ++rank) {
    EXPECT_EQ(placement.chip_of(rank), order[static_cast<std::size_t>(rank)]);
    EXPECT_EQ(placement.rank_at(placement.chip_of(rank)), rank);
    if (rank > 0) {
      EXPECT_TRUE(machine.adjacent(placement.chip_of(rank - 1), placement.chip_of(rank)));
    }
  }
  EXPECT_EQ(placement.rank_at(order[40]), std::nullopt);
  EXPECT_EQ(placement.rank_at({-1, 0}), std::nullopt);
  EXPECT_EQ(placement.rank_at({30, 0}), std::nullopt);
  // The first 25 ranks fill the first tile.
  for (int rank = 0; rank < 25; ++rank) EXPECT_EQ(machine.tile_of(placement.chip_of(rank)), 0);
}

TEST(TopologyPlacement, SnakeSkipsDeadChipsAndRefusesTooManyRanks) {
  MachineSpec spec;
  spec.dead = {{1, 0}, {3, 3}};
  Machine machine(spec);
  Placement placement = Placement::snake(machine, 23);
  for (Chip chip : placement.chips()) EXPECT_TRUE(machine.is_live(chip));
  EXPECT_EQ(placement.rank_at({1, 0}), std::nullopt);
  std::string message = user_error_message([&] { Placement::snake(machine, 24); });
  EXPECT_NE(message.find("24 ranks needs 24 chips"), std::string::npos) << message;
  EXPECT_NE(message.find("only 23 live chips"), std::string::npos) << message;
  EXPECT_NE(user_error_message([&] { Placement::snake(machine, 0); }).find("at least one"),
            std::string::npos);
}

TEST(TopologyPlacement, SlurmPutsEachNodeOnConsecutiveChips) {
  Machine machine = preset_machine("cabinet");
  const int nodes = 6, per_node = 25;
  // Ranks numbered round-robin over nodes (as with --distribution=cyclic), then shuffled.
  std::vector<NodeSlot> slots;
  for (int rank = 0; rank < nodes * per_node; ++rank) slots.push_back({rank % nodes, rank / nodes});
  std::shuffle(slots.begin(), slots.end(), std::mt19937(3));
  Placement placement = Placement::from_slurm(machine, slots, per_node);
  std::vector<int> tiles = snake_tile_order(machine);
  std::vector<Chip> order = snake_order(machine);
  for (std::size_t rank = 0; rank < slots.size(); ++rank) {
    Chip chip = placement.chip_of(static_cast<int>(rank));
    EXPECT_EQ(
        chip,
        order[static_cast<std::size_t>(slots[rank].node * per_node + slots[rank].local_rank)]);
    EXPECT_EQ(machine.tile_of(chip), tiles[static_cast<std::size_t>(slots[rank].node)])
        << "25 ranks per node: node n fills the n-th tile";
  }
}

TEST(TopologyPlacement, SlurmErrors) {
  Machine machine;
  std::vector<NodeSlot> slots{{0, 0}, {0, 1}, {1, 0}};
  EXPECT_NE(user_error_message([&] {
              Placement::from_slurm(machine, slots, 0);
            }).find("ranks per node = 0"),
            std::string::npos);
  std::vector<NodeSlot> bad_local{{0, 0}, {0, 4}};
  std::string message = user_error_message([&] { Placement::from_slurm(machine, bad_local, 4); });
  EXPECT_NE(message.find("rank 1 has node 0, local rank 4"), std::string::npos) << message;
  std::vector<NodeSlot> duplicate{{0, 0}, {1, 1}, {1, 1}};
  message = user_error_message([&] { Placement::from_slurm(machine, duplicate, 2); });
  EXPECT_NE(message.find("ranks 1 and 2 both claim node 1, local rank 1"), std::string::npos)
      << message;
  std::vector<NodeSlot> fits{{0, 0}, {3, 0}};  // node 3's first rank takes the last chip, 24
  EXPECT_EQ(Placement::from_slurm(machine, fits, 8).chip_of(1), (Chip{4, 4}));
  std::vector<NodeSlot> too_far{{0, 0}, {3, 1}};
  message = user_error_message([&] { Placement::from_slurm(machine, too_far, 8); });
  EXPECT_NE(message.find("node 3 with 8 ranks per node needs 26 chips"), std::string::npos)
      << message;
  EXPECT_NE(message.find("only 25 live chips"), std::string::npos) << message;
  EXPECT_NE(user_error_message([&] { Placement::from_slurm(machine, {}, 1); }).find("no ranks"),
            std::string::npos);
}

TEST(TopologyPlacement, MapFileInBothForms) {
  Machine machine = preset_machine("tray");
  Placement placement = from_map_text(machine,
                                      "# rank gx gy, or rank tile x y\n"
                                      "0 0 0\n"
                                      "2 1 0 4   # tile 1, chip (0,4) of it\n"
                                      "\n"
                                      "1 29 4\n");
  ASSERT_EQ(placement.num_ranks(), 3);
  EXPECT_EQ(placement.chip_of(0), (Chip{0, 0}));
  EXPECT_EQ(placement.chip_of(1), (Chip{29, 4}));
  EXPECT_EQ(placement.chip_of(2), (Chip{5, 4}));
}

TEST(TopologyPlacement, MapFileFromDisk) {
  std::string path = ::testing::TempDir() + "ranks.map";
  std::ofstream(path) << "0 1 1\n1 1 2\n";
  Placement placement = Placement::from_map_file(Machine{}, path, 2);
  EXPECT_EQ(placement.chip_of(1), (Chip{1, 2}));
  EXPECT_NE(user_error_message([] {
              Placement::from_map_file(Machine{}, "/no/such.map");
            }).find("/no/such.map"),
            std::string::npos);
}

TEST(TopologyPlacement, MapFileErrorsNameFileAndLine) {
  MachineSpec spec = preset_spec("tray");
  spec.dead = {{2, 2}};
  Machine machine(spec);
  struct Case {
    std::string text;
    std::optional<int> num_ranks;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{
           {"0 0 0\n0 1 0\n", {}, "map.txt:2: rank 0 is placed twice (first on line 1)"},
           {"0 0 0\n1 30 0\n", {}, "map.txt:2: chip (30,0) is outside the 30 x 5 mesh"},
           {"0 0 -1\n", {}, "map.txt:1: chip (0,-1) is outside"},
           {"0 6 0 0\n", {}, "map.txt:1: tile 6 chip (0,0) is outside the machine"},
           {"0 0 5 0\n", {}, "map.txt:1: tile 0 chip (5,0) is outside"},
           {"0 0 0\n1 2 2\n", {}, "map.txt:2: chip (2,2) is dead"},
           {"0 0 0\n2 1 0\n", {}, "map.txt: rank 1 has no line"},
           {"0 0 0\n1 1 0\n", 3, "rank 2 has no line: every rank 0..2 needs one"},
           {"0 0 0\n5 1 0\n", 3, "map.txt:2: rank 5 but the job has 3 ranks"},
           {"0 0 0\n1 0 0\n", {}, "map.txt:2: chip (0,0) already holds rank 0 (line 1)"},
           {"0 0\n", {}, "map.txt:1: expected \"rank gx gy\" or \"rank tile x y\""},
           {"0 a 1\n", {}, "map.txt:1: expected"},
           {"-1 0 0\n", {}, "rank -1 is negative"},
           {"# nothing\n", {}, "places no rank"},
       })
    EXPECT_NE(map_error(machine, c.text, c.num_ranks).find(c.expected), std::string::npos)
        << "map:\n"
        << c.text << "message: " << map_error(machine, c.text, c.num_ranks);
}

TEST(TopologyPlacement, FromChipsValidates) {
  MachineSpec spec;
  spec.dead = {{4, 4}};
  Machine machine(spec);
  Placement placement = Placement::from_chips(machine, {{2, 2}, {0, 0}});
  EXPECT_EQ(placement.rank_at({0, 0}), 1);
  EXPECT_NE(user_error_message([&] {
              Placement::from_chips(machine, {{4, 4}});
            }).find("dead"),
            std::string::npos);
  EXPECT_NE(user_error_message([&] {
              Placement::from_chips(machine, {{1, 1}, {1, 1}});
            }).find("ranks 0 and 1 are both on chip (1,1)"),
            std::string::npos);
  EXPECT_NE(user_error_message([&] {
              Placement::from_chips(machine, {{5, 0}});
            }).find("outside"),
            std::string::npos);
}

}  // namespace
}  // namespace dojo::topology
