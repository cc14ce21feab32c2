// When a run saves a checkpoint: every N steps (--checkpoint-every), when rank 0's clock says
// M minutes have passed since the last save (--checkpoint-minutes), after the last step when
// either is on, and always when a stop signal ends the run early. Pure decisions, no I/O: the
// loop feeds them what every rank agreed on.
#pragma once

#include <cstdint>

namespace dojo::jobs {

class CheckpointPolicy {
 public:
  // every: steps between checkpoints, 0 = off; minutes: wall minutes between them, 0 = off;
  // total_steps: the run's last step.
  CheckpointPolicy(std::int64_t every, double minutes, std::int64_t total_steps);

  // Whether periodic checkpoints are on (by steps or by time).
  bool enabled() const { return every_ > 0 || minutes_ > 0; }

  // A rank's vote that the time for a checkpoint has come: `seconds_since_save` (since the last
  // save, or the start of the loop) has reached the interval. Only rank 0 votes, so the ranks'
  // clocks need not agree.
  bool clock_due(double seconds_since_save) const;

  // Whether to save after `step`, given that the run stops there (a stop signal) and whether some
  // rank's clock voted for a checkpoint at this step.
  bool save_after(std::int64_t step, bool stopping, bool clock_voted) const;

 private:
  std::int64_t every_;
  double minutes_;
  std::int64_t total_steps_;
};

}  // namespace dojo::jobs
