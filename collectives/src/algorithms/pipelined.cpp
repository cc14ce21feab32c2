// Pipelined broadcast and reduce: a chain along the snake ring from the root, the vector cut into
// segments (pipeline_segments.hpp) so all links of the chain work at once: (p - 2 + s) steps of
// n/s bytes, about n beta for large n.
#include "../pipeline_segments.hpp"
#include "algorithms.hpp"
#include "dojo/common/error.hpp"
#include "rooted.hpp"

namespace dojo::collectives::detail {

std::unique_ptr<Schedule> pipelined(const Call& call) {
  auto schedule = call.new_schedule();
  const int chain = schedule->add_chain();
  const RootedOrder order = rooted_order(call);
  const int p = call.size, me = order.me;
  const std::size_t E = call.element_bytes();
  const std::size_t segment =
      std::max<std::size_t>(1, pipeline_segment_bytes(call.bytes(), *call.geometry) / E);
  const std::size_t segments = (call.count + segment - 1) / segment;
  auto seg = [&](std::size_t s) {
    const std::size_t begin = s * segment;
    return Range{begin, std::min(segment, call.count - begin)};
  };

  if (call.operation == Operation::broadcast) {
    // Position me receives segment t from me - 1 while it forwards segment t - 1 to me + 1.
    for (std::size_t t = 0; t <= segments; ++t) {
      Step& step = schedule->add_step(chain);
      if (me > 0 && t < segments) {
        const Range in = seg(t);
        step.recvs.push_back({order.rank_at(me - 1), call.recv + in.offset * E, in.count * E});
      }
      const bool forwards = me + 1 < p && (me == 0 ? t < segments : t >= 1);
      if (forwards) {
        const Range out = seg(me == 0 ? t : t - 1);
        step.sends.push_back({order.rank_at(me + 1), call.recv + out.offset * E, out.count * E});
      }
    }
    return schedule;
  }
  check(call.operation == Operation::reduce, "pipelined: broadcast or reduce");
  // Data flows towards the root: position me receives segment t from me + 1, combines it, and
  // passes segment t - 1 (already combined) on to me - 1; the last position has nothing to wait
  // for.
  std::byte* work = reduce_work_buffer(call, *schedule);
  std::byte* tmp = schedule->scratch(segment * E);
  const bool last = me == p - 1;
  for (std::size_t t = 0; t <= segments; ++t) {
    Step& step = schedule->add_step(chain);
    if (!last && t < segments) {
      const Range in = seg(t);
      step.recvs.push_back({order.rank_at(me + 1), tmp, in.count * E});
      step.after.push_back(Schedule::combine(work + in.offset * E, tmp, in.count));
    }
    const bool passes = me > 0 && (last ? t < segments : t >= 1);
    if (passes) {
      const Range out = seg(last ? t : t - 1);
      step.sends.push_back({order.rank_at(me - 1), work + out.offset * E, out.count * E});
    }
  }
  return schedule;
}

}  // namespace dojo::collectives::detail
