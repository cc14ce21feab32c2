// The one JSON writer of every file dojo writes (metrics.jsonl, Chrome traces, benchmark results):
// strings escaped (quotes, backslashes, control characters), numbers in the shortest form that
// reads back to the same double, and NaN and infinities written as null, since JSON has no literal
// for them (a reader sees "no value", never a parse error). Style: {"key": value, "key": value},
// on one line, or indented over several lines when asked.
#pragma once

#include <concepts>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace dojo::json {

// `text` as a JSON string literal, quotes included.
void write_string(std::ostream& out, std::string_view text);
// `value` as a JSON number; null when it is NaN or infinite.
void write_number(std::ostream& out, double value);
void write_number(std::ostream& out, std::int64_t value);

// Writes one JSON value (an object or an array, nested as deep as needed) to a stream:
//   json::Writer(out).object().field("step", 3).field("loss", loss).end();
// Containers close with end(); inside an object every value follows a key().
class Writer {
 public:
  // indent 0: one line ({"a": 1, "b": [2, 3]}); indent n: each element on its own line, n spaces
  // deeper per level.
  explicit Writer(std::ostream& out, int indent = 0) : out_(out), indent_(indent) {}

  Writer& object();
  Writer& array();
  Writer& end();
  Writer& key(std::string_view name);

  Writer& value(double v);
  Writer& value(float v) { return value(static_cast<double>(v)); }
  Writer& value(std::string_view v);
  Writer& value(const char* v) { return value(std::string_view(v)); }
  Writer& value(const std::string& v) { return value(std::string_view(v)); }
  Writer& value(bool v);
  template <std::integral T>
  requires(!std::same_as<T, bool>) Writer& value(T v) {
    element();
    write_number(out_, static_cast<std::int64_t>(v));
    return *this;
  }
  Writer& null();

  template <typename T>
  Writer& field(std::string_view name, const T& v) {
    return key(name).value(v);
  }

 private:
  void element();  // the separator before a value (none after a key)
  void newline(std::size_t depth);

  std::ostream& out_;
  int indent_;
  struct Level {
    char closer;  // '}' or ']'
    bool empty;   // no element yet
  };
  std::vector<Level> open_;  // the containers not closed yet, outermost first
  bool after_key_ = false;
};

}  // namespace dojo::json
