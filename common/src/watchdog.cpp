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
#include "dojo/common/peers.hpp"
#include "dojo/common/stop_signal.hpp"

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
  std::atomic<bool> thread_started{false};
};

Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: the checking thread outlives main
  return *r;
}

[[noreturn]] void abort_for(const std::string& message) {
  peers::forget();
  std::fprintf(stderr, "dojo: error: %s\n", message.c_str());
  std::fflush(stdout);
  std::fflush(stderr);
  if (mpi::is_initialized() && !mpi::is_finalized()) MPI_Abort(MPI_COMM_WORLD, kExitWatchdog);
  std::_Exit(kExitWatchdog);
}

// A peer of this node is lost (its process ended without leaving: SIGKILL, the OOM killer) while
// this rank waits for something or has been asked to stop: nothing this rank waits for will come,
// so it leaves at once, and the lowest surviving rank of the node names the lost one. Every way
// dojo ends on purpose marks the rank leaving first, so a process that is gone without it was
// killed (or crashed). Returns when nothing is lost.
void leave_if_peer_lost(Registry& r) {
  if (!peers::attached()) return;
  // Another node saw the loss and said so (its line names the rank): leave quietly with it.
  if (peers::notice() >= 0) {
    peers::leaving();
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(kExitWatchdog);
  }
  std::string waiting_in;
  {
    std::lock_guard lock(r.mutex);
    const auto now = Clock::now();
    for (const Entry& e : r.waits)
      if (std::chrono::duration<double>(now - e.since).count() >= 0.5) {
        waiting_in = str(e.operation, " #", e.sequence);
        break;
      }
  }
  const int signal = stop_signal::requested();
  if (waiting_in.empty() && signal == 0) return;
  const std::vector<int> lost = peers::lost();
  if (lost.empty()) return;
  peers::leaving();
  if (peers::reports_for_node()) {
    std::string names;
    for (int rank : lost) names += str(names.empty() ? "" : ", ", rank);
    const std::string doing = !waiting_in.empty() ? str("waiting in ", waiting_in)
                                                  : str("stopping on ", stop_signal::name(signal));
    std::fprintf(stderr,
                 "dojo: error: rank %d: peer rank %s lost (its process ended without leaving the "
                 "job) while this rank was %s%s; ending the job\n",
                 error_rank(), names.c_str(), doing.c_str(),
                 signal != 0 && !waiting_in.empty()
                     ? str(" (", stop_signal::name(signal), " received)").c_str()
                     : "");
    std::fflush(stderr);
    peers::tell_others(lost.front(), 0.5);  // the ranks of other nodes cannot see it
  }
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(kExitWatchdog);
}

void check_loop() {
  Registry& r = registry();
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    leave_if_peer_lost(r);
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

void start_thread(Registry& r) {
  std::lock_guard lock(r.mutex);
  if (!r.thread_started.load()) {
    r.thread_started.store(true);
    std::thread(check_loop).detach();
  }
}

}  // namespace

void set_timeout(double seconds) {
  Registry& r = registry();
  r.limit.store(seconds > 0 ? seconds : 0.0);
  if (seconds > 0) start_thread(r);
}

void watch_peers() {
  start_thread(registry());
}

double timeout() noexcept {
  return registry().limit.load();
}

double timeout_from_environment(double fallback) {
  env::check();  // a malformed DOJO_WATCHDOG_SECONDS is a user error
  return env::settings().watchdog_seconds.value_or(fallback);
}

Wait::Wait(const char* operation, std::uint64_t sequence, std::string detail) {
  // Registered also with the hang limit off: the peer-loss check needs to know this rank waits.
  Registry& r = registry();
  if (!r.thread_started.load()) return;
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
