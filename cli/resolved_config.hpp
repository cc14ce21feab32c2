// The resolved configuration of a command as a TOML file that `--config` reads back: one
// `name = value` line per option that applies (a filter decides), lists as TOML arrays, strings
// quoted and escaped.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace dojo::cli {

// applies(name): whether the option --name belongs in the output (e.g. only the model's options).
std::string resolved_toml(CLI::App& command, const std::function<bool(std::string_view)>& applies);

// text as a TOML basic string, quotes included.
std::string toml_string(std::string_view text);

}  // namespace dojo::cli
