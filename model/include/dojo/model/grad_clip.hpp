// Gradient clipping by global norm, split so that data parallelism fits in between: each rank
// takes its grad_sum_of_squares(), the trainer allreduces that scalar when the gradients are not
// already reduced, and clip_factor() turns the global sum into the scale for scale_gradients().
#pragma once

#include "dojo/model/parameters.hpp"

namespace dojo::model {

// max_norm / (norm + 1e-6) with norm = sqrt(sum_of_squares), capped at 1 (PyTorch's
// clip_grad_norm_); 1 when max_norm <= 0 (clipping off).
float clip_factor(double sum_of_squares, float max_norm);

// One process's clipping: computes the norm, scales the gradients if it exceeds max_norm and
// returns the norm before clipping.
float clip_gradients(ParameterStore& store, float max_norm);

}  // namespace dojo::model
