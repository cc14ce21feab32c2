// Plain text tables for the CLI: two-column key/value tables and column-aligned row tables.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace dojo::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  // Key/value tables read better with every column left-aligned.
  Table& align_numbers_right(bool on) {
    numbers_right_ = on;
    return *this;
  }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Numbers align right, text left; a rule under the header.
  void print(std::ostream& out) const;

 private:
  bool numbers_right_ = true;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

std::string fixed(double value, int decimals);

}  // namespace dojo::cli
