// Who writes which part of each tensor: the boxes the ranks hand in are checked to tile the
// tensor (identical or disjoint, covering it), and identical boxes (replicas) are split by rows
// among their holders so that every element is written exactly once.
#pragma once

#include <hdf5.h>
#include <mpi.h>

#include <cstddef>
#include <span>
#include <vector>

#include "dojo/io/checkpoint.hpp"

namespace dojo::io::detail {

// What this rank writes of one tensor: the box [start, start + count) of its logical shape,
// taken from its piece's data at element `source_offset` (the box's rows are contiguous there).
struct WriteTask {
  bool writes = false;
  std::vector<hsize_t> start, count;
  std::size_t source_offset = 0;
};

// Collective: gathers every rank's boxes, checks that every rank names the same tensors with the
// same shapes in the same order and that the boxes tile each tensor, and returns this rank's
// share, one task per piece. A mistake is the same internal error on every rank, before any file
// is touched.
std::vector<WriteTask> plan_writes(std::span<const TensorPiece> pieces, MPI_Comm comm);

}  // namespace dojo::io::detail
