// dojo's TOML files (train configs, the global --config, machine files) read with one library,
// toml++, into a small tree that keeps every key's file, line and column. Syntax errors, a
// duplicate key (TOML forbids them), a directory or an unreadable file are user errors that name
// FILE:LINE:COLUMN. A UTF-8 byte-order mark at the start of a file is accepted and skipped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dojo::config {

// Where a key or value was written: "train.toml:3:5".
struct Location {
  std::string source;
  int line = 0;
  int column = 0;
  std::string str() const;
};

struct Entry;

struct Value {
  enum class Kind { string, integer, floating, boolean, array, table, other };
  Kind kind = Kind::other;
  // A scalar as a command line would spell it: abc, 42, 0.001, 1e+39, nan, true.
  std::string text;
  std::vector<Value> items;    // Kind::array: the elements
  std::vector<Entry> entries;  // Kind::table: the keys, in file order
  Location where;
  bool is_scalar() const { return kind != Kind::array && kind != Kind::table; }
};

struct Entry {
  std::string key;
  Value value;
  Location where;  // of the key
};

// "string", "integer", "number", "true/false", "list", "section", "date or time".
const char* kind_name(Value::Kind kind);

// The top-level table of a file or of text (source names it in messages), keys in file order.
// what names the file in messages: "config file", "machine file".
Value read_toml_file(const std::string& path, std::string_view what = "config file");
Value read_toml_text(std::string_view text, std::string_view source);

}  // namespace dojo::config
