// Saving and restoring a training run through io/'s checkpoint files: every parameter and every
// optimizer state tensor by its logical shape, each rank handing in (and reading back) the boxes
// its part of the model holds, so any layout reads what any other wrote.
#include "checkpointing.hpp"

#include <algorithm>
#include <cmath>

#include <map>
#include <span>

#include "dojo/common/error.hpp"
#include "dojo/common/mpi.hpp"
#include "dojo/model/logical_pieces.hpp"

namespace dojo::jobs {
namespace {

// A host copy of one buffer laid out like the parameters, and the name its tensors are saved
// under: "params/<name>" or "optimizer/<slot>/<name>".
struct HostBuffer {
  std::string prefix;
  std::vector<float> data;  // (parameters().size()) floats
};

std::vector<std::string> prefixes(RunState& state) {
  std::vector<std::string> out = {"params/"};
  for (const auto& [slot, tensor] : state.optimizer.state()) {
    (void)tensor;
    out.push_back("optimizer/" + slot + "/");
  }
  return out;
}

}  // namespace

std::vector<LogicalTensor> local_logical_tensors(const model::Model& model) {
  std::vector<LogicalTensor> out;
  for (const auto& info : model.parameters().table()) {
    bool seen = false;  // a tied copy repeats its name
    for (const auto& t : out) seen |= t.name == info.name;
    if (!seen) out.push_back({info.name, info.logical_shape.dims()});
  }
  return out;
}

std::vector<io::ExpectedTensor> expected_tensors(RunState& state) {
  std::vector<io::ExpectedTensor> out;
  for (const std::string& prefix : prefixes(state))
    for (const LogicalTensor& t : state.all_tensors) out.push_back({prefix + t.name, t.shape});
  return out;
}

std::filesystem::path save_training_checkpoint(const std::filesystem::path& dir, std::int64_t step,
                                               RunState& state, const std::string& config_toml,
                                               const std::string& layout, int keep, MPI_Comm comm) {
  ScopedActivity activity(str("saving the checkpoint of step ", step));
  std::vector<HostBuffer> buffers;
  buffers.push_back({"params/", state.model.parameters().download_params()});
  for (const auto& [slot, tensor] : state.optimizer.state())
    buffers.push_back({"optimizer/" + slot + "/", tensor->download<float>()});

  // Every rank names every logical tensor in the same order: its own boxes (consecutive, several
  // for a split c_attn), or one piece with held = false.
  const auto table = state.model.parameters().table();
  std::vector<std::vector<model::LogicalPiece>> local;  // per buffer
  for (const HostBuffer& buffer : buffers)
    local.push_back(model::logical_pieces(table, buffer.data));
  std::vector<io::TensorPiece> pieces;
  for (std::size_t b = 0; b < buffers.size(); ++b) {
    std::map<std::string, std::vector<const model::LogicalPiece*>> by_name;
    for (const model::LogicalPiece& piece : local[b]) {
      auto& list = by_name[piece.name];
      // The last stage's tied copy of wte is the first stage's box again: hand it in once.
      bool repeated = false;
      for (const auto* other : list) repeated |= other->start == piece.start;
      if (!repeated) list.push_back(&piece);
    }
    for (const LogicalTensor& t : state.all_tensors) {
      auto found = by_name.find(t.name);
      if (found == by_name.end()) {
        pieces.push_back({buffers[b].prefix + t.name, t.shape, {}, {}, {}, false});
        continue;
      }
      for (const model::LogicalPiece* piece : found->second)
        pieces.push_back(
            {buffers[b].prefix + t.name, t.shape, piece->start, piece->count, piece->data, true});
    }
  }
  io::CheckpointMeta meta;
  meta.step = step;
  meta.config_toml = config_toml;
  meta.layout = layout;
  meta.model = std::string(state.model.kind());
  const io::LoaderPosition position = state.train_loader.position();
  meta.counters["loader_epoch"] = position.epoch;
  meta.counters["loader_step"] = position.step;
  meta.counters["optimizer_steps"] = state.optimizer.steps_taken();
  // dojo's training draws no random numbers after initialisation: the data order is a function of
  // (seed, epoch), so the loader position above is the whole random state.
  meta.strings["rng"] = "none: data order = f(seed, epoch); no dropout";
  io::CheckpointOptions options;
  options.keep = keep;
  return io::save_checkpoint(dir, meta, pieces, options, comm);
}

std::int64_t load_training_checkpoint(const std::filesystem::path& path, RunState& state,
                                      MPI_Comm comm) {
  ScopedActivity activity(str("resuming from ", path.string()));
  io::CheckpointReader reader(path, comm);
  const auto table = state.model.parameters().table();
  auto read_buffer = [&](const std::string& prefix, std::vector<float>& flat) {
    model::read_logical_pieces(table, flat,
                               [&](const std::string& name, std::span<const std::int64_t> start,
                                   std::span<const std::int64_t> count, std::span<float> out) {
                                 reader.read(prefix + name, start, count, out);
                               });
  };
  // Checksums prove the bytes are those saved, not that the run was healthy when it saved them:
  // weights or optimizer state that are NaN or infinite would only train to a NaN loss. Every
  // rank checks its part; the ranks agree before anything is uploaded.
  int not_finite = 0;  // bit 0: weights, bit 1: optimizer state
  auto finite = [](const std::vector<float>& values) {
    return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
  };
  std::vector<float> params(static_cast<std::size_t>(state.model.parameters().size()));
  read_buffer("params/", params);
  if (!finite(params)) not_finite |= 1;
  std::vector<std::vector<float>> slots;
  for (const auto& [slot, tensor] : state.optimizer.state()) {
    slots.emplace_back(static_cast<std::size_t>(tensor->numel()));
    read_buffer("optimizer/" + slot + "/", slots.back());
    if (!finite(slots.back())) not_finite |= 2;
  }
  DOJO_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, &not_finite, 1, MPI_INT, MPI_BOR, comm));
  if (not_finite != 0)
    user_error(str("cannot resume from ", path.string(), ": its ",
                   not_finite & 1 ? "weights" : "optimizer state",
                   not_finite == 3 ? " and optimizer state" : "",
                   " hold values that are not finite (NaN or infinity), although its checksums "
                   "match: resume from an earlier checkpoint (--resume FILE) or start over"));
  state.model.parameters().upload_params(params);
  std::size_t next = 0;
  for (const auto& [slot, tensor] : state.optimizer.state()) tensor->upload<float>(slots[next++]);
  const auto& counters = reader.meta().counters;
  auto counter = [&](const char* key) {
    auto it = counters.find(key);
    if (it == counters.end())
      user_error(
          str(path.string(), " is not a dojo training checkpoint: it has no '", key, "' counter"));
    return it->second;
  };
  state.optimizer.restore_steps_taken(counter("optimizer_steps"));
  state.train_loader.seek({counter("loader_epoch"), counter("loader_step")});
  return reader.meta().step;
}

}  // namespace dojo::jobs
