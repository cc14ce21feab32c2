// Who writes which part of each tensor: the boxes the ranks hand in are checked to tile the
// tensor (identical or disjoint, covering it), and identical boxes (replicas) are split by rows
// among their holders so that every element is written exactly once.
#pragma once

#include <hdf5.h>
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dojo/io/checkpoint.hpp"

namespace dojo::io::detail {

// One box this rank writes: [start, start + count) of the tensor's logical shape, taken from
// pieces[piece].data at element `source_offset` (the box's rows are contiguous there).
struct WriteTask {
  std::size_t piece = 0;
  std::vector<hsize_t> start, count;
  std::size_t source_offset = 0;
};

// One tensor of the checkpoint: a run of consecutive pieces with the same name on every rank.
struct TensorWrites {
  std::string name;
  std::vector<std::int64_t> shape;  // logical
  std::vector<WriteTask> tasks;     // this rank's boxes with rows to write (often 0 or 1)
  // Collective writes the tensor takes: the most tasks of any rank (a rank with fewer takes part
  // in the others with an empty selection). One box per write keeps the memory order simple.
  int rounds = 0;
};

// Collective: gathers every rank's boxes, checks that every rank names the same tensors with the
// same shapes in the same order (a tensor is a run of consecutive pieces with its name: one
// held = false piece, or one or more boxes) and that the boxes tile each tensor, and returns this
// rank's share of each tensor. A mistake is the same internal error on every rank, before any
// file is touched.
std::vector<TensorWrites> plan_writes(std::span<const TensorPiece> pieces, MPI_Comm comm);

}  // namespace dojo::io::detail
