// Error-to-exit mapping for every dojo binary.
#include "dojo/runtime/guarded_main.hpp"

#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <thread>

#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/common/peers.hpp"
#include "dojo/common/stop_point.hpp"
#include "dojo/common/stop_signal.hpp"

namespace dojo::runtime {
namespace {

[[noreturn]] void abort_job(int code) {
  peers::forget();
  std::fflush(stdout);
  std::fflush(stderr);
  if (mpi::is_initialized() && !mpi::is_finalized()) MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

void report_failure(const std::string& line) {
  std::fprintf(stderr, "dojo: error: %s\n", line.c_str());
  std::fflush(stderr);
}

// Ends the process with `code` after MPI_Finalize, or aborts the job with it if a peer does not
// reach MPI_Finalize within `grace_seconds` (then `message` is printed, as rank 0 may not have).
[[noreturn]] void finalize_and_exit(int code, const std::string& message, int grace_seconds) {
  std::fflush(stdout);
  std::fflush(stderr);
  peers::forget();  // not lost: the peer-loss watch must not blame this rank
  if (mpi::is_initialized() && !mpi::is_finalized()) {
    std::thread([message, grace_seconds, code] {
      std::this_thread::sleep_for(std::chrono::seconds(grace_seconds));
      std::fprintf(stderr,
                   "dojo: error: rank %d: %s (the other ranks did not stop within %d s; aborting "
                   "the job)\n",
                   error_rank(), message.c_str(), grace_seconds);
      abort_job(code);
    }).detach();
    MPI_Finalize();
  }
  std::_Exit(code);
}

}  // namespace

void exit_after_user_error(const std::string& message, int grace_seconds) {
  // If a peer never reaches MPI_Finalize (it did not see the error), do not wait for it forever.
  // Such an error was seen by this rank alone, so rank 0 may not have printed it: say it then.
  finalize_and_exit(kExitUserError, message, grace_seconds);
}

int guarded_main(const std::function<int()>& body) {
  try {
    return body();
  } catch (const StopRequested& stop) {
    // A stop signal before the training loop: every rank agreed on it at the same stop point.
    stop_signal::finishing();  // a launcher's follow-up SIGTERM now exits quietly with 75
    if (error_rank() <= 0) {
      std::printf("%s\n", stop.what());
    }
    finalize_and_exit(stop_signal::kExitStopped, stop.what(), 10);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::user) {
      // Every rank detects a user error alike; one line from rank 0 (or the only rank) is enough.
      if (e.rank() <= 0) report_failure(e.message());
      exit_after_user_error(e.message());
    }
    report_failure(describe(e));
    abort_job(kExitInternalError);
  } catch (const std::exception& e) {
    std::string where = error_rank() >= 0 ? str("rank ", error_rank()) : std::string("dojo");
    std::string activity = current_activity();
    report_failure(str(where, activity.empty() ? "" : ", while " + activity, ": ", e.what()));
    abort_job(kExitInternalError);
  }
}

}  // namespace dojo::runtime
