// What happens around a checkpoint: keeping the last K, the `latest` pointer, and the checkpoints
// that must not be resumed from (corrupt data, truncated, not a checkpoint, incomplete, a
// different model), which find_latest_valid skips with a warning naming them. Also the mistakes
// in the pieces handed in, which are one error on every rank before any file is written.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "checkpoint_test_tensors.hpp"
#include "dojo/common/error.hpp"
#include "dojo/io/checkpoint.hpp"
#include "dojo/io/hdf5.hpp"
#include "dojo/io/hdf5_attribute.hpp"
#include "dojo_test_support.hpp"
#include "io_test_files.hpp"

namespace dojo::io {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(dojo::test::world(), &rank);
  return rank;
}

int world_size() {
  int size = 0;
  MPI_Comm_size(dojo::test::world(), &size);
  return size;
}

fs::path save_standard(const fs::path& dir, std::int64_t step, int keep = 3) {
  test::TestPieces pieces = test::standard_pieces(world_rank(), world_size());
  return save_checkpoint(dir, test::standard_meta(step), pieces.pieces, {keep},
                         dojo::test::world());
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& path : list_checkpoints(dir)) names.push_back(path.filename().string());
  return names;
}

std::string latest_of(const fs::path& dir) {
  std::ifstream in(dir / "latest");
  std::string line;
  std::getline(in, line);
  return line;
}

void write_latest(const fs::path& dir, const std::string& text) {
  test::on_rank0(dojo::test::world(), [&] { std::ofstream(dir / "latest") << text << "\n"; });
}

// Warnings are printed by rank 0 (the others print nothing to check).
void expect_logged(const std::string& log, const std::string& text) {
  if (world_rank() != 0) return;
  EXPECT_NE(log.find(text), std::string::npos) << text << " in:\n" << log;
}

// find_latest_valid with what it logged (stderr of this rank).
std::pair<std::optional<fs::path>, std::string> find_with_log(
    const fs::path& dir, const std::vector<ExpectedTensor>& expected) {
  testing::internal::CaptureStderr();
  std::optional<fs::path> found = find_latest_valid(dir, expected, dojo::test::world());
  return {found, testing::internal::GetCapturedStderr()};
}

// Flips bytes in the stored data of `tensor` (found with plain HDF5).
void corrupt(const fs::path& path, const std::string& tensor) {
  haddr_t offset = 0;
  {
    hdf5::File file = hdf5::open_file(path.string());
    hdf5::Dataset dataset = hdf5::open_dataset(file.get(), tensor);
    offset = H5Dget_offset(dataset.get());
    ASSERT_NE(offset, HADDR_UNDEF);
  }
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(offset + 4));
  file.write("\xde\xad", 2);
}

void truncate_to_half(const fs::path& path) {
  fs::resize_file(path, fs::file_size(path) / 2);
}

TEST(CheckpointDirectory, KeepsTheLastK) {
  TempDir dir(dojo::test::world());
  for (int step = 1; step <= 5; ++step) save_standard(dir.path(), step, 2);
  EXPECT_EQ(names_in(dir.path()),
            (std::vector<std::string>{"step-00000004.h5", "step-00000005.h5"}));
  EXPECT_EQ(latest_of(dir.path()), "step-00000005.h5");

  // A run resumed from an earlier step: what it writes is kept and named by `latest`; the later
  // checkpoints of the abandoned run are left alone (and overwritten when it gets there).
  save_standard(dir.path(), 3, 2);
  EXPECT_EQ(names_in(dir.path()),
            (std::vector<std::string>{"step-00000003.h5", "step-00000004.h5", "step-00000005.h5"}));
  EXPECT_EQ(latest_of(dir.path()), "step-00000003.h5");
  save_standard(dir.path(), 6, 1);
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"step-00000006.h5"}));

  // keep <= 0 keeps everything.
  for (int step = 7; step <= 9; ++step) save_standard(dir.path(), step, 0);
  EXPECT_EQ(names_in(dir.path()).size(), 4u);
}

TEST(CheckpointDirectory, LatestIsTheCommitPoint) {
  TempDir dir(dojo::test::world());
  auto expected = test::standard_expected();
  for (int step = 1; step <= 3; ++step) save_standard(dir.path(), step);
  auto [found, log] = find_with_log(dir.path(), expected);
  EXPECT_EQ(found, fs::path(dir.path()) / "step-00000003.h5");
  EXPECT_EQ(log, "");

  // `latest` naming an older one (a crash between rename and pointer update) wins.
  write_latest(dir.path(), "step-00000002.h5");
  EXPECT_EQ(find_latest_valid(dir.path(), expected, dojo::test::world()),
            fs::path(dir.path()) / "step-00000002.h5");

  write_latest(dir.path(), "step-00000042.h5");
  std::tie(found, log) = find_with_log(dir.path(), expected);
  EXPECT_EQ(found, fs::path(dir.path()) / "step-00000003.h5");
  expect_logged(log,
                "step-00000042.h5 (named by latest) does not exist; falling back to "
                "step-00000003.h5");

  write_latest(dir.path(), "../elsewhere/step-00000001.h5");
  std::tie(found, log) = find_with_log(dir.path(), expected);
  EXPECT_EQ(found, fs::path(dir.path()) / "step-00000003.h5");
  expect_logged(log, "is not named like a checkpoint");
}

TEST(CheckpointDirectory, EmptyOrMissing) {
  TempDir dir(dojo::test::world());
  auto expected = test::standard_expected();
  auto [found, log] = find_with_log(dir.path(), expected);
  EXPECT_EQ(found, std::nullopt);
  EXPECT_EQ(log, "");
  fs::path missing = fs::path(dir.path()) / "no-such-dir";
  EXPECT_EQ(find_latest_valid(missing, expected, dojo::test::world()), std::nullopt);
  EXPECT_TRUE(list_checkpoints(missing).empty());
  // Temporaries and other files are not checkpoints.
  test::on_rank0(dojo::test::world(), [&] {
    std::ofstream(fs::path(dir.path()) / ".step-00000001.h5.tmp") << "half";
    std::ofstream(fs::path(dir.path()) / "step-1.h5.bak") << "x";
    std::ofstream(fs::path(dir.path()) / "notes.txt") << "x";
  });
  EXPECT_TRUE(list_checkpoints(dir.path()).empty());
  EXPECT_EQ(find_latest_valid(dir.path(), expected, dojo::test::world()), std::nullopt);
}

TEST(CheckpointDirectory, RemovesTemporariesOfInterruptedSaves) {
  TempDir dir(dojo::test::world());
  test::on_rank0(dojo::test::world(), [&] {
    std::ofstream(fs::path(dir.path()) / ".step-00000009.h5.tmp") << "half written";
    std::ofstream(fs::path(dir.path()) / ".latest.tmp") << "step-";
  });
  save_standard(dir.path(), 1);
  MPI_Barrier(dojo::test::world());
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / ".step-00000009.h5.tmp"));
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / ".latest.tmp"));
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / ".step-00000001.h5.tmp"));
}

TEST(CheckpointDirectory, UnwritableDirectoryIsAUserError) {
  TempDir dir(dojo::test::world());
  fs::path file = fs::path(dir.path()) / "a-file";
  test::on_rank0(dojo::test::world(), [&] { std::ofstream(file) << "x"; });
  std::string message = test::user_error_of([&] { save_standard(file / "sub", 1); });
  EXPECT_NE(message.find("cannot be created"), std::string::npos) << message;
}

TEST(CheckpointCorruption, FlippedBytesAreFoundAndSkipped) {
  TempDir dir(dojo::test::world());
  auto expected = test::standard_expected();
  save_standard(dir.path(), 1);
  fs::path newest = save_standard(dir.path(), 2);
  test::on_rank0(dojo::test::world(), [&] { corrupt(newest, "params/cols"); });

  {
    CheckpointReader reader(newest, dojo::test::world());
    std::string problem = reader.verify();
    EXPECT_EQ(problem.rfind("params/cols does not match its checksum (stored 0x", 0), 0) << problem;
    CheckpointInspection inspection = inspect_checkpoint(newest, true, dojo::test::world());
    EXPECT_EQ(inspection.checksum_problem, problem);
    EXPECT_NE(inspection.report.find("checksums: MISMATCH: params/cols"), std::string::npos);
  }
  auto [found, log] = find_with_log(dir.path(), expected);
  EXPECT_EQ(found, fs::path(dir.path()) / "step-00000001.h5");
  expect_logged(log,
                "step-00000002.h5 (named by latest) is corrupt (params/cols does not match "
                "its checksum");
  expect_logged(log, "; falling back to step-00000001.h5");
}

TEST(CheckpointCorruption, TruncatedFileIsFoundAndSkipped) {
  TempDir dir(dojo::test::world());
  auto expected = test::standard_expected();
  save_standard(dir.path(), 1);
  fs::path newest = save_standard(dir.path(), 2);
  test::on_rank0(dojo::test::world(), [&] { truncate_to_half(newest); });

  std::string message =
      test::user_error_of([&] { CheckpointReader reader(newest, dojo::test::world()); });
  EXPECT_NE(message.find("step-00000002.h5 is truncated ("), std::string::npos) << message;
  auto [found, log] = find_with_log(dir.path(), expected);
  EXPECT_EQ(found, fs::path(dir.path()) / "step-00000001.h5");
  expect_logged(log, "step-00000002.h5 (named by latest) is truncated (");

  // When nothing is left, there is nothing to resume from.
  test::on_rank0(dojo::test::world(),
                 [&] { truncate_to_half(fs::path(dir.path()) / "step-00000001.h5"); });
  std::tie(found, log) = find_with_log(dir.path(), expected);
  EXPECT_EQ(found, std::nullopt);
  expect_logged(log, "step-00000001.h5 is truncated (");
  expect_logged(log, "no earlier checkpoint to fall back to");
}

TEST(CheckpointCorruption, NotACheckpointOrIncomplete) {
  TempDir dir(dojo::test::world());
  fs::path text = fs::path(dir.path()) / "step-00000001.h5";
  fs::path plain = fs::path(dir.path()) / "step-00000002.h5";
  fs::path incomplete = fs::path(dir.path()) / "step-00000003.h5";
  test::on_rank0(dojo::test::world(), [&] {
    std::ofstream(text) << "not HDF5 at all";
    hdf5::create_file(plain.string());
    hdf5::File file = hdf5::create_file(incomplete.string());
    hdf5::write_attribute(file.get(), "format", "dojo-checkpoint");
    hdf5::write_attribute(file.get(), "format_version", std::int64_t{1});
  });
  MPI_Comm world = dojo::test::world();
  auto open = [&](const fs::path& path) {
    return test::user_error_of([&] { CheckpointReader reader(path, world); });
  };
  EXPECT_EQ(open(text), text.string() + " is not an HDF5 file");
  EXPECT_EQ(open(plain).rfind(plain.string() + " is not a dojo checkpoint", 0), 0u);
  EXPECT_EQ(open(incomplete).rfind(incomplete.string() + " is incomplete", 0), 0u);
  fs::path missing = fs::path(dir.path()) / "step-00000004.h5";
  EXPECT_EQ(open(missing), missing.string() + " does not exist");
  EXPECT_EQ(find_latest_valid(dir.path(), {}, world), std::nullopt);
}

TEST(CheckpointCompatibility, NamesTheFirstDifference) {
  TempDir dir(dojo::test::world());
  MPI_Comm world = dojo::test::world();
  std::vector<float> w(12, 1.0f), b(3, 2.0f);
  std::vector<TensorPiece> pieces = {{"params/w", {4, 3}, {}, {}, w, true},
                                     {"params/b", {3}, {}, {}, b, true},
                                     {"optimizer/m/params/w", {4, 3}, {}, {}, w, true}};
  fs::path old_model = save_checkpoint(dir.path(), test::standard_meta(1), pieces, {}, world);
  pieces[0].shape = {3, 4};
  fs::path new_model = save_checkpoint(dir.path(), test::standard_meta(2), pieces, {}, world);

  std::vector<ExpectedTensor> expected = {{"params/w", {4, 3}}, {"params/b", {3}}};
  {
    CheckpointReader reader(new_model, world);
    EXPECT_EQ(compatibility(reader, expected), "params/w has shape (3, 4); this model's is (4, 3)");
    EXPECT_EQ(compatibility(reader, std::vector<ExpectedTensor>{{"params/w", {3, 4}}}),
              "the checkpoint has params/b (3), which this model does not");
    EXPECT_EQ(compatibility(reader,
                            std::vector<ExpectedTensor>{
                                {"params/w", {3, 4}}, {"params/b", {3}}, {"params/c", {2}}}),
              "params/c (2) is missing from the checkpoint");
    // Only params/ must match exactly: optimizer state beyond the expected is fine.
    EXPECT_EQ(
        compatibility(reader, std::vector<ExpectedTensor>{{"params/w", {3, 4}}, {"params/b", {3}}}),
        "");
  }
  auto [found, log] = find_with_log(dir.path(), expected);
  EXPECT_EQ(found, old_model);
  expect_logged(log,
                "step-00000002.h5 (named by latest) is incompatible (params/w has shape "
                "(3, 4); this model's is (4, 3)); falling back to step-00000001.h5");
}

// The same internal error on every rank, and no checkpoint written.
std::string internal_error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal) << e.message();
    return e.message();
  }
  ADD_FAILURE() << "no error raised";
  return "";
}

TEST(CheckpointPieces, MistakesAreOneErrorOnEveryRank) {
  TempDir dir(dojo::test::world());
  MPI_Comm world = dojo::test::world();
  int rank = world_rank(), ranks = world_size();
  std::vector<float> data(12, 1.0f);
  auto save = [&](std::vector<TensorPiece> pieces) {
    save_checkpoint(dir.path(), test::standard_meta(1), pieces, {}, world);
  };

  // Overlapping boxes that are not identical (only possible with 2 or more ranks).
  if (ranks > 1) {
    std::int64_t first = rank == 0 ? 0 : 1;
    std::vector<float> rows(static_cast<std::size_t>((4 - first) * 3), 1.0f);
    std::string message = internal_error_of([&] {
      save({{"params/w", {4, 3}, {first, 0}, {4 - first, 3}, rows, true}});
    });
    EXPECT_NE(message.find("hold overlapping but different boxes"), std::string::npos) << message;
  }
  // Elements nobody holds.
  std::vector<float> half(6, 1.0f);
  std::string message = internal_error_of([&] {
    save({{"params/w", {4, 3}, {0, 0}, {2, 3}, half, true}});
  });
  EXPECT_NE(message.find("cover"), std::string::npos) << message;
  // Data of the wrong size on one rank only.
  std::vector<float> short_data(rank == ranks - 1 ? 11 : 12, 1.0f);
  message = internal_error_of([&] { save({{"params/w", {4, 3}, {}, {}, short_data, true}}); });
  EXPECT_NE(message.find("hands in data whose size is not the product"), std::string::npos)
      << message;
  // A different shape on one rank.
  std::vector<std::int64_t> shape =
      rank == ranks - 1 ? std::vector<std::int64_t>{3, 4} : std::vector<std::int64_t>{4, 3};
  if (ranks > 1) {
    message = internal_error_of([&] { save({{"params/w", shape, {}, {}, data, true}}); });
    EXPECT_NE(message.find("names a different tensor or shape"), std::string::npos) << message;
  }
  // A name inside meta/, on one rank only.
  std::string name = rank == ranks - 1 ? "meta/w" : "params/w";
  message = internal_error_of([&] { save({{name, {4, 3}, {}, {}, data, true}}); });
  EXPECT_NE(message.find("'meta/w' is not a relative dataset path outside meta/"),
            std::string::npos)
      << message;
  MPI_Barrier(world);
  EXPECT_TRUE(fs::is_empty(dir.path()) || list_checkpoints(dir.path()).empty());
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / "latest"));
}

}  // namespace
}  // namespace dojo::io
