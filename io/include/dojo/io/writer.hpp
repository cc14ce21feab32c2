// Writes files in the dojo data-set layout (docs/data-format.md) from one process, with the
// serial HDF5 driver: the preparers use it, and so can tests and tools that make synthetic data.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dojo/io/format.hpp"
#include "dojo/io/hdf5.hpp"

namespace dojo::io {

// What a classification split says about its samples and labels (same for every split).
struct ClassMetadata {
  std::vector<std::int64_t> sample_shape;  // one sample's shape, e.g. {28, 28}; product is D
  std::int64_t num_classes = 0;
  std::vector<std::string> class_names;  // num_classes names, or empty
};

// A token split written piece by piece (a stream larger than memory).
class TokenStreamWriter {
 public:
  // Writes `tokens` at token offset `offset`; every offset of the split must be written once.
  void write(std::int64_t offset, std::span<const std::uint8_t> tokens);
  std::int64_t length() const { return length_; }  // L, tokens

 private:
  friend class DatasetWriter;
  TokenStreamWriter(hdf5::Dataset dataset, std::int64_t length)
      : dataset_(std::move(dataset)), length_(length) {}
  hdf5::Dataset dataset_;
  std::int64_t length_ = 0;
};

class DatasetWriter {
 public:
  // Creates (or replaces) `path` and writes the root attributes.
  DatasetWriter(const std::string& path, DatasetKind kind, const std::string& description,
                const std::string& source);

  // samples: (N, D) row-major, stored as float32. labels: (N,), each in [0, num_classes).
  void add_classification_split(const std::string& split, const ClassMetadata& metadata,
                                std::span<const float> samples,
                                std::span<const std::int32_t> labels);
  // samples: (N, D) row-major, stored as uint8; a reader's value is stored * scale.
  void add_classification_split(const std::string& split, const ClassMetadata& metadata,
                                std::span<const std::uint8_t> samples, double scale,
                                std::span<const std::int32_t> labels);

  // tokens: (L,), each in [0, vocab_size); uint8 for byte-level text, int32 for larger vocabs.
  void add_token_split(const std::string& split, std::span<const std::uint8_t> tokens,
                       std::int64_t vocab_size);
  void add_token_split(const std::string& split, std::span<const std::int32_t> tokens,
                       std::int64_t vocab_size);
  // A uint8 token split of `length` tokens to be filled with TokenStreamWriter::write.
  TokenStreamWriter begin_token_split(const std::string& split, std::int64_t length,
                                      std::int64_t vocab_size);

  // Flushes and closes the file (the destructor closes too, without reporting errors).
  void close();

 private:
  hdf5::Group new_split(const std::string& split, DatasetKind kind);
  // Writes samples (N, D) of `element_count` values of `memory_type`, then the labels.
  void add_classification(const std::string& split, const ClassMetadata& metadata, hid_t file_type,
                          hid_t memory_type, const void* samples, std::size_t element_count,
                          double scale, std::span<const std::int32_t> labels);
  void add_tokens(const std::string& split, hid_t file_type, hid_t memory_type, const void* tokens,
                  std::size_t length, std::int64_t vocab_size);
  DatasetKind kind_;
  hdf5::File file_;
};

}  // namespace dojo::io
