// The hang watchdog: a communication wait that lasts longer than a limit ends the job, naming the
// rank, the operation and its sequence number, instead of leaving every rank waiting forever.
//
//   watchdog::set_timeout(300);                         // seconds; 0 switches it off
//   { watchdog::Wait wait("allreduce", 12, "ring, 4194304 bytes");  ... MPI waits ... }
//
// A background thread (started by the first set_timeout > 0) checks the waits in progress once a
// second; one that is too old prints
//   dojo: error: rank 3: hang watchdog: allreduce #12 (ring, 4194304 bytes) has waited 300 s
//   (limit 300 s, --watchdog): a peer is gone or never made the same call; aborting the job
// and calls MPI_Abort. Waits nest (the innermost is reported) and are per thread.
#pragma once

#include <cstdint>
#include <string>

namespace dojo::watchdog {

// Exit code of a rank ended by the watchdog's thread: a hang, or a lost peer.
inline constexpr int kExitWatchdog = 3;

// Starts the checking thread (if not yet running) for the peer-loss check alone: while this rank
// waits (a Wait older than 0.5 s) or has a stop signal pending, a peer of its node that is lost
// (peers.hpp) ends this rank with exit code kExitWatchdog within about a second; the lowest
// surviving rank of the node prints
//   dojo: error: rank 0: peer rank 1 lost (its process ended without leaving the job) while this
//   rank was waiting in allreduce #12 (SIGTERM received); ending the job
// and tells the ranks of the other nodes, which leave too, quietly (peers::tell_others). The
// runtime calls it once the node's table is attached.
void watch_peers();

// Seconds a single wait may last; 0 (or negative) switches the watchdog off. Thread-safe.
void set_timeout(double seconds);
double timeout() noexcept;

// The environment's limit: DOJO_WATCHDOG_SECONDS when set (a user error when malformed), else
// `fallback`.
double timeout_from_environment(double fallback);

// Marks the calling thread as waiting in `operation` (a string literal) number `sequence` for the
// object's lifetime. `detail` is built only when the watchdog is on.
class Wait {
 public:
  Wait(const char* operation, std::uint64_t sequence, std::string detail = {});
  ~Wait();
  Wait(const Wait&) = delete;
  Wait& operator=(const Wait&) = delete;

 private:
  bool registered_ = false;
};

// The message the watchdog would print for a wait of `waited` seconds (for tests).
std::string describe_hang(int rank, const char* operation, std::uint64_t sequence,
                          const std::string& detail, double waited, double limit);

}  // namespace dojo::watchdog
