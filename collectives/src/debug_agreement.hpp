// Debug mode: before a collective, every rank shares the signature of the call it is making (an
// allgather of a few integers), so mismatched calls raise an error on every rank instead of
// hanging.
#pragma once

#include <cstdint>
#include <functional>

#include "call.hpp"

namespace dojo::collectives::detail {

// Raises an internal error on every rank, naming the first rank whose call differs from rank 0's:
// "collective mismatch at call #12: rank 0 called allreduce(float32, 1024, sum) but rank 3 called
// broadcast(float32, 1024, root 0)".
// The exchange is non-blocking, and `progress` runs while it is in flight, so non-blocking calls
// that other ranks are waiting on keep moving.
void agree_on_call(const Call& call, Algorithm algorithm, std::uint64_t sequence,
                   const std::function<void()>& progress);

}  // namespace dojo::collectives::detail
