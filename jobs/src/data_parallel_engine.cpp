// The data-parallel step: the whole model on every rank, forward and backward of the rank's shard
// of the batch, gradient buckets averaged over the replicas while backward goes on.

#include "dojo/common/clock.hpp"
#include "dojo/common/trace.hpp"
#include "dojo/jobs/gradient_buckets.hpp"
#include "step_engine.hpp"

namespace dojo::jobs {
namespace {

class DataParallelEngine final : public StepEngine {
 public:
  DataParallelEngine(std::unique_ptr<model::Model> model, collectives::Communicator& dp,
                     std::int64_t bucket_floats)
      : model_(std::move(model)),
        tensors_(local_logical_tensors(*model_)),
        buckets_(dp, model_->device(), model_->parameters().grads(), model_->parameters().size(),
                 bucket_floats) {
    model_->set_gradient_hook([this](std::int64_t offset, std::int64_t count) {
      buckets_.on_gradients_ready(offset, count);
    });
  }

  model::Model& model() override { return *model_; }
  const std::vector<LogicalTensor>& all_tensors() const override { return tensors_; }
  bool reports_loss() const override { return true; }
  std::size_t bucket_count() const override { return buckets_.bucket_count(); }

  StepWork gradients(const model::TensorView& inputs, const model::TensorView& targets) override {
    StepWork work;
    auto t0 = Clock::now();
    model_->zero_grad();
    buckets_.begin_step();
    {
      trace::Span span("forward", "compute", "micro 0");
      work.loss = model_->forward(inputs, targets);
    }
    {
      trace::Span span("backward", "compute", "micro 0");
      model_->backward();
    }
    work.compute_seconds = seconds_since(t0);
    trace::Span span("dp gradient wait", "collective");
    work.comm_wait_seconds = buckets_.finish();
    return work;
  }

  // The gradients are the same on every rank after the reduction: no further reduction.
  double grad_sum_of_squares() override { return model_->grad_sum_of_squares(); }

  float evaluate(const model::TensorView& inputs, const model::TensorView& targets) override {
    return model_->forward(inputs, targets);
  }

 private:
  std::unique_ptr<model::Model> model_;
  std::vector<LogicalTensor> tensors_;
  GradientBuckets buckets_;
};

}  // namespace

std::unique_ptr<StepEngine> make_data_parallel_engine(std::unique_ptr<model::Model> model,
                                                      collectives::Communicator& dp,
                                                      std::int64_t bucket_floats) {
  return std::make_unique<DataParallelEngine>(std::move(model), dp, bucket_floats);
}

}  // namespace dojo::jobs
