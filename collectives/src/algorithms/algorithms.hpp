// Every algorithm's entry points: each builds the schedule of one call (a state machine run by
// Schedule::advance). Which algorithm implements which operation: types.cpp, implements().
#pragma once

#include <memory>

#include "../call.hpp"
#include "../schedule.hpp"

namespace dojo::collectives::detail {

// native.cpp: the plain MPI call; blocking calls go straight to MPI, non-blocking ones to MPI_I*.
void native_blocking(const Call& call);
std::unique_ptr<Schedule> native(const Call& call);

// ring.cpp: allreduce, reduce_scatter, allgather around the snake ring.
std::unique_ptr<Schedule> ring(const Call& call);
// recursive_doubling.cpp: allreduce (and the dissemination barrier).
std::unique_ptr<Schedule> recursive_doubling(const Call& call);
// rabenseifner.cpp: allreduce, reduce_scatter (recursive halving), allgather (recursive doubling).
std::unique_ptr<Schedule> rabenseifner(const Call& call);
// mesh2d.cpp: allreduce, reduce_scatter, allgather along rows then columns.
std::unique_ptr<Schedule> mesh2d(const Call& call);
// mesh2d_multiport.cpp: allreduce, reduce_scatter, allgather in four concurrent streams.
std::unique_ptr<Schedule> mesh2d_multiport(const Call& call);
// hierarchical.cpp: allreduce, reduce_scatter, allgather: inside tiles, then across them.
std::unique_ptr<Schedule> hierarchical(const Call& call);
// binomial.cpp: broadcast and reduce on a binomial tree.
std::unique_ptr<Schedule> binomial(const Call& call);
// pipelined.cpp: broadcast and reduce along a segmented chain.
std::unique_ptr<Schedule> pipelined(const Call& call);
// alltoall_pairwise.cpp and alltoall_two_phase.cpp.
std::unique_ptr<Schedule> alltoall_pairwise(const Call& call);
std::unique_ptr<Schedule> alltoall_two_phase(const Call& call);

// The working buffer of a reduction on every rank: recv for allreduce (send copied in by the
// prologue unless in place); for other operations see each algorithm.
std::byte* allreduce_work_buffer(const Call& call, Schedule& schedule);

}  // namespace dojo::collectives::detail
