// Closed-form lower bounds of docs/collectives.md against hand-evaluated formulas.
#include "dojo/topology/lower_bounds.hpp"

#include <gtest/gtest.h>

#include "dojo/topology/presets.hpp"
#include "topology_test_support.hpp"

namespace dojo::topology {
namespace {

constexpr double kRelative = 1e-12;
#define EXPECT_CLOSE(actual, expected) EXPECT_NEAR(actual, expected, std::abs(expected) * kRelative)

const AlphaBeta kAb{1e-6, 1e-9, 1e-10};

TEST(TopologyLowerBounds, MinRounds) {
  EXPECT_EQ(min_rounds(1), 0);
  EXPECT_EQ(min_rounds(2), 1);
  EXPECT_EQ(min_rounds(3), 2);
  EXPECT_EQ(min_rounds(1024), 10);
  EXPECT_EQ(min_rounds(1025), 11);
  EXPECT_EQ(min_rounds(25, 4), 2);
  EXPECT_EQ(min_rounds(26, 4), 3);
  EXPECT_EQ(min_rounds(3000, 4), 5);  // 5^4 = 625 < 3000 <= 3125
}

TEST(TopologyLowerBounds, SinglePortFormulas) {
  const int p = 6;
  const double n = 1.2e6, f = 5.0 / 6.0;
  EXPECT_CLOSE(allgather_lower_bound_s(p, n, kAb), 3 * 1e-6 + f * n * 1e-9);
  EXPECT_CLOSE(reduce_scatter_lower_bound_s(p, n, kAb), 3 * 1e-6 + f * n * 1e-9 + f * n * 1e-10);
  EXPECT_CLOSE(allreduce_lower_bound_s(p, n, kAb), 3 * 1e-6 + 2 * f * n * 1e-9 + f * n * 1e-10);
  EXPECT_CLOSE(broadcast_lower_bound_s(p, n, kAb), 3 * 1e-6 + n * 1e-9);
}

TEST(TopologyLowerBounds, KPortsDivideBandwidthAndShortenLatency) {
  const int p = 30;
  const double n = 3e6, f = 29.0 / 30.0;
  EXPECT_CLOSE(allreduce_lower_bound_s(p, n, kAb, 4),
               3 * 1e-6 + 2 * f * n * 1e-9 / 4 + f * n * 1e-10);
  EXPECT_CLOSE(allgather_lower_bound_s(p, n, kAb, 2), 4 * 1e-6 + f * n * 1e-9 / 2);
  EXPECT_THROW(allreduce_lower_bound_s(0, n, kAb), dojo::Error);
  EXPECT_THROW(allreduce_lower_bound_s(4, n, kAb, 0), dojo::Error);
}

TEST(TopologyLowerBounds, MeshBounds) {
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

TEST(TopologyLowerBounds, TileEdgeCut) {
  EXPECT_DOUBLE_EQ(tile_edge_allreduce_bound_s(preset_machine("tile"), 1e9), 0);
  // Cabinet: the cut between tile columns crosses 5 x 2 = 10 tile-edge links, the one between the
  // two tile rows 30: the first binds.
  Machine cabinet = preset_machine("cabinet");
  EXPECT_CLOSE(tile_edge_allreduce_bound_s(cabinet, 1e9), 1e9 / 1.8e12 / 10);
  AlphaBeta ab = alpha_beta(cabinet, LinkClass::tile_edge);
  EXPECT_DOUBLE_EQ(ab.alpha_s, cabinet.spec().tile_edge.latency_s);
  EXPECT_DOUBLE_EQ(ab.beta_s_per_byte, 1 / 1.8e12);
}

}  // namespace
}  // namespace dojo::topology
