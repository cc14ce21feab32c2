// Pipeline parallelism: a schedule is plain data, a list of actions per stage (so other schedules,
// e.g. interleaved 1F1B, are new data, not new code), and one executor runs any valid list with
// non-blocking point-to-point between neighbouring stages.
//
//   auto plan = build_schedule(PipelineScheduleKind::one_f_one_b, stage, stages, micro_batches);
//   PipelineStats stats = run_pipeline(plan, ops, grid.axis(Axis::pp).get(), B * T * C);
#pragma once

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dojo::runtime {

enum class PipelineScheduleKind {
  gpipe,       // every forward, then every backward: m micro-batches of activations held
  one_f_one_b  // warm-up forwards, then one forward one backward, then cool-down: <= stages held
};
std::optional<PipelineScheduleKind> parse_schedule(std::string_view text);  // "gpipe", "1f1b"
std::string_view name(PipelineScheduleKind kind);

// One step of a stage. Sends and receives are explicit: the executor does exactly these, in order.
enum class ActionKind {
  recv_forward,   // receive micro's input activations from stage - 1
  forward,        // run the stage's forward on micro
  send_forward,   // send micro's output activations to stage + 1
  recv_backward,  // receive the gradient of micro's output from stage + 1
  backward,       // run the stage's backward on micro
  send_backward   // send the gradient of micro's input to stage - 1
};
struct PipelineAction {
  ActionKind kind;
  int micro;
  bool operator==(const PipelineAction&) const = default;
};

// Message tags are 2 * micro + direction, and MPI guarantees tags up to 32767.
inline constexpr int kPipelineMaxMicroBatches = 16383;

// The actions of `stage` in [0, stages) for 1 <= `micro_batches` <= kPipelineMaxMicroBatches.
// GPipe runs the backwards in micro-batch order 0..m-1 (as Megatron-LM); 1F1B is PipeDream-flush:
// min(stages - stage - 1, m) warm-up forwards, then F/B pairs, then the remaining backwards. The
// first stage has no recv_forward/send_backward, the last no send_forward/recv_backward. A user
// error for impossible arguments.
std::vector<PipelineAction> build_schedule(PipelineScheduleKind kind, int stage, int stages,
                                           int micro_batches);

// Checks the schedules of all stages together: each micro-batch runs forward then backward once
// per stage, every send has its receive, and a simulation with blocking receives finishes (no
// deadlock). "" when valid, else the first problem, naming stage, action and micro-batch.
std::string validate_schedules(const std::vector<std::vector<PipelineAction>>& per_stage);

// For --dry-run: one line per stage, e.g. "stage 1: F0 F1 B0 F2 B1 F3 B2 B3"; with
// communication the receives and sends too ("rF0 F0 sF0 ...").
std::string format_schedules(const std::vector<std::vector<PipelineAction>>& per_stage,
                             bool with_communication);

// The most micro-batches whose activations a stage holds at once under `actions` (forward done,
// backward not yet).
int peak_in_flight(const std::vector<PipelineAction>& actions);

// What the executor needs from the stage. Activation buffers hold `activation_floats` floats.
// The executor receives into buffers of its own (posted ahead of time) and copies into input() /
// output_grad() at the receive action; it copies output() / input_grad() into its own send buffer
// at the send action. So each span is used only at its action: the stage may reuse one buffer
// for every micro-batch, and input_grad() need only be valid until the next backward.
struct PipelineStageOps {
  std::function<void(int micro)> forward;   // first stage: its own input; else input(micro)
  std::function<void(int micro)> backward;  // last stage: from the loss; else output_grad(micro)
  std::function<std::span<float>(int micro)> input;             // recv_forward fills it
  std::function<std::span<const float>(int micro)> output;      // send_forward sends it
  std::function<std::span<float>(int micro)> output_grad;       // recv_backward fills it
  std::function<std::span<const float>(int micro)> input_grad;  // send_backward sends it
};

struct PipelineStats {
  double total_seconds = 0;    // the whole run_pipeline call
  double compute_seconds = 0;  // inside forward and backward
  double wait_seconds = 0;     // blocked waiting for a receive (or a send buffer) to complete
  int peak_in_flight = 0;      // as peak_in_flight(actions)
  // The stage's idle share: 1 - compute_seconds / total_seconds.
  double bubble() const { return total_seconds > 0 ? 1.0 - compute_seconds / total_seconds : 0; }
};

// Runs one stage's actions over `pp_comm` (its rank = the stage). Sends are non-blocking from a
// copy (the stage may reuse its buffers at once); receives are posted as early as the schedule
// allows and waited for when the action comes. Waits run under the hang watchdog ("pipeline
// recv_forward micro 3 from stage 1"), and each action is a trace span when tracing is on.
// Returns when every action is done and every send has completed.
PipelineStats run_pipeline(const std::vector<PipelineAction>& actions, PipelineStageOps& ops,
                           MPI_Comm pp_comm, std::int64_t activation_floats);

}  // namespace dojo::runtime
