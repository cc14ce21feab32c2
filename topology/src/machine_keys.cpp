// The table of machine keys: one table serves TOML files (tiles_x) and flags (--tiles-x), so the
// two cannot drift apart. Every number is checked against its domain here.
#include <charconv>

#include "dojo/common/error.hpp"
#include "dojo/config/domain.hpp"
#include "dojo/topology/machine_file.hpp"

namespace dojo::topology {
namespace {

// Domains: a grid side of tiles or chips, a bandwidth (bytes/s), a latency (s), a chip's FLOP/s.
constexpr config::Domain<int> kTiles{1, 1024};
constexpr config::Domain<int> kChips{1, 64};
constexpr config::Domain<double> kBandwidth{0, 1e18, true, false};
constexpr config::Domain<double> kLatency{0, 1};
constexpr config::Domain<double> kFlops{0, 1e18, true, false};

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

const std::string& one(const std::vector<std::string>& values, std::string_view what) {
  if (values.size() != 1) user_error(str(what, " takes one value, not ", values.size()));
  return values.front();
}

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

template <typename T>
MachineKey number_key(std::string name, std::string help, std::optional<T> MachineOverrides::*field,
                      config::Domain<T> domain) {
  const MachineKey::Kind kind =
      std::is_integral_v<T> ? MachineKey::Kind::whole : MachineKey::Kind::real;
  return MachineKey{std::move(name), str(help, " (", config::range_text(domain), ")"), kind,
                    [field, domain](MachineOverrides& o, const std::vector<std::string>& values,
                                    std::string_view what) {
                      o.*field = config::checked<T>(what, one(values, what), domain);
                    }};
}

MachineKey grid_key(std::string name, std::string help, std::optional<int> MachineOverrides::*x,
                    std::optional<int> MachineOverrides::*y, config::Domain<int> domain) {
  return MachineKey{std::move(name), std::move(help), MachineKey::Kind::text,
                    [x, y, domain](MachineOverrides& o, const std::vector<std::string>& values,
                                   std::string_view what) {
                      auto [gx, gy] = parse_grid(one(values, what), what);
                      o.*x = config::checked(what, std::to_string(gx), domain);
                      o.*y = config::checked(what, std::to_string(gy), domain);
                    }};
}

std::vector<MachineKey> make_keys() {
  std::vector<MachineKey> keys;
  keys.push_back({"preset",
                  "machine preset to start from: tile, tray, cabinet or exapod (default tile)",
                  MachineKey::Kind::text,
                  [](MachineOverrides& o, const std::vector<std::string>& values,
                     std::string_view what) { o.preset = one(values, what); }});
  keys.push_back(grid_key("tiles", "tiles of the machine as TXxTY, e.g. 6x2",
                          &MachineOverrides::tiles_x, &MachineOverrides::tiles_y, kTiles));
  keys.push_back(number_key("tiles_x", "tiles along x", &MachineOverrides::tiles_x, kTiles));
  keys.push_back(number_key("tiles_y", "tiles along y", &MachineOverrides::tiles_y, kTiles));
  keys.push_back(grid_key("chips_per_tile", "chips of one tile as CXxCY (default 5x5)",
                          &MachineOverrides::chips_x, &MachineOverrides::chips_y, kChips));
  keys.push_back(number_key("chips_x", "chips per tile along x (default 5)",
                            &MachineOverrides::chips_x, kChips));
  keys.push_back(number_key("chips_y", "chips per tile along y (default 5)",
                            &MachineOverrides::chips_y, kChips));
  for (const LinkKeys& link : kLinkKeys) {
    keys.push_back(number_key(std::string(link.key) + "_bandwidth",
                              str("bandwidth of ", link.what, ", bytes/s per direction"),
                              link.bandwidth, kBandwidth));
    keys.push_back(number_key(std::string(link.key) + "_latency",
                              str("latency of ", link.what, ", seconds per hop"), link.latency,
                              kLatency));
  }
  keys.push_back(number_key("chip_flops", "FLOP/s of one chip (SimGrid host speed)",
                            &MachineOverrides::chip_flops, kFlops));
  keys.push_back(
      {"dead",
       "dead (harvested) chips as \"gx,gy\" global coordinates, several in one use "
       "(--dead 3,4 7,1); \"\" for none",
       MachineKey::Kind::text_list,
       [](MachineOverrides& o, const std::vector<std::string>& values, std::string_view what) {
         std::vector<Chip> dead;
         for (const std::string& text : values)
           if (!text.empty()) dead.push_back(parse_chip(text, what));  // "" = none
         o.dead = std::move(dead);
       }});
  return keys;
}

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

const std::vector<MachineKey>& machine_keys() {
  static const std::vector<MachineKey> keys = make_keys();
  return keys;
}

std::vector<std::string> machine_file_keys() {
  std::vector<std::string> names;
  for (const MachineKey& key : machine_keys()) names.push_back(key.name);
  return names;
}

}  // namespace dojo::topology
