// The preparers' collective wrapper and the summary's text.
#include "prepare_common.hpp"

#include <cstdio>

#include "byte_codec.hpp"
#include "root_decides.hpp"

namespace dojo::io {
namespace detail {
namespace {

std::string encode(const PrepareSummary& summary) {
  ByteWriter out;
  out.put(summary.path);
  out.put(summary.kind);
  out.put(static_cast<std::uint64_t>(summary.splits.size()));
  for (const auto& split : summary.splits) {
    out.put(split.name);
    out.put(split.count);
  }
  out.put(summary.input_files);
  out.put(summary.input_bytes);
  out.put(summary.file_bytes);
  return out.bytes();
}

PrepareSummary decode(const std::string& bytes) {
  ByteReader in(bytes);
  PrepareSummary summary;
  in.get(summary.path);
  in.get(summary.kind);
  std::uint64_t splits = 0;
  in.get(splits);
  summary.splits.resize(splits);
  for (auto& split : summary.splits) {
    in.get(split.name);
    in.get(split.count);
  }
  in.get(summary.input_files);
  in.get(summary.input_bytes);
  in.get(summary.file_bytes);
  return summary;
}

}  // namespace

PrepareSummary prepare_on_root(MPI_Comm comm, const std::function<PrepareSummary()>& prepare) {
  return decode(root_decides(comm, [&] { return encode(prepare()); }));
}

std::string human_bytes(std::int64_t bytes) {
  if (bytes < 1000) return str(bytes, " B");
  const char* units[] = {"kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1000 && unit < 3) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

}  // namespace detail

std::vector<std::string> PrepareSummary::describe() const {
  std::vector<std::string> lines;
  lines.push_back(str("wrote ", path, ": ", kind_name(kind), " data, ",
                      detail::human_bytes(file_bytes), " (", file_bytes, " bytes)"));
  const char* unit = kind == DatasetKind::classification ? "samples" : "tokens";
  for (const auto& split : splits)
    lines.push_back(str("  ", split.name, ": ", split.count, " ", unit));
  lines.push_back(
      str("  from ", input_files, " input file(s), ", detail::human_bytes(input_bytes)));
  return lines;
}

}  // namespace dojo::io
