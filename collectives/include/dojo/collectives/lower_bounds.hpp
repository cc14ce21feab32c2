// Lower bounds of collectives (docs/collectives.md), beside the algorithm estimates of
// cost_model.hpp that they judge. The closed forms take p ranks, n bytes (allreduce/broadcast: the
// vector; allgather/reduce-scatter: the whole gathered vector), alpha s per message, beta s per
// byte on one link, gamma s per byte reduced and k ports; the geometry bounds read the mesh.
#pragma once

#include <cstddef>

#include "dojo/collectives/geometry.hpp"

namespace dojo::collectives {

struct AlphaBeta {
  double alpha_s = 0;           // per message
  double beta_s_per_byte = 0;   // per byte on one link (1 / bandwidth)
  double gamma_s_per_byte = 0;  // per byte reduced
};

// alpha = latency, beta = 1 / bandwidth of one class of link.
AlphaBeta alpha_beta(const LinkCost& link, double gamma_s_per_byte = 0);

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

// The slow tile edges: a cut between tile columns crosses `rows` tile-edge links, one between
// tile rows `columns`; allreduce >= n beta_t / (links of the cut), worst cut. Zero for a mesh
// inside one tile.
double tile_edge_allreduce_bound_s(const MeshGeometry& geometry, double n_bytes);

// The multi-port bandwidth bound of an allreduce of `bytes` on `geometry`: 2 (p-1)/p n beta / 4
// with beta the fastest link, or tighter where a cut (the middle of the mesh, a tile edge) or a
// corner chip's 2 links force more. Bandwidth only: no latency term. The figure the mesh
// algorithms are measured against ("% of the multi-port bound").
double allreduce_multiport_bound_seconds(std::size_t bytes, const MeshGeometry& geometry);

// Latency of the longest route between two corners of the mesh: no allreduce can finish sooner,
// whatever its size (shown beside the bandwidth bound to explain small percentages).
double mesh_diameter_latency_seconds(const MeshGeometry& geometry);

}  // namespace dojo::collectives
