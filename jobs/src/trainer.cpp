// `dojo train` from the top: validate the configuration, build the run (training_job.hpp), resume
// from a checkpoint if asked (resume.hpp), prepare the output directory, run the loop
// (training_loop.hpp). The loop's parts live alone: one step (training_step.hpp), evaluation
// (evaluation.hpp), when to checkpoint (checkpoint_policy.hpp), stop signals and the test hook
// (stop_handling.hpp), progress and metrics (progress.hpp).
#include "dojo/jobs/trainer.hpp"

#include <filesystem>
#include <fstream>

#include "checkpoint_policy.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/trace.hpp"
#include "resume.hpp"
#include "training_job.hpp"
#include "training_loop.hpp"
#include "training_plan.hpp"

namespace dojo::jobs {
namespace {

// Creates the output directory on rank 0 and agrees on the outcome, so a failure is one user
// error on every rank before any training.
void prepare_output(const std::string& out, const mpi::Comm& world, const std::string& toml) {
  int ok = 1;
  std::string problem;
  if (world.rank() == 0) {
    std::error_code error;
    std::filesystem::create_directories(out, error);
    std::ofstream file(std::filesystem::path(out) / "config.toml", std::ios::trunc);
    if (error || !(file << toml) || !file.flush()) {
      ok = 0;
      problem = error ? error.message() : std::string("cannot write config.toml");
    }
  }
  DOJO_CHECK_MPI(MPI_Bcast(&ok, 1, MPI_INT, 0, world.get()));
  if (!ok)
    user_error(str("output directory '", out, "' is not writable (", problem,
                   "): choose another with --out"));
}

}  // namespace

TrainResult train(const TrainConfig& config, const runtime::Runtime& runtime,
                  const std::string& resolved_toml) {
  ScopedActivity activity("training");
  const mpi::Comm& world = runtime.world();
  validate(config, world.size());
  if (!config.trace.empty()) trace::enable();
  if (config.dry_run) {
    TrainResult result;
    result.dry_run_plan = describe_training_plan(config, world);
    return result;
  }
  TrainingJob job(config, runtime, resolved_toml);
  RunState state = job.run_state();
  const bool checkpointing =
      CheckpointPolicy(config.checkpoint_every, config.checkpoint_minutes, job.steps).enabled();
  const ResumePoint resumed =
      resume_from_checkpoint(job.choices.resume, job.choices.resume_file, job.checkpoint_dir, state,
                             job.steps, checkpointing, world.get());
  prepare_output(job.out, world, resolved_toml);
  return run_training(job, resumed);
}

}  // namespace dojo::jobs
