// Evaluation over a split: this rank's batches, then one allreduce of the sums.
#include "evaluation.hpp"

#include <span>
#include <utility>

#include "dojo/common/error.hpp"
#include "dojo/model/mlp.hpp"

namespace dojo::jobs {

Evaluator::Evaluator(std::string split, StepEngine& engine, device::Device& device,
                     collectives::Communicator& world,
                     std::unique_ptr<io::ClassificationLoader> classes,
                     std::unique_ptr<io::TokenLoader> tokens, std::int64_t max_batches)
    : split_(std::move(split)),
      engine_(engine),
      device_(device),
      world_(world),
      classes_(std::move(classes)),
      tokens_(std::move(tokens)),
      max_batches_(max_batches) {
  if ((classes_ == nullptr) == (tokens_ == nullptr))
    internal_error("Evaluator needs exactly one of a classification and a token loader");
}

EvalResult Evaluator::run() {
  ScopedActivity activity(str("evaluating on ", split_));
  // Sums over every rank: loss * items, correct answers, items.
  std::array<double, 3> sums{0, 0, 0};
  if (classes_)
    classification(sums);
  else
    tokens(sums);
  world_.allreduce(std::span<double>(sums), collectives::ReduceOp::sum);
  EvalResult result;
  result.loss = sums[2] > 0 ? sums[0] / sums[2] : 0.0;
  if (classes_) result.accuracy = sums[2] > 0 ? sums[1] / sums[2] : 0.0;
  return result;
}

void Evaluator::classification(std::array<double, 3>& sums) {
  auto* mlp = static_cast<model::MlpClassifier*>(&engine_.model());
  std::int64_t batches = 0;
  while (within_budget(batches) && classes_->next(class_batch_)) {
    ++batches;
    if (class_batch_.size == 0) continue;
    batch_.upload(device_, class_batch_);
    auto e = mlp->evaluate(batch_.inputs.view(), batch_.targets.view());
    sums[0] += e.loss * static_cast<double>(e.count);
    sums[1] += static_cast<double>(e.correct);
    sums[2] += static_cast<double>(e.count);
  }
  if (!within_budget(batches)) classes_->seek({});  // the next evaluation starts a fresh pass
}

void Evaluator::tokens(std::array<double, 3>& sums) {
  std::int64_t batches = 0;
  while (within_budget(batches) && tokens_->next(token_batch_)) {
    ++batches;
    if (token_batch_.size == 0) continue;
    batch_.upload(device_, token_batch_);
    if (!engine_.reports_loss()) {
      engine_.evaluate(batch_.inputs.view(), batch_.targets.view());
      continue;
    }
    double n = static_cast<double>(token_batch_.size * token_batch_.context_length);
    sums[0] += engine_.evaluate(batch_.inputs.view(), batch_.targets.view()) * n;
    sums[2] += n;
  }
  if (!within_budget(batches)) tokens_->seek({});
}

}  // namespace dojo::jobs
