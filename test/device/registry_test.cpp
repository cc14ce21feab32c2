// The device registry: "host" with a thread count, unknown names, in-process registration, plugins
// found by name in a search path (a directory argument or DOJO_DEVICE_PATH), and the device list
// `dojo info` prints, broken plugins included.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "counting_device.hpp"
#include "dojo/common/environment.hpp"
#include "dojo/common/error.hpp"
#include "dojo/device/registry.hpp"

namespace dojo::device::test {
namespace {

namespace fs = std::filesystem;

// A fresh directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("dojo_device_" + std::string(test->name()) + "_" + std::to_string(getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const DeviceEntry* find(const std::vector<DeviceEntry>& devices, const std::string& name) {
  for (const auto& d : devices) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

TEST(DeviceRegistry, OpensHostWithThreads) {
  auto device = open("host", {.threads = 2});
  EXPECT_EQ(device->info().name, "host");
  EXPECT_EQ(device->info().threads, 2);
}

TEST(DeviceRegistry, UnknownNameIsAUserErrorListingDevices) {
  try {
    open("tpu9000", {.threads = 1, .plugin_path = std::vector<fs::path>{}});
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::user);
    EXPECT_NE(error.message().find("unknown device 'tpu9000'; available: host"), std::string::npos)
        << error.message();
    EXPECT_NE(error.message().find("libdojo_device_tpu9000.so"), std::string::npos);
  }
}

TEST(DeviceRegistry, RegisteredDeviceOpensByName) {
  register_device("counting_for_registry_test",
                  [](const DeviceOptions&) { return std::make_unique<CountingDevice>(); });
  auto device = open("counting_for_registry_test");
  EXPECT_EQ(device->info().name, "counting");
  const auto devices = list_devices(std::vector<fs::path>{});
  ASSERT_NE(find(devices, "counting_for_registry_test"), nullptr);
  EXPECT_EQ(find(devices, "counting_for_registry_test")->location, "registered");
  EXPECT_THROW(register_device("host", [](const DeviceOptions&) { return nullptr; }), Error);
  EXPECT_THROW(
      register_device("counting_for_registry_test", [](const DeviceOptions&) { return nullptr; }),
      Error);
}

TEST(DeviceRegistry, SearchPathComesFromDojoDevicePath) {
  ASSERT_EQ(setenv("DOJO_DEVICE_PATH", "/opt/a::/opt/b:", 1), 0);
  dojo::env::reread();  // the environment is parsed once; the test changed it
  const auto dirs = plugin_search_path();
  unsetenv("DOJO_DEVICE_PATH");
  dojo::env::reread();
  ASSERT_EQ(dirs.size(), 2u);
  EXPECT_EQ(dirs[0], fs::path("/opt/a"));
  EXPECT_EQ(dirs[1], fs::path("/opt/b"));
  EXPECT_TRUE(plugin_search_path().empty());
}

TEST(DeviceRegistry, ListsBrokenPluginsWithTheirProblem) {
  TempDir dir;
  fs::copy_file(DOJO_TEST_WRONG_VERSION_PLUGIN, dir.path() / "libdojo_device_old.so");
  fs::copy_file(DOJO_TEST_NO_ENTRY_PLUGIN, dir.path() / "not_a_plugin_name.so");  // ignored
  const auto devices = list_devices(std::vector<fs::path>{dir.path()});
  EXPECT_EQ(devices.front().name, "host");
  EXPECT_EQ(find(devices, "not_a_plugin_name"), nullptr);
  const DeviceEntry* old = find(devices, "old");
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->kind, DeviceKind::plugin);
  EXPECT_NE(old->problem.find("ABI version 999"), std::string::npos) << old->problem;
  EXPECT_NE(describe_devices(devices).find("old (unusable: "), std::string::npos);
}

#ifdef DOJO_TEST_REFERENCE_PLUGIN

TEST(DeviceRegistry, FindsPluginByNameInSearchPath) {
  TempDir empty;
  const fs::path plugin_dir = fs::path(DOJO_TEST_REFERENCE_PLUGIN).parent_path();
  auto device = open(
      "reference", {.threads = 1, .plugin_path = std::vector<fs::path>{empty.path(), plugin_dir}});
  EXPECT_EQ(device->info().name, "reference");
  EXPECT_EQ(device->info().kind, DeviceKind::plugin);

  const auto devices = list_devices(std::vector<fs::path>{plugin_dir});
  const DeviceEntry* reference = find(devices, "reference");
  ASSERT_NE(reference, nullptr);
  EXPECT_TRUE(reference->problem.empty()) << reference->problem;
  EXPECT_EQ(reference->location, DOJO_TEST_REFERENCE_PLUGIN);
  EXPECT_NE(describe_devices(devices).find("host, "), std::string::npos);
  EXPECT_NE(describe_devices(devices).find("reference (plugin)"), std::string::npos);
}

TEST(DeviceRegistry, FindsPluginThroughTheEnvironment) {
  const std::string dir = fs::path(DOJO_TEST_REFERENCE_PLUGIN).parent_path().string();
  ASSERT_EQ(setenv("DOJO_DEVICE_PATH", dir.c_str(), 1), 0);
  dojo::env::reread();  // the environment is parsed once; the test changed it
  auto device = open("reference");
  unsetenv("DOJO_DEVICE_PATH");
  dojo::env::reread();
  EXPECT_EQ(device->info().name, "reference");
}

#endif

}  // namespace
}  // namespace dojo::device::test
