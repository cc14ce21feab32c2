// The allreduce working buffer shared by the allreduce algorithms: the result buffer, with the
// input copied in first when the call is not in place.
#include "algorithms.hpp"

namespace dojo::collectives::detail {

std::byte* allreduce_work_buffer(const Call& call, Schedule& schedule) {
  if (!call.in_place())
    schedule.prologue().push_back(Schedule::copy(call.recv, call.send, call.bytes()));
  return call.recv;
}

}  // namespace dojo::collectives::detail
