// Communicator: creation (duplicate, environment, geometry), sub-communicators that keep their
// geometry, algorithm resolution, and the dispatch of a validated call to its algorithm.
#include "dojo/collectives/communicator.hpp"

#include <vector>

#include "algorithms/algorithms.hpp"
#include "call.hpp"
#include "debug_agreement.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/log.hpp"
#include "dojo/common/watchdog.hpp"
#include "environment.hpp"

namespace dojo::collectives {
namespace {

// The operation's name as a C string (the names are string literals, so NUL-terminated).
const char* operation_name(Operation operation) {
  return name(operation).data();
}

bool all_on_one_node(const mpi::Comm& comm) {
  mpi::Comm node = comm.split_shared(comm.rank());
  int here = node.size(), everywhere = 0;
  DOJO_CHECK_MPI(MPI_Allreduce(&here, &everywhere, 1, MPI_INT, MPI_MIN, comm.get()));
  return everywhere == comm.size();
}

// n of the cost formulas for a call of `count` elements (see cost_model.hpp).
std::size_t cost_bytes(Operation operation, std::size_t count, DataType type, int size) {
  const std::size_t bytes = count * size_of(type);
  switch (operation) {
    case Operation::reduce_scatter:
    case Operation::allgather:
    case Operation::alltoall:
      return bytes * static_cast<std::size_t>(size);
    default:
      return bytes;
  }
}

std::unique_ptr<Schedule> build(Algorithm algorithm, const detail::Call& call) {
  using namespace detail;
  switch (algorithm) {
    case Algorithm::automatic:
    case Algorithm::native:
      return native(call);
    case Algorithm::ring:
      return ring(call);
    case Algorithm::recursive_doubling:
      return recursive_doubling(call);
    case Algorithm::rabenseifner:
      return rabenseifner(call);
    case Algorithm::mesh2d:
      return mesh2d(call);
    case Algorithm::mesh2d_multiport:
      return mesh2d_multiport(call);
    case Algorithm::hierarchical:
      return hierarchical(call);
    case Algorithm::binomial:
      return binomial(call);
    case Algorithm::pipelined:
      return pipelined(call);
    case Algorithm::pairwise:
      return alltoall_pairwise(call);
    case Algorithm::two_phase:
      return alltoall_two_phase(call);
  }
  internal_error("unknown algorithm");
}

}  // namespace

Communicator::Communicator(MPI_Comm comm, Config config) : config_(std::move(config)) {
  if (comm == MPI_COMM_NULL) user_error("collectives::Communicator: the MPI communicator is null");
  comm_ = mpi::Comm::duplicate(comm);
  rank_ = comm_.rank();
  size_ = comm_.size();
  if (config_.read_environment) detail::apply_environment(config_);
  geometry_ = config_.geometry ? *config_.geometry : MeshGeometry::default_for(size_);
  if (geometry_.size() != size_)
    user_error(str("collectives geometry has ", geometry_.size(),
                   " ranks but the communicator has ", size_,
                   ": give a geometry of the communicator's size"));
  if (std::string why = geometry_.validate(); !why.empty())
    user_error(str("collectives geometry is invalid: ", why));
  on_one_node_ = all_on_one_node(comm_);
  // The resolved configuration, once (the log prints from rank 0 only).
  std::string preferred;
  for (Operation op : all_operations())
    if (Algorithm a = config_.algorithm[static_cast<std::size_t>(op)]; a != Algorithm::automatic)
      preferred += str(preferred.empty() ? "" : ", ", name(op), "=", name(a));
  log::debug("collectives: ", geometry_.describe(),
             "; preferred: ", preferred.empty() ? "none (cost model)" : preferred,
             "; debug: ", config_.debug ? "on" : "off",
             "; one node: ", on_one_node_ ? "yes" : "no");
}

Communicator::~Communicator() = default;
Communicator::Communicator(Communicator&&) noexcept = default;
Communicator& Communicator::operator=(Communicator&&) noexcept = default;

Communicator Communicator::split(int color, int key) const {
  Communicator child;
  child.comm_ = comm_.split(color, key);
  child.rank_ = child.comm_.rank();
  child.size_ = child.comm_.size();
  child.config_ = config_;
  child.config_.geometry.reset();
  // members[i] = parent rank of the child's rank i.
  std::vector<int> members(static_cast<std::size_t>(child.size_));
  DOJO_CHECK_MPI(MPI_Allgather(&rank_, 1, MPI_INT, members.data(), 1, MPI_INT, child.comm_.get()));
  if (auto sub = geometry_.subset(members))
    child.geometry_ = *sub;
  else
    child.geometry_ = MeshGeometry::default_for(child.size_);
  child.on_one_node_ = all_on_one_node(child.comm_);
  return child;
}

std::vector<CostEstimate> Communicator::estimates(Operation operation, std::size_t count,
                                                  DataType type) const {
  return estimate_costs(operation, cost_bytes(operation, count, type, size_), geometry_);
}

Algorithm Communicator::choose(Operation operation, std::size_t count, DataType type,
                               Algorithm requested) const {
  detail::Call call;
  call.operation = operation;
  call.count = count;
  call.type = type;
  return resolve(call, requested);
}

Algorithm Communicator::resolve(const detail::Call& call, Algorithm requested) const {
  const Operation op = call.operation;
  if (requested != Algorithm::automatic) {
    if (std::string why = why_not_applicable(requested, op, geometry_); !why.empty())
      user_error(str(name(op), " with algorithm ", name(requested), ": ", why,
                     "; choose another algorithm or auto"));
    return requested;
  }
  const Algorithm preferred = config_.algorithm[static_cast<std::size_t>(op)];
  if (preferred != Algorithm::automatic) {
    std::string why = why_not_applicable(preferred, op, geometry_);
    if (why.empty()) return preferred;
    if (!fallback_noted_[static_cast<std::size_t>(op)]) {
      fallback_noted_[static_cast<std::size_t>(op)] = true;
      log::warn("collectives: ", why, "; ", name(op), " falls back to native");
    }
    return Algorithm::native;
  }
  return choose_algorithm(op, cost_bytes(op, call.count, call.type, size_), geometry_,
                          config_.prefer_native_on_one_node && on_one_node_);
}

Handle Communicator::start(detail::Call& call, Algorithm requested, bool blocking) {
  call.comm = comm_.get();
  call.rank = rank_;
  call.size = size_;
  call.geometry = &geometry_;
  const Algorithm algorithm = resolve(call, requested);
  const std::uint64_t sequence = sequence_++;
  if (config_.debug)
    detail::agree_on_call(call, algorithm, sequence, [this] {
      const std::vector<Schedule*> active = *active_;
      for (Schedule* s : active) s->advance(false);
    });
  if (call.count == 0 && call.operation != Operation::barrier) return Handle{};
  // Tags of this call: kMaxChains per call, cycling through 4096 calls in flight at most.
  call.tag_base = static_cast<int>(sequence % 4096) * Schedule::kMaxChains;

  // avg: combine as sum, then divide the result by p where it lands.
  std::size_t divide_count = 0;
  if (call.op == ReduceOp::avg && is_reduction(call.operation) &&
      (call.operation != Operation::reduce || rank_ == call.root))
    divide_count = call.count;

  // Blocking native calls are the blocking MPI collective, on every rank alike (MPI forbids
  // matching a blocking collective with a non-blocking one). While in it, this rank does not move
  // its outstanding handles along: wait on handles in the same order relative to blocking native
  // calls on every rank (as SPMD code does); calls of every other algorithm keep handles moving.
  // For the hang watchdog: what this call is, built only when the watchdog is on.
  auto detail = [&] {
    return watchdog::timeout() > 0 ? str(name(algorithm), ", ", name(call.type), " x ", call.count)
                                   : std::string();
  };
  if (algorithm == Algorithm::native && blocking) {
    {
      watchdog::Wait wait(operation_name(call.operation), sequence, detail());
      detail::native_blocking(call);
    }
    if (divide_count > 0) {
      Schedule tail(call.comm, call.type, call.op, 0);
      tail.set_divisor(size_);
      tail.epilogue().push_back(Schedule::divide(call.recv, divide_count));
      tail.advance(true);
    }
    return Handle{};
  }
  std::unique_ptr<Schedule> schedule = build(algorithm, call);
  schedule->set_label(operation_name(call.operation), sequence, detail());
  schedule->join(active_);
  if (divide_count > 0) {
    schedule->set_divisor(size_);
    schedule->epilogue().push_back(Schedule::divide(call.recv, divide_count));
  }
  if (blocking) {
    schedule->advance(true);
    return Handle{};
  }
  return Handle(std::move(schedule));
}

}  // namespace dojo::collectives
