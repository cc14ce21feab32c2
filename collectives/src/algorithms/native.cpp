// The plain MPI collective: the baseline every other algorithm is measured against and the
// fallback when one cannot run. bfloat16 has no MPI type: it travels as MPI_UINT16_T with
// user-defined operators that combine in float32 (reduce_kernels).
#include <climits>
#include <mutex>

#include "../reduce_kernels.hpp"
#include "algorithms.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"

namespace dojo::collectives::detail {
namespace {

template <ReduceOp Op>
void bfloat16_user_op(void* in, void* inout, int* len, MPI_Datatype*) {
  combine(DataType::bfloat16, Op, inout, in, static_cast<std::size_t>(*len));
}

MPI_Op bfloat16_op(ReduceOp op) {
  // Created once per process, never freed: MPI_Finalize releases them.
  static MPI_Op sum = MPI_OP_NULL, max = MPI_OP_NULL, min = MPI_OP_NULL;
  static std::once_flag once;
  std::call_once(once, [] {
    DOJO_CHECK_MPI(MPI_Op_create(&bfloat16_user_op<ReduceOp::sum>, 1, &sum));
    DOJO_CHECK_MPI(MPI_Op_create(&bfloat16_user_op<ReduceOp::max>, 1, &max));
    DOJO_CHECK_MPI(MPI_Op_create(&bfloat16_user_op<ReduceOp::min>, 1, &min));
  });
  return op == ReduceOp::max ? max : op == ReduceOp::min ? min : sum;
}

MPI_Datatype mpi_type(DataType type) {
  switch (type) {
    case DataType::float32:
      return MPI_FLOAT;
    case DataType::float64:
      return MPI_DOUBLE;
    case DataType::bfloat16:
      return MPI_UINT16_T;
    case DataType::int32:
      return MPI_INT32_T;
    case DataType::int64:
      return MPI_INT64_T;
  }
  return MPI_DATATYPE_NULL;
}

MPI_Op mpi_op(DataType type, ReduceOp op) {
  if (type == DataType::bfloat16) return bfloat16_op(op);
  return op == ReduceOp::max ? MPI_MAX : op == ReduceOp::min ? MPI_MIN : MPI_SUM;  // avg: sum
}

int mpi_count(std::size_t count) {
  if (count > static_cast<std::size_t>(INT_MAX))
    user_error(str("native MPI collectives take at most ", INT_MAX, " elements per call (got ",
                   count, "): force another algorithm or split the call"));
  return static_cast<int>(count);
}

// Runs the MPI call: blocking when request is null, else its non-blocking form.
void run(const Call& c, MPI_Request* request) {
  const void* send = c.in_place() ? MPI_IN_PLACE : static_cast<const void*>(c.send);
  const MPI_Datatype t = mpi_type(c.type);
  const int n = mpi_count(c.count);
  switch (c.operation) {
    case Operation::allreduce: {
      const MPI_Op op = mpi_op(c.type, c.op);
      if (request)
        DOJO_CHECK_MPI(MPI_Iallreduce(send, c.recv, n, t, op, c.comm, request));
      else
        DOJO_CHECK_MPI(MPI_Allreduce(send, c.recv, n, t, op, c.comm));
      return;
    }
    case Operation::reduce_scatter: {
      const MPI_Op op = mpi_op(c.type, c.op);
      if (request)
        DOJO_CHECK_MPI(MPI_Ireduce_scatter_block(send, c.recv, n, t, op, c.comm, request));
      else
        DOJO_CHECK_MPI(MPI_Reduce_scatter_block(send, c.recv, n, t, op, c.comm));
      return;
    }
    case Operation::allgather:
      if (request)
        DOJO_CHECK_MPI(MPI_Iallgather(send, n, t, c.recv, n, t, c.comm, request));
      else
        DOJO_CHECK_MPI(MPI_Allgather(send, n, t, c.recv, n, t, c.comm));
      return;
    case Operation::broadcast:
      if (request)
        DOJO_CHECK_MPI(MPI_Ibcast(c.recv, n, t, c.root, c.comm, request));
      else
        DOJO_CHECK_MPI(MPI_Bcast(c.recv, n, t, c.root, c.comm));
      return;
    case Operation::reduce: {
      const MPI_Op op = mpi_op(c.type, c.op);
      if (request)
        DOJO_CHECK_MPI(MPI_Ireduce(send, c.recv, n, t, op, c.root, c.comm, request));
      else
        DOJO_CHECK_MPI(MPI_Reduce(send, c.recv, n, t, op, c.root, c.comm));
      return;
    }
    case Operation::alltoall:
      if (request)
        DOJO_CHECK_MPI(MPI_Ialltoall(send, n, t, c.recv, n, t, c.comm, request));
      else
        DOJO_CHECK_MPI(MPI_Alltoall(send, n, t, c.recv, n, t, c.comm));
      return;
    case Operation::barrier:
      if (request)
        DOJO_CHECK_MPI(MPI_Ibarrier(c.comm, request));
      else
        DOJO_CHECK_MPI(MPI_Barrier(c.comm));
      return;
  }
}

}  // namespace

void native_blocking(const Call& call) {
  run(call, nullptr);
}

std::unique_ptr<Schedule> native(const Call& call) {
  auto schedule = call.new_schedule();
  const int chain = schedule->add_chain();
  Call copy = call;
  schedule->add_step(chain).start = [copy](MPI_Request* request) { run(copy, request); };
  return schedule;
}

}  // namespace dojo::collectives::detail
