// Posting and completing the steps of a schedule. A transfer over 1 GiB is split into several
// messages, so byte counts never overflow MPI's int.
#include "schedule.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/common/watchdog.hpp"
#include "reduce_kernels.hpp"

namespace dojo::collectives {
namespace {
constexpr std::size_t kMaxMessageBytes = std::size_t{1} << 30;
}

Schedule::Schedule(MPI_Comm comm, DataType type, ReduceOp op, int tag_base)
    : comm_(comm), type_(type), op_(op), tag_base_(tag_base) {}

Schedule::~Schedule() {
  leave();
}

void Schedule::join(std::shared_ptr<ActiveSchedules> active) {
  active_ = std::move(active);
  active_->push_back(this);
}

void Schedule::leave() noexcept {
  if (!active_) return;
  std::erase(*active_, this);
  active_.reset();
}

bool Schedule::advance(bool block) {
  std::optional<watchdog::Wait> wait;
  if (block && !finished_) wait.emplace(label_operation_, label_sequence_, label_detail_);
  if (!block || !active_ || active_->size() <= 1) {
    const bool done = advance_alone(block);
    if (done) leave();
    return done;
  }
  // Others are in flight: poll them all until this one is done (a blocking wait on this one alone
  // could deadlock against a rank that waits on another first).
  while (!advance_alone(false)) {
    const ActiveSchedules others = *active_;  // advancing may remove finished ones
    for (Schedule* other : others)
      if (other != this) other->advance(false);
  }
  leave();
  return true;
}

// Plain malloc and free (not std::): SimGrid's smpicxx replaces them by macros.
void Schedule::Free::operator()(std::byte* p) const noexcept {
  free(p);
}

std::byte* Schedule::scratch(std::size_t bytes) {
  auto* p = static_cast<std::byte*>(malloc(std::max<std::size_t>(bytes, 1)));
  if (p == nullptr) internal_error(str("out of memory for ", bytes, " bytes of scratch"));
  scratch_.emplace_back(p);
  return p;
}

int Schedule::add_chain() {
  if (static_cast<int>(chains_.size()) == kMaxChains)
    internal_error(str("a schedule holds at most ", kMaxChains, " chains"));
  chains_.emplace_back();
  return static_cast<int>(chains_.size()) - 1;
}

Step& Schedule::add_step(int chain) {
  return chains_.at(chain).steps.emplace_back();
}

LocalOp Schedule::copy(void* dst, const void* src, std::size_t bytes) {
  return {LocalOp::Kind::copy, static_cast<std::byte*>(dst), static_cast<const std::byte*>(src),
          bytes};
}
LocalOp Schedule::combine(void* dst, const void* src, std::size_t count) {
  return {LocalOp::Kind::combine, static_cast<std::byte*>(dst), static_cast<const std::byte*>(src),
          count};
}
LocalOp Schedule::divide(void* data, std::size_t count) {
  return {LocalOp::Kind::divide, static_cast<std::byte*>(data), nullptr, count};
}

void Schedule::run(const std::vector<LocalOp>& ops) {
  for (const LocalOp& op : ops) {
    if (op.count == 0) continue;
    switch (op.kind) {
      case LocalOp::Kind::copy:
        if (op.dst != op.src) std::memmove(op.dst, op.src, op.count);
        break;
      case LocalOp::Kind::combine:
        detail::combine(type_, op_, op.dst, op.src, op.count);
        break;
      case LocalOp::Kind::divide:
        detail::divide(type_, op.dst, op.count, divisor_);
        break;
    }
  }
}

bool Schedule::ready(const Step& step) const {
  if (step.after_chain < 0) return true;
  return chains_.at(static_cast<std::size_t>(step.after_chain)).next >= step.after_steps;
}

bool Schedule::post(Chain& chain, int tag) {
  bool moved = false;
  while (chain_pending(chain) && !chain.posted) {
    Step& step = chain.steps[chain.next];
    if (!ready(step)) return moved;
    moved = true;
    chain.requests.clear();
    if (step.start) {
      chain.requests.push_back(MPI_REQUEST_NULL);
      step.start(&chain.requests.back());
    }
    // Receives first, so a matching send finds its buffer posted.
    for (const Transfer& t : step.recvs)
      for (std::size_t at = 0; at < t.bytes || (t.bytes == 0 && at == 0); at += kMaxMessageBytes) {
        int bytes = static_cast<int>(std::min(kMaxMessageBytes, t.bytes - at));
        chain.requests.push_back(MPI_REQUEST_NULL);
        DOJO_CHECK_MPI(
            MPI_Irecv(t.data + at, bytes, MPI_BYTE, t.peer, tag, comm_, &chain.requests.back()));
        if (t.bytes == 0) break;
      }
    for (const Transfer& t : step.sends)
      for (std::size_t at = 0; at < t.bytes || (t.bytes == 0 && at == 0); at += kMaxMessageBytes) {
        int bytes = static_cast<int>(std::min(kMaxMessageBytes, t.bytes - at));
        chain.requests.push_back(MPI_REQUEST_NULL);
        DOJO_CHECK_MPI(
            MPI_Isend(t.data + at, bytes, MPI_BYTE, t.peer, tag, comm_, &chain.requests.back()));
        if (t.bytes == 0) break;
      }
    if (!chain.requests.empty()) {
      chain.posted = true;
      return moved;
    }
    run(step.after);
    ++chain.next;
  }
  return moved;
}

bool Schedule::advance_alone(bool block) {
  if (finished_) return true;
  if (!started_) {
    started_ = true;
    run(prologue_);
  }
  // Blocking waits without testing first: under SimGrid every MPI_Test costs simulated time.
  std::vector<MPI_Request> all;
  std::vector<std::pair<std::size_t, std::size_t>> where;  // (chain, request) of each in `all`
  while (true) {
    // Completing a step of one chain may release a step of another that waits on it: sweep the
    // chains until none moves.
    for (bool moved = true; moved;) {
      moved = false;
      for (std::size_t c = 0; c < chains_.size(); ++c) {
        Chain& chain = chains_[c];
        const int tag = tag_base_ + static_cast<int>(c);
        if (post(chain, tag)) moved = true;
        while (chain.posted) {
          bool complete = std::all_of(chain.requests.begin(), chain.requests.end(),
                                      [](MPI_Request r) { return r == MPI_REQUEST_NULL; });
          if (!complete && !block) {
            int flag = 0;
            DOJO_CHECK_MPI(MPI_Testall(static_cast<int>(chain.requests.size()),
                                       chain.requests.data(), &flag, MPI_STATUSES_IGNORE));
            complete = flag != 0;
          }
          if (!complete) break;
          chain.posted = false;
          run(chain.steps[chain.next].after);
          ++chain.next;
          moved = true;
          post(chain, tag);
        }
      }
    }
    int pending = 0, posted = 0;
    for (const Chain& chain : chains_) {
      if (chain_pending(chain)) ++pending;
      if (chain.posted) ++posted;
    }
    if (pending == 0) {
      run(epilogue_);
      finished_ = true;
      return true;
    }
    if (!block) return false;
    if (posted == 0) internal_error("schedule chains wait on each other in a cycle");
    if (posted == 1) {
      for (Chain& chain : chains_)
        if (chain.posted)
          DOJO_CHECK_MPI(MPI_Waitall(static_cast<int>(chain.requests.size()), chain.requests.data(),
                                     MPI_STATUSES_IGNORE));
      continue;
    }
    // Several chains in flight: wait for any one of their requests, then look again.
    all.clear();
    where.clear();
    for (std::size_t c = 0; c < chains_.size(); ++c)
      if (chains_[c].posted)
        for (std::size_t i = 0; i < chains_[c].requests.size(); ++i)
          if (chains_[c].requests[i] != MPI_REQUEST_NULL) {
            all.push_back(chains_[c].requests[i]);
            where.emplace_back(c, i);
          }
    int index = MPI_UNDEFINED;
    DOJO_CHECK_MPI(
        MPI_Waitany(static_cast<int>(all.size()), all.data(), &index, MPI_STATUS_IGNORE));
    if (index != MPI_UNDEFINED)
      chains_[where[index].first].requests[where[index].second] = MPI_REQUEST_NULL;
  }
}

void Schedule::abandon() noexcept {
  leave();
  for (Chain& chain : chains_)
    for (MPI_Request& r : chain.requests)
      if (r != MPI_REQUEST_NULL) {
        MPI_Request_free(&r);
      }
  finished_ = true;
}

}  // namespace dojo::collectives
