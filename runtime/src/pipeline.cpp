// The pipeline executor: runs one stage's list of actions (pipeline_schedule.cpp builds them) with
// non-blocking point-to-point to its neighbours. Receives are posted a few actions ahead into
// buffers the executor owns; sends go from owned copies, so the stage's buffers are free again as
// soon as an action returns. Sends never block mid-schedule (the pool grows instead), which is
// what validate_schedules assumes when it proves a schedule deadlock-free.
#include <algorithm>
#include <climits>
#include <deque>
#include <utility>
#include <vector>

#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/common/trace.hpp"
#include "dojo/common/watchdog.hpp"
#include "dojo/runtime/pipeline.hpp"

namespace dojo::runtime {
namespace {

// Receives posted before their action comes: enough that the next forward's input and the next
// backward's gradient are both on their way while the stage computes.
constexpr std::size_t kReceivesAhead = 2;

// Forward-direction messages (activations, stage s -> s + 1) and backward-direction ones
// (gradients, s -> s - 1) of one micro-batch have distinct tags.
int message_tag(ActionKind kind, int micro) {
  const bool backward_direction =
      kind == ActionKind::recv_backward || kind == ActionKind::send_backward;
  return 2 * micro + (backward_direction ? 1 : 0);
}

const char* action_name(ActionKind kind) {
  switch (kind) {
    case ActionKind::recv_forward:
      return "recv_forward";
    case ActionKind::forward:
      return "forward";
    case ActionKind::send_forward:
      return "send_forward";
    case ActionKind::recv_backward:
      return "recv_backward";
    case ActionKind::backward:
      return "backward";
    case ActionKind::send_backward:
      return "send_backward";
  }
  return "?";
}

bool is_receive(ActionKind kind) {
  return kind == ActionKind::recv_forward || kind == ActionKind::recv_backward;
}

class StageExecutor {
 public:
  StageExecutor(const std::vector<PipelineAction>& actions, PipelineStageOps& ops, MPI_Comm comm,
                std::int64_t activation_floats)
      : actions_(actions), ops_(ops), comm_(comm), floats_(activation_floats) {
    DOJO_CHECK_MPI(MPI_Comm_rank(comm_, &stage_));
    DOJO_CHECK_MPI(MPI_Comm_size(comm_, &stages_));
    check(activation_floats > 0 && activation_floats <= INT_MAX,
          "pipeline activation_floats in [1, INT_MAX]");
    for (const auto& a : actions_) {
      const bool to_previous =
          a.kind == ActionKind::recv_forward || a.kind == ActionKind::send_backward;
      const bool to_next =
          a.kind == ActionKind::send_forward || a.kind == ActionKind::recv_backward;
      if ((to_previous && stage_ == 0) || (to_next && stage_ == stages_ - 1))
        internal_error(str("pipeline: stage ", stage_, " of ", stages_, " has ",
                           action_name(a.kind), " of micro-batch ", a.micro,
                           " but no such neighbour"));
      check(a.micro >= 0 && a.micro < kPipelineMaxMicroBatches, "pipeline micro-batch id");
    }
  }

  PipelineStats run() {
    const double start = MPI_Wtime();
    for (std::size_t i = 0; i < actions_.size(); ++i) {
      post_receives_ahead(i);
      const PipelineAction& a = actions_[i];
      switch (a.kind) {
        case ActionKind::recv_forward:
        case ActionKind::recv_backward:
          finish_receive(i);
          break;
        case ActionKind::forward:
        case ActionKind::backward:
          compute(a);
          break;
        case ActionKind::send_forward:
        case ActionKind::send_backward:
          send(a);
          break;
      }
    }
    check(posted_.empty(), "pipeline: every posted receive was consumed");
    drain_sends();
    stats_.total_seconds = MPI_Wtime() - start;
    stats_.peak_in_flight = peak_in_flight(actions_);
    return stats_;
  }

 private:
  struct PostedReceive {
    std::size_t action = 0;     // index into actions_
    std::vector<float> buffer;  // (activation_floats)
    mpi::Request request;
  };
  struct PostedSend {
    std::vector<float> buffer;  // (activation_floats), a copy of the stage's output or gradient
    mpi::Request request;
  };

  std::vector<float> take_buffer() {
    if (free_buffers_.empty()) return std::vector<float>(static_cast<std::size_t>(floats_));
    std::vector<float> buffer = std::move(free_buffers_.back());
    free_buffers_.pop_back();
    return buffer;
  }

  // Posts the receives of the actions from `current` on, in schedule order, until kReceivesAhead
  // are outstanding. Receives are consumed in the same order, so the deque's front is always the
  // next receive action.
  void post_receives_ahead(std::size_t current) {
    next_receive_ = std::max(next_receive_, current);
    while (posted_.size() < kReceivesAhead && next_receive_ < actions_.size()) {
      const std::size_t i = next_receive_++;
      const PipelineAction& a = actions_[i];
      if (!is_receive(a.kind)) continue;
      const int source = a.kind == ActionKind::recv_forward ? stage_ - 1 : stage_ + 1;
      PostedReceive r;
      r.action = i;
      r.buffer = take_buffer();
      DOJO_CHECK_MPI(MPI_Irecv(r.buffer.data(), static_cast<int>(floats_), MPI_FLOAT, source,
                               message_tag(a.kind, a.micro), comm_, r.request.handle()));
      posted_.push_back(std::move(r));
    }
  }

  void finish_receive(std::size_t index) {
    check(!posted_.empty() && posted_.front().action == index,
          "pipeline: the next receive action was posted first");
    const PipelineAction& a = actions_[index];
    PostedReceive r = std::move(posted_.front());
    posted_.pop_front();
    const bool forward = a.kind == ActionKind::recv_forward;
    {
      trace::Span span(action_name(a.kind), "pipeline",
                       trace::enabled() ? str("micro ", a.micro) : std::string{});
      const double t0 = MPI_Wtime();
      watchdog::Wait wait(forward ? "pipeline recv_forward" : "pipeline recv_backward",
                          static_cast<std::uint64_t>(a.micro),
                          watchdog::timeout() > 0 ? str("micro ", a.micro, " from stage ",
                                                        forward ? stage_ - 1 : stage_ + 1)
                                                  : std::string{});
      r.request.wait();
      stats_.wait_seconds += MPI_Wtime() - t0;
    }
    std::span<float> target = forward ? ops_.input(a.micro) : ops_.output_grad(a.micro);
    if (static_cast<std::int64_t>(target.size()) != floats_)
      internal_error(str("pipeline: ", forward ? "input" : "output_grad", "(", a.micro, ") has ",
                         target.size(), " floats, expected ", floats_));
    std::copy(r.buffer.begin(), r.buffer.end(), target.begin());
    free_buffers_.push_back(std::move(r.buffer));
  }

  void compute(const PipelineAction& a) {
    reap_sends();  // also lets MPI progress the messages in flight before a long computation
    const bool forward = a.kind == ActionKind::forward;
    trace::Span span(action_name(a.kind), "compute",
                     trace::enabled() ? str("micro ", a.micro) : std::string{});
    const double t0 = MPI_Wtime();
    if (forward) {
      ops_.forward(a.micro);
    } else {
      ops_.backward(a.micro);
    }
    stats_.compute_seconds += MPI_Wtime() - t0;
  }

  void send(const PipelineAction& a) {
    const bool forward = a.kind == ActionKind::send_forward;
    trace::Span span(action_name(a.kind), "pipeline",
                     trace::enabled() ? str("micro ", a.micro) : std::string{});
    reap_sends();
    std::span<const float> source = forward ? ops_.output(a.micro) : ops_.input_grad(a.micro);
    if (static_cast<std::int64_t>(source.size()) != floats_)
      internal_error(str("pipeline: ", forward ? "output" : "input_grad", "(", a.micro, ") has ",
                         source.size(), " floats, expected ", floats_));
    PostedSend s;
    s.buffer = take_buffer();
    std::copy(source.begin(), source.end(), s.buffer.begin());
    const int destination = forward ? stage_ + 1 : stage_ - 1;
    DOJO_CHECK_MPI(MPI_Isend(s.buffer.data(), static_cast<int>(floats_), MPI_FLOAT, destination,
                             message_tag(a.kind, a.micro), comm_, s.request.handle()));
    sends_.push_back(std::move(s));
  }

  // Returns the buffers of completed sends to the pool; never blocks.
  void reap_sends() {
    for (std::size_t i = 0; i < sends_.size();) {
      if (sends_[i].request.test()) {
        free_buffers_.push_back(std::move(sends_[i].buffer));
        sends_[i] = std::move(sends_.back());
        sends_.pop_back();
      } else {
        ++i;
      }
    }
  }

  void drain_sends() {
    if (sends_.empty()) return;
    trace::Span span("send_drain", "pipeline");
    const double t0 = MPI_Wtime();
    watchdog::Wait wait("pipeline send_drain", sends_.size(),
                        watchdog::timeout() > 0
                            ? str(sends_.size(), " sends of stage ", stage_, " not yet received")
                            : std::string{});
    for (auto& s : sends_) s.request.wait();
    sends_.clear();
    stats_.wait_seconds += MPI_Wtime() - t0;
  }

  const std::vector<PipelineAction>& actions_;
  PipelineStageOps& ops_;
  MPI_Comm comm_;
  std::int64_t floats_;  // per message
  int stage_ = 0;
  int stages_ = 1;
  std::size_t next_receive_ = 0;  // the first action not yet considered for posting
  std::vector<std::vector<float>> free_buffers_;
  std::deque<PostedReceive> posted_;
  std::vector<PostedSend> sends_;
  PipelineStats stats_;
};

}  // namespace

PipelineStats run_pipeline(const std::vector<PipelineAction>& actions, PipelineStageOps& ops,
                           MPI_Comm pp_comm, std::int64_t activation_floats) {
  ScopedActivity activity("pipeline");
  StageExecutor executor(actions, ops, pp_comm, activation_floats);
  return executor.run();
}

}  // namespace dojo::runtime
