// Machine flags on a CLI11 app: presets, grids, dead chips, and a --machine file under the flags.
#include "machine_options.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <fstream>

#include "topology_test_support.hpp"

namespace dojo::cli {
namespace {

using namespace topology;

using testing::user_error_message;

MachineSpec parse_flags(std::vector<std::string> args) {
  CLI::App app{"test"};
  MachineOptions options;
  options.add_to(app);
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last-first
  app.parse(args);
  return options.resolve_spec();
}

std::string write_file(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(TopologyMachineOptions, NoFlagsGiveOneTile) {
  MachineSpec spec = parse_flags({});
  EXPECT_EQ(spec, MachineSpec{});
}

TEST(TopologyMachineOptions, PresetAndGridFlags) {
  MachineSpec spec =
      parse_flags({"--preset", "exapod", "--tiles", "3x4", "--chips-per-tile", "2x3"});
  EXPECT_EQ(spec.name, "exapod");
  EXPECT_EQ(spec.tiles_x, 3);
  EXPECT_EQ(spec.tiles_y, 4);
  EXPECT_EQ(spec.chips_x, 2);
  EXPECT_EQ(spec.chips_y, 3);
  spec = parse_flags({"--preset=cabinet", "--tiles-y", "1"});
  EXPECT_EQ(spec.tiles_x, 6);
  EXPECT_EQ(spec.tiles_y, 1);
}

TEST(TopologyMachineOptions, LinkAndDeadFlags) {
  MachineSpec spec = parse_flags({"--intra-tile-bandwidth", "2e12", "--tile-edge-latency", "3e-6",
                                  "--host-bandwidth", "1.6e10", "--dead", "1,2", "3,4"});
  EXPECT_DOUBLE_EQ(spec.intra_tile.bandwidth_Bps, 2e12);
  EXPECT_DOUBLE_EQ(spec.tile_edge.latency_s, 3e-6);
  EXPECT_DOUBLE_EQ(spec.host.bandwidth_Bps, 1.6e10);
  EXPECT_EQ(spec.dead, (std::vector<Chip>{{1, 2}, {3, 4}}));
}

TEST(TopologyMachineOptions, FlagsOverrideTheMachineFile) {
  std::string path =
      write_file("flags_over_file.toml", "preset = \"tray\"\ntiles_y = 2\ndip_bandwidth = 5e11\n");
  MachineSpec spec = parse_flags({"--machine", path, "--tiles-y", "3"});
  EXPECT_EQ(spec.name, "tray");
  EXPECT_EQ(spec.tiles_x, 6);
  EXPECT_EQ(spec.tiles_y, 3);                      // the flag wins
  EXPECT_DOUBLE_EQ(spec.dip.bandwidth_Bps, 5e11);  // the file's key stays
  // A preset flag replaces the file's preset; the file's other keys still apply on top.
  spec = parse_flags({"--machine", path, "--preset", "exapod"});
  EXPECT_EQ(spec.name, "exapod");
  EXPECT_EQ(spec.tiles_x, 12);
  EXPECT_EQ(spec.tiles_y, 2);
}

TEST(TopologyMachineOptions, BadFlagsAreReported) {
  EXPECT_THROW(parse_flags({"--tiles", "3by2"}), CLI::ValidationError);
  EXPECT_THROW(parse_flags({"--dead", "3"}), CLI::ValidationError);
  EXPECT_THROW(parse_flags({"--tiles-x", "two"}), CLI::ValidationError);
  // Every number has its domain: no NaN, no overflow, no zero-sized grid.
  for (std::vector<std::string> args : {std::vector<std::string>{"--tiles-x", "0"},
                                        {"--tiles-x", "99999999999"},
                                        {"--chip-flops", "nan"},
                                        {"--dip-latency", "inf"},
                                        {"--host-bandwidth", "-1"},
                                        {"--tiles", "0x2"}})
    EXPECT_THROW(parse_flags(args), CLI::ValidationError) << args[0] << " " << args[1];
  try {
    parse_flags({"--host-bandwidth", "nan"});
    ADD_FAILURE() << "NaN accepted";
  } catch (const CLI::ValidationError& e) {
    EXPECT_NE(std::string(e.what()).find("--host-bandwidth: nan is not a finite number: give a "
                                         "number above 0 and at most 1e+18"),
              std::string::npos)
        << e.what();
  }
  std::string message = user_error_message([] { parse_flags({"--preset", "rack"}); });
  EXPECT_NE(message.find("unknown machine preset 'rack'"), std::string::npos) << message;
  message = user_error_message([] { parse_flags({"--machine", "/no/such.toml"}); });
  EXPECT_NE(message.find("/no/such.toml"), std::string::npos) << message;
  message = user_error_message([] { parse_flags({"--machine", "/tmp"}); });
  EXPECT_NE(message.find("machine file '/tmp' is a directory"), std::string::npos) << message;
}

TEST(TopologyMachineOptions, FlagsShowInHelp) {
  CLI::App app{"test"};
  MachineOptions options;
  options.add_to(app);
  std::string help = app.help();
  for (const char* flag : {"--machine", "--preset", "--tiles", "--chips-per-tile",
                           "--intra-tile-bandwidth", "--tile-edge-latency", "--dead"})
    EXPECT_NE(help.find(flag), std::string::npos) << flag << " missing from\n" << help;
}

}  // namespace
}  // namespace dojo::cli
