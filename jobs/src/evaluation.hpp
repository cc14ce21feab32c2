// Evaluation: the mean loss (and a classifier's accuracy) over an evaluation split, averaged over
// every sample of every rank, with the step engine's current parameters.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "device_batch.hpp"
#include "dojo/collectives/communicator.hpp"
#include "dojo/device/device.hpp"
#include "dojo/io/loader.hpp"
#include "step_engine.hpp"

namespace dojo::jobs {

struct EvalResult {
  double loss = 0;
  double accuracy = -1;  // classifiers only; -1 otherwise
};

class Evaluator {
 public:
  // Exactly one of `classes` (an MLP classifier's split) and `tokens` (a GPT's) is set; both read
  // in sequential order. max_batches: batches per evaluation, 0 = the whole split.
  Evaluator(std::string split, StepEngine& engine, device::Device& device,
            collectives::Communicator& world, std::unique_ptr<io::ClassificationLoader> classes,
            std::unique_ptr<io::TokenLoader> tokens, std::int64_t max_batches);

  // Collective over every rank: one evaluation. A pass cut short by max_batches starts the next
  // evaluation at the beginning of the split.
  EvalResult run();

  const std::string& split() const { return split_; }

 private:
  // Adds {loss * items, correct answers, items} of this rank's batches to `sums`.
  void classification(std::array<double, 3>& sums);
  void tokens(std::array<double, 3>& sums);
  bool within_budget(std::int64_t batches) const {
    return max_batches_ == 0 || batches < max_batches_;
  }

  std::string split_;
  StepEngine& engine_;
  device::Device& device_;
  collectives::Communicator& world_;
  std::unique_ptr<io::ClassificationLoader> classes_;
  std::unique_ptr<io::TokenLoader> tokens_;
  std::int64_t max_batches_;
  io::ClassificationBatch class_batch_;
  io::TokenBatch token_batch_;
  DeviceBatch batch_;
};

}  // namespace dojo::jobs
