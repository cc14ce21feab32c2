// Checkpoint files (io/checkpoint.hpp, `dojo checkpoint inspect`) from arbitrary bytes: opened,
// described and verified, or refused with a user error.
#include <mpi.h>

#include "dojo/io/checkpoint.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_SINGLE, &provided);  // parallel HDF5 opens need MPI
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = dojo::fuzz::write_scratch(data, size, ".h5");
  dojo::fuzz::expect_only_user_errors(
      [&] { dojo::io::inspect_checkpoint(path, /*verify_checksums=*/true, MPI_COMM_SELF); });
  return 0;
}
