#include "dojo/service/names.hpp"

namespace dojo::service {

namespace {
bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}
}  // namespace

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || !alnum(name.front())) return false;
  for (char c : name)
    if (!alnum(c) && c != '_' && c != '-') return false;
  return true;
}

bool valid_checkpoint_file(std::string_view name) {
  constexpr std::string_view prefix = "step-", suffix = ".h5";
  if (name.size() <= prefix.size() + suffix.size() || name.size() > 32) return false;
  if (!name.starts_with(prefix) || !name.ends_with(suffix)) return false;
  for (char c : name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()))
    if (!digit(c)) return false;
  return true;
}

}  // namespace dojo::service
