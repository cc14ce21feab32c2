// fork, a pipe and a deadline: see isolated_read.hpp.
#include "isolated_read.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "dojo/common/error.hpp"

namespace dojo::io::detail {
namespace {

// Reads everything from `fd` until EOF or `deadline`; false on timeout.
bool read_until(int fd, std::string& out, std::chrono::steady_clock::time_point deadline) {
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) return true;
    if (ready <= 0) continue;
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

// The child's answer: a status letter, then the text.
std::string answer(const std::function<std::string()>& work) {
  std::string out;
  try {
    const std::string result = work();
    out.reserve(result.size() + 1);
    out += '+';
    out += result;
  } catch (const Error& e) {
    out = e.kind() == ErrorKind::user ? '-' : '!';
    out += e.message();
  } catch (const std::exception& e) {
    out = '!';
    out += e.what();
  }
  return out;
}

IsolatedResult parse(const std::string& message) {
  if (message.empty()) return {IsolatedResult::crashed, ""};
  const std::string text = message.substr(1);
  if (message[0] == '+') return {IsolatedResult::ok, text};
  if (message[0] == '-') return {IsolatedResult::user_error, text};
  return {IsolatedResult::failed, text};
}

}  // namespace

IsolatedResult run_isolated(const std::function<std::string()>& work, int seconds) {
  int fds[2];
  if (pipe(fds) != 0) return parse(answer(work));
  const pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    return parse(answer(work));
  }
  if (child == 0) {
    close(fds[0]);
    const std::string message = answer(work);
    for (std::size_t done = 0; done < message.size();) {
      const ssize_t n = write(fds[1], message.data() + done, message.size() - done);
      if (n <= 0 && errno != EINTR) break;
      if (n > 0) done += static_cast<std::size_t>(n);
    }
    _exit(0);  // no atexit handlers: HDF5's and MPI's state belong to the parent
  }
  close(fds[1]);
  std::string message;
  const bool finished =
      read_until(fds[0], message, std::chrono::steady_clock::now() + std::chrono::seconds(seconds));
  close(fds[0]);
  if (!finished) kill(child, SIGKILL);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!finished) return {IsolatedResult::timed_out, ""};
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return {IsolatedResult::crashed, ""};
  return parse(message);
}

}  // namespace dojo::io::detail
