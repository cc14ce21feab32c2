// HDF5 fixed-length strings as read into one buffer: `count` strings of `size` bytes each,
// padded with nulls or spaces (as other tools may write them), trimmed back to their text.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace dojo::io::detail {

inline void append_fixed_strings(const std::vector<char>& buffer, std::size_t count,
                                 std::size_t size, std::vector<std::string>& values) {
  for (std::size_t i = 0; i < count; ++i) {
    std::string value(buffer.data() + i * size, size);
    value = value.substr(0, value.find('\0'));
    while (!value.empty() && value.back() == ' ') value.pop_back();
    values.push_back(value);
  }
}

}  // namespace dojo::io::detail
