// 2D mesh, multi-port: the vector split into four streams that run concurrently, rows first
// forwards and backwards, columns first forwards and backwards, so while two streams load a chip's
// row links the other two load its column links (simulated 10 x 10 mesh, 64 MiB: 0.68x the time of
// mesh2d; the latency of the 2(a-1+b-1) steps is the same). Reduce-scatter and allgather run the
// same four streams over every rank's block, each stream's parts laid out in its own block order.
#include "algorithms.hpp"
#include "building_blocks.hpp"
#include "dojo/common/error.hpp"

namespace dojo::collectives::detail {
namespace {
constexpr int kStreams = 4;

MeshPass pass_of(const Grid& grid, const MeshGeometry& g, int rank, int stream) {
  return {&grid, g.x[rank], g.y[rank], stream < 2, stream % 2 == 1};
}
}  // namespace

std::unique_ptr<Schedule> mesh2d_multiport(const Call& call) {
  auto schedule = call.new_schedule();
  const MeshGeometry& g = *call.geometry;
  const Grid grid = grid_of(g);
  const std::size_t E = call.element_bytes();
  switch (call.operation) {
    case Operation::allreduce: {
      std::byte* work = allreduce_work_buffer(call, *schedule);
      const auto streams = partition(call.count, kStreams);
      for (int k = 0; k < kStreams; ++k) {
        const int chain = schedule->add_chain();
        const MeshPass pass = pass_of(grid, g, call.rank, k);
        std::byte* tmp = schedule->scratch(mesh_tmp_count(pass, streams[k].count) * E);
        mesh_reduce_scatter(*schedule, chain, pass, work, streams[k], E, tmp);
        mesh_allgather(*schedule, chain, pass, work, streams[k], E);
      }
      break;
    }
    case Operation::reduce_scatter:
    case Operation::allgather: {
      const bool reduce = call.operation == Operation::reduce_scatter;
      auto block_index = [&](int k, int q) {
        return mesh_block_index(pass_of(grid, g, q, k), g.x[q], g.y[q]);
      };
      auto passes = [&](int k, int chain, std::byte* work, Range range) {
        const MeshPass pass = pass_of(grid, g, call.rank, k);
        if (reduce) {
          std::byte* tmp = schedule->scratch(mesh_tmp_count(pass, range.count) * E);
          mesh_reduce_scatter(*schedule, chain, pass, work, range, E, tmp);
        } else {
          mesh_allgather(*schedule, chain, pass, work, range, E);
        }
      };
      streamed_blocks(call, *schedule, kStreams, block_index, passes);
      break;
    }
    default:
      internal_error(str("mesh2d_multiport does not implement ", name(call.operation)));
  }
  return schedule;
}

}  // namespace dojo::collectives::detail
