// The GPT stage's forward and backward pass: Gpt's order (gpt.cpp) over the local blocks, with
// the tensor-parallel reductions where a row-parallel layer ends (forward) and where a
// column-parallel layer's input gradient leaves it (backward), and one activation set per
// micro-batch in flight.
#include <algorithm>
#include <cmath>
#include <limits>

#include "arena.hpp"
#include "dojo/collectives/communicator.hpp"
#include "dojo/common/error.hpp"
#include "dojo/model/layers/activation.hpp"
#include "dojo/model/layers/attention.hpp"
#include "dojo/model/layers/embedding.hpp"
#include "dojo/model/layers/layernorm.hpp"
#include "dojo/model/layers/linear.hpp"
#include "dojo/model/layers/residual.hpp"
#include "dojo/model/layers/tensor_parallel.hpp"
#include "dojo/model/layers/vocab_parallel.hpp"
#include "gpt_stage_internal.hpp"

namespace dojo::model {

// Sizes below: N = B*T tokens, Lb local blocks, Cl = C/tp, Fl = 4C/tp, Vl = V/tp, NHl = NH/tp.
struct GptStage::MicroBatch {
  std::int64_t B = 0;
  std::int64_t T = 0;
  std::int64_t bytes = 0;  // device memory held, for activation_bytes()
  Tensor memory;
  ShardTokens tokens;                 // first stage: the batch's tokens in this vocabulary shard
  std::vector<std::int32_t> targets;  // last stage: (N) on the host; empty = no loss
  float* input;      // (B, T, C) the stage's input: wte[tokens] + wpe, or the previous stage's
  float* ln1;        // (Lb, B, T, C)
  float* ln1_mean;   // (Lb, B, T)
  float* ln1_rstd;   // (Lb, B, T)
  float* qkv;        // (Lb, B, T, 3*Cl) q | k | v of the local heads
  float* atty;       // (Lb, B, T, Cl)
  float* att;        // (Lb, B, NHl, T, T)
  float* residual2;  // (Lb, B, T, C)
  float* ln2;        // (Lb, B, T, C)
  float* ln2_mean;   // (Lb, B, T)
  float* ln2_rstd;   // (Lb, B, T)
  float* fch;        // (Lb, B, T, Fl)
  float* fch_gelu;   // (Lb, B, T, Fl)
  float* residual3;  // (Lb, B, T, C); the last block's is the stage's output
  float* lnf;        // (B, T, C) last stage
  float* lnf_mean;   // (B, T)
  float* lnf_rstd;   // (B, T)
  float* probs;      // (B, T, Vl) last stage: logits shard, then probabilities, then dlogits
  float loss = std::numeric_limits<float>::quiet_NaN();

  const float* block_input(std::int64_t b, std::int64_t C) const {
    return b == 0 ? input : residual3 + (b - 1) * B * T * C;
  }
  float* output(std::int64_t Lb, std::int64_t C) const { return residual3 + (Lb - 1) * B * T * C; }
};

struct GptStage::Scratch {
  std::int64_t tokens = 0;  // N it was sized for
  std::int64_t scores = 0;  // B*T*T it was sized for
  Tensor memory;
  float* preatt;     // (B, NHl, T, T) forward: scores before the softmax
  float* branch;     // (B, T, C) a row-parallel layer's output before its allreduce; gathered rows
  float* dresidual;  // (B, T, C) gradient of the residual stream; the input gradient at the end
  float* dln;        // (B, T, C)
  float* dqkv;       // (B, T, 3*Cl)
  float* datty;      // (B, T, Cl)
  float* datt;       // (B, NHl, T, T)
  float* dpreatt;    // (B, NHl, T, T)
  float* dfch;       // (B, T, Fl)
  float* dfch_gelu;  // (B, T, Fl)
};

GptStage::GptStage(device::Device& device, const GptConfig& config, const GptPartition& partition,
                   collectives::Communicator* tp)
    : Model(device, gpt_stage_layout(config, partition), config.seed),
      config_(config),
      partition_(partition),
      tp_(std::make_unique<TensorParallelGroup>(device, tp)),
      offsets_(gpt_stage_offsets(config, partition, parameters())) {
  if (tp_->size() != partition.tp_size || tp_->rank() != partition.tp_rank) {
    internal_error(str("gpt stage: partition tp rank ", partition.tp_rank, " of ",
                       partition.tp_size, ", communicator rank ", tp_->rank(), " of ",
                       tp_->size()));
  }
  if (config.tied_embedding && first_stage() != last_stage()) {
    tied_embedding_parameter_ = parameters().index("transformer.wte.weight");
  }
}

GptStage::~GptStage() = default;

GptStageTensors<float*> GptStage::weights() const {
  return gpt_stage_pointers(offsets_, parameters().params());
}
GptStageTensors<float*> GptStage::gradients() const {
  return gpt_stage_pointers(offsets_, parameters().grads());
}

void GptStage::ensure_scratch(std::int64_t B, std::int64_t T) {
  const std::int64_t N = B * T;
  if (scratch_ != nullptr && scratch_->tokens >= N && scratch_->scores >= B * T * T) return;
  const StageDims d = stage_dims(config_, partition_);
  const std::int64_t C = d.C, att = B * d.NHl * T * T;
  scratch_ = std::make_unique<Scratch>();
  Scratch& s = *scratch_;
  Arena arena;
  arena.add(&s.preatt, att);
  arena.add(&s.branch, N * C);
  arena.add(&s.dresidual, N * C);
  arena.add(&s.dln, N * C);
  arena.add(&s.dqkv, N * 3 * d.Cl);
  arena.add(&s.datty, N * d.Cl);
  arena.add(&s.datt, att);
  arena.add(&s.dpreatt, att);
  arena.add(&s.dfch, N * d.Fl);
  arena.add(&s.dfch_gelu, N * d.Fl);
  s.memory = arena.allocate(device());
  s.tokens = N;
  s.scores = B * T * T;
}

GptStage::MicroBatch& GptStage::start_micro(int micro, std::int64_t B, std::int64_t T) {
  if (micro_.contains(micro)) {
    internal_error(str("gpt stage: micro-batch ", micro, " is already in flight"));
  }
  if (T > config_.context_length || B == 0 || T == 0) {
    user_error(str("gpt: a batch of ", B, " x ", T,
                   " tokens does not fit context_length = ", config_.context_length,
                   "; use sequences of 1..", config_.context_length, " tokens"));
  }
  const StageDims d = stage_dims(config_, partition_);
  const std::int64_t N = B * T, C = d.C, Lb = d.Lb;
  auto m = std::make_unique<MicroBatch>();
  m->B = B;
  m->T = T;
  Arena arena;
  arena.add(&m->input, N * C);
  arena.add(&m->ln1, Lb * N * C);
  arena.add(&m->ln1_mean, Lb * N);
  arena.add(&m->ln1_rstd, Lb * N);
  arena.add(&m->qkv, Lb * N * 3 * d.Cl);
  arena.add(&m->atty, Lb * N * d.Cl);
  arena.add(&m->att, Lb * B * d.NHl * T * T);
  arena.add(&m->residual2, Lb * N * C);
  arena.add(&m->ln2, Lb * N * C);
  arena.add(&m->ln2_mean, Lb * N);
  arena.add(&m->ln2_rstd, Lb * N);
  arena.add(&m->fch, Lb * N * d.Fl);
  arena.add(&m->fch_gelu, Lb * N * d.Fl);
  arena.add(&m->residual3, Lb * N * C);
  const std::int64_t head = last_stage() ? 1 : 0;
  arena.add(&m->lnf, head * N * C);
  arena.add(&m->lnf_mean, head * N);
  arena.add(&m->lnf_rstd, head * N);
  arena.add(&m->probs, head * N * d.Vl);
  m->memory = arena.allocate(device());
  m->bytes = m->memory.numel() * static_cast<std::int64_t>(sizeof(float));
  ensure_scratch(B, T);
  MicroBatch& result = *m;
  micro_.emplace(micro, std::move(m));
  return result;
}

void GptStage::finish_micro(int micro) {
  auto it = micro_.find(micro);
  check(it != micro_.end(), "finish_micro of a micro-batch in flight");
  activation_bytes_ -= it->second->bytes;
  micro_.erase(it);
}

void GptStage::release(int micro) {
  if (micro_.contains(micro)) finish_micro(micro);
}

float GptStage::forward(int micro, const TensorView& inputs, const TensorView& targets) {
  device::Device& dev = device();
  const StageDims d = stage_dims(config_, partition_);
  const std::int64_t C = d.C;
  const bool tokens_in = first_stage();
  const Shape& shape = inputs.shape();
  if (shape.rank() != (tokens_in ? 2 : 3) || (!tokens_in && shape[2] != C) ||
      inputs.dtype() != (tokens_in ? DType::int32 : DType::float32)) {
    internal_error(str("gpt stage: inputs must be ",
                       tokens_in ? "int32 tokens (B, T)" : "float32 activations (B, T, C)",
                       ", got ", dtype_name(inputs.dtype()), " ", shape.to_string()));
  }
  const std::int64_t B = shape[0], T = shape[1], N = B * T;
  const bool with_loss = last_stage() && !targets.empty();
  if (with_loss && targets.shape() != Shape{B, T}) {
    internal_error(
        str("gpt stage: targets ", targets.shape().to_string(), " for a batch of ", B, " x ", T));
  }
  MicroBatch& m = start_micro(micro, B, T);
  Scratch& s = *scratch_;
  const GptStageTensors<float*> w = weights();
  const VocabShard shard{partition_.tp_rank * d.Vl, d.Vl, config_.vocab_size};
  const auto host_ints = [&dev](const TensorView& view) {
    std::vector<std::int32_t> host(static_cast<std::size_t>(view.numel()));
    dev.copy_to_host(host.data(), view.data<std::int32_t>(), host.size() * sizeof(std::int32_t));
    return host;
  };

  if (tokens_in) {
    m.tokens = route_tokens(dev, host_ints(inputs), shard);
    m.bytes += (m.tokens.positions.numel() + m.tokens.rows.numel()) *
               static_cast<std::int64_t>(sizeof(std::int32_t));
    vocab_parallel_embedding_forward(dev, *tp_, m.input, s.branch, m.tokens, w.wte, N, C, shard);
    position_embedding_forward(dev, m.input, w.wpe, B, T, C);
  } else {
    dev.copy_on_device(m.input, inputs.data<float>(),
                       static_cast<std::size_t>(N * C) * sizeof(float));
  }
  activation_bytes_ += m.bytes;
  peak_activation_bytes_ = std::max(peak_activation_bytes_, activation_bytes_);

  const AttentionShape attention_shape{B, T, d.Cl, d.NHl};
  for (std::int64_t b = 0; b < d.Lb; ++b) {
    const GptBlockTensors<float*>& bw = w.blocks[static_cast<std::size_t>(b)];
    const float* residual = m.block_input(b, C);
    float* ln1 = m.ln1 + b * N * C;
    float* ln1_mean = m.ln1_mean + b * N;
    float* ln1_rstd = m.ln1_rstd + b * N;
    float* qkv = m.qkv + b * N * 3 * d.Cl;
    float* atty = m.atty + b * N * d.Cl;
    float* att = m.att + b * B * d.NHl * T * T;
    float* residual2 = m.residual2 + b * N * C;
    float* ln2 = m.ln2 + b * N * C;
    float* ln2_mean = m.ln2_mean + b * N;
    float* ln2_rstd = m.ln2_rstd + b * N;
    float* fch = m.fch + b * N * d.Fl;
    float* fch_gelu = m.fch_gelu + b * N * d.Fl;
    float* residual3 = m.residual3 + b * N * C;

    layernorm_forward(dev, ln1, ln1_mean, ln1_rstd, residual, bw.ln1w, bw.ln1b, N, C);
    linear_forward(dev, qkv, ln1, bw.qkvw, bw.qkvb, N, C, 3 * d.Cl);  // column-parallel
    attention_forward(dev, atty, att, s.preatt, qkv, attention_shape);
    linear_forward(dev, s.branch, atty, bw.attprojw, nullptr, N, d.Cl, C);  // row-parallel
    tp_->sum(s.branch, N * C);
    dev.bias_add(s.branch, bw.attprojb, N, C);  // once, after the sum
    residual_forward(dev, residual2, residual, s.branch, N * C);
    layernorm_forward(dev, ln2, ln2_mean, ln2_rstd, residual2, bw.ln2w, bw.ln2b, N, C);
    linear_forward(dev, fch, ln2, bw.fcw, bw.fcb, N, C, d.Fl);  // column-parallel
    activation_forward(dev, Activation::gelu, fch_gelu, fch, N * d.Fl);
    linear_forward(dev, s.branch, fch_gelu, bw.fcprojw, nullptr, N, d.Fl, C);  // row-parallel
    tp_->sum(s.branch, N * C);
    dev.bias_add(s.branch, bw.fcprojb, N, C);
    residual_forward(dev, residual3, residual2, s.branch, N * C);
  }
  if (!last_stage()) return std::numeric_limits<float>::quiet_NaN();

  layernorm_forward(dev, m.lnf, m.lnf_mean, m.lnf_rstd, m.output(d.Lb, C), w.lnfw, w.lnfb, N, C);
  linear_forward(dev, m.probs, m.lnf, w.head, nullptr, N, C, d.Vl);  // the logits shard
  if (!with_loss) return std::numeric_limits<float>::quiet_NaN();
  m.targets = host_ints(targets);
  m.loss = vocab_parallel_cross_entropy_forward(dev, *tp_, m.probs, m.targets, N, shard);
  return m.loss;
}

TensorView GptStage::output(int micro) const {
  auto it = micro_.find(micro);
  if (last_stage() || it == micro_.end()) {
    internal_error(str("gpt stage: output of micro-batch ", micro,
                       last_stage() ? " on the last stage" : ", which is not in flight"));
  }
  const MicroBatch& m = *it->second;
  return TensorView::of<float>(m.output(partition_.layers(), config_.channels),
                               {m.B, m.T, config_.channels});
}

TensorView GptStage::input_grad(int micro) const {
  if (first_stage() || micro != last_backward_micro_) {
    internal_error(str("gpt stage: input_grad of micro-batch ", micro,
                       first_stage() ? " on the first stage"
                                     : str(", but the last backward was ", last_backward_micro_)));
  }
  return TensorView::of<float>(scratch_->dresidual,
                               {last_backward_B_, last_backward_T_, config_.channels});
}

void GptStage::backward(int micro, float loss_scale) {
  auto it = micro_.find(micro);
  if (!last_stage() || it == micro_.end() || it->second->targets.empty()) {
    internal_error(str("gpt stage: backward from the loss of micro-batch ", micro,
                       " needs the last stage and a forward with targets"));
  }
  MicroBatch& m = *it->second;
  Scratch& s = *scratch_;
  device::Device& dev = device();
  const StageDims d = stage_dims(config_, partition_);
  const std::int64_t N = m.B * m.T, C = d.C;
  const GptStageTensors<float*> w = weights();
  const GptStageTensors<float*> g = gradients();
  const VocabShard shard{partition_.tp_rank * d.Vl, d.Vl, config_.vocab_size};
  const int lnf_group = (first_stage() ? 1 : 0) + static_cast<int>(d.Lb);

  begin_backward();
  float* dlogits = m.probs;
  vocab_parallel_cross_entropy_backward(dev, dlogits, m.targets, N, shard,
                                        loss_scale / static_cast<float>(N));
  linear_backward(dev, s.dln, g.head, nullptr, dlogits, m.lnf, w.head, N, C, d.Vl,
                  GradWrite::overwrite);
  tp_->sum(s.dln, N * C);  // the head is column-parallel over the vocabulary
  if (static_cast<std::size_t>(lnf_group) + 1 < parameters().groups().size()) {
    gradients_ready(lnf_group + 1);  // lm_head or the tied copy of wte
  }
  dev.fill(s.dresidual, N * C, 0.0f);
  layernorm_backward(dev, s.dresidual, g.lnfw, g.lnfb, s.dln, m.output(d.Lb, C), w.lnfw, m.lnf_mean,
                     m.lnf_rstd, N, C);
  gradients_ready(lnf_group);
  backward_blocks(m);
  end_backward();
  last_backward_micro_ = micro;
  finish_micro(micro);
}

void GptStage::backward(int micro, const TensorView& grad_output) {
  auto it = micro_.find(micro);
  if (last_stage() || it == micro_.end()) {
    internal_error(str("gpt stage: backward from an output gradient of micro-batch ", micro,
                       last_stage() ? " on the last stage" : ", which is not in flight"));
  }
  MicroBatch& m = *it->second;
  if (grad_output.dtype() != DType::float32 ||
      grad_output.shape() != Shape{m.B, m.T, config_.channels}) {
    internal_error(str("gpt stage: the output gradient ", grad_output.shape().to_string(),
                       " does not match the output (", m.B, ", ", m.T, ", ", config_.channels,
                       ")"));
  }
  device().copy_on_device(scratch_->dresidual, grad_output.data<float>(),
                          static_cast<std::size_t>(grad_output.numel()) * sizeof(float));
  begin_backward();
  backward_blocks(m);
  end_backward();
  last_backward_micro_ = micro;
  finish_micro(micro);
}

// From d(output) in scratch dresidual down through the local blocks and, on the first stage,
// the embeddings; leaves d(input) in dresidual.
void GptStage::backward_blocks(MicroBatch& m) {
  Scratch& s = *scratch_;
  device::Device& dev = device();
  const StageDims d = stage_dims(config_, partition_);
  const std::int64_t B = m.B, T = m.T, N = B * T, C = d.C;
  const GptStageTensors<float*> w = weights();
  const GptStageTensors<float*> g = gradients();
  const AttentionShape attention_shape{B, T, d.Cl, d.NHl};
  const int first_block_group = first_stage() ? 1 : 0;

  for (std::int64_t b = d.Lb - 1; b >= 0; --b) {
    const GptBlockTensors<float*>& bw = w.blocks[static_cast<std::size_t>(b)];
    const GptBlockTensors<float*>& bg = g.blocks[static_cast<std::size_t>(b)];
    const float* residual = m.block_input(b, C);
    const float* ln1 = m.ln1 + b * N * C;
    const float* ln1_mean = m.ln1_mean + b * N;
    const float* ln1_rstd = m.ln1_rstd + b * N;
    const float* qkv = m.qkv + b * N * 3 * d.Cl;
    const float* atty = m.atty + b * N * d.Cl;
    const float* att = m.att + b * B * d.NHl * T * T;
    const float* residual2 = m.residual2 + b * N * C;
    const float* ln2 = m.ln2 + b * N * C;
    const float* ln2_mean = m.ln2_mean + b * N;
    const float* ln2_rstd = m.ln2_rstd + b * N;
    const float* fch = m.fch + b * N * d.Fl;
    const float* fch_gelu = m.fch_gelu + b * N * d.Fl;

    // dresidual is d(residual3) = d(fcproj), the same on every tp rank (see gpt.cpp for why it
    // needs no copy); the row-parallel layers' gradients start from it as they are.
    linear_backward(dev, s.dfch_gelu, bg.fcprojw, bg.fcprojb, s.dresidual, fch_gelu, bw.fcprojw, N,
                    d.Fl, C, GradWrite::overwrite);
    dev.fill(s.dfch, N * d.Fl, 0.0f);
    activation_backward(dev, Activation::gelu, s.dfch, s.dfch_gelu, fch, N * d.Fl);
    linear_backward(dev, s.dln, bg.fcw, bg.fcb, s.dfch, ln2, bw.fcw, N, C, d.Fl,
                    GradWrite::overwrite);
    tp_->sum(s.dln, N * C);  // each rank's hidden units contribute to d(ln2)
    layernorm_backward(dev, s.dresidual, bg.ln2w, bg.ln2b, s.dln, residual2, bw.ln2w, ln2_mean,
                       ln2_rstd, N, C);
    linear_backward(dev, s.datty, bg.attprojw, bg.attprojb, s.dresidual, atty, bw.attprojw, N, d.Cl,
                    C, GradWrite::overwrite);
    attention_backward(dev, s.dqkv, s.datt, s.dpreatt, s.datty, qkv, att, attention_shape,
                       GradWrite::overwrite);
    linear_backward(dev, s.dln, bg.qkvw, bg.qkvb, s.dqkv, ln1, bw.qkvw, N, C, 3 * d.Cl,
                    GradWrite::overwrite);
    tp_->sum(s.dln, N * C);  // each rank's heads contribute to d(ln1)
    layernorm_backward(dev, s.dresidual, bg.ln1w, bg.ln1b, s.dln, residual, bw.ln1w, ln1_mean,
                       ln1_rstd, N, C);
    gradients_ready(first_block_group + static_cast<int>(b));
  }
  if (first_stage()) {
    const VocabShard shard{partition_.tp_rank * d.Vl, d.Vl, config_.vocab_size};
    position_embedding_backward(dev, g.wpe, s.dresidual, B, T, C);
    vocab_parallel_embedding_backward(dev, g.wte, s.branch, s.dresidual, m.tokens, N, C, shard);
    gradients_ready(0);
  }
  last_backward_B_ = B;
  last_backward_T_ = T;
}

float GptStage::forward(const TensorView& inputs, const TensorView& targets) {
  if (!first_stage() || !last_stage()) {
    internal_error(
        "gpt stage: Model::forward needs a stage holding the whole model; use "
        "forward(micro, inputs, targets) between pipeline stages");
  }
  release(0);
  return forward(0, inputs, targets);
}

void GptStage::backward() {
  backward(0, 1.0f);
}

double GptStage::unique_grad_sum_of_squares() {
  ParameterStore& store = parameters();
  const float replicated = 1.0f / static_cast<float>(partition_.tp_size);
  Tensor result(device(), DType::float32, Shape{1});
  double total = 0.0;
  for (std::size_t i = 0; i < store.table().size(); ++i) {
    const ParameterInfo& info = store.table()[i];
    const bool copy = static_cast<int>(i) == tied_embedding_parameter_ && !first_stage();
    if (copy || info.count == 0) continue;
    device().sum_squares(store.grad(static_cast<int>(i)), info.count, result.data<float>());
    float host = 0.0f;
    device().copy_to_host(&host, result.data<float>(), sizeof(float));
    total += static_cast<double>(host) * (info.whole() ? replicated : 1.0f);
  }
  return total;
}

}  // namespace dojo::model
