// Rabenseifner: reduce-scatter by recursive halving, allgather by recursive doubling: 2 lg p
// messages and 2 (p-1)/p n bytes. For p not a power of two, the r = p - 2^k extra ranks fold into a
// partner first (even ranks below 2r send to rank + 1) and are served at the end; the halving then
// runs over 2^k participants, participant i owning a contiguous range [offset[i], offset[i+1]).
#include <vector>

#include "algorithms.hpp"
#include "dojo/common/error.hpp"

namespace dojo::collectives::detail {
namespace {

struct Participants {
  int p2 = 1;     // participants: the largest power of two <= p
  int extra = 0;  // r = p - p2 ranks folded into a partner
  int me = -1;    // this rank's participant index, -1 when folded away
  int rank_of(int i) const { return i < extra ? 2 * i + 1 : i + extra; }
};

Participants participants(int p, int rank) {
  Participants s;
  while (s.p2 * 2 <= p) s.p2 *= 2;
  s.extra = p - s.p2;
  if (rank < 2 * s.extra)
    s.me = rank % 2 == 1 ? rank / 2 : -1;
  else
    s.me = rank - s.extra;
  return s;
}

// Recursive halving: after it, participant me holds the combined [offset[me], offset[me+1]).
void halving(Schedule& schedule, int chain, const Participants& s, std::byte* work,
             const std::vector<std::size_t>& offset, std::size_t E, std::byte* tmp) {
  int lo = 0, hi = s.p2;
  for (int mask = s.p2 / 2; mask >= 1; mask /= 2) {
    const int partner = s.me ^ mask, mid = lo + mask;
    const bool keep_lower = (s.me & mask) == 0;
    const int keep_lo = keep_lower ? lo : mid, keep_hi = keep_lower ? mid : hi;
    const int give_lo = keep_lower ? mid : lo, give_hi = keep_lower ? hi : mid;
    const std::size_t keep = offset[keep_hi] - offset[keep_lo];
    Step& step = schedule.add_step(chain);
    step.sends.push_back(
        {s.rank_of(partner), work + offset[give_lo] * E, (offset[give_hi] - offset[give_lo]) * E});
    step.recvs.push_back({s.rank_of(partner), tmp, keep * E});
    step.after.push_back(Schedule::combine(work + offset[keep_lo] * E, tmp, keep));
    lo = keep_lo;
    hi = keep_hi;
  }
}

// Recursive doubling: from [offset[me], offset[me+1]) to everything.
void doubling(Schedule& schedule, int chain, const Participants& s, std::byte* work,
              const std::vector<std::size_t>& offset, std::size_t E) {
  for (int mask = 1; mask < s.p2; mask *= 2) {
    const int partner = s.me ^ mask;
    const int mine = s.me & ~(mask - 1), theirs = partner & ~(mask - 1);
    Step& step = schedule.add_step(chain);
    step.sends.push_back(
        {s.rank_of(partner), work + offset[mine] * E, (offset[mine + mask] - offset[mine]) * E});
    step.recvs.push_back({s.rank_of(partner), work + offset[theirs] * E,
                          (offset[theirs + mask] - offset[theirs]) * E});
  }
}

// Participant ranges when the blocks belong to ranks (reduce-scatter, allgather): participant i
// owns the blocks of the ranks it stands for (2i and 2i+1 when i < r).
std::vector<std::size_t> rank_block_offsets(const Participants& s, int p, std::size_t count) {
  std::vector<std::size_t> offset;
  for (int i = 0; i < s.p2; ++i)
    offset.push_back(static_cast<std::size_t>(i < s.extra ? 2 * i : i + s.extra) * count);
  offset.push_back(static_cast<std::size_t>(p) * count);
  return offset;
}

}  // namespace

std::unique_ptr<Schedule> rabenseifner(const Call& call) {
  auto schedule = call.new_schedule();
  const int chain = schedule->add_chain();
  const int p = call.size, rank = call.rank;
  const std::size_t E = call.element_bytes(), B = call.bytes();
  const Participants s = participants(p, rank);
  const bool folded = rank < 2 * s.extra, sender = folded && rank % 2 == 0;

  switch (call.operation) {
    case Operation::allreduce: {
      std::byte* work = allreduce_work_buffer(call, *schedule);
      std::byte* tmp = schedule->scratch(B);
      if (folded) {
        Step& fold = schedule->add_step(chain);
        if (sender)
          fold.sends.push_back({rank + 1, work, B});
        else {
          fold.recvs.push_back({rank - 1, tmp, B});
          fold.after.push_back(Schedule::combine(work, tmp, call.count));
        }
      }
      if (!sender) {
        std::vector<std::size_t> offset;
        for (const Range& r : partition(call.count, s.p2)) offset.push_back(r.offset);
        offset.push_back(call.count);
        halving(*schedule, chain, s, work, offset, E, tmp);
        doubling(*schedule, chain, s, work, offset, E);
      }
      if (folded) {
        Step& unfold = schedule->add_step(chain);
        if (sender)
          unfold.recvs.push_back({rank + 1, work, B});
        else
          unfold.sends.push_back({rank - 1, work, B});
      }
      break;
    }
    case Operation::reduce_scatter: {
      const std::size_t all = static_cast<std::size_t>(p) * B;
      std::byte* work = call.recv;  // in place: recv holds all p blocks
      if (!call.in_place()) {
        work = schedule->scratch(all);
        schedule->prologue().push_back(Schedule::copy(work, call.send, all));
      }
      std::byte* tmp = schedule->scratch(all);
      if (folded) {
        Step& fold = schedule->add_step(chain);
        if (sender)
          fold.sends.push_back({rank + 1, work, all});
        else {
          fold.recvs.push_back({rank - 1, tmp, all});
          fold.after.push_back(
              Schedule::combine(work, tmp, static_cast<std::size_t>(p) * call.count));
        }
      }
      if (sender) {
        schedule->add_step(chain).recvs.push_back({rank + 1, call.recv, B});
      } else {
        halving(*schedule, chain, s, work, rank_block_offsets(s, p, call.count), E, tmp);
        if (folded) schedule->add_step(chain).sends.push_back({rank - 1, work + (rank - 1) * B, B});
        schedule->epilogue().push_back(Schedule::copy(call.recv, work + rank * B, B));
      }
      break;
    }
    case Operation::allgather: {
      const std::size_t all = static_cast<std::size_t>(p) * B;
      if (!call.in_place())
        schedule->prologue().push_back(Schedule::copy(call.recv + rank * B, call.send, B));
      if (folded) {
        Step& fold = schedule->add_step(chain);
        if (sender)
          fold.sends.push_back({rank + 1, call.recv + rank * B, B});
        else
          fold.recvs.push_back({rank - 1, call.recv + (rank - 1) * B, B});
      }
      if (!sender)
        doubling(*schedule, chain, s, call.recv, rank_block_offsets(s, p, call.count), E);
      if (folded) {
        Step& unfold = schedule->add_step(chain);
        if (sender)
          unfold.recvs.push_back({rank + 1, call.recv, all});
        else
          unfold.sends.push_back({rank - 1, call.recv, all});
      }
      break;
    }
    default:
      internal_error(str("rabenseifner does not implement ", name(call.operation)));
  }
  return schedule;
}

}  // namespace dojo::collectives::detail
