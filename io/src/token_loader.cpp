// TokenLoader: windows of T + 1 tokens of /split/tokens (L,); inputs are a window's first T
// tokens, targets its last T. Shuffled windows start anywhere; sequential ones at k*T.
#include "dojo/io/loader.hpp"
#include "split_reader.hpp"

namespace dojo::io {

TokenLoader::TokenLoader(const LoaderOptions& options, MPI_Comm dp_comm)
    : LoaderBase(options, dp_comm, DatasetKind::tokens) {}

TokenLoader::~TokenLoader() = default;

bool TokenLoader::next(TokenBatch& batch) {
  ScopedActivity activity(str("reading ", options_.split, " batch (epoch ", position_.epoch,
                              ", step ", position_.step, ") of ", options_.path));
  std::int64_t global_size = 0;
  bool more = advance(items_, global_size);
  const std::int64_t t = options_.context_length, b = static_cast<std::int64_t>(items_.size());
  batch.size = b;
  batch.global_size = global_size;
  batch.context_length = t;
  batch.starts.resize(items_.size());
  std::vector<detail::RowRange> windows(items_.size());
  for (std::size_t i = 0; i < items_.size(); ++i) {
    batch.starts[i] = options_.order == Order::sequential ? items_[i] * t : items_[i];
    windows[i] = {batch.starts[i], t + 1};
  }

  std::vector<std::int32_t> tokens(static_cast<std::size_t>(b * (t + 1)));  // (b, T + 1)
  if (info_.token_type == ElementType::uint8) {
    std::vector<std::uint8_t> stored(tokens.size());
    reader_->read(0, windows, 1, H5T_NATIVE_UINT8, 1, stored.data());
    std::copy(stored.begin(), stored.end(), tokens.begin());
  } else {
    reader_->read(0, windows, 1, H5T_NATIVE_INT32, sizeof(std::int32_t), tokens.data());
  }
  batch.inputs.resize(static_cast<std::size_t>(b * t));
  batch.targets.resize(static_cast<std::size_t>(b * t));
  for (std::int64_t i = 0; i < b; ++i) {
    const std::int32_t* window = tokens.data() + i * (t + 1);
    std::copy(window, window + t, batch.inputs.begin() + i * t);
    std::copy(window + 1, window + t + 1, batch.targets.begin() + i * t);
  }
  return more;
}

}  // namespace dojo::io
