// `dojo bench pipeline`: runs the pipeline schedules over the job's ranks (one stage each) and
// reports per stage the measured bubble beside the theory (pp-1)/(m+pp-1), and the peak number
// and bytes of activations held, GPipe against 1F1B. The stage's work is either a fixed sleep
// (measures the schedule itself, not CPU contention on an oversubscribed machine) or a real GPT
// stage (GptStage, layers split by balanced_stages, activations sent for real).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "dojo/model/gpt.hpp"
#include "dojo/runtime/pipeline.hpp"

namespace dojo::jobs {

enum class PipelineBenchCompute {
  sleep,  // forward and backward sleep forward_ms / backward_ms on every stage
  gpt     // a GptStage of `model` on the host device, one thread per rank
};

struct PipelineBenchOptions {
  std::vector<int> micro_batches{4, 8, 16};  // m per run
  std::vector<runtime::PipelineScheduleKind> schedules{runtime::PipelineScheduleKind::gpipe,
                                                       runtime::PipelineScheduleKind::one_f_one_b};
  PipelineBenchCompute compute = PipelineBenchCompute::sleep;
  double forward_ms = 20;   // sleep mode: per micro-batch and stage
  double backward_ms = 40;  // sleep mode: backward costs about twice the forward
  int warmup = 1;           // untimed runs per (schedule, m)
  int iterations = 3;       // timed runs per (schedule, m); figures are sums over them
  // Per micro-batch: B sequences of T tokens; messages are (B, T, C) float32 in both modes.
  std::int64_t micro_batch_size = 4;  // B
  model::GptConfig model = default_model();
  std::string json_path;  // also write the figures here (rank 0); empty: no file

  // A small GPT: L=8, C=128, NH=4, T=64, V=256 (at least one block per stage up to pp = 8).
  static model::GptConfig default_model();
};

struct PipelineBenchStage {
  double total_seconds = 0;    // summed run_pipeline time over the timed iterations
  double compute_seconds = 0;  // summed forward + backward time
  double wait_seconds = 0;     // summed time blocked in receives and the final send drain
  int peak_in_flight = 0;      // micro-batches whose activations are held at once
  std::int64_t peak_activation_bytes = 0;  // gpt: the model's count; sleep: peak x (B, T, C) x 4
  double bubble() const { return total_seconds > 0 ? 1 - compute_seconds / total_seconds : 0; }
};

struct PipelineBenchRun {
  runtime::PipelineScheduleKind schedule = runtime::PipelineScheduleKind::gpipe;
  int micro_batches = 0;
  int stages = 0;
  double step_seconds = 0;  // summed over iterations: the slowest stage's run_pipeline time
  std::vector<PipelineBenchStage> per_stage;
  // (pp - 1) / (m + pp - 1): the idle share of every stage over the step with equal stages.
  double theory_bubble() const {
    return static_cast<double>(stages - 1) / static_cast<double>(micro_batches + stages - 1);
  }
};

// Collective over `pp_comm` (its rank is the stage). Prints the table on rank 0 to `out`;
// returns every run on rank 0 (other ranks: their own stage's figures only).
std::vector<PipelineBenchRun> run_pipeline_bench(const PipelineBenchOptions& options,
                                                 MPI_Comm pp_comm, std::ostream& out);

}  // namespace dojo::jobs
