// Parameters as boxes of their logical tensors (see logical_pieces.hpp). Each box's elements are
// contiguous in the local tensor, so a piece is a plain subspan of the flat buffer.
#include "dojo/model/logical_pieces.hpp"

#include <algorithm>

#include "dojo/common/error.hpp"

namespace dojo::model {
namespace {

std::int64_t box_elements(const TensorBox& box) {
  std::int64_t n = 1;
  for (std::int64_t c : box.count) n *= c;
  return n;
}

std::int64_t table_end(std::span<const ParameterInfo> table) {
  std::int64_t end = 0;
  for (const ParameterInfo& info : table) end = std::max(end, info.offset + info.count);
  return end;
}

}  // namespace

std::vector<LogicalPiece> logical_pieces(std::span<const ParameterInfo> table,
                                         std::span<const float> flat) {
  check(static_cast<std::int64_t>(flat.size()) >= table_end(table),
        "logical_pieces: the flat buffer is laid out like the parameter store");
  std::vector<LogicalPiece> pieces;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const ParameterInfo& info = table[i];
    for (const TensorBox& box : info.boxes) {
      LogicalPiece piece;
      piece.name = info.name;
      piece.shape = info.logical_shape.dims();
      piece.start = box.start;
      piece.count = box.count;
      piece.data = flat.subspan(static_cast<std::size_t>(info.offset + box.local_offset),
                                static_cast<std::size_t>(box_elements(box)));
      piece.parameter = static_cast<int>(i);
      pieces.push_back(std::move(piece));
    }
  }
  return pieces;
}

void read_logical_pieces(std::span<const ParameterInfo> table, std::span<float> flat,
                         const LogicalBoxReader& read) {
  check(static_cast<std::int64_t>(flat.size()) >= table_end(table),
        "read_logical_pieces: the flat buffer is laid out like the parameter store");
  for (const ParameterInfo& info : table) {
    for (const TensorBox& box : info.boxes) {
      read(info.name, box.start, box.count,
           flat.subspan(static_cast<std::size_t>(info.offset + box.local_offset),
                        static_cast<std::size_t>(box_elements(box))));
    }
  }
}

}  // namespace dojo::model
