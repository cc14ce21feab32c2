// The named Dojo machines of the hardware notes, as tile grids of 5 x 5 chips.
#include "dojo/topology/presets.hpp"

#include <array>

#include "dojo/common/error.hpp"

namespace dojo::topology {
namespace {

struct Preset {
  std::string_view name;
  int tiles_x;
  int tiles_y;
};

// A tray is 6 tiles in a row; a cabinet 2 trays; an ExaPOD 10 cabinets laid out as 12 x 10 tiles.
constexpr std::array<Preset, 4> kPresets{{
    {"tile", 1, 1},
    {"tray", 6, 1},
    {"cabinet", 6, 2},
    {"exapod", 12, 10},
}};

constexpr std::array<std::string_view, kPresets.size()> kNames{kPresets[0].name, kPresets[1].name,
                                                               kPresets[2].name, kPresets[3].name};

}  // namespace

std::span<const std::string_view> preset_names() {
  return kNames;
}

MachineSpec preset_spec(std::string_view name) {
  for (const Preset& preset : kPresets) {
    if (preset.name != name) continue;
    MachineSpec spec;
    spec.name = std::string(preset.name);
    spec.tiles_x = preset.tiles_x;
    spec.tiles_y = preset.tiles_y;
    return spec;
  }
  std::string valid;
  for (std::string_view known : kNames) valid += (valid.empty() ? "" : ", ") + std::string(known);
  user_error(str("unknown machine preset '", name, "': use one of ", valid));
}

}  // namespace dojo::topology
