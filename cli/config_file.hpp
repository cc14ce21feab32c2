// A subcommand's own TOML file: `dojo train --config FILE`. CLI11 2.1 reads config files for the
// top-level app only, so this applies a file's top-level keys to one subcommand's options with
// CLI11's TOML reader; options given on the command line win.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace dojo::cli {

// Adds `--config FILE` to `command`; call apply_config_file after parsing.
CLI::Option* add_config_option(CLI::App& command, std::string& path);

// Sets every option named in the file that the command line left unset, running its validators.
// An unknown key, a bad value or an unreadable file is a user error naming the file and the key.
void apply_config_file(CLI::App& command, const std::string& path);

}  // namespace dojo::cli
