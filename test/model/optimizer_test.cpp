// Optimizers against hand computations, the decay rule, gradient clipping and the learning-rate
// schedule's values at warm-up, peak, middle and end.
#include <gtest/gtest.h>

#include <cmath>

#include "dojo/common/error.hpp"
#include "dojo/device/host_device.hpp"
#include "dojo/model/grad_clip.hpp"
#include "dojo/model/lr_schedule.hpp"
#include "dojo/model/optimizer.hpp"

namespace dojo::model {
namespace {

// A store with a matrix w (2, 3) and a bias b (3): one decaying run and one that does not.
ParameterLayout two_tensor_layout() {
  ParameterLayout layout;
  layout.begin_group("layer");
  layout.add("w", {2, 3}, Init::normal(1.0f));
  layout.add("b", {3}, Init::normal(1.0f));
  return layout;
}

class OptimizerTest : public ::testing::Test {
 protected:
  void set_grads(const std::vector<float>& grads) {
    device.copy_to_device(store.grads(), grads.data(), grads.size() * sizeof(float));
  }
  device::HostDevice device{1};
  ParameterStore store{device, two_tensor_layout(), 7};
};

TEST_F(OptimizerTest, DecayRunsFollowTheRule) {
  const auto runs = decay_runs(store.table(), DecayRule::matrices_only);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].offset, 0);
  EXPECT_EQ(runs[0].count, 6);
  EXPECT_TRUE(runs[0].decay);
  EXPECT_EQ(runs[1].offset, 6);
  EXPECT_EQ(runs[1].count, 3);
  EXPECT_FALSE(runs[1].decay);
  const auto all = decay_runs(store.table(), DecayRule::all);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].count, 9);
}

// Two AdamW steps by hand in double; float32 on the device agrees to ~1e-6 relative.
TEST_F(OptimizerTest, AdamWMatchesHandComputation) {
  AdamWConfig config;
  config.beta1 = 0.8f;
  config.beta2 = 0.9f;
  config.eps = 1e-6f;
  config.weight_decay = 0.1f;
  AdamW adamw(store, config);
  const std::vector<float> initial = store.download_params();
  std::vector<double> p(initial.begin(), initial.end());
  std::vector<double> m(9, 0.0), v(9, 0.0);
  const std::vector<std::vector<float>> grads{
      {0.5f, -1.0f, 2.0f, 0.0f, 0.25f, -0.125f, 1.0f, 3.0f, -2.0f},
      {-0.5f, 1.0f, 1.0f, 0.5f, 0.0f, 4.0f, -1.0f, 0.0f, 2.0f}};
  const float lr = 0.01f;
  for (int t = 1; t <= 2; ++t) {
    set_grads(grads[t - 1]);
    adamw.step(lr);
    for (std::size_t i = 0; i < 9; ++i) {
      const double g = grads[t - 1][i];
      m[i] = 0.8 * m[i] + 0.2 * g;
      v[i] = 0.9 * v[i] + 0.1 * g * g;
      const double m_hat = m[i] / (1.0 - std::pow(0.8, t));
      const double v_hat = v[i] / (1.0 - std::pow(0.9, t));
      const double wd = i < 6 ? 0.1 : 0.0;  // the bias (elements 6..8) does not decay
      p[i] -= lr * (m_hat / (std::sqrt(v_hat) + 1e-6) + wd * p[i]);
    }
  }
  EXPECT_EQ(adamw.steps_taken(), 2);
  const std::vector<float> got = store.download_params();
  for (std::size_t i = 0; i < 9; ++i) EXPECT_NEAR(got[i], p[i], 1e-6 * (1.0 + std::abs(p[i]))) << i;
}

TEST_F(OptimizerTest, SgdMomentumMatchesHandComputation) {
  SgdConfig config;
  config.momentum = 0.5f;
  config.weight_decay = 0.2f;
  SgdMomentum sgd(store, config);
  const std::vector<float> initial = store.download_params();
  std::vector<double> p(initial.begin(), initial.end());
  std::vector<double> velocity(9, 0.0);
  const std::vector<float> grads{1.0f, -2.0f, 0.5f, 0.0f, 3.0f, -1.0f, 2.0f, -0.5f, 1.5f};
  for (int t = 0; t < 3; ++t) {
    set_grads(grads);
    sgd.step(0.1f);
    for (std::size_t i = 0; i < 9; ++i) {
      const double g = grads[i] + (i < 6 ? 0.2 * p[i] : 0.0);
      velocity[i] = 0.5 * velocity[i] + g;
      p[i] -= 0.1 * velocity[i];
    }
  }
  const std::vector<float> got = store.download_params();
  for (std::size_t i = 0; i < 9; ++i) EXPECT_NEAR(got[i], p[i], 1e-6 * (1.0 + std::abs(p[i]))) << i;
}

TEST_F(OptimizerTest, ClippingByGlobalNorm) {
  set_grads({3.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 4.0f, 0.0f, 0.0f});  // norm 5
  EXPECT_DOUBLE_EQ(store.grad_sum_of_squares(), 25.0);
  EXPECT_FLOAT_EQ(clip_factor(25.0, 10.0f), 1.0f);
  EXPECT_FLOAT_EQ(clip_factor(25.0, 0.0f), 1.0f);  // off
  EXPECT_NEAR(clip_factor(25.0, 1.0f), 0.2f, 1e-6f);
  EXPECT_NEAR(clip_gradients(store, 1.0f), 5.0f, 1e-6f);
  const std::vector<float> clipped = store.download_grads();
  EXPECT_NEAR(clipped[0], 0.6f, 1e-6f);
  EXPECT_NEAR(clipped[6], 0.8f, 1e-6f);
  EXPECT_NEAR(std::sqrt(store.grad_sum_of_squares()), 1.0, 1e-5);
  store.scale_gradients(0.5f);
  EXPECT_NEAR(store.download_grads()[6], 0.4f, 1e-6f);
}

TEST(LrScheduleTest, WarmupPeakCosineAndFloor) {
  LrSchedule schedule;
  schedule.max_lr = 6e-4f;
  schedule.min_lr = 6e-5f;
  schedule.warmup_steps = 10;
  schedule.total_steps = 110;
  schedule.validate();
  EXPECT_FLOAT_EQ(schedule.at(0), 6e-5f);  // (0 + 1) / 10 of the peak
  EXPECT_FLOAT_EQ(schedule.at(4), 3e-4f);
  EXPECT_FLOAT_EQ(schedule.at(9), 6e-4f);     // last warm-up step reaches the peak
  EXPECT_FLOAT_EQ(schedule.at(10), 6e-4f);    // cosine starts at the peak
  EXPECT_FLOAT_EQ(schedule.at(60), 3.3e-4f);  // half-way: (max + min) / 2
  EXPECT_GT(schedule.at(109), 6e-5f);
  EXPECT_NEAR(schedule.at(109), 6e-5f, 1e-6f);
  EXPECT_FLOAT_EQ(schedule.at(110), 6e-5f);  // end: the floor, and it stays there
  EXPECT_FLOAT_EQ(schedule.at(1000), 6e-5f);
  for (std::int64_t step = 10; step < 110; ++step)
    EXPECT_LE(schedule.at(step + 1), schedule.at(step));

  LrSchedule no_warmup{1.0f, 0.0f, 0, 4};
  EXPECT_FLOAT_EQ(no_warmup.at(0), 1.0f);
  EXPECT_FLOAT_EQ(no_warmup.at(2), 0.5f);

  LrSchedule bad{1.0f, 0.0f, 5, 5};
  EXPECT_THROW(bad.validate(), Error);
}

}  // namespace
}  // namespace dojo::model
