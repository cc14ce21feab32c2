// Applying a TOML file to one subcommand's options.
#include "config_file.hpp"

#include <fstream>
#include <string>

#include "dojo/common/error.hpp"

namespace dojo::cli {

CLI::Option* add_config_option(CLI::App& command, std::string& path) {
  return command.add_option("--config", path,
                            "TOML file of this command's options, one 'name = value' per line "
                            "(e.g. lr = 0.001, hidden = [256, 128]); command-line options win");
}

namespace {

// CLI11's TOML reader accepts much that is not TOML (`hidden = [32` becomes the string "[32"), so
// the file's shape is checked first: every line is blank, a comment, a [section] or
// `key = value`, and quotes and brackets close on their line (dojo reads arrays on one line).
void check_toml_syntax(const std::string& path) {
  std::ifstream file(path);
  if (!file) user_error(str("cannot read config file '", path, "': no such file or not readable"));
  int depth = 0;
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    std::string code;
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (quote) {
        if (c == '\\' && quote == '"' && i + 1 < line.size()) {
          code += c;
          c = line[++i];
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#') {
        break;
      } else if (c == '[' || c == '{') {
        ++depth;
      } else if (c == ']' || c == '}') {
        if (--depth < 0 && code.find_first_not_of(" \t[") != std::string::npos)
          user_error(str(path, ":", number, ": malformed TOML: unmatched '", c, "' in: ", line));
        if (depth < 0) depth = 0;  // a [section] header
      }
      code += c;
    }
    if (quote)
      user_error(str(path, ":", number, ": malformed TOML: unclosed ", quote, " in: ", line));
    const auto first = code.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    if (depth > 0)
      user_error(str(path, ":", number, ": malformed TOML: '[' or '{' not closed on its line ",
                     "(write arrays on one line, e.g. hidden = [256, 128]): ", line));
    if (depth == 0 && code[first] == '[') continue;     // [section]
    if (code.find('=') == std::string::npos)
      user_error(str(path, ":", number, ": malformed TOML: expected 'name = value', got: ", line));
  }
}

}  // namespace

void apply_config_file(CLI::App& command, const std::string& path) {
  if (path.empty()) return;
  check_toml_syntax(path);
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::Error& e) {
    user_error(str("cannot read config file '", path, "': ", e.what()));
  }
  for (const auto& item : items) {
    // CLI11 marks section boundaries with "++" and "--" items.
    if (item.name == "++" || item.name == "--" || item.name == "config") continue;
    if (!item.parents.empty())
      user_error(str(path, ": section [", item.parents.front(),
                     "] is not supported: write the options as top-level keys"));
    CLI::Option* option = command.get_option_no_throw("--" + item.name);
    if (option == nullptr)
      user_error(str(path, ": unknown option '", item.name, "' for 'dojo ", command.get_name(),
                     "' (see 'dojo ", command.get_name(), " --help')"));
    if (option->count() > 0) continue;  // given on the command line
    try {
      option->add_result(item.inputs);
      option->run_callback();
    } catch (const CLI::Error& e) {
      user_error(str(path, ": bad value for '", item.name, "': ", e.what()));
    }
  }
}

}  // namespace dojo::cli
