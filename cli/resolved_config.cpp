// Writing a command's options back as TOML, from CLI11's record of each option (its values when
// given, else its default), typed by the option's type name.
#include "resolved_config.hpp"

#include <charconv>
#include <cstdlib>

#include "config_file.hpp"
#include "dojo/common/error.hpp"

namespace dojo::cli {
namespace {

std::string base_type(const CLI::Option& option) {
  std::string type = option.get_type_name();
  return type.substr(0, type.find(':'));
}

// A value in TOML: numbers as numbers (floats in their shortest exact form), text quoted.
std::string toml_value(const std::string& type, const std::string& text) {
  if (type == "INT" || type == "UINT")
    return text.empty() || text.front() != '+' ? text : text.substr(1);
  if (type == "FLOAT" || type == "NUMBER") {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    char buffer[64];
    auto [last, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    check(error == std::errc(), "to_chars of a double fits 64 chars");
    return std::string(buffer, last);
  }
  return toml_string(text);
}

// A list option's default as CLI11 captured it: "[256,128]" -> {"256", "128"}.
std::vector<std::string> default_list(std::string text) {
  if (!text.empty() && text.front() == '[') text = text.substr(1, text.size() - 2);
  std::vector<std::string> items;
  for (std::size_t start = 0; !text.empty() && start <= text.size();) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

}  // namespace

std::string toml_string(std::string_view text) {
  std::string out = "\"";
  static const char* digits = "0123456789abcdef";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += {'\\', 'u', '0', '0', digits[c >> 4], digits[c & 15]};
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string resolved_toml(CLI::App& command, const std::function<bool(std::string_view)>& applies) {
  std::string out;
  for (CLI::Option* option : all_options(command)) {
    const std::vector<std::string>& long_names = option->get_lnames();
    if (long_names.empty()) continue;
    const std::string& name = long_names.front();
    if (name.empty() || name == "config" || name == "help" || !applies(name)) continue;
    const std::string type = base_type(*option);
    const bool given = option->count() > 0;
    std::string value;
    if (option->get_type_size() == 0 || type == "BOOLEAN") {  // a flag or a true/false option
      bool on = false;
      try {
        on = option->as<bool>();
      } catch (const CLI::Error&) {
        on = false;
      }
      value = on ? "true" : "false";
    } else if (option->get_items_expected_max() > 1) {
      const std::vector<std::string> items =
          given ? option->results() : default_list(option->get_default_str());
      if (items.empty()) continue;  // an empty list is the default: nothing to say
      for (const std::string& item : items)
        value += (value.empty() ? "[" : ", ") + toml_value(type, item);
      value += "]";
    } else {
      if (!given && option->get_default_str().empty()) continue;  // unset, no default
      value = toml_value(type, given ? option->results().back() : option->get_default_str());
    }
    out += name + " = " + value + "\n";
  }
  return out;
}

}  // namespace dojo::cli
