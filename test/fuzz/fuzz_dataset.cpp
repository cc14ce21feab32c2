// Data set files (io/validate.hpp and the loaders) from arbitrary bytes: validation answers with
// a DatasetInfo or a user error; a file it accepts is then read through the loader, one pass of
// batches, which must not fail.
#include <mpi.h>

#include "dojo/io/loader.hpp"
#include "dojo/io/validate.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_SINGLE, &provided);  // the loaders take a communicator
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = dojo::fuzz::write_scratch(data, size, ".h5");
  std::optional<dojo::io::DatasetInfo> info;
  dojo::fuzz::expect_only_user_errors([&] { info = dojo::io::validate_local(path); });
  if (!info) return 0;
  // Accepted: the loaders read it (a user error is still fine: a batch larger than the split).
  for (const auto& split : info->splits)
    dojo::fuzz::expect_only_user_errors([&] {
      dojo::io::LoaderOptions options;
      options.path = path;
      options.split = split.name;
      options.global_batch = 2;
      options.order = dojo::io::Order::sequential;
      if (info->kind == dojo::io::DatasetKind::classification) {
        dojo::io::ClassificationLoader loader(options, MPI_COMM_SELF);
        dojo::io::ClassificationBatch batch;
        for (int i = 0; i < 4 && loader.next(batch); ++i) {
        }
      } else {
        options.context_length = 2;
        dojo::io::TokenLoader loader(options, MPI_COMM_SELF);
        dojo::io::TokenBatch batch;
        for (int i = 0; i < 4 && loader.next(batch); ++i) {
        }
      }
    });
  return 0;
}
