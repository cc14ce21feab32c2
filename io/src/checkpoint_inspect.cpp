// `dojo checkpoint inspect`: a checkpoint described for people, one item per line.
#include <algorithm>
#include <numeric>
#include <sstream>

#include "checkpoint_layout.hpp"
#include "dojo/common/error.hpp"
#include "dojo/io/checkpoint.hpp"

namespace dojo::io {
namespace {

namespace ck = detail::checkpoint;

// Columns, each but the last padded to its widest entry.
class Lines {
 public:
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string text(const std::string& indent) const {
    std::vector<std::size_t> widths;
    for (const auto& row : rows_) {
      widths.resize(std::max(widths.size(), row.size()), 0);
      for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line = indent;
      for (std::size_t c = 0; c < row.size(); ++c)
        line +=
            c + 1 < row.size() ? row[c] + std::string(widths[c] - row[c].size() + 2, ' ') : row[c];
      out += line + "\n";
    }
    return out;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

// A string value on one line: shown whole when short, else its size and its beginning.
std::string shorten(const std::string& value) {
  constexpr std::size_t kShown = 48;
  std::string line = value.substr(0, value.find('\n'));
  if (line.size() == value.size() && value.size() <= kShown) return str('"', value, '"');
  return str("(", value.size(), " bytes) \"", line.substr(0, kShown), "...\"");
}

std::string size_text(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  std::ostringstream out;
  out.precision(unit == 0 ? 0 : 1);
  out << std::fixed << bytes << ' ' << units[unit];
  return out.str();
}

}  // namespace

CheckpointInspection inspect_checkpoint(const std::filesystem::path& path, bool verify_checksums,
                                        MPI_Comm comm) {
  CheckpointReader reader(path, comm);
  const CheckpointMeta& meta = reader.meta();
  std::string report;

  Lines head;
  head.add({"file", path.string()});
  head.add({"step", std::to_string(meta.step)});
  head.add({"model", meta.model.empty() ? "-" : meta.model});
  head.add({"layout", meta.layout.empty() ? "-" : meta.layout});
  report += head.text("");

  report += str("counters (", meta.counters.size(), ")\n");
  Lines counters;
  for (const auto& [key, value] : meta.counters) counters.add({key, std::to_string(value)});
  report += counters.text("  ");

  report += str("strings (", meta.strings.size(), ")\n");
  Lines strings;
  for (const auto& [key, value] : meta.strings) strings.add({key, shorten(value)});
  report += strings.text("  ");

  std::istringstream config(meta.config_toml);
  std::vector<std::string> config_lines;
  for (std::string line; std::getline(config, line);) config_lines.push_back(line);
  report += str("config (", config_lines.size(), " lines)\n");
  for (const auto& line : config_lines) report += str("  | ", line, "\n");

  std::int64_t floats = 0;
  Lines tensors;
  for (const auto& tensor : reader.tensors()) {
    floats += std::accumulate(tensor.shape.begin(), tensor.shape.end(), std::int64_t{1},
                              std::multiplies<>());
    tensors.add({tensor.name, ck::shape_text(tensor.shape),
                 str("crc32 ", ck::checksum_text(tensor.checksum))});
  }
  report += str("tensors (", reader.tensors().size(), ", ", floats, " floats, ",
                size_text(4.0 * static_cast<double>(floats)), ")\n");
  report += tensors.text("  ");

  CheckpointInspection inspection;
  if (verify_checksums) {
    inspection.checksum_problem = reader.verify();
    report += inspection.checksum_problem.empty()
                  ? std::string("checksums: ok\n")
                  : str("checksums: MISMATCH: ", inspection.checksum_problem, "\n");
  } else {
    report += "checksums: not verified\n";
  }
  inspection.report = std::move(report);
  return inspection;
}

}  // namespace dojo::io
