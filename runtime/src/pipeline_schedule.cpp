// Pipeline schedules as data: GPipe and 1F1B (PipeDream-flush) built per stage, checked for all
// stages together by simulating them with blocking receives and non-blocking sends (exactly what
// run_pipeline does), and printed for --dry-run. The executor is pipeline.cpp.
#include <algorithm>
#include <set>
#include <sstream>
#include <tuple>

#include "dojo/common/error.hpp"
#include "dojo/runtime/pipeline.hpp"

namespace dojo::runtime {
namespace {

// The --dry-run token of an action kind: "rF3" is recv_forward of micro-batch 3.
const char* token(ActionKind kind) {
  switch (kind) {
    case ActionKind::recv_forward:
      return "rF";
    case ActionKind::forward:
      return "F";
    case ActionKind::send_forward:
      return "sF";
    case ActionKind::recv_backward:
      return "rB";
    case ActionKind::backward:
      return "B";
    case ActionKind::send_backward:
      return "sB";
  }
  return "?";
}

bool is_communication(ActionKind kind) {
  return kind != ActionKind::forward && kind != ActionKind::backward;
}

std::string describe(int stage, std::size_t index, const PipelineAction& action) {
  return str("stage ", stage, " action ", index, " (", token(action.kind), action.micro, ")");
}

// Appends the forward of `micro` with its receive and send, as the stage's place allows.
void add_forward(std::vector<PipelineAction>& out, int micro, bool first, bool last) {
  if (!first) out.push_back({ActionKind::recv_forward, micro});
  out.push_back({ActionKind::forward, micro});
  if (!last) out.push_back({ActionKind::send_forward, micro});
}

void add_backward(std::vector<PipelineAction>& out, int micro, bool first, bool last) {
  if (!last) out.push_back({ActionKind::recv_backward, micro});
  out.push_back({ActionKind::backward, micro});
  if (!first) out.push_back({ActionKind::send_backward, micro});
}

// Per-stage checks that need no neighbour: micro-batch range, each forward and backward once,
// in dependency order, every send after the computation that produces it, no communication with a
// stage that does not exist.
std::string check_stage(const std::vector<PipelineAction>& actions, int stage, int stages,
                        int micro_batches) {
  const bool first = stage == 0;
  const bool last = stage == stages - 1;
  // Per micro-batch: how far it got on this stage.
  std::vector<int> received_input(micro_batches), forwarded(micro_batches),
      sent_output(micro_batches), received_grad(micro_batches), backwarded(micro_batches),
      sent_grad(micro_batches);
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const PipelineAction& a = actions[i];
    const std::string where = describe(stage, i, a);
    if (a.micro < 0 || a.micro >= micro_batches)
      return str(where, ": micro-batch out of range [0, ", micro_batches, ")");
    const auto m = static_cast<std::size_t>(a.micro);
    switch (a.kind) {
      case ActionKind::recv_forward:
        if (first) return str(where, ": the first stage has no previous stage to receive from");
        if (received_input[m]++) return str(where, ": received twice");
        break;
      case ActionKind::forward:
        if (!first && !received_input[m]) return str(where, ": forward before its recv_forward");
        if (forwarded[m]++) return str(where, ": forward twice");
        break;
      case ActionKind::send_forward:
        if (last) return str(where, ": the last stage has no next stage to send to");
        if (!forwarded[m]) return str(where, ": send_forward before its forward");
        if (sent_output[m]++) return str(where, ": sent twice");
        break;
      case ActionKind::recv_backward:
        if (last) return str(where, ": the last stage has no next stage to receive from");
        if (received_grad[m]++) return str(where, ": received twice");
        break;
      case ActionKind::backward:
        if (!forwarded[m]) return str(where, ": backward before its forward");
        if (!last && !received_grad[m]) return str(where, ": backward before its recv_backward");
        if (backwarded[m]++) return str(where, ": backward twice");
        break;
      case ActionKind::send_backward:
        if (first) return str(where, ": the first stage has no previous stage to send to");
        if (!backwarded[m]) return str(where, ": send_backward before its backward");
        if (sent_grad[m]++) return str(where, ": sent twice");
        break;
    }
  }
  for (int m = 0; m < micro_batches; ++m) {
    const auto u = static_cast<std::size_t>(m);
    const std::string where = str("stage ", stage, " micro-batch ", m);
    if (!forwarded[u]) return str(where, ": no forward");
    if (!backwarded[u]) return str(where, ": no backward");
    if (!last && !sent_output[u]) return str(where, ": no send_forward");
    if (!first && !sent_grad[u]) return str(where, ": no send_backward");
  }
  return {};
}

}  // namespace

std::optional<PipelineScheduleKind> parse_schedule(std::string_view text) {
  if (text == "gpipe") return PipelineScheduleKind::gpipe;
  if (text == "1f1b") return PipelineScheduleKind::one_f_one_b;
  return std::nullopt;
}

std::string_view name(PipelineScheduleKind kind) {
  return kind == PipelineScheduleKind::gpipe ? "gpipe" : "1f1b";
}

std::vector<PipelineAction> build_schedule(PipelineScheduleKind kind, int stage, int stages,
                                           int micro_batches) {
  if (stages < 1) user_error(str("pipeline: ", stages, " stages; there must be at least one"));
  if (stage < 0 || stage >= stages)
    user_error(str("pipeline: stage ", stage, " is not in [0, ", stages, ")"));
  if (micro_batches < 1)
    user_error(str("pipeline: ", micro_batches, " micro-batches; there must be at least one"));
  if (micro_batches > kPipelineMaxMicroBatches)
    user_error(str("pipeline: ", micro_batches, " micro-batches; at most ",
                   kPipelineMaxMicroBatches, " (message tags are 2 * micro + direction)"));
  const bool first = stage == 0;
  const bool last = stage == stages - 1;
  std::vector<PipelineAction> out;
  out.reserve(static_cast<std::size_t>(micro_batches) * 6);
  if (kind == PipelineScheduleKind::gpipe) {
    // Backward in micro-batch order 0..m-1, as Megatron-LM's GPipe: the last stage starts the
    // backward of micro 0 as soon as its last forward is done, and every stage then consumes the
    // gradients in the order they are produced.
    for (int i = 0; i < micro_batches; ++i) add_forward(out, i, first, last);
    for (int i = 0; i < micro_batches; ++i) add_backward(out, i, first, last);
    return out;
  }
  // PipeDream-flush (Megatron-LM's 1F1B without interleaving): stage s runs stages - s - 1
  // warm-up forwards, then alternates one forward and one backward, then drains the remaining
  // backwards. At most stages - s micro-batches are in flight on stage s.
  const int warmup = std::min(stages - stage - 1, micro_batches);
  const int steady = micro_batches - warmup;
  for (int i = 0; i < warmup; ++i) add_forward(out, i, first, last);
  for (int j = 0; j < steady; ++j) {
    add_forward(out, warmup + j, first, last);
    add_backward(out, j, first, last);
  }
  for (int j = steady; j < micro_batches; ++j) add_backward(out, j, first, last);
  return out;
}

std::string validate_schedules(const std::vector<std::vector<PipelineAction>>& per_stage) {
  const int stages = static_cast<int>(per_stage.size());
  if (stages == 0) return "no stages";
  int micro_batches = 0;
  for (const auto& actions : per_stage)
    for (const auto& a : actions) micro_batches = std::max(micro_batches, a.micro + 1);
  if (micro_batches == 0) return "no micro-batches";
  for (int s = 0; s < stages; ++s) {
    std::string problem =
        check_stage(per_stage[static_cast<std::size_t>(s)], s, stages, micro_batches);
    if (!problem.empty()) return problem;
  }
  // Every send has a matching receive on the neighbour (and vice versa) is implied by the
  // per-stage checks: each non-last stage sends every micro forward once and each non-first
  // stage receives each once (forward needs it), likewise backward. What is left is the order:
  // simulate all stages, a receive blocking until its message was sent, sends never blocking.
  using Message = std::tuple<int, ActionKind, int>;  // (receiving stage, recv kind, micro)
  std::set<Message> in_flight;
  std::vector<std::size_t> next(static_cast<std::size_t>(stages), 0);
  for (bool progress = true; progress;) {
    progress = false;
    for (int s = 0; s < stages; ++s) {
      const auto& actions = per_stage[static_cast<std::size_t>(s)];
      auto& pc = next[static_cast<std::size_t>(s)];
      while (pc < actions.size()) {
        const PipelineAction& a = actions[pc];
        if (a.kind == ActionKind::recv_forward || a.kind == ActionKind::recv_backward) {
          auto it = in_flight.find({s, a.kind, a.micro});
          if (it == in_flight.end()) break;  // blocked
          in_flight.erase(it);
        } else if (a.kind == ActionKind::send_forward) {
          in_flight.insert({s + 1, ActionKind::recv_forward, a.micro});
        } else if (a.kind == ActionKind::send_backward) {
          in_flight.insert({s - 1, ActionKind::recv_backward, a.micro});
        }
        ++pc;
        progress = true;
      }
    }
  }
  std::ostringstream blocked;
  for (int s = 0; s < stages; ++s) {
    const auto& actions = per_stage[static_cast<std::size_t>(s)];
    const std::size_t pc = next[static_cast<std::size_t>(s)];
    if (pc < actions.size()) {
      if (blocked.tellp() > 0) blocked << "; ";
      blocked << describe(s, pc, actions[pc]) << " waits";
    }
  }
  if (blocked.tellp() > 0) return "deadlock: " + blocked.str();
  return {};
}

std::string format_schedules(const std::vector<std::vector<PipelineAction>>& per_stage,
                             bool with_communication) {
  std::ostringstream out;
  for (std::size_t s = 0; s < per_stage.size(); ++s) {
    out << "stage " << s << ":";
    for (const auto& a : per_stage[s]) {
      if (!with_communication && is_communication(a.kind)) continue;
      out << ' ' << token(a.kind) << a.micro;
    }
    out << '\n';
  }
  return out.str();
}

int peak_in_flight(const std::vector<PipelineAction>& actions) {
  int now = 0;
  int peak = 0;
  for (const auto& a : actions) {
    if (a.kind == ActionKind::forward) peak = std::max(peak, ++now);
    if (a.kind == ActionKind::backward) --now;
  }
  return peak;
}

}  // namespace dojo::runtime
