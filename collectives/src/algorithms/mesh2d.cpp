// 2D mesh: reduce-scatter along each row (a ring on the row's line of chips), then along each
// column on the row's result, then allgather back: 2(a-1+b-1) messages, 2(p-1)/p n bytes, and
// every message goes to a mesh neighbour except each ring's closing one.
// Reduce-scatter and allgather reorder the rank blocks so that a column's blocks are contiguous.
#include "algorithms.hpp"
#include "building_blocks.hpp"
#include "dojo/common/error.hpp"

namespace dojo::collectives::detail {

std::unique_ptr<Schedule> mesh2d(const Call& call) {
  auto schedule = call.new_schedule();
  const int chain = schedule->add_chain();
  const MeshGeometry& g = *call.geometry;
  const Grid grid = grid_of(g);
  const MeshPass pass{&grid, g.x[call.rank], g.y[call.rank], true, false};
  const std::size_t E = call.element_bytes(), B = call.bytes();
  const std::size_t all = static_cast<std::size_t>(call.size) * call.count;
  // Slot of rank q's block in the reordered buffer: column-major over the mesh.
  auto slot = [&](int q) { return static_cast<std::size_t>(g.x[q]) * g.rows + g.y[q]; };

  switch (call.operation) {
    case Operation::allreduce: {
      std::byte* work = allreduce_work_buffer(call, *schedule);
      std::byte* tmp = schedule->scratch(mesh_tmp_count(pass, call.count) * E);
      mesh_reduce_scatter(*schedule, chain, pass, work, {0, call.count}, E, tmp);
      mesh_allgather(*schedule, chain, pass, work, {0, call.count}, E);
      break;
    }
    case Operation::reduce_scatter: {
      std::byte* work = schedule->scratch(all * E);
      const std::byte* input = call.in_place() ? call.recv : call.send;
      for (int q = 0; q < call.size; ++q)
        schedule->prologue().push_back(Schedule::copy(work + slot(q) * B, input + q * B, B));
      std::byte* tmp = schedule->scratch(mesh_tmp_count(pass, all) * E);
      const Range mine = mesh_reduce_scatter(*schedule, chain, pass, work, {0, all}, E, tmp);
      check(mine.offset == slot(call.rank) * call.count && mine.count == call.count,
            "mesh2d reduce-scatter ends on this rank's block");
      schedule->epilogue().push_back(Schedule::copy(call.recv, work + slot(call.rank) * B, B));
      break;
    }
    case Operation::allgather: {
      std::byte* work = schedule->scratch(all * E);
      const std::byte* input = call.in_place() ? call.recv + call.rank * B : call.send;
      schedule->prologue().push_back(Schedule::copy(work + slot(call.rank) * B, input, B));
      mesh_allgather(*schedule, chain, pass, work, {0, all}, E);
      for (int q = 0; q < call.size; ++q)
        schedule->epilogue().push_back(Schedule::copy(call.recv + q * B, work + slot(q) * B, B));
      break;
    }
    default:
      internal_error(str("mesh2d does not implement ", name(call.operation)));
  }
  return schedule;
}

}  // namespace dojo::collectives::detail
