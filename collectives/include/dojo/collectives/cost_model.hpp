// The alpha-beta-gamma cost of each algorithm on a mesh geometry (docs/collectives.md), used to
// pick an algorithm per call and exposed so a benchmark can print "chosen" against forced
// algorithms. dojo's one cost model: the lower bounds the estimates are judged against are in
// lower_bounds.hpp, the per-link contention cost of explicit schedules (which checks the closed
// forms) in schedule_cost.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "dojo/collectives/geometry.hpp"
#include "dojo/collectives/lower_bounds.hpp"
#include "dojo/collectives/types.hpp"

namespace dojo::collectives {

// n in the formulas: allreduce, broadcast, reduce: the vector; reduce-scatter and allgather: the
// whole gathered vector (p blocks); alltoall: everything one rank sends (p blocks).
struct CostEstimate {
  Algorithm algorithm = Algorithm::native;
  double seconds = 0.0;  // predicted time; meaningless unless applicable
  bool applicable = false;
  std::string why_not;  // when not applicable: the reason, for notes and user errors
};

// How many pipelined segments the hierarchical allreduce cuts `bytes` into on `geometry`: 2 where
// the cost model says the overlap pays (large vectors on up to 2 x 2 tiles), else 1.
int hierarchical_allreduce_segments(std::size_t bytes, const MeshGeometry& geometry);

// Empty when `algorithm` can run `operation` on `geometry`, else the reason it cannot.
std::string why_not_applicable(Algorithm algorithm, Operation operation,
                               const MeshGeometry& geometry);

// Predicted seconds for one call of `operation` moving `bytes` (see above).
CostEstimate estimate_cost(Algorithm algorithm, Operation operation, std::size_t bytes,
                           const MeshGeometry& geometry);
// Every algorithm that implements `operation`, applicable or not.
std::vector<CostEstimate> estimate_costs(Operation operation, std::size_t bytes,
                                         const MeshGeometry& geometry);
// The applicable algorithm with the lowest estimate (native when prefer_native: see
// Config::prefer_native_on_one_node).
Algorithm choose_algorithm(Operation operation, std::size_t bytes, const MeshGeometry& geometry,
                           bool prefer_native = false);

}  // namespace dojo::collectives
