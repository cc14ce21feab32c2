// Rings and mesh passes shared by the ring, mesh2d, multi-port and hierarchical algorithms.
#include "building_blocks.hpp"

#include <algorithm>

#include "dojo/common/error.hpp"

namespace dojo::collectives::detail {

std::vector<Range> partition(std::size_t count, int parts, std::size_t offset) {
  std::vector<Range> out;
  const auto n = static_cast<std::size_t>(parts);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t begin = count * i / n, end = count * (i + 1) / n;
    out.push_back({offset + begin, end - begin});
  }
  return out;
}

std::vector<int> Grid::row(int r) const {
  std::vector<int> out;
  for (int c = 0; c < columns; ++c) out.push_back(at(c, r));
  return out;
}

std::vector<int> Grid::column(int c) const {
  std::vector<int> out;
  for (int r = 0; r < rows; ++r) out.push_back(at(c, r));
  return out;
}

Grid grid_of(const MeshGeometry& geometry) {
  check(geometry.is_full(), "mesh algorithms need a full mesh geometry");
  Grid grid{geometry.columns, geometry.rows,
            std::vector<int>(static_cast<std::size_t>(geometry.size()))};
  for (int r = 0; r < geometry.size(); ++r)
    grid.ranks[static_cast<std::size_t>(geometry.y[r]) * geometry.columns + geometry.x[r]] = r;
  return grid;
}

void ring_reduce_scatter(Schedule& schedule, int chain, const std::vector<int>& members, int me,
                         std::byte* buffer, const std::vector<Range>& blocks,
                         std::size_t element_bytes, std::byte* tmp) {
  const int m = static_cast<int>(members.size());
  const int next = members[(me + 1) % m], prev = members[(me + m - 1) % m];
  // Step s: pass on the partial sum of the block of position me-s-1, receive that of me-s-2.
  // After m-1 steps position me has received the last contribution to its own block.
  for (int s = 0; s + 1 < m; ++s) {
    const Range& out = blocks[static_cast<std::size_t>((me - s - 1 + 2 * m) % m)];
    const Range& in = blocks[static_cast<std::size_t>((me - s - 2 + 2 * m) % m)];
    Step& step = schedule.add_step(chain);
    step.sends.push_back({next, buffer + out.offset * element_bytes, out.count * element_bytes});
    step.recvs.push_back({prev, tmp, in.count * element_bytes});
    step.after.push_back(Schedule::combine(buffer + in.offset * element_bytes, tmp, in.count));
  }
}

void ring_allgather(Schedule& schedule, int chain, const std::vector<int>& members, int me,
                    std::byte* buffer, const std::vector<Range>& blocks,
                    std::size_t element_bytes) {
  const int m = static_cast<int>(members.size());
  const int next = members[(me + 1) % m], prev = members[(me + m - 1) % m];
  for (int s = 0; s + 1 < m; ++s) {
    const Range& out = blocks[static_cast<std::size_t>((me - s + m) % m)];
    const Range& in = blocks[static_cast<std::size_t>((me - s - 1 + m) % m)];
    Step& step = schedule.add_step(chain);
    step.sends.push_back({next, buffer + out.offset * element_bytes, out.count * element_bytes});
    step.recvs.push_back({prev, buffer + in.offset * element_bytes, in.count * element_bytes});
  }
}

void line_reduce_scatter(Schedule& schedule, int chain, const std::vector<int>& members, int me,
                         std::byte* buffer, const std::vector<Range>& blocks,
                         std::size_t element_bytes, std::byte* tmp) {
  const int m = static_cast<int>(members.size());
  std::size_t largest = 0;
  for (const Range& b : blocks) largest = std::max(largest, b.count);
  std::byte* from_left = tmp;
  std::byte* from_right = tmp + largest * element_bytes;
  auto at = [&](int j) {
    return buffer + blocks[static_cast<std::size_t>(j)].offset * element_bytes;
  };
  auto bytes = [&](int j) { return blocks[static_cast<std::size_t>(j)].count * element_bytes; };
  // Rightwards: at step t rank i sends block i + m - t (its own data plus everything from its
  // left) and receives block i + m - t - 1, which it sends on at step t + 1; the farthest block
  // leaves first, so every rank gets its own block's left part at the last step, m - 1.
  // Leftwards mirrors it with block i - m + t.
  for (int t = 1; t < m; ++t) {
    Step& step = schedule.add_step(chain);
    const int send_right = me + m - t, recv_left = me + m - t - 1;
    const int send_left = me - m + t, recv_right = me - m + t + 1;
    if (me + 1 < m && send_right < m)
      step.sends.push_back({members[me + 1], at(send_right), bytes(send_right)});
    if (me > 0 && send_left >= 0)
      step.sends.push_back({members[me - 1], at(send_left), bytes(send_left)});
    if (me > 0 && recv_left < m) {
      step.recvs.push_back({members[me - 1], from_left, bytes(recv_left)});
      step.after.push_back(Schedule::combine(at(recv_left), from_left, blocks[recv_left].count));
    }
    if (me + 1 < m && recv_right >= 0) {
      step.recvs.push_back({members[me + 1], from_right, bytes(recv_right)});
      step.after.push_back(Schedule::combine(at(recv_right), from_right, blocks[recv_right].count));
    }
  }
}

void line_allgather(Schedule& schedule, int chain, const std::vector<int>& members, int me,
                    std::byte* buffer, const std::vector<Range>& blocks,
                    std::size_t element_bytes) {
  const int m = static_cast<int>(members.size());
  auto at = [&](int j) {
    return buffer + blocks[static_cast<std::size_t>(j)].offset * element_bytes;
  };
  auto bytes = [&](int j) { return blocks[static_cast<std::size_t>(j)].count * element_bytes; };
  // At step t rank i passes block i - t + 1 to the right (its own first) and block i + t - 1 to
  // the left, and receives block i - t from the left and block i + t from the right.
  for (int t = 1; t < m; ++t) {
    Step& step = schedule.add_step(chain);
    const int send_right = me - t + 1, send_left = me + t - 1;
    const int recv_left = me - t, recv_right = me + t;
    if (me + 1 < m && send_right >= 0)
      step.sends.push_back({members[me + 1], at(send_right), bytes(send_right)});
    if (me > 0 && send_left < m)
      step.sends.push_back({members[me - 1], at(send_left), bytes(send_left)});
    if (me > 0 && recv_left >= 0)
      step.recvs.push_back({members[me - 1], at(recv_left), bytes(recv_left)});
    if (me + 1 < m && recv_right < m)
      step.recvs.push_back({members[me + 1], at(recv_right), bytes(recv_right)});
  }
}

namespace {
// The line of one dimension of a pass, and this rank's index in it.
struct Dimension {
  std::vector<int> members;
  int me = 0;
};
Dimension dimension(const MeshPass& pass, bool along_row) {
  Dimension d;
  d.members = along_row ? pass.grid->row(pass.row) : pass.grid->column(pass.column);
  d.me = along_row ? pass.column : pass.row;
  if (pass.reverse) {
    std::reverse(d.members.begin(), d.members.end());
    d.me = static_cast<int>(d.members.size()) - 1 - d.me;
  }
  return d;
}
}  // namespace

std::size_t mesh_tmp_count(const MeshPass& pass, std::size_t count) {
  const int first = pass.rows_first ? pass.grid->columns : pass.grid->rows;
  // Two blocks of the first (larger) pass: one per direction of the line.
  return 2 * ((count + static_cast<std::size_t>(first) - 1) / static_cast<std::size_t>(first));
}

Range mesh_reduce_scatter(Schedule& schedule, int chain, const MeshPass& pass, std::byte* buffer,
                          Range range, std::size_t element_bytes, std::byte* tmp) {
  Dimension first = dimension(pass, pass.rows_first), second = dimension(pass, !pass.rows_first);
  auto blocks1 = partition(range.count, static_cast<int>(first.members.size()), range.offset);
  line_reduce_scatter(schedule, chain, first.members, first.me, buffer, blocks1, element_bytes,
                      tmp);
  const Range mine = blocks1[static_cast<std::size_t>(first.me)];
  auto blocks2 = partition(mine.count, static_cast<int>(second.members.size()), mine.offset);
  line_reduce_scatter(schedule, chain, second.members, second.me, buffer, blocks2, element_bytes,
                      tmp);
  return blocks2[static_cast<std::size_t>(second.me)];
}

void mesh_allgather(Schedule& schedule, int chain, const MeshPass& pass, std::byte* buffer,
                    Range range, std::size_t element_bytes) {
  Dimension first = dimension(pass, pass.rows_first), second = dimension(pass, !pass.rows_first);
  auto blocks1 = partition(range.count, static_cast<int>(first.members.size()), range.offset);
  const Range mine = blocks1[static_cast<std::size_t>(first.me)];
  auto blocks2 = partition(mine.count, static_cast<int>(second.members.size()), mine.offset);
  line_allgather(schedule, chain, second.members, second.me, buffer, blocks2, element_bytes);
  line_allgather(schedule, chain, first.members, first.me, buffer, blocks1, element_bytes);
}

std::size_t mesh_block_index(const MeshPass& pass, int column, int row) {
  const int columns = pass.grid->columns, rows = pass.grid->rows;
  if (pass.reverse) {
    column = columns - 1 - column;
    row = rows - 1 - row;
  }
  const std::size_t first = static_cast<std::size_t>(pass.rows_first ? column : row);
  const std::size_t second = static_cast<std::size_t>(pass.rows_first ? row : column);
  return first * static_cast<std::size_t>(pass.rows_first ? rows : columns) + second;
}

void streamed_blocks(const Call& call, Schedule& schedule, int streams,
                     const BlockIndex& block_index, const StreamPasses& add_passes) {
  const bool reduce = call.operation == Operation::reduce_scatter;
  check(reduce || call.operation == Operation::allgather,
        "streamed_blocks runs reduce-scatter or allgather");
  const std::size_t E = call.element_bytes(), B = call.bytes();
  const auto p = static_cast<std::size_t>(call.size);
  std::byte* work = schedule.scratch(p * B);  // (streams, p, part) elements
  for (int k = 0; k < streams; ++k) {
    const Range part = partition(call.count, streams)[static_cast<std::size_t>(k)];
    if (part.count == 0) continue;  // the same on every rank: no chain anywhere
    const Range region{p * part.offset, p * part.count};
    auto slot = [&](int q) { return work + (region.offset + block_index(k, q) * part.count) * E; };
    const std::size_t part_bytes = part.count * E;
    if (reduce) {
      const std::byte* input = call.in_place() ? call.recv : call.send;
      for (int q = 0; q < call.size; ++q)
        schedule.prologue().push_back(
            Schedule::copy(slot(q), input + q * B + part.offset * E, part_bytes));
      schedule.epilogue().push_back(
          Schedule::copy(call.recv + part.offset * E, slot(call.rank), part_bytes));
    } else {
      const std::byte* input = call.in_place() ? call.recv + call.rank * B : call.send;
      schedule.prologue().push_back(
          Schedule::copy(slot(call.rank), input + part.offset * E, part_bytes));
      for (int q = 0; q < call.size; ++q)
        schedule.epilogue().push_back(
            Schedule::copy(call.recv + q * B + part.offset * E, slot(q), part_bytes));
    }
    add_passes(k, schedule.add_chain(), work, region);
  }
}

}  // namespace dojo::collectives::detail
