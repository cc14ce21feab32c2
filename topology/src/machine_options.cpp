// Machine flags on a caller's CLI11 app, resolved against the --machine file and the preset.
#include "dojo/topology/machine_options.hpp"

#include <CLI/CLI.hpp>
#include <fstream>

#include "dojo/common/error.hpp"
#include "dojo/topology/presets.hpp"

namespace dojo::topology {

void MachineOptions::add_to(CLI::App& app) {
  CLI::App* group = app.add_option_group("Machine", "the Dojo machine model (mesh of tiles)");
  group->add_option("--machine", machine_file_,
                    "TOML machine file (keys as these flags with _ for -); flags override it");
  add_machine_keys(*group, flags_, KeyStyle::flag);
}

MachineSpec MachineOptions::resolve_spec() const {
  MachineOverrides file;
  if (!machine_file_.empty()) {
    std::ifstream in(machine_file_);
    if (!in)
      user_error(
          str("cannot open machine file '", machine_file_, "': check the path given to --machine"));
    file = read_machine_overrides(in, machine_file_);
  }
  std::string preset = flags_.preset.value_or(file.preset.value_or("tile"));
  return apply_overrides(apply_overrides(preset_spec(preset), file), flags_);
}

}  // namespace dojo::topology
