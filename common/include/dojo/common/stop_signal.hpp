// Graceful stop on a signal: Slurm's preemption and time-limit warnings (SIGUSR1 with
// `#SBATCH --signal=USR1@120`, SIGTERM from `scancel` or the time limit) and Ctrl-C (SIGINT) set
// a flag that long-running work polls between steps; it then saves its state and exits with
// kExitStopped so a batch script can requeue it. A second SIGINT/SIGTERM ends the process at once.
#pragma once

namespace dojo::stop_signal {

// Exit code of a run that stopped early on a signal after saving its state (EX_TEMPFAIL).
inline constexpr int kExitStopped = 75;

// Installs the handlers for SIGUSR1, SIGUSR2, SIGTERM and SIGINT (idempotent). `dojo` does this
// first thing in main, so that a signal during start-up is never the default (fatal) action.
void install();
// For work that never polls the flag (commands other than training): puts back the default
// actions, and if a signal already came, raises it again so it takes its default effect now.
void restore_defaults();
// The first signal received since install() (e.g. SIGUSR1), or 0.
int requested() noexcept;
// "SIGUSR1", "SIGTERM", ... for a signal number.
const char* name(int signal) noexcept;
// The state is saved and the process is about to exit with kExitStopped: from now on a further
// SIGTERM/SIGINT (a launcher ending the job because another rank exited first) exits quietly
// with kExitStopped instead of complaining about a second signal.
void finishing() noexcept;
// Forgets a received signal (tests).
void reset() noexcept;

}  // namespace dojo::stop_signal
