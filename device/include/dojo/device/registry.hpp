// Finding devices by name: the built-in "host", devices registered in this process, and plugins
// (libdojo_device_<name>.so) in a search path. `dojo info` lists them; the runtime opens one.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dojo/device/device.hpp"

namespace dojo::device {

struct DeviceOptions {
  // CPU threads the device may use; 0 = every CPU this process may run on. The runtime passes
  // the cores it gives each rank.
  int threads = 0;
  // Directories searched for libdojo_device_<name>.so; nullopt = plugin_search_path().
  std::optional<std::vector<std::filesystem::path>> plugin_path = std::nullopt;
};

// Opens a device. spec is one of
//   "host"                      the CPU device (BLIS), options.threads threads
//   "plugin:/path/libfoo.so"    a plugin library by file
//   "<name>"                    a device registered with register_device(), else the plugin
//                               libdojo_device_<name>.so from the first directory that has it
// An unknown name or a broken plugin is a user error that lists what is available.
std::unique_ptr<Device> open(std::string_view spec, const DeviceOptions& options = {});

// The plugin search path: the ':'-separated directories of the environment variable
// DOJO_DEVICE_PATH (the one place dojo reads it), empty entries skipped. Empty when unset.
std::vector<std::filesystem::path> plugin_search_path();

struct DeviceEntry {
  std::string name = {};  // what open() accepts: "host", a registered name, a plugin's <name>
  DeviceKind kind = DeviceKind::host;
  std::string location = {};  // "built-in", "registered" or the plugin's file
  std::string problem = {};   // empty when usable; else why the plugin cannot be loaded
};

// Every device open() could find, host first; plugins are loaded (not started) to check them.
// A name found twice is listed once: the one open() would pick.
std::vector<DeviceEntry> list_devices(
    const std::optional<std::vector<std::filesystem::path>>& plugin_path = std::nullopt);

// One line for `dojo info`'s "devices found" row: "host, reference (plugin), bad (unusable: ...)".
std::string describe_devices(const std::vector<DeviceEntry>& devices);

// Makes `name` open through `factory` in this process (a simulator, a test double). Registering
// "host" or a name twice is an internal error.
using DeviceFactory = std::function<std::unique_ptr<Device>(const DeviceOptions&)>;
void register_device(std::string name, DeviceFactory factory);

}  // namespace dojo::device
