// Ring allreduce, reduce-scatter and allgather around the snake ring of the mesh (a Hamiltonian
// cycle of neighbours when one side is even), so each step moves n/p bytes over one link per rank.
#include <algorithm>

#include "algorithms.hpp"
#include "building_blocks.hpp"
#include "dojo/common/error.hpp"

namespace dojo::collectives::detail {

std::unique_ptr<Schedule> ring(const Call& call) {
  auto schedule = call.new_schedule();
  const int chain = schedule->add_chain();
  const std::vector<int> order = call.geometry->ring_order();
  const int me = static_cast<int>(std::find(order.begin(), order.end(), call.rank) - order.begin());
  const std::size_t E = call.element_bytes(), p = static_cast<std::size_t>(call.size);

  // Block of ring position q: for reduce-scatter and allgather, the block of rank order[q].
  std::vector<Range> rank_blocks;
  for (int r : order) rank_blocks.push_back({static_cast<std::size_t>(r) * call.count, call.count});

  switch (call.operation) {
    case Operation::allreduce: {
      std::byte* work = allreduce_work_buffer(call, *schedule);
      auto blocks = partition(call.count, call.size);
      std::byte* tmp = schedule->scratch((call.count / p + 1) * E);
      ring_reduce_scatter(*schedule, chain, order, me, work, blocks, E, tmp);
      ring_allgather(*schedule, chain, order, me, work, blocks, E);
      break;
    }
    case Operation::reduce_scatter: {
      std::byte* work = call.recv;  // in place: recv holds all p blocks
      if (!call.in_place()) {
        work = schedule->scratch(p * call.bytes());
        schedule->prologue().push_back(Schedule::copy(work, call.send, p * call.bytes()));
      }
      std::byte* tmp = schedule->scratch(call.bytes());
      ring_reduce_scatter(*schedule, chain, order, me, work, rank_blocks, E, tmp);
      schedule->epilogue().push_back(
          Schedule::copy(call.recv, work + call.rank * call.bytes(), call.bytes()));
      break;
    }
    case Operation::allgather: {
      if (!call.in_place())
        schedule->prologue().push_back(
            Schedule::copy(call.recv + call.rank * call.bytes(), call.send, call.bytes()));
      ring_allgather(*schedule, chain, order, me, call.recv, rank_blocks, E);
      break;
    }
    default:
      internal_error(str("ring does not implement ", name(call.operation)));
  }
  return schedule;
}

}  // namespace dojo::collectives::detail
