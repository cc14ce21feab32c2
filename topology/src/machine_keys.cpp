// The table of machine keys: one registration serves TOML files (tiles_x) and flags (--tiles-x),
// so the two cannot drift apart.
#include <CLI/CLI.hpp>
#include <charconv>

#include "dojo/common/error.hpp"
#include "dojo/topology/machine_file.hpp"

namespace dojo::topology {
namespace {

std::string option_name(std::string_view key, KeyStyle style) {
  std::string name = "--" + std::string(key);
  if (style == KeyStyle::flag)
    for (char& c : name)
      if (c == '_') c = '-';
  return name;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool parse_int(std::string_view text, int& value) {
  text = trim(text);
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

template <typename T>
void add_key(CLI::App& app, KeyStyle style, std::string_view key, std::optional<T>& target,
             const std::string& help) {
  app.add_option_function<T>(
      option_name(key, style), [&target](const T& value) { target = value; }, help);
}

// The keys, their names without prefix, and their help; bandwidths in bytes/s, latencies in s.
struct LinkKeys {
  const char* key;
  const char* what;
  std::optional<double> MachineOverrides::*bandwidth;
  std::optional<double> MachineOverrides::*latency;
};

constexpr LinkKeys kLinkKeys[] = {
    {"intra_tile", "a chip-to-chip link inside a tile", &MachineOverrides::intra_tile_bandwidth_Bps,
     &MachineOverrides::intra_tile_latency_s},
    {"tile_edge", "a chip-to-chip link across a tile edge",
     &MachineOverrides::tile_edge_bandwidth_Bps, &MachineOverrides::tile_edge_latency_s},
    {"dip", "a DIP's link into its tile", &MachineOverrides::dip_bandwidth_Bps,
     &MachineOverrides::dip_latency_s},
    {"host", "the host's PCIe link to a DIP", &MachineOverrides::host_bandwidth_Bps,
     &MachineOverrides::host_latency_s},
};

}  // namespace

Chip parse_chip(std::string_view text, std::string_view what) {
  auto comma = text.find(',');
  Chip chip;
  if (comma == std::string_view::npos || !parse_int(text.substr(0, comma), chip.gx) ||
      !parse_int(text.substr(comma + 1), chip.gy))
    user_error(str(what, ": expected a chip as \"gx,gy\" such as \"3,4\", got \"", text, "\""));
  return chip;
}

MachineSpec apply_overrides(MachineSpec spec, const MachineOverrides& o) {
  auto set = [](auto& field, const auto& value) {
    if (value) field = *value;
  };
  set(spec.chips_x, o.chips_x);
  set(spec.chips_y, o.chips_y);
  set(spec.tiles_x, o.tiles_x);
  set(spec.tiles_y, o.tiles_y);
  set(spec.intra_tile.bandwidth_Bps, o.intra_tile_bandwidth_Bps);
  set(spec.intra_tile.latency_s, o.intra_tile_latency_s);
  set(spec.tile_edge.bandwidth_Bps, o.tile_edge_bandwidth_Bps);
  set(spec.tile_edge.latency_s, o.tile_edge_latency_s);
  set(spec.dip.bandwidth_Bps, o.dip_bandwidth_Bps);
  set(spec.dip.latency_s, o.dip_latency_s);
  set(spec.host.bandwidth_Bps, o.host_bandwidth_Bps);
  set(spec.host.latency_s, o.host_latency_s);
  set(spec.chip_flops, o.chip_flops);
  set(spec.dead, o.dead);
  return spec;
}

void add_machine_keys(CLI::App& app, MachineOverrides& o, KeyStyle style) {
  add_key(app, style, "preset", o.preset,
          "machine preset to start from: tile, tray, cabinet or exapod (default tile)");
  // Grid keys raise CLI::ValidationError so CLI11 reports them like any other bad flag.
  app.add_option_function<std::string>(
      option_name("tiles", style),
      [&o](const std::string& text) {
        try {
          std::tie(o.tiles_x, o.tiles_y) = parse_grid(text, "tiles");
        } catch (const dojo::Error& e) {
          throw CLI::ValidationError(e.message());
        }
      },
      "tiles of the machine as TXxTY, e.g. 6x2");
  add_key(app, style, "tiles_x", o.tiles_x, "tiles along x");
  add_key(app, style, "tiles_y", o.tiles_y, "tiles along y");
  app.add_option_function<std::string>(
      option_name("chips_per_tile", style),
      [&o](const std::string& text) {
        try {
          std::tie(o.chips_x, o.chips_y) = parse_grid(text, "chips_per_tile");
        } catch (const dojo::Error& e) {
          throw CLI::ValidationError(e.message());
        }
      },
      "chips of one tile as CXxCY (default 5x5)");
  add_key(app, style, "chips_x", o.chips_x, "chips per tile along x (default 5)");
  add_key(app, style, "chips_y", o.chips_y, "chips per tile along y (default 5)");
  for (const LinkKeys& link : kLinkKeys) {
    add_key(app, style, std::string(link.key) + "_bandwidth", o.*link.bandwidth,
            str("bandwidth of ", link.what, ", bytes/s per direction"));
    add_key(app, style, std::string(link.key) + "_latency", o.*link.latency,
            str("latency of ", link.what, ", seconds per hop"));
  }
  add_key(app, style, "chip_flops", o.chip_flops, "FLOP/s of one chip (SimGrid host speed)");
  app.add_option_function<std::vector<std::string>>(
      option_name("dead", style),
      [&o](const std::vector<std::string>& texts) {
        std::vector<Chip> dead;
        try {
          for (const std::string& text : texts)
            if (!text.empty()) dead.push_back(parse_chip(text, "dead"));  // "" = none
        } catch (const dojo::Error& e) {
          throw CLI::ValidationError(e.message());
        }
        o.dead = std::move(dead);
      },
      "dead (harvested) chips as \"gx,gy\" global coordinates; repeat for more, \"\" for none");
}

std::vector<std::string> machine_file_keys() {
  std::vector<std::string> keys{"preset",         "tiles",   "tiles_x", "tiles_y",
                                "chips_per_tile", "chips_x", "chips_y"};
  for (const LinkKeys& link : kLinkKeys) {
    keys.push_back(std::string(link.key) + "_bandwidth");
    keys.push_back(std::string(link.key) + "_latency");
  }
  keys.push_back("chip_flops");
  keys.push_back("dead");
  return keys;
}

}  // namespace dojo::topology
