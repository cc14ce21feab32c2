// LoaderBase: the checks that turn a bad file or bad options into one user error before
// training, the opening of the split, and the position in the batch plan.
#include <algorithm>

#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/io/loader.hpp"
#include "dojo/io/validate.hpp"
#include "root_decides.hpp"
#include "split_reader.hpp"

namespace dojo::io {
namespace {

// Items of a split: samples, or token windows of T + 1 tokens.
std::int64_t item_count(const LoaderOptions& options, const DatasetInfo& info,
                        const SplitInfo& split) {
  if (info.kind == DatasetKind::classification) return split.count;
  std::int64_t t = options.context_length, length = split.count;
  if (t + 1 > length)
    user_error(str(options.path, ": split '", split.name, "' holds ", length,
                   " tokens, fewer than context length + 1 = ", t + 1,
                   ": use a shorter context or more text"));
  // Shuffled: every start whose window fits. Sequential: non-overlapping windows k*T.
  return options.order == Order::shuffled ? length - t : (length - 1) / t;
}

}  // namespace

LoaderBase::LoaderBase(const LoaderOptions& options, MPI_Comm dp_comm, DatasetKind kind)
    : options_(options) {
  ScopedActivity activity(str("opening split '", options.split, "' of ", options.path));
  int dp_rank = 0;
  DOJO_CHECK_MPI(MPI_Comm_rank(dp_comm, &dp_rank));
  DOJO_CHECK_MPI(MPI_Comm_size(dp_comm, &dp_size_));
  // Options are the same on every rank, so these errors are too.
  std::int64_t batch = options.global_batch;
  if (batch < 1) user_error(str("global batch size ", batch, " must be at least 1"));
  if (batch % dp_size_ != 0)
    user_error(str("global batch size ", batch, " is not divisible by the ", dp_size_,
                   " data-parallel ranks: pass a multiple of ", dp_size_));
  if (kind == DatasetKind::tokens && options.context_length < 1)
    user_error(str("context length ", options.context_length, " must be at least 1"));

  detail::require_visible_everywhere(dp_comm, options.path);
  info_ = validate(options.path, kind, dp_comm);
  const SplitInfo* split = info_.find_split(options.split);
  if (!split)
    user_error(str(options.path, ": has no split '", options.split, "' (it has ",
                   info_.split_list(), "): pass one of those"));
  std::int64_t items = item_count(options, info_, *split);
  if (options.order == Order::shuffled && batch > items)
    user_error(str("global batch size ", batch, " is larger than split '", split->name, "' of ",
                   options.path, " (", items,
                   kind == DatasetKind::tokens ? " token windows" : " samples",
                   "): lower the batch size"));
  plan_ = std::make_unique<BatchPlan>(items, batch, options.order, options.seed, dp_rank, dp_size_);
  std::vector<std::string> datasets;
  if (kind == DatasetKind::classification)
    datasets = {std::string(kSamples), std::string(kLabels)};
  else
    datasets = {std::string(kTokens)};
  reader_ = std::make_unique<detail::SplitReader>(options.path, options.split, datasets, dp_comm);
}

LoaderBase::~LoaderBase() = default;

std::int64_t LoaderBase::local_batch() const {
  return options_.global_batch / dp_size_;
}

void LoaderBase::seek(const LoaderPosition& position) {
  // A sequential pass may stand at its end (step == steps_per_epoch): next() then returns false.
  std::int64_t last = steps_per_epoch() - (options_.order == Order::shuffled ? 1 : 0);
  if (position.epoch < 0 || position.step < 0 || position.step > last)
    user_error(str("cannot resume split '", options_.split, "' of ", options_.path, " at epoch ",
                   position.epoch, ", step ", position.step, ": an epoch has ", steps_per_epoch(),
                   " steps of global batch ", options_.global_batch,
                   " (was the position saved with another batch size?)"));
  position_ = position;
}

bool LoaderBase::advance(std::vector<std::int64_t>& items, std::int64_t& global_size) {
  if (position_.step == steps_per_epoch()) {  // the end of a sequential pass
    position_ = {position_.epoch + 1, 0};
    items.clear();
    global_size = 0;
    return false;
  }
  global_size = plan_->shard(position_, items);
  if (options_.order == Order::sequential)
    ++position_.step;
  else
    position_ = plan_->after(position_);
  return true;
}

}  // namespace dojo::io
