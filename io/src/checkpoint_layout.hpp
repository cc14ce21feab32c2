// The names inside a checkpoint file and in its directory (docs/checkpoint-format.md), and the
// serial examination of a file that decides whether it is a complete dojo checkpoint. Shared by
// the writer, the reader and the directory logic.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dojo/io/checkpoint.hpp"

namespace dojo::io::detail::checkpoint {

inline constexpr const char* kFormatName = "dojo-checkpoint";
inline constexpr std::int64_t kFormatVersion = 1;

// Attributes of the root group.
inline constexpr const char* kFormatAttribute = "format";
inline constexpr const char* kVersionAttribute = "format_version";
inline constexpr const char* kStepAttribute = "step";
inline constexpr const char* kLayoutAttribute = "layout";
inline constexpr const char* kModelAttribute = "model";
inline constexpr const char* kWriterRanksAttribute = "writer_ranks";
inline constexpr const char* kCompleteAttribute = "complete";  // written last, = 1
// Attribute of every tensor dataset.
inline constexpr const char* kChecksumAttribute = "crc32";

// Everything that is not a tensor lives under /meta (a name tensors may not use).
inline constexpr const char* kMetaGroup = "meta";
inline constexpr const char* kConfigDataset = "meta/config_toml";  // scalar string
inline constexpr const char* kCountersGroup = "meta/counters";     // one int64 attribute each
inline constexpr const char* kStringsGroup = "meta/strings";       // one scalar string dataset each
inline constexpr const char* kTensorsDataset = "meta/tensors";     // 1-D strings, in save order

inline constexpr const char* kLatestName = "latest";

// "step-00000100.h5" (at least 8 digits, more when the step needs them).
std::string step_file_name(std::int64_t step);
// ".step-00000100.h5.tmp": hidden, so nothing mistakes it for a checkpoint.
std::string temporary_file_name(std::int64_t step);
// The step of a name "step-<digits>.h5", nullopt for any other name.
std::optional<std::int64_t> step_of_file_name(std::string_view name);
bool is_temporary_file_name(std::string_view name);

// "(256, 784)"; "0x1a2b3c4d".
std::string shape_text(const std::vector<std::int64_t>& shape);
std::string checksum_text(std::uint32_t checksum);

// What a checkpoint holds besides the tensor data: enough to open, check and describe it.
struct Summary {
  CheckpointMeta meta;
  std::vector<StoredTensor> tensors;  // in save order
  std::int64_t format_version = 0;
  std::int64_t writer_ranks = 0;
};

std::string encode(const Summary& summary);
Summary decode_summary(const std::string& bytes);

// Serial: reads the metadata of `path` into `out` and returns "" when it is a complete dojo
// checkpoint, else what is wrong with it as a phrase that follows the file's name: "does not
// exist", "is truncated (...)", "is not a dojo checkpoint (...)", "is incomplete (...)".
// Does not read the tensor data (see CheckpointReader::verify).
std::string examine(const std::filesystem::path& path, Summary& out);

}  // namespace dojo::io::detail::checkpoint
