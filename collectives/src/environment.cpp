// Reads DOJO_COLL_ALLREDUCE, DOJO_COLL_REDUCE_SCATTER, ... and DOJO_COLL_DEBUG.
#include "environment.hpp"

#include <cctype>
#include <cstdlib>
#include <string>

#include "dojo/common/environment.hpp"
#include "dojo/common/error.hpp"

namespace dojo::collectives::detail {

void apply_environment(Config& config) {
  for (Operation op : all_operations()) {
    std::string variable = "DOJO_COLL_";
    for (char c : name(op))
      variable += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::optional<std::string> value = env::raw(variable.c_str());
    if (!value) continue;
    const auto algorithm = parse_algorithm(*value);
    if (!algorithm)
      user_error(str(variable, "=", env::quoted(*value), ": unknown algorithm; use one of ",
                     valid_algorithm_names()));
    if (!implements(*algorithm, op))
      user_error(str(variable, "=", env::quoted(*value), ": ", name(*algorithm),
                     " does not implement ", name(op)));
    config.algorithm[static_cast<std::size_t>(op)] = *algorithm;
  }
  env::check();  // a malformed DOJO_COLL_DEBUG is a user error
  if (const auto debug = env::settings().coll_debug) config.debug = *debug;
}

}  // namespace dojo::collectives::detail
