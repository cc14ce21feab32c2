#include "dojo/common/data_files.hpp"

#include <system_error>

namespace dojo {

std::filesystem::path program_directory() {
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : exe.parent_path();
}

std::filesystem::path find_data_file(std::string_view name) {
  std::filesystem::path dir = program_directory();
  while (!dir.empty()) {
    const std::filesystem::path candidate = dir / "share" / "dojo" / name;
    std::error_code error;
    if (std::filesystem::is_regular_file(candidate, error)) return candidate;
    if (dir == dir.root_path()) break;
    dir = dir.parent_path();
  }
  return {};
}

}  // namespace dojo
