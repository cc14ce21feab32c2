// The layout round trip: what DatasetWriter writes, validate() and plain HDF5 read back (and
// h5dump / h5py when installed); the HDF5 id owners and DOJO_CHECK_HDF5.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "dojo/io/hdf5.hpp"
#include "dojo/io/hdf5_attribute.hpp"
#include "dojo/io/validate.hpp"
#include "dojo/io/writer.hpp"
#include "dojo_test_support.hpp"
#include "io_test_files.hpp"

namespace dojo::io {
namespace {

using test::on_rank0;
using test::TempDir;

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

TEST(Hdf5Owner, MovedFromOwnerClosesNothing) {
  hdf5::Dataspace a(DOJO_CHECK_HDF5(H5Screate(H5S_SCALAR)));
  hid_t id = a.get();
  {
    hdf5::Dataspace b(std::move(a));
    EXPECT_FALSE(a.valid());
    EXPECT_EQ(b.get(), id);
    EXPECT_GT(H5Iis_valid(id), 0);
    hdf5::Dataspace c;
    c = std::move(b);
    EXPECT_FALSE(b.valid());
    EXPECT_GT(H5Iis_valid(id), 0);  // b's move did not close it
  }
  EXPECT_LE(H5Iis_valid(id), 0);  // c closed it once
}

TEST(Hdf5Check, FailureNamesTheCallAndHdf5sReasonWithoutPrinting) {
  hdf5::quiet_errors();
  testing::internal::CaptureStderr();
  try {
    DOJO_CHECK_HDF5(H5Fopen("/nonexistent/dojo.h5", H5F_ACC_RDONLY, H5P_DEFAULT));
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    EXPECT_NE(e.message().find("H5Fopen"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("No such file"), std::string::npos) << e.message();
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");  // HDF5 printed no error stack
}

TEST(Attributes, RoundTrip) {
  TempDir dir(MPI_COMM_SELF);
  std::string path = dir.file("attributes.h5");
  {
    hdf5::File file = hdf5::create_file(path);
    hdf5::write_attribute(file.get(), "text", std::string("héllo"));
    hdf5::write_attribute(file.get(), "count", std::int64_t{-42});
    hdf5::write_attribute(file.get(), "ratio", 0.25);
    hdf5::write_attribute(file.get(), "dims", std::vector<std::int64_t>{28, 28});
    hdf5::write_attribute(file.get(), "names", std::vector<std::string>{"a", "", "ccc"});
    hdf5::write_attribute(file.get(), "count", std::int64_t{7});  // rewrite replaces
    // A fixed-length string, as other tools write them.
    hdf5::Datatype fixed(DOJO_CHECK_HDF5(H5Tcopy(H5T_C_S1)));
    DOJO_CHECK_HDF5(H5Tset_size(fixed.get(), 8));
    hdf5::Dataspace scalar(DOJO_CHECK_HDF5(H5Screate(H5S_SCALAR)));
    hdf5::Attribute attribute(DOJO_CHECK_HDF5(
        H5Acreate2(file.get(), "fixed", fixed.get(), scalar.get(), H5P_DEFAULT, H5P_DEFAULT)));
    char text[8] = {'t', 'o', 'k', 'e', 'n', 's', 0, 0};
    DOJO_CHECK_HDF5(H5Awrite(attribute.get(), fixed.get(), text));
  }
  hdf5::File file = hdf5::open_file(path);
  EXPECT_EQ(hdf5::read_string_attribute(file.get(), "text"), "héllo");
  EXPECT_EQ(hdf5::read_int_attribute(file.get(), "count"), 7);
  EXPECT_EQ(hdf5::read_real_attribute(file.get(), "ratio"), 0.25);
  EXPECT_EQ(hdf5::read_int_array_attribute(file.get(), "dims"),
            (std::vector<std::int64_t>{28, 28}));
  EXPECT_EQ(hdf5::read_string_array_attribute(file.get(), "names"),
            (std::vector<std::string>{"a", "", "ccc"}));
  EXPECT_EQ(hdf5::read_string_attribute(file.get(), "fixed"), "tokens");
  EXPECT_FALSE(hdf5::has_attribute(file.get(), "absent"));
}

TEST(Layout, ClassificationRoundTrip) {
  TempDir dir(dojo::test::world());
  std::string f32 = dir.file("f32.h5"), u8 = dir.file("u8.h5");
  on_rank0(dojo::test::world(), [&] {
    test::write_test_classification(f32, 11, 3, 4);
    ClassMetadata metadata{{2, 2}, 3, {"x", "y", "z"}};
    std::vector<std::uint8_t> samples = {0, 1, 2, 255, 10, 20, 30, 40};
    std::vector<std::int32_t> labels = {2, 0};
    DatasetWriter writer(u8, DatasetKind::classification, "bytes", "test");
    writer.add_classification_split("train", metadata, samples, 1.0 / 255.0, labels);
    writer.close();
  });

  DatasetInfo info = validate(f32, DatasetKind::classification, dojo::test::world());
  EXPECT_EQ(info.kind, DatasetKind::classification);
  ASSERT_EQ(info.splits.size(), 2u);
  EXPECT_EQ(info.splits[0].name, "train");
  EXPECT_EQ(info.splits[0].count, 11);
  EXPECT_EQ(info.splits[1].name, "test");
  EXPECT_EQ(info.splits[1].count, 3);
  EXPECT_EQ(info.sample_shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(info.sample_size, 6);
  EXPECT_EQ(info.num_classes, 4);
  EXPECT_EQ(info.class_names.size(), 4u);
  EXPECT_EQ(info.sample_type, ElementType::float32);
  EXPECT_EQ(info.scale, 1.0);
  EXPECT_EQ(info.description, "test data");
  auto samples = read_whole<float>(f32, "train/samples", H5T_NATIVE_FLOAT);
  ASSERT_EQ(samples.size(), 66u);
  EXPECT_EQ(samples[6 * 10 + 5], test::test_sample_value(10, 5));
  auto labels = read_whole<std::int32_t>(f32, "test/labels", H5T_NATIVE_INT32);
  EXPECT_EQ(labels, (std::vector<std::int32_t>{0, 1, 2}));

  DatasetInfo bytes = validate(u8, DatasetKind::classification, dojo::test::world());
  EXPECT_EQ(bytes.sample_type, ElementType::uint8);
  EXPECT_DOUBLE_EQ(bytes.scale, 1.0 / 255.0);
  EXPECT_EQ(bytes.class_names, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(read_whole<std::uint8_t>(u8, "train/samples", H5T_NATIVE_UINT8),
            (std::vector<std::uint8_t>{0, 1, 2, 255, 10, 20, 30, 40}));
}

TEST(Layout, TokenRoundTripWithStreamWriter) {
  TempDir dir(dojo::test::world());
  std::string u8 = dir.file("tokens.h5"), i32 = dir.file("tokens32.h5");
  std::vector<std::uint8_t> stream(1000);
  for (std::size_t k = 0; k < stream.size(); ++k) stream[k] = static_cast<std::uint8_t>(k % 251);
  on_rank0(dojo::test::world(), [&] {
    DatasetWriter writer(u8, DatasetKind::tokens, "stream", "test");
    TokenStreamWriter train = writer.begin_token_split("train", 1000, 256);
    // Out of order and in uneven pieces.
    train.write(600, std::span(stream).subspan(600));
    train.write(0, std::span(stream).first(333));
    train.write(333, std::span(stream).subspan(333, 267));
    writer.close();
    DatasetWriter wide(i32, DatasetKind::tokens, "wide", "test");
    std::vector<std::int32_t> tokens = {5, 49999, 0, 7};
    wide.add_token_split("validation", tokens, 50000);
    wide.close();
  });
  DatasetInfo info = validate(u8, DatasetKind::tokens, dojo::test::world());
  ASSERT_EQ(info.splits.size(), 1u);
  EXPECT_EQ(info.splits[0].count, 1000);
  EXPECT_EQ(info.vocab_size, 256);
  EXPECT_EQ(info.token_type, ElementType::uint8);
  EXPECT_EQ(read_whole<std::uint8_t>(u8, "train/tokens", H5T_NATIVE_UINT8), stream);

  DatasetInfo wide = validate(i32, DatasetKind::tokens, dojo::test::world());
  EXPECT_EQ(wide.splits[0].name, "validation");
  EXPECT_EQ(wide.token_type, ElementType::int32);
  EXPECT_EQ(wide.vocab_size, 50000);
}

// Runs a shell command; returns its exit status and standard output.
int run(const std::string& command, std::string& output, const std::string& scratch) {
  int status = std::system((command + " > " + scratch + " 2>&1").c_str());
  std::ifstream in(scratch);
  std::stringstream text;
  text << in.rdbuf();
  output = text.str();
  return status;
}

TEST(Layout, ReadableByH5dumpAndH5py) {
  TempDir dir(MPI_COMM_SELF);
  std::string path = dir.file("dump.h5"), scratch = dir.file("out.txt"), output;
  test::write_test_classification(path, 5, 2);
  if (std::system("command -v h5dump > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "h5dump not installed (Debian package hdf5-tools)";
  ASSERT_EQ(run("h5dump -H " + path, output, scratch), 0) << output;
  for (const char* expected :
       {"dojo_format", "format_version", "GROUP \"train\"", "DATASET \"samples\"", "num_classes",
        "class_names", "H5T_IEEE_F32LE", "( 5, 6 )"})
    EXPECT_NE(output.find(expected), std::string::npos) << expected << " not in:\n" << output;
  // -A adds the attributes' values.
  ASSERT_EQ(run("h5dump -A " + path, output, scratch), 0) << output;
  for (const char* expected : {"\"dojo-dataset\"", "\"classification\"", "\"class 3\""})
    EXPECT_NE(output.find(expected), std::string::npos) << expected << " not in:\n" << output;

  // /usr/bin/python3: the system's, where Debian's python3-h5py lives.
  if (std::system("/usr/bin/python3 -c 'import h5py' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "h5py not installed (Debian package python3-h5py)";
  std::string script =
      "import h5py; f = h5py.File('" + path +
      "', 'r'); print(f.attrs['dojo_format'], f.attrs['kind'], f['train/samples'].shape, "
      "f['train/samples'].dtype, int(f['train/labels'].attrs['num_classes']), "
      "list(f['train/samples'].attrs['shape']), float(f['train/samples'][4, 5]))";
  ASSERT_EQ(run("/usr/bin/python3 -c \"" + script + "\"", output, scratch), 0) << output;
  EXPECT_NE(output.find("dojo-dataset classification (5, 6) float32 4 [2, 3] 4.005"),
            std::string::npos)
      << output;
}

}  // namespace
}  // namespace dojo::io
