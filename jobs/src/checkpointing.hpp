// The trainer's side of checkpoints: which tensors a run saves (every parameter, every optimizer
// state tensor, by logical shape) and the counters that make a resumed run continue bit for bit
// (steps taken, the data loader's position). The file format is io/'s (docs/checkpoint-format.md).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dojo/io/checkpoint.hpp"
#include "dojo/io/loader.hpp"
#include "dojo/model/model.hpp"
#include "dojo/model/optimizer.hpp"

namespace dojo::jobs {

// What a checkpoint captures of a run, by reference.
struct RunState {
  model::Model& model;
  model::Optimizer& optimizer;
  io::LoaderBase& train_loader;
};

// The tensors a checkpoint of this run holds: "params/<name>" and "optimizer/<slot>/<name>".
std::vector<io::ExpectedTensor> expected_tensors(RunState& state);

// Collective: saves the state after `step` steps into `dir`.
std::filesystem::path save_training_checkpoint(const std::filesystem::path& dir, std::int64_t step,
                                               RunState& state, const std::string& config_toml,
                                               const std::string& layout, int keep,
                                               MPI_Comm comm);

// Collective: loads a checkpoint that compatibility() accepted; returns the steps it had done.
std::int64_t load_training_checkpoint(const std::filesystem::path& path, RunState& state,
                                      MPI_Comm comm);

}  // namespace dojo::jobs
