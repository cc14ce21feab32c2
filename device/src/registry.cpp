// The device registry: "host", names registered in-process, and plugin files found by name in the
// search path. DOJO_DEVICE_PATH is read here and nowhere else.
#include "dojo/device/registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <system_error>

#include "dojo/common/environment.hpp"
#include "dojo/common/error.hpp"
#include "dojo/device/host_device.hpp"
#include "dojo/device/plugin_device.hpp"

namespace dojo::device {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPluginPrefix = "libdojo_device_";
constexpr std::string_view kPluginSuffix = ".so";
constexpr std::string_view kPluginScheme = "plugin:";

struct Registered {
  std::mutex mutex;
  std::map<std::string, DeviceFactory, std::less<>> factories;
};

Registered& registered() {
  static Registered instance;
  return instance;
}

std::vector<fs::path> resolve_path(const std::optional<std::vector<fs::path>>& path) {
  return path ? *path : plugin_search_path();
}

// The plugin name in a file name "libdojo_device_<name>.so", or "" when it is not one.
std::string plugin_name_of(const fs::path& file) {
  const std::string base = file.filename().string();
  if (base.size() <= kPluginPrefix.size() + kPluginSuffix.size()) return {};
  if (!base.starts_with(kPluginPrefix) || !base.ends_with(kPluginSuffix)) return {};
  return base.substr(kPluginPrefix.size(),
                     base.size() - kPluginPrefix.size() - kPluginSuffix.size());
}

// Plugin files in one directory, sorted so listings and lookups are deterministic.
std::vector<fs::path> plugin_files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    if (!plugin_name_of(it->path()).empty()) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::unique_ptr<Device> open_plugin_file(const fs::path& file, const DeviceOptions& options) {
  return std::make_unique<PluginDevice>(PluginLibrary::load(file), options.threads);
}

std::string available_names(const std::optional<std::vector<fs::path>>& path) {
  std::string names;
  for (const auto& entry : list_devices(path)) {
    if (entry.problem.empty()) names += (names.empty() ? "" : ", ") + entry.name;
  }
  return names;
}

}  // namespace

std::vector<fs::path> plugin_search_path() {
  const auto& dirs = env::settings().device_path;
  return std::vector<fs::path>(dirs.begin(), dirs.end());
}

std::unique_ptr<Device> open(std::string_view spec, const DeviceOptions& options) {
  if (spec == "host") return std::make_unique<HostDevice>(options.threads);
  if (spec.starts_with(kPluginScheme)) {
    const fs::path file(spec.substr(kPluginScheme.size()));
    if (file.empty())
      user_error("device 'plugin:' needs a file: plugin:/path/to/libdojo_device_x.so");
    return open_plugin_file(fs::absolute(file), options);
  }
  {
    Registered& reg = registered();
    std::unique_lock lock(reg.mutex);
    if (auto it = reg.factories.find(spec); it != reg.factories.end()) {
      DeviceFactory factory = it->second;
      lock.unlock();  // a factory may itself call open()
      return factory(options);
    }
  }
  const std::string file_name = str(kPluginPrefix, spec, kPluginSuffix);
  for (const fs::path& dir : resolve_path(options.plugin_path)) {
    std::error_code error;
    if (fs::is_regular_file(dir / file_name, error))
      return open_plugin_file(dir / file_name, options);
  }
  user_error(str("unknown device '", spec, "'; available: ", available_names(options.plugin_path),
                 ". A plugin is opened as plugin:/path/to/", file_name, " or found as ", file_name,
                 " in a directory listed in DOJO_DEVICE_PATH"));
}

std::vector<DeviceEntry> list_devices(const std::optional<std::vector<fs::path>>& plugin_path) {
  std::vector<DeviceEntry> devices;
  std::set<std::string, std::less<>> seen{"host"};
  devices.push_back({.name = "host", .kind = DeviceKind::host, .location = "built-in"});
  {
    Registered& reg = registered();
    std::lock_guard lock(reg.mutex);
    for (const auto& [name, factory] : reg.factories) {
      seen.insert(name);
      devices.push_back({.name = name, .kind = DeviceKind::host, .location = "registered"});
    }
  }
  for (const fs::path& dir : resolve_path(plugin_path)) {
    for (const fs::path& file : plugin_files_in(dir)) {
      std::string name = plugin_name_of(file);
      if (!seen.insert(name).second) continue;  // shadowed by an earlier directory
      DeviceEntry entry{.name = name, .kind = DeviceKind::plugin, .location = file.string()};
      try {
        PluginLibrary::load(file);
      } catch (const Error& error) {
        entry.problem = error.message();
      }
      devices.push_back(std::move(entry));
    }
  }
  return devices;
}

std::string describe_devices(const std::vector<DeviceEntry>& devices) {
  std::string line;
  for (const DeviceEntry& d : devices) {
    if (!line.empty()) line += ", ";
    line += d.name;
    if (d.kind == DeviceKind::plugin)
      line += d.problem.empty() ? " (plugin)" : " (unusable: " + d.problem + ")";
  }
  return line;
}

void register_device(std::string name, DeviceFactory factory) {
  if (name.empty() || name == "host" || std::string_view(name).starts_with(kPluginScheme)) {
    internal_error(str("register_device: '", name, "' cannot be registered"));
  }
  if (!factory) internal_error(str("register_device: '", name, "' has no factory"));
  Registered& reg = registered();
  std::lock_guard lock(reg.mutex);
  if (!reg.factories.emplace(std::move(name), std::move(factory)).second) {
    internal_error("register_device: a device of that name is already registered");
  }
}

}  // namespace dojo::device
