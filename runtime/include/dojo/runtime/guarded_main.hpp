// The one place where a dojo process turns an error into its exit: a user's mistake is printed once
// by rank 0 and exits with code 2; any other failure names the rank and what it was doing, then
// aborts the whole job so that no rank is left waiting.
#pragma once

#include <functional>
#include <string>

namespace dojo::runtime {

inline constexpr int kExitUserError = 2;
inline constexpr int kExitInternalError = 1;

// Runs `body` and maps errors to exit codes as above. Returns body's exit code on success.
int guarded_main(const std::function<int()>& body);

// Ends the process after a user error: finalises MPI if every rank does the same within
// `grace_seconds`, else aborts the job (a rank that saw no error may be waiting on this one).
[[noreturn]] void exit_after_user_error(const std::string& message, int grace_seconds = 10);

}  // namespace dojo::runtime
