// Test tensors for the checkpoint tests: known values, and the pieces each rank of a layout holds
// (split along dim 0, dim 1 or a middle dim, replicated, held by one rank, empty on some ranks).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "dojo/io/checkpoint.hpp"

namespace dojo::io::test {

// Element `flat` (row-major index) of test tensor `id`: id * 1000 + flat / 4, exact in float32.
float checkpoint_value(int id, std::int64_t flat);
std::vector<float> whole_tensor(int id, const std::vector<std::int64_t>& shape);
// The box [start, start + count) of a row-major tensor of `shape`, row-major.
std::vector<float> box_of(const std::vector<float>& whole, const std::vector<std::int64_t>& shape,
                          const std::vector<std::int64_t>& start,
                          const std::vector<std::int64_t>& count);
// Part `index` of `parts` near-equal parts of [0, n): {first, size}.
std::pair<std::int64_t, std::int64_t> share(std::int64_t n, int parts, int index);
// zlib's crc32 of the floats' bytes (the host is little-endian).
std::uint32_t crc_of(std::span<const float> values);

struct TestTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  int id = 0;
};

// The tensors of standard_pieces(), in order.
const std::vector<TestTensor>& standard_tensors();
std::vector<ExpectedTensor> standard_expected();

// Rank `rank` of `ranks`'s pieces of standard_tensors(), holding their data. Moving keeps the
// pieces' spans valid; copying is not allowed.
struct TestPieces {
  std::vector<std::vector<float>> storage;
  std::vector<TensorPiece> pieces;
  TestPieces() = default;
  TestPieces(TestPieces&&) = default;
  TestPieces& operator=(TestPieces&&) = default;
  TestPieces(const TestPieces&) = delete;
  TestPieces& operator=(const TestPieces&) = delete;
};
TestPieces standard_pieces(int rank, int ranks);

// The metadata saved with standard_pieces() at `step`.
CheckpointMeta standard_meta(std::int64_t step);

}  // namespace dojo::io::test
