// Checkpoint round trips against the tensors that went in: replicated pieces, pieces split along
// dim 0, dim 1 and a middle dim written by one layout and read back by another (layout
// independence), metadata, and the file as plain HDF5 and h5dump see it. Exact comparison: the
// values are float32 bit patterns stored and read without arithmetic.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <numeric>

#include "checkpoint_test_tensors.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/io/checkpoint.hpp"
#include "dojo/io/hdf5.hpp"
#include "dojo/io/hdf5_attribute.hpp"
#include "dojo_test_support.hpp"
#include "io_test_files.hpp"

namespace dojo::io {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

int rank_of(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

int size_of(MPI_Comm comm) {
  int size = 0;
  MPI_Comm_size(comm, &size);
  return size;
}

std::int64_t product(const std::vector<std::int64_t>& values) {
  return std::accumulate(values.begin(), values.end(), std::int64_t{1}, std::multiplies<>());
}

// The first `ranks` ranks of the world as their own communicator (null on the others).
mpi::Comm first_ranks(int ranks) {
  MPI_Comm comm = MPI_COMM_NULL;
  int rank = rank_of(dojo::test::world());
  MPI_Comm_split(dojo::test::world(), rank < ranks ? 0 : MPI_UNDEFINED, rank, &comm);
  return mpi::Comm::adopt(comm);
}

TEST(CheckpointRoundTrip, ReplicatedPiecesOnEveryRank) {
  MPI_Comm world = dojo::test::world();
  TempDir dir(world);
  std::vector<test::TestTensor> tensors = {
      {"params/fc1.weight", {7, 5}, 1}, {"params/fc1.bias", {13}, 2},
      {"params/one", {1, 1}, 3},        {"optimizer/m/params/fc1.weight", {3, 4, 5}, 4},
      {"params/none", {0, 4}, 5},
  };
  std::vector<std::vector<float>> data;
  std::vector<TensorPiece> pieces;
  for (const auto& t : tensors) data.push_back(test::whole_tensor(t.id, t.shape));
  for (std::size_t i = 0; i < tensors.size(); ++i)
    pieces.push_back({tensors[i].name, tensors[i].shape, {}, {}, data[i], true});

  fs::path path = save_checkpoint(dir.path(), test::standard_meta(3), pieces, {}, world);
  EXPECT_EQ(path, fs::path(dir.path()) / "step-00000003.h5");

  CheckpointReader reader(path, world);
  ASSERT_EQ(reader.tensors().size(), tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const StoredTensor& stored = reader.tensors()[i];
    EXPECT_EQ(stored.name, tensors[i].name);  // in save order
    EXPECT_EQ(stored.shape, tensors[i].shape);
    EXPECT_EQ(stored.checksum, test::crc_of(data[i])) << stored.name;
    std::vector<float> back(data[i].size(), -1.0f);
    reader.read(stored.name, {}, {}, back);
    EXPECT_EQ(back, data[i]) << stored.name;
  }
  EXPECT_EQ(reader.verify(), "");
  EXPECT_EQ(reader.find("params/missing"), nullptr);
  ASSERT_NE(reader.find("params/fc1.bias"), nullptr);
  EXPECT_EQ(reader.find("params/fc1.bias")->shape, (std::vector<std::int64_t>{13}));

  // Plain serial HDF5 sees a float32 dataset at the logical shape under the tensor's name.
  test::on_rank0(world, [&] {
    hdf5::File file = hdf5::open_file(path.string());
    hdf5::Dataset dataset = hdf5::open_dataset(file.get(), "optimizer/m/params/fc1.weight");
    hdf5::Dataspace space = hdf5::dataspace_of(dataset);
    hsize_t dims[3] = {};
    ASSERT_EQ(H5Sget_simple_extent_dims(space.get(), dims, nullptr), 3);
    EXPECT_EQ(dims[0], 3u);
    EXPECT_EQ(dims[1], 4u);
    EXPECT_EQ(dims[2], 5u);
    std::vector<float> values(60);
    DOJO_CHECK_HDF5(
        H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()));
    EXPECT_EQ(values, data[3]);
    EXPECT_EQ(hdf5::read_int_attribute(dataset.get(), "crc32"),
              static_cast<std::int64_t>(test::crc_of(data[3])));
    EXPECT_EQ(hdf5::read_string_attribute(file.get(), "format"), "dojo-checkpoint");
    EXPECT_EQ(hdf5::read_int_attribute(file.get(), "complete"), 1);
    EXPECT_EQ(hdf5::read_int_attribute(file.get(), "writer_ranks"), size_of(world));
  });
}

TEST(CheckpointRoundTrip, ReadsABoxOfATensor) {
  MPI_Comm world = dojo::test::world();
  TempDir dir(world);
  std::vector<std::int64_t> shape = {6, 7, 3};
  std::vector<float> whole = test::whole_tensor(9, shape);
  std::vector<TensorPiece> pieces = {{"params/t", shape, {}, {}, whole, true}};
  fs::path path = save_checkpoint(dir.path(), test::standard_meta(1), pieces, {}, world);
  CheckpointReader reader(path, world);
  std::vector<std::int64_t> start = {1, 2, 1}, count = {4, 3, 2};
  std::vector<float> box(24);
  reader.read("params/t", start, count, box);
  EXPECT_EQ(box, test::box_of(whole, shape, start, count));
}

// Every tensor of standard_tensors() read by `comm` whole and as a split different from the
// writer's (dim 1 for what was split along dim 0 and the other way round).
void expect_standard_tensors(const CheckpointReader& reader, MPI_Comm comm) {
  int rank = rank_of(comm), ranks = size_of(comm);
  for (const auto& t : test::standard_tensors()) {
    const StoredTensor* stored = reader.find(t.name);
    ASSERT_NE(stored, nullptr) << t.name;
    EXPECT_EQ(stored->shape, t.shape);
    std::vector<float> whole = test::whole_tensor(t.id, t.shape);
    EXPECT_EQ(stored->checksum, test::crc_of(whole)) << t.name;
    std::vector<float> back(whole.size(), -1.0f);
    reader.read(t.name, {}, {}, back);
    EXPECT_EQ(back, whole) << t.name << " read whole";

    std::size_t dim = t.name == "params/rows" || t.name == "params/ragged" ? t.shape.size() - 1 : 0;
    std::vector<std::int64_t> start(t.shape.size(), 0), count = t.shape;
    auto [first, size] = test::share(t.shape[dim], ranks, rank);
    start[dim] = first;
    count[dim] = size;
    std::vector<float> part(static_cast<std::size_t>(product(count)), -1.0f);
    reader.read(t.name, start, count, part);
    EXPECT_EQ(part, test::box_of(whole, t.shape, start, count))
        << t.name << " read as part " << rank << " of " << ranks << " along dim " << dim;
  }
}

TEST(CheckpointRoundTrip, SplitPiecesLoadIntoAnyLayout) {
  MPI_Comm world = dojo::test::world();
  int world_size = size_of(world);
  TempDir dir(world);
  std::vector<int> writers = {world_size};
  if (world_size > 2) writers.push_back(2);
  std::vector<int> readers = {1};
  if (world_size >= 3) readers.push_back(3);
  if (world_size != 1 && world_size != 3) readers.push_back(world_size);

  for (int w : writers) {
    fs::path sub_dir = fs::path(dir.path()) / ("written-by-" + std::to_string(w));
    {
      mpi::Comm writer = first_ranks(w);
      if (writer.valid()) {
        test::TestPieces pieces = test::standard_pieces(writer.rank(), w);
        save_checkpoint(sub_dir, test::standard_meta(5), pieces.pieces, {}, writer.get());
      }
    }
    MPI_Barrier(world);
    for (int r : readers) {
      mpi::Comm reader_comm = first_ranks(r);
      if (!reader_comm.valid()) continue;
      SCOPED_TRACE("written by " + std::to_string(w) + " ranks, read by " + std::to_string(r));
      CheckpointReader reader(sub_dir / "step-00000005.h5", reader_comm.get());
      EXPECT_EQ(reader.verify(), "");
      EXPECT_EQ(compatibility(reader, test::standard_expected()), "");
      expect_standard_tensors(reader, reader_comm.get());
    }
    MPI_Barrier(world);
  }
}

// A tensor-parallel c_attn: every rank hands in three boxes of one tensor (its q, k and v rows,
// consecutive pieces), ranks with the same group rank hand in identical boxes (replicas), and
// tensors that only one rank holds (a pipeline stage's) are held = false elsewhere.
TEST(CheckpointRoundTrip, SeveralBoxesPerRankAndTensorsOfSomeRanks) {
  MPI_Comm world = dojo::test::world();
  TempDir dir(world);
  const int rank = rank_of(world), ranks = size_of(world);
  const int groups = ranks % 2 == 0 ? ranks / 2 : ranks;  // tp; the rest are replicas
  const int group_rank = rank % groups;
  const std::int64_t rows = 2;  // rows per group and part
  const std::vector<std::int64_t> qkv_shape = {3 * rows * groups, 5};
  const std::vector<std::int64_t> first_shape = {5}, last_shape = {4, 3}, shared_shape = {7};
  std::vector<float> qkv = test::whole_tensor(1, qkv_shape);
  std::vector<float> first = test::whole_tensor(2, first_shape);
  std::vector<float> shared = test::whole_tensor(3, shared_shape);
  std::vector<float> last = test::whole_tensor(4, last_shape);

  std::vector<std::vector<float>> boxes;
  std::vector<TensorPiece> pieces;
  pieces.push_back({"params/first", first_shape, {}, {}, first, rank == 0});
  for (std::int64_t part = 0; part < 3; ++part) {
    std::vector<std::int64_t> start = {part * rows * groups + group_rank * rows, 0};
    std::vector<std::int64_t> count = {rows, 5};
    boxes.push_back(test::box_of(qkv, qkv_shape, start, count));
  }
  for (std::int64_t part = 0; part < 3; ++part)
    pieces.push_back({"params/qkv",
                      qkv_shape,
                      {part * rows * groups + group_rank * rows, 0},
                      {rows, 5},
                      boxes[static_cast<std::size_t>(part)],
                      true});
  pieces.push_back({"params/shared", shared_shape, {}, {}, shared, true});
  pieces.push_back({"params/last", last_shape, {}, {}, last, rank == ranks - 1});

  fs::path path = save_checkpoint(dir.path(), test::standard_meta(2), pieces, {}, world);
  CheckpointReader reader(path, world);
  EXPECT_EQ(reader.verify(), "");
  ASSERT_EQ(reader.tensors().size(), 4u);
  const std::vector<std::pair<std::string, const std::vector<float>*>> expected = {
      {"params/first", &first},
      {"params/qkv", &qkv},
      {"params/shared", &shared},
      {"params/last", &last}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(reader.tensors()[i].name, expected[i].first);
    std::vector<float> back(expected[i].second->size(), -1.0f);
    reader.read(expected[i].first, {}, {}, back);
    EXPECT_EQ(back, *expected[i].second) << expected[i].first;
    EXPECT_EQ(reader.tensors()[i].checksum, test::crc_of(*expected[i].second));
  }
}

TEST(CheckpointPieces, BoxesOfOneTensorAreConsecutive) {
  MPI_Comm world = dojo::test::world();
  TempDir dir(world);
  std::vector<float> rows(3, 1.0f), other(2, 1.0f);
  std::vector<TensorPiece> pieces = {{"params/w", {2, 3}, {0, 0}, {1, 3}, rows, true},
                                     {"params/b", {2}, {}, {}, other, true},
                                     {"params/w", {2, 3}, {1, 0}, {1, 3}, rows, true}};
  try {
    save_checkpoint(dir.path(), test::standard_meta(1), pieces, {}, world);
    ADD_FAILURE() << "no error raised";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("params/w is handed in twice"), std::string::npos) << e.message();
  }
  // The same box twice from one rank is an overlap, not a replica.
  pieces = {{"params/w", {2, 3}, {0, 0}, {1, 3}, rows, true},
            {"params/w", {2, 3}, {0, 0}, {1, 3}, rows, true},
            {"params/w", {2, 3}, {1, 0}, {1, 3}, rows, true}};
  try {
    save_checkpoint(dir.path(), test::standard_meta(1), pieces, {}, world);
    ADD_FAILURE() << "no error raised";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("twice"), std::string::npos) << e.message();
  }
  MPI_Barrier(world);
  EXPECT_TRUE(list_checkpoints(dir.path()).empty());
}

TEST(CheckpointRoundTrip, Metadata) {
  MPI_Comm world = dojo::test::world();
  TempDir dir(world);
  CheckpointMeta meta = test::standard_meta(1200);
  meta.counters["big"] = std::int64_t{1} << 50;
  meta.strings["long"] =
      std::string(100000, 'x') + "\nsecond line";  // beyond an attribute's 64 KiB
  meta.config_toml += std::string(70000, '#') + "\n";
  std::vector<float> one = {1.5f};
  std::vector<TensorPiece> pieces = {{"params/scalar_like", {1}, {}, {}, one, true}};
  fs::path path = save_checkpoint(dir.path(), meta, pieces, {}, world);
  EXPECT_EQ(path.filename(), "step-00001200.h5");
  CheckpointReader reader(path, world);
  EXPECT_EQ(reader.meta().step, meta.step);
  EXPECT_EQ(reader.meta().config_toml, meta.config_toml);
  EXPECT_EQ(reader.meta().layout, meta.layout);
  EXPECT_EQ(reader.meta().model, meta.model);
  EXPECT_EQ(reader.meta().counters, meta.counters);
  EXPECT_EQ(reader.meta().strings, meta.strings);
  EXPECT_EQ(reader.path(), path);
}

TEST(CheckpointRoundTrip, NoTensorsAtAll) {
  MPI_Comm world = dojo::test::world();
  TempDir dir(world);
  fs::path path = save_checkpoint(dir.path(), test::standard_meta(2), {}, {}, world);
  CheckpointReader reader(path, world);
  EXPECT_TRUE(reader.tensors().empty());
  EXPECT_EQ(reader.verify(), "");
}

// Runs `command` and returns its exit status and output.
std::pair<int, std::string> run(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, ""};
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  return {pclose(pipe), output};
}

TEST(CheckpointRoundTrip, H5dumpReadsIt) {
  MPI_Comm world = dojo::test::world();
  TempDir dir(world);
  test::TestPieces pieces = test::standard_pieces(rank_of(world), size_of(world));
  fs::path path = save_checkpoint(dir.path(), test::standard_meta(7), pieces.pieces, {}, world);
  if (rank_of(world) != 0) return;
  if (run("command -v h5dump").first != 0) GTEST_SKIP() << "h5dump is not installed (hdf5-tools)";
  auto [status, header] = run("h5dump -H " + path.string());
  EXPECT_EQ(status, 0) << header;
  for (const char* expected : {"DATASET \"rows\"", "H5T_IEEE_F32LE", "( 11, 6 )",
                               "ATTRIBUTE \"crc32\"", "ATTRIBUTE \"complete\"", "GROUP \"meta\""})
    EXPECT_NE(header.find(expected), std::string::npos) << expected << " in\n" << header;
  auto [config_status, config] = run("h5dump -d /meta/config_toml " + path.string());
  EXPECT_EQ(config_status, 0) << config;
  EXPECT_NE(config.find("learning_rate = 0.01"), std::string::npos) << config;
  auto [data_status, data] = run("h5dump -d /params/bias " + path.string());
  EXPECT_EQ(data_status, 0) << data;
  EXPECT_NE(data.find("5000, 5000.25, 5000.5"), std::string::npos) << data;
}

TEST(CheckpointRoundTrip, H5pyReadsIt) {
  MPI_Comm world = dojo::test::world();
  TempDir dir(world);
  test::TestPieces pieces = test::standard_pieces(rank_of(world), size_of(world));
  fs::path path = save_checkpoint(dir.path(), test::standard_meta(7), pieces.pieces, {}, world);
  if (rank_of(world) != 0) return;
  // /usr/bin/python3: the system's, where Debian's python3-h5py lives.
  if (run("/usr/bin/python3 -c 'import h5py'").first != 0)
    GTEST_SKIP() << "h5py not installed (Debian package python3-h5py)";
  std::string script =
      "import h5py; f = h5py.File('" + path.string() +
      "', 'r'); c = f['params/cube']; "
      "print(f.attrs['format'], f.attrs['step'], c.shape, c[1, 2, 3], c.attrs['crc32'], "
      "f['meta/config_toml'][()].decode().splitlines()[0], "
      "f['meta/counters'].attrs['loader.position'], f['meta/strings/rng.rank0'][()].decode())";
  auto [status, output] = run("/usr/bin/python3 -c \"" + script + "\"");
  ASSERT_EQ(status, 0) << output;
  // Element (1, 2, 3) of a (3, 4, 5) tensor is flat index 33: 3000 + 33 / 4.
  std::vector<float> cube = test::whole_tensor(3, {3, 4, 5});
  EXPECT_EQ(output, "dojo-checkpoint 7 (3, 4, 5) 3008.25 " + std::to_string(test::crc_of(cube)) +
                        " [train] 1234 mt19937 1 2 3\n");
}

}  // namespace
}  // namespace dojo::io
