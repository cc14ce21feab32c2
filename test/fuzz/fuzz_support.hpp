// Shared by dojo's libFuzzer targets: what counts as a handled bad input, and a scratch file for
// readers that take a path (HDF5 files, TOML files).
//
// A target feeds the bytes to one reader. A dojo::Error of kind user is the expected answer to bad
// input and is swallowed; anything else that escapes (an internal error, another exception, a
// crash, a sanitizer report, a hang) is a finding: libFuzzer stops and saves the input.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "dojo/common/error.hpp"

namespace dojo::fuzz {

// Runs `body`; a user error is fine, an internal one aborts (so libFuzzer reports it).
template <typename Body>
void expect_only_user_errors(Body&& body) {
  try {
    body();
  } catch (const dojo::Error& e) {
    if (e.kind() != dojo::ErrorKind::user) {
      std::fprintf(stderr, "internal error on fuzz input: %s\n", dojo::describe(e).c_str());
      std::abort();
    }
  }
}

// A file in /dev/shm (memory) private to this process, rewritten with each input.
inline const std::string& scratch_path(const char* suffix) {
  static const std::string path =
      "/dev/shm/dojo-fuzz-" + std::to_string(getpid()) + std::string(suffix);
  return path;
}

inline const std::string& write_scratch(const std::uint8_t* data, std::size_t size,
                                        const char* suffix) {
  const std::string& path = scratch_path(suffix);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace dojo::fuzz
