// The preparers: fake IDX sets (plain and gzipped) and text files in a temporary directory, then
// the real Debian packages (dataset-fashion-mnist, fortunes) when installed. Collective: rank 0
// writes, every rank gets the summary or the same user error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>

#include "dojo/io/hdf5.hpp"
#include "dojo/io/prepare.hpp"
#include "dojo/io/validate.hpp"
#include "dojo_test_support.hpp"
#include "io_test_files.hpp"

namespace dojo::io {
namespace {

namespace fs = std::filesystem;
using test::broadcast_string;
using test::on_rank0;
using test::TempDir;
using test::user_error_of;

MPI_Comm world() {
  return dojo::test::world();
}

template <typename T>
std::vector<T> read_whole(const std::string& path, const std::string& name, hid_t memory_type) {
  hdf5::File file = hdf5::open_file(path);
  hdf5::Dataset dataset = hdf5::open_dataset(file.get(), name);
  hdf5::Dataspace space = hdf5::dataspace_of(dataset);
  std::vector<T> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  DOJO_CHECK_HDF5(
      H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()));
  return values;
}

// Files in `dir` other than `keep` (a failed or finished run leaves no temporary file).
std::vector<std::string> other_files(const std::string& dir, const std::string& keep) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename() != keep) names.push_back(entry.path().filename().string());
  return names;
}

std::vector<std::uint8_t> bytes(std::size_t n, int salt) {
  std::vector<std::uint8_t> data(n);
  for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::uint8_t>(i * 7 + salt);
  return data;
}

class FakeFashionMnist : public testing::Test {
 protected:
  // 7 training and 3 test images of 4 x 3 pixels; labels i % 10 (train), 9 - i (test). Mixes
  // plain and gzipped files, as both must work.
  void SetUp() override {
    source_ = dir_.file("source");
    on_rank0(world(), [&] {
      fs::create_directory(source_);
      test::write_idx(source_ + "/train-images-idx3-ubyte", {7, 4, 3}, train_images_, false);
      test::write_idx(source_ + "/train-labels-idx1-ubyte.gz", {7}, train_labels_, true);
      test::write_idx(source_ + "/t10k-images-idx3-ubyte.gz", {3, 4, 3}, test_images_, true);
      test::write_idx(source_ + "/t10k-labels-idx1-ubyte", {3}, test_labels_, false);
    });
  }
  TempDir dir_{world()};
  std::string source_;
  std::vector<std::uint8_t> train_images_ = bytes(7 * 12, 3), test_images_ = bytes(3 * 12, 100);
  std::vector<std::uint8_t> train_labels_ = {0, 1, 2, 3, 4, 5, 6}, test_labels_ = {9, 8, 7};
};

TEST_F(FakeFashionMnist, ConvertsIntoTheLayout) {
  std::string out = dir_.file("fmnist.h5");
  PrepareSummary summary = prepare_fashion_mnist({.out = out, .source = source_}, world());
  EXPECT_EQ(summary.path, out);
  ASSERT_EQ(summary.splits.size(), 2u);
  EXPECT_EQ(summary.splits[0].name, "train");
  EXPECT_EQ(summary.splits[0].count, 7);
  EXPECT_EQ(summary.splits[1].name, "test");
  EXPECT_EQ(summary.splits[1].count, 3);
  EXPECT_EQ(summary.input_files, 4);
  EXPECT_GT(summary.file_bytes, 0);
  EXPECT_NE(summary.describe().front().find("wrote " + out), std::string::npos);

  DatasetInfo info = validate(out, DatasetKind::classification, world());
  EXPECT_EQ(info.sample_shape, (std::vector<std::int64_t>{4, 3}));
  EXPECT_EQ(info.sample_type, ElementType::uint8);
  EXPECT_DOUBLE_EQ(info.scale, 1.0 / 255.0);
  EXPECT_EQ(info.num_classes, 10);
  ASSERT_EQ(info.class_names.size(), 10u);
  EXPECT_EQ(info.class_names[0], "T-shirt/top");
  EXPECT_EQ(info.class_names[9], "Ankle boot");
  on_rank0(world(), [&] {
    EXPECT_EQ(read_whole<std::uint8_t>(out, "train/samples", H5T_NATIVE_UINT8), train_images_);
    EXPECT_EQ(read_whole<std::uint8_t>(out, "test/samples", H5T_NATIVE_UINT8), test_images_);
    EXPECT_EQ(read_whole<std::int32_t>(out, "train/labels", H5T_NATIVE_INT32),
              (std::vector<std::int32_t>{0, 1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(read_whole<std::int32_t>(out, "test/labels", H5T_NATIVE_INT32),
              (std::vector<std::int32_t>{9, 8, 7}));
    EXPECT_EQ(other_files(dir_.path(), "fmnist.h5"), std::vector<std::string>{"source"});
  });
}

TEST_F(FakeFashionMnist, BadSourcesAreUserErrorsOnEveryRank) {
  std::string out = dir_.file("fmnist.h5");
  auto failure = [&](const std::string& source) {
    std::string message =
        user_error_of([&] { prepare_fashion_mnist({.out = out, .source = source}, world()); });
    EXPECT_EQ(message, broadcast_string(world(), message)) << "ranks disagree";
    return message;
  };
  std::string missing_dir = failure(dir_.file("nowhere"));
  EXPECT_NE(missing_dir.find("install the Debian package 'dataset-fashion-mnist'"),
            std::string::npos)
      << missing_dir;

  on_rank0(world(), [&] { fs::remove(source_ + "/t10k-labels-idx1-ubyte"); });
  std::string missing_file = failure(source_);
  EXPECT_NE(missing_file.find("has no t10k-labels-idx1-ubyte[.gz]"), std::string::npos)
      << missing_file;

  on_rank0(world(), [&] {
    test::write_idx(source_ + "/t10k-labels-idx1-ubyte", {3}, {1, 12, 0}, false);
  });
  std::string bad_label = failure(source_);
  EXPECT_NE(bad_label.find("label 12 of image 1 is not a Fashion-MNIST class"), std::string::npos)
      << bad_label;

  on_rank0(world(), [&] {
    test::write_idx(source_ + "/t10k-labels-idx1-ubyte", {4}, {1, 2, 0, 3}, false);
  });
  EXPECT_NE(failure(source_).find("does not hold one label per image"), std::string::npos);

  // A failed run leaves neither the output nor a temporary file.
  on_rank0(world(),
           [&] { EXPECT_EQ(other_files(dir_.path(), "source"), std::vector<std::string>{}); });

  std::string no_dir = dir_.file("no/such/dir/out.h5");
  std::string message =
      user_error_of([&] { prepare_fashion_mnist({.out = no_dir, .source = source_}, world()); });
  EXPECT_NE(message.find("does not exist: create it first"), std::string::npos) << message;
}

TEST(RealFashionMnist, PreparesTheDebianPackage) {
  std::string images = std::string(kFashionMnistDirectory) + "/train-images-idx3-ubyte.gz";
  if (!fs::exists(images))
    GTEST_SKIP() << images << " not found: the Debian package dataset-fashion-mnist is not "
                 << "installed";
  TempDir dir(world());
  std::string out = dir.file("fashion-mnist.h5");
  PrepareSummary summary = prepare_fashion_mnist({.out = out}, world());
  ASSERT_EQ(summary.splits.size(), 2u);
  EXPECT_EQ(summary.splits[0].count, 60000);
  EXPECT_EQ(summary.splits[1].count, 10000);
  on_rank0(world(), [&] {
    for (const auto& line : summary.describe()) std::printf("%s\n", line.c_str());
    DatasetInfo info = validate_local(out, DatasetKind::classification);
    EXPECT_EQ(info.sample_shape, (std::vector<std::int64_t>{28, 28}));
    // Fashion-MNIST is balanced: 6000 training and 1000 test images per class.
    for (auto [split, per_class] : {std::pair{"train", 6000}, std::pair{"test", 1000}}) {
      std::vector<int> counts(10, 0);
      for (auto label : read_whole<std::int32_t>(out, str(split, "/labels"), H5T_NATIVE_INT32))
        ++counts.at(static_cast<std::size_t>(label));
      EXPECT_EQ(counts, std::vector<int>(10, per_class)) << split;
    }
    // Without h5dump the check is reported as skipped (the run exits 77), not silently left out.
    if (std::system("command -v h5dump > /dev/null 2>&1") != 0)
      GTEST_SKIP() << "h5dump is not installed (Debian package hdf5-tools): not checked";
    std::string command = "h5dump -H " + out + " > " + dir.file("dump.txt");
    EXPECT_EQ(std::system(command.c_str()), 0);
    std::ifstream dump(dir.file("dump.txt"));
    std::string text((std::istreambuf_iterator<char>(dump)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("( 60000, 784 )"), std::string::npos) << text;
  });
}

class TextFiles : public testing::Test {
 protected:
  void SetUp() override {
    on_rank0(world(), [&] {
      std::ofstream(a_, std::ios::binary)
          .write(reinterpret_cast<const char*>(a_bytes_.data()), 1000);
      std::ofstream(b_, std::ios::binary).write(reinterpret_cast<const char*>(b_bytes_.data()), 50);
      std::ofstream(empty_, std::ios::binary).flush();
    });
  }
  TempDir dir_{world()};
  std::string a_ = dir_.file("a.txt"), b_ = dir_.file("b.txt"), empty_ = dir_.file("c.txt");
  std::vector<std::uint8_t> a_bytes_ = bytes(1000, 1), b_bytes_ = bytes(50, 2);
};

TEST_F(TextFiles, SplitsTheEndOfEachFileIntoValidation) {
  std::string out = dir_.file("text.h5");
  PrepareSummary summary =
      prepare_text({.inputs = {a_, empty_, b_}, .out = out, .validation_fraction = 0.1}, world());
  ASSERT_EQ(summary.splits.size(), 2u);
  EXPECT_EQ(summary.kind, DatasetKind::tokens);
  EXPECT_EQ(summary.splits[0].name, "train");
  EXPECT_EQ(summary.splits[0].count, 900 + 45);
  EXPECT_EQ(summary.splits[1].name, "validation");
  EXPECT_EQ(summary.splits[1].count, 100 + 5);
  EXPECT_EQ(summary.input_files, 3);
  EXPECT_EQ(summary.input_bytes, 1050);
  on_rank0(world(), [&] {
    std::vector<std::uint8_t> train(a_bytes_.begin(), a_bytes_.begin() + 900);
    train.insert(train.end(), b_bytes_.begin(), b_bytes_.begin() + 45);
    std::vector<std::uint8_t> validation(a_bytes_.begin() + 900, a_bytes_.end());
    validation.insert(validation.end(), b_bytes_.begin() + 45, b_bytes_.end());
    EXPECT_EQ(read_whole<std::uint8_t>(out, "train/tokens", H5T_NATIVE_UINT8), train);
    EXPECT_EQ(read_whole<std::uint8_t>(out, "validation/tokens", H5T_NATIVE_UINT8), validation);
    EXPECT_EQ(validate_local(out, DatasetKind::tokens).vocab_size, 256);
  });

  PrepareSummary whole =
      prepare_text({.inputs = {a_}, .out = out, .validation_fraction = 0}, world());
  ASSERT_EQ(whole.splits.size(), 1u);
  EXPECT_EQ(whole.splits[0].count, 1000);
}

TEST_F(TextFiles, BadInputsAreUserErrors) {
  std::string out = dir_.file("text.h5");
  auto failure = [&](const TextOptions& options) {
    std::string message = user_error_of([&] { prepare_text(options, world()); });
    EXPECT_EQ(message, broadcast_string(world(), message)) << "ranks disagree";
    return message;
  };
  std::string missing = dir_.file("missing.txt");
  EXPECT_NE(failure({.inputs = {a_, missing}, .out = out}).find(missing + ": no such file"),
            std::string::npos);
  EXPECT_NE(failure({.inputs = {a_}, .out = out, .validation_fraction = 1.5})
                .find("--validation-fraction 1.5 is outside [0, 1)"),
            std::string::npos);
  EXPECT_NE(failure({.inputs = {empty_}, .out = out}).find("no text to prepare"),
            std::string::npos);
  EXPECT_NE(failure({.inputs = {b_}, .out = out, .validation_fraction = 0.01})
                .find("the validation split would be empty"),
            std::string::npos);
  EXPECT_NE(failure({.inputs = {dir_.path()}, .out = out}).find("is a directory"),
            std::string::npos);
  EXPECT_NE(failure({.inputs = {a_}, .out = ""}).find("pass --out"), std::string::npos);
}

TEST(Fortunes, DefaultCorpusIsTheDebianPackage) {
  if (!fs::is_directory(kFortunesDirectory))
    GTEST_SKIP() << kFortunesDirectory << " not found: the Debian package fortunes is not "
                 << "installed";
  std::vector<std::string> files = default_text_corpus();
  std::int64_t total = 0;
  for (const auto& file : files) {
    EXPECT_NE(fs::path(file).extension(), ".dat") << file;
    EXPECT_FALSE(fs::is_symlink(file)) << file;
    total += static_cast<std::int64_t>(fs::file_size(file));
  }
  EXPECT_NE(std::find(files.begin(), files.end(), std::string(kFortunesDirectory) + "/fortunes"),
            files.end());

  TempDir dir(world());
  std::string out = dir.file("fortunes.h5");
  TextOptions options;  // no inputs: the default corpus
  options.out = out;
  PrepareSummary summary = prepare_text(options, world());
  EXPECT_EQ(summary.input_files, static_cast<std::int64_t>(files.size()));
  ASSERT_EQ(summary.splits.size(), 2u);
  EXPECT_EQ(summary.splits[0].count + summary.splits[1].count, total);
  EXPECT_NEAR(static_cast<double>(summary.splits[1].count), 0.1 * static_cast<double>(total),
              static_cast<double>(files.size()));
  on_rank0(world(), [&] {
    for (const auto& line : summary.describe()) std::printf("%s\n", line.c_str());
  });
}

TEST(DefaultCorpus, MissingDirectoryNamesThePackage) {
  std::string message = user_error_of([] { default_text_corpus("/nonexistent/fortunes"); });
  EXPECT_NE(message.find("install the Debian package 'fortunes' or pass --in"), std::string::npos)
      << message;
}

}  // namespace
}  // namespace dojo::io
