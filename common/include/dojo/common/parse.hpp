// Small pieces of text that options and files share, parsed in one place.
#pragma once

#include <string_view>
#include <utility>

namespace dojo {

// "AxB" (or "AXB", blanks around the numbers allowed), two integers such as "6x2", as {A, B}; a
// user error naming `what` (e.g. "--mesh", "tiles") otherwise. The caller checks the range (a
// machine file names the key at fault, a benchmark its option).
std::pair<int, int> parse_grid(std::string_view text, std::string_view what);

}  // namespace dojo
