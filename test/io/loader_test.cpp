// The loaders against the one-rank run: on 1, 2 or 4 ranks the shards of global batch s put
// together are the one-rank batch s, with the right contents; seeds and epochs change the order;
// a saved position resumes the same sequence; sequential passes cover a split once.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "dojo/common/error.hpp"
#include "dojo/io/hdf5.hpp"
#include "dojo/io/hdf5_attribute.hpp"
#include "dojo/io/loader.hpp"
#include "dojo/io/writer.hpp"
#include "dojo_test_support.hpp"
#include "io_test_files.hpp"

namespace dojo::io {
namespace {

using test::on_rank0;
using test::TempDir;

MPI_Comm world() {
  return dojo::test::world();
}

int world_size() {
  int size = 1;
  MPI_Comm_size(world(), &size);
  return size;
}

// Every rank's `local` values, concatenated in rank order (ranks may hold different counts).
std::vector<std::int64_t> gather_all(const std::vector<std::int64_t>& local) {
  int size = world_size();
  int count = static_cast<int>(local.size());
  std::vector<int> counts(size), offsets(size, 0);
  MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, world());
  for (int r = 1; r < size; ++r) offsets[r] = offsets[r - 1] + counts[r - 1];
  std::vector<std::int64_t> all(static_cast<std::size_t>(offsets.back() + counts.back()));
  MPI_Allgatherv(local.data(), count, MPI_INT64_T, all.data(), counts.data(), offsets.data(),
                 MPI_INT64_T, world());
  return all;
}

// The ids of `steps` batches, as one rank (MPI_COMM_SELF) reads them.
std::vector<std::vector<std::int64_t>> one_rank_ids(const LoaderOptions& options, int steps) {
  ClassificationLoader loader(options, MPI_COMM_SELF);
  ClassificationBatch batch;
  std::vector<std::vector<std::int64_t>> ids;
  for (int s = 0; s < steps; ++s) {
    loader.next(batch);
    ids.push_back(batch.ids);
  }
  return ids;
}

void expect_contents(const ClassificationBatch& batch, std::int64_t classes) {
  ASSERT_EQ(batch.samples.size(), static_cast<std::size_t>(batch.size * 6));
  for (std::int64_t i = 0; i < batch.size; ++i) {
    std::int64_t id = batch.ids[i];
    for (std::int64_t j = 0; j < 6; ++j)
      ASSERT_EQ(batch.samples[i * 6 + j], test::test_sample_value(id, j)) << "sample " << id;
    ASSERT_EQ(batch.labels[i], test::test_label(id, classes)) << "sample " << id;
  }
}

class Loader : public testing::Test {
 protected:
  void SetUp() override {
    on_rank0(world(), [&] {
      test::write_test_classification(classes_, 103, 10, 4);
      test::write_test_tokens(tokens_, 1000, 99);
    });
  }
  TempDir dir_{world()};
  std::string classes_ = dir_.file("classes.h5"), tokens_ = dir_.file("tokens.h5");
};

TEST_F(Loader, ShardsJoinToTheOneRankBatchAcrossEpochs) {
  LoaderOptions options{.path = classes_, .split = "train", .global_batch = 8, .seed = 11};
  const int steps = 30;  // 12 steps per epoch (103 / 8): crosses two epoch boundaries
  auto reference = one_rank_ids(options, steps);

  ClassificationLoader loader(options, world());
  EXPECT_EQ(loader.steps_per_epoch(), 12);
  EXPECT_EQ(loader.local_batch(), 8 / world_size());
  ClassificationBatch batch;
  for (int s = 0; s < steps; ++s) {
    ASSERT_TRUE(loader.next(batch));
    EXPECT_EQ(batch.size, 8 / world_size());
    EXPECT_EQ(batch.global_size, 8);
    expect_contents(batch, 4);
    EXPECT_EQ(gather_all(batch.ids), reference[s]) << "step " << s;
  }
  EXPECT_EQ(loader.position(), (LoaderPosition{2, 6}));

  // Within an epoch no sample repeats; the next epoch is another order.
  std::set<std::int64_t> epoch0;
  for (int s = 0; s < 12; ++s) epoch0.insert(reference[s].begin(), reference[s].end());
  EXPECT_EQ(epoch0.size(), 96u);
  EXPECT_NE(reference[0], reference[12]);
}

TEST_F(Loader, SeedsGiveDifferentOrders) {
  LoaderOptions options{.path = classes_, .split = "train", .global_batch = 8, .seed = 1};
  auto a = one_rank_ids(options, 3);
  options.seed = 2;
  auto b = one_rank_ids(options, 3);
  EXPECT_NE(a, b);
  options.seed = 1;
  EXPECT_EQ(a, one_rank_ids(options, 3));  // and the same seed the same order
}

TEST_F(Loader, SavedPositionResumesTheSameSequence) {
  LoaderOptions options{.path = classes_, .split = "train", .global_batch = 4, .seed = 5};
  ClassificationBatch batch;
  LoaderPosition saved;
  std::vector<std::vector<std::int64_t>> expected;
  {
    ClassificationLoader loader(options, world());
    for (int s = 0; s < 23; ++s) loader.next(batch);  // into epoch 0's last steps (25 per epoch)
    saved = loader.position();
    for (int s = 0; s < 6; ++s) {  // crosses into epoch 1
      loader.next(batch);
      expected.push_back(batch.ids);
    }
  }
  EXPECT_EQ(saved, (LoaderPosition{0, 23}));
  ClassificationLoader resumed(options, world());
  resumed.seek(saved);
  for (int s = 0; s < 6; ++s) {
    resumed.next(batch);
    EXPECT_EQ(batch.ids, expected[s]) << "step " << s << " after resuming";
  }
  EXPECT_EQ(resumed.position(), (LoaderPosition{1, 4}));
  std::string message;
  try {
    resumed.seek({0, 25});
  } catch (const Error& e) {
    message = e.message();
  }
  EXPECT_NE(message.find("an epoch has 25 steps of global batch 4"), std::string::npos) << message;
}

TEST_F(Loader, SequentialPassCoversTheSplitOnceThenRestarts) {
  // 10 test samples, global batch 4 x ranks: the last batch is short and spread over the ranks.
  const std::int64_t batch_size = 4 * world_size();
  LoaderOptions options{
      .path = classes_, .split = "test", .global_batch = batch_size, .order = Order::sequential};
  ClassificationLoader loader(options, world());
  ClassificationBatch batch;
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<std::int64_t> seen;
    int batches = 0;
    while (loader.next(batch)) {
      expect_contents(batch, 4);
      auto ids = gather_all(batch.ids);
      EXPECT_EQ(static_cast<std::int64_t>(ids.size()), batch.global_size);
      seen.insert(seen.end(), ids.begin(), ids.end());
      ++batches;
    }
    EXPECT_EQ(batch.size, 0);
    EXPECT_EQ(batches, (10 + batch_size - 1) / batch_size);
    std::vector<std::int64_t> all(10);
    std::iota(all.begin(), all.end(), 0);
    EXPECT_EQ(seen, all) << "pass " << pass;
    EXPECT_EQ(loader.position(), (LoaderPosition{pass + 1, 0}));
  }
}

TEST_F(Loader, TrainAndTestLoadersOfOneFileAtOnce) {
  ClassificationLoader train({.path = classes_, .split = "train", .global_batch = 4}, world());
  ClassificationLoader test(
      {.path = classes_, .split = "test", .global_batch = 4, .order = Order::sequential}, world());
  ClassificationBatch a, b;
  train.next(a);
  test.next(b);
  expect_contents(a, 4);
  expect_contents(b, 4);
  train.next(a);
  expect_contents(a, 4);
}

TEST_F(Loader, UintSamplesAreScaled) {
  std::string path = dir_.file("bytes.h5");
  on_rank0(world(), [&] {
    std::vector<std::uint8_t> samples(16 * 2);
    std::vector<std::int32_t> labels(16);
    for (int i = 0; i < 16; ++i) {
      samples[2 * i] = static_cast<std::uint8_t>(i);
      samples[2 * i + 1] = 255;
      labels[i] = i % 2;
    }
    DatasetWriter writer(path, DatasetKind::classification, "bytes", "test");
    writer.add_classification_split("train", {{2}, 2, {}}, samples, 1.0 / 255.0, labels);
    writer.close();
  });
  ClassificationLoader loader({.path = path, .global_batch = 4}, world());
  ClassificationBatch batch;
  loader.next(batch);
  for (std::int64_t i = 0; i < batch.size; ++i) {
    EXPECT_FLOAT_EQ(batch.samples[2 * i], static_cast<float>(batch.ids[i]) / 255.0f);
    EXPECT_FLOAT_EQ(batch.samples[2 * i + 1], 1.0f);
    EXPECT_EQ(batch.labels[i], batch.ids[i] % 2);
  }
}

TEST_F(Loader, ChunkedCompressedFilesFromOtherToolsLoad) {
  // What h5py writes with compression="gzip": chunked, deflated; the loader reads it the same.
  std::string path = dir_.file("chunked.h5");
  on_rank0(world(), [&] {
    test::write_test_classification(path, 40, 1, 4);
    hdf5::File file(DOJO_CHECK_HDF5(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)));
    std::vector<float> samples;
    for (std::int64_t i = 0; i < 40; ++i)
      for (std::int64_t j = 0; j < 6; ++j) samples.push_back(test::test_sample_value(i, j));
    DOJO_CHECK_HDF5(H5Ldelete(file.get(), "train/samples", H5P_DEFAULT));
    hsize_t dims[2] = {40, 6}, chunk[2] = {7, 6};
    hdf5::Dataspace space(DOJO_CHECK_HDF5(H5Screate_simple(2, dims, nullptr)));
    hdf5::PropertyList create = hdf5::create_plist(H5P_DATASET_CREATE);
    DOJO_CHECK_HDF5(H5Pset_chunk(create.get(), 2, chunk));
    DOJO_CHECK_HDF5(H5Pset_deflate(create.get(), 4));
    hdf5::Dataset dataset(
        DOJO_CHECK_HDF5(H5Dcreate2(file.get(), "train/samples", H5T_IEEE_F32LE, space.get(),
                                   H5P_DEFAULT, create.get(), H5P_DEFAULT)));
    DOJO_CHECK_HDF5(
        H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, samples.data()));
    hdf5::write_attribute(dataset.get(), "shape", std::vector<std::int64_t>{2, 3});
  });
  ClassificationLoader loader({.path = path, .global_batch = 8, .seed = 2}, world());
  ClassificationBatch batch;
  for (int s = 0; s < 7; ++s) {
    loader.next(batch);
    expect_contents(batch, 4);
  }
}

void expect_windows(const TokenBatch& batch) {
  const std::int64_t t = batch.context_length;
  for (std::int64_t i = 0; i < batch.size; ++i)
    for (std::int64_t k = 0; k < t; ++k) {
      ASSERT_EQ(batch.inputs[i * t + k], test::test_token(batch.starts[i] + k));
      ASSERT_EQ(batch.targets[i * t + k], test::test_token(batch.starts[i] + k + 1));
    }
}

TEST_F(Loader, TokenWindowsJoinToTheOneRankBatch) {
  LoaderOptions options{
      .path = tokens_, .split = "train", .global_batch = 8, .seed = 3, .context_length = 7};
  std::vector<std::vector<std::int64_t>> reference;
  {
    TokenLoader one(options, MPI_COMM_SELF);
    EXPECT_EQ(one.items(), 1000 - 7);
    TokenBatch batch;
    for (int s = 0; s < 5; ++s) {
      one.next(batch);
      reference.push_back(batch.starts);
    }
  }
  TokenLoader loader(options, world());
  TokenBatch batch;
  for (int s = 0; s < 5; ++s) {
    loader.next(batch);
    EXPECT_EQ(batch.size, 8 / world_size());
    expect_windows(batch);
    for (auto start : batch.starts) EXPECT_LE(start + 7, 999);  // the window fits
    EXPECT_EQ(gather_all(batch.starts), reference[s]) << "step " << s;
  }
}

TEST_F(Loader, TokenValidationPassIsNonOverlappingWindows) {
  // 99 tokens, T = 7: windows start at 0, 7, ..., 91 (14 windows; the last ends at token 98).
  LoaderOptions options{.path = tokens_,
                        .split = "validation",
                        .global_batch = 4 * world_size(),
                        .order = Order::sequential,
                        .context_length = 7};
  TokenLoader loader(options, world());
  EXPECT_EQ(loader.items(), 14);
  TokenBatch batch;
  std::vector<std::int64_t> starts;
  while (loader.next(batch)) {
    expect_windows(batch);
    auto all = gather_all(batch.starts);
    starts.insert(starts.end(), all.begin(), all.end());
  }
  std::vector<std::int64_t> expected;
  for (std::int64_t k = 0; k < 14; ++k) expected.push_back(7 * k);
  EXPECT_EQ(starts, expected);
}

}  // namespace
}  // namespace dojo::io
