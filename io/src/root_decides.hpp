// Makes a file check or a file write collective-consistent: rank 0 does the work and every rank
// returns its result or raises the same error, so a user error is seen alike on every rank.
#pragma once

#include <mpi.h>

#include <functional>
#include <string>

namespace dojo::io::detail {

// Runs `work` on rank 0 of `comm` and broadcasts its result bytes. When `work` raises a dojo
// user error, every rank raises a user error with the same message; any other failure becomes
// an internal error on every rank ("rank 0 failed: ..."). Collective over `comm`.
std::string root_decides(MPI_Comm comm, const std::function<std::string()>& work);

// Raises the same user error on every rank of `comm` when `path` is missing on some rank but not
// on rank 0 (a file system that not every node mounts). Collective over `comm`.
void require_visible_everywhere(MPI_Comm comm, const std::string& path);

}  // namespace dojo::io::detail
