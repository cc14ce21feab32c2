// `dojo train`: trains a model on a dojo data set with data parallelism over the ranks it is given,
// overlapping gradient reduction with backward, printing progress from rank 0 and writing the
// resolved configuration and JSON-lines metrics into the output directory.
#pragma once

#include <string>

#include "dojo/common/mpi.hpp"
#include "dojo/jobs/train_config.hpp"
#include "dojo/runtime/runtime.hpp"

namespace dojo::jobs {

struct TrainResult {
  std::int64_t steps = 0;
  double final_train_loss = 0;  // mean over the last logging interval
  double eval_loss = 0;         // at the end
  double eval_accuracy = -1;    // classifiers only; -1 otherwise
  double seconds = 0;           // wall time of the training loop
  std::string metrics_path;     // metrics.jsonl (rank 0)
  std::string checkpoint;       // the last checkpoint written or resumed from; "" when none
  std::string stopped_by;       // the signal that stopped the run early; "" when it finished
  std::string dry_run_plan;     // --dry-run: what the run would do (nothing was trained)
};

// Collective over the runtime's world; the device gets the runtime's threads per rank and the
// mesh placement its nodes. `resolved_toml`: the configuration as the user gave it, saved as
// out/config.toml.
TrainResult train(const TrainConfig& config, const runtime::Runtime& runtime,
                  const std::string& resolved_toml);

}  // namespace dojo::jobs
