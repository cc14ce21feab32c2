// 2D mesh, multi-port: the vector split into four streams that run concurrently, rows first
// forwards and backwards, columns first forwards and backwards, so while two streams load a chip's
// row links the other two load its column links (simulated 10 x 10 mesh, 64 MiB: 0.68x the time of
// mesh2d; the latency of the 2(a-1+b-1) steps is the same).
#include "algorithms.hpp"
#include "building_blocks.hpp"

namespace dojo::collectives::detail {

std::unique_ptr<Schedule> mesh2d_multiport(const Call& call) {
  auto schedule = call.new_schedule();
  const MeshGeometry& g = *call.geometry;
  const Grid grid = grid_of(g);
  const std::size_t E = call.element_bytes();
  std::byte* work = allreduce_work_buffer(call, *schedule);
  const auto streams = partition(call.count, 4);
  for (int k = 0; k < 4; ++k) {
    const int chain = schedule->add_chain();
    const MeshPass pass{&grid, g.x[call.rank], g.y[call.rank], k < 2, k % 2 == 1};
    std::byte* tmp = schedule->scratch(mesh_tmp_count(pass, streams[k].count) * E);
    mesh_reduce_scatter(*schedule, chain, pass, work, streams[k], E, tmp);
    mesh_allgather(*schedule, chain, pass, work, streams[k], E);
  }
  return schedule;
}

}  // namespace dojo::collectives::detail
