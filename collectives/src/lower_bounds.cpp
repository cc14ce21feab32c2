// The lower bounds of docs/collectives.md: closed forms in p, n, alpha, beta, gamma, and the
// bounds a mesh geometry's cuts and corners impose.
#include "dojo/collectives/lower_bounds.hpp"

#include <algorithm>

#include "dojo/common/error.hpp"

namespace dojo::collectives {
namespace {

void require_args(int p, double n_bytes, int ports) {
  if (p <= 0 || n_bytes < 0 || ports <= 0)
    user_error(str("lower bound: need p > 0, n >= 0 and ports > 0, got p = ", p, ", n = ", n_bytes,
                   ", ports = ", ports));
}

double fraction(int p) {
  return static_cast<double>(p - 1) / p;
}

// Whether a line of `extent` chips starting at absolute `origin` crosses a tile boundary.
bool crosses_tiles(int origin, int extent, int tile) {
  return extent > 1 && origin / tile != (origin + extent - 1) / tile;
}

}  // namespace

AlphaBeta alpha_beta(const LinkCost& link, double gamma_s_per_byte) {
  return {link.latency_s, link.seconds_per_byte, gamma_s_per_byte};
}

int min_rounds(int p, int ports) {
  require_args(p, 0, ports);
  // Each round multiplies the ranks that know a value by at most ports + 1.
  int rounds = 0;
  for (long long reach = 1; reach < p; reach *= ports + 1) ++rounds;
  return rounds;
}

double allgather_lower_bound_s(int p, double n, const AlphaBeta& ab, int ports) {
  require_args(p, n, ports);
  return min_rounds(p, ports) * ab.alpha_s + fraction(p) * n * ab.beta_s_per_byte / ports;
}

double reduce_scatter_lower_bound_s(int p, double n, const AlphaBeta& ab, int ports) {
  return allgather_lower_bound_s(p, n, ab, ports) + fraction(p) * n * ab.gamma_s_per_byte;
}

double allreduce_lower_bound_s(int p, double n, const AlphaBeta& ab, int ports) {
  require_args(p, n, ports);
  return min_rounds(p, ports) * ab.alpha_s + 2 * fraction(p) * n * ab.beta_s_per_byte / ports +
         fraction(p) * n * ab.gamma_s_per_byte;
}

double broadcast_lower_bound_s(int p, double n, const AlphaBeta& ab, int ports) {
  require_args(p, n, ports);
  return min_rounds(p, ports) * ab.alpha_s + n * ab.beta_s_per_byte / ports;
}

int mesh_diameter(int a, int b) {
  if (a <= 0 || b <= 0)
    user_error(str("mesh diameter of ", a, " x ", b, ": sizes must be positive"));
  return (a - 1) + (b - 1);
}

double mesh_bisection_allreduce_bound_s(int a, int b, double n, double beta) {
  mesh_diameter(a, b);
  if (a * b == 1) return 0;
  return n * beta / std::min(a, b);
}

double mesh_allreduce_lower_bound_s(int a, int b, double n, const AlphaBeta& ab) {
  int p = a * b;
  require_args(p, n, 4);
  int rounds = std::max(mesh_diameter(a, b), min_rounds(p, 4));
  double bandwidth_s = std::max(2 * fraction(p) * n * ab.beta_s_per_byte / 4,
                                mesh_bisection_allreduce_bound_s(a, b, n, ab.beta_s_per_byte));
  return rounds * ab.alpha_s + bandwidth_s + fraction(p) * n * ab.gamma_s_per_byte;
}

double tile_edge_allreduce_bound_s(const MeshGeometry& g, double n) {
  const double beta_t = g.tile_edge.seconds_per_byte;
  double bound = 0;
  if (crosses_tiles(g.origin_x, g.columns, g.tile_columns))
    bound = std::max(bound, n * beta_t / g.rows);
  if (crosses_tiles(g.origin_y, g.rows, g.tile_rows))
    bound = std::max(bound, n * beta_t / g.columns);
  return bound;
}

double allreduce_multiport_bound_seconds(std::size_t bytes, const MeshGeometry& geometry) {
  const double n = static_cast<double>(bytes), p = geometry.size();
  if (geometry.size() <= 1) return 0.0;
  // The fastest link, so that every term below is a true lower bound.
  const double beta =
      std::min(geometry.intra_tile.seconds_per_byte, geometry.tile_edge.seconds_per_byte);
  // docs/collectives.md: 2 (p-1)/p n beta, the beta term divided by the k ports of a chip (4 inside
  // a mesh; fewer when a side is 1 or 2 chips long, where no chip has 4 neighbours).
  auto links_along = [](int length) { return length > 2 ? 2 : length - 1; };
  const int ports = links_along(geometry.columns) + links_along(geometry.rows);
  double bound = 2 * (p - 1) / p * n * beta / std::max(1, ports);
  // A corner chip must send its whole contribution (n bytes, in some combined form) through its
  // links: one per dimension longer than 1. (Not 2 (p-1)/p n: a corner can be a leaf.)
  const int corner_links = (geometry.columns > 1 ? 1 : 0) + (geometry.rows > 1 ? 1 : 0);
  bound = std::max(bound, n * beta / std::max(1, corner_links));
  // Every cut of the mesh must carry n bytes each way: the middle cut, and each tile edge cut
  // (row_link / column_link: the slowest link along a row / column, a tile edge if one is crossed).
  if (geometry.columns > 1)
    bound = std::max(bound, n * geometry.row_link().seconds_per_byte / geometry.rows);
  if (geometry.rows > 1)
    bound = std::max(bound, n * geometry.column_link().seconds_per_byte / geometry.columns);
  return bound;
}

double mesh_diameter_latency_seconds(const MeshGeometry& geometry) {
  double worst = 0.0;
  const int corners[4][2] = {{0, 0},
                             {geometry.columns - 1, 0},
                             {0, geometry.rows - 1},
                             {geometry.columns - 1, geometry.rows - 1}};
  for (const auto& a : corners)
    for (const auto& b : corners) {
      const int ra = geometry.rank_at(a[0], a[1]), rb = geometry.rank_at(b[0], b[1]);
      if (ra >= 0 && rb >= 0) worst = std::max(worst, geometry.route_latency(ra, rb));
    }
  return worst;
}

}  // namespace dojo::collectives
