// The one error type of dojo: a message with the file, line, rank and activity where it was raised.
// A UserError is a mistake in input (options, config, files) that every rank detects alike;
// anything else is an internal failure that must end the whole job, never one rank alone.
#pragma once

#include <source_location>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace dojo {

enum class ErrorKind {
  user,     // bad input: printed once by rank 0 as one line, exit code 2
  internal  // broken invariant or failed library call: the job is aborted, rank named
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, std::source_location where, int rank,
        std::string activity);

  ErrorKind kind() const noexcept { return kind_; }
  // The bare message, without location.
  const std::string& message() const noexcept { return message_; }
  const char* file() const noexcept { return file_; }
  int line() const noexcept { return line_; }
  // Rank in the job's world communicator, or -1 when raised before the runtime knew it.
  int rank() const noexcept { return rank_; }
  // What the rank was doing (the innermost ScopedActivity), empty when unknown.
  const std::string& activity() const noexcept { return activity_; }

 private:
  ErrorKind kind_;
  std::string message_;
  const char* file_;
  int line_;
  int rank_;
  std::string activity_;
};

// Concatenates anything streamable into one string: str("bad size ", n, " for ", name).
template <typename... Parts>
std::string str(Parts&&... parts) {
  std::ostringstream out;
  (out << ... << std::forward<Parts>(parts));
  return out.str();
}

// text made safe to print on one terminal line: control bytes (a garbage file's, a newline) are
// written as \xNN or \n, and a run of more than 160 characters without a space (a very long
// value) is cut to its first 120 with "... (N characters)".
std::string printable(std::string_view text);

// A user's mistake that every rank detects alike (options, config, layout). Name the fix in the
// message. The message is passed through printable(), so echoed input cannot garble the terminal.
[[noreturn]] void user_error(std::string message,
                             std::source_location where = std::source_location::current());

// A broken invariant or failed library call; the runtime's handler aborts the whole job.
[[noreturn]] void internal_error(std::string message,
                                 std::source_location where = std::source_location::current());

// Checks an invariant; on failure raises an internal error naming the condition.
inline void check(bool condition, const char* what,
                  std::source_location where = std::source_location::current()) {
  if (!condition) internal_error(std::string("check failed: ") + what, where);
}

// The rank recorded in every error; set once by the runtime after MPI starts.
void set_error_rank(int rank) noexcept;
int error_rank() noexcept;

// Names what this thread is doing, for error messages ("rank 3 failed while reading batch 12:
// ..."). Nested scopes form a path; the innermost ones are reported.
class ScopedActivity {
 public:
  explicit ScopedActivity(std::string what);
  ~ScopedActivity();
  ScopedActivity(const ScopedActivity&) = delete;
  ScopedActivity& operator=(const ScopedActivity&) = delete;
};

// The current activity path of this thread, e.g. "train > step 12 > allreduce bucket 3".
std::string current_activity();

// One line describing an error for the user: "rank 3, while <activity>: <message> [file:line]".
std::string describe(const Error& error);

}  // namespace dojo
