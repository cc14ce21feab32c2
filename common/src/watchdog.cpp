// The hang watchdog's registry of waits and its checking thread.
#include "dojo/common/watchdog.hpp"

#include <mpi.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "dojo/common/environment.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"

namespace dojo::watchdog {
namespace {

using Clock = std::chrono::steady_clock;

struct Entry {
  std::thread::id thread;
  const char* operation;
  std::uint64_t sequence;
  std::string detail;
  Clock::time_point since;
};

struct Registry {
  std::mutex mutex;
  std::vector<Entry> waits;  // innermost last, per thread
  std::atomic<double> limit{0.0};
  bool thread_started = false;
};

Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: the checking thread outlives main
  return *r;
}

[[noreturn]] void abort_for(const std::string& message) {
  std::fprintf(stderr, "dojo: error: %s\n", message.c_str());
  std::fflush(stdout);
  std::fflush(stderr);
  if (mpi::is_initialized() && !mpi::is_finalized()) MPI_Abort(MPI_COMM_WORLD, 3);
  std::_Exit(3);
}

void check_loop() {
  Registry& r = registry();
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const double limit = r.limit.load();
    if (limit <= 0) continue;
    std::string message;
    // When several ranks wait on one stuck peer, rank 0 speaks and ends the job; the others
    // give it a few seconds' start (MPI_Abort takes a while to reach every rank), so the job
    // ends with one message, not one per rank.
    const double grace = error_rank() > 0 ? 5.0 : 0.0;
    {
      std::lock_guard lock(r.mutex);
      const auto now = Clock::now();
      for (const Entry& e : r.waits) {
        double waited = std::chrono::duration<double>(now - e.since).count();
        if (waited >= limit + grace) {
          message = describe_hang(error_rank(), e.operation, e.sequence, e.detail, waited, limit);
          break;
        }
      }
    }
    if (!message.empty()) abort_for(message);
  }
}

}  // namespace

void set_timeout(double seconds) {
  Registry& r = registry();
  r.limit.store(seconds > 0 ? seconds : 0.0);
  if (seconds <= 0) return;
  std::lock_guard lock(r.mutex);
  if (!r.thread_started) {
    r.thread_started = true;
    std::thread(check_loop).detach();
  }
}

double timeout() noexcept { return registry().limit.load(); }

double timeout_from_environment(double fallback) {
  env::check();  // a malformed DOJO_WATCHDOG_SECONDS is a user error
  return env::settings().watchdog_seconds.value_or(fallback);
}

Wait::Wait(const char* operation, std::uint64_t sequence, std::string detail) {
  Registry& r = registry();
  if (r.limit.load() <= 0) return;
  std::lock_guard lock(r.mutex);
  r.waits.push_back(
      {std::this_thread::get_id(), operation, sequence, std::move(detail), Clock::now()});
  registered_ = true;
}

Wait::~Wait() {
  if (!registered_) return;
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  const auto me = std::this_thread::get_id();
  for (auto it = r.waits.rbegin(); it != r.waits.rend(); ++it) {
    if (it->thread == me) {
      r.waits.erase(std::next(it).base());
      return;
    }
  }
}

std::string describe_hang(int rank, const char* operation, std::uint64_t sequence,
                          const std::string& detail, double waited, double limit) {
  return str(rank >= 0 ? str("rank ", rank) : std::string("dojo"), ": hang watchdog: ", operation,
             " #", sequence, detail.empty() ? std::string() : str(" (", detail, ")"),
             " has waited ", std::lround(waited), " s (limit ", limit,
             " s, --watchdog): a peer is gone or never made the same call; aborting the job");
}

}  // namespace dojo::watchdog
