// CheckpointReader: rank 0 examines the file serially and broadcasts its summary (so every rank
// sees the same verdict on a broken file), then every rank opens it with parallel HDF5 to read
// the blocks it needs. Also compatibility(), which compares stored and expected shapes.
#include <atomic>
#include <cstdint>
#include <exception>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "checkpoint_agreement.hpp"
#include "checkpoint_checksum.hpp"
#include "checkpoint_layout.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/common/watchdog.hpp"
#include "dojo/io/checkpoint.hpp"
#include "dojo/io/hdf5.hpp"
#include "root_decides.hpp"

namespace dojo::io {

namespace ck = detail::checkpoint;

struct CheckpointReader::State {
  std::filesystem::path path;
  ck::Summary summary;
  std::unordered_map<std::string, std::size_t> index;  // tensor name -> position in summary
  mpi::Comm comm;                                      // our own duplicate, for verify()
  hdf5::File file;                 // MPI-IO on comm; declared after comm so that it closes first
  hdf5::PropertyList independent;  // transfers of read()
  int unwinding_at_start = std::uncaught_exceptions();

  ~State() {
    // H5Fclose on the MPI-IO driver is collective: while an error unwinds (peers may not be
    // closing), let go of the file instead of waiting for them.
    if (std::uncaught_exceptions() > unwinding_at_start) file.release();
  }
};

CheckpointReader::CheckpointReader(const std::filesystem::path& path, MPI_Comm comm)
    : state_(std::make_unique<State>()) {
  state_->path = path;
  std::string encoded = detail::root_decides(comm, [&] {
    ck::Summary summary;
    std::string problem = ck::examine(path, summary);
    if (!problem.empty()) user_error(str(path.string(), " ", problem));
    return ck::encode(summary);
  });
  state_->summary = ck::decode_summary(encoded);
  for (std::size_t t = 0; t < state_->summary.tensors.size(); ++t)
    state_->index[state_->summary.tensors[t].name] = t;
  state_->comm = mpi::Comm::duplicate(comm);
  state_->file = detail::open_everywhere(path, detail::ParallelOpen::read, state_->comm.get());
  state_->independent = hdf5::create_plist(H5P_DATASET_XFER);
  DOJO_CHECK_HDF5(H5Pset_dxpl_mpio(state_->independent.get(), H5FD_MPIO_INDEPENDENT));
}

CheckpointReader::~CheckpointReader() = default;
CheckpointReader::CheckpointReader(CheckpointReader&&) noexcept = default;
CheckpointReader& CheckpointReader::operator=(CheckpointReader&&) noexcept = default;

const std::filesystem::path& CheckpointReader::path() const noexcept {
  return state_->path;
}
const CheckpointMeta& CheckpointReader::meta() const noexcept {
  return state_->summary.meta;
}
const std::vector<StoredTensor>& CheckpointReader::tensors() const noexcept {
  return state_->summary.tensors;
}

const StoredTensor* CheckpointReader::find(const std::string& name) const {
  auto found = state_->index.find(name);
  return found == state_->index.end() ? nullptr : &state_->summary.tensors[found->second];
}

void CheckpointReader::read(const std::string& name, std::span<const std::int64_t> start,
                            std::span<const std::int64_t> count, std::span<float> out) const {
  const StoredTensor* tensor = find(name);
  if (!tensor)
    internal_error(str("checkpoint ", state_->path.string(), " has no tensor ", name,
                       " (check compatibility() before reading)"));
  const auto& shape = tensor->shape;
  std::vector<hsize_t> box_start(shape.size(), 0), box_count(shape.begin(), shape.end());
  if (!start.empty() || !count.empty()) {
    if (start.size() != shape.size() || count.size() != shape.size())
      internal_error(str("read of ", name, ": start/count need ", shape.size(), " entries"));
    for (std::size_t k = 0; k < shape.size(); ++k) {
      if (start[k] < 0 || count[k] < 0 || start[k] + count[k] > shape[k])
        internal_error(
            str("read of ", name, ": the box lies outside its shape ", ck::shape_text(shape)));
      box_start[k] = static_cast<hsize_t>(start[k]);
      box_count[k] = static_cast<hsize_t>(count[k]);
    }
  }
  hsize_t elements =
      std::accumulate(box_count.begin(), box_count.end(), hsize_t{1}, std::multiplies<>());
  if (out.size() != elements)
    internal_error(
        str("read of ", name, ": the output holds ", out.size(), " floats, the box ", elements));
  if (elements == 0) return;
  hdf5::Dataset dataset = hdf5::open_dataset(state_->file.get(), name);
  hdf5::Dataspace file_space = hdf5::dataspace_of(dataset);
  DOJO_CHECK_HDF5(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, box_start.data(), nullptr,
                                      box_count.data(), nullptr));
  hdf5::Dataspace memory_space(DOJO_CHECK_HDF5(H5Screate_simple(1, &elements, nullptr)));
  DOJO_CHECK_HDF5(H5Dread(dataset.get(), H5T_NATIVE_FLOAT, memory_space.get(), file_space.get(),
                          state_->independent.get(), out.data()));
}

std::string CheckpointReader::verify() const {
  static std::atomic<std::uint64_t> calls{0};
  watchdog::Wait wait("checkpoint verification", calls++, state_->path.string());
  std::vector<std::string> names;
  std::vector<std::vector<std::int64_t>> shapes;
  for (const auto& tensor : tensors()) {
    names.push_back(tensor.name);
    shapes.push_back(tensor.shape);
  }
  detail::DatasetChecksums sums =
      detail::checksum_datasets(state_->file.get(), names, shapes, state_->comm.get());
  if (!sums.problem.empty()) return sums.problem;
  for (std::size_t t = 0; t < names.size(); ++t)
    if (sums.checksums[t] != tensors()[t].checksum)
      return str(names[t], " does not match its checksum (stored ",
                 ck::checksum_text(tensors()[t].checksum), ", data ",
                 ck::checksum_text(sums.checksums[t]), ")");
  return "";
}

std::string compatibility(const CheckpointReader& reader,
                          std::span<const ExpectedTensor> expected) {
  for (const auto& want : expected) {
    const StoredTensor* stored = reader.find(want.name);
    if (!stored)
      return str(want.name, " ", ck::shape_text(want.shape), " is missing from the checkpoint");
    if (stored->shape != want.shape)
      return str(want.name, " has shape ", ck::shape_text(stored->shape), "; this model's is ",
                 ck::shape_text(want.shape));
  }
  if (expected.empty()) return "";
  std::unordered_set<std::string> wanted;
  for (const auto& want : expected) wanted.insert(want.name);
  for (const auto& stored : reader.tensors()) {
    if (stored.name.starts_with("params/") && !wanted.contains(stored.name))
      return str("the checkpoint has ", stored.name, " ", ck::shape_text(stored.shape),
                 ", which this model does not");
  }
  return "";
}

}  // namespace dojo::io
