// The process grid's axis and pair communicators hold exactly the ranks that share the other
// coordinates, for every layout that fits the job's rank count.
#include <gtest/gtest.h>

#include <vector>

#include "dojo/common/error.hpp"
#include "dojo/runtime/process_grid.hpp"
#include "dojo_test_support.hpp"

using namespace dojo::runtime;

namespace {

std::vector<Layout> layouts_for(int p) {
  std::vector<Layout> out;
  for (int dp = 1; dp <= p; ++dp)
    for (int tp = 1; tp <= p; ++tp)
      if (p % (dp * tp) == 0) out.push_back({dp, tp, p / (dp * tp)});
  return out;
}

// World ranks of a communicator's members, in its rank order.
std::vector<int> members(const dojo::mpi::Comm& comm, int world_rank) {
  std::vector<int> out(comm.size());
  MPI_Allgather(&world_rank, 1, MPI_INT, out.data(), 1, MPI_INT, comm.get());
  return out;
}

}  // namespace

TEST(ProcessGrid, AxisAndPairCommunicatorsMatchCoordinates) {
  auto world = dojo::mpi::Comm::duplicate(dojo::test::world());
  const int p = world.size(), me = world.rank();
  AxisMajorOrder order;
  for (const Layout& layout : layouts_for(p)) {
    SCOPED_TRACE(to_string(layout));
    ProcessGrid grid(world, layout);
    EXPECT_EQ(grid.coord(), order.coord_of(layout, me));
    for (Axis a : {Axis::dp, Axis::tp, Axis::pp}) {
      auto group = members(grid.axis(a), me);
      ASSERT_EQ(static_cast<int>(group.size()), layout.degree(a));
      for (int i = 0; i < static_cast<int>(group.size()); ++i) {
        GridCoord c = order.coord_of(layout, group[i]);
        EXPECT_EQ(c[a], i);  // ordered by the varying coordinate
        for (Axis other : {Axis::dp, Axis::tp, Axis::pp}) {
          if (other == a) continue;
          EXPECT_EQ(c[other], grid.coord()[other]);
        }
      }
    }
    for (Axis a : {Axis::dp, Axis::tp, Axis::pp})
      for (Axis b : {Axis::dp, Axis::tp, Axis::pp}) {
        if (a == b) continue;
        auto group = members(grid.pair(a, b), me);
        ASSERT_EQ(static_cast<int>(group.size()), layout.degree(a) * layout.degree(b));
        Axis fixed = static_cast<Axis>(3 - static_cast<int>(a) - static_cast<int>(b));
        for (int r : group) EXPECT_EQ(order.coord_of(layout, r)[fixed], grid.coord()[fixed]);
      }
  }
}

TEST(ProcessGrid, WrongRankCountIsAUserErrorOnEveryRank) {
  auto world = dojo::mpi::Comm::duplicate(dojo::test::world());
  Layout too_big{world.size() + 1, 1, 1};
  try {
    ProcessGrid grid(world, too_big);
    FAIL() << "accepted a layout of " << too_big.ranks() << " ranks";
  } catch (const dojo::Error& e) {
    EXPECT_EQ(e.kind(), dojo::ErrorKind::user);
    EXPECT_NE(e.message().find("needs " + std::to_string(too_big.ranks()) + " ranks"),
              std::string::npos)
        << e.message();
  }
}
