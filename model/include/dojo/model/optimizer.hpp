// Optimizers over a model's flat parameter buffer: AdamW and SGD with momentum, each a handful of
// device calls per step. Weight decay follows GPT-2/nanoGPT by default: parameters of rank >= 2
// (weight matrices and embeddings) decay; biases and layernorm gains/shifts (rank 1) do not.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "dojo/model/parameters.hpp"
#include "dojo/model/tensor.hpp"

namespace dojo::model {

enum class DecayRule {
  all,           // every parameter decays
  matrices_only  // rank >= 2 decays; rank-1 tensors (biases, layernorm) do not
};

// A contiguous slice of the flat buffers with one decay setting; merged from adjacent tensors.
struct DecayRun {
  std::int64_t offset = 0;  // floats
  std::int64_t count = 0;   // floats
  bool decay = false;
};
std::vector<DecayRun> decay_runs(std::span<const ParameterInfo> table, DecayRule rule);

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // Updates every parameter from grads() with this step's learning rate (see LrSchedule).
  virtual void step(float learning_rate) = 0;
  std::int64_t steps_taken() const noexcept { return steps_; }
  // What a checkpoint saves besides the step count: flat tensors laid out like the parameters
  // (AdamW: "m" and "v"; SGD: "velocity"), by name. Restore by uploading into them.
  virtual std::vector<std::pair<std::string, Tensor*>> state() = 0;
  // Resuming from a checkpoint: the steps already taken (AdamW's bias correction counts them).
  void restore_steps_taken(std::int64_t steps) noexcept { steps_ = steps; }

 protected:
  std::int64_t steps_ = 0;
};

// Defaults are torch.optim.AdamW's.
struct AdamWConfig {
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.01f;
  DecayRule decay_rule = DecayRule::matrices_only;
};

// m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr (m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps)
// + wd p), with t counting this step from 1 (decoupled decay, as PyTorch and llm.c).
class AdamW final : public Optimizer {
 public:
  AdamW(ParameterStore& store, const AdamWConfig& config);
  void step(float learning_rate) override;
  std::vector<std::pair<std::string, Tensor*>> state() override { return {{"m", &m_}, {"v", &v_}}; }
  const AdamWConfig& config() const noexcept { return config_; }
  std::vector<float> download_m() const { return m_.download<float>(); }
  std::vector<float> download_v() const { return v_.download<float>(); }

 private:
  ParameterStore* store_;
  AdamWConfig config_;
  std::vector<DecayRun> runs_;
  Tensor m_;  // (size) first moment
  Tensor v_;  // (size) second moment
};

// Defaults are torch.optim.SGD's, with momentum on.
struct SgdConfig {
  float momentum = 0.9f;
  float weight_decay = 0.0f;
  DecayRule decay_rule = DecayRule::matrices_only;
};

// As PyTorch without dampening: g += wd p; velocity = momentum velocity + g; p -= lr velocity.
class SgdMomentum final : public Optimizer {
 public:
  SgdMomentum(ParameterStore& store, const SgdConfig& config);
  void step(float learning_rate) override;
  std::vector<std::pair<std::string, Tensor*>> state() override {
    return {{"velocity", &velocity_}};
  }

 private:
  ParameterStore* store_;
  SgdConfig config_;
  std::vector<DecayRun> runs_;
  Tensor velocity_;  // (size)
};

}  // namespace dojo::model
