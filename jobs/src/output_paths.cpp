// Checks of the run's output paths, and the writes that wait for the first step.
#include "output_paths.hpp"

#include <unistd.h>

#include <fstream>

#include "dojo/common/error.hpp"
#include "dojo/io/checkpoint.hpp"

namespace dojo::jobs {
namespace {

namespace fs = std::filesystem;

bool writable(const fs::path& path) {
  return ::access(path.c_str(), W_OK) == 0;
}

// The nearest ancestor of path that exists ("." for a relative path with none).
fs::path existing_ancestor(fs::path path) {
  std::error_code error;
  while (!path.empty() && !fs::exists(path, error)) path = path.parent_path();
  return path.empty() ? fs::path(".") : path;
}

// "" when `path` (a file the run writes) can be written, else why not. Unless the run makes the
// missing directories above it (parents_made), its directory must exist.
std::string file_problem(const fs::path& path, bool parents_made = true) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (fs::exists(status)) {
    if (fs::is_directory(status)) return str("'", path.string(), "' is a directory, not a file");
    if (!writable(path)) return str("'", path.string(), "' is not writable");
    return {};
  }
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  const fs::path ancestor = parents_made ? existing_ancestor(parent) : parent;
  if (!fs::exists(ancestor, error))
    return str("directory '", ancestor.string(), "' does not exist");
  if (!fs::is_directory(ancestor, error))
    return str("'", ancestor.string(), "' is a file, not a directory");
  if (!writable(ancestor)) return str("directory '", ancestor.string(), "' is not writable");
  return {};
}

// "" when `path` (a directory the run writes into) is, or can be made, a writable directory.
std::string directory_problem(const fs::path& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) return str("'", path.string(), "' is a file, not a directory");
    if (!writable(path)) return str("'", path.string(), "' is not writable");
    return {};
  }
  const fs::path ancestor = existing_ancestor(path);
  if (!fs::is_directory(ancestor, error))
    return str("'", ancestor.string(), "' is a file, not a directory");
  if (!writable(ancestor)) return str("directory '", ancestor.string(), "' is not writable");
  return {};
}

// Rank 0's verdict on every rank: a user error everywhere when `problem` (rank 0's) is not empty.
void agree(std::string problem, const mpi::Comm& world) {
  int length = static_cast<int>(problem.size());
  DOJO_CHECK_MPI(MPI_Bcast(&length, 1, MPI_INT, 0, world.get()));
  problem.resize(static_cast<std::size_t>(length));
  DOJO_CHECK_MPI(MPI_Bcast(problem.data(), length, MPI_CHAR, 0, world.get()));
  if (!problem.empty()) user_error(problem);
}

}  // namespace

void check_output_paths(const TrainConfig& config, const mpi::Comm& world) {
  std::string problem;
  if (world.rank() == 0) {
    const fs::path out = output_directory(config);
    if (std::string why = directory_problem(out); !why.empty())
      problem = str("output directory '", out.string(), "' is not writable (", why,
                    "): choose another with --out");
    else if (std::string why = directory_problem(out / "checkpoints"); !why.empty())
      problem = str("checkpoints cannot be saved in ", (out / "checkpoints").string(), " (", why,
                    "): move it away or choose another --out");
    else if (std::string why = file_problem(out / "metrics.jsonl"); !why.empty())
      problem = str("metrics cannot be written (", why, "): move it away or choose another --out");
    else if (std::string why = file_problem(out / "config.toml"); !why.empty())
      problem = str("the configuration cannot be saved (", why,
                    "): move it away or choose another --out");
    else if (!config.trace.empty())
      if (std::string why = file_problem(config.trace, false); !why.empty())
        problem = str("--trace ", config.trace, " cannot be written (", why,
                      "): give a file in an existing, writable directory");
  }
  agree(problem, world);
}

void make_output_directory(const std::string& out, const mpi::Comm& world) {
  std::string problem;
  if (world.rank() == 0) {
    std::error_code error;
    fs::create_directories(out, error);
    if (error)
      problem = str("output directory '", out, "' is not writable (", error.message(),
                    "): choose another with --out");
  }
  agree(problem, world);
}

void refuse_to_replace_checkpoints(const TrainConfig& config, const fs::path& checkpoints) {
  if (config.resume != "never" || config.overwrite) return;
  const auto found = io::list_checkpoints(checkpoints);
  if (found.empty()) return;
  user_error(str(checkpoints.string(), " holds ", found.size(),
                 " checkpoint(s) of an earlier run and --resume is never: this run would start "
                 "from step 0 and replace them. Continue it with --resume auto, choose another "
                 "--out, or give --overwrite to start over"));
}

void write_config_toml(const std::string& out, const std::string& toml) {
  const fs::path path = fs::path(out) / "config.toml";
  const fs::path temporary = fs::path(out) / "config.toml.tmp";
  {
    std::ofstream file(temporary, std::ios::trunc);
    if (!(file << toml) || !file.flush()) internal_error(str("cannot write ", temporary.string()));
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) internal_error(str("cannot replace ", path.string(), ": ", error.message()));
}

}  // namespace dojo::jobs
