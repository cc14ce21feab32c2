// DatasetWriter: contiguous, uncompressed datasets (any rank can read any row with one seek) and
// their attributes, as docs/data-format.md lays out.
#include "dojo/io/writer.hpp"

#include <algorithm>
#include <numeric>

#include "dojo/io/hdf5_attribute.hpp"

namespace dojo::io {
namespace {

hdf5::Dataset create_dataset(hid_t group, std::string_view name, hid_t file_type,
                             const std::vector<hsize_t>& dims) {
  hdf5::Dataspace space(
      DOJO_CHECK_HDF5(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr)));
  hdf5::PropertyList create = hdf5::create_plist(H5P_DATASET_CREATE);
  DOJO_CHECK_HDF5(H5Pset_layout(create.get(), H5D_CONTIGUOUS));
  // Every element is written, so HDF5 need not write fill values first.
  DOJO_CHECK_HDF5(H5Pset_fill_time(create.get(), H5D_FILL_TIME_NEVER));
  DOJO_CHECK_HDF5(H5Pset_alloc_time(create.get(), H5D_ALLOC_TIME_EARLY));
  return hdf5::Dataset(
      DOJO_CHECK_HDF5(H5Dcreate2(group, std::string(name).c_str(), file_type, space.get(),
                                 H5P_DEFAULT, create.get(), H5P_DEFAULT)));
}

void write_all(const hdf5::Dataset& dataset, hid_t memory_type, const void* data) {
  if (data == nullptr) return;  // an empty span: nothing to write (an empty dataset)
  DOJO_CHECK_HDF5(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
}

bool known_split(const std::string& split) {
  return std::find(std::begin(kSplitNames), std::end(kSplitNames), split) != std::end(kSplitNames);
}

}  // namespace

void TokenStreamWriter::write(std::int64_t offset, std::span<const std::uint8_t> tokens) {
  if (tokens.empty()) return;
  check(offset >= 0 && offset + static_cast<std::int64_t>(tokens.size()) <= length_,
        "token stream write within the split");
  hdf5::Dataspace file_space = hdf5::dataspace_of(dataset_);
  hsize_t start = static_cast<hsize_t>(offset), count = tokens.size();
  DOJO_CHECK_HDF5(
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr));
  hdf5::Dataspace memory_space(DOJO_CHECK_HDF5(H5Screate_simple(1, &count, nullptr)));
  DOJO_CHECK_HDF5(H5Dwrite(dataset_.get(), H5T_NATIVE_UINT8, memory_space.get(), file_space.get(),
                           H5P_DEFAULT, tokens.data()));
}

DatasetWriter::DatasetWriter(const std::string& path, DatasetKind kind,
                             const std::string& description, const std::string& source)
    : kind_(kind), file_(hdf5::create_file(path)) {
  hid_t root = file_.get();
  hdf5::write_attribute(root, std::string(kFormatAttribute), std::string(kFormatName));
  hdf5::write_attribute(root, std::string(kVersionAttribute), kFormatVersion);
  hdf5::write_attribute(root, std::string(kKindAttribute), std::string(kind_name(kind)));
  hdf5::write_attribute(root, std::string(kDescriptionAttribute), description);
  hdf5::write_attribute(root, std::string(kSourceAttribute), source);
}

hdf5::Group DatasetWriter::new_split(const std::string& split, DatasetKind kind) {
  check(file_.valid(), "writer still open");
  check(kind == kind_, "split of the file's kind");
  check(known_split(split), "split is train, validation or test");
  return hdf5::create_group(file_.get(), split);
}

void DatasetWriter::add_classification(const std::string& split, const ClassMetadata& metadata,
                                       hid_t file_type, hid_t memory_type, const void* samples,
                                       std::size_t element_count, double scale,
                                       std::span<const std::int32_t> labels) {
  hdf5::Group group = new_split(split, DatasetKind::classification);
  auto d = std::accumulate(metadata.sample_shape.begin(), metadata.sample_shape.end(),
                           std::int64_t{1}, std::multiplies<>());
  check(!metadata.sample_shape.empty() && d > 0, "sample shape is not empty");
  check(element_count == labels.size() * static_cast<std::size_t>(d), "samples are (N, D)");
  check(metadata.class_names.empty() ||
            metadata.class_names.size() == static_cast<std::size_t>(metadata.num_classes),
        "one class name per class");

  hsize_t n = labels.size();
  hdf5::Dataset samples_set =
      create_dataset(group.get(), kSamples, file_type, {n, static_cast<hsize_t>(d)});
  write_all(samples_set, memory_type, samples);
  hdf5::write_attribute(samples_set.get(), std::string(kShape), metadata.sample_shape);
  hdf5::write_attribute(samples_set.get(), std::string(kScale), scale);

  hdf5::Dataset labels_set = create_dataset(group.get(), kLabels, H5T_STD_I32LE, {n});
  write_all(labels_set, H5T_NATIVE_INT32, labels.data());
  hdf5::write_attribute(labels_set.get(), std::string(kNumClasses), metadata.num_classes);
  if (!metadata.class_names.empty())
    hdf5::write_attribute(labels_set.get(), std::string(kClassNames), metadata.class_names);
}

void DatasetWriter::add_classification_split(const std::string& split,
                                             const ClassMetadata& metadata,
                                             std::span<const float> samples,
                                             std::span<const std::int32_t> labels) {
  add_classification(split, metadata, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, samples.data(),
                     samples.size(), 1.0, labels);
}

void DatasetWriter::add_classification_split(const std::string& split,
                                             const ClassMetadata& metadata,
                                             std::span<const std::uint8_t> samples, double scale,
                                             std::span<const std::int32_t> labels) {
  add_classification(split, metadata, H5T_STD_U8LE, H5T_NATIVE_UINT8, samples.data(),
                     samples.size(), scale, labels);
}

void DatasetWriter::add_tokens(const std::string& split, hid_t file_type, hid_t memory_type,
                               const void* tokens, std::size_t length, std::int64_t vocab_size) {
  hdf5::Group group = new_split(split, DatasetKind::tokens);
  hdf5::Dataset dataset = create_dataset(group.get(), kTokens, file_type, {length});
  write_all(dataset, memory_type, tokens);
  hdf5::write_attribute(dataset.get(), std::string(kVocabSize), vocab_size);
}

void DatasetWriter::add_token_split(const std::string& split, std::span<const std::uint8_t> tokens,
                                    std::int64_t vocab_size) {
  add_tokens(split, H5T_STD_U8LE, H5T_NATIVE_UINT8, tokens.data(), tokens.size(), vocab_size);
}

void DatasetWriter::add_token_split(const std::string& split, std::span<const std::int32_t> tokens,
                                    std::int64_t vocab_size) {
  add_tokens(split, H5T_STD_I32LE, H5T_NATIVE_INT32, tokens.data(), tokens.size(), vocab_size);
}

TokenStreamWriter DatasetWriter::begin_token_split(const std::string& split, std::int64_t length,
                                                   std::int64_t vocab_size) {
  hdf5::Group group = new_split(split, DatasetKind::tokens);
  hdf5::Dataset dataset =
      create_dataset(group.get(), kTokens, H5T_STD_U8LE, {static_cast<hsize_t>(length)});
  hdf5::write_attribute(dataset.get(), std::string(kVocabSize), vocab_size);
  return TokenStreamWriter(std::move(dataset), length);
}

void DatasetWriter::close() {
  if (!file_.valid()) return;
  DOJO_CHECK_HDF5(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL));
  DOJO_CHECK_HDF5(H5Fclose(file_.release()));
}

}  // namespace dojo::io
