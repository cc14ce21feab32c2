// The TOML reader: toml++ parses, this file turns its tree into config::Value with locations and
// turns its errors into one user error naming FILE:LINE:COLUMN.
#include "dojo/config/toml.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dojo/common/error.hpp"

namespace dojo::config {
namespace {

// A config file is a page of keys; anything larger is not one (and not worth reading whole).
constexpr std::uintmax_t kMaxFileBytes = 4u << 20;

Location location_of(const toml::source_region& region, std::string_view source) {
  return Location{std::string(source), static_cast<int>(region.begin.line),
                  static_cast<int>(region.begin.column)};
}

std::string number_text(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  check(error == std::errc(), "to_chars of a double fits 64 chars");
  return std::string(buffer, end);
}

Value convert(const toml::node& node, std::string_view source) {
  Value value;
  value.where = location_of(node.source(), source);
  if (const auto* s = node.as_string()) {
    value.kind = Value::Kind::string;
    value.text = s->get();
  } else if (const auto* i = node.as_integer()) {
    value.kind = Value::Kind::integer;
    value.text = std::to_string(i->get());
  } else if (const auto* f = node.as_floating_point()) {
    value.kind = Value::Kind::floating;
    value.text = number_text(f->get());
  } else if (const auto* b = node.as_boolean()) {
    value.kind = Value::Kind::boolean;
    value.text = b->get() ? "true" : "false";
  } else if (const auto* a = node.as_array()) {
    value.kind = Value::Kind::array;
    for (const toml::node& item : *a) value.items.push_back(convert(item, source));
  } else if (const auto* t = node.as_table()) {
    value.kind = Value::Kind::table;
    for (auto&& [key, child] : *t)
      value.entries.push_back(
          Entry{std::string(key.str()), convert(child, source), location_of(key.source(), source)});
    // toml++ keeps a table's keys sorted; the file's order reads better in messages.
    std::stable_sort(
        value.entries.begin(), value.entries.end(), [](const Entry& a, const Entry& b) {
          return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
        });
  } else {
    value.kind = Value::Kind::other;  // dates and times: no dojo key takes one
  }
  return value;
}

}  // namespace

std::string Location::str() const {
  if (line <= 0) return source;
  return dojo::str(source, ":", line, ":", column);
}

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::string:
      return "a string";
    case Value::Kind::integer:
      return "an integer";
    case Value::Kind::floating:
      return "a number";
    case Value::Kind::boolean:
      return "true/false";
    case Value::Kind::array:
      return "a list";
    case Value::Kind::table:
      return "a section";
    case Value::Kind::other:
      break;
  }
  return "a date or time";
}

Value read_toml_text(std::string_view text, std::string_view source) {
  try {
    toml::table table = toml::parse(text, source);
    return convert(table, source);
  } catch (const toml::parse_error& e) {
    const Location where = location_of(e.source(), source);
    user_error(str(where.str(), ": malformed TOML: ", e.description()));
  }
}

Value read_toml_file(const std::string& path, std::string_view what) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) user_error(str("cannot read ", what, " '", path, "': no such file"));
  if (fs::is_directory(status))
    user_error(str(what, " '", path, "' is a directory: give a TOML file"));
  if (!fs::is_regular_file(status))
    user_error(str(what, " '", path, "' is not a regular file: give a TOML file"));
  const std::uintmax_t size = fs::file_size(path, error);
  if (!error && size > kMaxFileBytes)
    user_error(str(what, " '", path, "' is ", size, " bytes; a TOML config is at most ",
                   kMaxFileBytes >> 20, " MiB: is it the right file?"));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || (!(text << in.rdbuf()) && size > 0))
    user_error(str("cannot read ", what, " '", path, "': not readable"));
  return read_toml_text(text.str(), path);
}

}  // namespace dojo::config
