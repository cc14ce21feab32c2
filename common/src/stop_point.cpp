// Stop points before the training loop, and the DOJO_TEST_HOLD_AT hook.
#include "dojo/common/stop_point.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <thread>

#include "dojo/common/environment.hpp"
#include "dojo/common/log.hpp"
#include "dojo/common/stop_signal.hpp"
#include "dojo/common/watchdog.hpp"

namespace dojo {
namespace {

const char* activity(StopPoint point) {
  switch (point) {
    case StopPoint::start:
      return "starting";
    case StopPoint::data:
      return "loading the data";
    case StopPoint::resume:
      return "resuming";
  }
  return "starting";
}

// Any rank's signal, agreed by all: the highest signal number, or 0.
int agreed_signal(const mpi::Comm& comm) {
  static std::uint64_t calls = 0;
  int signal = stop_signal::requested();
  watchdog::Wait wait("stop check", calls++);
  DOJO_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, &signal, 1, MPI_INT, MPI_MAX, comm.get()));
  return signal;
}

// DOJO_TEST_HOLD_AT: every rank polls until some rank has a stop signal or rank 0's clock runs out.
void hold(const mpi::Comm& comm, StopPoint point) {
  const double limit = env::settings().test_hold_seconds;
  if (comm.rank() == 0)
    log::warn("test hook DOJO_TEST_HOLD_AT=", name(point), ": holding until a stop signal arrives ",
              "(at most ", limit, " s)");
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const bool late =
        comm.rank() == 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= limit;
    std::array<int, 2> state{stop_signal::requested() != 0 ? 1 : 0, late ? 1 : 0};
    DOJO_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, state.data(), 2, MPI_INT, MPI_MAX, comm.get()));
    if (state[0] != 0 || state[1] != 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

const char* name(StopPoint point) {
  switch (point) {
    case StopPoint::start:
      return "start";
    case StopPoint::data:
      return "data";
    case StopPoint::resume:
      return "resume";
  }
  return "start";
}

StopRequested::StopRequested(int signal, StopPoint point)
    : signal_(signal),
      point_(point),
      message_(str("stopped by ", stop_signal::name(signal), " while ", activity(point),
                   ", before the first step of this run: nothing new to save",
                   point == StopPoint::resume ? " (the checkpoint it resumed from is kept)" : "",
                   "; run the same command again to go on (exit code ", stop_signal::kExitStopped,
                   ")")) {}

void stop_point(const mpi::Comm& comm, StopPoint point) {
  if (env::settings().test_hold_at == name(point)) hold(comm, point);
  if (const int signal = agreed_signal(comm); signal != 0) throw StopRequested(signal, point);
}

}  // namespace dojo
