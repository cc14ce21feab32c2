// Known tensor values and layouts for the checkpoint tests.
#include "checkpoint_test_tensors.hpp"

#include <zlib.h>

#include <numeric>

namespace dojo::io::test {
namespace {

std::int64_t product(const std::vector<std::int64_t>& values) {
  return std::accumulate(values.begin(), values.end(), std::int64_t{1}, std::multiplies<>());
}

// A box covering `shape` except along `dim`, where it is part `index` of `parts`.
std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>> split_box(
    const std::vector<std::int64_t>& shape, std::size_t dim, int parts, int index) {
  std::vector<std::int64_t> start(shape.size(), 0), count = shape;
  auto [first, size] = share(shape[dim], parts, index);
  start[dim] = first;
  count[dim] = size;
  return {start, count};
}

}  // namespace

float checkpoint_value(int id, std::int64_t flat) {
  return static_cast<float>(id) * 1000.0f + static_cast<float>(flat) * 0.25f;
}

std::vector<float> whole_tensor(int id, const std::vector<std::int64_t>& shape) {
  std::vector<float> values(static_cast<std::size_t>(product(shape)));
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = checkpoint_value(id, static_cast<std::int64_t>(i));
  return values;
}

std::vector<float> box_of(const std::vector<float>& whole, const std::vector<std::int64_t>& shape,
                          const std::vector<std::int64_t>& start,
                          const std::vector<std::int64_t>& count) {
  std::vector<float> out;
  std::int64_t elements = product(count);
  std::vector<std::int64_t> index(shape.size(), 0);  // within the box
  for (std::int64_t e = 0; e < elements; ++e) {
    std::int64_t flat = 0;
    for (std::size_t k = 0; k < shape.size(); ++k) flat = flat * shape[k] + start[k] + index[k];
    out.push_back(whole[static_cast<std::size_t>(flat)]);
    for (std::size_t k = shape.size(); k-- > 0;) {
      if (++index[k] < count[k]) break;
      index[k] = 0;
    }
  }
  return out;
}

std::pair<std::int64_t, std::int64_t> share(std::int64_t n, int parts, int index) {
  std::int64_t first = n * index / parts, last = n * (index + 1) / parts;
  return {first, last - first};
}

std::uint32_t crc_of(std::span<const float> values) {
  uLong crc = crc32(0L, Z_NULL, 0);
  if (!values.empty())
    crc = crc32(crc, reinterpret_cast<const Bytef*>(values.data()),
                static_cast<uInt>(values.size() * sizeof(float)));
  return static_cast<std::uint32_t>(crc);
}

const std::vector<TestTensor>& standard_tensors() {
  static const std::vector<TestTensor> tensors = {
      {"params/rows", {11, 6}, 1},       // split along dim 0
      {"params/cols", {5, 9}, 2},        // split along dim 1
      {"params/cube", {3, 4, 5}, 3},     // split along dim 1 of three
      {"optimizer/m/grid", {6, 10}, 4},  // split along dim 1 in 2, each half replicated
      {"params/bias", {7}, 5},           // replicated on every rank
      {"params/only_rank0", {4, 2}, 6},  // held by rank 0 alone
      {"params/ragged", {3, 2}, 7},      // split along dim 0: some ranks get no row
      {"optimizer/v/empty", {0, 3}, 8},  // no elements
  };
  return tensors;
}

std::vector<ExpectedTensor> standard_expected() {
  std::vector<ExpectedTensor> expected;
  for (const auto& t : standard_tensors()) expected.push_back({t.name, t.shape});
  return expected;
}

TestPieces standard_pieces(int rank, int ranks) {
  TestPieces out;
  int tp = ranks % 2 == 0 ? 2 : 1;  // tensor-parallel groups of the grid tensor
  for (const auto& t : standard_tensors()) {
    std::vector<float> whole = whole_tensor(t.id, t.shape);
    TensorPiece piece{t.name, t.shape, {}, {}, {}, true};
    std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>> box;
    bool whole_piece = false;
    if (t.name == "params/rows" || t.name == "params/ragged")
      box = split_box(t.shape, 0, ranks, rank);
    else if (t.name == "params/cols" || t.name == "params/cube")
      box = split_box(t.shape, 1, ranks, rank);
    else if (t.name == "optimizer/m/grid")
      box = split_box(t.shape, 1, tp, rank % tp);
    else
      whole_piece = true;
    if (t.name == "params/only_rank0") piece.held = rank == 0;
    if (whole_piece) {
      out.storage.push_back(piece.held ? whole : std::vector<float>{});
    } else {
      piece.start = box.first;
      piece.count = box.second;
      out.storage.push_back(box_of(whole, t.shape, box.first, box.second));
    }
    piece.data = out.storage.back();
    out.pieces.push_back(piece);
  }
  return out;
}

CheckpointMeta standard_meta(std::int64_t step) {
  CheckpointMeta meta;
  meta.step = step;
  meta.config_toml = "[train]\nsteps = 20\nlearning_rate = 0.01\nname = \"héllo\"\n";
  meta.layout = "dp=2,tp=1,pp=1";
  meta.model = "mlp";
  meta.counters = {{"loader.position", 1234}, {"optimizer.step", step}, {"negative", -5}};
  meta.strings = {{"rng.rank0", "mt19937 1 2 3"}, {"empty", ""}};
  return meta;
}

}  // namespace dojo::io::test
