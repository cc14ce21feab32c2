// The trainer's side of checkpoints: which tensors a run saves (every parameter, every optimizer
// state tensor, by logical shape) and the counters that make a resumed run continue bit for bit
// (steps taken, the data loader's position). The file format is io/'s (docs/checkpoint-format.md).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "dojo/io/checkpoint.hpp"
#include "dojo/io/loader.hpp"
#include "dojo/model/model.hpp"
#include "dojo/model/optimizer.hpp"

namespace dojo::jobs {

// A parameter of the whole (unsplit) model: its name and logical shape.
struct LogicalTensor {
  std::string name;
  std::vector<std::int64_t> shape;
};

// The model's logical tensors as this rank's table names them (a whole model holds them all).
std::vector<LogicalTensor> local_logical_tensors(const model::Model& model);

// What a checkpoint captures of a run, by reference. `model` holds a part of the logical tensors
// `all_tensors` (every boxes of them on some rank of the job); the checkpoint stores each by its
// logical shape, so a run of any layout can read it.
struct RunState {
  model::Model& model;
  model::Optimizer& optimizer;
  io::LoaderBase& train_loader;
  std::span<const LogicalTensor> all_tensors;
};

// The tensors a checkpoint of this run holds: "params/<name>" and "optimizer/<slot>/<name>" by
// logical shape.
std::vector<io::ExpectedTensor> expected_tensors(RunState& state);

// Collective: saves the state after `step` steps into `dir`; each rank hands in the boxes it holds
// (replicas on several ranks are written once).
std::filesystem::path save_training_checkpoint(const std::filesystem::path& dir, std::int64_t step,
                                               RunState& state, const std::string& config_toml,
                                               const std::string& layout, int keep, MPI_Comm comm);

// Collective: loads a checkpoint that compatibility() accepted, whatever layout wrote it (each rank
// reads its own boxes); returns the steps it had done.
std::int64_t load_training_checkpoint(const std::filesystem::path& path, RunState& state,
                                      MPI_Comm comm);

}  // namespace dojo::jobs
