// IDX reading: plain and gzipped files give the same array; malformed, truncated and oversized
// files are user errors naming the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "dojo/io/idx.hpp"
#include "io_test_files.hpp"

namespace dojo::io {
namespace {

using test::TempDir;
using test::user_error_of;
using test::write_idx;

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> data(n);
  for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::uint8_t>(i * 13 + 1);
  return data;
}

TEST(Idx, ReadsPlainAndGzippedAlike) {
  TempDir dir;
  auto data = pattern(3 * 4 * 5);
  for (bool gzip : {false, true}) {
    std::string path = dir.file(gzip ? "images.gz" : "images");
    write_idx(path, {3, 4, 5}, data, gzip);
    IdxArray array = read_idx(path);
    EXPECT_EQ(array.dims, (std::vector<std::int64_t>{3, 4, 5}));
    EXPECT_EQ(array.data, data);
  }
}

TEST(Idx, TruncatedFilesAreUserErrors) {
  TempDir dir;
  for (bool gzip : {false, true}) {
    std::string full = dir.file("full"), cut = dir.file(gzip ? "cut.gz" : "cut");
    write_idx(full, {100, 10}, pattern(1000), gzip);
    std::filesystem::copy_file(full, cut, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(cut, std::filesystem::file_size(full) / 2);
    std::string message = user_error_of([&] { read_idx(cut); });
    EXPECT_NE(message.find(cut), std::string::npos) << message;
    EXPECT_TRUE(message.find("truncated") != std::string::npos ||
                message.find("cannot be read") != std::string::npos)
        << message;
  }
}

TEST(Idx, MalformedFilesAreUserErrors) {
  TempDir dir;
  std::string path = dir.file("bad");
  std::ofstream(path) << "this is not an IDX file at all";
  EXPECT_NE(user_error_of([&] { read_idx(path); }).find("bad magic"), std::string::npos);

  write_idx(path, {2, 2}, pattern(5), false);  // one byte too many
  EXPECT_NE(user_error_of([&] { read_idx(path); }).find("more data"), std::string::npos);

  std::string floats = {0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0};  // type 0x0d: float32
  std::ofstream(path, std::ios::binary | std::ios::trunc) << floats;
  EXPECT_NE(user_error_of([&] { read_idx(path); }).find("element type"), std::string::npos);

  std::string missing = dir.file("missing");
  EXPECT_NE(user_error_of([&] { read_idx(missing); }).find(missing), std::string::npos);
}

}  // namespace
}  // namespace dojo::io
