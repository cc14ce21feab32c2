// The cost model: applicability, and choices that follow the alpha-beta reasoning of
// docs/collectives.md (latency-bound small vectors, bandwidth-bound large ones).
#include <gtest/gtest.h>

#include <algorithm>

#include "dojo/collectives/cost_model.hpp"

namespace dojo::collectives {
namespace {

TEST(CollectivesCostModel, MeshAlgorithmsNeedAFullMesh) {
  auto g = MeshGeometry::grid(4, 2);
  EXPECT_TRUE(why_not_applicable(Algorithm::mesh2d, Operation::allreduce, g).empty());
  g.columns = 5;  // a hole in the mesh
  EXPECT_FALSE(why_not_applicable(Algorithm::mesh2d, Operation::allreduce, g).empty());
  EXPECT_FALSE(why_not_applicable(Algorithm::binomial, Operation::allreduce, g).empty());
  EXPECT_TRUE(why_not_applicable(Algorithm::ring, Operation::allreduce, g).empty());
}

TEST(CollectivesCostModel, SmallVectorsAvoidBandwidthAlgorithms) {
  const auto g = MeshGeometry::grid(8, 8);
  const Algorithm small = choose_algorithm(Operation::allreduce, 64, g);
  EXPECT_TRUE(small == Algorithm::recursive_doubling || small == Algorithm::native) << name(small);
  const auto costs = estimate_costs(Operation::allreduce, 64, g);
  double ring = 0, doubling = 0;
  for (const auto& e : costs) {
    if (e.algorithm == Algorithm::ring) ring = e.seconds;
    if (e.algorithm == Algorithm::recursive_doubling) doubling = e.seconds;
  }
  EXPECT_LT(doubling, ring);
}

TEST(CollectivesCostModel, LargeVectorsOnTiledMeshUseAllLinks) {
  const auto g = MeshGeometry::grid(10, 10);  // 2 x 2 tiles of 5 x 5
  const Algorithm big = choose_algorithm(Operation::allreduce, std::size_t{64} << 20, g);
  EXPECT_TRUE(big == Algorithm::mesh2d_multiport || big == Algorithm::hierarchical) << name(big);
  const double bound = allreduce_multiport_bound_seconds(std::size_t{64} << 20, g);
  const auto chosen = estimate_cost(big, Operation::allreduce, std::size_t{64} << 20, g);
  EXPECT_GT(chosen.seconds, bound);  // a bound is a bound
  const auto ring = estimate_cost(Algorithm::ring, Operation::allreduce, std::size_t{64} << 20, g);
  EXPECT_LT(chosen.seconds, ring.seconds / 1.5);
}

// docs/collectives.md's multi-port bound: 2 (p-1)/p n beta / 4 on the fastest link; on a 10 x 10
// mesh a corner chip (2 links, n bytes to send) is slightly tighter; bandwidth only, no latency.
TEST(CollectivesCostModel, MultiportBoundFollowsTheDocs) {
  const auto g = MeshGeometry::grid(10, 10);
  const double n = 64.0 * (1 << 20), beta = g.intra_tile.seconds_per_byte;
  const double four_ports = 2 * 99.0 / 100 * n * beta / 4, corner = n * beta / 2;
  EXPECT_DOUBLE_EQ(allreduce_multiport_bound_seconds(std::size_t{64} << 20, g),
                   std::max(four_ports, corner));
  // A single row inside one tile: the middle cut is one link, which carries all n bytes each way.
  auto row = MeshGeometry::grid(8, 1);
  row.tile_columns = 8;
  EXPECT_DOUBLE_EQ(allreduce_multiport_bound_seconds(1 << 20, row),
                   (1 << 20) * row.intra_tile.seconds_per_byte);
}

TEST(CollectivesCostModel, PreferNativeWins) {
  EXPECT_EQ(choose_algorithm(Operation::allreduce, 1 << 20, MeshGeometry::grid(2, 2), true),
            Algorithm::native);
}

}  // namespace
}  // namespace dojo::collectives
