// The signature of a call, its allgather, and the mismatch message.
#include "debug_agreement.hpp"

#include <array>
#include <vector>

#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"

namespace dojo::collectives::detail {
namespace {

enum Field { kSequence, kOperation, kType, kOp, kCount, kRoot, kAlgorithm, kFields };
using Signature = std::array<std::int64_t, kFields>;

std::string describe(const Signature& s) {
  const auto op = static_cast<Operation>(s[kOperation]);
  const auto type = static_cast<DataType>(s[kType]);
  std::string args;
  if (op != Operation::barrier) {
    args = str(name(type), ", ", s[kCount]);
    if (is_reduction(op)) args += str(", ", name(static_cast<ReduceOp>(s[kOp])));
    if (op == Operation::broadcast || op == Operation::reduce) args += str(", root ", s[kRoot]);
  }
  return str(name(op), "(", args, ") with algorithm ", name(static_cast<Algorithm>(s[kAlgorithm])));
}

}  // namespace

void agree_on_call(const Call& call, Algorithm algorithm, std::uint64_t sequence,
                   const std::function<void()>& progress) {
  Signature mine{};
  mine[kSequence] = static_cast<std::int64_t>(sequence);
  mine[kOperation] = static_cast<std::int64_t>(call.operation);
  mine[kType] = static_cast<std::int64_t>(call.type);
  mine[kOp] = is_reduction(call.operation) ? static_cast<std::int64_t>(call.op) : 0;
  mine[kCount] = call.operation == Operation::barrier ? 0 : static_cast<std::int64_t>(call.count);
  mine[kRoot] =
      call.operation == Operation::broadcast || call.operation == Operation::reduce ? call.root : 0;
  mine[kAlgorithm] = static_cast<std::int64_t>(algorithm);
  if (call.operation == Operation::barrier) mine[kType] = 0;

  std::vector<Signature> all(static_cast<std::size_t>(call.size));
  MPI_Request request = MPI_REQUEST_NULL;
  DOJO_CHECK_MPI(MPI_Iallgather(mine.data(), kFields, MPI_INT64_T, all.data(), kFields, MPI_INT64_T,
                                call.comm, &request));
  for (int done = 0; !done;) {
    DOJO_CHECK_MPI(MPI_Test(&request, &done, MPI_STATUS_IGNORE));
    if (!done) progress();
  }
  for (int r = 1; r < call.size; ++r)
    if (all[static_cast<std::size_t>(r)] != all[0]) {
      const Signature& first = all[0];
      const Signature& other = all[static_cast<std::size_t>(r)];
      std::string where = first[kSequence] == other[kSequence]
                              ? str("call #", first[kSequence])
                              : str("call #", first[kSequence], " of rank 0 (#", other[kSequence],
                                    " of rank ", r, ")");
      internal_error(str("collective mismatch at ", where, ": rank 0 called ", describe(first),
                         " but rank ", r, " called ", describe(other)));
    }
}

}  // namespace dojo::collectives::detail
