// Rank-0 decisions broadcast to every rank.
#include "root_decides.hpp"

#include <atomic>
#include <cstdint>
#include <exception>
#include <filesystem>

#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/common/watchdog.hpp"

namespace dojo::io::detail {
namespace {

enum class Outcome : std::int32_t { ok = 0, user_error = 1, internal_error = 2 };

}  // namespace

std::string root_decides(MPI_Comm comm, const std::function<std::string()>& work) {
  static std::atomic<std::uint64_t> calls{0};
  watchdog::Wait wait("file check by rank 0", calls++);
  int rank = 0;
  DOJO_CHECK_MPI(MPI_Comm_rank(comm, &rank));
  Outcome outcome = Outcome::ok;
  std::string payload;  // the result bytes, or the error message
  if (rank == 0) {
    try {
      payload = work();
    } catch (const Error& e) {
      outcome = e.kind() == ErrorKind::user ? Outcome::user_error : Outcome::internal_error;
      payload = e.kind() == ErrorKind::user ? e.message() : describe(e);
    } catch (const std::exception& e) {
      outcome = Outcome::internal_error;
      payload = e.what();
    }
  }
  std::int64_t header[2] = {static_cast<std::int64_t>(outcome),
                            static_cast<std::int64_t>(payload.size())};
  DOJO_CHECK_MPI(MPI_Bcast(header, 2, MPI_INT64_T, 0, comm));
  payload.resize(static_cast<std::size_t>(header[1]));
  // Payloads are small (a DatasetInfo, a summary): well under MPI's int count limit.
  DOJO_CHECK_MPI(MPI_Bcast(payload.data(), static_cast<int>(header[1]), MPI_CHAR, 0, comm));
  switch (static_cast<Outcome>(header[0])) {
    case Outcome::ok:
      return payload;
    case Outcome::user_error:
      user_error(payload);
    case Outcome::internal_error:
      internal_error(rank == 0 ? payload : str("rank 0 of the I/O group failed: ", payload));
  }
  internal_error("unknown outcome broadcast by rank 0");
}

void require_visible_everywhere(MPI_Comm comm, const std::string& path) {
  std::error_code ignored;
  int visible = std::filesystem::exists(path, ignored) ? 1 : 0;
  int root_visible = visible;
  DOJO_CHECK_MPI(MPI_Bcast(&root_visible, 1, MPI_INT, 0, comm));
  int missing = visible ? 0 : 1, missing_count = 0;
  DOJO_CHECK_MPI(MPI_Allreduce(&missing, &missing_count, 1, MPI_INT, MPI_SUM, comm));
  // When rank 0 cannot see it either, rank 0's own check names the missing file.
  if (root_visible && missing_count > 0)
    user_error(str(path, ": exists for rank 0 but not for ", missing_count,
                   " other rank(s): put the data on a file system that every node mounts"));
}

}  // namespace dojo::io::detail
