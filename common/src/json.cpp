#include "dojo/common/json.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "dojo/common/error.hpp"

namespace dojo::json {

void write_string(std::ostream& out, std::string_view text) {
  out << '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out << "\\\"";
        break;
      case '\\':
        out << "\\\\";
        break;
      case '\n':
        out << "\\n";
        break;
      case '\r':
        out << "\\r";
        break;
      case '\t':
        out << "\\t";
        break;
      case '\b':
        out << "\\b";
        break;
      case '\f':
        out << "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char code[8];
          std::snprintf(code, sizeof code, "\\u%04x", static_cast<unsigned>(c));
          out << code;
        } else {
          out << c;  // UTF-8 bytes go out as they are
        }
    }
  }
  out << '"';
}

void write_number(std::ostream& out, double value) {
  if (!std::isfinite(value)) {
    out << "null";
    return;
  }
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);  // shortest round trip
  out.write(text, result.ptr - text);
}

void write_number(std::ostream& out, std::int64_t value) {
  char text[24];
  const auto result = std::to_chars(text, text + sizeof text, value);
  out.write(text, result.ptr - text);
}

void Writer::newline(std::size_t depth) {
  out_ << '\n' << std::string(depth * static_cast<std::size_t>(indent_), ' ');
}

void Writer::element() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (open_.empty()) return;  // the top-level value
  if (!open_.back().empty) out_ << (indent_ > 0 ? "," : ", ");
  open_.back().empty = false;
  if (indent_ > 0) newline(open_.size());
}

Writer& Writer::object() {
  element();
  out_ << '{';
  open_.push_back({'}', true});
  return *this;
}

Writer& Writer::array() {
  element();
  out_ << '[';
  open_.push_back({']', true});
  return *this;
}

Writer& Writer::end() {
  check(!open_.empty() && !after_key_, "json::Writer::end() closes an open container");
  const Level level = open_.back();
  open_.pop_back();
  if (indent_ > 0 && !level.empty) newline(open_.size());
  out_ << level.closer;
  return *this;
}

Writer& Writer::key(std::string_view name) {
  element();
  write_string(out_, name);
  out_ << ": ";
  after_key_ = true;
  return *this;
}

Writer& Writer::value(double v) {
  element();
  write_number(out_, v);
  return *this;
}

Writer& Writer::value(std::string_view v) {
  element();
  write_string(out_, v);
  return *this;
}

Writer& Writer::value(bool v) {
  element();
  out_ << (v ? "true" : "false");
  return *this;
}

Writer& Writer::null() {
  element();
  out_ << "null";
  return *this;
}

}  // namespace dojo::json
