// Shards of shuffled and sequential batches.
#include "dojo/io/batch_plan.hpp"

#include <algorithm>

#include "dojo/common/error.hpp"
#include "dojo/io/permutation.hpp"

namespace dojo::io {

BatchPlan::BatchPlan(std::int64_t items, std::int64_t global_batch, Order order, std::uint64_t seed,
                     int dp_rank, int dp_size)
    : items_(items),
      global_batch_(global_batch),
      order_(order),
      seed_(seed),
      dp_rank_(dp_rank),
      dp_size_(dp_size) {
  check(items >= 1 && global_batch >= 1 && dp_size >= 1, "a non-empty plan");
  check(dp_rank >= 0 && dp_rank < dp_size, "rank within the data-parallel group");
  check(global_batch % dp_size == 0, "global batch divisible by the data-parallel size");
  check(order == Order::sequential || global_batch <= items, "a full batch in every epoch");
  steps_per_epoch_ =
      order == Order::shuffled ? items / global_batch : (items + global_batch - 1) / global_batch;
}

std::int64_t BatchPlan::shard(const LoaderPosition& position,
                              std::vector<std::int64_t>& out) const {
  check(position.epoch >= 0 && position.step >= 0 && position.step < steps_per_epoch_,
        "position within the epoch");
  std::int64_t batch_begin = position.step * global_batch_;
  std::int64_t global_size = std::min(global_batch_, items_ - batch_begin);
  // Rank r's slice of the global batch; the first (size % dp) ranks get one more.
  std::int64_t base = global_size / dp_size_, extra = global_size % dp_size_;
  std::int64_t count = base + (dp_rank_ < extra ? 1 : 0);
  std::int64_t first = batch_begin + dp_rank_ * base + std::min<std::int64_t>(dp_rank_, extra);
  out.resize(static_cast<std::size_t>(count));
  if (order_ == Order::sequential) {
    for (std::int64_t i = 0; i < count; ++i) out[i] = first + i;
  } else {
    Permutation permutation(static_cast<std::uint64_t>(items_), epoch_key(seed_, position.epoch));
    for (std::int64_t i = 0; i < count; ++i)
      out[i] = static_cast<std::int64_t>(permutation(static_cast<std::uint64_t>(first + i)));
  }
  return global_size;
}

LoaderPosition BatchPlan::after(const LoaderPosition& position) const {
  if (position.step + 1 < steps_per_epoch_) return {position.epoch, position.step + 1};
  return {position.epoch + 1, 0};
}

}  // namespace dojo::io
