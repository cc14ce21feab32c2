// Non-blocking handles (overlapping calls progressed by test()), the debug mode that turns
// mismatched calls into errors on every rank, algorithm choice by config, environment and per
// call, argument errors, and sub-communicators that keep their mesh geometry.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "dojo/collectives/communicator.hpp"
#include "dojo/common/environment.hpp"
#include "dojo/common/error.hpp"
#include "dojo_test_support.hpp"
#include "test_values.hpp"

namespace dojo::collectives::test {
namespace {

Config quiet_config() {
  Config c;
  c.read_environment = false;
  return c;
}

int world_size() {
  int p = 0;
  MPI_Comm_size(dojo::test::world(), &p);
  return p;
}

// The error message of `call` as a dojo::Error of `kind`, or "" when nothing was thrown.
template <typename F>
std::string error_of(F&& call, ErrorKind kind) {
  try {
    call();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    return e.message();
  }
  return "";
}

TEST(CollectivesNonBlocking, OverlappingCallsMatchBlockingBitwise) {
  Communicator comm(dojo::test::world(), quiet_config());
  const int rank = comm.rank(), p = comm.size();
  const std::size_t n = 100003;  // elements per bucket
  const std::vector<Algorithm> algorithms = {Algorithm::ring, Algorithm::rabenseifner,
                                             Algorithm::mesh2d_multiport, Algorithm::native,
                                             Algorithm::recursive_doubling};
  std::vector<std::vector<std::byte>> expect, got;
  for (std::size_t k = 0; k < algorithms.size(); ++k) {
    auto input = make_input(DataType::float32, rank, n, static_cast<int>(k));
    expect.push_back(input);
    got.push_back(input);
    comm.allreduce(in_place, expect.back().data(), n, DataType::float32, ReduceOp::sum,
                   {algorithms[k]});
  }
  // All buckets in flight at once, advanced between slices of "backward" work.
  std::vector<Handle> handles;
  for (std::size_t k = 0; k < algorithms.size(); ++k)
    handles.push_back(comm.iallreduce(in_place, got[k].data(), n, DataType::float32, ReduceOp::sum,
                                      {algorithms[k]}));
  // Plus a broadcast, an allgather and a barrier overlapping them.
  auto bcast_in = make_input(DataType::int64, 0, 1000, 9);
  std::vector<std::byte> bcast = rank == p - 1 ? bcast_in : std::vector<std::byte>(bcast_in.size());
  handles.push_back(
      comm.ibroadcast(bcast.data(), 1000, DataType::int64, p - 1, {Algorithm::pipelined}));
  auto mine = make_input(DataType::int32, rank, 333, 4);
  std::vector<std::byte> gathered(mine.size() * p);
  handles.push_back(
      comm.iallgather(mine.data(), gathered.data(), 333, DataType::int32, {Algorithm::ring}));
  handles.push_back(comm.ibarrier({Algorithm::recursive_doubling}));

  int polls = 0;
  double sink = 0;
  for (bool all_done = false; !all_done; ++polls) {
    for (int i = 0; i < 2000; ++i) sink += i * 1e-9;  // a slice of compute
    all_done = true;
    for (Handle& h : handles) all_done = h.test() && all_done;
  }
  EXPECT_GT(sink, 0);
  for (Handle& h : handles) EXPECT_FALSE(h.active());
  for (std::size_t k = 0; k < algorithms.size(); ++k)
    EXPECT_TRUE(got[k] == expect[k])
        << "bucket " << k << " (" << name(algorithms[k]) << ") differs from the blocking call";
  // Broadcast: the root's values; allgather: rank r's block equals rank r's input.
  EXPECT_TRUE(bcast == make_input(DataType::int64, 0, 1000, 9));
  for (int r = 0; r < p; ++r)
    EXPECT_TRUE(std::equal(gathered.begin() + r * mine.size(),
                           gathered.begin() + (r + 1) * mine.size(),
                           make_input(DataType::int32, r, 333, 4).begin()))
        << "block of rank " << r;
  if (p > 1) {
    EXPECT_GT(polls, 1) << "everything completed on the first test: nothing overlapped";
  }
}

TEST(CollectivesNonBlocking, WaitCompletesAndHandlesMove) {
  Communicator comm(dojo::test::world(), quiet_config());
  const int p = comm.size();
  std::vector<std::int64_t> data(77, comm.rank() + 1);
  Handle h = comm.iallreduce(std::span<std::int64_t>(data), ReduceOp::sum);
  Handle moved = std::move(h);
  EXPECT_FALSE(h.active());
  moved.wait();
  EXPECT_FALSE(moved.active());
  for (auto v : data) EXPECT_EQ(v, static_cast<std::int64_t>(p) * (p + 1) / 2);
  // A handle destroyed while active waits for its operation.
  {
    Handle scoped =
        comm.iallreduce(std::span<std::int64_t>(data), ReduceOp::max, {Algorithm::rabenseifner});
  }
  for (auto v : data) EXPECT_EQ(v, static_cast<std::int64_t>(p) * (p + 1) / 2);
}

// Ranks may wait on their handles in any order, and make blocking calls (of dojo's own algorithms)
// while others wait: a rank blocked on one operation keeps the others moving, so none of this
// deadlocks. (A blocking native call is MPI's own blocking collective, which cannot.)
void wait_in_different_orders(bool debug) {
  Config config = quiet_config();
  config.debug = debug;
  Communicator comm(dojo::test::world(), config);
  const int rank = comm.rank(), p = comm.size();
  const std::size_t n = 50000;
  std::vector<std::int32_t> a(n, rank), b(n, 2 * rank), c(16, 1);
  Handle first = comm.iallreduce(std::span<std::int32_t>(a), ReduceOp::sum, {Algorithm::ring});
  Handle second =
      comm.iallreduce(std::span<std::int32_t>(b), ReduceOp::sum, {Algorithm::rabenseifner});
  if (rank % 2 == 0) {
    first.wait();
    second.wait();
    comm.allreduce(std::span<std::int32_t>(c), ReduceOp::sum, {Algorithm::recursive_doubling});
  } else {
    comm.allreduce(std::span<std::int32_t>(c), ReduceOp::sum, {Algorithm::recursive_doubling});
    second.wait();
    first.wait();
  }
  const std::int32_t ranks_sum = p * (p - 1) / 2;
  EXPECT_EQ(a[n - 1], ranks_sum);
  EXPECT_EQ(b[0], 2 * ranks_sum);
  EXPECT_EQ(c[3], p);
}

TEST(CollectivesNonBlocking, WaitsInDifferentOrdersDoNotDeadlock) {
  wait_in_different_orders(false);
}

// The debug mode's agreement step, too, keeps outstanding handles moving while it waits.
TEST(CollectivesNonBlocking, WaitsInDifferentOrdersDoNotDeadlockInDebugMode) {
  wait_in_different_orders(true);
}

TEST(CollectivesDebug, MismatchedOperationsFailOnEveryRank) {
  if (world_size() < 2) GTEST_SKIP() << "needs two ranks";
  Config config = quiet_config();
  config.debug = true;
  Communicator comm(dojo::test::world(), config);
  std::vector<float> data(1024, 1.0f);
  // Two matched calls first, so the mismatch is call #2.
  comm.allreduce(std::span<float>(data), ReduceOp::sum);
  comm.barrier();
  const std::string message = error_of(
      [&] {
        if (comm.rank() == 0)
          comm.allreduce(in_place, data.data(), 1024, DataType::float32, ReduceOp::sum,
                         {Algorithm::ring});
        else
          comm.broadcast(data.data(), 1024, DataType::float32, 0, {Algorithm::binomial});
      },
      ErrorKind::internal);
  EXPECT_NE(message.find("collective mismatch at call #2: rank 0 called "
                         "allreduce(float32, 1024, sum) with algorithm ring but rank 1 called "
                         "broadcast(float32, 1024, root 0) with algorithm binomial"),
            std::string::npos)
      << message;
  // The communicator is still usable afterwards: the check ran before any data moved.
  std::vector<float> after(8, 1.0f);
  comm.allreduce(std::span<float>(after), ReduceOp::sum);
  EXPECT_EQ(after[0], static_cast<float>(comm.size()));
}

TEST(CollectivesDebug, MismatchedCountsAndTypesFail) {
  if (world_size() < 2) GTEST_SKIP() << "needs two ranks";
  Config config = quiet_config();
  config.debug = true;
  Communicator comm(dojo::test::world(), config);
  std::vector<double> data(100, 1.0);
  const int last = comm.size() - 1;
  const std::string message = error_of(
      [&] {
        const std::size_t n = comm.rank() == last ? 99 : 100;
        const DataType t = comm.rank() == last ? DataType::int64 : DataType::float64;
        comm.allreduce(in_place, data.data(), n, t, ReduceOp::max, {Algorithm::native});
      },
      ErrorKind::internal);
  EXPECT_NE(message.find("allreduce(float64, 100, max)"), std::string::npos) << message;
  EXPECT_NE(message.find("but rank " + std::to_string(last) + " called allreduce(int64, 99, max)"),
            std::string::npos)
      << message;
}

TEST(CollectivesDebug, EnvironmentSwitchesItOn) {
  setenv("DOJO_COLL_DEBUG", "1", 1);
  dojo::env::reread();  // the environment is parsed once; the test changed it
  Communicator comm(dojo::test::world());
  unsetenv("DOJO_COLL_DEBUG");
  dojo::env::reread();
  EXPECT_TRUE(comm.config().debug);
}

TEST(CollectivesSelection, EnvironmentConfigAndCallOptions) {
  setenv("DOJO_COLL_ALLREDUCE", "rabenseifner", 1);
  setenv("DOJO_COLL_BROADCAST", "pipelined", 1);
  Communicator from_env(dojo::test::world());
  unsetenv("DOJO_COLL_ALLREDUCE");
  unsetenv("DOJO_COLL_BROADCAST");
  EXPECT_EQ(from_env.choose(Operation::allreduce, 10, DataType::float32), Algorithm::rabenseifner);
  EXPECT_EQ(from_env.choose(Operation::broadcast, 10, DataType::float32), Algorithm::pipelined);
  EXPECT_EQ(from_env.choose(Operation::allreduce, 10, DataType::float32, Algorithm::ring),
            Algorithm::ring);

  setenv("DOJO_COLL_ALLREDUCE", "fastest", 1);
  const std::string bad = error_of([] { Communicator c(dojo::test::world()); }, ErrorKind::user);
  unsetenv("DOJO_COLL_ALLREDUCE");
  EXPECT_NE(bad.find("DOJO_COLL_ALLREDUCE='fastest': unknown algorithm; use one of"),
            std::string::npos)
      << bad;
  setenv("DOJO_COLL_ALLREDUCE", "binomial", 1);
  const std::string wrong = error_of([] { Communicator c(dojo::test::world()); }, ErrorKind::user);
  unsetenv("DOJO_COLL_ALLREDUCE");
  EXPECT_NE(wrong.find("binomial does not implement allreduce"), std::string::npos) << wrong;
}

TEST(CollectivesSelection, PreferredAlgorithmThatCannotRunFallsBackToNative) {
  const int p = world_size();
  Config config = quiet_config();
  // A geometry with a hole: mesh algorithms cannot run on it.
  MeshGeometry g = MeshGeometry::grid(p, 1);
  g.columns = p + 1;
  config.geometry = g;
  config.algorithm[static_cast<int>(Operation::allreduce)] = Algorithm::mesh2d;
  Communicator comm(dojo::test::world(), config);
  EXPECT_EQ(comm.choose(Operation::allreduce, 1000, DataType::float32), Algorithm::native);
  std::vector<std::int32_t> data(10, 2);
  comm.allreduce(std::span<std::int32_t>(data), ReduceOp::sum);
  EXPECT_EQ(data[9], 2 * p);
  // Forced per call, the same request is a user error naming the reason.
  const std::string message = error_of(
      [&] { comm.allreduce(std::span<std::int32_t>(data), ReduceOp::sum, {Algorithm::mesh2d}); },
      ErrorKind::user);
  EXPECT_NE(message.find("needs a rank at every position"), std::string::npos) << message;
}

TEST(CollectivesSelection, EstimatesCoverEveryImplementingAlgorithm) {
  Communicator comm(dojo::test::world(), quiet_config());
  const auto costs = comm.estimates(Operation::allreduce, 1 << 20, DataType::float32);
  int applicable = 0;
  for (const auto& e : costs) applicable += e.applicable ? 1 : 0;
  EXPECT_GE(applicable, 4);
  EXPECT_EQ(costs.front().algorithm, Algorithm::native);
}

TEST(CollectivesArguments, MistakesAreUserErrors) {
  Communicator comm(dojo::test::world(), quiet_config());
  std::vector<float> a(16), b(16);
  EXPECT_NE(
      error_of([&] { comm.allreduce(a.data(), nullptr, 16, DataType::float32, ReduceOp::sum); },
               ErrorKind::user)
          .find("receive buffer is null"),
      std::string::npos);
  EXPECT_NE(error_of([&] { comm.broadcast(a.data(), 16, DataType::float32, comm.size()); },
                     ErrorKind::user)
                .find("is not a rank of this communicator"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { comm.allreduce(a.data(), a.data() + 1, 8, DataType::float32, ReduceOp::sum); },
               ErrorKind::user)
          .find("overlap"),
      std::string::npos);
  EXPECT_NE(error_of(
                [&] {
                  comm.allreduce(a.data(), b.data(), 16, DataType::float32, ReduceOp::sum,
                                 {Algorithm::pairwise});
                },
                ErrorKind::user)
                .find("does not implement allreduce"),
            std::string::npos);
  Config bad = quiet_config();
  bad.geometry = MeshGeometry::grid(world_size() + 1, 1);
  EXPECT_NE(error_of([&] { Communicator c(dojo::test::world(), bad); }, ErrorKind::user)
                .find("ranks but the communicator has"),
            std::string::npos);
}

TEST(CollectivesSplit, RowsKeepTheirGeometryAndMeshAlgorithmsRunOnThem) {
  const int p = world_size();
  Config config = quiet_config();
  config.geometry = MeshGeometry::default_for(p);
  Communicator comm(dojo::test::world(), config);
  const int y = comm.geometry().y[comm.rank()], x = comm.geometry().x[comm.rank()];
  Communicator row = comm.split(y, x);
  EXPECT_EQ(row.size(), comm.geometry().columns);
  EXPECT_EQ(row.geometry().rows, 1);
  EXPECT_EQ(row.geometry().columns, comm.geometry().columns);
  EXPECT_EQ(row.geometry().origin_y, y);
  EXPECT_TRUE(why_not_applicable(Algorithm::mesh2d, Operation::allreduce, row.geometry()).empty());
  // A tensor-parallel style group: the row, summed with mesh2d, against MPI on the same group.
  auto input = make_input(DataType::int64, comm.rank(), 1001, 3);
  std::vector<std::byte> got(input.size()), expect(input.size());
  row.allreduce(input.data(), got.data(), 1001, DataType::int64, ReduceOp::sum,
                {Algorithm::mesh2d});
  MPI_Allreduce(input.data(), expect.data(), 1001, MPI_INT64_T, MPI_SUM, row.mpi());
  EXPECT_TRUE(got == expect);
  // A split that is not a rectangle gets the default geometry of its size.
  Communicator odd = comm.split(comm.rank() == 0 || comm.rank() == p - 1 ? 0 : 1, comm.rank());
  EXPECT_TRUE(odd.geometry().validate().empty());
  EXPECT_EQ(odd.geometry().size(), odd.size());
}

}  // namespace
}  // namespace dojo::collectives::test
