// The CRC-32 of a checkpoint's datasets as they are on disk, computed by all ranks together: each
// reads its share of every dataset's rows and the parts are joined with zlib's crc32_combine.
#pragma once

#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace dojo::io::detail {

struct DatasetChecksums {
  std::vector<std::uint32_t> checksums;  // one per dataset, in the order asked
  std::string problem;                   // "" or why some dataset could not be read
};

// Collective over `comm`, on `file` opened with the MPI-IO driver on `comm` (or a serial file
// when `comm` has one rank). Each checksum is zlib's crc32 of the dataset's float32
// little-endian bytes in row-major order. Returns the same result on every rank; a dataset that
// cannot be read on some rank is reported in `problem` (naming it), not raised.
DatasetChecksums checksum_datasets(hid_t file, const std::vector<std::string>& names,
                                   const std::vector<std::vector<std::int64_t>>& shapes,
                                   MPI_Comm comm);

}  // namespace dojo::io::detail
