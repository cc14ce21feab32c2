// How one training step's gradients come about on this rank, behind one interface: the
// data-parallel engine (any Model on the whole batch) and the 3D engine (a GptStage: micro-batches
// through the pipeline, tensor-parallel inside the stage). Either way, after gradients() every
// rank holds, for the parameters it has, the gradient of the global batch's mean loss.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "checkpointing.hpp"
#include "dojo/collectives/communicator.hpp"
#include "dojo/model/gpt.hpp"
#include "dojo/model/gpt_partition.hpp"
#include "dojo/model/model.hpp"
#include "dojo/runtime/pipeline.hpp"
#include "dojo/runtime/process_grid.hpp"

namespace dojo::jobs {

struct StepWork {
  float loss = NAN;            // this rank's mean loss of its replica's batch (reports_loss() only)
  double compute_seconds = 0;  // forward and backward, with the overlapped communication
  double comm_wait_seconds = 0;  // waiting for gradient reductions after backward
};

class StepEngine {
 public:
  virtual ~StepEngine() = default;

  virtual model::Model& model() = 0;
  // Every logical tensor of the whole model (collective once, at construction).
  virtual const std::vector<LogicalTensor>& all_tensors() const = 0;
  // Whether this rank's losses count: summed over the reporting ranks and divided by the
  // data-parallel degree they are the global batch's mean loss.
  virtual bool reports_loss() const = 0;
  virtual std::size_t bucket_count() const = 0;

  // Collective: zeroes the gradients, runs forward and backward of this replica's batch (device
  // tensors, (B, ...) rows) and reduces the gradients over the replicas (and other copies).
  virtual StepWork gradients(const model::TensorView& inputs, const model::TensorView& targets) = 0;
  // Collective: the squared norm of the whole model's gradient, the same on every rank.
  virtual double grad_sum_of_squares() = 0;
  // Collective over the ranks of one replica: the mean loss of an evaluation batch on the
  // reports_loss() ranks, NaN elsewhere.
  virtual float evaluate(const model::TensorView& inputs, const model::TensorView& targets) = 0;
};

// Data parallelism over `dp` with any model; gradients averaged in buckets during backward.
std::unique_ptr<StepEngine> make_data_parallel_engine(std::unique_ptr<model::Model> model,
                                                      collectives::Communicator& dp,
                                                      std::int64_t bucket_floats);

struct PipelineOptions {
  int micro_batches = 1;
  runtime::PipelineScheduleKind schedule = runtime::PipelineScheduleKind::one_f_one_b;
  std::vector<std::int64_t> layers_per_stage;  // empty = balanced_stages
  std::int64_t bucket_floats = 1;
  collectives::Config tp_collectives;  // the groups' collectives (mesh geometry from the placement)
  collectives::Config dp_collectives;
};

// The GPT on the grid's (dp, tp, pp) layout: this rank's stage and tensor-parallel shard.
std::unique_ptr<StepEngine> make_gpt_3d_engine(device::Device& device,
                                               const model::GptConfig& config,
                                               const runtime::ProcessGrid& grid,
                                               const PipelineOptions& options);

// The stages of `config` under `options` for pp stages.
std::vector<model::StageRange> gpt_stage_ranges(const model::GptConfig& config, int pp,
                                                const PipelineOptions& options);

}  // namespace dojo::jobs
