// What every preparer shares: running on rank 0 with the outcome broadcast, and the summary.
#pragma once

#include <mpi.h>

#include <functional>
#include <string>

#include "dojo/io/prepare.hpp"

namespace dojo::io::detail {

// Runs `prepare` on rank 0 of `comm`; every rank returns its summary or raises its error.
PrepareSummary prepare_on_root(MPI_Comm comm, const std::function<PrepareSummary()>& prepare);

// "47.1 MB", "812 B": sizes for people.
std::string human_bytes(std::int64_t bytes);

}  // namespace dojo::io::detail
