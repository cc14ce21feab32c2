// The bench's verdict lines: per size, the best forced algorithm against native and auto, the
// share of the multi-port bandwidth bound, and whether the project's targets are met.
#pragma once

#include <iosfwd>
#include <vector>

#include "dojo/collectives/bench.hpp"

namespace dojo::collectives::detail {

// `rows`: every row of one operation (all algorithms and sizes). Prints '#'-comment lines.
void print_bench_summary(std::ostream& table, const std::vector<BenchResult>& rows,
                         const Communicator& comm);

}  // namespace dojo::collectives::detail
