#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "dojo/service/progress.hpp"

namespace dojo::service {
namespace {

namespace fs = std::filesystem;

TEST(ServiceProgress, LastStepLossThroughputAndTimeLeft) {
  fs::path file = fs::temp_directory_path() / ("dojo-progress-" + std::to_string(getpid()));
  {
    std::ofstream out(file);
    out << R"({"step": 10, "loss": 2.0, "samples_per_s": 640.0})"
        << "\n"
        << R"({"step": 20, "loss": 1.5, "samples_per_s": 320.0})"
        << "\n"
        << R"({"step": 20, "eval_split": "test", "eval_loss": 1.6, "eval_accuracy": 0.5})"
        << "\n"
        << R"({"step": 30, "loss": 1.0, "samp)";  // a line being written
  }
  auto p = read_progress(file, 100, 32, 0);
  EXPECT_EQ(p["step"], 20);
  EXPECT_DOUBLE_EQ(p["loss"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(p["eval_loss"].get<double>(), 1.6);
  // 80 steps of 32 samples at 320 samples/s.
  EXPECT_DOUBLE_EQ(p["seconds_left"].get<double>(), 8.0);
  EXPECT_TRUE(p["tokens_per_s"].is_null());
  auto gpt = read_progress(file, 0, 32, 128);
  EXPECT_DOUBLE_EQ(gpt["tokens_per_s"].get<double>(), 320.0 * 128);
  EXPECT_TRUE(gpt["seconds_left"].is_null()) << "unknown without a step count";

  auto first = read_metrics(file, 0, 2);
  ASSERT_EQ(first["records"].size(), 2u);
  auto rest = read_metrics(file, first["next_offset"].get<std::uint64_t>(), 100);
  ASSERT_EQ(rest["records"].size(), 1u) << "the partial last line waits";
  EXPECT_EQ(rest["records"][0]["eval_loss"], 1.6);
  fs::remove(file);
  auto none = read_progress(file, 10, 32, 0);
  EXPECT_TRUE(none["step"].is_null());
}

}  // namespace
}  // namespace dojo::service
