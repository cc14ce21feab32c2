// The machine as command-line flags: --machine FILE, --preset NAME, --tiles 2x2, --dead 3,4, ...
// Precedence: the preset (flag, else the file's, else "tile"), then the file's keys, then flags.
#pragma once

#include <string>

#include "dojo/topology/machine.hpp"
#include "dojo/topology/machine_file.hpp"

namespace CLI {
class App;
}

namespace dojo::topology {

class MachineOptions {
 public:
  // Adds the machine flags to app in an option group "Machine". This object must outlive the parse.
  void add_to(CLI::App& app);

  // After app's parse: the machine the flags (and the file they name) describe.
  MachineSpec resolve_spec() const;
  Machine resolve() const { return Machine(resolve_spec()); }

  // The --machine file, empty when none was given.
  const std::string& machine_file() const noexcept { return machine_file_; }

 private:
  std::string machine_file_;
  MachineOverrides flags_;
};

}  // namespace dojo::topology
