// Warm-up plus cosine learning-rate schedule (see lr_schedule.hpp).
#include "dojo/model/lr_schedule.hpp"

#include <cmath>
#include <numbers>

#include "dojo/common/error.hpp"

namespace dojo::model {

void LrSchedule::validate() const {
  if (max_lr <= 0.0f) user_error(str("lr schedule: max_lr = ", max_lr, " must be positive"));
  if (min_lr < 0.0f || min_lr > max_lr) {
    user_error(str("lr schedule: min_lr = ", min_lr, " must lie in [0, max_lr = ", max_lr, "]"));
  }
  if (warmup_steps < 0 || total_steps <= warmup_steps) {
    user_error(str("lr schedule: need 0 <= warmup_steps (", warmup_steps, ") < total_steps (",
                   total_steps, ")"));
  }
}

float LrSchedule::at(std::int64_t step) const {
  if (step < warmup_steps) {
    return max_lr * static_cast<float>(step + 1) / static_cast<float>(warmup_steps);
  }
  if (step >= total_steps) return min_lr;
  const double ratio =
      static_cast<double>(step - warmup_steps) / static_cast<double>(total_steps - warmup_steps);
  const double coefficient = 0.5 * (1.0 + std::cos(std::numbers::pi * ratio));
  return static_cast<float>(min_lr + coefficient * (max_lr - min_lr));
}

}  // namespace dojo::model
