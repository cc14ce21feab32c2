// Runs a program with an argument vector (posix_spawnp; never a shell), collecting its output.
#pragma once

#include <string>
#include <vector>

namespace dojo::service {

struct ProcessResult {
  int exit_code = -1;  // -1 when it could not start or was killed at the timeout
  std::string out, err;
  bool timed_out = false;
};

// argv[0] is looked up in PATH. Output past `max_output` bytes per stream is dropped.
// `extra_env` ("NAME=VALUE") is added to this process's environment for the child.
ProcessResult run_process(const std::vector<std::string>& argv, double timeout_s = 30,
                          std::size_t max_output = 1 << 20,
                          const std::vector<std::string>& extra_env = {});

}  // namespace dojo::service
