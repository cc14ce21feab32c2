// TOML machine files read through dojo::config (toml++): round trips, every key, and each kind of
// bad file.
#include "dojo/topology/machine_file.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "dojo/topology/presets.hpp"
#include "topology_test_support.hpp"

namespace dojo::topology {
namespace {

using testing::user_error_message;

MachineSpec read(const std::string& toml) {
  std::istringstream in(toml);
  return read_machine_spec(in, "test.toml");
}

std::string read_error(const std::string& toml) {
  return user_error_message([&] { Machine{read(toml)}; });
}

TEST(TopologyMachineFile, RoundTripKeepsEveryKey) {
  MachineSpec spec = preset_spec("cabinet");
  spec.chips_x = 4;
  spec.chips_y = 3;
  spec.tiles_x = 5;
  spec.intra_tile = {3.25e12, 4.5e-7};
  spec.tile_edge = {1.5e12, 1.25e-6};
  spec.dip = {8e11, 6e-6};
  spec.host = {1.6e10, 2e-5};
  spec.chip_flops = 1.234567890123e13;
  spec.dead = {{3, 1}, {17, 5}, {0, 0}};
  std::ostringstream out;
  write_machine_toml(spec, out);
  MachineSpec back = read(out.str());
  EXPECT_EQ(back, spec) << out.str();
  EXPECT_NO_THROW(Machine{back});
}

TEST(TopologyMachineFile, RoundTripOfEveryPreset) {
  for (std::string_view name : preset_names()) {
    MachineSpec spec = preset_spec(name);
    std::ostringstream out;
    write_machine_toml(spec, out);
    EXPECT_EQ(read(out.str()), spec) << out.str();
  }
}

TEST(TopologyMachineFile, KeysOverrideThePreset) {
  MachineSpec spec = read(
      "preset = \"cabinet\"  # 6 x 2 tiles\n"
      "tiles_y = 3\n"
      "tile_edge_bandwidth = 1.5e12\n"
      "dip_latency = 7e-6\n"
      "dead = [\"7,3\", \"12,0\"]\n");
  EXPECT_EQ(spec.name, "cabinet");
  EXPECT_EQ(spec.tiles_x, 6);
  EXPECT_EQ(spec.tiles_y, 3);
  EXPECT_DOUBLE_EQ(spec.tile_edge.bandwidth_Bps, 1.5e12);
  EXPECT_DOUBLE_EQ(spec.tile_edge.latency_s, MachineSpec{}.tile_edge.latency_s);
  EXPECT_DOUBLE_EQ(spec.dip.latency_s, 7e-6);
  EXPECT_EQ(spec.dead, (std::vector<Chip>{{7, 3}, {12, 0}}));
}

TEST(TopologyMachineFile, GridKeysAndDefaultPreset) {
  MachineSpec spec = read("tiles = \"3x2\"\nchips_per_tile = \"4x6\"\n");
  EXPECT_EQ(spec.name, "tile");
  EXPECT_EQ(spec.tiles_x, 3);
  EXPECT_EQ(spec.tiles_y, 2);
  EXPECT_EQ(spec.chips_x, 4);
  EXPECT_EQ(spec.chips_y, 6);
}

TEST(TopologyMachineFile, MultiLineAndEmptyArrays) {
  MachineSpec spec = read("dead = [\n  \"1,2\",  # first\n  \"3, 4\",\n]\n");
  EXPECT_EQ(spec.dead, (std::vector<Chip>{{1, 2}, {3, 4}}));
  std::istringstream in("preset = \"tray\"\ndead = []\n");
  MachineOverrides overrides = read_machine_overrides(in, "x");
  ASSERT_TRUE(overrides.dead.has_value()) << "an empty list is still a setting";
  EXPECT_TRUE(overrides.dead->empty());
}

TEST(TopologyMachineFile, ExampleFileLoads) {
  MachineSpec spec = read_machine_file(DOJO_TOPOLOGY_MACHINES_DIR "/example.toml");
  Machine machine(spec);
  EXPECT_EQ(machine.num_tiles(), spec.tiles_x * spec.tiles_y);
  EXPECT_EQ(machine.num_live_chips(), machine.num_chips() - static_cast<int>(spec.dead.size()));
  EXPECT_FALSE(spec.dead.empty()) << "the example shows dead chips";
}

TEST(TopologyMachineFile, UnknownKeyListsTheValidKeys) {
  std::string message = read_error("tiles_z = 3\n");
  EXPECT_NE(message.find("unknown key 'tiles_z'"), std::string::npos) << message;
  for (const std::string& key : machine_file_keys())
    EXPECT_NE(message.find(key), std::string::npos) << key << " in " << message;
}

TEST(TopologyMachineFile, BadValuesNameTheKey) {
  std::string message = read_error("tiles_x = \"many\"\n");
  EXPECT_NE(message.find("test.toml:1:1: tiles_x takes a whole number, not a string"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("--tiles_x"), std::string::npos)
      << "file keys have no dashes: " << message;
  message = read_error("intra_tile_bandwidth = \"fast\"\n");
  EXPECT_NE(message.find("intra_tile_bandwidth takes a number"), std::string::npos) << message;
  message = read_error("dead = [\"3;4\"]\n");
  EXPECT_NE(message.find("\"gx,gy\""), std::string::npos) << message;
  EXPECT_NE(message.find("3;4"), std::string::npos) << message;
  message = read_error("tiles = \"3by2\"\n");
  EXPECT_NE(message.find("\"AxB\""), std::string::npos) << message;
  message = read_error("preset = \"pod\"\n");
  EXPECT_NE(message.find("unknown machine preset 'pod'"), std::string::npos) << message;
}

TEST(TopologyMachineFile, NumbersOutsideTheirDomain) {
  std::string message = read_error("tiles_x = 0\n");
  EXPECT_NE(message.find("test.toml:1:1: tiles_x: 0 is out of range: give a whole number from 1 "
                         "to 1024"),
            std::string::npos)
      << message;
  message = read_error("tile_edge_bandwidth = -2\n");
  EXPECT_NE(message.find("tile_edge_bandwidth: -2 is out of range"), std::string::npos) << message;
  message = read_error("chip_flops = nan\n");
  EXPECT_NE(message.find("chip_flops: nan is not a finite number"), std::string::npos) << message;
  message = read_error("dip_latency = inf\n");
  EXPECT_NE(message.find("dip_latency: inf is not a finite number"), std::string::npos) << message;
  message = read_error("tiles = \"99999999999x2\"\n");
  EXPECT_NE(message.find("tiles"), std::string::npos) << message;
  EXPECT_NE(read_error("dead = [\"5,0\"]\n").find("dead chip (5,0) is outside"), std::string::npos);
}

TEST(TopologyMachineFile, StructuralErrorsNameLineAndColumn) {
  std::string message = read_error("tiles_x = 2\n\n[machine]\n");
  EXPECT_NE(message.find("test.toml:3:"), std::string::npos) << message;
  EXPECT_NE(message.find("sections"), std::string::npos) << message;
  message = read_error("tiles_x = 2\n# comment\ntiles_x = 3\n");
  EXPECT_NE(message.find("test.toml:3:"), std::string::npos) << message;
  EXPECT_NE(message.find("'tiles_x'"), std::string::npos) << message;
  message = read_error("dead = [\"1,1\",\n");
  EXPECT_NE(message.find("test.toml:"), std::string::npos) << message;
  EXPECT_NE(message.find("malformed TOML"), std::string::npos) << message;
  message = read_error("tiles_x\n");
  EXPECT_NE(message.find("test.toml:1:"), std::string::npos) << message;
  message = read_error("\xef\xbb\xbftiles_z = 3\n");
  EXPECT_NE(message.find("test.toml:1:1: unknown key 'tiles_z'"), std::string::npos)
      << "a byte-order mark is skipped: " << message;
}

TEST(TopologyMachineFile, MissingFileNamesThePath) {
  std::string message = user_error_message([] { read_machine_file("/no/such/machine.toml"); });
  EXPECT_NE(message.find("/no/such/machine.toml"), std::string::npos) << message;
}

TEST(TopologyMachineFile, ParseHelpers) {
  EXPECT_EQ(parse_chip(" 12 , 3 ", "dead"), (Chip{12, 3}));
  EXPECT_EQ(parse_grid("6X2", "tiles"), (std::pair{6, 2}));
  EXPECT_NE(user_error_message([] { parse_chip("12", "dead"); }).find("dead:"), std::string::npos);
  EXPECT_NE(user_error_message([] { parse_grid("6x", "tiles"); }).find("tiles:"),
            std::string::npos);
  EXPECT_NE(user_error_message([] { parse_grid("6x2x1", "tiles"); }).find("6x2x1"),
            std::string::npos);
}

}  // namespace
}  // namespace dojo::topology
