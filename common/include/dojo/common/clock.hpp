// The one steady clock every timing in dojo reads, and the seconds elapsed since a point of it.
#pragma once

#include <chrono>

namespace dojo {

using Clock = std::chrono::steady_clock;

// Seconds (wall time, steady) from `start` to now.
inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace dojo
