// File names of a checkpoint directory, the broadcast encoding of a checkpoint's summary, and the
// serial examination that tells a complete dojo checkpoint from anything else.
#include "checkpoint_layout.hpp"

#include <cinttypes>
#include <cstdio>
#include <system_error>

#include "byte_codec.hpp"
#include "checkpoint_string_dataset.hpp"
#include "dojo/common/error.hpp"
#include "dojo/io/hdf5.hpp"
#include "dojo/io/hdf5_attribute.hpp"
#include "isolated_read.hpp"

namespace dojo::io::detail::checkpoint {
namespace fs = std::filesystem;

std::string step_file_name(std::int64_t step) {
  char name[64];
  std::snprintf(name, sizeof name, "step-%08" PRId64 ".h5", step);
  return name;
}

std::string temporary_file_name(std::int64_t step) {
  return str(".", step_file_name(step), ".tmp");
}

std::optional<std::int64_t> step_of_file_name(std::string_view name) {
  constexpr std::string_view prefix = "step-", suffix = ".h5";
  if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) ||
      !name.ends_with(suffix))
    return std::nullopt;
  std::string_view digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.size() > 18) return std::nullopt;  // beyond int64
  std::int64_t step = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    step = step * 10 + (c - '0');
  }
  return step;
}

bool is_temporary_file_name(std::string_view name) {
  return name.starts_with(".step-") && name.ends_with(".h5.tmp");
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) text += str(i ? ", " : "", shape[i]);
  return text + ")";
}

std::string checksum_text(std::uint32_t checksum) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", checksum);
  return text;
}

std::string encode(const Summary& summary) {
  ByteWriter out;
  const CheckpointMeta& meta = summary.meta;
  out.put(meta.step);
  out.put(meta.config_toml);
  out.put(meta.layout);
  out.put(meta.model);
  out.put(static_cast<std::uint64_t>(meta.counters.size()));
  for (const auto& [key, value] : meta.counters) {
    out.put(key);
    out.put(value);
  }
  out.put(static_cast<std::uint64_t>(meta.strings.size()));
  for (const auto& [key, value] : meta.strings) {
    out.put(key);
    out.put(value);
  }
  out.put(static_cast<std::uint64_t>(summary.tensors.size()));
  for (const auto& tensor : summary.tensors) {
    out.put(tensor.name);
    out.put(tensor.shape);
    out.put(tensor.checksum);
  }
  out.put(summary.format_version);
  out.put(summary.writer_ranks);
  return out.bytes();
}

Summary decode_summary(const std::string& bytes) {
  ByteReader in(bytes);
  Summary summary;
  CheckpointMeta& meta = summary.meta;
  in.get(meta.step);
  in.get(meta.config_toml);
  in.get(meta.layout);
  in.get(meta.model);
  std::uint64_t count = 0;
  in.get(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string key;
    std::int64_t value = 0;
    in.get(key);
    in.get(value);
    meta.counters[key] = value;
  }
  in.get(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string key, value;
    in.get(key);
    in.get(value);
    meta.strings[key] = value;
  }
  in.get(count);
  summary.tensors.resize(count);
  for (auto& tensor : summary.tensors) {
    in.get(tensor.name);
    in.get(tensor.shape);
    in.get(tensor.checksum);
  }
  in.get(summary.format_version);
  in.get(summary.writer_ranks);
  return summary;
}

namespace {

herr_t collect_attribute_name(hid_t, const char* name, const H5A_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

#if H5_VERSION_GE(1, 12, 0)
using LinkInfo = H5L_info2_t;
#define DOJO_H5LITERATE H5Literate2
#else
using LinkInfo = H5L_info_t;
#define DOJO_H5LITERATE H5Literate
#endif

herr_t collect_link_name(hid_t, const char* name, const LinkInfo*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

bool is_string_attribute(hid_t object, const char* name) {
  return hdf5::has_attribute(object, name) &&
         hdf5::attribute_shape(object, name).type_class == H5T_STRING;
}

bool is_integer_attribute(hid_t object, const char* name) {
  if (!hdf5::has_attribute(object, name)) return false;
  auto shape = hdf5::attribute_shape(object, name);
  return shape.type_class == H5T_INTEGER && shape.elements == 1;
}

// The metadata and tensor list of an open file that claims to be a complete checkpoint; raises
// on anything missing or malformed (examine() turns that into "is corrupt (...)").
void read_summary(hid_t file, Summary& out) {
  CheckpointMeta& meta = out.meta;
  for (const char* name : {kStepAttribute, kWriterRanksAttribute})
    if (!is_integer_attribute(file, name)) internal_error(str("no integer attribute '", name, "'"));
  for (const char* name : {kLayoutAttribute, kModelAttribute})
    if (!is_string_attribute(file, name)) internal_error(str("no string attribute '", name, "'"));
  meta.step = hdf5::read_int_attribute(file, kStepAttribute);
  meta.layout = hdf5::read_string_attribute(file, kLayoutAttribute);
  meta.model = hdf5::read_string_attribute(file, kModelAttribute);
  out.writer_ranks = hdf5::read_int_attribute(file, kWriterRanksAttribute);
  meta.config_toml = read_string_dataset(file, kConfigDataset);

  hdf5::Group counters = hdf5::open_group(file, kCountersGroup);
  std::vector<std::string> names;
  hsize_t position = 0;
  DOJO_CHECK_HDF5(H5Aiterate2(counters.get(), H5_INDEX_NAME, H5_ITER_INC, &position,
                              collect_attribute_name, &names));
  for (const auto& name : names)
    meta.counters[name] = hdf5::read_int_attribute(counters.get(), name);

  hdf5::Group strings = hdf5::open_group(file, kStringsGroup);
  names.clear();
  position = 0;
  DOJO_CHECK_HDF5(DOJO_H5LITERATE(strings.get(), H5_INDEX_NAME, H5_ITER_INC, &position,
                                  collect_link_name, &names));
  for (const auto& name : names) meta.strings[name] = read_string_dataset(strings.get(), name);

  for (const auto& name : read_string_list_dataset(file, kTensorsDataset)) {
    if (!hdf5::has_object(file, name, H5O_TYPE_DATASET))
      internal_error(str("tensor ", name, " is listed in ", kTensorsDataset, " but missing"));
    hdf5::Dataset dataset = hdf5::open_dataset(file, name);
    hdf5::Datatype type = hdf5::datatype_of(dataset);
    if (H5Tget_class(type.get()) != H5T_FLOAT || H5Tget_size(type.get()) != 4)
      internal_error(str("tensor ", name, " is not float32"));
    hdf5::Dataspace space = hdf5::dataspace_of(dataset);
    int rank = DOJO_CHECK_HDF5(H5Sget_simple_extent_ndims(space.get()));
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    DOJO_CHECK_HDF5(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr));
    if (!is_integer_attribute(dataset.get(), kChecksumAttribute))
      internal_error(str("tensor ", name, " has no ", kChecksumAttribute, " attribute"));
    StoredTensor tensor;
    tensor.name = name;
    tensor.shape.assign(dims.begin(), dims.end());
    tensor.checksum =
        static_cast<std::uint32_t>(hdf5::read_int_attribute(dataset.get(), kChecksumAttribute));
    out.tensors.push_back(std::move(tensor));
  }
}

std::string examine_here(const fs::path& path, Summary& out) {
  std::error_code error;
  if (!fs::exists(path, error)) return "does not exist";
  if (fs::is_directory(path, error)) return "is a directory, not a checkpoint file";
  int hdf5_file = hdf5::is_hdf5(path.string());
  if (hdf5_file == 0) return "is not an HDF5 file";
  if (hdf5_file < 0) return "cannot be read (check its permissions)";

  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) {
    std::string why = hdf5::take_error_stack(true);
    if (why.find("truncated") != std::string::npos) return str("is truncated (", why, ")");
    return str("cannot be opened as HDF5 (", why, ")");
  }
  hdf5::File file(id);
  try {
    if (!is_string_attribute(file.get(), kFormatAttribute) ||
        hdf5::read_string_attribute(file.get(), kFormatAttribute) != kFormatName)
      return str("is not a dojo checkpoint (no attribute ", kFormatAttribute, " = \"", kFormatName,
                 "\")");
    if (!is_integer_attribute(file.get(), kVersionAttribute))
      return str("is corrupt (no attribute ", kVersionAttribute, ")");
    out.format_version = hdf5::read_int_attribute(file.get(), kVersionAttribute);
    if (out.format_version > kFormatVersion)
      return str("was written by a newer dojo (checkpoint format version ", out.format_version,
                 "; this dojo reads versions up to ", kFormatVersion, ")");
    if (!is_integer_attribute(file.get(), kCompleteAttribute) ||
        hdf5::read_int_attribute(file.get(), kCompleteAttribute) != 1)
      return "is incomplete (no 'complete' marker: its writer stopped before finishing)";
    read_summary(file.get(), out);
  } catch (const Error& e) {
    return str("is corrupt (", e.message(), ")");
  }
  return "";
}

}  // namespace

std::string examine(const fs::path& path, Summary& out) {
  // The reads run in a child with a time limit (isolated_read.hpp): a damaged file that makes
  // HDF5 loop or crash is "corrupt", not a hung or crashed job.
  const IsolatedResult r = run_isolated([&] {
    Summary summary;
    const std::string why = examine_here(path, summary);
    return why.empty() ? "+" + encode(summary) : "-" + why;
  });
  switch (r.status) {
    case IsolatedResult::timed_out:
      return str("is corrupt (reading its HDF5 metadata did not finish within ",
                 kIsolatedReadSeconds, " s: a damaged file)");
    case IsolatedResult::crashed:
      return "is corrupt (reading its HDF5 metadata crashed the reader: a damaged file)";
    case IsolatedResult::user_error:
    case IsolatedResult::failed:
      return str("is corrupt (", r.text, ")");
    case IsolatedResult::ok:
      break;
  }
  if (r.text.empty()) return "is corrupt (no answer from its reader)";
  if (r.text[0] == '-') return r.text.substr(1);
  try {
    out = decode_summary(r.text.substr(1));
  } catch (const Error& e) {
    return str("is corrupt (", e.message(), ")");
  }
  return "";
}

}  // namespace dojo::io::detail::checkpoint
