// Machine description: preset sizes, coordinate views, link classes and every validation error.
#include "dojo/topology/machine.hpp"

#include <gtest/gtest.h>

#include "dojo/topology/presets.hpp"
#include "topology_test_support.hpp"

namespace dojo::topology {
namespace {

using testing::user_error_message;

struct PresetSize {
  const char* name;
  int tiles_x, tiles_y, chips;
};

class TopologyPresets : public ::testing::TestWithParam<PresetSize> {};

TEST_P(TopologyPresets, HaveTheTilesAndChipsOfTheHardwareNotes) {
  const PresetSize& expected = GetParam();
  Machine machine = preset_machine(expected.name);
  EXPECT_EQ(machine.spec().name, expected.name);
  EXPECT_EQ(machine.spec().tiles_x, expected.tiles_x);
  EXPECT_EQ(machine.spec().tiles_y, expected.tiles_y);
  EXPECT_EQ(machine.num_tiles(), expected.tiles_x * expected.tiles_y);
  EXPECT_EQ(machine.width(), 5 * expected.tiles_x);
  EXPECT_EQ(machine.height(), 5 * expected.tiles_y);
  EXPECT_EQ(machine.num_chips(), expected.chips);
  EXPECT_EQ(machine.num_live_chips(), expected.chips);
}

INSTANTIATE_TEST_SUITE_P(All, TopologyPresets,
                         ::testing::Values(PresetSize{"tile", 1, 1, 25},
                                           PresetSize{"tray", 6, 1, 150},
                                           PresetSize{"cabinet", 6, 2, 300},
                                           PresetSize{"exapod", 12, 10, 3000}));

TEST(TopologyMachine, PresetNamesAreTheFourPresets) {
  std::vector<std::string> names(preset_names().begin(), preset_names().end());
  EXPECT_EQ(names, (std::vector<std::string>{"tile", "tray", "cabinet", "exapod"}));
}

TEST(TopologyMachine, UnknownPresetListsTheValidOnes) {
  std::string message = user_error_message([] { preset_spec("rack"); });
  EXPECT_NE(message.find("unknown machine preset 'rack'"), std::string::npos) << message;
  for (std::string_view name : preset_names())
    EXPECT_NE(message.find(name), std::string::npos) << message;
}

TEST(TopologyMachine, DefaultsFollowTheHardwareNotes) {
  MachineSpec spec;
  EXPECT_EQ(spec.chips_x, 5);
  EXPECT_EQ(spec.chips_y, 5);
  EXPECT_DOUBLE_EQ(spec.intra_tile.bandwidth_Bps, 4e12);
  EXPECT_DOUBLE_EQ(spec.tile_edge.bandwidth_Bps, 9e12 / 5);  // a tile edge shared by 5 chips
  EXPECT_DOUBLE_EQ(spec.dip.bandwidth_Bps, 900e9);
  EXPECT_DOUBLE_EQ(spec.host.bandwidth_Bps, 32e9);
  EXPECT_LT(spec.intra_tile.latency_s, spec.tile_edge.latency_s);
  EXPECT_LT(spec.tile_edge.latency_s, spec.dip.latency_s);
}

TEST(TopologyMachine, GlobalAndTileCoordinatesRoundTrip) {
  MachineSpec spec = preset_spec("cabinet");
  spec.chips_x = 4;  // not square, so x and y mix-ups show
  spec.chips_y = 3;
  Machine machine(spec);
  ASSERT_EQ(machine.width(), 24);
  ASSERT_EQ(machine.height(), 6);
  for (int i = 0; i < machine.num_chips(); ++i) {
    Chip chip = machine.chip_at(i);
    EXPECT_EQ(machine.index(chip), i);
    TileChip local = machine.to_tile(chip);
    EXPECT_EQ(machine.to_global(local), chip);
    EXPECT_EQ(local.tile, (chip.gx / 4) + (chip.gy / 3) * 6);
  }
  EXPECT_EQ(machine.to_tile({9, 4}), (TileChip{2 + 6, 1, 1}));
  EXPECT_EQ(machine.tile_origin(7), (Chip{4, 3}));
  EXPECT_NE(user_error_message([&] { machine.tile_origin(12); }).find("tile 12"),
            std::string::npos);
  EXPECT_NE(user_error_message([&] {
              machine.to_global({0, 4, 0});
            }).find("outside"),
            std::string::npos);
}

TEST(TopologyMachine, LinkClassIsTileEdgeOnlyAcrossTiles) {
  Machine machine(preset_spec("cabinet"));
  EXPECT_EQ(machine.link_class({3, 2}, {4, 2}), LinkClass::intra_tile);
  EXPECT_EQ(machine.link_class({4, 2}, {5, 2}), LinkClass::tile_edge);
  EXPECT_EQ(machine.link_class({5, 2}, {4, 2}), LinkClass::tile_edge);
  EXPECT_EQ(machine.link_class({7, 4}, {7, 5}), LinkClass::tile_edge);
  EXPECT_EQ(machine.link_class({7, 5}, {7, 6}), LinkClass::intra_tile);
  EXPECT_EQ(machine.link_params({4, 2}, {5, 2}), machine.spec().tile_edge);
  EXPECT_FALSE(machine.adjacent({0, 0}, {1, 1}));
  EXPECT_FALSE(machine.adjacent({29, 0}, {30, 0}));  // (30,0) is off the mesh
}

TEST(TopologyMachine, DeadChipsAreCountedAndQueried) {
  MachineSpec spec;
  spec.dead = {{2, 2}, {0, 4}};
  Machine machine(spec);
  EXPECT_EQ(machine.num_live_chips(), 23);
  EXPECT_TRUE(machine.has_dead_chips());
  EXPECT_TRUE(machine.is_dead({2, 2}));
  EXPECT_FALSE(machine.is_live({0, 4}));
  EXPECT_TRUE(machine.is_live({1, 4}));
  EXPECT_FALSE(machine.is_live({5, 0}));
}

struct BadSpec {
  const char* what;
  void (*spoil)(MachineSpec&);
  const char* expected;  // part of the message
};

class TopologyMachineValidation : public ::testing::TestWithParam<BadSpec> {};

TEST_P(TopologyMachineValidation, NamesTheProblem) {
  MachineSpec spec = preset_spec("tray");
  GetParam().spoil(spec);
  std::string message = user_error_message([&] { Machine{spec}; });
  EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    All, TopologyMachineValidation,
    ::testing::Values(
        BadSpec{"zero_chips_x", [](MachineSpec& s) { s.chips_x = 0; },
                "chips_x = 0 must be a positive"},
        BadSpec{"negative_chips_y", [](MachineSpec& s) { s.chips_y = -5; }, "chips_y = -5"},
        BadSpec{"zero_tiles_x", [](MachineSpec& s) { s.tiles_x = 0; }, "--tiles-x"},
        BadSpec{"negative_tiles_y", [](MachineSpec& s) { s.tiles_y = -1; }, "tiles_y = -1"},
        BadSpec{"huge", [](MachineSpec& s) { s.tiles_x = s.tiles_y = 100000; }, "too large"},
        BadSpec{"zero_bandwidth", [](MachineSpec& s) { s.intra_tile.bandwidth_Bps = 0; },
                "intra_tile_bandwidth = 0 must be > 0"},
        BadSpec{"negative_bandwidth", [](MachineSpec& s) { s.tile_edge.bandwidth_Bps = -1; },
                "tile_edge_bandwidth = -1"},
        BadSpec{"dip_bandwidth", [](MachineSpec& s) { s.dip.bandwidth_Bps = 0; }, "dip_bandwidth"},
        BadSpec{"host_latency", [](MachineSpec& s) { s.host.latency_s = -1e-6; }, "host_latency"},
        BadSpec{"flops", [](MachineSpec& s) { s.chip_flops = 0; }, "chip_flops"},
        BadSpec{"dead_off_mesh",
                [](MachineSpec& s) {
                  s.dead = {{30, 0}};
                },
                "dead chip (30,0) is outside the 30 x 5 mesh"},
        BadSpec{"dead_negative",
                [](MachineSpec& s) {
                  s.dead = {{-1, 2}};
                },
                "dead chip (-1,2)"},
        BadSpec{"dead_twice",
                [](MachineSpec& s) {
                  s.dead = {{1, 1}, {1, 1}};
                },
                "listed twice"},
        BadSpec{"all_dead",
                [](MachineSpec& s) {
                  s.tiles_x = 1;
                  s.chips_x = s.chips_y = 1;
                  s.dead = {{0, 0}};
                },
                "every chip is dead"},
        BadSpec{"cut_in_two",
                [](MachineSpec& s) {
                  for (int gy = 0; gy < 5; ++gy) s.dead.push_back({7, gy});
                },
                "cut the mesh in two"}),
    [](const ::testing::TestParamInfo<BadSpec>& info) { return std::string(info.param.what); });

TEST(TopologyMachine, DescribeNamesPresetSizeAndDeadChips) {
  MachineSpec spec = preset_spec("cabinet");
  spec.dead = {{3, 3}};
  std::string line = Machine(spec).describe();
  EXPECT_NE(line.find("cabinet: 6 x 2 tiles of 5 x 5 chips"), std::string::npos) << line;
  EXPECT_NE(line.find("300 chips, 1 dead"), std::string::npos) << line;
  spec.tiles_y = 1;
  line = Machine(spec).describe();
  EXPECT_EQ(line.rfind("custom (from cabinet): 6 x 1 tiles", 0), 0u) << line;
}

}  // namespace
}  // namespace dojo::topology
