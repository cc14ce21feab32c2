// Reads machine files through dojo::config (toml++) and the key table of machine_keys.cpp, and
// writes them back.
#include <charconv>
#include <fstream>
#include <sstream>

#include "dojo/common/error.hpp"
#include "dojo/config/toml.hpp"
#include "dojo/topology/machine_file.hpp"
#include "dojo/topology/presets.hpp"

namespace dojo::topology {
namespace {

// Whether a TOML value has the kind a key takes (a number key takes integers and floats).
bool kind_fits(MachineKey::Kind kind, const config::Value& value) {
  using K = config::Value::Kind;
  switch (kind) {
    case MachineKey::Kind::text:
      return value.kind == K::string;
    case MachineKey::Kind::whole:
      return value.kind == K::integer;
    case MachineKey::Kind::real:
      return value.kind == K::integer || value.kind == K::floating;
    case MachineKey::Kind::text_list:
      return value.kind == K::array;
  }
  return false;
}

const char* kind_wanted(MachineKey::Kind kind) {
  switch (kind) {
    case MachineKey::Kind::text:
      return "a string in quotes";
    case MachineKey::Kind::whole:
      return "a whole number";
    case MachineKey::Kind::real:
      return "a number";
    case MachineKey::Kind::text_list:
      return "a list of strings, e.g. [\"3,4\", \"7,1\"]";
  }
  return "";
}

std::string format_double(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  check(error == std::errc(), "to_chars of a double fits 64 chars");
  std::string text(buffer, end);
  // TOML needs a float to look like one; to_chars may give "5" for 5.0.
  if (text.find_first_of(".eE") == std::string::npos && text.find("inf") == std::string::npos &&
      text.find("nan") == std::string::npos)
    text += ".0";
  return text;
}

}  // namespace

namespace {

MachineOverrides overrides_from(const config::Value& table) {
  MachineOverrides overrides;
  for (const config::Entry& entry : table.entries) {
    if (entry.value.kind == config::Value::Kind::table)
      user_error(str(entry.where.str(), ": sections such as [", entry.key,
                     "] are not supported in a machine file: write every key at top level"));
    const MachineKey* key = nullptr;
    for (const MachineKey& candidate : machine_keys())
      if (candidate.name == entry.key) key = &candidate;
    if (key == nullptr) {
      std::string valid;
      for (const std::string& name : machine_file_keys())
        valid += (valid.empty() ? "" : ", ") + name;
      user_error(str(entry.where.str(), ": unknown key '", entry.key, "': valid keys are ", valid));
    }
    if (!kind_fits(key->kind, entry.value))
      user_error(str(entry.where.str(), ": ", entry.key, " takes ", kind_wanted(key->kind),
                     ", not ", config::kind_name(entry.value.kind)));
    std::vector<std::string> values;
    if (entry.value.kind == config::Value::Kind::array) {
      for (const config::Value& item : entry.value.items) {
        if (item.kind != config::Value::Kind::string)
          user_error(str(item.where.str(), ": ", entry.key, " takes ", kind_wanted(key->kind)));
        values.push_back(item.text);
      }
    } else {
      values.push_back(entry.value.text);
    }
    key->set(overrides, values, str(entry.where.str(), ": ", entry.key));
  }
  return overrides;
}

}  // namespace

MachineOverrides read_machine_overrides(std::istream& toml, std::string_view source) {
  std::ostringstream text;
  text << toml.rdbuf();
  return overrides_from(config::read_toml_text(text.str(), source));
}

MachineOverrides read_machine_overrides_file(const std::string& path) {
  return overrides_from(config::read_toml_file(path, "machine file"));
}

MachineSpec read_machine_spec(std::istream& toml, std::string_view source) {
  MachineOverrides overrides = read_machine_overrides(toml, source);
  return apply_overrides(preset_spec(overrides.preset.value_or("tile")), overrides);
}

MachineSpec read_machine_file(const std::string& path) {
  MachineOverrides overrides = read_machine_overrides_file(path);
  return apply_overrides(preset_spec(overrides.preset.value_or("tile")), overrides);
}

void write_machine_toml(const MachineSpec& spec, std::ostream& out) {
  out << "# dojo machine: " << spec.tiles_x << " x " << spec.tiles_y << " tiles of " << spec.chips_x
      << " x " << spec.chips_y << " chips; bandwidths in bytes/s, latencies in seconds\n";
  for (std::string_view name : preset_names())
    if (name == spec.name) out << "preset = \"" << spec.name << "\"\n";
  out << "tiles_x = " << spec.tiles_x << "\ntiles_y = " << spec.tiles_y << "\n";
  out << "chips_x = " << spec.chips_x << "\nchips_y = " << spec.chips_y << "\n";
  auto link = [&out](const char* key, const LinkParams& params) {
    out << key << "_bandwidth = " << format_double(params.bandwidth_Bps) << "\n";
    out << key << "_latency = " << format_double(params.latency_s) << "\n";
  };
  link("intra_tile", spec.intra_tile);
  link("tile_edge", spec.tile_edge);
  link("dip", spec.dip);
  link("host", spec.host);
  out << "chip_flops = " << format_double(spec.chip_flops) << "\n";
  out << "dead = [";
  for (std::size_t i = 0; i < spec.dead.size(); ++i)
    out << (i ? ", " : "") << "\"" << spec.dead[i].gx << "," << spec.dead[i].gy << "\"";
  out << "]\n";
}

}  // namespace dojo::topology
