// `dojo train --config FILE` (cli/config_file.hpp, apply_config_file, on the train command's
// options): every file is applied or refused with a user error. To retarget after the move to
// toml++, change only read_config below.
#include <CLI/CLI.hpp>

#include "config_file.hpp"
#include "dojo/jobs/train_config.hpp"
#include "fuzz_support.hpp"

namespace {

void read_config(const std::string& path) {
  CLI::App app("fuzz", "dojo");
  CLI::App* train = app.add_subcommand("train");
  std::string config_path;
  dojo::cli::add_config_option(*train, config_path);
  dojo::jobs::TrainConfig config;
  dojo::jobs::add_train_options(*train, config);
  const char* argv[] = {"dojo", "train"};
  app.parse(2, argv);
  dojo::cli::apply_config_file(*train, path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = dojo::fuzz::write_scratch(data, size, ".toml");
  dojo::fuzz::expect_only_user_errors([&] { read_config(path); });
  return 0;
}
