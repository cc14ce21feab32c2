// Text table layout.
#include "table.hpp"

#include <algorithm>
#include <cctype>
#include <iomanip>
#include <sstream>

namespace dojo::cli {
namespace {
bool looks_numeric(const std::string& s) {
  return !s.empty() &&
         (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '.') &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == 'x' ||
                  c == 'e' || c == '+' || c == '%';
         });
}
}  // namespace

void Table::print(std::ostream& out) const {
  std::vector<std::size_t> width(header_.size(), 0);
  for (std::size_t c = 0; c < header_.size(); ++c) width[c] = header_[c].size();
  for (const auto& row : rows_)
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  auto line = [&](const std::vector<std::string>& cells, bool header) {
    for (std::size_t c = 0; c < width.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      bool right = numbers_right_ && !header && looks_numeric(cell) && c > 0;
      bool last = c + 1 == width.size();
      if (last && !right) {
        out << cell;  // no trailing padding
      } else {
        out << (right ? std::right : std::left) << std::setw(static_cast<int>(width[c])) << cell;
      }
      out << (last ? "" : "  ");
    }
    out << '\n';
  };
  line(header_, true);
  std::size_t total = 0;
  for (auto w : width) total += w + 2;
  out << std::string(total > 2 ? total - 2 : total, '-') << '\n';
  for (const auto& row : rows_) line(row, false);
}

std::string fixed(double value, int decimals) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << value;
  return s.str();
}

}  // namespace dojo::cli
