// The configuration sources on a small CLI11 app shaped like dojo's: precedence (command line,
// then the command's --config, then the global --config), sections, unknown keys, kinds, domains,
// repeats, and the resolved TOML read back to the same values.
#include "config_file.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "dojo/config/cli.hpp"
#include "resolved_config.hpp"
#include "topology_test_support.hpp"

namespace dojo::cli {
namespace {

using topology::testing::user_error_message;

std::string write_file(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

// dojo-like: global --threads and --config, a `train` command with its own --config.
struct App {
  CLI::App app{"test"};
  std::string global_config, train_config;
  int threads = 0;
  double lr = 0.001;
  std::int64_t steps = 0;
  std::vector<std::int64_t> hidden = {256, 128};
  std::string model = "mlp";
  bool tied = true;
  CLI::App* train = nullptr;

  App() {
    app.add_option("--threads", threads)->check(config::whole<int>(0, 4096));
    add_global_config_option(app, global_config);
    train = app.add_subcommand("train");
    add_config_option(*train, train_config);
    auto* group = train->add_option_group("Model");
    group->add_option("--model", model)->capture_default_str();
    group->add_option("--hidden", hidden)->capture_default_str()->expected(0, -1);
    group->add_option("--tied-embedding", tied)->capture_default_str();
    train->add_option("--lr", lr)->capture_default_str()->check(config::real_above<double>(0, 100));
    train->add_option("--steps", steps)
        ->capture_default_str()
        ->check(config::whole<std::int64_t>(0, 1'000'000'000));
    app.fallthrough();
    last_value_wins(app);
  }

  void parse(std::vector<std::string> args) {
    std::vector<const char*> argv{"dojo"};
    for (const auto& a : args) argv.push_back(a.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
    refuse_repeated_lists(app, static_cast<int>(argv.size()), argv.data());
    apply_config_files(app, global_config);
  }
};

TEST(CliConfigFile, CommandLineThenOwnFileThenGlobalFile) {
  const std::string own =
      write_file("own.toml", "lr = 0.01\nsteps = 7\nhidden = [\n  64,\n  32,\n]\n");
  const std::string global =
      write_file("global.toml", "threads = 3\n[train]\nlr = 0.5\nsteps = 9\nmodel = \"gpt\"\n");
  App a;
  a.parse({"--config", global, "train", "--config", own, "--steps", "11"});
  EXPECT_EQ(a.threads, 3);       // global file, top level
  EXPECT_EQ(a.steps, 11);        // command line over both files
  EXPECT_DOUBLE_EQ(a.lr, 0.01);  // the command's own file over the global one
  EXPECT_EQ(a.model, "gpt");     // the global [train] section where nothing else sets it
  EXPECT_EQ(a.hidden, (std::vector<std::int64_t>{64, 32}));  // a multi-line array
}

TEST(CliConfigFile, LastValueWinsOnTheCommandLineButListsAreGivenOnce) {
  App a;
  a.parse({"train", "--steps", "5", "--steps", "6"});
  EXPECT_EQ(a.steps, 6);
  std::string message = user_error_message([] {
    App b;
    b.parse({"train", "--hidden", "3", "--hidden", "4"});
  });
  EXPECT_NE(message.find("--hidden is given 2 times on the command line"), std::string::npos)
      << message;
}

TEST(CliConfigFile, BadFilesNameFileLineAndColumn) {
  auto error = [](const std::string& name, const std::string& text, bool global = false) {
    const std::string path = write_file(name, text);
    return user_error_message([&] {
      App a;
      if (global)
        a.parse({"--config", path, "train"});
      else
        a.parse({"train", "--config", path});
    });
  };
  EXPECT_NE(error("u.toml", "lr = 0.1\nlearning_rate = 3\n")
                .find("u.toml:2:1: unknown option "
                      "'learning_rate' for 'dojo "
                      "train'"),
            std::string::npos);
  EXPECT_NE(error("s.toml", "[train]\nlr = 0.1\n").find("section [train] is not supported"),
            std::string::npos);
  EXPECT_NE(
      error("g.toml", "[frobnicate]\nx = 1\n", true)
          .find("g.toml:1:2: unknown section [frobnicate] for 'dojo': the sections are [train]"),
      std::string::npos);
  EXPECT_NE(
      error("gk.toml", "[train]\nlearning_rate = 1\n", true).find("gk.toml:2:1: unknown option"),
      std::string::npos)
      << "keys of a section are checked";
  EXPECT_NE(error("q.toml", "lr = \"0.1\"\n").find("q.toml:1:1: 'lr' takes a number, not a string"),
            std::string::npos);
  EXPECT_NE(error("l.toml", "lr = [1, 2]\n").find("'lr' takes one value, not a list"),
            std::string::npos);
  EXPECT_NE(error("f.toml", "steps = 2.5\n").find("'steps' takes a whole number"),
            std::string::npos);
  EXPECT_NE(error("n.toml", "lr = nan\n").find("n.toml:1:6: --lr: nan is not a finite number"),
            std::string::npos);
  EXPECT_NE(error("t.toml", "min_lr = 1\n").find("unknown option 'min_lr'"), std::string::npos);
  EXPECT_NE(error("d.toml", "tied-embedding = true\ntied_embedding = false\n")
                .find("d.toml:2:1: 'tied_embedding' sets --tied-embedding again (first as "
                      "'tied-embedding' at "),
            std::string::npos);
  EXPECT_NE(error("dup.toml", "lr = 0.1\nlr = 0.2\n").find("dup.toml:2:"), std::string::npos);
  EXPECT_NE(error("b.toml", "tied-embedding = 1\n").find("takes true or false"), std::string::npos);
}

TEST(CliConfigFile, ResolvedTomlReadsBackToTheSameValues) {
  App a;
  a.parse({"train", "--lr", "2.5e-4", "--hidden", "7", "9", "--model", "m\"l\\p",
           "--tied-embedding", "false"});
  const std::string toml = resolved_toml(*a.train, [](std::string_view) { return true; });
  EXPECT_NE(toml.find("hidden = [7, 9]\n"), std::string::npos) << toml;
  EXPECT_NE(toml.find("tied-embedding = false\n"), std::string::npos) << toml;
  EXPECT_NE(toml.find("lr = 0.00025\n"), std::string::npos) << toml;
  EXPECT_EQ(toml.find("config"), std::string::npos) << toml;
  App b;
  b.parse({"train", "--config", write_file("resolved.toml", toml)});
  EXPECT_DOUBLE_EQ(b.lr, a.lr);
  EXPECT_EQ(b.hidden, a.hidden);
  EXPECT_EQ(b.model, a.model);
  EXPECT_EQ(b.tied, a.tied);
  EXPECT_EQ(b.steps, a.steps);
  EXPECT_EQ(resolved_toml(*b.train, [](std::string_view) { return true; }), toml);
  // The filter leaves out what does not apply.
  const std::string without = resolved_toml(
      *a.train, [](std::string_view name) { return name != "hidden" && name != "tied-embedding"; });
  EXPECT_EQ(without.find("hidden"), std::string::npos) << without;
  EXPECT_EQ(without.find("tied"), std::string::npos) << without;
}

}  // namespace
}  // namespace dojo::cli
