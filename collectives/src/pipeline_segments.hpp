// The segment size of pipelined broadcast and reduce, shared by the algorithm and its cost so both
// agree: sqrt(n alpha / ((p - 2) beta)), the optimum of (p - 2 + s)(alpha + n / s beta).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "dojo/collectives/geometry.hpp"

namespace dojo::collectives::detail {

inline std::size_t pipeline_segment_bytes(std::size_t bytes, const MeshGeometry& geometry) {
  constexpr double kMinSegmentBytes = 16 * 1024;  // below this the per-message cost dominates
  const double alpha = geometry.intra_tile.latency_s;
  const double beta = std::max(geometry.intra_tile.seconds_per_byte, 1e-15);
  const double hops = std::max(1, geometry.size() - 2);
  const double best = std::sqrt(static_cast<double>(bytes) * alpha / (hops * beta));
  return static_cast<std::size_t>(
      std::clamp(best, kMinSegmentBytes, std::max(kMinSegmentBytes, static_cast<double>(bytes))));
}

// Segments of the hierarchical allreduce (hierarchical.cpp): 1, or 2 where its cost model
// (cost_model.cpp) says that overlapping one segment's intra-tile phases with the other's
// tile-edge phase pays.
int hierarchical_segments(std::size_t bytes, const MeshGeometry& geometry);

}  // namespace dojo::collectives::detail
