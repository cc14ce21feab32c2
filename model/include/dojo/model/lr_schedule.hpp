// The learning rate per step: linear warm-up to the peak, then cosine decay to a floor (llm.c's
// and nanoGPT's schedule), held at the floor after the last step.
#pragma once

#include <cstdint>

namespace dojo::model {

struct LrSchedule {
  float max_lr = 3e-4f;           // the peak, reached at the end of warm-up
  float min_lr = 0.0f;            // the floor, reached at total_steps
  std::int64_t warmup_steps = 0;  // steps 0 .. warmup_steps-1 ramp up
  std::int64_t total_steps = 1;   // the run's length, > warmup_steps

  void validate() const;  // a user error naming the bad field

  // step is 0-based. step < warmup: max_lr * (step + 1) / warmup_steps (so step warmup-1 is the
  // peak); warmup <= step < total: min + (max - min) * (1 + cos(pi * r)) / 2 with
  // r = (step - warmup) / (total - warmup); step >= total: min_lr.
  float at(std::int64_t step) const;
};

}  // namespace dojo::model
