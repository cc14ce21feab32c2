// Async-signal-safe stop flag.
#include "dojo/common/stop_signal.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <csignal>

#include "dojo/common/peers.hpp"
#include "dojo/common/watchdog.hpp"

namespace dojo::stop_signal {
namespace {

std::atomic<int> received{0};
std::atomic<bool> saved{false};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_signal(int signal) {
  int expected = 0;
  if (received.compare_exchange_strong(expected, signal)) return;
  if (saved.load() && (signal == SIGINT || signal == SIGTERM)) {
    peers::leaving();
    _exit(kExitStopped);
  }
  // Asked twice to terminate: stop now, as the user clearly wants. A launcher that ends the job
  // because a rank was killed sends that second SIGTERM too: then name the lost rank.
  if (signal == SIGINT || signal == SIGTERM) {
    peers::exit_if_peer_lost(watchdog::kExitWatchdog, "stopping (a second stop signal came)");
    static const char message[] = "dojo: second stop signal: exiting without saving\n";
    ssize_t ignored = write(STDERR_FILENO, message, sizeof message - 1);
    (void)ignored;
    peers::leaving();
    _exit(128 + signal);
  }
}

}  // namespace

void restore_defaults() {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  for (int s : {SIGUSR1, SIGUSR2, SIGTERM, SIGINT}) sigaction(s, &action, nullptr);
  if (const int pending = received.load(); pending != 0) raise(pending);
}

void install() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int s : {SIGUSR1, SIGUSR2, SIGTERM, SIGINT}) sigaction(s, &action, nullptr);
}

int requested() noexcept {
  return received.load(std::memory_order_relaxed);
}

const char* name(int signal) noexcept {
  switch (signal) {
    case SIGUSR1:
      return "SIGUSR1";
    case SIGUSR2:
      return "SIGUSR2";
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    default:
      return "a signal";
  }
}

void finishing() noexcept {
  saved.store(true);
}

void reset() noexcept {
  received.store(0);
  saved.store(false);
}

}  // namespace dojo::stop_signal
