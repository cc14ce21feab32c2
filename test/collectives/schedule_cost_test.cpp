// The per-link cost of explicit schedules against hand-computed cases (hops, shared links, tile
// edges, rings), and the closed-form ring estimate of cost_model.hpp against the schedule it
// describes.
#include "dojo/collectives/schedule_cost.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "dojo/collectives/cost_model.hpp"
#include "dojo/collectives/lower_bounds.hpp"
#include "dojo/collectives/topology_geometry.hpp"
#include "dojo/common/error.hpp"
#include "dojo/topology/mesh_routes.hpp"
#include "dojo/topology/presets.hpp"

namespace dojo::collectives::contention {
namespace {

using topology::hop_distance;
using topology::MachineSpec;
using topology::preset_spec;

constexpr double kRelative = 1e-12;  // the model is closed-form: only rounding differs

#define EXPECT_CLOSE(actual, expected) EXPECT_NEAR(actual, expected, std::abs(expected) * kRelative)

// A tile with round numbers: 1 GB/s and 1 us inside, 0.5 GB/s and 2 us across tile edges.
MachineSpec round_spec(const char* preset) {
  MachineSpec spec = preset_spec(preset);
  spec.intra_tile = {1e9, 1e-6};
  spec.tile_edge = {0.5e9, 2e-6};
  return spec;
}

TEST(CollectivesScheduleCost, OneMessageOverThreeHops) {
  Machine machine(round_spec("tile"));
  StepCost cost = cost_step(machine, {{{0, 0}, {3, 0}, 1e6}});
  EXPECT_CLOSE(cost.time_s, 3 * 1e-6 + 1e6 / 1e9);
  EXPECT_EQ(cost.max_hops, 3);
  EXPECT_DOUBLE_EQ(cost.max_link_load_bytes, 1e6);
  EXPECT_EQ(cost.slowest_message, 0);
}

TEST(CollectivesScheduleCost, TwoMessagesSharingALinkTakeTwiceAsLong) {
  MachineSpec spec = round_spec("tile");
  spec.intra_tile.latency_s = 0;  // bandwidth only, so "twice" is exact
  Machine machine(spec);
  double alone = cost_step(machine, {{{0, 0}, {2, 0}, 1e6}}).time_s;
  StepCost shared = cost_step(machine, {{{0, 0}, {2, 0}, 1e6}, {{1, 0}, {3, 0}, 1e6}});
  EXPECT_CLOSE(shared.time_s, 2 * alone);
  EXPECT_DOUBLE_EQ(shared.max_link_load_bytes, 2e6);
  // Opposite directions of one link do not contend, nor do disjoint links.
  EXPECT_CLOSE(cost_step(machine, {{{0, 0}, {1, 0}, 1e6}, {{1, 0}, {0, 0}, 1e6}}).time_s,
               cost_step(machine, {{{0, 0}, {1, 0}, 1e6}}).time_s);
  EXPECT_CLOSE(cost_step(machine, {{{0, 0}, {1, 0}, 1e6}, {{0, 1}, {1, 1}, 1e6}}).time_s,
               cost_step(machine, {{{0, 0}, {1, 0}, 1e6}}).time_s);
}

TEST(CollectivesScheduleCost, TileEdgeIsTheBottleneckLink) {
  Machine machine(round_spec("tray"));
  // (3,0)->(6,0): intra, tile edge (4,0)->(5,0), intra.
  StepCost cost = cost_step(machine, {{{3, 0}, {6, 0}, 1e6}});
  EXPECT_CLOSE(cost.time_s, (1e-6 + 2e-6 + 1e-6) + 1e6 / 0.5e9);
}

TEST(CollectivesScheduleCost, GammaChargesReducedBytes) {
  Machine machine(round_spec("tile"));
  Step step{{{0, 0}, {1, 0}, 1e6, 1e6}};
  double without = cost_step(machine, step).time_s;
  EXPECT_CLOSE(cost_step(machine, step, {.gamma_s_per_byte = 1e-10}).time_s, without + 1e-4);
}

TEST(CollectivesScheduleCost, DeadChipDetourCostsTheLongerRoute) {
  MachineSpec spec = round_spec("tile");
  spec.dead = {{1, 0}};
  Machine machine(spec);
  StepCost cost = cost_step(machine, {{{0, 0}, {2, 0}, 1e3}});
  EXPECT_EQ(cost.max_hops, 4);
  EXPECT_CLOSE(cost.time_s, 4e-6 + 1e3 / 1e9);
}

// One ring step in snake order: rank r sends to r + 1 (mod p).
Step ring_step(const Placement& placement, double bytes) {
  Step step;
  for (int r = 0; r < placement.num_ranks(); ++r)
    step.push_back(rank_message(placement, r, (r + 1) % placement.num_ranks(), bytes));
  return step;
}

TEST(CollectivesScheduleCost, SnakeRingOnATileHasOneMultiHopClosingEdge) {
  Machine machine(round_spec("tile"));
  Placement placement = Placement::snake(machine, 25);
  Step step = ring_step(placement, 1e6);
  int multi_hop = 0;
  for (const Message& m : step)
    if (hop_distance(machine, m.src, m.dst) > 1) {
      ++multi_hop;
      EXPECT_EQ(m.src, (Chip{4, 4}));  // rank 24 closes the ring back to rank 0 at (0,0)
      EXPECT_EQ(hop_distance(machine, m.src, m.dst), 8);
    }
  EXPECT_EQ(multi_hop, 1);
  StepCost cost = cost_step(machine, step);
  EXPECT_EQ(cost.slowest_message, 24);
  EXPECT_EQ(cost.max_hops, 8);
  // The closing route runs against the snake's direction: no link carries two messages.
  EXPECT_DOUBLE_EQ(cost.max_link_load_bytes, 1e6);
  EXPECT_CLOSE(cost.time_s, 8 * 1e-6 + 1e6 / 1e9);
}

TEST(CollectivesScheduleCost, RingAllreduceScheduleSumsItsSteps) {
  Machine machine(round_spec("tile"));
  const int p = 25;
  const double n = 25e6;
  Placement placement = Placement::snake(machine, p);
  Schedule schedule(2 * (p - 1), ring_step(placement, n / p));
  ScheduleCost cost = cost_schedule(machine, schedule);
  ASSERT_EQ(cost.steps.size(), 48u);
  // Every step waits for the 8-hop closing edge: 2(p-1) (8 alpha + n/p beta).
  EXPECT_CLOSE(cost.time_s, 2 * (p - 1) * (8 * 1e-6 + (n / p) / 1e9));
  // The model never beats the single-port lower bound.
  EXPECT_GE(cost.time_s, allreduce_lower_bound_s(p, n, {1e-6, 1 / 1e9, 0}));
  EXPECT_DOUBLE_EQ(cost_schedule(machine, {}).time_s, 0);
  EXPECT_EQ(cost_step(machine, {}).slowest_message, -1);
}

// The ring algorithm's closed-form estimate is the cost of the schedule it runs: on a 5 x 5 tile
// (both sides odd) every one of its 2 (p - 1) steps waits for the 8-hop closing edge.
TEST(CollectivesScheduleCost, RingEstimateIsTheRingScheduleCost) {
  Machine machine(round_spec("tile"));
  const int p = 25;
  Placement placement = Placement::snake(machine, p);
  MeshGeometry geometry = mesh_geometry_from(machine, placement);
  geometry.reduce_seconds_per_byte = 0;  // the schedule charges no reduction
  for (double n : {25e3, 25e6}) {
    Schedule schedule(2 * (p - 1), ring_step(placement, n / p));
    const double estimate =
        estimate_cost(Algorithm::ring, Operation::allreduce, static_cast<std::size_t>(n), geometry)
            .seconds;
    EXPECT_CLOSE(estimate, cost_schedule(machine, schedule).time_s) << n << " bytes";
  }
}

TEST(CollectivesScheduleCost, NegativeBytesAreAnError) {
  try {
    cost_step(Machine{}, {{{0, 0}, {1, 0}, -1}});
    ADD_FAILURE() << "no error for negative bytes";
  } catch (const dojo::Error& e) {
    EXPECT_EQ(e.kind(), dojo::ErrorKind::user);
    EXPECT_NE(e.message().find("negative bytes"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace dojo::collectives::contention
