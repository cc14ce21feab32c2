// Helpers for the io tests: temporary directories (shared by the ranks of a communicator), small
// data sets with known contents, IDX files, and checking that a call raises a user error.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dojo::io::test {

// A fresh directory removed with its contents at the end. With a communicator, rank 0 creates it
// and every rank gets its name; destruction is collective.
class TempDir {
 public:
  explicit TempDir(MPI_Comm comm = MPI_COMM_NULL);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  MPI_Comm comm_;
  std::string path_;
};

// Sample i of a test classification set: D values i + j / 1000 (so a row names its id), label
// i % classes.
float test_sample_value(std::int64_t id, std::int64_t element);
std::int32_t test_label(std::int64_t id, std::int64_t classes);
// Writes splits "train" (n_train samples) and "test" (n_test) of shape {2, 3} (D = 6), float32.
void write_test_classification(const std::string& path, std::int64_t n_train, std::int64_t n_test,
                               std::int64_t classes = 4);

// Token k of a test stream: a pattern with period far beyond any window used.
std::int32_t test_token(std::int64_t k);
// Writes splits "train" (n_train tokens) and "validation" (n_validation) of uint8 tokens.
void write_test_tokens(const std::string& path, std::int64_t n_train, std::int64_t n_validation);

// Writes an IDX file of bytes, optionally gzipped.
void write_idx(const std::string& path, const std::vector<std::int64_t>& dims,
               const std::vector<std::uint8_t>& data, bool gzip);

// Runs `call` and returns the message of the user error it raises; records a test failure (and
// returns "") when it raises nothing or another kind of error.
std::string user_error_of(const std::function<void()>& call);

// Rank 0's string, on every rank of `comm`.
std::string broadcast_string(MPI_Comm comm, std::string text);

// Rank 0 runs `make` (writing files); then every rank continues. Collective.
void on_rank0(MPI_Comm comm, const std::function<void()>& make);

}  // namespace dojo::io::test
