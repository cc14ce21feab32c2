// How a run ends early: a stop signal (SIGTERM, SIGUSR1, ...) on any rank stops every rank after
// the same step, and the test hook that holds a run between two steps until a signal arrives.
#pragma once

#include <cstdint>
#include <string>

#include "dojo/common/mpi.hpp"

namespace dojo::jobs {

// The test hook DOJO_TEST_HOLD_AFTER_STEP=N (for the fault tests, never needed in a real run):
// after step N every rank waits, polling with a small allreduce, until some rank has been sent a
// stop signal, or for DOJO_TEST_HOLD_SECONDS (default 60), whichever comes first; then training
// goes on. A test that signals or kills a rank "mid-run" thus cannot lose the race to a run that
// ends before it acts. The numbers of the run are untouched: only the time between two steps
// changes.
struct TestHold {
  std::int64_t after_step = -1;  // -1: no hold
  double seconds = 60;           // the longest hold

  // From the environment; a user error when DOJO_TEST_HOLD_AFTER_STEP is not a step number.
  static TestHold from_environment();
};

class StopHandling {
 public:
  // Installs the stop-signal handlers. Collective use over `world`; `total_steps`: the last step.
  StopHandling(const mpi::Comm& world, std::int64_t total_steps, TestHold hold);

  // This rank's vote: whether it has been sent a stop signal.
  bool requested() const;

  // After `step`, given how many ranks voted stop in it: holds for the test hook when asked (and
  // no rank has a signal yet), then says whether the run stops here. Collective. The last step
  // never stops early (the run ends there anyway).
  bool stop_after(std::int64_t step, double stop_votes);

  // Collective, when the run stops: the name of the signal (the highest number any rank got);
  // after it a second signal ends the process at once.
  std::string agree_on_signal();

 private:
  void hold(std::int64_t step);

  const mpi::Comm& world_;
  std::int64_t total_steps_;
  TestHold hold_;
};

}  // namespace dojo::jobs
