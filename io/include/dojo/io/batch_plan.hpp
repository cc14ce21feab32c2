// Which items (sample rows, or token windows) each data-parallel rank reads at each step. The
// global batch of a step is the same set on 1 or N ranks; rank r reads its r-th contiguous slice.
//   shuffled:   epoch e is the permutation epoch_key(seed, e) of all items; step s takes
//               positions [s*B, (s+1)*B); the last partial batch of an epoch is dropped.
//   sequential: items in order, ceil(N/B) steps; the last batch may be short and is spread over
//               the ranks as evenly as possible (some may get none).
#pragma once

#include <cstdint>
#include <vector>

namespace dojo::io {

enum class Order { shuffled, sequential };

// Where a loader stands: the next batch is step `step` of epoch (or pass) `epoch`.
struct LoaderPosition {
  std::int64_t epoch = 0;
  std::int64_t step = 0;  // within the epoch, in [0, steps_per_epoch)
  bool operator==(const LoaderPosition&) const = default;
};

class BatchPlan {
 public:
  // items >= 1; global_batch >= 1, divisible by dp_size, and <= items when shuffled.
  BatchPlan(std::int64_t items, std::int64_t global_batch, Order order, std::uint64_t seed,
            int dp_rank, int dp_size);

  std::int64_t items() const { return items_; }
  std::int64_t global_batch() const { return global_batch_; }
  std::int64_t steps_per_epoch() const { return steps_per_epoch_; }

  // This rank's items at `position`, in batch order, into `out`; returns the global batch's size.
  std::int64_t shard(const LoaderPosition& position, std::vector<std::int64_t>& out) const;
  // The position after `position` (the next epoch's first step after its last).
  LoaderPosition after(const LoaderPosition& position) const;

 private:
  std::int64_t items_;
  std::int64_t global_batch_;  // B
  Order order_;
  std::uint64_t seed_;
  int dp_rank_;
  int dp_size_;
  std::int64_t steps_per_epoch_;
};

}  // namespace dojo::io
