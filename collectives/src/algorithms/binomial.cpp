// Binomial tree broadcast and reduce: lg p rounds, each moving the whole vector; the choice for
// small vectors. Tree positions count along the snake ring from the root, so the first rounds'
// partners are mesh neighbours.
#include "algorithms.hpp"
#include "dojo/common/error.hpp"
#include "rooted.hpp"

namespace dojo::collectives::detail {

std::unique_ptr<Schedule> binomial(const Call& call) {
  auto schedule = call.new_schedule();
  const int chain = schedule->add_chain();
  const RootedOrder order = rooted_order(call);
  const int p = call.size, me = order.me;
  const std::size_t B = call.bytes();
  // Children of position v are v + 2^k for 2^k below the lowest set bit of v (all k for the root).
  int limit = 1;
  while (limit < p) limit *= 2;
  const int lowest = me == 0 ? limit : (me & -me);

  if (call.operation == Operation::broadcast) {
    if (me != 0)
      schedule->add_step(chain).recvs.push_back({order.rank_at(me - lowest), call.recv, B});
    Step& children = schedule->add_step(chain);
    for (int mask = lowest / 2; mask >= 1; mask /= 2)  // the largest subtree first
      if (me + mask < p) children.sends.push_back({order.rank_at(me + mask), call.recv, B});
    return schedule;
  }
  check(call.operation == Operation::reduce, "binomial: broadcast or reduce");
  std::byte* work = reduce_work_buffer(call, *schedule);
  std::byte* tmp = schedule->scratch(B);
  for (int mask = 1; mask < lowest; mask *= 2)  // the smallest subtree first: it finishes first
    if (me + mask < p) {
      Step& step = schedule->add_step(chain);
      step.recvs.push_back({order.rank_at(me + mask), tmp, B});
      step.after.push_back(Schedule::combine(work, tmp, call.count));
    }
  if (me != 0) schedule->add_step(chain).sends.push_back({order.rank_at(me - lowest), work, B});
  return schedule;
}

}  // namespace dojo::collectives::detail
