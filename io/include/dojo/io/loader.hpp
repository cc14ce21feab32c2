// Data loaders for training and evaluation: each data-parallel rank reads its own shard of every
// global batch from a dojo data set with parallel HDF5 (MPI-IO driver on the dp communicator,
// independent transfers), in the order of a BatchPlan. No prefetch: see docs/data-format.md.
//
//   ClassificationLoader train({.path = f, .split = "train", .global_batch = 256, .seed = 1}, dp);
//   ClassificationBatch batch;
//   train.next(batch);                      // batch.samples (b, D), batch.labels (b,)
//   LoaderPosition saved = train.position();  ...  train.seek(saved);
//   ClassificationLoader test({.path = f, .split = "test", .global_batch = 256,
//                              .order = Order::sequential}, dp);
//   while (test.next(batch)) { ... }          // one pass over the split, then false
#pragma once

#include <mpi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dojo/io/batch_plan.hpp"
#include "dojo/io/format.hpp"

namespace dojo::io {

struct LoaderOptions {
  std::string path;                 // a file in the layout of docs/data-format.md
  std::string split = "train";      // "train", "validation" or "test"
  std::int64_t global_batch = 0;    // B: samples per step summed over the dp ranks; B % dp == 0
  Order order = Order::shuffled;    // shuffled for training, sequential for a pass in file order
  std::uint64_t seed = 0;           // selects the shuffle (epoch e uses epoch_key(seed, e))
  std::int64_t context_length = 0;  // T, tokens per input sequence (token loaders only)
};

struct ClassificationBatch {
  std::int64_t size = 0;             // b: samples on this rank
  std::int64_t global_size = 0;      // samples in the global batch (sum of b over the dp ranks)
  std::int64_t sample_size = 0;      // D
  std::vector<float> samples;        // (b, D): stored value * scale
  std::vector<std::int32_t> labels;  // (b,), in [0, num_classes)
  std::vector<std::int64_t> ids;     // (b,): each sample's row in the split
};

struct TokenBatch {
  std::int64_t size = 0;              // b: sequences on this rank
  std::int64_t global_size = 0;       // sequences in the global batch
  std::int64_t context_length = 0;    // T
  std::vector<std::int32_t> inputs;   // (b, T): window[0:T]
  std::vector<std::int32_t> targets;  // (b, T): window[1:T+1]
  std::vector<std::int64_t> starts;   // (b,): each window's first token offset in the split
};

namespace detail {
class SplitReader;
}

// Shared by both loaders: construction, position and the plan.
class LoaderBase {
 public:
  LoaderBase(const LoaderBase&) = delete;
  LoaderBase& operator=(const LoaderBase&) = delete;

  const DatasetInfo& info() const { return info_; }
  const LoaderOptions& options() const { return options_; }
  // Items of the split: samples N, or token windows (L - T shuffled, (L - 1) / T sequential).
  std::int64_t items() const { return plan_->items(); }
  std::int64_t local_batch() const;  // B / dp size (a sequential pass's last batch may be less)
  std::int64_t steps_per_epoch() const { return plan_->steps_per_epoch(); }

  // The position of the next batch; save it with a checkpoint and seek() to it to resume.
  LoaderPosition position() const { return position_; }
  // A user error when `position` does not fit this loader (another batch size or split).
  void seek(const LoaderPosition& position);

 protected:
  // Validates (collectively) and opens the split on `dp_comm`; `dataset` is the one to read.
  LoaderBase(const LoaderOptions& options, MPI_Comm dp_comm, DatasetKind kind);
  ~LoaderBase();
  // This rank's items of the next batch; false at the end of a sequential pass.
  bool advance(std::vector<std::int64_t>& items, std::int64_t& global_size);

  LoaderOptions options_;
  DatasetInfo info_;
  int dp_size_ = 1;
  std::unique_ptr<BatchPlan> plan_;
  LoaderPosition position_;
  std::unique_ptr<detail::SplitReader> reader_;
};

class ClassificationLoader : public LoaderBase {
 public:
  // Collective over dp_comm (which the loader duplicates through HDF5). Every problem with the
  // file or the options is a user error raised alike on every rank.
  ClassificationLoader(const LoaderOptions& options, MPI_Comm dp_comm);
  ~ClassificationLoader();
  // Fills `batch` with this rank's shard of the next global batch. Shuffled: always true.
  // Sequential: false once the pass is over (batch empty); the next call starts a new pass.
  // Each rank reads on its own (no collective call), but all call next() equally often.
  bool next(ClassificationBatch& batch);

 private:
  std::vector<std::int64_t> items_;  // scratch: this rank's sample rows
};

class TokenLoader : public LoaderBase {
 public:
  // As ClassificationLoader; options.context_length (T) must be >= 1 and T + 1 <= L.
  TokenLoader(const LoaderOptions& options, MPI_Comm dp_comm);
  ~TokenLoader();
  bool next(TokenBatch& batch);

 private:
  std::vector<std::int64_t> items_;  // scratch: window indices
};

}  // namespace dojo::io
