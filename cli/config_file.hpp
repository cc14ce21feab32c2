// dojo's configuration sources and their one rule of precedence: the command line, then the
// chosen command's own `--config FILE` (`dojo train --config f.toml`, top-level keys), then the
// global `dojo --config FILE` (global keys at top level, a command's keys in its [command]
// section). Files are read by dojo::config (toml++); a key is applied to the option of the same
// name (dashes or underscores) through the option's own validators.
//
// Repeats: a TOML file may set a key once (TOML's rule; a repeat is an error naming its line), and
// two spellings of one key (min-lr, min_lr) count as a repeat. On the command line a single-value
// option given again replaces the earlier value, so a batch script's arguments can be overridden
// by appending (`sbatch slurm/train.sbatch --steps 500`); a list option (--hidden 256 128) takes
// all its values in one use, and a second use is refused instead of silently joining the lists.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace dojo::cli {

// Adds `--config FILE` to a command; apply_config_files reads it after parsing.
CLI::Option* add_config_option(CLI::App& command, std::string& path);
// Adds the global `--config FILE` to the top-level app.
CLI::Option* add_global_config_option(CLI::App& app, std::string& path);

// Call before app.parse: a repeated single-value option takes the last value.
void last_value_wins(CLI::App& app);
// Call after app.parse: refuses a list option used twice in argv (see above).
void refuse_repeated_lists(CLI::App& app, int argc, const char* const* argv);

// Applies the chosen command's --config file, then the global file (global_path, may be empty),
// to every option the command line left unset. Unknown keys and sections, values of the wrong
// kind and values outside an option's domain are user errors naming FILE:LINE:COLUMN.
void apply_config_files(CLI::App& app, const std::string& global_path);

// Every option of app, its option groups included (not its named subcommands).
std::vector<CLI::Option*> all_options(CLI::App& app);

}  // namespace dojo::cli
