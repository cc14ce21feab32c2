// Files dojo ships beside its programs (the scripts a benchmark runs), found at run time from the
// running program's own location rather than from a path compiled in: <prefix>/share/dojo/<name>
// for an installed program (<prefix>/bin/dojo), <build>/share/dojo/<name> for any program of a
// build tree (CMake copies the files there).
#pragma once

#include <filesystem>
#include <string_view>

namespace dojo {

// The directory of the running program (from /proc/self/exe); empty when it cannot be read.
std::filesystem::path program_directory();

// The first share/dojo/<name> found in the program's directory or one of its ancestors, nearest
// first; empty when there is none.
std::filesystem::path find_data_file(std::string_view name);

}  // namespace dojo
