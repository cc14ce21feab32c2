// Closed-form lower bounds of collectives (docs/collectives.md), to judge a schedule's cost
// against. p ranks, n bytes (allreduce/broadcast: the vector; allgather/reduce-scatter: the whole
// gathered vector), alpha s per message, beta s per byte on one link, gamma s per byte reduced, k
// ports.
#pragma once

#include "dojo/topology/machine.hpp"

namespace dojo::topology {

struct AlphaBeta {
  double alpha_s = 0;           // per message
  double beta_s_per_byte = 0;   // per byte on one link (1 / bandwidth)
  double gamma_s_per_byte = 0;  // per byte reduced
};

// alpha = latency, beta = 1 / bandwidth of one class of link of the machine.
AlphaBeta alpha_beta(const Machine& machine, LinkClass link_class, double gamma_s_per_byte = 0);

// ceil(log_(ports+1) p): the fewest rounds in which p ranks can all hear from each other.
int min_rounds(int p, int ports = 1);

// Single port when ports == 1; with k ports the beta terms divide by k and the latency term is
// ceil(log_(k+1) p) alpha.
double allgather_lower_bound_s(int p, double n_bytes, const AlphaBeta& ab, int ports = 1);
double reduce_scatter_lower_bound_s(int p, double n_bytes, const AlphaBeta& ab, int ports = 1);
double allreduce_lower_bound_s(int p, double n_bytes, const AlphaBeta& ab, int ports = 1);
double broadcast_lower_bound_s(int p, double n_bytes, const AlphaBeta& ab, int ports = 1);

// (a-1)+(b-1): steps any neighbour-only algorithm needs on an a x b mesh.
int mesh_diameter(int a, int b);

// Bisection of an a x b mesh is min(a, b) links: allreduce >= n beta / min(a, b).
double mesh_bisection_allreduce_bound_s(int a, int b, double n_bytes, double beta_s_per_byte);

// Multi-port bound of allreduce on an a x b mesh for neighbour-only algorithms with 4 links per
// chip:
//   max(diameter, ceil(log_5 p)) alpha + max(2 (p-1)/p n beta / 4, n beta / min(a, b))
//   + (p-1)/p n gamma.
double mesh_allreduce_lower_bound_s(int a, int b, double n_bytes, const AlphaBeta& ab);

// The slow tile edges: a cut between tile columns crosses chips_y * tiles_y tile-edge links, one
// between tile rows chips_x * tiles_x; allreduce >= n beta_t / (links of the cut), worst cut.
// Zero for a one-tile machine.
double tile_edge_allreduce_bound_s(const Machine& machine, double n_bytes);

}  // namespace dojo::topology
