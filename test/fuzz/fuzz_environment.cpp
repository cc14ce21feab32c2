// The whole environment parser (dojo/common/environment.hpp) on arbitrary NAME=VALUE lines: it
// never throws (problems are collected) and never crashes; the raising of the first problem
// (check) is a user error.
#include <string>
#include <vector>

#include "dojo/common/environment.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> assignments;
  std::string line;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      assignments.push_back(std::move(line));
      line.clear();
    } else {
      line += static_cast<char>(data[i]);
    }
  }
  assignments.push_back(std::move(line));
  const dojo::env::Settings settings = dojo::env::parse(assignments);  // must not throw
  for (const std::string& problem : settings.problems)
    if (problem.find('\n') != std::string::npos) std::abort();  // one line each
  return 0;
}
