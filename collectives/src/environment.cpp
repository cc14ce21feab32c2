// Reads DOJO_COLL_ALLREDUCE, DOJO_COLL_REDUCE_SCATTER, ... and DOJO_COLL_DEBUG.
#include "environment.hpp"

#include <cctype>
#include <cstdlib>
#include <string>

#include "dojo/common/error.hpp"

namespace dojo::collectives::detail {

void apply_environment(Config& config) {
  for (Operation op : all_operations()) {
    std::string variable = "DOJO_COLL_";
    for (char c : name(op))
      variable += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr || *value == '\0') continue;
    const auto algorithm = parse_algorithm(value);
    if (!algorithm)
      user_error(
          str(variable, "=", value, ": unknown algorithm; use one of ", valid_algorithm_names()));
    if (!implements(*algorithm, op))
      user_error(
          str(variable, "=", value, ": ", name(*algorithm), " does not implement ", name(op)));
    config.algorithm[static_cast<std::size_t>(op)] = *algorithm;
  }
  if (const char* debug = std::getenv("DOJO_COLL_DEBUG"); debug != nullptr && *debug != '\0') {
    const std::string v = debug;
    if (v == "1" || v == "true" || v == "on")
      config.debug = true;
    else if (v == "0" || v == "false" || v == "off")
      config.debug = false;
    else
      user_error(str("DOJO_COLL_DEBUG=", v, ": use 1 or 0"));
  }
}

}  // namespace dojo::collectives::detail
