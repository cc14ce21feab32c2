// Test data for the io tests.
#include "io_test_files.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "dojo/common/error.hpp"
#include "dojo/io/writer.hpp"

namespace dojo::io::test {

TempDir::TempDir(MPI_Comm comm) : comm_(comm) {
  int rank = 0;
  if (comm_ != MPI_COMM_NULL) MPI_Comm_rank(comm_, &rank);
  if (rank == 0) {
    std::string pattern = (std::filesystem::temp_directory_path() / "dojo-io-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  if (comm_ != MPI_COMM_NULL) path_ = broadcast_string(comm_, path_);
}

TempDir::~TempDir() {
  int rank = 0;
  if (comm_ != MPI_COMM_NULL) {
    MPI_Barrier(comm_);
    MPI_Comm_rank(comm_, &rank);
  }
  std::error_code ignored;
  if (rank == 0) std::filesystem::remove_all(path_, ignored);
}

float test_sample_value(std::int64_t id, std::int64_t element) {
  return static_cast<float>(id) + static_cast<float>(element) / 1000.0f;
}

std::int32_t test_label(std::int64_t id, std::int64_t classes) {
  return static_cast<std::int32_t>(id % classes);
}

void write_test_classification(const std::string& path, std::int64_t n_train, std::int64_t n_test,
                               std::int64_t classes) {
  ClassMetadata metadata{{2, 3}, classes, {}};
  for (std::int64_t c = 0; c < classes; ++c) metadata.class_names.push_back(str("class ", c));
  DatasetWriter writer(path, DatasetKind::classification, "test data", "io tests");
  for (auto [split, n] : {std::pair{"train", n_train}, std::pair{"test", n_test}}) {
    std::vector<float> samples;
    std::vector<std::int32_t> labels;
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t j = 0; j < 6; ++j) samples.push_back(test_sample_value(i, j));
      labels.push_back(test_label(i, classes));
    }
    writer.add_classification_split(split, metadata, samples, labels);
  }
  writer.close();
}

std::int32_t test_token(std::int64_t k) {
  return static_cast<std::int32_t>((k * 7 + k / 251) % 256);
}

void write_test_tokens(const std::string& path, std::int64_t n_train, std::int64_t n_validation) {
  DatasetWriter writer(path, DatasetKind::tokens, "test tokens", "io tests");
  for (auto [split, n] : {std::pair{"train", n_train}, std::pair{"validation", n_validation}}) {
    std::vector<std::uint8_t> tokens;
    for (std::int64_t k = 0; k < n; ++k) tokens.push_back(static_cast<std::uint8_t>(test_token(k)));
    writer.add_token_split(split, tokens, 256);
  }
  writer.close();
}

void write_idx(const std::string& path, const std::vector<std::int64_t>& dims,
               const std::vector<std::uint8_t>& data, bool gzip) {
  std::string bytes = {0, 0, 0x08, static_cast<char>(dims.size())};
  for (auto d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>(d >> shift));
  bytes.append(data.begin(), data.end());
  if (gzip) {
    gzFile out = gzopen(path.c_str(), "wb");
    gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(out);
  } else {
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
}

std::string user_error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::user)
        << "an internal error instead of a user error: " << describe(e);
    return e.kind() == ErrorKind::user ? e.message() : "";
  } catch (const std::exception& e) {
    ADD_FAILURE() << "a non-dojo exception instead of a user error: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no error raised";
  return "";
}

std::string broadcast_string(MPI_Comm comm, std::string text) {
  int size = static_cast<int>(text.size());
  MPI_Bcast(&size, 1, MPI_INT, 0, comm);
  text.resize(static_cast<std::size_t>(size));
  MPI_Bcast(text.data(), size, MPI_CHAR, 0, comm);
  return text;
}

void on_rank0(MPI_Comm comm, const std::function<void()>& make) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    // A failure here must not leave the other ranks waiting in the barrier.
    try {
      make();
    } catch (const Error& e) {
      ADD_FAILURE() << "making test files failed: " << describe(e);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "making test files failed: " << e.what();
    }
  }
  MPI_Barrier(comm);
}

}  // namespace dojo::io::test
