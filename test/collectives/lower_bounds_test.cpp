// Lower bounds of docs/collectives.md against hand-evaluated formulas.
#include "dojo/collectives/lower_bounds.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "dojo/common/error.hpp"

namespace dojo::collectives {
namespace {

constexpr double kRelative = 1e-12;
#define EXPECT_CLOSE(actual, expected) EXPECT_NEAR(actual, expected, std::abs(expected) * kRelative)

const AlphaBeta kAb{1e-6, 1e-9, 1e-10};

TEST(CollectivesLowerBounds, MinRounds) {
  EXPECT_EQ(min_rounds(1), 0);
  EXPECT_EQ(min_rounds(2), 1);
  EXPECT_EQ(min_rounds(3), 2);
  EXPECT_EQ(min_rounds(1024), 10);
  EXPECT_EQ(min_rounds(1025), 11);
  EXPECT_EQ(min_rounds(25, 4), 2);
  EXPECT_EQ(min_rounds(26, 4), 3);
  EXPECT_EQ(min_rounds(3000, 4), 5);  // 5^4 = 625 < 3000 <= 3125
}

TEST(CollectivesLowerBounds, SinglePortFormulas) {
  const int p = 6;
  const double n = 1.2e6, f = 5.0 / 6.0;
  EXPECT_CLOSE(allgather_lower_bound_s(p, n, kAb), 3 * 1e-6 + f * n * 1e-9);
  EXPECT_CLOSE(reduce_scatter_lower_bound_s(p, n, kAb), 3 * 1e-6 + f * n * 1e-9 + f * n * 1e-10);
  EXPECT_CLOSE(allreduce_lower_bound_s(p, n, kAb), 3 * 1e-6 + 2 * f * n * 1e-9 + f * n * 1e-10);
  EXPECT_CLOSE(broadcast_lower_bound_s(p, n, kAb), 3 * 1e-6 + n * 1e-9);
}

TEST(CollectivesLowerBounds, KPortsDivideBandwidthAndShortenLatency) {
  const int p = 30;
  const double n = 3e6, f = 29.0 / 30.0;
  EXPECT_CLOSE(allreduce_lower_bound_s(p, n, kAb, 4),
               3 * 1e-6 + 2 * f * n * 1e-9 / 4 + f * n * 1e-10);
  EXPECT_CLOSE(allgather_lower_bound_s(p, n, kAb, 2), 4 * 1e-6 + f * n * 1e-9 / 2);
  EXPECT_THROW(allreduce_lower_bound_s(0, n, kAb), dojo::Error);
  EXPECT_THROW(allreduce_lower_bound_s(4, n, kAb, 0), dojo::Error);
}

TEST(CollectivesLowerBounds, MeshBounds) {
  EXPECT_EQ(mesh_diameter(5, 5), 8);
  EXPECT_EQ(mesh_diameter(60, 50), 108);
  EXPECT_CLOSE(mesh_bisection_allreduce_bound_s(10, 5, 1e6, 1e-9), 1e6 * 1e-9 / 5);
  // 5 x 5: 4-port bandwidth 2 (24/25) n beta / 4 = 0.48 n beta beats the bisection n beta / 5.
  const double n = 1e6;
  EXPECT_CLOSE(mesh_allreduce_lower_bound_s(5, 5, n, kAb),
               8 * 1e-6 + 0.48 * n * 1e-9 + 24.0 / 25.0 * n * 1e-10);
  // 2 x 50: the bisection (2 links) dominates.
  EXPECT_CLOSE(mesh_allreduce_lower_bound_s(2, 50, n, kAb),
               50 * 1e-6 + n * 1e-9 / 2 + 99.0 / 100.0 * n * 1e-10);
}

TEST(CollectivesLowerBounds, TileEdgeCut) {
  EXPECT_DOUBLE_EQ(tile_edge_allreduce_bound_s(MeshGeometry::grid(5, 5), 1e9), 0);
  // A cabinet (6 x 2 tiles of 5 x 5 chips): the cut between tile columns crosses 5 x 2 = 10
  // tile-edge links, the one between the two tile rows 30: the first binds.
  const MeshGeometry cabinet = MeshGeometry::grid(30, 10);
  EXPECT_CLOSE(tile_edge_allreduce_bound_s(cabinet, 1e9), 1e9 / 1.8e12 / 10);
  // Two tiles stacked: only the cut between the tile rows (5 links) crosses tile edges.
  EXPECT_CLOSE(tile_edge_allreduce_bound_s(MeshGeometry::grid(5, 10), 1e9), 1e9 / 1.8e12 / 5);
  // A 5 x 5 sub-mesh that straddles a tile edge (origin 3 of a 5-wide tile) crosses it.
  MeshGeometry straddling = MeshGeometry::grid(5, 5);
  straddling.origin_x = 3;
  EXPECT_CLOSE(tile_edge_allreduce_bound_s(straddling, 1e9), 1e9 / 1.8e12 / 5);
  AlphaBeta ab = alpha_beta(cabinet.tile_edge);
  EXPECT_DOUBLE_EQ(ab.alpha_s, cabinet.tile_edge.latency_s);
  EXPECT_DOUBLE_EQ(ab.beta_s_per_byte, 1 / 1.8e12);
  EXPECT_DOUBLE_EQ(ab.gamma_s_per_byte, 0);
}

// The multi-port bound of a whole geometry is never below the closed forms it is made of.
TEST(CollectivesLowerBounds, MultiportBoundContainsTheCuts) {
  const MeshGeometry cabinet = MeshGeometry::grid(30, 10);
  const double n = 64.0 * (1 << 20);
  const double bound = allreduce_multiport_bound_seconds(std::size_t{64} << 20, cabinet);
  EXPECT_GE(bound, tile_edge_allreduce_bound_s(cabinet, n));
  EXPECT_GE(bound, allreduce_lower_bound_s(300, n, alpha_beta(cabinet.intra_tile), 4) -
                       min_rounds(300, 4) * cabinet.intra_tile.latency_s);
  EXPECT_DOUBLE_EQ(allreduce_multiport_bound_seconds(1 << 20, MeshGeometry::grid(1, 1)), 0);
  // The diameter's latency: corner to corner of the 30 x 10 mesh, 38 hops of which 5 + 1 cross
  // tile edges.
  EXPECT_CLOSE(mesh_diameter_latency_seconds(cabinet),
               32 * cabinet.intra_tile.latency_s + 6 * cabinet.tile_edge.latency_s);
}

}  // namespace
}  // namespace dojo::collectives
