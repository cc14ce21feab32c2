// What the rooted algorithms (binomial, pipelined) share: positions relative to the root along the
// snake ring, so that tree and chain neighbours are mesh neighbours, and the reduce work buffer.
#pragma once

#include <algorithm>
#include <vector>

#include "../call.hpp"
#include "../schedule.hpp"

namespace dojo::collectives::detail {

struct RootedOrder {
  std::vector<int> ring;  // ranks in ring order
  int root_position = 0;
  int me = 0;  // this rank's distance from the root along the ring (the root is 0)
  int rank_at(int relative) const {
    const int p = static_cast<int>(ring.size());
    return ring[static_cast<std::size_t>((relative + root_position) % p)];
  }
};

inline RootedOrder rooted_order(const Call& call) {
  RootedOrder o;
  o.ring = call.geometry->ring_order();
  const int p = call.size;
  const auto position = [&](int rank) {
    return static_cast<int>(std::find(o.ring.begin(), o.ring.end(), rank) - o.ring.begin());
  };
  o.root_position = position(call.root);
  o.me = (position(call.rank) - o.root_position + p) % p;
  return o;
}

// Reduce: the root accumulates in recv (input copied in unless in place); other ranks in a copy of
// their input (never in the caller's send buffer).
inline std::byte* reduce_work_buffer(const Call& call, Schedule& schedule) {
  if (call.rank == call.root) {
    if (!call.in_place())
      schedule.prologue().push_back(Schedule::copy(call.recv, call.send, call.bytes()));
    return call.recv;
  }
  std::byte* work = schedule.scratch(call.bytes());
  schedule.prologue().push_back(Schedule::copy(work, call.send, call.bytes()));
  return work;
}

}  // namespace dojo::collectives::detail
