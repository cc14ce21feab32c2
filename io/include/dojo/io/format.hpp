// The dojo data-set layout in HDF5 (docs/data-format.md): the names, the two kinds of data set,
// and DatasetInfo, what validation learns about a file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dojo::io {

// Root attributes.
inline constexpr std::string_view kFormatAttribute = "dojo_format";  // = kFormatName
inline constexpr std::string_view kFormatName = "dojo-dataset";
inline constexpr std::string_view kVersionAttribute = "format_version";  // = kFormatVersion
inline constexpr std::int64_t kFormatVersion = 1;
inline constexpr std::string_view kKindAttribute = "kind";  // "classification" | "tokens"
inline constexpr std::string_view kDescriptionAttribute = "description";
inline constexpr std::string_view kSourceAttribute = "source";

// Split groups, in the order they are listed.
inline constexpr std::string_view kSplitNames[] = {"train", "validation", "test"};

// Datasets in a split group and their attributes.
inline constexpr std::string_view kSamples = "samples";  // (N, D) float32 or uint8
inline constexpr std::string_view kScale = "scale";      // on samples: value = stored * scale
inline constexpr std::string_view kShape = "shape";      // on samples: one sample's shape
inline constexpr std::string_view kLabels = "labels";    // (N,) int32
inline constexpr std::string_view kNumClasses = "num_classes";  // on labels
inline constexpr std::string_view kClassNames = "class_names";  // on labels (optional)
inline constexpr std::string_view kTokens = "tokens";           // (L,) uint8 or int32
inline constexpr std::string_view kVocabSize = "vocab_size";    // on tokens

enum class DatasetKind { classification, tokens };

std::string_view kind_name(DatasetKind kind);
// Parses "classification" / "tokens"; false for anything else.
bool parse_kind(std::string_view name, DatasetKind& kind);

enum class ElementType { float32, uint8, int32 };
std::string_view element_type_name(ElementType type);

struct SplitInfo {
  std::string name;        // "train", "validation" or "test"
  std::int64_t count = 0;  // samples N (classification) or tokens L (tokens)
};

// What a valid file holds. Fields of the other kind stay empty.
struct DatasetInfo {
  std::string path;
  DatasetKind kind = DatasetKind::classification;
  std::string description;
  std::string source;
  std::vector<SplitInfo> splits;  // in kSplitNames order, only those present

  // classification
  ElementType sample_type = ElementType::float32;  // stored type of samples
  double scale = 1.0;                              // value = stored * scale
  std::vector<std::int64_t> sample_shape;          // e.g. {28, 28}
  std::int64_t sample_size = 0;                    // D = product of sample_shape
  std::int64_t num_classes = 0;
  std::vector<std::string> class_names;  // num_classes names, or empty

  // tokens
  ElementType token_type = ElementType::uint8;
  std::int64_t vocab_size = 0;

  // The split named `name`, or nullptr.
  const SplitInfo* find_split(std::string_view name) const;
  // "train, test": the splits present, for messages.
  std::string split_list() const;
};

}  // namespace dojo::io
