// Pairwise alltoall: in step s every rank sends its block for rank + s and receives the block from
// rank - s, so each step is a permutation and no rank is flooded; the choice for large blocks.
#include "algorithms.hpp"

namespace dojo::collectives::detail {

std::unique_ptr<Schedule> alltoall_pairwise(const Call& call) {
  auto schedule = call.new_schedule();
  const int chain = schedule->add_chain();
  const int p = call.size, rank = call.rank;
  const std::size_t B = call.bytes();
  const std::byte* input = call.send;
  if (call.in_place()) {  // the input is in recv, which the receives overwrite: work from a copy
    std::byte* copy = schedule->scratch(static_cast<std::size_t>(p) * B);
    schedule->prologue().push_back(
        Schedule::copy(copy, call.recv, static_cast<std::size_t>(p) * B));
    input = copy;
  }
  schedule->prologue().push_back(Schedule::copy(call.recv + rank * B, input + rank * B, B));
  for (int s = 1; s < p; ++s) {
    const int to = (rank + s) % p, from = (rank - s + p) % p;
    Step& step = schedule->add_step(chain);
    step.sends.push_back({to, const_cast<std::byte*>(input + to * B), B});
    step.recvs.push_back({from, call.recv + from * B, B});
  }
  return schedule;
}

}  // namespace dojo::collectives::detail
