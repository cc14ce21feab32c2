// One split of a data file opened with parallel HDF5 on the data-parallel communicator, and the
// reading of arbitrary row ranges of its datasets with independent transfers.
#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dojo/io/hdf5.hpp"

namespace dojo::io::detail {

struct RowRange {
  std::int64_t first_row = 0;
  std::int64_t rows = 0;
};

class SplitReader {
 public:
  // Opens `path` (MPI-IO driver on `comm`, collective) and the datasets /split/<name>.
  SplitReader(const std::string& path, const std::string& split,
              const std::vector<std::string>& datasets, MPI_Comm comm);
  // Closes collectively; while an exception unwinds (peers may not be closing) it lets go of the
  // ids instead, since the job is ending.
  ~SplitReader();
  SplitReader(const SplitReader&) = delete;
  SplitReader& operator=(const SplitReader&) = delete;

  // Reads the rows of `ranges` (they may overlap) of dataset `which`, each row `row_elements`
  // elements of `memory_type` (`element_bytes` each, the dataset's own type: no conversion), into
  // `out` in the order of `ranges`. Independent: other ranks need not call it.
  void read(std::size_t which, std::span<const RowRange> ranges, std::int64_t row_elements,
            hid_t memory_type, std::size_t element_bytes, void* out);

 private:
  // Both read disjoint intervals, in file order, into merged_.
  void read_elements(std::size_t which, const std::vector<RowRange>& elements, hid_t memory_type);
  void read_blocks(std::size_t which, const std::vector<RowRange>& blocks,
                   const std::vector<std::int64_t>& block_row, std::int64_t row_elements,
                   hid_t memory_type, std::size_t row_bytes);

  int unwinding_at_start_;
  hdf5::File file_;
  std::vector<hdf5::Dataset> datasets_;
  std::vector<hdf5::Dataspace> spaces_;
  hdf5::PropertyList transfer_;    // independent MPI-IO transfers
  std::vector<std::byte> merged_;  // scratch: the union of the ranges, in file order
};

}  // namespace dojo::io::detail
