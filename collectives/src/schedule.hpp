// The state machine every algorithm compiles to: chains of steps, each step a set of MPI_Isend /
// MPI_Irecv followed by local copies and reductions. Chains run concurrently (one per stream of a
// multi-port algorithm); the schedule advances only inside advance(), called by test() and wait().
#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dojo/collectives/types.hpp"

namespace dojo::collectives {

struct Transfer {
  int peer = 0;  // rank in the schedule's communicator
  std::byte* data = nullptr;
  std::size_t bytes = 0;
};

struct LocalOp {
  enum class Kind { copy, combine, divide };
  Kind kind = Kind::copy;
  std::byte* dst = nullptr;
  const std::byte* src = nullptr;  // unused by divide
  std::size_t count = 0;           // bytes for copy, elements for combine and divide
};

struct Step {
  std::vector<Transfer> sends;
  std::vector<Transfer> recvs;
  std::vector<LocalOp> after;  // run once every transfer of the step has completed
  // For native algorithms: starts one non-blocking MPI collective into *request.
  std::function<void(MPI_Request*)> start;
  // Posted only once chain `after_chain` of the same schedule has completed `after_steps` steps
  // (-1: no such dependency). Lets one chain's phase wait for another's, e.g. to pipeline.
  int after_chain = -1;
  std::size_t after_steps = 0;
};

class Schedule;
// The schedules of one communicator that have started and not finished. A rank blocked on one of
// them keeps advancing the others: another rank may be blocked on one of those, waiting for this
// rank's next message (ranks may wait on their handles in different orders).
using ActiveSchedules = std::vector<Schedule*>;

class Schedule {
 public:
  // tag_base: the first of kMaxChains tags reserved for this call (distinct between calls in
  // flight, so messages of two overlapping collectives never match each other).
  Schedule(MPI_Comm comm, DataType type, ReduceOp op, int tag_base);
  ~Schedule();
  Schedule(const Schedule&) = delete;
  Schedule& operator=(const Schedule&) = delete;
  static constexpr int kMaxChains = 8;

  // Joins the communicator's list of active schedules (before the first advance()).
  void join(std::shared_ptr<ActiveSchedules> active);

  // Scratch memory owned by the schedule (stable address until it is destroyed).
  std::byte* scratch(std::size_t bytes);
  // A new chain (its index) and a new step at the end of a chain.
  int add_chain();
  Step& add_step(int chain);
  std::size_t steps(int chain) const { return chains_.at(chain).steps.size(); }
  Step& step(int chain, std::size_t index) { return chains_.at(chain).steps.at(index); }
  std::vector<LocalOp>& prologue() { return prologue_; }  // before any step
  std::vector<LocalOp>& epilogue() { return epilogue_; }  // after every chain has finished

  // Convenience builders for local operations.
  static LocalOp copy(void* dst, const void* src, std::size_t bytes);
  static LocalOp combine(void* dst, const void* src, std::size_t count);
  static LocalOp divide(void* data, std::size_t count);
  void set_divisor(int divisor) { divisor_ = divisor; }
  // What the hang watchdog names when a blocking advance() waits too long: the operation (a
  // static string), the communicator's call number and a detail such as "ring, 4096 bytes".
  void set_label(const char* operation, std::uint64_t sequence, std::string detail) {
    label_operation_ = operation;
    label_sequence_ = sequence;
    label_detail_ = std::move(detail);
  }

  // Moves every chain forward; with block, until done. True when the whole schedule is done.
  bool advance(bool block);
  bool done() const noexcept { return finished_; }
  // Frees outstanding requests without waiting (error unwinding only).
  void abandon() noexcept;

 private:
  struct Chain {
    std::vector<Step> steps;
    std::size_t next = 0;               // the step in flight (or steps.size() when finished)
    bool posted = false;                // steps[next] is posted (else it waits on another chain)
    std::vector<MPI_Request> requests;  // of the step in flight
  };
  // Posts steps until one is pending, waits on another chain, or the chain is done; true if it
  // posted or completed anything.
  bool post(Chain& chain, int tag);
  bool ready(const Step& step) const;
  bool advance_alone(bool block);  // advance() ignoring the other active schedules
  void leave() noexcept;           // leaves the active list
  void run(const std::vector<LocalOp>& ops);
  bool chain_pending(const Chain& chain) const { return chain.next < chain.steps.size(); }

  MPI_Comm comm_;
  DataType type_;
  ReduceOp op_;
  int tag_base_;
  int divisor_ = 1;
  const char* label_operation_ = "collective";
  std::uint64_t label_sequence_ = 0;
  std::string label_detail_;
  bool started_ = false;
  bool finished_ = false;
  std::vector<Chain> chains_;
  std::vector<LocalOp> prologue_, epilogue_;
  std::shared_ptr<ActiveSchedules> active_;
  // malloc'd, so that under SimGrid SMPI large scratch buffers can be shared between simulated
  // ranks (smpi/auto-shared-malloc-thresh) like the benchmark's own buffers.
  struct Free {
    void operator()(std::byte* p) const noexcept;
  };
  std::vector<std::unique_ptr<std::byte, Free>> scratch_;
};

}  // namespace dojo::collectives
