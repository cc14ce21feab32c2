// The file operations of a checkpoint directory, all done by one rank: durable renames (fsync of
// the file and of its directory), the `latest` pointer, pruning, removal of temporaries, and the
// crash hook of the tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace dojo::io::detail::checkpoint {

// Creates `dir` when needed and checks it is writable (user errors naming it otherwise).
void prepare_directory(const std::filesystem::path& dir);

// fsync of a file's data, or of a directory's entries (so a rename in it survives a power cut).
void sync_file(const std::filesystem::path& path);
void sync_directory(const std::filesystem::path& dir);

// Renames `from` over `to` (same directory) and syncs the directory.
void durable_rename(const std::filesystem::path& from, const std::filesystem::path& to);

// `latest` holds one line, the file name of the newest committed checkpoint. Written through its
// own temporary and a rename, so it is always either the old or the new name.
void write_latest(const std::filesystem::path& dir, const std::string& file_name);
// The name `latest` holds (not checked to exist); nullopt when there is no readable `latest`.
std::optional<std::string> read_latest(const std::filesystem::path& dir);

// Removes the temporaries of interrupted saves (.step-*.h5.tmp, .latest.tmp).
void remove_temporaries(const std::filesystem::path& dir);

// Deletes old checkpoints after `just_written` was committed: keeps it and the keep - 1 newest
// ones older than it, never the one `latest` names; checkpoints with a higher step (left by a run
// that was resumed from an earlier one) are left alone. keep <= 0 keeps everything.
void prune(const std::filesystem::path& dir, int keep, std::int64_t just_written);

// The test hooks: when the environment variable DOJO_CHECKPOINT_CRASH_AT equals `phase`, the
// process kills itself (SIGKILL) here, as a crash would; when DOJO_CHECKPOINT_HANG_AT does, it
// sleeps here for ever, as a rank stuck on a dead file system would. Phases: after_data,
// after_checksums, before_rename, before_latest, before_prune.
void crash_point(const char* phase);

}  // namespace dojo::io::detail::checkpoint
