// Every rank or none: a step of a checkpoint save or open that may fail on some ranks only (a
// file one node cannot see, a failed read) ends with the same error on every rank.
#pragma once

#include <mpi.h>

#include <filesystem>
#include <functional>

#include "dojo/io/hdf5.hpp"

namespace dojo::io::detail {

// Runs `work` on every rank of `comm`, then agrees: when it raised on any rank, every rank raises
// the error of the lowest failing rank (a user error stays a user error; anything else becomes an
// internal error naming that rank). `on_failure` runs first on every rank, on failure (e.g. to let
// go of a file that only some ranks opened). Collective. Collective calls inside `work` (parallel
// HDF5) fail on every rank alike when the file system or the library fails; one that fails on one
// rank alone can still leave its peers waiting, which the hang watchdog turns into an abort.
void every_rank_or_none(MPI_Comm comm, const std::function<void()>& work,
                        const std::function<void()>& on_failure = {});

enum class ParallelOpen { create, read };

// Creates (truncating) or opens read-only `path` with the MPI-IO driver on `comm`. A created file
// does its metadata I/O collectively. Agreed like every_rank_or_none: a failure on any rank is
// the same error on every rank, and the ranks that did open let go of the file.
hdf5::File open_everywhere(const std::filesystem::path& path, ParallelOpen mode, MPI_Comm comm);

// Closes a file opened with open_everywhere (collective); a failure is an internal error.
void close_everywhere(hdf5::File& file);

}  // namespace dojo::io::detail
