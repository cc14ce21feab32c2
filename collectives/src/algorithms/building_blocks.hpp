// Pieces several algorithms share: rings over a list of ranks, and the row/column passes of a
// mesh. Each appends steps to one chain of a schedule; blocks are element ranges of one buffer.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "../call.hpp"
#include "../schedule.hpp"
#include "dojo/collectives/geometry.hpp"

namespace dojo::collectives::detail {

// Ranks of a full mesh by position: ranks[row * columns + column].
struct Grid {
  int columns = 1;
  int rows = 1;
  std::vector<int> ranks;
  int at(int column, int row) const {
    return ranks[static_cast<std::size_t>(row) * columns + column];
  }
  std::vector<int> row(int r) const;
  std::vector<int> column(int c) const;
};
Grid grid_of(const MeshGeometry& geometry);  // geometry.is_full() must hold

// Reduce-scatter around the ring `members` (ranks in ring order; this rank is members[me]):
// afterwards position i holds the combined blocks[i]. tmp holds the largest block.
void ring_reduce_scatter(Schedule& schedule, int chain, const std::vector<int>& members, int me,
                         std::byte* buffer, const std::vector<Range>& blocks,
                         std::size_t element_bytes, std::byte* tmp);
// Allgather around the ring: position i starts with blocks[i], ends with all of them.
void ring_allgather(Schedule& schedule, int chain, const std::vector<int>& members, int me,
                    std::byte* buffer, const std::vector<Range>& blocks, std::size_t element_bytes);

// Reduce-scatter along a line of ranks (`members` in line order, this rank members[me]) with
// messages to neighbours only: partial sums flow from both ends towards each block's owner, one
// pipeline per direction, so each of the m-1 steps costs one hop of latency (a ring laid on a line
// pays m-1 hops for its closing message every step). tmp holds two of the largest block.
void line_reduce_scatter(Schedule& schedule, int chain, const std::vector<int>& members, int me,
                         std::byte* buffer, const std::vector<Range>& blocks,
                         std::size_t element_bytes, std::byte* tmp);
// Allgather along a line, neighbours only: every block travels outwards in both directions.
void line_allgather(Schedule& schedule, int chain, const std::vector<int>& members, int me,
                    std::byte* buffer, const std::vector<Range>& blocks, std::size_t element_bytes);

// One pass of the 2D mesh algorithm: neighbour-only line passes along the rows and columns of
// `grid`, rows first or columns first, each line taken forwards or backwards.
struct MeshPass {
  const Grid* grid = nullptr;
  int column = 0;  // this rank's position in the grid
  int row = 0;
  bool rows_first = true;
  bool reverse = false;
};
// Reduce-scatter `range` of buffer along the first dimension, then the second; returns the range
// this rank owns afterwards. tmp must hold mesh_tmp_count(pass, range.count) elements.
Range mesh_reduce_scatter(Schedule& schedule, int chain, const MeshPass& pass, std::byte* buffer,
                          Range range, std::size_t element_bytes, std::byte* tmp);
// The inverse: allgather along the second dimension, then the first.
void mesh_allgather(Schedule& schedule, int chain, const MeshPass& pass, std::byte* buffer,
                    Range range, std::size_t element_bytes);
// Elements of tmp that mesh_reduce_scatter needs for `count` elements.
std::size_t mesh_tmp_count(const MeshPass& pass, std::size_t count);
// Which of columns x rows equal blocks of a range the rank at (column, row) of pass.grid owns
// after mesh_reduce_scatter (and starts with for mesh_allgather): the pass's own block order.
std::size_t mesh_block_index(const MeshPass& pass, int column, int row);

// Reduce-scatter or allgather (call.operation) of one block of call.count elements per rank, as
// `streams` concurrent chains: chain k carries part k (partition(call.count, streams)) of every
// rank's block. In a scratch buffer the parts of stream k sit together, rank q's at position
// block_index(k, q), the order in which the stream's passes leave them; add_passes(k, chain,
// work, range) appends the passes over `range` (p parts). Copies in and out run in the prologue
// and epilogue.
using BlockIndex = std::function<std::size_t(int stream, int rank)>;
using StreamPasses = std::function<void(int stream, int chain, std::byte* work, Range range)>;
void streamed_blocks(const Call& call, Schedule& schedule, int streams,
                     const BlockIndex& block_index, const StreamPasses& add_passes);

}  // namespace dojo::collectives::detail
