// Two-phase alltoall on a full a x b mesh: first along the row (each rank sends to (x', y) all
// blocks bound for column x'), then along the column: (a-1) + (b-1) messages instead of p - 1,
// the choice for small blocks. Blocks are packed so each message is one contiguous range.
#include "algorithms.hpp"
#include "building_blocks.hpp"

namespace dojo::collectives::detail {

std::unique_ptr<Schedule> alltoall_two_phase(const Call& call) {
  auto schedule = call.new_schedule();
  const int chain = schedule->add_chain();
  const MeshGeometry& g = *call.geometry;
  const Grid grid = grid_of(g);
  const int a = g.columns, b = g.rows, x = g.x[call.rank], y = g.y[call.rank];
  const std::size_t B = call.bytes(), all = static_cast<std::size_t>(call.size) * B;
  const std::byte* input = call.in_place() ? call.recv : call.send;
  auto at = [](std::byte* base, std::size_t block, std::size_t B) { return base + block * B; };

  // by_column[x' b + y'] = my block for (x', y').
  std::byte* by_column = schedule->scratch(all);
  for (int j = 0; j < b; ++j)
    for (int i = 0; i < a; ++i)
      schedule->prologue().push_back(Schedule::copy(
          at(by_column, static_cast<std::size_t>(i) * b + j, B), input + grid.at(i, j) * B, B));

  // Phase 1, along the row: from_row[x'' b + y'] = block of (x'', y) for (x, y').
  std::byte* from_row = schedule->scratch(all);
  schedule->prologue().push_back(Schedule::copy(at(from_row, static_cast<std::size_t>(x) * b, B),
                                                at(by_column, static_cast<std::size_t>(x) * b, B),
                                                b * B));
  for (int s = 1; s < a; ++s) {
    const int to = (x + s) % a, from = (x - s + a) % a;
    Step& step = schedule->add_step(chain);
    step.sends.push_back(
        {grid.at(to, y), at(by_column, static_cast<std::size_t>(to) * b, B), b * B});
    step.recvs.push_back(
        {grid.at(from, y), at(from_row, static_cast<std::size_t>(from) * b, B), b * B});
  }

  // Repack: by_row[y' a + x''] = block of (x'', y) for (x, y').
  std::byte* by_row = schedule->scratch(all);
  Step& repack = schedule->add_step(chain);
  for (int i = 0; i < a; ++i)
    for (int j = 0; j < b; ++j)
      repack.after.push_back(Schedule::copy(at(by_row, static_cast<std::size_t>(j) * a + i, B),
                                            at(from_row, static_cast<std::size_t>(i) * b + j, B),
                                            B));

  // Phase 2, along the column: from_column[y'' a + x''] = block of (x'', y'') for me.
  std::byte* from_column = schedule->scratch(all);
  repack.after.push_back(Schedule::copy(at(from_column, static_cast<std::size_t>(y) * a, B),
                                        at(by_row, static_cast<std::size_t>(y) * a, B), a * B));
  for (int s = 1; s < b; ++s) {
    const int to = (y + s) % b, from = (y - s + b) % b;
    Step& step = schedule->add_step(chain);
    step.sends.push_back({grid.at(x, to), at(by_row, static_cast<std::size_t>(to) * a, B), a * B});
    step.recvs.push_back(
        {grid.at(x, from), at(from_column, static_cast<std::size_t>(from) * a, B), a * B});
  }
  for (int j = 0; j < b; ++j)
    for (int i = 0; i < a; ++i)
      schedule->epilogue().push_back(
          Schedule::copy(call.recv + grid.at(i, j) * B,
                         at(from_column, static_cast<std::size_t>(j) * a + i, B), B));
  return schedule;
}

}  // namespace dojo::collectives::detail
