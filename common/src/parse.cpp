#include "dojo/common/parse.hpp"

#include <charconv>

#include "dojo/common/error.hpp"

namespace dojo {
namespace {

// The whole of `text`, blanks around it aside, as a decimal int.
bool parse_int(std::string_view text, int& value) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return false;
  text = text.substr(first, text.find_last_not_of(" \t") - first + 1);
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  return !text.empty() && result.ec == std::errc() && result.ptr == end;
}

}  // namespace

std::pair<int, int> parse_grid(std::string_view text, std::string_view what) {
  const auto x = text.find_first_of("xX");
  std::pair<int, int> grid{0, 0};
  if (x == std::string_view::npos || !parse_int(text.substr(0, x), grid.first) ||
      !parse_int(text.substr(x + 1), grid.second))
    user_error(str(what, ": expected a grid as \"AxB\" such as \"6x2\", got \"", text, "\""));
  return grid;
}

}  // namespace dojo
