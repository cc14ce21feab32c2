// A multi-layer perceptron classifier: features (B, D) -> [linear, activation] per hidden layer ->
// linear -> logits (B, K) -> mean softmax cross-entropy against integer labels.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dojo/model/layers/activation.hpp"
#include "dojo/model/model.hpp"

namespace dojo::model {

struct MlpConfig {
  std::int64_t input_dim = 784;                 // D
  std::vector<std::int64_t> hidden_sizes{128};  // one linear + activation each; may be empty
  std::int64_t classes = 10;                    // K
  Activation activation = Activation::relu;
  std::uint64_t seed = 1;

  void validate() const;  // a user error naming the bad size
  std::int64_t parameter_count() const;
};

// Accuracy and loss of one labelled batch.
struct Evaluation {
  float loss = 0.0f;         // mean cross-entropy
  std::int64_t correct = 0;  // samples whose arg-max logit is the label
  std::int64_t count = 0;
  double accuracy() const noexcept {
    return count == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(count);
  }
};

class MlpClassifier final : public Model {
 public:
  // Layer i is "layers.<i>" with weight (out, in) and bias (out), one parameter group each.
  // Initialisation: weights normal(0, sqrt(2 / fan_in)) (He) before an activation, normal(0,
  // sqrt(1 / fan_in)) for the output layer; biases 0.
  MlpClassifier(device::Device& device, const MlpConfig& config);
  ~MlpClassifier() override;

  std::string_view kind() const override { return "mlp"; }
  const MlpConfig& config() const noexcept { return config_; }

  // inputs: float32 (B, D); targets: int32 labels (B) in [0, K), or empty.
  float forward(const TensorView& inputs, const TensorView& targets) override;
  void backward() override;
  StepFlops step_flops(std::int64_t batch_size) const override;

  TensorView logits() const;  // (B, K) of the last forward; valid until backward

  // Forward, then arg-max on the host (ties go to the lower class).
  Evaluation evaluate(const TensorView& inputs, const TensorView& targets);
  std::vector<std::int32_t> predict(const TensorView& inputs);

 private:
  struct Activations;

  void ensure_batch(std::int64_t B);
  std::int64_t layer_count() const { return static_cast<std::int64_t>(dims_.size()) - 1; }

  MlpConfig config_;
  std::vector<std::int64_t> dims_;  // D, hidden..., K: layer i maps dims_[i] -> dims_[i + 1]
  std::int64_t B_ = 0;
  bool have_targets_ = false;
  std::unique_ptr<Activations> acts_;
};

}  // namespace dojo::model
