// Reading an untrusted HDF5 file's metadata in a child process, with a time limit. HDF5 1.10
// (Debian 12) loops for ever on some damaged files, e.g. a variable-length string attribute whose
// global heap object is garbage (found by test/fuzz: fuzz_checkpoint and fuzz_dataset), and a
// library call cannot be interrupted in the process that made it. The child does the reads and
// hands back a string through a pipe; a child that hangs or crashes costs the parent nothing.
#pragma once

#include <functional>
#include <string>

namespace dojo::io::detail {

// Metadata of a good file reads in milliseconds.
inline constexpr int kIsolatedReadSeconds = 20;

struct IsolatedResult {
  enum Status { ok, user_error, failed, timed_out, crashed } status = ok;
  std::string text;  // work's result (ok), or the error's message (user_error, failed)
};

// Runs `work` in a child process (fork, no exec) for at most `seconds`; `work` must not use MPI.
// Without fork (it failed), runs it here.
IsolatedResult run_isolated(const std::function<std::string()>& work,
                            int seconds = kIsolatedReadSeconds);

}  // namespace dojo::io::detail
