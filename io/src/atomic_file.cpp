// Temporary-name-then-rename output files.
#include "atomic_file.hpp"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "dojo/common/error.hpp"

namespace dojo::io::detail {

AtomicFile::AtomicFile(std::string path) : final_(std::move(path)) {
  namespace fs = std::filesystem;
  if (final_.empty()) user_error("no output file given: pass --out FILE.h5");
  fs::path target(final_);
  fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code error;
  if (!fs::is_directory(directory, error))
    user_error(str(final_, ": directory ", directory.string(),
                   " does not exist: create it first or choose another --out"));
  if (access(directory.c_str(), W_OK) != 0)
    user_error(
        str(final_, ": directory ", directory.string(), " is not writable: choose another --out"));
  if (fs::is_directory(target, error))
    user_error(str(final_, ": is a directory: pass a file name for --out"));
  // Hidden, and unique per process, in the final directory so that rename() stays on one file
  // system (and is atomic).
  temporary_ = (directory / str(".", target.filename().string(), ".tmp.", getpid())).string();
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  std::error_code ignored;
  std::filesystem::remove(temporary_, ignored);
}

void AtomicFile::commit() {
  std::error_code error;
  std::filesystem::rename(temporary_, final_, error);
  if (error)
    user_error(str(final_, ": cannot be written (", error.message(),
                   "): check the permissions of its directory"));
  committed_ = true;
}

}  // namespace dojo::io::detail
