// The files a training run writes, checked before the first step, and the rule that keeps an
// earlier run's records: config.toml and metrics.jsonl are replaced only once this run has
// finished its first step, and checkpoints only when the user asked to start over.
#pragma once

#include <filesystem>
#include <string>

#include "dojo/common/mpi.hpp"
#include "dojo/jobs/train_config.hpp"

namespace dojo::jobs {

// Collective: rank 0 checks every path the run will write (the output directory or where it will
// be made, its checkpoints/ directory, config.toml, metrics.jsonl, the --trace file): each
// existing one has the right type and is writable, each missing one has a writable directory to
// be made in. A problem is one user error on every rank, before any work.
void check_output_paths(const TrainConfig& config, const mpi::Comm& world);

// Collective: creates the output directory (rank 0); a user error on every rank when it cannot.
void make_output_directory(const std::string& out, const mpi::Comm& world);

// With --resume never, checkpoints already in `checkpoints` belong to an earlier run that this
// one would replace: a user error (exit 2) naming them, unless --overwrite was given.
void refuse_to_replace_checkpoints(const TrainConfig& config,
                                   const std::filesystem::path& checkpoints);

// Rank 0, after the first step: writes config.toml through a temporary file and a rename, so the
// earlier file stays whole until the new one is complete.
void write_config_toml(const std::string& out, const std::string& toml);

}  // namespace dojo::jobs
