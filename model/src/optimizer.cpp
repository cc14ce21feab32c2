// AdamW and SGD with momentum over the flat buffers: one device update per run of tensors that
// share a weight-decay setting (see optimizer.hpp).
#include "dojo/model/optimizer.hpp"

#include "dojo/common/error.hpp"

namespace dojo::model {

std::vector<DecayRun> decay_runs(std::span<const ParameterInfo> table, DecayRule rule) {
  std::vector<DecayRun> runs;
  for (const ParameterInfo& info : table) {
    if (info.count == 0) continue;
    const bool decay = rule == DecayRule::all || info.shape.rank() >= 2;
    if (!runs.empty() && runs.back().decay == decay &&
        runs.back().offset + runs.back().count == info.offset) {
      runs.back().count += info.count;
    } else {
      runs.push_back({info.offset, info.count, decay});
    }
  }
  return runs;
}

namespace {

Tensor zeroed_state(ParameterStore& store) {
  Tensor state(store.device(), DType::float32, Shape{store.size()});
  if (store.size() > 0) store.device().fill(state.data<float>(), store.size(), 0.0f);
  return state;
}

}  // namespace

AdamW::AdamW(ParameterStore& store, const AdamWConfig& config)
    : store_(&store),
      config_(config),
      runs_(decay_runs(store.table(), config.decay_rule)),
      m_(zeroed_state(store)),
      v_(zeroed_state(store)) {
  if (config.beta1 < 0.0f || config.beta1 >= 1.0f || config.beta2 < 0.0f || config.beta2 >= 1.0f) {
    user_error(str("adamw: betas (", config.beta1, ", ", config.beta2, ") must lie in [0, 1)"));
  }
}

void AdamW::step(float learning_rate) {
  ++steps_;
  device::AdamWParams hyper;
  hyper.learning_rate = learning_rate;
  hyper.beta1 = config_.beta1;
  hyper.beta2 = config_.beta2;
  hyper.eps = config_.eps;
  hyper.step = steps_;
  device::Device& dev = store_->device();
  for (const DecayRun& run : runs_) {
    hyper.weight_decay = run.decay ? config_.weight_decay : 0.0f;
    dev.adamw_update(store_->params() + run.offset, store_->grads() + run.offset,
                     m_.data<float>() + run.offset, v_.data<float>() + run.offset, run.count,
                     hyper);
  }
}

SgdMomentum::SgdMomentum(ParameterStore& store, const SgdConfig& config)
    : store_(&store),
      config_(config),
      runs_(decay_runs(store.table(), config.decay_rule)),
      velocity_(zeroed_state(store)) {}

void SgdMomentum::step(float learning_rate) {
  ++steps_;
  device::SgdParams hyper;
  hyper.learning_rate = learning_rate;
  hyper.momentum = config_.momentum;
  device::Device& dev = store_->device();
  for (const DecayRun& run : runs_) {
    hyper.weight_decay = run.decay ? config_.weight_decay : 0.0f;
    dev.sgd_momentum_update(store_->params() + run.offset, store_->grads() + run.offset,
                            velocity_.data<float>() + run.offset, run.count, hyper);
  }
}

}  // namespace dojo::model
