// The choices of a TrainConfig that arrive as text (the command line and the TOML file fill them
// as strings: --model, --optimizer, --placement, --resume), parsed once into enums when a run
// starts, so the parts of the trainer compare enums, never strings.
#pragma once

#include <string>

#include "dojo/jobs/train_config.hpp"

namespace dojo::jobs {

enum class ModelKind { mlp, gpt };
enum class OptimizerKind { adamw, sgd };
enum class PlacementKind { mesh, rank_order };
enum class ResumeMode { never, latest, file };  // --resume never | auto | <file>

struct TrainChoices {
  ModelKind model = ModelKind::mlp;
  OptimizerKind optimizer = OptimizerKind::adamw;
  PlacementKind placement = PlacementKind::mesh;
  ResumeMode resume = ResumeMode::never;
  std::string resume_file;  // ResumeMode::file: the checkpoint
};

// A user error naming the option when a value is not one of its choices.
TrainChoices parse_choices(const TrainConfig& config);

}  // namespace dojo::jobs
