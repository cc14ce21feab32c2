#include "stop_handling.hpp"

#include <array>
#include <chrono>
#include <thread>

#include "dojo/common/clock.hpp"
#include "dojo/common/environment.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/log.hpp"
#include "dojo/common/stop_signal.hpp"

namespace dojo::jobs {

TestHold TestHold::from_environment() {
  TestHold hold;
  const env::Settings& settings = env::settings();
  if (settings.test_hold_after_step) hold.after_step = *settings.test_hold_after_step;
  hold.seconds = settings.test_hold_seconds;
  return hold;
}

StopHandling::StopHandling(const mpi::Comm& world, std::int64_t total_steps, TestHold hold)
    : world_(world), total_steps_(total_steps), hold_(hold) {
  stop_signal::install();
}

bool StopHandling::requested() const {
  return stop_signal::requested() != 0;
}

bool StopHandling::stop_after(std::int64_t step, double stop_votes) {
  if (step == total_steps_) return false;
  if (step == hold_.after_step && stop_votes == 0) hold(step);
  return stop_votes > 0;
}

std::string StopHandling::agree_on_signal() {
  int signal = stop_signal::requested();
  DOJO_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, &signal, 1, MPI_INT, MPI_MAX, world_.get()));
  stop_signal::finishing();
  return stop_signal::name(signal);
}

void StopHandling::hold(std::int64_t step) {
  const double limit = hold_.seconds;
  if (world_.rank() == 0)
    log::warn("test hook DOJO_TEST_HOLD_AFTER_STEP=", step, ": holding after step ", step,
              " until a stop signal arrives (at most ", limit, " s)");
  auto start = Clock::now();
  for (;;) {
    // {a rank has a stop signal, rank 0's clock has run out}: every rank leaves together.
    std::array<int, 2> state{stop_signal::requested() != 0 ? 1 : 0,
                             world_.rank() == 0 && seconds_since(start) >= limit ? 1 : 0};
    DOJO_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, state.data(), 2, MPI_INT, MPI_MAX, world_.get()));
    if (state[0] != 0) return;
    if (state[1] != 0) {
      if (world_.rank() == 0)
        log::warn("test hook: no stop signal within ", limit, " s; training goes on");
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace dojo::jobs
