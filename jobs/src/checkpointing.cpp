// Saving and restoring a training run through io/'s checkpoint files.
#include "checkpointing.hpp"

#include <span>

#include "dojo/common/error.hpp"

namespace dojo::jobs {
namespace {

// Every saved tensor with its place in a flat host copy of its buffer.
struct Slot {
  std::string name;            // dataset name
  const model::ParameterInfo* info;
  int buffer;                  // 0 = parameters, 1.. = optimizer state tensors in order
};

std::vector<Slot> slots(RunState& state) {
  std::vector<Slot> out;
  const auto table = state.model.parameters().table();
  for (const auto& info : table) out.push_back({"params/" + info.name, &info, 0});
  int buffer = 1;
  for (const auto& [slot, tensor] : state.optimizer.state()) {
    (void)tensor;
    for (const auto& info : table) out.push_back({"optimizer/" + slot + "/" + info.name, &info, buffer});
    ++buffer;
  }
  return out;
}

}  // namespace

std::vector<io::ExpectedTensor> expected_tensors(RunState& state) {
  std::vector<io::ExpectedTensor> out;
  for (const Slot& s : slots(state)) out.push_back({s.name, s.info->shape.dims()});
  return out;
}

std::filesystem::path save_training_checkpoint(const std::filesystem::path& dir, std::int64_t step,
                                               RunState& state, const std::string& config_toml,
                                               const std::string& layout, int keep,
                                               MPI_Comm comm) {
  ScopedActivity activity(str("saving the checkpoint of step ", step));
  std::vector<std::vector<float>> buffers;
  buffers.push_back(state.model.parameters().download_params());
  for (const auto& [slot, tensor] : state.optimizer.state()) {
    (void)slot;
    buffers.push_back(tensor->download<float>());
  }
  std::vector<io::TensorPiece> pieces;
  for (const Slot& s : slots(state)) {
    io::TensorPiece piece;
    piece.name = s.name;
    piece.shape = s.info->shape.dims();
    piece.data = std::span<const float>(buffers[static_cast<std::size_t>(s.buffer)])
                     .subspan(static_cast<std::size_t>(s.info->offset),
                              static_cast<std::size_t>(s.info->count));
    pieces.push_back(std::move(piece));
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
  std::vector<std::vector<float>> buffers;
  buffers.emplace_back(static_cast<std::size_t>(state.model.parameters().size()));
  auto optimizer_state = state.optimizer.state();
  for (const auto& [slot, tensor] : optimizer_state) {
    (void)slot;
    buffers.emplace_back(static_cast<std::size_t>(tensor->numel()));
  }
  for (const Slot& s : slots(state)) {
    std::span<float> out = std::span<float>(buffers[static_cast<std::size_t>(s.buffer)])
                               .subspan(static_cast<std::size_t>(s.info->offset),
                                        static_cast<std::size_t>(s.info->count));
    reader.read(s.name, {}, {}, out);
  }
  state.model.parameters().upload_params(buffers[0]);
  for (std::size_t i = 0; i < optimizer_state.size(); ++i)
    optimizer_state[i].second->upload<float>(buffers[i + 1]);
  const auto& counters = reader.meta().counters;
  auto counter = [&](const char* key) {
    auto it = counters.find(key);
    if (it == counters.end())
      user_error(str(path.string(), " is not a dojo training checkpoint: it has no '", key,
                     "' counter"));
    return it->second;
  };
  state.optimizer.restore_steps_taken(counter("optimizer_steps"));
  state.train_loader.seek({counter("loader_epoch"), counter("loader_step")});
  return reader.meta().step;
}

}  // namespace dojo::jobs
