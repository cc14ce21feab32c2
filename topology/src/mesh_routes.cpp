// Dimension-ordered routes on the mesh, with a breadth-first detour around dead chips.
#include "dojo/topology/mesh_routes.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>

#include "dojo/common/error.hpp"

namespace dojo::topology {
namespace {

constexpr int kDx[4] = {1, -1, 0, 0};  // east, west, south, north
constexpr int kDy[4] = {0, 0, 1, -1};

void require_live(const Machine& machine, Chip chip, const char* role) {
  if (!machine.contains(chip))
    user_error(str("route ", role, " chip ", to_string(chip), " is outside the ", machine.width(),
                   " x ", machine.height(), " mesh"));
  if (machine.is_dead(chip))
    user_error(str("route ", role, " chip ", to_string(chip), " is dead: place no rank on it"));
}

bool all_live(const Machine& machine, const std::vector<Link>& links) {
  return std::all_of(links.begin(), links.end(),
                     [&](const Link& link) { return machine.is_live(link.to); });
}

// Shortest path by BFS from src; ties broken by the east, west, south, north order.
std::vector<Link> bfs_route(const Machine& machine, Chip src, Chip dst) {
  std::vector<int> parent(static_cast<std::size_t>(machine.num_chips()), -1);
  auto slot = [&](Chip chip) -> int& {
    return parent[static_cast<std::size_t>(machine.index(chip))];
  };
  slot(src) = machine.index(src);
  std::deque<Chip> queue{src};
  while (!queue.empty() && slot(dst) < 0) {
    Chip at = queue.front();
    queue.pop_front();
    for (int d = 0; d < 4; ++d) {
      Chip next{at.gx + kDx[d], at.gy + kDy[d]};
      if (!machine.is_live(next) || slot(next) >= 0) continue;
      slot(next) = machine.index(at);
      queue.push_back(next);
    }
  }
  // Machine guarantees the live chips are connected.
  check(slot(dst) >= 0, "bfs_route: live chips are connected");
  std::vector<Link> links;
  for (Chip at = dst; at != src;) {
    Chip from = machine.chip_at(slot(at));
    links.push_back({from, at});
    at = from;
  }
  std::reverse(links.begin(), links.end());
  return links;
}

}  // namespace

std::vector<Neighbor> neighbors(const Machine& machine, Chip chip) {
  std::vector<Neighbor> result;
  for (int d = 0; d < 4; ++d) {
    Chip next{chip.gx + kDx[d], chip.gy + kDy[d]};
    if (machine.is_live(next)) result.push_back({next, machine.link_class(chip, next)});
  }
  return result;
}

std::vector<Link> xy_route(Chip src, Chip dst) {
  std::vector<Link> links;
  links.reserve(static_cast<std::size_t>(std::abs(dst.gx - src.gx) + std::abs(dst.gy - src.gy)));
  Chip at = src;
  while (at.gx != dst.gx) {
    Chip next{at.gx + (dst.gx > at.gx ? 1 : -1), at.gy};
    links.push_back({at, next});
    at = next;
  }
  while (at.gy != dst.gy) {
    Chip next{at.gx, at.gy + (dst.gy > at.gy ? 1 : -1)};
    links.push_back({at, next});
    at = next;
  }
  return links;
}

std::vector<Link> route(const Machine& machine, Chip src, Chip dst) {
  require_live(machine, src, "source");
  require_live(machine, dst, "destination");
  std::vector<Link> links = xy_route(src, dst);
  if (!machine.has_dead_chips() || all_live(machine, links)) return links;
  return bfs_route(machine, src, dst);
}

int hop_distance(const Machine& machine, Chip src, Chip dst) {
  if (!machine.has_dead_chips()) {
    require_live(machine, src, "source");
    require_live(machine, dst, "destination");
    return std::abs(dst.gx - src.gx) + std::abs(dst.gy - src.gy);
  }
  return static_cast<int>(route(machine, src, dst).size());
}

}  // namespace dojo::topology
