// Agreement on the outcome of a step that every rank runs.
#include "checkpoint_agreement.hpp"

#include <atomic>
#include <cstdint>
#include <exception>
#include <string>

#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/common/watchdog.hpp"

namespace dojo::io::detail {

void every_rank_or_none(MPI_Comm comm, const std::function<void()>& work,
                        const std::function<void()>& on_failure) {
  static std::atomic<std::uint64_t> calls{0};
  watchdog::Wait wait("checkpoint step agreement", calls++);
  int rank = 0, size = 1;
  DOJO_CHECK_MPI(MPI_Comm_rank(comm, &rank));
  DOJO_CHECK_MPI(MPI_Comm_size(comm, &size));
  bool failed = false, user = false;
  std::string message;
  try {
    work();
  } catch (const Error& e) {
    failed = true;
    user = e.kind() == ErrorKind::user;
    message = user ? e.message() : describe(e);
  } catch (const std::exception& e) {
    failed = true;
    message = e.what();
  }
  int candidate = failed ? rank : size, first_failure = size;
  DOJO_CHECK_MPI(MPI_Allreduce(&candidate, &first_failure, 1, MPI_INT, MPI_MIN, comm));
  if (first_failure == size) return;
  if (on_failure) on_failure();
  std::int64_t header[2] = {user ? 1 : 0, static_cast<std::int64_t>(message.size())};
  DOJO_CHECK_MPI(MPI_Bcast(header, 2, MPI_INT64_T, first_failure, comm));
  message.resize(static_cast<std::size_t>(header[1]));
  DOJO_CHECK_MPI(
      MPI_Bcast(message.data(), static_cast<int>(header[1]), MPI_CHAR, first_failure, comm));
  if (header[0] == 1) user_error(message);
  internal_error(rank == first_failure
                     ? message
                     : str("rank ", first_failure, " of the I/O group failed: ", message));
}

hdf5::File open_everywhere(const std::filesystem::path& path, ParallelOpen mode, MPI_Comm comm) {
  hdf5::PropertyList access = hdf5::create_plist(H5P_FILE_ACCESS);
  DOJO_CHECK_HDF5(H5Pset_fapl_mpio(access.get(), comm, MPI_INFO_NULL));
  if (mode == ParallelOpen::create) {
    // Every rank creates the same datasets in the same order, so their headers can be written
    // collectively (one writer instead of every rank).
    DOJO_CHECK_HDF5(H5Pset_all_coll_metadata_ops(access.get(), true));
    DOJO_CHECK_HDF5(H5Pset_coll_metadata_write(access.get(), true));
  }
  hdf5::File file;
  every_rank_or_none(
      comm,
      [&] {
        hid_t id = mode == ParallelOpen::create
                       ? H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get())
                       : H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.get());
        if (id < 0)
          user_error(str(path.string(), " cannot be ",
                         mode == ParallelOpen::create ? "created" : "opened", " with MPI-IO (",
                         hdf5::take_error_stack(true), ")"));
        file = hdf5::File(id);
      },
      // Closing is collective: a rank that opened it cannot close it while others did not.
      [&] { file.release(); });
  return file;
}

void close_everywhere(hdf5::File& file) {
  DOJO_CHECK_HDF5(H5Fclose(file.release()));
}

}  // namespace dojo::io::detail
