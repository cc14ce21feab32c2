// One rank's part of a GPT under tensor and pipeline parallelism: a pipeline stage (blocks
// [first_layer, end_layer), plus the embeddings on the first stage and ln_f with the LM head on
// the last) split Megatron-style over a tensor-parallel group. With one stage and tp = 1 it
// computes what Gpt computes (bit for bit at tp = 1) and is a drop-in Model.
//
// Tensor parallelism (tp ranks, collectives over the group's Communicator):
//   attention  c_attn column-parallel by heads (rank r: the q, k and v rows of heads
//              [r NH/tp, (r+1) NH/tp)), attention on those heads, c_proj row-parallel then an
//              allreduce (sum) of its output; the c_proj bias added once, after the allreduce.
//   MLP        c_fc column-parallel (rows [r 4C/tp, (r+1) 4C/tp)), GELU local, c_proj
//              row-parallel + allreduce, bias after it.
//   backward   the conjugates: the input gradient of each column-parallel layer (the gradient
//              of ln_1's, ln_2's and ln_f's output) is allreduced before the layernorm backward;
//              row-parallel outputs' gradients are used as they are (already replicated).
//   embedding  wte rows split by vocabulary (rank r: rows [r V/tp, (r+1) V/tp)); each rank looks
//              up the tokens it owns, zeros elsewhere, allreduce; wpe and layernorms replicated.
//   loss       vocabulary-parallel cross-entropy on the logits shard lnf @ wte_shard^T (B, T,
//   V/tp):
//              the row max (allreduce max), then the sum of exponentials and the target logit
//              (one allreduce sum); no rank holds full logits. Untied lm_head needs tp = 1.
//
// Pipeline: forward(micro, ...) keeps one activation set per micro-batch id until its backward
// (1F1B keeps several in flight); the stage's output and input gradient are (B, T, C) float.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "dojo/model/gpt.hpp"
#include "dojo/model/gpt_partition.hpp"
#include "dojo/model/model.hpp"

namespace dojo::collectives {
class Communicator;
}

namespace dojo::model {

class TensorParallelGroup;

// A stage's parameter tensors (local shards), as offsets (P = std::int64_t, -1 when the stage
// does not hold it) or pointers (P = float*, null then). Local shapes with Cl = C/tp,
// Fl = 4C/tp, Vl = V/tp:
template <typename P>
struct GptStageTensors {
  P wte;                                   // (Vl, C)  first stage: its vocabulary rows
  P wpe;                                   // (T, C)   first stage
  std::vector<GptBlockTensors<P>> blocks;  // local blocks: qkvw (3*Cl, C), qkvb (3*Cl),
                                           // attprojw (C, Cl), fcw (Fl, C), fcb (Fl),
                                           // fcprojw (C, Fl); the rest as in Gpt
  P lnfw;                                  // (C)      last stage
  P lnfb;                                  // (C)      last stage
  P head;  // (Vl, C) last stage: == wte on a single tied stage; else the tied copy of wte or
           // (V, C) lm_head.weight when untied
};

class GptStage final : public Model {
 public:
  // `tp` is the tensor-parallel group (size partition.tp_size, rank partition.tp_rank); it may be
  // null when tp_size == 1. The stage keeps the pointer: the communicator must outlive it.
  GptStage(device::Device& device, const GptConfig& config, const GptPartition& partition,
           collectives::Communicator* tp = nullptr);
  ~GptStage() override;

  std::string_view kind() const override { return "gpt"; }
  const GptConfig& config() const noexcept { return config_; }
  const GptPartition& partition() const noexcept { return partition_; }
  bool first_stage() const noexcept { return partition_.has_embedding; }
  bool last_stage() const noexcept { return partition_.has_head; }

  // ---- Pipeline interface ----
  // Runs micro-batch `micro` (an id not in flight) and keeps its activations until
  // backward(micro) or release(micro). inputs: int32 tokens (B, T) on the first stage, else the
  // float32 activations (B, T, C) from the previous stage; targets: int32 (B, T) on the last
  // stage (empty: no loss), ignored elsewhere. Both are copied. Returns the mean loss over the
  // B*T tokens on the last stage with targets, else NaN. Every rank of a tensor-parallel group
  // passes the same inputs and targets.
  float forward(int micro, const TensorView& inputs, const TensorView& targets);
  // (B, T, C) activations leaving a non-last stage for the next one; valid until backward(micro).
  TensorView output(int micro) const;
  // Last stage: adds the gradient of loss_scale * (mean loss of `micro`) into grads(), e.g.
  // loss_scale = 1/m for m micro-batches of a step. Frees the micro-batch's activations.
  void backward(int micro, float loss_scale);
  // Other stages: backward from grad_output (B, T, C), the gradient of this stage's output that
  // the next stage computed. Frees the micro-batch's activations.
  void backward(int micro, const TensorView& grad_output);
  // (B, T, C) gradient of the input of the micro-batch that was last run backward, to send to
  // the previous stage (not on the first stage). Valid until the next backward call: a
  // non-blocking send must complete, or copy it, before then.
  TensorView input_grad(int micro) const;
  // Drops a micro-batch's activations without backward (evaluation).
  void release(int micro);
  int micro_batches_in_flight() const noexcept { return static_cast<int>(micro_.size()); }
  // Device bytes of the activations kept for backward, now and at most since construction (or
  // reset_peak_activation_bytes). Backward's scratch (one set per stage) is not counted.
  std::int64_t activation_bytes() const noexcept { return activation_bytes_; }
  std::int64_t peak_activation_bytes() const noexcept { return peak_activation_bytes_; }
  void reset_peak_activation_bytes() noexcept { peak_activation_bytes_ = activation_bytes_; }

  // ---- Model interface: one micro-batch (id 0) through a stage that is both first and last ----
  float forward(const TensorView& inputs, const TensorView& targets) override;
  void backward() override;  // loss_scale 1

  // GEMM FLOPs this rank executes (Gpt's count restricted to its blocks, heads and vocabulary
  // shard): summed over all stages and tp ranks it is Gpt::step_flops.
  StepFlops step_flops(std::int64_t batch_size) const override;
  StepFlops step_flops(std::int64_t B, std::int64_t T) const;

  // The parameter index of this stage's wte (shard) when the embedding is tied and the first and
  // last stages differ (pp > 1): the first stage's wte and the last stage's copy must have their
  // gradients summed (allreduce between those two stages, same tp rank) before the optimizer
  // step, which then keeps them identical. -1 on other stages or with one stage. The copy on the
  // last stage has the same name and box as the first stage's: a checkpoint writes one of them.
  int tied_embedding_parameter() const noexcept { return tied_embedding_parameter_; }

  // Sum of squares of the gradients counting each logical element once over the whole grid's tp
  // and pp groups: replicated parameters (layernorms, row-parallel biases, wpe) weigh 1/tp and
  // the last stage's tied wte copy 0. Allreduced over tp and pp (then dp-averaged as usual) it is
  // the one-rank model's squared gradient norm.
  double unique_grad_sum_of_squares();

  GptStageTensors<float*> weights() const;
  GptStageTensors<float*> gradients() const;

 private:
  struct MicroBatch;  // activations of one micro-batch, kept for its backward
  struct Scratch;     // forward and backward temporaries shared by all micro-batches

  MicroBatch& start_micro(int micro, std::int64_t B, std::int64_t T);
  void ensure_scratch(std::int64_t B, std::int64_t T);
  void backward_blocks(MicroBatch& m);
  void finish_micro(int micro);

  GptConfig config_;
  GptPartition partition_;
  std::unique_ptr<TensorParallelGroup> tp_;
  GptStageTensors<std::int64_t> offsets_;
  int tied_embedding_parameter_ = -1;
  std::map<int, std::unique_ptr<MicroBatch>> micro_;
  std::unique_ptr<Scratch> scratch_;
  int last_backward_micro_ = -1;  // input_grad() is this micro-batch's, (B, T, C)
  std::int64_t last_backward_B_ = 0;
  std::int64_t last_backward_T_ = 0;
  std::int64_t activation_bytes_ = 0;
  std::int64_t peak_activation_bytes_ = 0;
};

}  // namespace dojo::model
