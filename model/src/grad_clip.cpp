// Gradient clipping by global norm (see grad_clip.hpp).
#include "dojo/model/grad_clip.hpp"

#include <algorithm>
#include <cmath>

namespace dojo::model {

float clip_factor(double sum_of_squares, float max_norm) {
  if (max_norm <= 0.0f) return 1.0f;
  const double norm = std::sqrt(sum_of_squares);
  return static_cast<float>(std::min(1.0, static_cast<double>(max_norm) / (norm + 1e-6)));
}

float clip_gradients(ParameterStore& store, float max_norm) {
  const double sum_of_squares = store.grad_sum_of_squares();
  const float factor = clip_factor(sum_of_squares, max_norm);
  if (factor < 1.0f) store.scale_gradients(factor);
  return static_cast<float>(std::sqrt(sum_of_squares));
}

}  // namespace dojo::model
