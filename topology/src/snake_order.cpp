// Snake order: the tiles' snake, and per tile one of 8 snakes (4 start corners x rows or columns
// first) chosen by dynamic programming to make as many tile-to-tile steps one hop as possible.
#include "dojo/topology/snake_order.hpp"

#include <algorithm>
#include <array>

#include "dojo/common/error.hpp"

namespace dojo::topology {
namespace {

constexpr int kTraversals = 8;  // corner (bit 0: start east, bit 1: start south) x (bit 2: columns)

// The chips of `tile` (dead ones skipped) in snake `traversal`.
std::vector<Chip> traverse_tile(const Machine& machine, int tile, int traversal) {
  const MachineSpec& spec = machine.spec();
  Chip origin = machine.tile_origin(tile);
  bool from_east = traversal & 1, from_south = traversal & 2, columns = traversal & 4;
  int outer_count = columns ? spec.chips_x : spec.chips_y;
  int inner_count = columns ? spec.chips_y : spec.chips_x;
  bool outer_reversed = columns ? from_east : from_south;
  bool inner_reversed = columns ? from_south : from_east;
  std::vector<Chip> chips;
  for (int o = 0; o < outer_count; ++o) {
    int outer = outer_reversed ? outer_count - 1 - o : o;
    bool reversed = inner_reversed != (o % 2 == 1);
    for (int i = 0; i < inner_count; ++i) {
      int inner = reversed ? inner_count - 1 - i : i;
      Chip chip = columns ? Chip{origin.gx + outer, origin.gy + inner}
                          : Chip{origin.gx + inner, origin.gy + outer};
      if (machine.is_live(chip)) chips.push_back(chip);
    }
  }
  return chips;
}

struct TilePlan {
  int tile;
  std::array<std::vector<Chip>, kTraversals> chips;  // per traversal
};

std::vector<TilePlan> plan_tiles(const Machine& machine) {
  std::vector<TilePlan> plans;
  for (int tile : snake_tile_order(machine)) {
    TilePlan plan{tile, {}};
    for (int t = 0; t < kTraversals; ++t)
      plan.chips[static_cast<std::size_t>(t)] = traverse_tile(machine, tile, t);
    if (!plan.chips[0].empty()) plans.push_back(std::move(plan));  // skip fully dead tiles
  }
  return plans;
}

}  // namespace

std::vector<int> snake_tile_order(const Machine& machine) {
  const MachineSpec& spec = machine.spec();
  std::vector<int> tiles;
  tiles.reserve(static_cast<std::size_t>(machine.num_tiles()));
  for (int ty = 0; ty < spec.tiles_y; ++ty)
    for (int i = 0; i < spec.tiles_x; ++i)
      tiles.push_back(ty * spec.tiles_x + (ty % 2 == 0 ? i : spec.tiles_x - 1 - i));
  return tiles;
}

std::vector<Chip> snake_order(const Machine& machine) {
  std::vector<TilePlan> plans = plan_tiles(machine);
  const std::size_t n = plans.size();
  // best[i][t]: one-hop tile changes from tile i to the end when tile i uses traversal t.
  std::vector<std::array<int, kTraversals>> best(n);
  best[n - 1].fill(0);
  auto joins = [&](std::size_t i, int t, int next_t) {
    const auto& here = plans[i].chips[static_cast<std::size_t>(t)];
    const auto& next = plans[i + 1].chips[static_cast<std::size_t>(next_t)];
    return machine.adjacent(here.back(), next.front()) ? 1 : 0;
  };
  for (std::size_t i = n - 1; i-- > 0;)
    for (int t = 0; t < kTraversals; ++t) {
      int score = -1;
      for (int next_t = 0; next_t < kTraversals; ++next_t)
        score =
            std::max(score, joins(i, t, next_t) + best[i + 1][static_cast<std::size_t>(next_t)]);
      best[i][static_cast<std::size_t>(t)] = score;
    }
  // Walk forward taking the lowest-numbered best traversal, so tile 0 starts at its north-west
  // corner whenever that costs nothing.
  std::vector<Chip> order;
  order.reserve(static_cast<std::size_t>(machine.num_live_chips()));
  int t = static_cast<int>(std::max_element(best[0].begin(), best[0].end()) - best[0].begin());
  for (std::size_t i = 0; i < n; ++i) {
    const auto& chips = plans[i].chips[static_cast<std::size_t>(t)];
    order.insert(order.end(), chips.begin(), chips.end());
    if (i + 1 == n) break;
    int chosen = 0, chosen_score = -1;
    for (int next_t = 0; next_t < kTraversals; ++next_t) {
      int score = joins(i, t, next_t) + best[i + 1][static_cast<std::size_t>(next_t)];
      if (score > chosen_score) chosen = next_t, chosen_score = score;
    }
    t = chosen;
  }
  check(static_cast<int>(order.size()) == machine.num_live_chips(),
        "snake_order visits every live chip");
  return order;
}

std::vector<Chip> tile_snake_order(const Machine& machine, int tile) {
  machine.tile_origin(tile);  // raises user_error for a tile that does not exist
  std::vector<Chip> chips;
  for (Chip chip : snake_order(machine))
    if (machine.tile_of(chip) == tile) chips.push_back(chip);
  return chips;
}

}  // namespace dojo::topology
