#include "dojo/service/progress.hpp"

#include <fstream>
#include <string>

namespace dojo::service {

namespace {
// The last `bytes` of a file (whole lines: the first partial line is dropped).
std::string tail(const std::filesystem::path& file, std::uint64_t bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::uint64_t>(in.tellg());
  std::uint64_t start = size > bytes ? size - bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::string text(size - start, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (start > 0) {
    auto nl = text.find('\n');
    text = nl == std::string::npos ? std::string() : text.substr(nl + 1);
  }
  return text;
}
}  // namespace

nlohmann::json read_progress(const std::filesystem::path& metrics, std::int64_t steps,
                             std::int64_t global_batch, std::int64_t context) {
  nlohmann::json p = {{"step", nullptr},
                      {"loss", nullptr},
                      {"samples_per_s", nullptr},
                      {"tokens_per_s", nullptr},
                      {"steps", steps > 0 ? nlohmann::json(steps) : nlohmann::json()},
                      {"seconds_left", nullptr},
                      {"eval_loss", nullptr},
                      {"eval_accuracy", nullptr}};
  std::string text = tail(metrics, 64 * 1024);
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) break;  // a line being written
    auto record =
        nlohmann::json::parse(text.begin() + static_cast<std::ptrdiff_t>(pos),
                              text.begin() + static_cast<std::ptrdiff_t>(nl), nullptr, false);
    pos = nl + 1;
    if (!record.is_object() || !record.contains("step")) continue;
    if (record.contains("eval_loss")) {
      p["eval_loss"] = record["eval_loss"];
      if (record.contains("eval_accuracy")) p["eval_accuracy"] = record["eval_accuracy"];
    } else if (record.contains("loss")) {
      p["step"] = record["step"];
      p["loss"] = record["loss"];
      if (record.contains("samples_per_s")) p["samples_per_s"] = record["samples_per_s"];
    }
  }
  if (p["samples_per_s"].is_number()) {
    double samples_per_s = p["samples_per_s"].get<double>();
    if (context > 0) p["tokens_per_s"] = samples_per_s * static_cast<double>(context);
    if (steps > 0 && p["step"].is_number() && samples_per_s > 0) {
      double left = static_cast<double>(steps - p["step"].get<std::int64_t>());
      p["seconds_left"] = std::max(0.0, left * static_cast<double>(global_batch) / samples_per_s);
    }
  }
  return p;
}

nlohmann::json read_metrics(const std::filesystem::path& metrics, std::uint64_t offset,
                            std::size_t max_records) {
  nlohmann::json records = nlohmann::json::array();
  std::ifstream in(metrics, std::ios::binary);
  std::uint64_t next = offset;
  if (in) {
    in.seekg(static_cast<std::streamoff>(offset));
    std::string line;
    while (records.size() < max_records && std::getline(in, line)) {
      if (in.eof()) break;  // no newline yet: a line being written
      next += line.size() + 1;
      auto record = nlohmann::json::parse(line, nullptr, false);
      if (record.is_object()) records.push_back(std::move(record));
    }
  }
  return {{"records", records}, {"offset", offset}, {"next_offset", next}};
}

}  // namespace dojo::service
