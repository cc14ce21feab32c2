// Every algorithm x operation x type x operator against MPI's own result, on several geometries.
// Sizes {0, 1, 7, p-1, p+1} for everything; 1000003 elements only for float32 (sum for reductions)
// to keep the suite within minutes on two oversubscribed cores. For reduce-scatter, allgather and
// alltoall the count is per rank, and the big case uses ceil(1000003 / p) per rank (a whole
// vector of about 1000003 elements).
// Checks per call: integers and max/min exactly; float sum within (p-1) eps sum|x_i| (avg: that
// over p, plus eps |result| for the division); the same bytes on every rank where the result is
// replicated; and a second, in-place run of the same algorithm gives bitwise the same result.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "dojo/collectives/communicator.hpp"
#include "dojo/collectives/cost_model.hpp"
#include "dojo/common/error.hpp"
#include "dojo_test_support.hpp"
#include "test_values.hpp"

namespace dojo::collectives::test {
namespace {

constexpr std::size_t kBig = 1000003;

struct LabelledGeometry {
  std::string label;
  MeshGeometry geometry;
  bool hierarchical_only = false;
};

// The default most-square row-major mesh in one tile, and a transposed snake-layout mesh cut into
// small tiles (so the hierarchical algorithm crosses tile edges); 6 ranks also get 2 x 3 row-major.
std::vector<LabelledGeometry> geometries(int p) {
  std::vector<LabelledGeometry> out;
  MeshGeometry a = MeshGeometry::default_for(p);
  out.push_back({a.describe() + " row-major", a});
  MeshGeometry b = MeshGeometry::grid(a.rows, a.columns, Layout::snake);
  b.tile_columns = b.columns % 2 == 0 ? b.columns / 2 : b.columns;
  b.tile_rows = b.rows % 2 == 0 ? b.rows / 2 : b.rows;
  out.push_back({b.describe() + " snake", b});
  if (p == 6) {
    MeshGeometry c = MeshGeometry::grid(2, 3);
    c.tile_rows = 1;
    out.push_back({c.describe() + " row-major", c});
  }
  // The same tiles with almost free latency and slow links, so that the hierarchical allreduce
  // runs its two pipelined segments at every size of the matrix (it does so from 16 MiB on the
  // default links, beyond what this test sends).
  if (b.tile_shape() && (b.tile_columns < b.columns || b.tile_rows < b.rows)) {
    MeshGeometry d = b;
    d.intra_tile = {1e-12, 1e-6};
    d.tile_edge = {1e-12, 2e-6};
    out.push_back({d.describe() + " snake, bandwidth-bound links", d, true});
  }
  return out;
}

// Algorithms whose result depends on the geometry (the others run on the first geometry only).
bool uses_geometry(Algorithm a) {
  return a != Algorithm::native && a != Algorithm::recursive_doubling &&
         a != Algorithm::rabenseifner && a != Algorithm::pairwise;
}

struct Case {
  Operation operation;
  Algorithm algorithm;
  DataType type;
  ReduceOp op;
  std::size_t count;  // elements (per rank for reduce_scatter, allgather, alltoall)
  int root;
  std::string geometry;
  std::string describe() const {
    std::ostringstream s;
    s << name(operation) << "/" << name(algorithm) << " " << name(type);
    if (is_reduction(operation)) s << " " << name(op);
    s << " count " << count;
    if (operation == Operation::broadcast || operation == Operation::reduce) s << " root " << root;
    s << " on " << geometry;
    return s.str();
  }
};

MPI_Datatype mpi_type(DataType t) {
  switch (t) {
    case DataType::float32:
      return MPI_FLOAT;
    case DataType::float64:
      return MPI_DOUBLE;
    case DataType::bfloat16:
      return MPI_UINT16_T;
    case DataType::int32:
      return MPI_INT32_T;
    case DataType::int64:
      return MPI_INT64_T;
  }
  return MPI_DATATYPE_NULL;
}

class Checker {
 public:
  Checker(MPI_Comm reference, int rank, int size) : ref_(reference), rank_(rank), p_(size) {}

  // Runs the case twice (out of place, then in place) and records what is wrong.
  void run(Communicator& comm, const Case& c, std::vector<std::string>& failures) {
    const std::size_t E = size_of(c.type);
    const bool per_rank = c.operation == Operation::reduce_scatter ||
                          c.operation == Operation::allgather || c.operation == Operation::alltoall;
    const std::size_t in_count =
        c.operation == Operation::reduce_scatter || c.operation == Operation::alltoall
            ? c.count * p_
            : c.count;
    const std::size_t out_count =
        per_rank && c.operation != Operation::reduce_scatter ? c.count * p_ : c.count;
    const int salt = static_cast<int>(c.count % 13) + static_cast<int>(c.op) * 3;
    const std::vector<std::byte> input = make_input(c.type, rank_, in_count, salt);
    const CallOptions forced{c.algorithm};

    // Run 1: out of place.
    std::vector<std::byte> out(out_count * E, std::byte{0x5a});
    auto first = [&]() {
      switch (c.operation) {
        case Operation::allreduce:
          comm.allreduce(input.data(), out.data(), c.count, c.type, c.op, forced);
          break;
        case Operation::reduce_scatter:
          comm.reduce_scatter(input.data(), out.data(), c.count, c.type, c.op, forced);
          break;
        case Operation::allgather:
          comm.allgather(input.data(), out.data(), c.count, c.type, forced);
          break;
        case Operation::broadcast:
          out = rank_ == c.root ? input : std::vector<std::byte>(out_count * E, std::byte{0x5a});
          comm.broadcast(out.data(), c.count, c.type, c.root, forced);
          break;
        case Operation::reduce:
          comm.reduce(input.data(), out.data(), c.count, c.type, c.op, c.root, forced);
          break;
        case Operation::alltoall:
          comm.alltoall(input.data(), out.data(), c.count, c.type, forced);
          break;
        case Operation::barrier:
          break;
      }
    };
    first();

    // Run 2: in place (MPI's conventions), same algorithm.
    std::vector<std::byte> again;
    switch (c.operation) {
      case Operation::allreduce:
        again = input;
        comm.allreduce(in_place, again.data(), c.count, c.type, c.op, forced);
        break;
      case Operation::reduce_scatter:
        again = input;
        comm.reduce_scatter(in_place, again.data(), c.count, c.type, c.op, forced);
        again.resize(out_count * E);
        break;
      case Operation::allgather:
        again.assign(out_count * E, std::byte{0});
        std::copy(input.begin(), input.end(),
                  again.begin() + static_cast<long>(rank_ * c.count * E));
        comm.allgather(in_place, again.data(), c.count, c.type, forced);
        break;
      case Operation::broadcast:
        again = rank_ == c.root ? input : std::vector<std::byte>(out_count * E, std::byte{0x33});
        comm.broadcast(again.data(), c.count, c.type, c.root, forced);
        break;
      case Operation::reduce:
        if (rank_ == c.root) {
          again = input;
          comm.reduce(in_place, again.data(), c.count, c.type, c.op, c.root, forced);
        } else {
          again = out;  // not significant off the root
          comm.reduce(input.data(), nullptr, c.count, c.type, c.op, c.root, forced);
        }
        break;
      case Operation::alltoall:
        again = input;
        comm.alltoall(in_place, again.data(), c.count, c.type, forced);
        break;
      case Operation::barrier:
        break;
    }
    if (again != out) failures.push_back(c.describe() + ": in-place run differs bitwise");

    check_against_mpi(c, input, out, in_count, out_count, failures);

    const bool replicated = c.operation == Operation::allreduce ||
                            c.operation == Operation::allgather ||
                            c.operation == Operation::broadcast;
    if (replicated) {
      // max(sum) and max(~sum) = ~min(sum) in one call: equal iff every rank has the same sum.
      const std::uint64_t sum = checksum(out.data(), out.size());
      std::uint64_t mine[2] = {sum, ~sum}, most[2] = {0, 0};
      MPI_Allreduce(mine, most, 2, MPI_UINT64_T, MPI_MAX, ref_);
      if (most[0] != ~most[1]) failures.push_back(c.describe() + ": ranks hold different bytes");
    }
  }

 private:
  void check_against_mpi(const Case& c, const std::vector<std::byte>& input,
                         const std::vector<std::byte>& out, std::size_t in_count,
                         std::size_t out_count, std::vector<std::string>& failures) {
    const std::size_t E = size_of(c.type);
    const bool significant = c.operation != Operation::reduce || rank_ == c.root;
    if (!is_reduction(c.operation)) {
      // Data movement: MPI's result in the same type must match byte for byte.
      std::vector<std::byte> expect(out_count * E);
      const int n = static_cast<int>(c.count);
      const MPI_Datatype t = mpi_type(c.type);
      if (c.operation == Operation::allgather)
        MPI_Allgather(input.data(), n, t, expect.data(), n, t, ref_);
      else if (c.operation == Operation::alltoall)
        MPI_Alltoall(input.data(), n, t, expect.data(), n, t, ref_);
      else {
        if (rank_ == c.root) expect = input;
        MPI_Bcast(expect.data(), n, t, c.root, ref_);
      }
      if (expect != out) failures.push_back(c.describe() + ": differs from MPI's result");
      return;
    }
    // Reductions: MPI in float64 (exact for these inputs' integers), and sum |x_i| for the bound.
    std::vector<double> x = to_doubles(c.type, input.data(), in_count);
    std::vector<double> ax(x.size());
    std::transform(x.begin(), x.end(), ax.begin(), [](double v) { return std::fabs(v); });
    // Values and |values| side by side in one call for sum and avg (max and min need no bound):
    // both[i] = sum x_i, both[n + i] = sum |x_i| for the reduce-scatter block or the vector.
    const bool needs_bound = c.op == ReduceOp::sum || c.op == ReduceOp::avg;
    const MPI_Op op = c.op == ReduceOp::max ? MPI_MAX : c.op == ReduceOp::min ? MPI_MIN : MPI_SUM;
    const std::size_t blocks = c.operation == Operation::reduce_scatter ? p_ : 1;
    std::vector<double> both_in, both(2 * out_count);
    for (std::size_t b = 0; b < blocks; ++b) {
      both_in.insert(both_in.end(), x.begin() + b * c.count, x.begin() + (b + 1) * c.count);
      if (needs_bound)
        both_in.insert(both_in.end(), ax.begin() + b * c.count, ax.begin() + (b + 1) * c.count);
    }
    const int n = static_cast<int>(needs_bound ? 2 * c.count : c.count);
    if (c.operation == Operation::allreduce)
      MPI_Allreduce(both_in.data(), both.data(), n, MPI_DOUBLE, op, ref_);
    else if (c.operation == Operation::reduce_scatter)
      MPI_Reduce_scatter_block(both_in.data(), both.data(), n, MPI_DOUBLE, op, ref_);
    else
      MPI_Reduce(both_in.data(), both.data(), n, MPI_DOUBLE, op, c.root, ref_);
    const std::vector<double> expect(both.begin(), both.begin() + static_cast<long>(out_count));
    std::vector<double> bound(out_count, 0.0);
    if (needs_bound)
      std::copy(both.begin() + static_cast<long>(out_count),
                both.begin() + 2 * static_cast<long>(out_count), bound.begin());
    if (!significant) return;
    const double eps = epsilon(c.type);
    const std::vector<double> got = to_doubles(c.type, out.data(), out_count);
    int reported = 0;
    for (std::size_t i = 0; i < out_count && reported < 3; ++i) {
      double want = expect[i], tolerance = 0.0;
      if (c.op == ReduceOp::avg) {
        want = eps == 0.0 ? std::trunc(want / p_) : want / p_;
        tolerance = (p_ - 1) * eps * bound[i] / p_ + eps * std::fabs(want);
      } else if (c.op == ReduceOp::sum) {
        tolerance = (p_ - 1) * eps * bound[i];
      }
      if (!(std::fabs(got[i] - want) <= tolerance)) {
        std::ostringstream s;
        s << c.describe() << ": element " << i << " is " << got[i] << ", MPI says " << want
          << " (tolerance " << tolerance << ")";
        failures.push_back(s.str());
        ++reported;
      }
    }
  }

  MPI_Comm ref_;
  int rank_, p_;
};

struct Combination {
  Operation operation;
  Algorithm algorithm;
};

std::vector<Combination> combinations() {
  std::vector<Combination> out;
  for (Operation o : all_operations())
    for (Algorithm a : all_algorithms())
      if (implements(a, o) && o != Operation::barrier) out.push_back({o, a});
  return out;
}

class Correctness : public testing::TestWithParam<Combination> {};

TEST_P(Correctness, MatchesMpi) {
  const auto [operation, algorithm] = GetParam();
  MPI_Comm world = dojo::test::world();
  int rank = 0, p = 1;
  MPI_Comm_rank(world, &rank);
  MPI_Comm_size(world, &p);
  Checker checker(world, rank, p);
  std::vector<std::string> failures;
  int cases = 0;

  const std::vector<std::size_t> small = {0, 1, 7, static_cast<std::size_t>(p - 1),
                                          static_cast<std::size_t>(p + 1)};
  const bool per_rank = operation == Operation::reduce_scatter ||
                        operation == Operation::allgather || operation == Operation::alltoall;
  const std::size_t big = per_rank ? (kBig + p - 1) / p : kBig;
  const std::vector<ReduceOp> ops =
      is_reduction(operation)
          ? std::vector<ReduceOp>{ReduceOp::sum, ReduceOp::avg, ReduceOp::max, ReduceOp::min}
          : std::vector<ReduceOp>{ReduceOp::sum};
  const auto shapes = geometries(p);
  for (std::size_t g = 0; g < shapes.size(); ++g) {
    if (g > 0 && !uses_geometry(algorithm)) break;
    if (shapes[g].hierarchical_only && algorithm != Algorithm::hierarchical) continue;
    Config config;
    config.geometry = shapes[g].geometry;
    config.read_environment = false;
    Communicator comm(world, config);
    if (!why_not_applicable(algorithm, operation, comm.geometry()).empty()) continue;
    if (shapes[g].hierarchical_only && operation == Operation::allreduce) {
      for (std::size_t count : {std::size_t{1}, std::size_t{7}, big})
        EXPECT_EQ(hierarchical_allreduce_segments(count * 4, comm.geometry()), 2)
            << "the pipelined path is not exercised on " << shapes[g].label << " at " << count
            << " floats";
    }
    for (DataType type : {DataType::float32, DataType::float64, DataType::bfloat16, DataType::int32,
                          DataType::int64})
      for (ReduceOp op : ops) {
        std::vector<std::size_t> sizes = small;
        if (type == DataType::float32 && op == ReduceOp::sum) sizes.push_back(big);
        for (std::size_t s = 0; s < sizes.size(); ++s) {
          const int root = static_cast<int>((s * 5 + g) % static_cast<std::size_t>(p));
          checker.run(comm, {operation, algorithm, type, op, sizes[s], root, shapes[g].label},
                      failures);
          ++cases;
        }
      }
  }
  EXPECT_GT(cases, 0) << "no case ran";
  for (std::size_t i = 0; i < failures.size() && i < 10; ++i)
    ADD_FAILURE() << "rank " << rank << ": " << failures[i];
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << cases << " cases failed";
}

INSTANTIATE_TEST_SUITE_P(All, Correctness, testing::ValuesIn(combinations()),
                         [](const testing::TestParamInfo<Combination>& info) {
                           return std::string(name(info.param.operation)) + "_" +
                                  std::string(name(info.param.algorithm));
                         });

}  // namespace
}  // namespace dojo::collectives::test
