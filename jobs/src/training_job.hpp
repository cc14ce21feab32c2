// What a training run is built from, assembled once from its configuration: the process grid and
// its placement on the mesh, the data set and its loaders, the device, the step engine, the
// optimizer and the learning-rate schedule. The loop (training_loop.hpp) runs it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "checkpointing.hpp"
#include "device_batch.hpp"
#include "dojo/collectives/communicator.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/device/device.hpp"
#include "dojo/io/loader.hpp"
#include "dojo/io/validate.hpp"
#include "dojo/jobs/train_config.hpp"
#include "dojo/model/lr_schedule.hpp"
#include "dojo/model/optimizer.hpp"
#include "dojo/runtime/mesh_grid.hpp"
#include "dojo/runtime/process_grid.hpp"
#include "dojo/runtime/runtime.hpp"
#include "evaluation.hpp"
#include "step_engine.hpp"
#include "train_choices.hpp"

namespace dojo::jobs {

class TrainingJob {
 public:
  // Collective over the runtime's world: opens the data set (a user error when a split is
  // missing), builds the engine and the optimizer. Writes nothing.
  TrainingJob(const TrainConfig& config, const runtime::Runtime& runtime,
              std::string resolved_toml);

  // The training loader (whichever kind the model reads) and a view of what a checkpoint holds.
  io::LoaderBase& train_loader();
  RunState run_state();
  // Fills `batch` with the next training batch of this replica's shard.
  void next_training_batch(DeviceBatch& batch);
  bool reads_tokens() const { return train_tokens_ != nullptr; }

  const TrainConfig& config;
  const TrainChoices choices;  // config's textual choices, parsed once
  const mpi::Comm& world;
  const std::optional<runtime::MeshGridPlan> plan;  // nullopt: rank order, or one rank
  const runtime::ProcessGrid grid;
  const std::string out;                       // the output directory
  const std::filesystem::path checkpoint_dir;  // out/checkpoints
  const std::string resolved_toml;             // saved as out/config.toml and in checkpoints

  std::unique_ptr<collectives::Communicator> world_collectives;  // the loss, decisions, norms
  std::unique_ptr<collectives::Communicator> dp;                 // this rank's replicas
  std::unique_ptr<device::Device> device;
  std::unique_ptr<StepEngine> engine;
  std::unique_ptr<model::Optimizer> optimizer;
  std::unique_ptr<Evaluator> evaluator;
  model::LrSchedule schedule;
  std::int64_t steps = 0;       // the run's last step
  double units_per_sample = 1;  // what progress counts per sample: 1 (MLP) or T tokens (GPT)

 private:
  collectives::Config geometry(runtime::Axis axis) const;

  io::DatasetInfo info_;
  std::unique_ptr<io::ClassificationLoader> train_classes_;
  std::unique_ptr<io::TokenLoader> train_tokens_;
  io::ClassificationBatch class_batch_;
  io::TokenBatch token_batch_;
};

}  // namespace dojo::jobs
