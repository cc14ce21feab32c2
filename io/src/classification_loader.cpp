// ClassificationLoader: rows of /split/samples (N, D) and /split/labels (N,) for each shard.
#include "dojo/io/loader.hpp"
#include "split_reader.hpp"

namespace dojo::io {

ClassificationLoader::ClassificationLoader(const LoaderOptions& options, MPI_Comm dp_comm)
    : LoaderBase(options, dp_comm, DatasetKind::classification) {}

ClassificationLoader::~ClassificationLoader() = default;

bool ClassificationLoader::next(ClassificationBatch& batch) {
  ScopedActivity activity(str("reading ", options_.split, " batch (epoch ", position_.epoch,
                              ", step ", position_.step, ") of ", options_.path));
  std::int64_t global_size = 0;
  bool more = advance(items_, global_size);
  std::int64_t b = static_cast<std::int64_t>(items_.size()), d = info_.sample_size;
  batch.size = b;
  batch.global_size = global_size;
  batch.sample_size = d;
  batch.ids = items_;
  batch.samples.resize(static_cast<std::size_t>(b * d));
  batch.labels.resize(static_cast<std::size_t>(b));

  std::vector<detail::RowRange> rows(items_.size());
  for (std::size_t i = 0; i < items_.size(); ++i) rows[i] = {items_[i], 1};
  if (info_.sample_type == ElementType::uint8) {
    // Read the stored bytes (one transfer, no HDF5 conversion), then scale to floats.
    std::vector<std::uint8_t> stored(batch.samples.size());  // (b, D)
    reader_->read(0, rows, d, H5T_NATIVE_UINT8, 1, stored.data());
    for (std::size_t i = 0; i < stored.size(); ++i)
      batch.samples[i] = static_cast<float>(stored[i] * info_.scale);
  } else {
    reader_->read(0, rows, d, H5T_NATIVE_FLOAT, sizeof(float), batch.samples.data());
    if (info_.scale != 1.0)
      for (auto& value : batch.samples) value = static_cast<float>(value * info_.scale);
  }
  reader_->read(1, rows, 1, H5T_NATIVE_INT32, sizeof(std::int32_t), batch.labels.data());
  return more;
}

}  // namespace dojo::io
