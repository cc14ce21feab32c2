// Finding the checkpoint to resume from: `latest` first (it names the newest committed
// checkpoint), then every step-*.h5 from the newest; each one that does not open, verify or fit is
// skipped with a warning that names it, says why and what comes next.
#include <algorithm>
#include <system_error>

#include "byte_codec.hpp"
#include "checkpoint_directory.hpp"
#include "checkpoint_layout.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/log.hpp"
#include "dojo/io/checkpoint.hpp"
#include "root_decides.hpp"

namespace dojo::io {
namespace {

namespace fs = std::filesystem;
namespace ck = detail::checkpoint;

// Rank 0's list of files to try, in order (file names, not checked to exist).
struct Candidates {
  std::vector<std::string> names;
  bool first_from_latest = false;  // names[0] is what `latest` holds
};

Candidates candidates(const fs::path& dir) {
  Candidates out;
  std::error_code error;
  if (!fs::is_directory(dir, error)) return out;
  if (auto latest = ck::read_latest(dir)) {
    out.names.push_back(*latest);
    out.first_from_latest = true;
  }
  auto files = list_checkpoints(dir);
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    std::string name = it->filename().string();
    if (std::find(out.names.begin(), out.names.end(), name) == out.names.end())
      out.names.push_back(name);
  }
  return out;
}

// Collective: "" when `path` is a checkpoint to resume from, else why not ("is truncated (...)").
std::string problem_with(const fs::path& dir, const std::string& name,
                         std::span<const ExpectedTensor> expected, MPI_Comm comm) {
  // Also keeps a `latest` that names "../elsewhere/step-1.h5" inside the directory.
  if (!ck::step_of_file_name(name)) return "is not named like a checkpoint (step-<step>.h5)";
  const fs::path path = dir / name;
  std::string problem = detail::root_decides(comm, [&] {
    ck::Summary ignored;
    return ck::examine(path, ignored);
  });
  if (!problem.empty()) return problem;
  try {
    CheckpointReader reader(path, comm);
    std::string difference = compatibility(reader, expected);
    if (!difference.empty()) return str("is incompatible (", difference, ")");
    std::string mismatch = reader.verify();
    if (!mismatch.empty()) return str("is corrupt (", mismatch, ")");
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::user) throw;
    return str("cannot be opened (", e.message(), ")");
  }
  return "";
}

}  // namespace

std::vector<fs::path> list_checkpoints(const fs::path& dir) {
  std::vector<std::pair<std::int64_t, fs::path>> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    auto step = ck::step_of_file_name(entry.path().filename().string());
    std::error_code ignored;
    if (step && entry.is_regular_file(ignored)) found.emplace_back(*step, entry.path());
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> paths;
  for (auto& [step, path] : found) paths.push_back(std::move(path));
  return paths;
}

std::optional<fs::path> find_latest_valid(const fs::path& dir,
                                          std::span<const ExpectedTensor> expected, MPI_Comm comm) {
  std::string encoded = detail::root_decides(comm, [&] {
    Candidates found = candidates(dir);
    detail::ByteWriter out;
    out.put(found.names);
    out.put(found.first_from_latest);
    return out.bytes();
  });
  Candidates found;
  detail::ByteReader in(encoded);
  in.get(found.names);
  in.get(found.first_from_latest);
  const auto& names = found.names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string problem = problem_with(dir, names[i], expected, comm);
    if (problem.empty()) return dir / names[i];
    std::string next = i + 1 < names.size() ? str("falling back to ", names[i + 1])
                                            : std::string("no earlier checkpoint to fall back to");
    std::string which = i == 0 && found.first_from_latest
                            ? str(names[i], " (named by ", ck::kLatestName, ")")
                            : names[i];
    log::warn(which, " ", problem, "; ", next);
  }
  return std::nullopt;
}

}  // namespace dojo::io
