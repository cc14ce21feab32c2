// Writing a file atomically: write to a temporary name in the same directory, then rename over
// the final name, so a reader never sees a half-written data set and a failed run leaves none.
#pragma once

#include <string>

namespace dojo::io::detail {

class AtomicFile {
 public:
  // Checks that the directory of `path` exists (a user error otherwise).
  explicit AtomicFile(std::string path);
  // Removes the temporary file unless commit() succeeded.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::string& temporary_path() const { return temporary_; }
  const std::string& final_path() const { return final_; }
  // Renames the temporary file to the final name.
  void commit();

 private:
  std::string final_;
  std::string temporary_;
  bool committed_ = false;
};

}  // namespace dojo::io::detail
