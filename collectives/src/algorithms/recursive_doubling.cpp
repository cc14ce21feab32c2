// Recursive doubling allreduce: lg p exchanges of the whole vector, the fewest messages, so the
// best for tiny vectors. A non-power-of-two p first folds the extra ranks into partners (MPICH's
// scheme: even ranks below 2r hand their vector to rank + 1) and hands them the result at the end.
// Also the dissemination barrier (zero-byte messages to rank + 2^k).
#include "algorithms.hpp"
#include "dojo/common/error.hpp"

namespace dojo::collectives::detail {
namespace {

int floor_pow2(int p) {
  int q = 1;
  while (q * 2 <= p) q *= 2;
  return q;
}

std::unique_ptr<Schedule> dissemination_barrier(const Call& call) {
  auto schedule = call.new_schedule();
  const int chain = schedule->add_chain();
  for (int k = 1; k < call.size; k *= 2) {
    Step& step = schedule->add_step(chain);
    step.sends.push_back({(call.rank + k) % call.size, nullptr, 0});
    step.recvs.push_back({(call.rank - k + call.size) % call.size, nullptr, 0});
  }
  return schedule;
}

}  // namespace

std::unique_ptr<Schedule> recursive_doubling(const Call& call) {
  if (call.operation == Operation::barrier) return dissemination_barrier(call);
  check(call.operation == Operation::allreduce, "recursive doubling: allreduce or barrier");
  auto schedule = call.new_schedule();
  const int chain = schedule->add_chain();
  std::byte* work = allreduce_work_buffer(call, *schedule);
  std::byte* tmp = schedule->scratch(call.bytes());
  const int p = call.size, rank = call.rank, p2 = floor_pow2(p), extra = p - p2;
  const std::size_t bytes = call.bytes();

  int newrank = rank - extra;  // index among the p2 ranks that exchange
  if (rank < 2 * extra) {
    Step& fold = schedule->add_step(chain);
    if (rank % 2 == 0) {
      fold.sends.push_back({rank + 1, work, bytes});
      newrank = -1;
    } else {
      fold.recvs.push_back({rank - 1, tmp, bytes});
      fold.after.push_back(Schedule::combine(work, tmp, call.count));
      newrank = rank / 2;
    }
  }
  if (newrank >= 0) {
    for (int mask = 1; mask < p2; mask *= 2) {
      const int partner_new = newrank ^ mask;
      const int partner = partner_new < extra ? 2 * partner_new + 1 : partner_new + extra;
      Step& step = schedule->add_step(chain);
      step.sends.push_back({partner, work, bytes});
      step.recvs.push_back({partner, tmp, bytes});
      // a + b == b + a bitwise, so both partners hold the same bits afterwards.
      step.after.push_back(Schedule::combine(work, tmp, call.count));
    }
  }
  if (rank < 2 * extra) {
    Step& unfold = schedule->add_step(chain);
    if (rank % 2 == 0)
      unfold.recvs.push_back({rank + 1, work, bytes});
    else
      unfold.sends.push_back({rank - 1, work, bytes});
  }
  return schedule;
}

}  // namespace dojo::collectives::detail
