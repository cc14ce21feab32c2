// Shared checksumming of datasets. Rank r reads rows [n r / P, n (r + 1) / P) of each dataset
// (independent reads, in chunks of at most kChunkBytes), rank 0 joins the P partial CRCs in rank
// order with crc32_combine, which gives exactly the CRC of the whole byte stream.
#include "checkpoint_checksum.hpp"

#include <zlib.h>

#include <algorithm>
#include <exception>
#include <numeric>

#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/io/hdf5.hpp"

namespace dojo::io::detail {
namespace {

constexpr std::int64_t kChunkBytes = std::int64_t{16} << 20;  // read buffer per rank

struct Partial {
  std::uint64_t crc = 0;    // crc32 of this rank's rows
  std::uint64_t bytes = 0;  // their length
};

Partial checksum_rows(hid_t file, const std::string& name, const std::vector<std::int64_t>& shape,
                      std::int64_t first_row, std::int64_t last_row, hid_t transfer,
                      std::vector<float>& buffer) {
  Partial partial;
  partial.crc = crc32(0L, Z_NULL, 0);
  std::int64_t row_elements =
      std::accumulate(shape.begin() + 1, shape.end(), std::int64_t{1}, std::multiplies<>());
  if (last_row <= first_row || row_elements == 0) return partial;
  hdf5::Dataset dataset = hdf5::open_dataset(file, name);
  hdf5::Dataspace file_space = hdf5::dataspace_of(dataset);
  std::int64_t row_bytes = row_elements * 4;
  std::int64_t rows_per_chunk = std::max<std::int64_t>(1, kChunkBytes / row_bytes);
  std::vector<hsize_t> start(shape.size(), 0), count(shape.begin(), shape.end());
  for (std::int64_t row = first_row; row < last_row; row += rows_per_chunk) {
    std::int64_t rows = std::min(rows_per_chunk, last_row - row);
    start[0] = static_cast<hsize_t>(row);
    count[0] = static_cast<hsize_t>(rows);
    DOJO_CHECK_HDF5(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                        count.data(), nullptr));
    hsize_t elements = static_cast<hsize_t>(rows * row_elements);
    hdf5::Dataspace memory_space(DOJO_CHECK_HDF5(H5Screate_simple(1, &elements, nullptr)));
    buffer.resize(elements);
    // Little-endian float32 in memory whatever the host: the checksum is of the stored bytes.
    DOJO_CHECK_HDF5(H5Dread(dataset.get(), H5T_IEEE_F32LE, memory_space.get(), file_space.get(),
                            transfer, buffer.data()));
    // zlib's lengths are 32-bit: a chunk is far below that.
    partial.crc = crc32(partial.crc, reinterpret_cast<const Bytef*>(buffer.data()),
                        static_cast<uInt>(elements * 4));
    partial.bytes += elements * 4;
  }
  return partial;
}

}  // namespace

DatasetChecksums checksum_datasets(hid_t file, const std::vector<std::string>& names,
                                   const std::vector<std::vector<std::int64_t>>& shapes,
                                   MPI_Comm comm) {
  check(names.size() == shapes.size(), "a shape for every dataset to checksum");
  int rank = 0, size = 1;
  DOJO_CHECK_MPI(MPI_Comm_rank(comm, &rank));
  DOJO_CHECK_MPI(MPI_Comm_size(comm, &size));
  std::vector<Partial> partials(names.size());
  std::string problem;
  try {
    // Independent reads: ranks read different numbers of chunks, so none waits for another.
    hdf5::PropertyList transfer = hdf5::create_plist(H5P_DATASET_XFER);
    hdf5::PropertyList access(DOJO_CHECK_HDF5(H5Fget_access_plist(file)));
    if (H5Pget_driver(access.get()) == H5FD_MPIO)
      DOJO_CHECK_HDF5(H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_INDEPENDENT));
    std::vector<float> buffer;
    for (std::size_t t = 0; t < names.size(); ++t) {
      std::int64_t rows = shapes[t].empty() ? 1 : shapes[t][0];
      try {
        partials[t] = checksum_rows(file, names[t], shapes[t], rows * rank / size,
                                    rows * (rank + 1) / size, transfer.get(), buffer);
      } catch (const Error& e) {
        problem = str(names[t], " cannot be read (", e.message(), ")");
        break;
      }
    }
  } catch (const std::exception& e) {
    problem = str("the tensors cannot be read (", e.what(), ")");
  }

  // Agree on a failure first: the lowest failing rank's problem goes to everyone.
  int candidate = problem.empty() ? size : rank, first_failure = size;
  DOJO_CHECK_MPI(MPI_Allreduce(&candidate, &first_failure, 1, MPI_INT, MPI_MIN, comm));
  DatasetChecksums result;
  if (first_failure < size) {
    std::uint64_t length = problem.size();
    DOJO_CHECK_MPI(MPI_Bcast(&length, 1, MPI_UINT64_T, first_failure, comm));
    problem.resize(length);
    DOJO_CHECK_MPI(
        MPI_Bcast(problem.data(), static_cast<int>(length), MPI_CHAR, first_failure, comm));
    result.problem = problem;
    return result;
  }

  std::vector<std::uint64_t> mine;
  for (const auto& p : partials) mine.insert(mine.end(), {p.crc, p.bytes});
  std::vector<std::uint64_t> all(rank == 0 ? mine.size() * static_cast<std::size_t>(size) : 0);
  DOJO_CHECK_MPI(MPI_Gather(mine.data(), static_cast<int>(mine.size()), MPI_UINT64_T, all.data(),
                            static_cast<int>(mine.size()), MPI_UINT64_T, 0, comm));
  result.checksums.resize(names.size());
  if (rank == 0) {
    for (std::size_t t = 0; t < names.size(); ++t) {
      uLong crc = crc32(0L, Z_NULL, 0);
      for (int r = 0; r < size; ++r) {
        const std::uint64_t* part = &all[static_cast<std::size_t>(r) * mine.size() + 2 * t];
        crc = crc32_combine(crc, static_cast<uLong>(part[0]), static_cast<z_off_t>(part[1]));
      }
      result.checksums[t] = static_cast<std::uint32_t>(crc);
    }
  }
  DOJO_CHECK_MPI(
      MPI_Bcast(result.checksums.data(), static_cast<int>(names.size()), MPI_UINT32_T, 0, comm));
  return result;
}

}  // namespace dojo::io::detail
