// Training checkpoints: one HDF5 file per checkpoint, written collectively with parallel HDF5,
// never half-written, and readable by h5py and h5dump. The layout is in docs/checkpoint-format.md.
//
//   <dir>/step-00001200.h5    complete checkpoints, named by step
//   <dir>/latest              text file: the name of the newest complete checkpoint, updated last
//   <dir>/.step-....h5.tmp    a checkpoint being written; ignored and cleaned up
//
// Every tensor is stored by its logical (unsplit) shape under a named dataset, so a checkpoint does
// not depend on how the ranks that wrote it were laid out: each rank hands in the block of the
// tensor it holds, and any rank can read any block back.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <mpi.h>

namespace dojo::io {

// The part of one tensor this rank holds: the box [start, start + count) of the logical shape,
// row-major within the box. An empty start/count means the whole tensor. Several ranks may hand
// in the same box (replicas, as in data parallelism): it is then written once, its rows shared
// among those ranks. Every rank names the same tensors in the same order (SPMD); a rank that holds
// no part of a tensor says so with one piece with held = false, and a rank that holds several
// boxes of a tensor (tensor-parallel c_attn: its q, k and v rows) hands them in as consecutive
// pieces with the tensor's name.
struct TensorPiece {
  std::string name;  // dataset path in the file, e.g. "params/transformer.wte.weight"
  std::vector<std::int64_t> shape;  // logical shape; the same on every rank
  std::vector<std::int64_t> start;  // this rank's box; empty = the whole tensor
  std::vector<std::int64_t> count;
  std::span<const float> data;  // product(count) floats (product(shape) for the whole)
  bool held = true;             // false: this rank holds no part of it (data ignored)
};

// Everything in a checkpoint besides the tensors.
struct CheckpointMeta {
  std::int64_t step = 0;                         // optimizer steps completed
  std::string config_toml;                       // the run's resolved configuration
  std::string layout;                            // e.g. "dp=2,tp=1,pp=1" (informational)
  std::string model;                             // e.g. "gpt" or "mlp" (informational)
  std::map<std::string, std::int64_t> counters;  // loader positions, optimizer steps, ...
  std::map<std::string, std::string> strings;    // RNG states as text, ...
};

// A tensor as stored.
struct StoredTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  std::uint32_t checksum = 0;  // CRC-32 (zlib) of the float32 little-endian bytes, row-major
};

struct CheckpointOptions {
  // Complete checkpoints kept: after a save succeeds, all but the one just written and the
  // keep - 1 newest before it are deleted (never the one `latest` names; checkpoints of a later
  // step, left by a run that was resumed from an earlier one, are left alone). <= 0 keeps all.
  int keep = 3;
};

// Collective over `comm`: writes `<dir>/step-<step>.h5` through a temporary name (all ranks write
// their pieces with collective parallel-HDF5 I/O), records each dataset's checksum, flushes,
// closes, renames atomically, then updates `latest` and prunes to `keep`. Returns the final path.
// A failure on any rank is a dojo::Error on every rank, and leaves earlier checkpoints untouched.
// `meta` is taken from rank 0. Tensor names are relative dataset paths outside meta/; counter and
// string keys are single names without '/'. Tensors have 1 to 8 dimensions. Creates `dir` when
// needed and removes temporaries left by interrupted saves.
std::filesystem::path save_checkpoint(const std::filesystem::path& dir, const CheckpointMeta& meta,
                                      std::span<const TensorPiece> pieces,
                                      const CheckpointOptions& options, MPI_Comm comm);

// An open checkpoint. Opening reads and checks the metadata (a user error naming the file and
// the problem for anything that is not a complete dojo checkpoint).
class CheckpointReader {
 public:
  // Collective over `comm` (parallel HDF5 open).
  CheckpointReader(const std::filesystem::path& path, MPI_Comm comm);
  ~CheckpointReader();
  CheckpointReader(CheckpointReader&&) noexcept;
  CheckpointReader& operator=(CheckpointReader&&) noexcept;

  const std::filesystem::path& path() const noexcept;
  const CheckpointMeta& meta() const noexcept;
  const std::vector<StoredTensor>& tensors() const noexcept;
  const StoredTensor* find(const std::string& name) const;

  // Reads the box [start, start + count) of tensor `name` into `out` (product(count) floats);
  // empty start/count = the whole tensor. Not collective: each rank reads what it needs.
  void read(const std::string& name, std::span<const std::int64_t> start,
            std::span<const std::int64_t> count, std::span<float> out) const;

  // Collective: re-reads every dataset and compares its checksum (the work shared among ranks).
  // Returns "" when all match, else a one-line description of the first mismatch.
  std::string verify() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// What a resume needs: does a stored checkpoint fit this model? Returns "" when every expected
// tensor is present with the same shape (and no others are stored under params/), else one line
// naming the first difference, e.g. "params/fc1.weight has shape (256, 784); this model's is
// (128, 784)".
struct ExpectedTensor {
  std::string name;
  std::vector<std::int64_t> shape;
};
std::string compatibility(const CheckpointReader& reader, std::span<const ExpectedTensor> expected);

// Collective: the newest checkpoint in `dir` that opens, verifies and is compatible (checked with
// `expected`; an empty `expected` checks nothing), trying `latest` first, then every step-*.h5
// newest first. `latest` is the commit point: a complete checkpoint of a later step that it does
// not name (a crash between rename and pointer update, or a run resumed from an earlier one) is
// only used when the one `latest` names is unusable. Each one skipped is reported with log::warn
// naming it and why ("step-00000200.h5 is truncated (...); falling back to step-00000100.h5").
// nullopt when there is none (or `dir` does not exist). Rank 0 examines each file and broadcasts
// its verdict, so a file one rank cannot read never leaves the others waiting.
std::optional<std::filesystem::path> find_latest_valid(const std::filesystem::path& dir,
                                                       std::span<const ExpectedTensor> expected,
                                                       MPI_Comm comm);

// The checkpoints in `dir`, oldest first (files named step-<step>.h5, ordered by step; not
// opened). Empty when `dir` does not exist.
std::vector<std::filesystem::path> list_checkpoints(const std::filesystem::path& dir);

// `dojo checkpoint inspect`: a human-readable report (step, layout, model, counters, strings,
// config, and each tensor with its shape and checksum), plus whether the checksums verify.
// Collective over `comm` (serial by default); a file that is not a complete checkpoint is a user
// error naming it, as for CheckpointReader.
struct CheckpointInspection {
  std::string report;            // lines ending in "checksums: ok", "...: MISMATCH: ..." or
                                 // "...: not verified"
  std::string checksum_problem;  // "" when the checksums verify or were not checked
};
CheckpointInspection inspect_checkpoint(const std::filesystem::path& path, bool verify_checksums,
                                        MPI_Comm comm = MPI_COMM_SELF);

}  // namespace dojo::io
