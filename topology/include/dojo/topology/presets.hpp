// Named machines: tile (1 tile), tray (6 x 1 tiles), cabinet (6 x 2), exapod (12 x 10 = 120 tiles).
// Each is the default MachineSpec with its tile grid; files and flags override keys on top of it.
#pragma once

#include <span>
#include <string_view>

#include "dojo/topology/machine.hpp"

namespace dojo::topology {

// The valid preset names, in size order.
std::span<const std::string_view> preset_names();

// The spec of a preset; an unknown name raises user_error listing the valid ones.
MachineSpec preset_spec(std::string_view name);

inline Machine preset_machine(std::string_view name) {
  return Machine(preset_spec(name));
}

}  // namespace dojo::topology
