// Applying a TOML file to one subcommand's options.
#include "config_file.hpp"

#include "dojo/common/error.hpp"

namespace dojo::cli {

CLI::Option* add_config_option(CLI::App& command, std::string& path) {
  return command.add_option("--config", path,
                            "TOML file of this command's options, one 'name = value' per line "
                            "(e.g. lr = 0.001, hidden = [256, 128]); command-line options win");
}

void apply_config_file(CLI::App& command, const std::string& path) {
  if (path.empty()) return;
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
