// One collective call as the algorithms see it: validated arguments plus the communicator's
// context. Buffers are already resolved for in-place calls (see Communicator::in_place).
#pragma once

#include <mpi.h>

#include <cstddef>
#include <memory>

#include "dojo/collectives/geometry.hpp"
#include "dojo/collectives/types.hpp"
#include "schedule.hpp"

namespace dojo::collectives::detail {

struct Call {
  Operation operation = Operation::allreduce;
  DataType type = DataType::float32;
  ReduceOp op = ReduceOp::sum;
  const std::byte* send = nullptr;  // nullptr when in place
  bool is_in_place = false;
  std::byte* recv = nullptr;  // broadcast: the buffer; reduce: significant at the root
  std::size_t count = 0;      // elements: the vector, or one rank's block
  int root = 0;               // broadcast and reduce

  // Context filled in by the Communicator.
  MPI_Comm comm = MPI_COMM_NULL;
  int rank = 0;
  int size = 1;
  const MeshGeometry* geometry = nullptr;
  int tag_base = 0;

  bool in_place() const { return is_in_place; }
  std::size_t element_bytes() const { return size_of(type); }
  std::size_t bytes() const { return count * element_bytes(); }
  // A schedule for this call with its tag range and reduction set.
  std::unique_ptr<Schedule> new_schedule() const {
    return std::make_unique<Schedule>(comm, type, op, tag_base);
  }
};

// An element range [offset, offset + count) of a buffer.
struct Range {
  std::size_t offset = 0;
  std::size_t count = 0;
};

// `count` elements cut into `parts` ranges whose sizes differ by at most one, in order.
std::vector<Range> partition(std::size_t count, int parts, std::size_t offset = 0);

}  // namespace dojo::collectives::detail
