// Loading device plugins: the reference plugin loads and names itself; a missing file, a file
// that is not a library, a library without the entry point, a wrong ABI version and a table with
// null functions each give a user error that names the file and the problem.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

#include "dojo/common/error.hpp"
#include "dojo/device/buffer.hpp"
#include "dojo/device/plugin_device.hpp"
#include "dojo/device/registry.hpp"

namespace dojo::device::test {
namespace {

namespace fs = std::filesystem;

// The user error `open(spec)` raises; fails the test when it opens instead.
Error open_error(const std::string& spec) {
  try {
    open(spec);
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::user) << error.message();
    return error;
  }
  ADD_FAILURE() << "open(\"" << spec << "\") succeeded";
  return Error(ErrorKind::internal, "", std::source_location::current(), -1, "");
}

void expect_contains(const std::string& text, const std::string& fragment) {
  EXPECT_NE(text.find(fragment), std::string::npos) << "'" << fragment << "' not in: " << text;
}

TEST(DevicePluginLoader, MissingFileNamesThePath) {
  const std::string path = "/nonexistent/dir/libdojo_device_nothing.so";
  const Error error = open_error("plugin:" + path);
  expect_contains(error.message(), path);
  expect_contains(error.message(), "does not exist");
}

TEST(DevicePluginLoader, FileThatIsNotALibrary) {
  const fs::path path =
      fs::temp_directory_path() / ("dojo_not_a_library_" + std::to_string(getpid()) + ".so");
  std::ofstream(path) << "this is text, not ELF\n";
  const Error error = open_error("plugin:" + path.string());
  fs::remove(path);
  expect_contains(error.message(), "cannot load device plugin '" + path.string() + "'");
}

TEST(DevicePluginLoader, LibraryWithoutEntryPoint) {
  const Error error = open_error(std::string("plugin:") + DOJO_TEST_NO_ENTRY_PLUGIN);
  expect_contains(error.message(), DOJO_TEST_NO_ENTRY_PLUGIN);
  expect_contains(error.message(), "exports no dojo_device_plugin_v1_get()");
}

TEST(DevicePluginLoader, WrongAbiVersion) {
  const Error error = open_error(std::string("plugin:") + DOJO_TEST_WRONG_VERSION_PLUGIN);
  expect_contains(error.message(), DOJO_TEST_WRONG_VERSION_PLUGIN);
  expect_contains(error.message(), "ABI version 999");
  expect_contains(error.message(), "needs 1");
}

TEST(DevicePluginLoader, NullRequiredFunctionsAreListed) {
  const Error error = open_error(std::string("plugin:") + DOJO_TEST_MISSING_FUNCTIONS_PLUGIN);
  expect_contains(error.message(), DOJO_TEST_MISSING_FUNCTIONS_PLUGIN);
  expect_contains(error.message(), "leaves required functions null: create, destroy,");
  expect_contains(error.message(), "sgemm, dgemm, fill");
  expect_contains(error.message(), "sgd_momentum_update");
  EXPECT_EQ(error.message().find("sgemm_batched"), std::string::npos) << "optional, not required";
}

TEST(DevicePluginLoader, SharedLibraryHandleMovesOnce) {
  SharedLibrary first(DOJO_TEST_NO_ENTRY_PLUGIN);
  EXPECT_NE(first.symbol("dojo_not_a_device_plugin"), nullptr);
  SharedLibrary second(std::move(first));
  EXPECT_EQ(first.symbol("dojo_not_a_device_plugin"), nullptr);  // NOLINT(bugprone-use-after-move)
  EXPECT_NE(second.symbol("dojo_not_a_device_plugin"), nullptr);
}

#ifdef DOJO_TEST_REFERENCE_PLUGIN

TEST(DevicePluginLoader, ReferencePluginLoadsAndNamesItself) {
  auto device = open(std::string("plugin:") + DOJO_TEST_REFERENCE_PLUGIN, {.threads = 3});
  const DeviceInfo info = device->info();
  EXPECT_EQ(info.name, "reference");
  EXPECT_EQ(info.kind, DeviceKind::plugin);
  EXPECT_EQ(info.threads, 1);  // the reference runs on one thread whatever it is offered
  expect_contains(info.description, DOJO_TEST_REFERENCE_PLUGIN);
  EXPECT_EQ(PluginLibrary::load(DOJO_TEST_REFERENCE_PLUGIN)->name(), "reference");
}

TEST(DevicePluginLoader, PluginErrorStatusBecomesAUserErrorWithItsMessage) {
  auto device = open(std::string("plugin:") + DOJO_TEST_REFERENCE_PLUGIN);
  DeviceBuffer<float> logits(*device, 2 * 5), probs(*device, 2 * 5), losses(*device, 2);
  auto targets = make_buffer(*device, std::vector<std::int32_t>{4, 5});
  try {
    device->cross_entropy_forward(logits.data(), targets.data(), probs.data(), losses.data(), 2, 5);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::user);
    expect_contains(error.message(), "device 'reference' cross_entropy_forward failed");
    expect_contains(error.message(), "targets[1] = 5 is outside [0, 5)");
  }
}

#endif

}  // namespace
}  // namespace dojo::device::test
