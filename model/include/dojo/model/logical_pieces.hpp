// A model's local parameters (or any buffer laid out like them: gradients, optimizer moments) as
// pieces of the logical, unsplit tensors, and back: what a checkpoint stores, so that any layout
// (tensor or pipeline parallel) writes and reads the same files.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "dojo/model/parameters.hpp"

namespace dojo::model {

// One box of one parameter: data holds the row-major box [start, start + count) of the logical
// tensor `name` of shape `shape`.
struct LogicalPiece {
  std::string name;                 // the parameter's name, e.g. "transformer.wte.weight"
  std::vector<std::int64_t> shape;  // logical shape, the same on every rank
  std::vector<std::int64_t> start;  // this piece's box
  std::vector<std::int64_t> count;
  std::span<const float> data;  // product(count) floats, a view into `flat`
  int parameter = 0;            // index into the table it came from
};

// Every box of every parameter in `table`, in table order; `flat` is a host buffer laid out like
// the store (size() floats: download_params(), download_grads(), an optimizer's moments). A
// parameter split into several boxes (c_attn under tensor parallelism: its q, k and v rows) gives
// several pieces with the same name.
std::vector<LogicalPiece> logical_pieces(std::span<const ParameterInfo> table,
                                         std::span<const float> flat);

// Reads the box [start, start + count) of the logical tensor `name` into `out` (product(count)
// floats): e.g. io::CheckpointReader::read.
using LogicalBoxReader =
    std::function<void(const std::string& name, std::span<const std::int64_t> start,
                       std::span<const std::int64_t> count, std::span<float> out)>;

// The inverse: fills `flat` (laid out like the store) box by box through `read`.
void read_logical_pieces(std::span<const ParameterInfo> table, std::span<float> flat,
                         const LogicalBoxReader& read);

}  // namespace dojo::model
