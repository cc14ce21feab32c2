// Hierarchical by tile: reduce-scatter inside each tile (multi-port mesh passes over the tile's
// chips), so each of the w x h chips holds 1/(w h) of its tile's sum; every chip then allreduces
// that shard with its counterparts in the other tiles (same position in each tile), so all chips
// of a tile share the slow tile-edge links; finally allgather inside the tile.
// Across tiles, a dimension of exactly two tiles swaps the whole shard in one step instead of a
// reduce-scatter and an allgather (two steps of half the shard): counterparts are a tile apart, so
// on 2 x 2 tiles that saves two long steps of latency for 1.33x the tile-edge bytes (simulated
// 10 x 10 mesh, 64 MiB: see README). Both partners combine the same two values, so every rank
// ends with the same bits.
// Reduce-scatter stops after the counterparts' reduce-scatter (inside the tile first: the fast
// links carry the big volume); allgather runs the second half alone (across the tiles first).
#include <algorithm>
#include <vector>

#include "../pipeline_segments.hpp"
#include "algorithms.hpp"
#include "building_blocks.hpp"
#include "dojo/common/error.hpp"

namespace dojo::collectives::detail {
namespace {
constexpr int kStreams = 4;

// This rank's tile and its counterparts, and the passes of one stream over each.
struct TileGrids {
  int w = 1, h = 1;   // chips per tile
  Grid tile;          // the chips of one tile (ranks of this rank's tile)
  Grid counterparts;  // this chip's twin in every tile
  MeshPass inside(const MeshGeometry& g, int rank, int stream) const {
    return {&tile, g.x[rank] % w, g.y[rank] % h, stream < 2, stream % 2 == 1};
  }
  MeshPass across(const MeshGeometry& g, int rank, int stream) const {
    return {&counterparts, g.x[rank] / w, g.y[rank] / h, stream < 2, stream % 2 == 1};
  }
  // Where rank q's block sits in a stream's order: its place in the tile, then its tile.
  std::size_t block_index(const MeshGeometry& g, int q, int stream) const {
    const MeshPass in = inside(g, q, stream), out = across(g, q, stream);
    return mesh_block_index(in, in.column, in.row) *
               static_cast<std::size_t>(counterparts.ranks.size()) +
           mesh_block_index(out, out.column, out.row);
  }
};

// Allreduce of `range` over the counterparts by whole-range swaps, one step per dimension of two
// tiles (dimensions of one tile need none). Only for counterpart grids of at most 2 x 2.
bool swaps_across(const TileGrids& t) {
  return t.counterparts.columns <= 2 && t.counterparts.rows <= 2;
}
void swap_across(Schedule& schedule, int chain, const TileGrids& t, const MeshPass& across,
                 std::byte* work, Range range, std::size_t element_bytes, std::byte* tmp) {
  std::byte* data = work + range.offset * element_bytes;
  const std::size_t bytes = range.count * element_bytes;
  for (int d = 0; d < 2; ++d) {
    const bool along_row = across.rows_first == (d == 0);
    const Grid& c = t.counterparts;
    if ((along_row ? c.columns : c.rows) < 2) continue;
    const int peer =
        along_row ? c.at(1 - across.column, across.row) : c.at(across.column, 1 - across.row);
    Step& step = schedule.add_step(chain);
    step.sends.push_back({peer, data, bytes});
    step.recvs.push_back({peer, tmp, bytes});
    step.after.push_back(Schedule::combine(data, tmp, range.count));
  }
}

TileGrids tile_grids(const MeshGeometry& g, int rank) {
  const auto shape = g.tile_shape();
  check(shape.has_value(), "hierarchical needs whole, identical tiles");
  TileGrids t;
  t.w = shape->first;
  t.h = shape->second;
  const Grid mesh = grid_of(g);
  const int x = g.x[rank], y = g.y[rank];
  const int tile_x = x / t.w, tile_y = y / t.h, local_x = x % t.w, local_y = y % t.h;
  t.tile = {t.w, t.h, {}};
  for (int j = 0; j < t.h; ++j)
    for (int i = 0; i < t.w; ++i)
      t.tile.ranks.push_back(mesh.at(tile_x * t.w + i, tile_y * t.h + j));
  t.counterparts = {g.columns / t.w, g.rows / t.h, {}};
  for (int j = 0; j < t.counterparts.rows; ++j)
    for (int i = 0; i < t.counterparts.columns; ++i)
      t.counterparts.ranks.push_back(mesh.at(i * t.w + local_x, j * t.h + local_y));
  return t;
}

}  // namespace

std::unique_ptr<Schedule> hierarchical(const Call& call) {
  auto schedule = call.new_schedule();
  const MeshGeometry& g = *call.geometry;
  const TileGrids t = tile_grids(g, call.rank);
  const std::size_t E = call.element_bytes();
  switch (call.operation) {
    case Operation::allreduce: {
      std::byte* work = allreduce_work_buffer(call, *schedule);
      const int segments = hierarchical_segments(call.bytes(), g);
      const auto parts = partition(call.count, segments);
      // chains[s][k]: stream k of segment s; reduced[s][k]: its steps inside the tile before the
      // tile-edge phase.
      std::vector<std::vector<int>> chains(parts.size());
      std::vector<std::vector<std::size_t>> reduced(parts.size());
      std::vector<std::vector<Range>> streams(parts.size());
      for (std::size_t s = 0; s < parts.size(); ++s) {
        streams[s] = partition(parts[s].count, kStreams, parts[s].offset);
        for (int k = 0; k < kStreams; ++k) {
          const int chain = schedule->add_chain();
          chains[s].push_back(chain);
          const MeshPass inside = t.inside(g, call.rank, k), across = t.across(g, call.rank, k);
          const Range range = streams[s][k];
          // mesh_tmp_count(inside, n) is twice the largest shard: enough for a whole-shard swap.
          const std::size_t shard = mesh_tmp_count(inside, range.count);
          std::byte* tmp = schedule->scratch(
              std::max(mesh_tmp_count(inside, range.count), mesh_tmp_count(across, shard)) * E);
          const Range mine = mesh_reduce_scatter(*schedule, chain, inside, work, range, E, tmp);
          reduced[s].push_back(schedule->steps(chain));
          if (swaps_across(t)) {
            swap_across(*schedule, chain, t, across, work, mine, E, tmp);
          } else {
            mesh_reduce_scatter(*schedule, chain, across, work, mine, E, tmp);
            mesh_allgather(*schedule, chain, across, work, mine, E);
          }
          // Pipelining: segment s starts one step behind segment s - 1, so it finishes its
          // intra-tile reduce-scatter while segment s - 1 crosses the tile edges. (Simulated 2x2
          // tiles, 64 MiB: 34.10 us; no lag 40.24 us; waiting for segment s - 1's whole
          // reduce-scatter 36.97 us, for half of it 36.19 us.)
          if (s > 0 && schedule->steps(chain) > 0) {
            Step& first = schedule->step(chain, 0);
            first.after_chain = chains[s - 1][static_cast<std::size_t>(k)];
            first.after_steps =
                std::min<std::size_t>(1, reduced[s - 1][static_cast<std::size_t>(k)]);
          }
        }
      }
      for (std::size_t s = 0; s < parts.size(); ++s)
        for (int k = 0; k < kStreams; ++k) {
          const int chain = chains[s][static_cast<std::size_t>(k)];
          const MeshPass inside = t.inside(g, call.rank, k);
          const std::size_t first = schedule->steps(chain);
          mesh_allgather(*schedule, chain, inside, work, streams[s][k], E);
          // ...and allgathers once segment s + 1 has reduce-scattered (its tile-edge phase runs
          // meanwhile).
          if (s + 1 < parts.size() && schedule->steps(chain) > first) {
            Step& step = schedule->step(chain, first);
            step.after_chain = chains[s + 1][static_cast<std::size_t>(k)];
            step.after_steps = reduced[s + 1][static_cast<std::size_t>(k)];
          }
        }
      break;
    }
    case Operation::reduce_scatter:
    case Operation::allgather: {
      const bool reduce = call.operation == Operation::reduce_scatter;
      const std::size_t tiles = t.counterparts.ranks.size();
      auto block_index = [&](int k, int q) { return t.block_index(g, q, k); };
      auto passes = [&](int k, int chain, std::byte* work, Range range) {
        const MeshPass inside = t.inside(g, call.rank, k), across = t.across(g, call.rank, k);
        // This rank's tile shard: tiles parts at its place in the tile.
        const Range shard{range.offset + mesh_block_index(inside, inside.column, inside.row) *
                                             tiles * (range.count / g.size()),
                          tiles * (range.count / g.size())};
        if (reduce) {
          std::byte* tmp = schedule->scratch(
              std::max(mesh_tmp_count(inside, range.count), mesh_tmp_count(across, shard.count)) *
              E);
          const Range mine = mesh_reduce_scatter(*schedule, chain, inside, work, range, E, tmp);
          check(mine.offset == shard.offset && mine.count == shard.count,
                "hierarchical reduce-scatter ends on this chip's tile shard");
          mesh_reduce_scatter(*schedule, chain, across, work, shard, E, tmp);
        } else {
          mesh_allgather(*schedule, chain, across, work, shard, E);
          mesh_allgather(*schedule, chain, inside, work, range, E);
        }
      };
      streamed_blocks(call, *schedule, kStreams, block_index, passes);
      break;
    }
    default:
      internal_error(str("hierarchical does not implement ", name(call.operation)));
  }
  return schedule;
}

}  // namespace dojo::collectives::detail
