// Durable file operations on a checkpoint directory (POSIX: fsync, rename).
#include "checkpoint_directory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>
#include <thread>

#include "checkpoint_layout.hpp"
#include "dojo/common/environment.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/log.hpp"
#include "dojo/io/checkpoint.hpp"

namespace dojo::io::detail::checkpoint {
namespace fs = std::filesystem;

namespace {

constexpr const char* kLatestTemporaryName = ".latest.tmp";

void sync_path(const fs::path& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0)
    internal_error(str("cannot open ", path.string(), " to sync it: ", std::strerror(errno)));
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) internal_error(str("fsync of ", path.string(), " failed: ", std::strerror(saved)));
}

}  // namespace

void prepare_directory(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error || !fs::is_directory(dir))
    user_error(str("checkpoint directory ", dir.string(), " cannot be created (",
                   error ? error.message() : "a file of that name exists",
                   "): choose another output directory"));
  if (::access(dir.c_str(), W_OK) != 0)
    user_error(str("checkpoint directory ", dir.string(),
                   " is not writable: choose another output directory"));
}

void sync_file(const fs::path& path) {
  sync_path(path, O_RDONLY);
}

void sync_directory(const fs::path& dir) {
  sync_path(dir, O_RDONLY | O_DIRECTORY);
}

void durable_rename(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::rename(from, to, error);
  if (error)
    internal_error(
        str("cannot rename ", from.string(), " to ", to.string(), ": ", error.message()));
  sync_directory(to.parent_path().empty() ? fs::path(".") : to.parent_path());
}

void write_latest(const fs::path& dir, const std::string& file_name) {
  fs::path temporary = dir / kLatestTemporaryName;
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << file_name << '\n';
    out.close();
    if (!out) internal_error(str("cannot write ", temporary.string()));
  }
  sync_file(temporary);
  durable_rename(temporary, dir / kLatestName);
}

std::optional<std::string> read_latest(const fs::path& dir) {
  std::ifstream in(dir / kLatestName);
  std::string name;
  if (!in || !std::getline(in, name)) return std::nullopt;
  while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.pop_back();
  return name;
}

void remove_temporaries(const fs::path& dir) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    std::string name = entry.path().filename().string();
    if (!is_temporary_file_name(name) && name != kLatestTemporaryName) continue;
    std::error_code ignored;
    if (fs::remove(entry.path(), ignored))
      log::debug("removed ", entry.path().string(), ", left by an interrupted checkpoint save");
  }
}

void prune(const fs::path& dir, int keep, std::int64_t just_written) {
  if (keep <= 0) return;
  std::optional<std::string> latest = read_latest(dir);
  int kept = 1;  // the one just written
  auto files = list_checkpoints(dir);
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    std::int64_t step = *step_of_file_name(it->filename().string());
    if (step >= just_written) continue;
    if (latest && *latest == it->filename().string()) continue;
    if (kept < keep) {
      ++kept;
      continue;
    }
    std::error_code error;
    fs::remove(*it, error);
    if (error)
      log::warn("cannot remove old checkpoint ", it->string(), ": ", error.message());
    else
      log::debug("removed old checkpoint ", it->string(), " (keeping ", keep, ")");
  }
}

void crash_point(const char* phase) {
  // Test hooks, not settings (see docs/checkpoint-format.md), read with the environment.
  const std::string& crash = env::settings().checkpoint_crash_at;
  const std::string& hang = env::settings().checkpoint_hang_at;
  if (crash == phase) {
    log::warn("DOJO_CHECKPOINT_CRASH_AT=", phase, ": killing this process");
    std::raise(SIGKILL);
  }
  if (hang == phase) {
    // A rank stuck on a file system that no longer answers: alive, never coming back.
    log::warn("DOJO_CHECKPOINT_HANG_AT=", phase, ": this process stops here");
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace dojo::io::detail::checkpoint
