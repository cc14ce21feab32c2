// Vocabulary-parallel embedding and cross-entropy (see vocab_parallel.hpp). The embedding uses
// the device's gather and scatter-add twice: shard rows -> compact (count, C) -> batch positions.
#include "dojo/model/layers/vocab_parallel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dojo/common/error.hpp"

namespace dojo::model {
namespace {

// Host access to a device array: the memory itself on a host device, else a copy written back
// by flush().
class HostMirror {
 public:
  HostMirror(device::Device& device, float* data, std::int64_t n)
      : device_(device), device_data_(data), n_(n) {
    if (device.info().kind == device::DeviceKind::host) {
      host_ = data;
    } else {
      copy_.resize(static_cast<std::size_t>(n));
      device.copy_to_host(copy_.data(), data, bytes());
      host_ = copy_.data();
    }
  }
  float* data() const noexcept { return host_; }
  void flush() {
    if (host_ != device_data_) device_.copy_to_device(device_data_, host_, bytes());
  }

 private:
  std::size_t bytes() const { return static_cast<std::size_t>(n_) * sizeof(float); }
  device::Device& device_;
  float* device_data_;
  std::int64_t n_;
  float* host_ = nullptr;
  std::vector<float> copy_;
};

void check_token(std::int32_t token, std::size_t i, std::int64_t V, const char* what) {
  if (token < 0 || token >= V) {
    user_error(str("vocab-parallel ", what, "[", i, "] = ", token, " is outside [0, ", V,
                   "); check that the data's vocabulary matches the model's"));
  }
}

}  // namespace

ShardTokens route_tokens(device::Device& device, std::span<const std::int32_t> tokens,
                         const VocabShard& shard) {
  std::vector<std::int32_t> positions, rows;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    check_token(tokens[i], i, shard.vocab, "token");
    if (!shard.holds(tokens[i])) continue;
    if (!shard.whole()) positions.push_back(static_cast<std::int32_t>(i));
    rows.push_back(static_cast<std::int32_t>(tokens[i] - shard.begin));
  }
  ShardTokens routed;
  routed.count = static_cast<std::int64_t>(rows.size());
  routed.positions =
      make_tensor(device, Shape{static_cast<std::int64_t>(positions.size())}, positions);
  routed.rows = make_tensor(device, Shape{routed.count}, rows);
  return routed;
}

void vocab_parallel_embedding_forward(device::Device& device, TensorParallelGroup& group,
                                      float* out, float* gathered, const ShardTokens& tokens,
                                      const float* wte_shard, std::int64_t N, std::int64_t C,
                                      const VocabShard& shard) {
  if (shard.whole()) {
    device.embedding_forward(wte_shard, tokens.rows.data<std::int32_t>(), out, N, C, shard.rows);
    return;
  }
  device.fill(out, N * C, 0.0f);
  if (tokens.count > 0) {
    device.embedding_forward(wte_shard, tokens.rows.data<std::int32_t>(), gathered, tokens.count, C,
                             shard.rows);
    // A scatter-add into zeros places each row at its position: out[positions[i]] = gathered[i].
    device.embedding_backward(gathered, tokens.positions.data<std::int32_t>(), out, tokens.count, C,
                              N);
  }
  group.sum(out, N * C);  // exactly one rank holds each row: the sum adds zeros
}

void vocab_parallel_embedding_backward(device::Device& device, float* dwte_shard, float* gathered,
                                       const float* dout, const ShardTokens& tokens, std::int64_t N,
                                       std::int64_t C, const VocabShard& shard) {
  if (shard.whole()) {
    device.embedding_backward(dout, tokens.rows.data<std::int32_t>(), dwte_shard, N, C, shard.rows);
    return;
  }
  if (tokens.count == 0) return;
  device.embedding_forward(dout, tokens.positions.data<std::int32_t>(), gathered, tokens.count, C,
                           N);
  device.embedding_backward(gathered, tokens.rows.data<std::int32_t>(), dwte_shard, tokens.count, C,
                            shard.rows);
}

// The same arithmetic as the host device's cross_entropy kernel (float max and sums, multiply
// by the inverse sum, loss = log(sum) - (logit - max)), so one rank reproduces it.
float vocab_parallel_cross_entropy_forward(device::Device& device, TensorParallelGroup& group,
                                           float* logits, std::span<const std::int32_t> targets,
                                           std::int64_t N, const VocabShard& shard) {
  check(static_cast<std::int64_t>(targets.size()) == N, "one target per row");
  const std::int64_t V = shard.rows;
  HostMirror mirror(device, logits, N * V);
  float* x = mirror.data();  // (N, V) logits, then probabilities
  const auto rows = static_cast<std::size_t>(N);
  std::vector<float> max_value(rows, -std::numeric_limits<float>::infinity());  // (N)
  for (std::int64_t i = 0; i < N; ++i) {
    const float* row = x + i * V;
    for (std::int64_t j = 0; j < V; ++j)
      max_value[static_cast<std::size_t>(i)] =
          std::max(max_value[static_cast<std::size_t>(i)], row[j]);
  }
  group.max_host(max_value);
  // sums (N) then target logits relative to the max (N), one reduction.
  std::vector<float> stats(2 * rows, 0.0f);
  for (std::int64_t i = 0; i < N; ++i) {
    float* row = x + i * V;
    const std::int32_t t = targets[static_cast<std::size_t>(i)];
    check_token(t, static_cast<std::size_t>(i), shard.vocab, "target");
    if (shard.holds(t))
      stats[rows + static_cast<std::size_t>(i)] =
          row[t - shard.begin] - max_value[static_cast<std::size_t>(i)];
    float sum = 0.0f;
    for (std::int64_t j = 0; j < V; ++j) {
      row[j] = std::exp(row[j] - max_value[static_cast<std::size_t>(i)]);
      sum += row[j];
    }
    stats[static_cast<std::size_t>(i)] = sum;
  }
  group.sum_host(stats);
  double loss_sum = 0.0;
  for (std::int64_t i = 0; i < N; ++i) {
    float* row = x + i * V;
    const float inv_sum = 1.0f / stats[static_cast<std::size_t>(i)];
    for (std::int64_t j = 0; j < V; ++j) row[j] *= inv_sum;
    loss_sum +=
        std::log(stats[static_cast<std::size_t>(i)]) - stats[rows + static_cast<std::size_t>(i)];
  }
  mirror.flush();
  return static_cast<float>(loss_sum) / static_cast<float>(N);
}

void vocab_parallel_cross_entropy_backward(device::Device& device, float* probs,
                                           std::span<const std::int32_t> targets, std::int64_t N,
                                           const VocabShard& shard, float dloss_scale) {
  const std::int64_t V = shard.rows;
  HostMirror mirror(device, probs, N * V);
  float* p = mirror.data();  // (N, V)
  for (std::int64_t i = 0; i < N; ++i) {
    float* row = p + i * V;
    for (std::int64_t j = 0; j < V; ++j) row[j] *= dloss_scale;
    const std::int32_t t = targets[static_cast<std::size_t>(i)];
    if (shard.holds(t)) row[t - shard.begin] -= dloss_scale;
  }
  mirror.flush();
}

}  // namespace dojo::model
