// When the host kernels go parallel: an OpenMP team costs a few microseconds to wake, so loops
// over fewer elements than this run on the calling thread (still vectorised).
//
// Element-wise kernels write `omp parallel for simd ... if (parallel : parallel)` with
// `parallel = go_parallel(...)`. The `parallel :` modifier matters: since OpenMP 5.0 a bare `if`
// on a combined construct applies to `simd` too, and GCC then runs the serial case (one thread,
// or a small loop) as a scalar loop.
#pragma once

#include <cstdint>

namespace dojo::device::host {

inline constexpr std::int64_t kMinParallelElements = 1 << 15;

// True when a loop over `elements` floats should use the device's thread team.
inline bool go_parallel(std::int64_t elements, int threads) {
  return threads > 1 && elements >= kMinParallelElements;
}

}  // namespace dojo::device::host
