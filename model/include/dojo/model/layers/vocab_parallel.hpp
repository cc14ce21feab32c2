// The vocabulary-parallel ends of a language model: the token embedding and the softmax
// cross-entropy over a (V, C) table whose rows are split over a tensor-parallel group. A rank
// holds rows [begin, begin + rows); no rank ever holds a full row of logits.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "dojo/device/device.hpp"
#include "dojo/model/layers/tensor_parallel.hpp"
#include "dojo/model/tensor.hpp"

namespace dojo::model {

struct VocabShard {
  std::int64_t begin = 0;  // first row of the table held here
  std::int64_t rows = 0;   // rows held here, V / tp
  std::int64_t vocab = 0;  // V, the whole table's rows
  bool whole() const noexcept { return rows == vocab; }
  bool holds(std::int64_t token) const noexcept { return token >= begin && token < begin + rows; }
};

// A batch's tokens that fall in the shard, found on the host once per batch. With the whole
// vocabulary they are simply all the tokens (positions is then empty).
struct ShardTokens {
  std::int64_t count = 0;  // tokens of the batch in the shard
  Tensor positions;        // int32 (count): where they are in the batch (N)
  Tensor rows;             // int32 (count): their rows in the shard
};

// `tokens` (N) on the host; a token outside [0, V) is a user error (bad data).
ShardTokens route_tokens(device::Device& device, std::span<const std::int32_t> tokens,
                         const VocabShard& shard);

// out(N, C) = wte[tokens]: each rank gathers the rows it holds (zeros elsewhere), then the group
// sums. gathered (N, C) is scratch.
void vocab_parallel_embedding_forward(device::Device& device, TensorParallelGroup& group,
                                      float* out, float* gathered, const ShardTokens& tokens,
                                      const float* wte_shard, std::int64_t N, std::int64_t C,
                                      const VocabShard& shard);
// dwte_shard(rows, C)[token - begin] += dout(N, C)[i] for the tokens in the shard (dout is the
// same on every rank: the forward's sum has the identity as its backward). gathered (N, C) is
// scratch.
void vocab_parallel_embedding_backward(device::Device& device, float* dwte_shard, float* gathered,
                                       const float* dout, const ShardTokens& tokens, std::int64_t N,
                                       std::int64_t C, const VocabShard& shard);

// Softmax cross-entropy over the whole vocabulary from the logits shard. logits(N, rows) on entry
// become the probabilities of this shard's classes (the softmax over all V), kept for backward.
// targets (N, host) in [0, V). Two reductions over the group: the row maxima, then the sums of
// exponentials and the target logits together. Returns the mean loss over the N rows, the same
// on every rank. The row statistics run on the host: the device interface has no row
// reductions (a device without host memory copies the shard there and back).
float vocab_parallel_cross_entropy_forward(device::Device& device, TensorParallelGroup& group,
                                           float* logits, std::span<const std::int32_t> targets,
                                           std::int64_t N, const VocabShard& shard);
// probs(N, rows) become dlogits = (probs - onehot(targets)) * dloss_scale, in place
// (dloss_scale = 1/N for the mean loss).
void vocab_parallel_cross_entropy_backward(device::Device& device, float* probs,
                                           std::span<const std::int32_t> targets, std::int64_t N,
                                           const VocabShard& shard, float dloss_scale);

}  // namespace dojo::model
