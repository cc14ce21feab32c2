// Hierarchical by tile: reduce-scatter inside each tile (multi-port mesh passes over the tile's
// chips), so each of the w x h chips holds 1/(w h) of its tile's sum; every chip then allreduces
// that shard with its counterparts in the other tiles (same position in each tile), so all chips
// of a tile share the slow tile-edge links; finally allgather inside the tile.
#include "algorithms.hpp"
#include "building_blocks.hpp"
#include "dojo/common/error.hpp"

namespace dojo::collectives::detail {

std::unique_ptr<Schedule> hierarchical(const Call& call) {
  auto schedule = call.new_schedule();
  const MeshGeometry& g = *call.geometry;
  const auto shape = g.tile_shape();
  check(shape.has_value(), "hierarchical needs whole, identical tiles");
  const int w = shape->first, h = shape->second;
  const Grid mesh = grid_of(g);
  const int x = g.x[call.rank], y = g.y[call.rank];
  const int tile_x = x / w, tile_y = y / h, local_x = x % w, local_y = y % h;

  Grid tile{w, h, {}};  // the chips of this rank's tile
  for (int j = 0; j < h; ++j)
    for (int i = 0; i < w; ++i) tile.ranks.push_back(mesh.at(tile_x * w + i, tile_y * h + j));
  Grid counterparts{g.columns / w, g.rows / h, {}};  // this chip's twin in every tile
  for (int j = 0; j < counterparts.rows; ++j)
    for (int i = 0; i < counterparts.columns; ++i)
      counterparts.ranks.push_back(mesh.at(i * w + local_x, j * h + local_y));

  const std::size_t E = call.element_bytes();
  std::byte* work = allreduce_work_buffer(call, *schedule);
  const auto streams = partition(call.count, 4);
  for (int k = 0; k < 4; ++k) {
    const int chain = schedule->add_chain();
    const bool rows_first = k < 2, reverse = k % 2 == 1;
    const MeshPass inside{&tile, local_x, local_y, rows_first, reverse};
    const MeshPass across{&counterparts, tile_x, tile_y, rows_first, reverse};
    const std::size_t shard = mesh_tmp_count(inside, streams[k].count);
    std::byte* tmp = schedule->scratch(
        std::max(mesh_tmp_count(inside, streams[k].count), mesh_tmp_count(across, shard)) * E);
    const Range mine = mesh_reduce_scatter(*schedule, chain, inside, work, streams[k], E, tmp);
    mesh_reduce_scatter(*schedule, chain, across, work, mine, E, tmp);
    mesh_allgather(*schedule, chain, across, work, mine, E);
    mesh_allgather(*schedule, chain, inside, work, streams[k], E);
  }
  return schedule;
}

}  // namespace dojo::collectives::detail
