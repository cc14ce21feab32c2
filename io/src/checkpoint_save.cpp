// save_checkpoint: the collective write of one checkpoint, in steps that each end with every rank
// agreeing on the outcome:
//   1. plan who writes what (every rank), prepare the directory (rank 0);
//   2. create <dir>/.step-N.h5.tmp and write every tensor with collective parallel HDF5 I/O;
//   3. read it back and checksum every dataset, the rows shared among the ranks;
//   4. rank 0 seals it (checksums, metadata, the `complete` marker), syncs it, renames it to
//      step-N.h5, syncs the directory, points `latest` at it and prunes old checkpoints.
// A crash before 4's rename leaves only a temporary behind; a crash after it leaves a complete
// checkpoint that `latest` may not name yet (see find_latest_valid).
#include <algorithm>
#include <numeric>

#include "checkpoint_agreement.hpp"
#include "checkpoint_checksum.hpp"
#include "checkpoint_directory.hpp"
#include "checkpoint_layout.hpp"
#include "checkpoint_plan.hpp"
#include "checkpoint_string_dataset.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/log.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/common/watchdog.hpp"
#include "dojo/io/checkpoint.hpp"
#include "dojo/io/hdf5.hpp"
#include "dojo/io/hdf5_attribute.hpp"
#include "root_decides.hpp"

namespace dojo::io {
namespace {

namespace fs = std::filesystem;
namespace ck = detail::checkpoint;

// Counter and string keys become attribute and dataset names: one path component each.
void check_meta(const CheckpointMeta& meta) {
  if (meta.step < 0) internal_error(str("checkpoint step ", meta.step, " is negative"));
  auto check_key = [](const std::string& key, const char* what) {
    if (key.empty() || key == "." || key == ".." || key.find('/') != std::string::npos)
      internal_error(str("checkpoint ", what, " key '", key,
                         "' must be a non-empty name without '/' (e.g. loader.position)"));
  };
  for (const auto& entry : meta.counters) check_key(entry.first, "counter");
  for (const auto& entry : meta.strings) check_key(entry.first, "string");
}

void write_tensor_data(hid_t file, std::span<const TensorPiece> pieces,
                       const std::vector<detail::TensorWrites>& tensors) {
  hdf5::PropertyList link = hdf5::create_plist(H5P_LINK_CREATE);
  DOJO_CHECK_HDF5(H5Pset_create_intermediate_group(link.get(), 1));  // params/..., optimizer/m/...
  hdf5::PropertyList creation = hdf5::create_plist(H5P_DATASET_CREATE);
  // Every element is written (plan_writes checks the boxes cover the tensor): no fill pass.
  DOJO_CHECK_HDF5(H5Pset_fill_time(creation.get(), H5D_FILL_TIME_NEVER));
  DOJO_CHECK_HDF5(H5Pset_alloc_time(creation.get(), H5D_ALLOC_TIME_EARLY));
  hdf5::PropertyList transfer = hdf5::create_plist(H5P_DATASET_XFER);
  DOJO_CHECK_HDF5(H5Pset_dxpl_mpio(transfer.get(), H5FD_MPIO_COLLECTIVE));

  const float nothing = 0;  // the source of a rank that writes no element in a round
  for (const detail::TensorWrites& tensor : tensors) {
    std::vector<hsize_t> dims(tensor.shape.begin(), tensor.shape.end());
    hdf5::Dataspace file_space(
        DOJO_CHECK_HDF5(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr)));
    hdf5::Dataset dataset(
        DOJO_CHECK_HDF5(H5Dcreate2(file, tensor.name.c_str(), H5T_IEEE_F32LE, file_space.get(),
                                   link.get(), creation.get(), H5P_DEFAULT)));
    // A tensor without elements has no storage to write to (every rank skips it alike).
    if (std::find(dims.begin(), dims.end(), hsize_t{0}) != dims.end()) continue;
    // One box per collective write; a rank with fewer boxes than the rounds takes part with an
    // empty selection.
    for (int round = 0; round < tensor.rounds; ++round) {
      const bool writes = round < static_cast<int>(tensor.tasks.size());
      hsize_t elements = 1;
      const float* source = &nothing;
      if (writes) {
        const detail::WriteTask& task = tensor.tasks[static_cast<std::size_t>(round)];
        elements =
            std::accumulate(task.count.begin(), task.count.end(), hsize_t{1}, std::multiplies<>());
        DOJO_CHECK_HDF5(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, task.start.data(),
                                            nullptr, task.count.data(), nullptr));
        source = pieces[task.piece].data.data() + task.source_offset;
      }
      hdf5::Dataspace memory_space(DOJO_CHECK_HDF5(H5Screate_simple(1, &elements, nullptr)));
      if (!writes) {
        DOJO_CHECK_HDF5(H5Sselect_none(file_space.get()));
        DOJO_CHECK_HDF5(H5Sselect_none(memory_space.get()));
      }
      DOJO_CHECK_HDF5(H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, memory_space.get(),
                               file_space.get(), transfer.get(), source));
    }
  }
  DOJO_CHECK_HDF5(H5Fflush(file, H5F_SCOPE_GLOBAL));
}

void write_checksum(hid_t file, const std::string& name, std::uint32_t checksum) {
  hdf5::Dataset dataset = hdf5::open_dataset(file, name);
  hdf5::Dataspace scalar(DOJO_CHECK_HDF5(H5Screate(H5S_SCALAR)));
  hdf5::Attribute attribute(
      DOJO_CHECK_HDF5(H5Acreate2(dataset.get(), ck::kChecksumAttribute, H5T_STD_U32LE, scalar.get(),
                                 H5P_DEFAULT, H5P_DEFAULT)));
  DOJO_CHECK_HDF5(H5Awrite(attribute.get(), H5T_NATIVE_UINT32, &checksum));
}

// Rank 0, serial: everything but the tensor data, with the `complete` marker last.
void seal(const fs::path& path, const CheckpointMeta& meta, const std::vector<std::string>& names,
          const std::vector<std::uint32_t>& checksums, int writer_ranks) {
  hdf5::quiet_errors();
  hdf5::File file(DOJO_CHECK_HDF5(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)));
  for (std::size_t t = 0; t < names.size(); ++t) write_checksum(file.get(), names[t], checksums[t]);

  hdf5::create_group(file.get(), ck::kMetaGroup);
  detail::write_string_dataset(file.get(), ck::kConfigDataset, meta.config_toml);
  hdf5::Group counters = hdf5::create_group(file.get(), ck::kCountersGroup);
  for (const auto& [key, value] : meta.counters) hdf5::write_attribute(counters.get(), key, value);
  hdf5::Group strings = hdf5::create_group(file.get(), ck::kStringsGroup);
  for (const auto& [key, value] : meta.strings)
    detail::write_string_dataset(strings.get(), key, value);
  detail::write_string_list_dataset(file.get(), ck::kTensorsDataset, names);

  hid_t root = file.get();
  hdf5::write_attribute(root, ck::kFormatAttribute, ck::kFormatName);
  hdf5::write_attribute(root, ck::kVersionAttribute, ck::kFormatVersion);
  hdf5::write_attribute(root, ck::kStepAttribute, meta.step);
  hdf5::write_attribute(root, ck::kLayoutAttribute, meta.layout);
  hdf5::write_attribute(root, ck::kModelAttribute, meta.model);
  hdf5::write_attribute(root, ck::kWriterRanksAttribute, std::int64_t{writer_ranks});
  DOJO_CHECK_HDF5(H5Fflush(root, H5F_SCOPE_GLOBAL));
  hdf5::write_attribute(root, ck::kCompleteAttribute, std::int64_t{1});
  DOJO_CHECK_HDF5(H5Fclose(file.release()));
}

}  // namespace

fs::path save_checkpoint(const fs::path& dir, const CheckpointMeta& meta,
                         std::span<const TensorPiece> pieces, const CheckpointOptions& options,
                         MPI_Comm comm) {
  ScopedActivity activity(str("saving the checkpoint of step ", meta.step));
  // The whole save is collective (MPI-IO): a rank stuck or gone in it ends the job after the hang
  // watchdog's limit instead of leaving the others in MPI-IO for ever.
  watchdog::Wait wait("checkpoint save", static_cast<std::uint64_t>(meta.step),
                      str("step ", meta.step, " into ", dir.string()));
  int rank = 0, size = 1;
  DOJO_CHECK_MPI(MPI_Comm_rank(comm, &rank));
  DOJO_CHECK_MPI(MPI_Comm_size(comm, &size));

  // 1. Plan; every mistake is found here, before any file is touched.
  detail::every_rank_or_none(comm, [&] { check_meta(meta); });
  std::vector<detail::TensorWrites> tensors = detail::plan_writes(pieces, comm);
  detail::root_decides(comm, [&] {
    ck::prepare_directory(dir);
    ck::remove_temporaries(dir);
    return std::string();
  });
  const fs::path temporary = dir / ck::temporary_file_name(meta.step);
  const fs::path final_path = dir / ck::step_file_name(meta.step);
  auto remove_temporary = [&] {
    std::error_code ignored;
    if (rank == 0) fs::remove(temporary, ignored);
  };

  // 2. The tensor data, collectively.
  {
    hdf5::File file = detail::open_everywhere(temporary, detail::ParallelOpen::create, comm);
    detail::every_rank_or_none(
        comm, [&] { write_tensor_data(file.get(), pieces, tensors); },
        [&] {
          file.release();
          remove_temporary();
        });
    detail::close_everywhere(file);
  }
  if (rank == 0) ck::crash_point("after_data");

  // 3. The checksums of what is on disk.
  std::vector<std::string> names;
  std::vector<std::vector<std::int64_t>> shapes;
  for (const auto& tensor : tensors) {
    names.push_back(tensor.name);
    shapes.push_back(tensor.shape);
  }
  detail::DatasetChecksums sums;
  {
    hdf5::File file = detail::open_everywhere(temporary, detail::ParallelOpen::read, comm);
    sums = detail::checksum_datasets(file.get(), names, shapes, comm);
    detail::close_everywhere(file);
  }
  if (!sums.problem.empty()) {
    remove_temporary();
    internal_error(
        str(temporary.string(), ": the data just written cannot be read back: ", sums.problem));
  }
  if (rank == 0) ck::crash_point("after_checksums");

  // 4. Rank 0 seals, commits and prunes; every rank gets its outcome.
  detail::root_decides(comm, [&] {
    try {
      seal(temporary, meta, names, sums.checksums, size);
      ck::sync_file(temporary);
      ck::crash_point("before_rename");
      ck::durable_rename(temporary, final_path);
    } catch (...) {
      remove_temporary();
      throw;
    }
    ck::crash_point("before_latest");
    ck::write_latest(dir, final_path.filename().string());
    ck::crash_point("before_prune");
    ck::prune(dir, options.keep, meta.step);
    return std::string();
  });
  log::debug("saved checkpoint ", final_path.string());
  return final_path;
}

}  // namespace dojo::io
