// Up-front checking of a data file: every problem a trainer would otherwise hit mid-run (missing
// file, not HDF5, truncated, wrong layout, kind or dtype, empty split, bad labels) becomes one
// user error naming the file, the problem and the fix, raised alike on every rank.
#pragma once

#include <mpi.h>

#include <optional>
#include <string>

#include "dojo/io/format.hpp"

namespace dojo::io {

// Checks `path` against the layout of docs/data-format.md and returns what it holds. Rank 0 of
// `comm` reads the file; every rank returns the same DatasetInfo or raises the same user error.
// `expected` (when given) is the kind the job needs. Collective over `comm`.
DatasetInfo validate(const std::string& path, std::optional<DatasetKind> expected, MPI_Comm comm);

// The same checks in this process alone (no MPI): for tools and tests.
DatasetInfo validate_local(const std::string& path,
                           std::optional<DatasetKind> expected = std::nullopt);

}  // namespace dojo::io
