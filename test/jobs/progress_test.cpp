// metrics.jsonl as rank 0 writes it: every line parses as JSON (nlohmann::json reads it back), a
// split name that needs escaping comes back intact, and a non-finite loss is null, not "nan".
#include "dojo/jobs/progress.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace dojo::jobs {
namespace {

std::vector<nlohmann::json> read_records(const std::filesystem::path& path) {
  std::vector<nlohmann::json> records;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) records.push_back(nlohmann::json::parse(line));
  return records;
}

TEST(ProgressMetrics, EscapedSplitNamesAndNonFiniteLossesParseBack) {
  const auto dir = std::filesystem::temp_directory_path() / "dojo_progress_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "metrics.jsonl";
  const std::string split = "held \"out\"\\set\n2";
  {
    Progress progress(true, path.string(), 3, 64, "samples", 1e9);
    StepTimes times{0.001, 0.002, 0.0005};
    progress.step(1, 2.5, 1e-3, times, 10);
    progress.step(2, std::numeric_limits<double>::quiet_NaN(), 1e-3, times, 10);
    progress.evaluation(2, split, std::numeric_limits<double>::infinity(), 0.25);
    progress.step(3, 0.125, 5e-4, times, 10);
  }
  const auto records = read_records(path);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].at("step"), 1);
  EXPECT_EQ(records[0].at("loss").get<double>(), 2.5);
  EXPECT_EQ(records[0].at("samples_per_s").get<double>(), 64 / 0.0035);
  EXPECT_TRUE(records[1].at("loss").is_null());
  EXPECT_EQ(records[2].at("eval_split"), split);
  EXPECT_TRUE(records[2].at("eval_loss").is_null());
  EXPECT_EQ(records[2].at("eval_accuracy").get<double>(), 0.25);
  EXPECT_EQ(records[3].at("lr").get<double>(), 5e-4);

  // A resumed run that fails before its first record leaves the earlier records as they were.
  { Progress failed(true, path.string(), 3, 64, "samples", 1e9, 2); }
  ASSERT_EQ(read_records(path).size(), 4u);
  // A run resumed from the checkpoint of step 2 keeps the records up to step 2 (the evaluation
  // included) and replaces the later ones with its own.
  {
    Progress resumed(true, path.string(), 3, 64, "samples", 1e9, 2);
    resumed.step(3, 0.5, 5e-4, StepTimes{0.001, 0.002, 0.0005}, 10);
  }
  const auto kept = read_records(path);
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_EQ(kept[2].at("eval_split"), split);
  EXPECT_EQ(kept[3].at("step"), 3);
  EXPECT_EQ(kept[3].at("loss").get<double>(), 0.5);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dojo::jobs
