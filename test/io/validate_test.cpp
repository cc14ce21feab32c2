// Bad data gives one user error, alike on every rank, naming the file and the problem: missing,
// not HDF5, truncated, corrupt, not dojo, wrong kind, layout, dtype, rank, attributes, empty
// split, bad labels, unwritten data; and bad loader options against a good file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include "dojo/io/hdf5.hpp"
#include "dojo/io/hdf5_attribute.hpp"
#include "dojo/io/loader.hpp"
#include "dojo/io/validate.hpp"
#include "dojo/io/writer.hpp"
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

// The user error of `call` on every rank; checks that it names `path` and contains `problem`,
// and that every rank raised the same message.
void expect_user_error(const std::function<void()>& call, const std::string& path,
                       const std::string& problem) {
  std::string message = user_error_of(call);
  EXPECT_NE(message.find(path), std::string::npos) << "message does not name the file: " << message;
  EXPECT_NE(message.find(problem), std::string::npos)
      << "message does not say '" << problem << "': " << message;
  EXPECT_EQ(message, broadcast_string(world(), message)) << "ranks disagree";
  EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
  int rank = 0;
  MPI_Comm_rank(world(), &rank);
  if (rank == 0) std::printf("  user error: %s\n", message.c_str());  // for people reading the log
}

void expect_bad_file(const std::string& path, const std::string& problem,
                     DatasetKind kind = DatasetKind::classification) {
  expect_user_error([&] { validate(path, kind, world()); }, path, problem);
}

// A copy of a valid classification file, changed by `edit` through the raw HDF5 API.
void edited_copy(const std::string& good, const std::string& path,
                 const std::function<void(hid_t file)>& edit) {
  fs::copy_file(good, path, fs::copy_options::overwrite_existing);
  hdf5::quiet_errors();
  hdf5::File file(DOJO_CHECK_HDF5(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)));
  edit(file.get());
}

// Replaces /train/<name> by a dataset of `type` and `dims`, written with zeros or left unwritten.
void replace_dataset(hid_t file, const std::string& name, hid_t type, std::vector<hsize_t> dims,
                     bool write) {
  std::string path = "train/" + name;
  DOJO_CHECK_HDF5(H5Ldelete(file, path.c_str(), H5P_DEFAULT));
  hdf5::Dataspace space(
      DOJO_CHECK_HDF5(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr)));
  hdf5::Dataset dataset(DOJO_CHECK_HDF5(
      H5Dcreate2(file, path.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
  std::size_t elements = 1;
  for (auto d : dims) elements *= d;
  std::vector<double> zeros(elements, 0.0);
  if (write)
    DOJO_CHECK_HDF5(
        H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros.data()));
}

class BadData : public testing::Test {
 protected:
  void SetUp() override {
    good_ = dir_.file("good.h5");
    tokens_ = dir_.file("tokens.h5");
    on_rank0(world(), [&] {
      test::write_test_classification(good_, 20, 5);
      test::write_test_tokens(tokens_, 100, 20);
    });
  }
  // Rank 0 makes `name` with `make(path)`; returns the path on every rank.
  std::string make(const std::string& name, const std::function<void(const std::string&)>& how) {
    std::string path = dir_.file(name);
    on_rank0(world(), [&] { how(path); });
    return path;
  }
  TempDir dir_{world()};
  std::string good_, tokens_;
};

TEST_F(BadData, GoodFilesPass) {
  EXPECT_EQ(validate(good_, DatasetKind::classification, world()).splits.size(), 2u);
  EXPECT_EQ(validate(tokens_, DatasetKind::tokens, world()).splits.size(), 2u);
  EXPECT_EQ(validate(tokens_, std::nullopt, world()).kind, DatasetKind::tokens);
}

TEST_F(BadData, MissingFile) {
  expect_bad_file(dir_.file("absent.h5"), "no such file");
}

TEST_F(BadData, Directory) {
  expect_bad_file(dir_.path(), "is a directory");
}

TEST_F(BadData, NotHdf5) {
  auto path = make("garbage.h5", [](const std::string& p) {
    std::ofstream out(p, std::ios::binary);
    std::mt19937 random(1);
    for (int i = 0; i < 5000; ++i) out.put(static_cast<char>(random()));
  });
  expect_bad_file(path, "not an HDF5 file");
}

TEST_F(BadData, TruncatedCopy) {
  auto path = make("truncated.h5", [&](const std::string& p) {
    fs::copy_file(good_, p);
    fs::resize_file(p, fs::file_size(good_) / 2);
  });
  expect_bad_file(path, "truncated file");
}

TEST_F(BadData, CorruptMetadata) {
  // Scrambles the bytes after the superblock: the root group's header, heap and B-tree.
  auto path = make("corrupt.h5", [&](const std::string& p) {
    fs::copy_file(good_, p);
    std::fstream file(p, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(96);
    std::mt19937 random(7);
    for (int i = 0; i < 1500; ++i) file.put(static_cast<char>(random()));
  });
  expect_bad_file(path, "damaged HDF5 file");
}

TEST_F(BadData, Hdf5ButNotDojo) {
  auto path = make("plain.h5", [](const std::string& p) { hdf5::create_file(p); });
  expect_bad_file(path, "not a dojo data set");
}

TEST_F(BadData, WrongKind) {
  expect_bad_file(tokens_, "holds 'tokens' data but this job needs 'classification' data");
  expect_bad_file(good_, "holds 'classification' data but this job needs 'tokens'",
                  DatasetKind::tokens);
}

TEST_F(BadData, NewerFormatVersion) {
  auto path = make("v2.h5", [&](const std::string& p) {
    edited_copy(good_, p,
                [](hid_t f) { hdf5::write_attribute(f, "format_version", std::int64_t{2}); });
  });
  expect_bad_file(path, "format_version 2 is not supported");
}

TEST_F(BadData, MissingDataset) {
  auto path = make("no-labels.h5", [&](const std::string& p) {
    edited_copy(good_, p,
                [](hid_t f) { DOJO_CHECK_HDF5(H5Ldelete(f, "train/labels", H5P_DEFAULT)); });
  });
  expect_bad_file(path, "dataset /train/labels missing");
}

TEST_F(BadData, MissingAttribute) {
  auto path = make("no-classes.h5", [&](const std::string& p) {
    edited_copy(good_, p, [](hid_t f) {
      DOJO_CHECK_HDF5(H5Adelete_by_name(f, "test/labels", "num_classes", H5P_DEFAULT));
    });
  });
  expect_bad_file(path, "attribute 'num_classes' missing on /test/labels");
}

TEST_F(BadData, WrongAttributeType) {
  auto text = make("text-classes.h5", [&](const std::string& p) {
    edited_copy(good_, p, [](hid_t f) {
      hdf5::Dataset labels = hdf5::open_dataset(f, "train/labels");
      hdf5::write_attribute(labels.get(), "num_classes", std::string("four"));
    });
  });
  expect_bad_file(text, "attribute 'num_classes' on /train/labels must be an integer");
  auto scalar = make("scalar-shape.h5", [&](const std::string& p) {
    edited_copy(good_, p, [](hid_t f) {
      hdf5::Dataset samples = hdf5::open_dataset(f, "train/samples");
      hdf5::write_attribute(samples.get(), "shape", std::int64_t{6});
    });
  });
  expect_bad_file(scalar, "attribute 'shape' on /train/samples must be a 1-D array of integers");
}

TEST_F(BadData, WrongDtype) {
  auto path = make("float64.h5", [&](const std::string& p) {
    edited_copy(good_, p, [](hid_t f) {
      replace_dataset(f, "samples", H5T_IEEE_F64LE, {20, 6}, true);
    });
  });
  expect_bad_file(path, "/train/samples is float64, expected float32 or uint8");
}

TEST_F(BadData, WrongRank) {
  auto path = make("labels2d.h5", [&](const std::string& p) {
    edited_copy(good_, p, [](hid_t f) {
      replace_dataset(f, "labels", H5T_STD_I32LE, {20, 1}, true);
    });
  });
  expect_bad_file(path, "/train/labels has 2 dimension(s), expected 1");
}

TEST_F(BadData, UnwrittenData) {
  auto path = make("unwritten.h5", [&](const std::string& p) {
    edited_copy(good_, p, [](hid_t f) {
      replace_dataset(f, "labels", H5T_STD_I32LE, {20}, false);
      hdf5::Dataset labels = hdf5::open_dataset(f, "train/labels");
      hdf5::write_attribute(labels.get(), "num_classes", std::int64_t{4});
    });
  });
  expect_bad_file(path, "/train/labels holds 0 of its 80 bytes");
}

TEST_F(BadData, LabelOutOfRange) {
  auto path = make("label9.h5", [&](const std::string& p) {
    edited_copy(good_, p, [](hid_t f) {
      hdf5::Dataset labels = hdf5::open_dataset(f, "train/labels");
      hdf5::write_attribute(labels.get(), "num_classes", std::int64_t{3});
      hdf5::write_attribute(labels.get(), "class_names", std::vector<std::string>{"a", "b", "c"});
    });
  });
  // Labels are i % 4: the first 3 is at row 3.
  expect_bad_file(path, "/train/labels[3] = 3 is not a valid label (expected 0 to 2)");
}

TEST_F(BadData, EmptySplit) {
  auto path = make("empty.h5", [](const std::string& p) {
    DatasetWriter writer(p, DatasetKind::classification, "empty", "test");
    writer.add_classification_split("train", {{4}, 2, {}}, std::span<const float>(),
                                    std::span<const std::int32_t>());
    writer.close();
  });
  expect_bad_file(path, "split /train is empty");
}

TEST_F(BadData, LoaderOptionsAgainstAGoodFile) {
  int size = 1;
  MPI_Comm_size(world(), &size);
  LoaderOptions options{.path = good_, .split = "train", .global_batch = 24};
  expect_user_error([&] { ClassificationLoader loader(options, world()); }, good_,
                    "global batch size 24 is larger than split 'train'");
  options.global_batch = 4;
  options.split = "validation";
  expect_user_error([&] { ClassificationLoader loader(options, world()); }, good_,
                    "has no split 'validation' (it has train, test)");
  LoaderOptions tokens{
      .path = tokens_, .split = "validation", .global_batch = 4, .context_length = 20};
  expect_user_error([&] { TokenLoader loader(tokens, world()); }, tokens_,
                    "holds 20 tokens, fewer than context length + 1 = 21");
  expect_user_error([&] { TokenLoader loader(tokens, world()); }, tokens_, "use a shorter context");
  if (size > 1) {
    options.split = "train";
    options.global_batch = size + 1;
    std::string message = user_error_of([&] { ClassificationLoader loader(options, world()); });
    EXPECT_NE(message.find(str("is not divisible by the ", size, " data-parallel ranks")),
              std::string::npos)
        << message;
  }
}

}  // namespace
}  // namespace dojo::io
