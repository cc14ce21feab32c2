// The closed-form bounds of docs/collectives.md.
#include "dojo/topology/lower_bounds.hpp"

#include <algorithm>

#include "dojo/common/error.hpp"

namespace dojo::topology {
namespace {

void require_args(int p, double n_bytes, int ports) {
  if (p <= 0 || n_bytes < 0 || ports <= 0)
    user_error(str("lower bound: need p > 0, n >= 0 and ports > 0, got p = ", p, ", n = ", n_bytes,
                   ", ports = ", ports));
}

double fraction(int p) {
  return static_cast<double>(p - 1) / p;
}

}  // namespace

AlphaBeta alpha_beta(const Machine& machine, LinkClass link_class, double gamma_s_per_byte) {
  const LinkParams& link = machine.link_params(link_class);
  return {link.latency_s, 1.0 / link.bandwidth_Bps, gamma_s_per_byte};
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

double tile_edge_allreduce_bound_s(const Machine& machine, double n) {
  const MachineSpec& spec = machine.spec();
  double beta_t = 1.0 / spec.tile_edge.bandwidth_Bps;
  double bound = 0;
  if (spec.tiles_x > 1) bound = std::max(bound, n * beta_t / (spec.chips_y * spec.tiles_y));
  if (spec.tiles_y > 1) bound = std::max(bound, n * beta_t / (spec.chips_x * spec.tiles_x));
  return bound;
}

}  // namespace dojo::topology
