// The points before the training loop where a stop signal ends the job: every rank of `comm`
// agrees (one small allreduce) whether any of them has been sent SIGUSR1/SIGTERM/SIGINT since the
// process started; if so, each throws StopRequested, which the runtime's guarded_main turns into
// one line from rank 0 and exit code 75 (stop_signal::kExitStopped), so that a batch script
// requeues the job. Nothing has been written yet at these points, so nothing is lost.
//
//   stop_point(world, StopPoint::data);   // after the data set is opened
//
// The test hook DOJO_TEST_HOLD_AT=start|data|resume makes every rank wait at that point until a
// stop signal arrives (or DOJO_TEST_HOLD_SECONDS pass), so a test can signal a job "while it
// loads".
#pragma once

#include <exception>
#include <string>

#include "dojo/common/mpi.hpp"

namespace dojo {

enum class StopPoint {
  start,   // MPI is up and the command line parsed
  data,    // the data set is opened, the model built
  resume,  // the checkpoint to resume from (if any) is loaded
};

// "start", "data", "resume": the names DOJO_TEST_HOLD_AT takes.
const char* name(StopPoint point);

class StopRequested : public std::exception {
 public:
  StopRequested(int signal, StopPoint point);
  int signal() const noexcept { return signal_; }
  StopPoint point() const noexcept { return point_; }
  // "stopped by SIGUSR1 while loading the data, before the first step: ..."
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  int signal_;
  StopPoint point_;
  std::string message_;
};

// Collective over `comm`. Throws StopRequested on every rank when any rank has a stop signal.
void stop_point(const mpi::Comm& comm, StopPoint point);

}  // namespace dojo
