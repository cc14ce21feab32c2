// The training loop: for each step, the next batch, one training step (training_step.hpp), then
// progress, evaluation at intervals, the stop and checkpoint decisions every rank took alike; at
// the end a final evaluation. Rank 0 reports.
#pragma once

#include <cstdint>
#include <filesystem>

#include "dojo/jobs/trainer.hpp"
#include "resume.hpp"
#include "training_job.hpp"

namespace dojo::jobs {

// Collective over the job's world: runs steps resumed.step + 1 .. job.steps.
TrainResult run_training(TrainingJob& job, const ResumePoint& resumed);

}  // namespace dojo::jobs
