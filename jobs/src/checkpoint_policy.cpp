#include "checkpoint_policy.hpp"

namespace dojo::jobs {

CheckpointPolicy::CheckpointPolicy(std::int64_t every, double minutes, std::int64_t total_steps)
    : every_(every), minutes_(minutes), total_steps_(total_steps) {}

bool CheckpointPolicy::clock_due(double seconds_since_save) const {
  return minutes_ > 0 && seconds_since_save >= minutes_ * 60.0;
}

bool CheckpointPolicy::save_after(std::int64_t step, bool stopping, bool clock_voted) const {
  if (stopping) return true;
  if (!enabled()) return false;
  return step == total_steps_ || clock_voted || (every_ > 0 && step % every_ == 0);
}

}  // namespace dojo::jobs
