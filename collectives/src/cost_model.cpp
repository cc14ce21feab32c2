// Alpha-beta-gamma estimates per algorithm (docs/collectives.md), on the geometry's link classes:
// a ring or route is as fast as its slowest link; concurrent streams share links as noted.
#include "dojo/collectives/cost_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "dojo/common/error.hpp"
#include "pipeline_segments.hpp"

namespace dojo::collectives {
namespace {

double ceil_lg(int p) {
  return p <= 1 ? 0.0 : std::ceil(std::log2(static_cast<double>(p)));
}
int floor_pow2(int p) {
  int q = 1;
  while (q * 2 <= p) q *= 2;
  return q;
}

// The figures every formula uses. Latencies are per message and count every link of the route.
struct Terms {
  double p, a, b;
  double alpha;    // one hop
  double alpha_x;  // one hop along a row / column (the slowest such link)
  double alpha_y;
  double alpha_ring;       // the longest step of the snake ring
  double alpha_rank;       // the longest step between consecutive ranks
  double alpha_doubling;   // one rank's partners at distance 2^k in rank order, summed over k
  double alpha_tree;       // the longest root-to-leaf path of a binomial tree along the ring
  double alpha_tree_rank;  // the same tree in rank order (Open MPI's)
  double alpha_diameter;   // the longest route
  double alpha_mean;       // a typical route (alltoall partners)
  double beta_any;         // slowest link anywhere (algorithms that ignore the mesh)
  double beta_ring;        // slowest link on the snake ring
  double beta_rank;        // slowest link between consecutive ranks (what rank-order rings see)
  double beta_x, beta_y;
  double gamma;
};

Terms terms_of(const MeshGeometry& g) {
  Terms t{};
  const int p = g.size();
  t.p = p;
  t.a = g.columns;
  t.b = g.rows;
  t.alpha = std::max(g.intra_tile.latency_s, g.tile_edge.latency_s);
  t.alpha_x = g.row_link().latency_s;
  t.alpha_y = g.column_link().latency_s;
  t.beta_x = g.row_link().seconds_per_byte;
  t.beta_y = g.column_link().seconds_per_byte;
  t.beta_any = std::max(t.beta_x, t.beta_y);
  t.gamma = g.reduce_seconds_per_byte;
  const auto ring = g.ring_order();
  t.beta_ring = t.beta_rank = g.intra_tile.seconds_per_byte;
  t.alpha_ring = t.alpha_rank = t.alpha_tree = t.alpha_tree_rank = t.alpha_doubling = 0.0;
  t.alpha_diameter = g.route_latency(
      g.rank_at(0, 0) >= 0 ? g.rank_at(0, 0) : 0,
      g.rank_at(g.columns - 1, g.rows - 1) >= 0 ? g.rank_at(g.columns - 1, g.rows - 1) : p - 1);
  t.alpha_mean = p > 1 ? g.route_latency(0, p - 1) / 2 + t.alpha / 2 : t.alpha;
  for (int i = 0; i < p && p > 1; ++i) {
    const int next = ring[static_cast<std::size_t>((i + 1) % p)];
    t.beta_ring = std::max(t.beta_ring, g.route_cost(ring[i], next).seconds_per_byte);
    t.beta_rank = std::max(t.beta_rank, g.route_cost(i, (i + 1) % p).seconds_per_byte);
    t.alpha_ring = std::max(t.alpha_ring, g.route_latency(ring[i], next));
    t.alpha_rank = std::max(t.alpha_rank, g.route_latency(i, (i + 1) % p));
    double partners = 0.0;
    int p2 = 1;
    while (p2 * 2 <= p) p2 *= 2;
    for (int k = 1; k < p2; k *= 2)
      if (i < p2) partners += g.route_latency(i, i ^ k);
    t.alpha_doubling = std::max(t.alpha_doubling, partners);
  }
  // Binomial trees: the latency of the longest root-to-leaf path (parent of v: v - lowest bit).
  std::vector<double> along_ring(static_cast<std::size_t>(p), 0.0), along_ranks(along_ring);
  for (int v = 1; v < p; ++v) {
    const int parent = v - (v & -v);
    along_ring[v] = along_ring[parent] + g.route_latency(ring[parent], ring[v]);
    along_ranks[v] = along_ranks[parent] + g.route_latency(parent, v);
    t.alpha_tree = std::max(t.alpha_tree, along_ring[v]);
    t.alpha_tree_rank = std::max(t.alpha_tree_rank, along_ranks[v]);
  }
  return t;
}

double ring_cost(Operation op, double n, const Terms& t, double alpha, double beta) {
  const double f = (t.p - 1) / t.p;
  switch (op) {
    case Operation::allreduce:
      return 2 * (t.p - 1) * alpha + 2 * f * n * beta + f * n * t.gamma;
    case Operation::reduce_scatter:
      return (t.p - 1) * alpha + f * n * (beta + t.gamma);
    default:
      return (t.p - 1) * alpha + f * n * beta;
  }
}

double recursive_doubling_cost(Operation op, double n, const Terms& t) {
  if (op == Operation::barrier) return t.alpha_doubling;
  const int p2 = floor_pow2(static_cast<int>(t.p));
  const double folds = p2 < t.p ? 2 : 0;
  return t.alpha_doubling + folds * t.alpha + (ceil_lg(p2) + folds) * n * t.beta_any +
         ceil_lg(p2) * n * t.gamma;
}

double rabenseifner_cost(Operation op, double n, const Terms& t) {
  const int p2 = floor_pow2(static_cast<int>(t.p));
  const bool folded = p2 < t.p;
  const double f = (p2 - 1.0) / p2;
  const double fold = folded ? t.alpha + n * t.beta_any : 0.0;
  const double latency = t.alpha_doubling;  // the same partners as recursive doubling
  switch (op) {
    case Operation::allreduce:
      return 2 * latency + 2 * f * n * t.beta_any + f * n * t.gamma + 2 * fold +
             (folded ? n * t.gamma : 0.0);
    case Operation::reduce_scatter:
      return latency + f * n * (t.beta_any + t.gamma) + fold +
             (folded ? t.alpha + n / t.p * t.beta_any + n * t.gamma : 0.0);
    default:  // allgather
      return latency + f * n * t.beta_any + fold + (folded ? t.alpha + n / t.p * t.beta_any : 0.0);
  }
}

// One reduce-scatter pass over an a x b mesh, rows first: neighbour-only line passes, a - 1 steps
// of n / a along the rows, then b - 1 steps of n / (a b) along the columns.
double mesh_half(double n, double a, double b, const Terms& t) {
  return (a - 1) * (t.alpha_x + n / a * t.beta_x) + (b - 1) * (t.alpha_y + n / (a * b) * t.beta_y);
}

double mesh2d_cost(Operation op, double n, const Terms& t) {
  const double half = mesh_half(n, t.a, t.b, t);
  const double reduce = (t.p - 1) / t.p * n * t.gamma;
  if (op == Operation::allreduce) return 2 * half + reduce;
  if (op == Operation::reduce_scatter) return half + reduce;
  return half;
}

// Four streams of n/4: two rows-first (one each way), two columns-first. In each phase the two
// rows-first streams share the row links while the others use the column links.
double multiport_half(double n, double a, double b, double alpha_x, double alpha_y, double beta_x,
                      double beta_y) {
  const double phase1 =
      std::max((a - 1) * (alpha_x + n / 2 / a * beta_x), (b - 1) * (alpha_y + n / 2 / b * beta_y));
  const double phase2 = std::max((b - 1) * (alpha_y + n / 2 / (a * b) * beta_y),
                                 (a - 1) * (alpha_x + n / 2 / (a * b) * beta_x));
  return phase1 + phase2;
}

// Allreduce: both halves; reduce-scatter: the first (with the reduction); allgather: the second.
double halves(Operation op, double half, double n, const Terms& t) {
  const double reduce = (t.p - 1) / t.p * n * t.gamma;
  if (op == Operation::allreduce) return 2 * half + reduce;
  if (op == Operation::reduce_scatter) return half + reduce;
  return half;
}

double multiport_cost(Operation op, double n, const Terms& t) {
  return halves(op, multiport_half(n, t.a, t.b, t.alpha_x, t.alpha_y, t.beta_x, t.beta_y), n, t);
}

// Allreduce on at most 2 x 2 tiles swaps whole shards across (hierarchical.cpp): with two tile
// dimensions, half the streams swap along x while the other half swap along y, then the
// reverse; with one, all streams swap along it at once. In 2 pipelined segments, segment 2
// runs one step behind segment 1: the intra-tile phases of both share the links (the time of
// the whole vector), each segment swaps half the bytes, and segment 1's swap overlaps segment 2's
// reduce-scatter: the time is the intra-tile phases, one segment's swaps and that one step.
// The tile terms both hierarchical models use. Counterparts are w (h) hops apart, one of them
// across a tile edge.
struct TileTerms {
  double w, h, tiles_x, tiles_y, beta, edge, hop, across_x, across_y;
};
TileTerms tile_terms(const MeshGeometry& g, const Terms& t) {
  const auto shape = g.tile_shape();
  TileTerms k{};
  k.w = shape->first;
  k.h = shape->second;
  k.tiles_x = t.a / k.w;
  k.tiles_y = t.b / k.h;
  k.beta = g.intra_tile.seconds_per_byte;
  k.edge = std::max(k.beta, g.tile_edge.seconds_per_byte);
  k.hop = g.intra_tile.latency_s;
  k.across_x = (k.w - 1) * k.hop + g.tile_edge.latency_s;
  k.across_y = (k.h - 1) * k.hop + g.tile_edge.latency_s;
  return k;
}

double hierarchical_swaps_cost(double n, int segments, const MeshGeometry& g, const Terms& t) {
  const auto [w, h, tiles_x, tiles_y, beta, edge, hop, across_x, across_y] = tile_terms(g, t);
  const double part = n / segments;
  const double intra = multiport_half(n, w, h, hop, hop, beta, beta);
  const double shard = part / (w * h);
  const double swap_x = across_x + shard / 2 * edge * w, swap_y = across_y + shard / 2 * edge * h;
  double swaps = 0.0;
  if (tiles_x > 1 && tiles_y > 1)
    swaps = 2 * std::max(swap_x, swap_y);
  else if (tiles_x > 1)
    swaps = across_x + shard * edge * w;
  else if (tiles_y > 1)
    swaps = across_y + shard * edge * h;
  const double lag = segments == 1 ? 0.0 : hop + part / 2 / std::max(w, h) * beta;
  const double moves = 2 * intra + swaps + lag;
  return moves + (t.p - 1) / t.p * n * t.gamma;
}

double hierarchical_cost(Operation op, double n, const MeshGeometry& g, const Terms& t) {
  // Inside a tile: multi-port mesh over w x h chips. Across tiles: each counterpart mesh moves
  // n / (w h); the h (w) counterpart lines of a tile row (column) share that edge's h (w) links
  // w (h) ways.
  const auto [w, h, tiles_x, tiles_y, beta, edge, hop, across_x, across_y] = tile_terms(g, t);
  const double intra = multiport_half(n, w, h, hop, hop, beta, beta);
  const double shard = n / (w * h);
  const double inter =
      multiport_half(shard, tiles_x, tiles_y, across_x, across_y, edge * w, edge * h);
  if (op != Operation::allreduce || tiles_x > 2 || tiles_y > 2)
    return halves(op, intra + inter, n, t);
  return hierarchical_swaps_cost(n, detail::hierarchical_segments(static_cast<std::size_t>(n), g),
                                 g, t);
}

double binomial_cost(Operation op, double n, const Terms& t, double alpha_tree) {
  const double per_level = n * t.beta_any + (op == Operation::reduce ? n * t.gamma : 0);
  return alpha_tree + ceil_lg(static_cast<int>(t.p)) * per_level;
}

double pipelined_cost(Operation op, double n, const MeshGeometry& g, const Terms& t) {
  const double segment =
      static_cast<double>(detail::pipeline_segment_bytes(static_cast<std::size_t>(n), g));
  const double segments = std::max(1.0, std::ceil(n / segment));
  const double per_step = std::max(t.alpha_ring, t.alpha) +
                          n / segments * (t.beta_ring + (op == Operation::reduce ? t.gamma : 0));
  return (t.p - 2 + segments) * per_step;
}

// Alltoall is bisection bound on a mesh: p n / 4 bytes cross the min(a, b) links of the middle.
double alltoall_bisection(double n, const Terms& t) {
  return t.p > 1 ? t.p * n / 4 * t.beta_any / std::max(1.0, std::min(t.a, t.b)) : 0.0;
}

// All p - 1 exchanges posted at once (Open MPI's linear alltoall for medium blocks): one longest
// route of latency, then bound by what a rank injects and by the bisection.
double linear_alltoall_cost(double n, const Terms& t) {
  return t.alpha_diameter + std::max((t.p - 1) / t.p * n * t.beta_any, alltoall_bisection(n, t));
}

double pairwise_cost(double n, const Terms& t) {
  return std::max((t.p - 1) * (t.alpha_mean + n / t.p * t.beta_any), alltoall_bisection(n, t));
}

double two_phase_cost(double n, const Terms& t) {
  // Partners along a row are a / 2 hops away on average (b / 2 along a column).
  const double rows = (t.a - 1) * (std::max(1.0, t.a / 2) * t.alpha_x + n / t.a * t.beta_x);
  const double columns = (t.b - 1) * (std::max(1.0, t.b / 2) * t.alpha_y + n / t.b * t.beta_y);
  return std::max(rows + columns, alltoall_bisection(n, t)) + 2 * n * t.gamma;
}

// What Open MPI 4.1's coll/tuned does, roughly: recursive doubling or Rabenseifner for small
// vectors, rings in rank order for large ones, never looking at the mesh.
double native_cost(Operation op, double n, const MeshGeometry& g, const Terms& t) {
  Terms rank_order = t;
  rank_order.beta_ring = t.beta_rank;
  rank_order.alpha_ring = t.alpha_rank;
  switch (op) {
    case Operation::allreduce:
      return std::min({recursive_doubling_cost(op, n, t), rabenseifner_cost(op, n, t),
                       ring_cost(op, n, t, t.alpha_rank, t.beta_rank)});
    case Operation::reduce_scatter:
    case Operation::allgather:
      return std::min(rabenseifner_cost(op, n, t), ring_cost(op, n, t, t.alpha_rank, t.beta_rank));
    case Operation::broadcast:
    case Operation::reduce:
      return std::min(binomial_cost(op, n, t, t.alpha_tree_rank),
                      pipelined_cost(op, n, g, rank_order));
    case Operation::alltoall:
      return std::min(linear_alltoall_cost(n, t), pairwise_cost(n, t));
    case Operation::barrier:
      return 2 * t.alpha_doubling;
  }
  return 0.0;
}

}  // namespace

namespace detail {
// Two segments where the model says they pay (large vectors), one otherwise.
int hierarchical_segments(std::size_t bytes, const MeshGeometry& geometry) {
  const auto shape = geometry.tile_shape();
  if (!shape || !geometry.is_full() || geometry.size() <= 1) return 1;
  const Terms t = terms_of(geometry);
  if (t.a / shape->first > 2 || t.b / shape->second > 2) return 1;
  const auto n = static_cast<double>(bytes);
  return hierarchical_swaps_cost(n, 2, geometry, t) < hierarchical_swaps_cost(n, 1, geometry, t)
             ? 2
             : 1;
}
}  // namespace detail

int hierarchical_allreduce_segments(std::size_t bytes, const MeshGeometry& geometry) {
  return detail::hierarchical_segments(bytes, geometry);
}

std::string why_not_applicable(Algorithm algorithm, Operation operation,
                               const MeshGeometry& geometry) {
  if (algorithm == Algorithm::automatic) return {};
  if (!implements(algorithm, operation))
    return str("algorithm ", name(algorithm), " does not implement ", name(operation));
  const bool needs_full_mesh =
      algorithm == Algorithm::mesh2d || algorithm == Algorithm::mesh2d_multiport ||
      algorithm == Algorithm::hierarchical || algorithm == Algorithm::two_phase;
  if (needs_full_mesh && !geometry.is_full())
    return str("algorithm ", name(algorithm), " needs a rank at every position of the mesh (",
               geometry.describe(), ")");
  if (algorithm == Algorithm::hierarchical && !geometry.tile_shape())
    return str("algorithm hierarchical needs the mesh cut into whole, identical tiles (",
               geometry.describe(), ")");
  return {};
}

CostEstimate estimate_cost(Algorithm algorithm, Operation operation, std::size_t bytes,
                           const MeshGeometry& geometry) {
  CostEstimate e;
  e.algorithm = algorithm;
  e.why_not = why_not_applicable(algorithm, operation, geometry);
  e.applicable = e.why_not.empty();
  if (!e.applicable) {
    e.seconds = std::numeric_limits<double>::infinity();
    return e;
  }
  const Terms t = terms_of(geometry);
  const auto n = static_cast<double>(bytes);
  switch (algorithm) {
    case Algorithm::automatic:
    case Algorithm::native:
      e.seconds = native_cost(operation, n, geometry, t);
      break;
    case Algorithm::ring:
      e.seconds = ring_cost(operation, n, t, std::max(t.alpha, t.alpha_ring), t.beta_ring);
      break;
    case Algorithm::recursive_doubling:
      e.seconds = recursive_doubling_cost(operation, n, t);
      break;
    case Algorithm::rabenseifner:
      e.seconds = rabenseifner_cost(operation, n, t);
      break;
    case Algorithm::mesh2d:
      e.seconds = mesh2d_cost(operation, n, t);
      break;
    case Algorithm::mesh2d_multiport:
      e.seconds = multiport_cost(operation, n, t);
      break;
    case Algorithm::hierarchical:
      e.seconds = hierarchical_cost(operation, n, geometry, t);
      break;
    case Algorithm::binomial:
      e.seconds = binomial_cost(operation, n, t, t.alpha_tree);
      break;
    case Algorithm::pipelined:
      e.seconds = pipelined_cost(operation, n, geometry, t);
      break;
    case Algorithm::pairwise:
      e.seconds = pairwise_cost(n, t);
      break;
    case Algorithm::two_phase:
      e.seconds = two_phase_cost(n, t);
      break;
  }
  if (geometry.size() == 1) e.seconds = 0.0;
  return e;
}

std::vector<CostEstimate> estimate_costs(Operation operation, std::size_t bytes,
                                         const MeshGeometry& geometry) {
  std::vector<CostEstimate> out;
  for (Algorithm a : all_algorithms())
    if (implements(a, operation)) out.push_back(estimate_cost(a, operation, bytes, geometry));
  return out;
}

Algorithm choose_algorithm(Operation operation, std::size_t bytes, const MeshGeometry& geometry,
                           bool prefer_native) {
  if (prefer_native || geometry.size() == 1) return Algorithm::native;
  Algorithm best = Algorithm::native;
  double best_seconds = std::numeric_limits<double>::infinity();
  // Strictly better only: on a tie the earlier algorithm (native first) wins.
  for (const CostEstimate& e : estimate_costs(operation, bytes, geometry))
    if (e.applicable && e.seconds < best_seconds) {
      best = e.algorithm;
      best_seconds = e.seconds;
    }
  return best;
}

}  // namespace dojo::collectives
