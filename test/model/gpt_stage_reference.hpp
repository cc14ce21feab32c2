// The one-rank Gpt as the reference for GptStage tests: its loss, parameters and gradients by
// name in logical shape, and stage parameters gathered into logical tensors box by box.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "dojo/model/gpt.hpp"
#include "dojo/model/logical_pieces.hpp"
#include "gradcheck.hpp"

namespace dojo::model::testing {

using LogicalTensors = std::map<std::string, std::vector<float>>;  // name -> logical, row-major

struct HostBatch {
  std::int64_t B = 0;
  std::int64_t T = 0;
  std::vector<std::int32_t> tokens;   // (B, T)
  std::vector<std::int32_t> targets;  // (B, T)

  // Sequences [first, first + count) as a batch of their own (a micro-batch).
  HostBatch slice(std::int64_t first, std::int64_t count) const {
    const auto begin = static_cast<std::ptrdiff_t>(first * T);
    const auto end = static_cast<std::ptrdiff_t>((first + count) * T);
    return {count,
            T,
            {tokens.begin() + begin, tokens.begin() + end},
            {targets.begin() + begin, targets.begin() + end}};
  }
};

// The small GPT the stage and tensor-parallel tests compare against the whole Gpt.
inline GptConfig small_gpt_config(std::int64_t layers, std::uint64_t seed, bool tied = true) {
  GptConfig config;
  config.layers = layers;
  config.channels = 32;
  config.heads = 4;
  config.context_length = 16;
  config.vocab_size = 64;
  config.tied_embedding = tied;
  config.seed = seed;
  return config;
}

inline HostBatch random_host_batch(std::int64_t B, std::int64_t T, std::int64_t V,
                                   std::uint64_t seed) {
  const auto n = static_cast<std::size_t>(B * T);
  return {B, T, random_ints(n, V, seed, "tokens"), random_ints(n, V, seed, "targets")};
}

struct Reference {
  float loss = 0.0f;
  LogicalTensors initial;  // Gpt's initialisation
  LogicalTensors params;   // the parameters the step ran with: initial + noise (biases nonzero)
  LogicalTensors grads;
  StepFlops flops;
};

// Gpt on the whole batch: forward, backward with loss scale 1, from its initial parameters plus
// normal(0, 0.05) noise, so that biases and layernorms are not at their zeros and ones.
inline Reference run_reference(device::Device& device, const GptConfig& config,
                               const HostBatch& batch) {
  Gpt gpt(device, config);
  Reference ref;
  std::vector<float> perturbed = gpt.parameters().download_params();
  for (const ParameterInfo& info : gpt.parameters().table()) {
    const auto begin = static_cast<std::ptrdiff_t>(info.offset);
    ref.initial[info.name] = {perturbed.begin() + begin, perturbed.begin() + begin + info.count};
    const std::vector<float> noise = normal_values(static_cast<std::size_t>(info.count), 0.05f,
                                                   config.seed, "noise " + info.name);
    for (std::int64_t i = 0; i < info.count; ++i)
      perturbed[static_cast<std::size_t>(info.offset + i)] += noise[static_cast<std::size_t>(i)];
  }
  gpt.parameters().upload_params(perturbed);
  Tensor tokens = make_tensor(device, {batch.B, batch.T}, batch.tokens);
  Tensor targets = make_tensor(device, {batch.B, batch.T}, batch.targets);
  ref.loss = gpt.forward(tokens.view(), targets.view());
  gpt.backward();
  const std::vector<float> params = gpt.parameters().download_params();
  const std::vector<float> grads = gpt.parameters().download_grads();
  for (const ParameterInfo& info : gpt.parameters().table()) {
    const auto begin = static_cast<std::ptrdiff_t>(info.offset);
    const auto end = static_cast<std::ptrdiff_t>(info.offset + info.count);
    ref.params[info.name] = {params.begin() + begin, params.begin() + end};
    ref.grads[info.name] = {grads.begin() + begin, grads.begin() + end};
  }
  ref.flops = gpt.step_flops(batch.B, batch.T);
  return ref;
}

// Calls visit(logical_index, local_index) for every element of the piece's box.
template <typename Visit>
void for_each_box_element(const LogicalPiece& piece, Visit visit) {
  const std::size_t rank = piece.shape.size();
  std::vector<std::int64_t> index(rank, 0);  // within the box
  for (std::size_t local = 0; local < piece.data.size(); ++local) {
    std::int64_t logical = 0;
    for (std::size_t d = 0; d < rank; ++d)
      logical = logical * piece.shape[d] + piece.start[d] + index[d];
    visit(static_cast<std::size_t>(logical), local);
    for (std::size_t d = rank; d-- > 0;) {
      if (++index[d] < piece.count[d]) break;
      index[d] = 0;
    }
  }
}

inline std::size_t numel(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (std::int64_t s : shape) n *= s;
  return static_cast<std::size_t>(n);
}

// Adds every piece of `flat` (laid out like `table`) into its logical tensor in `sums`, and 1 per
// element into `counts` (tensors created at zero on first use).
inline void accumulate_logical(std::span<const ParameterInfo> table, std::span<const float> flat,
                               LogicalTensors& sums, LogicalTensors& counts) {
  for (const LogicalPiece& piece : logical_pieces(table, flat)) {
    std::vector<float>& sum = sums[piece.name];
    std::vector<float>& count = counts[piece.name];
    sum.resize(numel(piece.shape), 0.0f);
    count.resize(numel(piece.shape), 0.0f);
    for_each_box_element(piece, [&](std::size_t logical, std::size_t local) {
      sum[logical] += piece.data[local];
      count[logical] += 1.0f;
    });
  }
}

// Sets a store's parameters from logical tensors, box by box (as a checkpoint load does).
inline void load_logical(ParameterStore& store, const LogicalTensors& logical) {
  std::vector<float> flat(static_cast<std::size_t>(store.size()));
  read_logical_pieces(
      store.table(), flat,
      [&](const std::string& name, std::span<const std::int64_t> start,
          std::span<const std::int64_t> count, std::span<float> out) {
        LogicalPiece piece;
        piece.shape =
            store.table()[static_cast<std::size_t>(store.index(name))].logical_shape.dims();
        piece.start.assign(start.begin(), start.end());
        piece.count.assign(count.begin(), count.end());
        piece.data = out;
        const std::vector<float>& values = logical.at(name);
        for_each_box_element(piece, [&](std::size_t l, std::size_t i) { out[i] = values[l]; });
      });
  store.upload_params(flat);
}

// max |actual - expected| / max |expected| (the gradcheck metric), 0 for two zero tensors.
inline double relative_error(const std::vector<float>& actual, const std::vector<float>& expected) {
  double diff = 0.0, scale = 0.0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(actual[i]) - expected[i]));
    scale = std::max(scale, std::abs(static_cast<double>(expected[i])));
  }
  return scale == 0.0 ? diff : diff / scale;
}

// Every reference tensor is present in `actual` and within `tolerance` (relative_error).
inline void expect_logical_match(const LogicalTensors& actual, const LogicalTensors& expected,
                                 double tolerance, const std::string& what) {
  EXPECT_EQ(actual.size(), expected.size()) << what;
  for (const auto& [name, values] : expected) {
    auto it = actual.find(name);
    if (it == actual.end()) {
      ADD_FAILURE() << what << ": " << name << " missing";
      continue;
    }
    ASSERT_EQ(it->second.size(), values.size()) << what << ": " << name;
    EXPECT_LE(relative_error(it->second, values), tolerance) << what << ": " << name;
  }
}

}  // namespace dojo::model::testing
