// Machine keys shared by TOML machine files and command-line flags (the CLI registers the same
// table as --tiles-x, ...). Files are read by dojo::config (toml++). A file holds top-level keys
// only, e.g.
//   preset = "cabinet"   tiles = "3x2"   tile_edge_bandwidth = 1.5e12   dead = ["7,3", "12,0"]
// Key order of precedence: preset, then the file's keys, then flags.
#pragma once

#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dojo/common/parse.hpp"
#include "dojo/topology/machine.hpp"

namespace dojo::topology {

// Every key a machine file or flag may set; an empty optional keeps the value beneath it.
struct MachineOverrides {
  std::optional<std::string> preset;
  std::optional<int> chips_x, chips_y, tiles_x, tiles_y;
  std::optional<double> intra_tile_bandwidth_Bps, intra_tile_latency_s;
  std::optional<double> tile_edge_bandwidth_Bps, tile_edge_latency_s;
  std::optional<double> dip_bandwidth_Bps, dip_latency_s;
  std::optional<double> host_bandwidth_Bps, host_latency_s;
  std::optional<double> chip_flops;
  std::optional<std::vector<Chip>> dead;
};

// spec with every key set in overrides replaced (the preset key is not applied here).
MachineSpec apply_overrides(MachineSpec spec, const MachineOverrides& overrides);

// One key of a machine file (and flag of the CLI): its name, help, the TOML kind its value has,
// and how its text sets the overrides. `set` checks the value's domain and raises a user error
// naming `what` (the key or the flag) when it is outside.
struct MachineKey {
  enum class Kind { text, whole, real, text_list };
  std::string name;  // file key, e.g. tiles_x; the flag is --tiles-x
  std::string help;
  Kind kind;
  std::function<void(MachineOverrides&, const std::vector<std::string>& values,
                     std::string_view what)>
      set;
};
const std::vector<MachineKey>& machine_keys();

// The keys of a TOML machine file, for messages and documentation.
std::vector<std::string> machine_file_keys();

// Parses "gx,gy" (a dead chip) and "AxB" (a grid such as tiles = "6x2", common/parse.hpp);
// user_error names `what`.
Chip parse_chip(std::string_view text, std::string_view what);
using ::dojo::parse_grid;

// Reads the keys of a machine file; user_error names the source and the bad key or value.
MachineOverrides read_machine_overrides(std::istream& toml, std::string_view source);
MachineOverrides read_machine_overrides_file(const std::string& path);
// The machine a file describes: its preset (default "tile"), then its keys.
MachineSpec read_machine_spec(std::istream& toml, std::string_view source);
MachineSpec read_machine_file(const std::string& path);

// Writes every key of spec so read_machine_spec gives spec back (the preset line only when
// spec.name is a preset).
void write_machine_toml(const MachineSpec& spec, std::ostream& toml);

}  // namespace dojo::topology
