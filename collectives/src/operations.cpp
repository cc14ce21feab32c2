// The public collective calls: argument checks (one clear line naming the mistake), then start().
// Every rank runs the same checks on the same arguments, so a bad call fails alike everywhere.
#include <cstdint>
#include <limits>

#include "call.hpp"
#include "dojo/collectives/communicator.hpp"
#include "dojo/common/error.hpp"

namespace dojo::collectives {
namespace {

using detail::Call;

const std::byte* as_send(const void* send) {
  return send == in_place ? nullptr : static_cast<const std::byte*>(send);
}

void check_count(const Call& call, std::size_t blocks) {
  const std::size_t limit = std::numeric_limits<std::size_t>::max() / size_of(call.type) / blocks;
  if (call.count > limit)
    user_error(str(name(call.operation), ": ", call.count, " elements overflow the byte count"));
}

void check_buffer(const Call& call, const void* buffer, const char* which) {
  if (call.count > 0 && buffer == nullptr)
    user_error(str(name(call.operation), ": the ", which, " buffer is null for ", call.count,
                   " elements"));
}

// Out of place buffers must not overlap (use in_place instead).
void check_disjoint(const Call& call, std::size_t send_bytes, std::size_t recv_bytes) {
  if (call.in_place() || call.count == 0 || call.recv == nullptr) return;
  const auto s = reinterpret_cast<std::uintptr_t>(call.send);
  const auto r = reinterpret_cast<std::uintptr_t>(call.recv);
  if (s < r + recv_bytes && r < s + send_bytes)
    user_error(str(name(call.operation),
                   ": the send and receive buffers overlap; pass collectives::in_place as the "
                   "send buffer for an in-place call"));
}

void check_root(const Call& call, int root, int size) {
  if (root < 0 || root >= size)
    user_error(str(name(call.operation), ": root ", root,
                   " is not a rank of this communicator (0..", size - 1, ")"));
}

Call make(Operation operation, const void* send, void* recv, std::size_t count, DataType type,
          ReduceOp op) {
  Call call;
  call.operation = operation;
  call.send = as_send(send);
  call.is_in_place = send == in_place;
  call.recv = static_cast<std::byte*>(recv);
  call.count = count;
  call.type = type;
  call.op = op;
  return call;
}

}  // namespace

namespace {
Call prepare_allreduce(const void* send, void* recv, std::size_t count, DataType type,
                       ReduceOp op) {
  if (send == recv) send = in_place;  // the same buffer twice means in place
  Call call = make(Operation::allreduce, send, recv, count, type, op);
  check_count(call, 1);
  check_buffer(call, recv, "receive");
  if (!call.in_place()) check_buffer(call, send, "send");
  check_disjoint(call, call.bytes(), call.bytes());
  return call;
}

Call prepare_reduce_scatter(const void* send, void* recv, std::size_t count, DataType type,
                            ReduceOp op, int size) {
  Call call = make(Operation::reduce_scatter, send, recv, count, type, op);
  check_count(call, static_cast<std::size_t>(size));
  check_buffer(call, recv, "receive");
  if (!call.in_place()) check_buffer(call, send, "send");
  check_disjoint(call, call.bytes() * static_cast<std::size_t>(size), call.bytes());
  return call;
}

Call prepare_allgather(const void* send, void* recv, std::size_t count, DataType type, int size) {
  Call call = make(Operation::allgather, send, recv, count, type, ReduceOp::sum);
  check_count(call, static_cast<std::size_t>(size));
  check_buffer(call, recv, "receive");
  if (!call.in_place()) check_buffer(call, send, "send");
  check_disjoint(call, call.bytes(), call.bytes() * static_cast<std::size_t>(size));
  return call;
}

Call prepare_broadcast(void* buffer, std::size_t count, DataType type, int root, int size) {
  Call call = make(Operation::broadcast, in_place, buffer, count, type, ReduceOp::sum);
  check_count(call, 1);
  check_buffer(call, buffer, "broadcast");
  check_root(call, root, size);
  call.root = root;
  return call;
}

Call prepare_reduce(const void* send, void* recv, std::size_t count, DataType type, ReduceOp op,
                    int root, int rank, int size) {
  if (send == recv && rank == root) send = in_place;
  Call call = make(Operation::reduce, send, recv, count, type, op);
  check_count(call, 1);
  check_root(call, root, size);
  call.root = root;
  if (call.in_place() && rank != root)
    user_error("reduce: only the root may reduce in place (other ranks pass their send buffer)");
  if (!call.in_place()) check_buffer(call, send, "send");
  if (rank == root) {
    check_buffer(call, recv, "receive");
    check_disjoint(call, call.bytes(), call.bytes());
  }
  return call;
}

Call prepare_alltoall(const void* send, void* recv, std::size_t count, DataType type, int size) {
  Call call = make(Operation::alltoall, send, recv, count, type, ReduceOp::sum);
  check_count(call, static_cast<std::size_t>(size));
  check_buffer(call, recv, "receive");
  if (!call.in_place()) check_buffer(call, send, "send");
  const std::size_t all = call.bytes() * static_cast<std::size_t>(size);
  check_disjoint(call, all, all);
  return call;
}

Call prepare_barrier() {
  return make(Operation::barrier, in_place, nullptr, 0, DataType::int32, ReduceOp::sum);
}
}  // namespace

// Blocking calls and their non-blocking twins share one preparation each.
void Communicator::allreduce(const void* send, void* recv, std::size_t count, DataType type,
                             ReduceOp op, CallOptions options) {
  Call call = prepare_allreduce(send, recv, count, type, op);
  start(call, options.algorithm, true);
}
Handle Communicator::iallreduce(const void* send, void* recv, std::size_t count, DataType type,
                                ReduceOp op, CallOptions options) {
  Call call = prepare_allreduce(send, recv, count, type, op);
  return start(call, options.algorithm, false);
}

void Communicator::reduce_scatter(const void* send, void* recv, std::size_t count_per_rank,
                                  DataType type, ReduceOp op, CallOptions options) {
  Call call = prepare_reduce_scatter(send, recv, count_per_rank, type, op, size_);
  start(call, options.algorithm, true);
}
Handle Communicator::ireduce_scatter(const void* send, void* recv, std::size_t count_per_rank,
                                     DataType type, ReduceOp op, CallOptions options) {
  Call call = prepare_reduce_scatter(send, recv, count_per_rank, type, op, size_);
  return start(call, options.algorithm, false);
}

void Communicator::allgather(const void* send, void* recv, std::size_t count_per_rank,
                             DataType type, CallOptions options) {
  Call call = prepare_allgather(send, recv, count_per_rank, type, size_);
  start(call, options.algorithm, true);
}
Handle Communicator::iallgather(const void* send, void* recv, std::size_t count_per_rank,
                                DataType type, CallOptions options) {
  Call call = prepare_allgather(send, recv, count_per_rank, type, size_);
  return start(call, options.algorithm, false);
}

void Communicator::broadcast(void* buffer, std::size_t count, DataType type, int root,
                             CallOptions options) {
  Call call = prepare_broadcast(buffer, count, type, root, size_);
  start(call, options.algorithm, true);
}
Handle Communicator::ibroadcast(void* buffer, std::size_t count, DataType type, int root,
                                CallOptions options) {
  Call call = prepare_broadcast(buffer, count, type, root, size_);
  return start(call, options.algorithm, false);
}

void Communicator::reduce(const void* send, void* recv, std::size_t count, DataType type,
                          ReduceOp op, int root, CallOptions options) {
  Call call = prepare_reduce(send, recv, count, type, op, root, rank_, size_);
  start(call, options.algorithm, true);
}
Handle Communicator::ireduce(const void* send, void* recv, std::size_t count, DataType type,
                             ReduceOp op, int root, CallOptions options) {
  Call call = prepare_reduce(send, recv, count, type, op, root, rank_, size_);
  return start(call, options.algorithm, false);
}

void Communicator::alltoall(const void* send, void* recv, std::size_t count_per_rank, DataType type,
                            CallOptions options) {
  Call call = prepare_alltoall(send, recv, count_per_rank, type, size_);
  start(call, options.algorithm, true);
}
Handle Communicator::ialltoall(const void* send, void* recv, std::size_t count_per_rank,
                               DataType type, CallOptions options) {
  Call call = prepare_alltoall(send, recv, count_per_rank, type, size_);
  return start(call, options.algorithm, false);
}

void Communicator::barrier(CallOptions options) {
  Call call = prepare_barrier();
  start(call, options.algorithm, true);
}
Handle Communicator::ibarrier(CallOptions options) {
  Call call = prepare_barrier();
  return start(call, options.algorithm, false);
}

}  // namespace dojo::collectives
