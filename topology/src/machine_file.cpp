// Reads and writes TOML machine files through CLI11's config parser. A light pre-pass gives errors
// with line numbers that CLI11 does not: duplicate keys, [sections], and it joins multi-line
// arrays, which CLI11 2.1 only reads when the first element shares the key's line.
#include <CLI/CLI.hpp>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include "dojo/common/error.hpp"
#include "dojo/topology/machine_file.hpp"
#include "dojo/topology/presets.hpp"

namespace dojo::topology {
namespace {

std::string trimmed(const std::string& text) {
  auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::string without_comment(const std::string& line) {
  auto hash = line.find('#');
  return trimmed(hash == std::string::npos ? line : line.substr(0, hash));
}

// One key = value per line, arrays joined onto one line; errors name source:line.
std::string normalise_toml(std::istream& in, std::string_view source) {
  std::map<std::string, int> first_line_of_key;
  std::string out, line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    std::string text = without_comment(line);
    if (text.empty()) continue;
    if (text.front() == '[')
      user_error(str(source, ":", line_number, ": sections such as ", text,
                     " are not supported in a machine file: write every key at top level"));
    auto equals = text.find('=');
    if (equals == std::string::npos)
      user_error(str(source, ":", line_number, ": expected key = value, got \"", text, "\""));
    std::string key = trimmed(text.substr(0, equals));
    auto [it, inserted] = first_line_of_key.emplace(key, line_number);
    if (!inserted)
      user_error(str(source, ":", line_number, ": key '", key, "' is set twice (first on line ",
                     it->second, "): keep one"));
    std::string value = trimmed(text.substr(equals + 1));
    int start_line = line_number;
    if (!value.empty() && value.front() == '[') {
      while (value.find(']') == std::string::npos) {
        if (!std::getline(in, line))
          user_error(str(source, ":", start_line, ": the array of '", key, "' has no closing ]"));
        ++line_number;
        value += " " + without_comment(line);
      }
      // "[ "a", "b", ]" -> ["a", "b"]: CLI11 wants no blank after [ and no trailing comma.
      std::string inner = trimmed(value.substr(1, value.find(']') - 1));
      if (!inner.empty() && inner.back() == ',') inner = trimmed(inner.substr(0, inner.size() - 1));
      // CLI11 refuses an empty list; an empty string stands for "no entries" (see
      // add_machine_keys).
      value = inner.empty() ? std::string("[\"\"]") : "[" + inner + "]";
    }
    out += key + " = " + value + "\n";
  }
  return out;
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

// CLI11 names options "--tiles_x"; in a file the key is "tiles_x".
std::string without_dashes(std::string text) {
  for (auto at = text.find("--"); at != std::string::npos; at = text.find("--", at))
    text.erase(at, 2);
  return text;
}

}  // namespace

MachineOverrides read_machine_overrides(std::istream& toml, std::string_view source) {
  std::istringstream normalised(normalise_toml(toml, source));
  MachineOverrides overrides;
  CLI::App app{"dojo machine file"};
  add_machine_keys(app, overrides, KeyStyle::toml);
  app.allow_config_extras(CLI::config_extras_mode::capture);
  app.allow_extras(true);
  try {
    app.parse_from_stream(normalised);
  } catch (const CLI::Error& e) {
    user_error(str(source, ": ", without_dashes(e.what())));
  }
  std::vector<std::string> unknown = app.remaining();
  if (!unknown.empty()) {
    std::string valid;
    for (const std::string& key : machine_file_keys()) valid += (valid.empty() ? "" : ", ") + key;
    user_error(str(source, ": unknown key '", unknown.front(), "': valid keys are ", valid));
  }
  return overrides;
}

MachineSpec read_machine_spec(std::istream& toml, std::string_view source) {
  MachineOverrides overrides = read_machine_overrides(toml, source);
  return apply_overrides(preset_spec(overrides.preset.value_or("tile")), overrides);
}

MachineSpec read_machine_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    user_error(str("cannot open machine file '", path, "': check the path given to --machine"));
  return read_machine_spec(in, path);
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
