// Applying TOML files (read by dojo::config) to CLI11 options, and the command line's rule for
// repeated options; see config_file.hpp for the precedence.
#include "config_file.hpp"

#include <algorithm>
#include <map>
#include <string_view>

#include "dojo/common/error.hpp"
#include "dojo/config/toml.hpp"

namespace dojo::cli {
namespace {

using config::Value;

std::string command_path(const CLI::App& app) {
  std::string path;
  for (const CLI::App* a = &app; a != nullptr && a->get_parent() != nullptr; a = a->get_parent())
    path = a->get_name() + (path.empty() ? "" : " " + path);
  return path.empty() ? "dojo" : "dojo " + path;
}

bool is_group(const CLI::App* app) {
  return app->get_name().empty();
}

std::vector<CLI::App*> named_subcommands(CLI::App& app) {
  return app.get_subcommands([](CLI::App* sub) { return !is_group(sub); });
}

// The option a key names: `min-lr` or `min_lr` for --min-lr; nullptr when none (--config and
// --help are not keys).
CLI::Option* option_for_key(CLI::App& app, std::string key) {
  std::replace(key.begin(), key.end(), '_', '-');
  if (key == "config" || key == "help" || key == "help-all") return nullptr;
  CLI::Option* option = app.get_option_no_throw("--" + key);
  if (option == nullptr)  // machine-file style flags keep their underscores (--tiles_x)
    for (CLI::Option* o : all_options(app))
      for (const std::string& name : o->get_lnames()) {
        std::string dashed = name;
        std::replace(dashed.begin(), dashed.end(), '_', '-');
        if (dashed == key) return o;
      }
  return option;
}

std::string base_type(const CLI::Option& option) {
  std::string type = option.get_type_name();
  return type.substr(0, type.find(':'));
}

bool is_list(const CLI::Option& option) {
  return option.get_items_expected_max() > 1;
}
bool is_flag(const CLI::Option& option) {
  return option.get_type_size() == 0;
}

// A value of the wrong TOML kind for the option: why, else "".
std::string kind_mismatch(const CLI::Option& option, const Value& value) {
  const std::string type = base_type(option);
  const bool numeric = type == "INT" || type == "UINT" || type == "FLOAT" || type == "NUMBER";
  const bool number = value.kind == Value::Kind::integer || value.kind == Value::Kind::floating;
  if (!value.is_scalar())
    return str("takes ", numeric ? "a number" : "a value", ", not ", config::kind_name(value.kind));
  if (value.kind == Value::Kind::other) return "does not take a date or time";
  if (is_flag(option) || type == "BOOLEAN")
    return value.kind == Value::Kind::boolean ? "" : "takes true or false";
  if (numeric && !number)
    return str("takes a number, not ", config::kind_name(value.kind),
               value.kind == Value::Kind::string ? " (write it without quotes)" : "");
  if (type == "INT" || type == "UINT")
    if (value.kind == Value::Kind::floating) return "takes a whole number";
  return {};
}

// Sets option from value (a scalar, or a list for a list option), running its validators.
void set_option(CLI::Option& option, const config::Entry& entry) {
  const Value& value = entry.value;
  const std::string at = str(entry.where.str(), ": '", entry.key, "'");
  std::vector<std::string> texts;
  if (value.kind == Value::Kind::array) {
    if (!is_list(option))
      user_error(str(at, " takes one value, not a list (write ", entry.key, " = VALUE)"));
    for (const Value& item : value.items) {
      if (std::string why = kind_mismatch(option, item); !why.empty())
        user_error(str(item.where.str(), ": an element of '", entry.key, "' ", why));
      texts.push_back(item.text);
    }
  } else {
    if (std::string why = kind_mismatch(option, value); !why.empty()) user_error(str(at, " ", why));
    texts.push_back(is_flag(option)
                        ? option.get_flag_value(option.get_name(false, true), value.text)
                        : value.text);
  }
  try {
    option.add_result(texts);
    option.run_callback();
  } catch (const CLI::Error& e) {
    user_error(str(value.where.str(), ": ", e.what()));
  }
}

std::string section_list(CLI::App& app) {
  std::string names;
  for (CLI::App* sub : named_subcommands(app))
    names += (names.empty() ? "[" : ", [") + sub->get_name() + "]";
  return names;
}

// Applies table to app's options (apply: only when app was chosen) and, when sections are
// allowed, its [section] tables to the subcommands of that name. Every key and section is
// checked whether or not it is applied, so a typo in an unused section is still found.
void apply_table(CLI::App& app, const Value& table, bool sections, bool apply,
                 const std::string& source) {
  std::map<CLI::Option*, const config::Entry*> set_here;
  for (const config::Entry& entry : table.entries) {
    if (entry.value.kind == Value::Kind::table) {
      CLI::App* sub = nullptr;
      for (CLI::App* candidate : named_subcommands(app))
        if (candidate->get_name() == entry.key) sub = candidate;
      if (!sections)
        user_error(str(entry.where.str(), ": section [", entry.key, "] is not supported in ",
                       source, ": write the options of '", command_path(app),
                       "' as top-level keys"));
      if (sub == nullptr)
        user_error(str(
            entry.where.str(), ": unknown section [", entry.key, "] for '", command_path(app), "'",
            named_subcommands(app).empty() ? std::string(": it has no subcommands")
                                           : str(": the sections are ", section_list(app))));
      apply_table(*sub, entry.value, true, apply && sub->parsed(), source);
      continue;
    }
    CLI::Option* option = option_for_key(app, entry.key);
    if (option == nullptr)
      user_error(str(entry.where.str(), ": unknown option '", entry.key, "' for '",
                     command_path(app), "' (see '", command_path(app), " --help')"));
    if (auto [it, inserted] = set_here.emplace(option, &entry); !inserted)
      user_error(str(entry.where.str(), ": '", entry.key, "' sets ", option->get_name(),
                     " again (first as '", it->second->key, "' at ", it->second->where.str(),
                     "): keep one"));
    if (!apply || option->count() > 0) continue;  // an earlier source set it
    set_option(*option, entry);
  }
}

}  // namespace

std::vector<CLI::Option*> all_options(CLI::App& app) {
  std::vector<CLI::Option*> options = app.get_options();
  for (CLI::App* group : app.get_subcommands([](CLI::App* sub) { return is_group(sub); })) {
    std::vector<CLI::Option*> more = all_options(*group);
    options.insert(options.end(), more.begin(), more.end());
  }
  return options;
}

CLI::Option* add_config_option(CLI::App& command, std::string& path) {
  return command.add_option("--config", path,
                            "TOML file of this command's options, one 'name = value' per line "
                            "(e.g. lr = 0.001, hidden = [256, 128]); command-line options win");
}

CLI::Option* add_global_config_option(CLI::App& app, std::string& path) {
  return app.add_option("--config", path,
                        "TOML file of global options (log-level = \"debug\") and, in a "
                        "[command] section per command ([train], [topology.show]), its options; "
                        "the command line and a command's own --config win");
}

void last_value_wins(CLI::App& app) {
  for (CLI::Option* option : app.get_options())
    if (option->get_items_expected_max() == 1 && option->get_type_size() == 1)
      option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  for (CLI::App* sub : app.get_subcommands({})) last_value_wins(*sub);
}

void refuse_repeated_lists(CLI::App& app, int argc, const char* const* argv) {
  for (CLI::App* level = &app; level != nullptr;) {
    for (CLI::Option* option : all_options(*level)) {
      if (!is_list(*option) || option->count() == 0) continue;
      int uses = 0;
      for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        for (const std::string& name : option->get_lnames())
          if (arg == "--" + name || arg.starts_with("--" + name + "=")) ++uses;
      }
      if (uses > 1) {
        std::string all;
        for (const std::string& value : option->results()) all += " " + value;
        user_error(str(option->get_name(), " is given ", uses,
                       " times on the command line: give all its values in one use, e.g. ",
                       option->get_name(), all));
      }
    }
    CLI::App* next = nullptr;
    for (CLI::App* sub : named_subcommands(*level))
      if (sub->parsed()) next = sub;
    level = next;
  }
}

void apply_config_files(CLI::App& app, const std::string& global_path) {
  // The chosen commands, outermost first; each one's own --config file applies to it.
  std::vector<CLI::App*> chosen;
  for (CLI::App* level = &app;;) {
    CLI::App* next = nullptr;
    for (CLI::App* sub : named_subcommands(*level))
      if (sub->parsed()) next = sub;
    if (next == nullptr) break;
    chosen.push_back(next);
    level = next;
  }
  for (auto it = chosen.rbegin(); it != chosen.rend(); ++it) {
    CLI::Option* own = (*it)->get_option_no_throw("--config");
    if (own == nullptr || own->count() == 0) continue;
    const std::string path = own->as<std::string>();
    apply_table(**it, config::read_toml_file(path), false, true,
                str("'", command_path(**it), " --config'"));
  }
  if (!global_path.empty())
    apply_table(app, config::read_toml_file(global_path), true, true, "the global --config");
}

}  // namespace dojo::cli
