// The machine as command-line flags (the key table of topology/machine_file.hpp as CLI11 options):
// --machine FILE, --preset NAME, --tiles 2x2, --dead 3,4, ... Precedence: the preset (flag, else
// the file's, else "tile"), then the file's keys, then flags.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "dojo/topology/machine.hpp"
#include "dojo/topology/machine_file.hpp"

namespace dojo::cli {

class MachineOptions {
 public:
  // Adds the machine flags to app in an option group "Machine". This object must outlive the parse.
  void add_to(CLI::App& app);

  // After app's parse: the machine the flags (and the file they name) describe.
  topology::MachineSpec resolve_spec() const;
  topology::Machine resolve() const { return topology::Machine(resolve_spec()); }

  // The --machine file, empty when none was given.
  const std::string& machine_file() const noexcept { return machine_file_; }

 private:
  std::string machine_file_;
  topology::MachineOverrides flags_;
};

}  // namespace dojo::cli
