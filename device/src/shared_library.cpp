// The dlopen handle behind every device plugin.
#include <dlfcn.h>

#include <system_error>
#include <utility>

#include "dojo/common/error.hpp"
#include "dojo/device/plugin_device.hpp"

namespace dojo::device {

SharedLibrary::SharedLibrary(const std::filesystem::path& file) : file_(file) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    user_error(str("device plugin '", file.string(), "' does not exist or is not a file; check ",
                   "the path given to plugin: or the directories in DOJO_DEVICE_PATH"));
  }
  // RTLD_NOW: a plugin with unresolved symbols fails here, with the symbol named, not mid-step.
  // RTLD_LOCAL: two plugins may define the same helper names.
  handle_ = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    const char* reason = dlerror();
    user_error(str("cannot load device plugin '", file.string(),
                   "': ", reason != nullptr ? reason : "unknown dlopen error"));
  }
}

SharedLibrary::~SharedLibrary() {
  if (handle_ != nullptr) dlclose(handle_);
}

SharedLibrary::SharedLibrary(SharedLibrary&& other) noexcept
    : file_(std::move(other.file_)), handle_(std::exchange(other.handle_, nullptr)) {}

SharedLibrary& SharedLibrary::operator=(SharedLibrary&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) dlclose(handle_);
    file_ = std::move(other.file_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

void* SharedLibrary::symbol(const char* name) const {
  if (handle_ == nullptr) return nullptr;
  dlerror();  // clear a stale error so a null result is not misread
  return dlsym(handle_, name);
}

}  // namespace dojo::device
