// Checks a tenant's training configuration (TOML, the keys of `dojo train --config`) before it is
// written into the tenant's job directory. Only training hyperparameters are accepted: the service
// sets the data set and the output directory itself, and keys that name files or load code (data,
// out, trace, resume, device, config) are refused, as are unknown keys, tables and values that
// are not numbers, booleans, short strings or arrays of them.
#pragma once

#include <cstdint>
#include <string>

namespace dojo::service {

struct ConfigCheck {
  bool ok = false;
  std::string error;  // one line, when !ok
  std::string toml;   // the configuration re-serialised (only checked keys), when ok
  std::int64_t steps = 0, global_batch = 64, context = 0;  // for progress and time left
  int ranks_needed = 0;            // the product of --layout, when given (0: any)
  bool checkpointing = false;      // sets checkpoint-every or checkpoint-minutes above 0
  bool one_rank_checkable = true;  // no layout, dp, tp or pp: `dojo train --dry-run` on 1 rank
};

ConfigCheck check_config(const std::string& text);

}  // namespace dojo::service
