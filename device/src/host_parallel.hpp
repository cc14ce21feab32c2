// When the host kernels go parallel: an OpenMP team costs a few microseconds to wake, so loops
// over fewer elements than this run on the calling thread (still vectorised).
#pragma once

#include <cstdint>

namespace dojo::device::host {

inline constexpr std::int64_t kMinParallelElements = 1 << 15;

// True when a loop over `elements` floats should use the device's thread team.
inline bool go_parallel(std::int64_t elements, int threads) {
  return threads > 1 && elements >= kMinParallelElements;
}

}  // namespace dojo::device::host
