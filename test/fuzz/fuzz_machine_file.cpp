// TOML machine files (topology/machine_file.hpp, read_machine_spec): a machine or a user error.
// To retarget after the move to toml++, change only the call below.
#include <sstream>

#include "dojo/topology/machine_file.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  dojo::fuzz::expect_only_user_errors([&] { dojo::topology::read_machine_spec(in, "fuzz.toml"); });
  return 0;
}
