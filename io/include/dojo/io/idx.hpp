// Reading IDX files, the format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): a magic
// number 0x00000800 | type << 8 | rank, big-endian uint32 dimensions, then the data, row-major.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dojo::io {

struct IdxArray {
  std::vector<std::int64_t> dims;  // e.g. {60000, 28, 28} for images, {60000} for labels
  std::vector<std::uint8_t> data;  // product(dims) values, row-major
};

// Reads an IDX file of unsigned bytes (type 0x08), plain or gzip-compressed (detected by content,
// whatever the name). Anything malformed, truncated or with trailing bytes is a user error naming
// the file.
IdxArray read_idx(const std::string& path);

}  // namespace dojo::io
