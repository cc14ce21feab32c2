// A small program for the crash tests and the CLI tests: saves the standard test checkpoint at a
// step (possibly crashing on purpose, see DOJO_CHECKPOINT_CRASH_AT), checks which checkpoint
// find_latest_valid picks and that its data is the standard data, or corrupts a file.
//   checkpoint_crash_helper save DIR STEP
//   checkpoint_crash_helper check DIR STEP      exit 0 when step STEP is picked and verifies
//   checkpoint_crash_helper corrupt FILE TENSOR  flips two bytes of TENSOR's data (serial)
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "checkpoint_test_tensors.hpp"
#include "dojo/common/error.hpp"
#include "dojo/io/checkpoint.hpp"
#include "dojo/io/hdf5.hpp"

namespace {

namespace fs = std::filesystem;
using namespace dojo::io;

int save(const fs::path& dir, std::int64_t step, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  test::TestPieces pieces = test::standard_pieces(rank, size);
  fs::path path = save_checkpoint(dir, test::standard_meta(step), pieces.pieces, {}, comm);
  if (rank == 0) std::printf("saved %s\n", path.c_str());
  return 0;
}

int check(const fs::path& dir, std::int64_t step, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::vector<ExpectedTensor> expected = test::standard_expected();
  std::optional<fs::path> found = find_latest_valid(dir, expected, comm);
  fs::path wanted =
      dir / dojo::str("step-", std::string(8 - std::to_string(step).size(), '0'), step, ".h5");
  if (found != wanted) {
    std::fprintf(stderr, "check: find_latest_valid picked %s, expected %s\n",
                 found ? found->c_str() : "nothing", wanted.c_str());
    return 1;
  }
  CheckpointReader reader(*found, comm);
  if (std::string problem = reader.verify(); !problem.empty()) {
    std::fprintf(stderr, "check: %s does not verify: %s\n", found->c_str(), problem.c_str());
    return 1;
  }
  for (const auto& t : test::standard_tensors()) {
    std::vector<float> whole = test::whole_tensor(t.id, t.shape), back(whole.size());
    reader.read(t.name, {}, {}, back);
    if (back != whole) {
      std::fprintf(stderr, "check: %s differs from the data saved\n", t.name.c_str());
      return 1;
    }
  }
  if (reader.meta().step != step) return 1;
  if (rank == 0) std::printf("check: %s is picked and verifies\n", found->c_str());
  return 0;
}

int corrupt(const fs::path& path, const std::string& tensor) {
  haddr_t offset = 0;
  {
    dojo::io::hdf5::File file = dojo::io::hdf5::open_file(path.string());
    dojo::io::hdf5::Dataset dataset = dojo::io::hdf5::open_dataset(file.get(), tensor);
    offset = H5Dget_offset(dataset.get());
  }
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(offset));
  file.write("\xde\xad", 2);
  return file ? 0 : 1;
}

int run(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "save" && argc == 4) return save(argv[2], std::atoll(argv[3]), MPI_COMM_WORLD);
  if (mode == "check" && argc == 4) return check(argv[2], std::atoll(argv[3]), MPI_COMM_WORLD);
  if (mode == "corrupt" && argc == 4) return corrupt(argv[2], argv[3]);
  std::fprintf(stderr, "usage: %s save|check DIR STEP | corrupt FILE TENSOR\n", argv[0]);
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int code = 0;
  try {
    code = run(argc, argv);
  } catch (const dojo::Error& e) {
    std::fprintf(stderr, "checkpoint_crash_helper: %s\n", dojo::describe(e).c_str());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  // A failed check on one rank must not leave the others in MPI_Finalize.
  int worst = 0;
  MPI_Allreduce(&code, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return worst;
}
