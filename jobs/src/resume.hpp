// --resume: finds the checkpoint a run continues from and loads it (never, auto = the newest
// valid one in the run's checkpoint directory, or a named step-N.h5 file).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "checkpointing.hpp"
#include "train_choices.hpp"

namespace dojo::jobs {

struct ResumePoint {
  std::int64_t step = 0;             // steps the checkpoint had done; 0 = starting afresh
  std::filesystem::path checkpoint;  // the file loaded; empty when none
};

// Collective, before any output is written. `mode` and `file`: --resume; `dir`: the run's
// checkpoint directory; `total_steps`: this run's steps; `checkpointing`: whether this run writes
// checkpoints (it warns that they will replace an earlier run's). Bad input (a missing or
// incompatible file, checkpoints none of which can be used, one beyond total_steps) is a user
// error that leaves every file as it was.
ResumePoint resume_from_checkpoint(ResumeMode mode, const std::filesystem::path& file,
                                   const std::filesystem::path& dir, RunState& state,
                                   std::int64_t total_steps, bool checkpointing, MPI_Comm comm);

}  // namespace dojo::jobs
