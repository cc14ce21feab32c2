#include <gtest/gtest.h>

#include "dojo/service/config_check.hpp"

namespace dojo::service {
namespace {

TEST(ServiceConfig, AcceptsTrainingHyperparameters) {
  auto c = check_config(
      "model = \"mlp\"\nhidden = [64, 32]\nlr = 0.002\nsteps = 40\nglobal-batch = 32\n"
      "layout = \"2,1,1\"\ntied-embedding = true\n");
  ASSERT_TRUE(c.ok) << c.error;
  EXPECT_EQ(c.steps, 40);
  EXPECT_EQ(c.global_batch, 32);
  EXPECT_EQ(c.context, 0);
  EXPECT_EQ(c.ranks_needed, 2);
  EXPECT_FALSE(c.checkpointing);
  EXPECT_TRUE(check_config("checkpoint-every = 10").checkpointing);
  EXPECT_NE(c.toml.find("hidden"), std::string::npos);
  auto gpt = check_config("model = \"gpt\"\ncontext = 64\n");
  ASSERT_TRUE(gpt.ok) << gpt.error;
  EXPECT_EQ(gpt.context, 64);
}

TEST(ServiceConfig, RefusesPathsCommandsAndUnknownKeys) {
  for (const char* text :
       {"out = \"/etc\"", "data = \"../../bob/datasets/x.h5\"", "trace = \"/tmp/x.json\"",
        "resume = \"/home/bob/runs/x/checkpoints/step-1.h5\"", "device = \"/tmp/evil.so\"",
        "config = \"other.toml\"", "command = \"rm -rf /\"", "exec = \"sh\""}) {
    auto c = check_config(text);
    EXPECT_FALSE(c.ok) << text;
    EXPECT_EQ(c.error.find('\n'), std::string::npos) << "one line: " << c.error;
  }
}

TEST(ServiceConfig, RefusesTablesStringsWithShellCharactersAndBadTypes) {
  for (const char* text :
       {"[train]\nlr = 0.1", "model = \"mlp; rm -rf /\"", "schedule = \"$(reboot)\"",
        "eval-split = \"../x\"", "hidden = [\"a\", \"b\"]", "lr = { a = 1 }", "global-batch = 0"})
    EXPECT_FALSE(check_config(text).ok) << text;
}

TEST(ServiceConfig, MalformedTomlIsOneLine) {
  auto c = check_config("lr = = 3\n[");
  EXPECT_FALSE(c.ok);
  EXPECT_NE(c.error.find("not valid TOML"), std::string::npos) << c.error;
  EXPECT_EQ(c.error.find('\n'), std::string::npos) << c.error;
}

}  // namespace
}  // namespace dojo::service
