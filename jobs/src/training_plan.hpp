// What a run will do before it does it: the GPT's configuration from the options, and the plan
// `dojo train --dry-run` prints (layout, stage split, every stage's pipeline schedule).
#pragma once

#include <cstdint>
#include <string>

#include "dojo/common/mpi.hpp"
#include "dojo/jobs/train_config.hpp"
#include "dojo/model/gpt.hpp"

namespace dojo::jobs {

// The GPT `config` describes, for a data set of `vocab_size` tokens (validated).
model::GptConfig gpt_config(const TrainConfig& config, std::int64_t vocab_size);

// Collective (opens the data set for its vocabulary): the layout, the blocks and parameters of each
// pipeline stage, and the schedule of every stage, as lines of text.
std::string describe_training_plan(const TrainConfig& config, const mpi::Comm& world);

}  // namespace dojo::jobs
