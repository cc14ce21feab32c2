// Machine flags on a caller's CLI11 app, resolved against the --machine file and the preset.
#include "machine_options.hpp"

#include "dojo/common/error.hpp"
#include "dojo/topology/presets.hpp"

namespace dojo::cli {

using namespace topology;

void MachineOptions::add_to(CLI::App& app) {
  CLI::App* group = app.add_option_group("Machine", "the Dojo machine model (mesh of tiles)");
  group->add_option("--machine", machine_file_,
                    "TOML machine file (keys as these flags with _ for -); flags override it");
  for (const MachineKey& key : machine_keys()) {
    std::string flag = "--" + key.name;
    for (char& c : flag)
      if (c == '_') c = '-';
    // A key's domain error is a dojo user error; CLI11 reports it as a bad value of the flag.
    auto set = [this, &key, flag](const std::vector<std::string>& values) {
      try {
        key.set(flags_, values, flag);
      } catch (const dojo::Error& e) {
        throw CLI::ValidationError(e.message());
      }
    };
    CLI::Option* option = group->add_option_function<std::vector<std::string>>(flag, set, key.help);
    if (key.kind != MachineKey::Kind::text_list) option->expected(1);
    option->type_name(key.kind == MachineKey::Kind::whole  ? "INT"
                      : key.kind == MachineKey::Kind::real ? "FLOAT"
                                                           : "TEXT");
  }
}

MachineSpec MachineOptions::resolve_spec() const {
  MachineOverrides file;
  if (!machine_file_.empty()) file = read_machine_overrides_file(machine_file_);
  std::string preset = flags_.preset.value_or(file.preset.value_or("tile"));
  return apply_overrides(apply_overrides(preset_spec(preset), file), flags_);
}

}  // namespace dojo::cli
