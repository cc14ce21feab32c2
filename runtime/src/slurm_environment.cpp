// Slurm environment discovery and host-list expansion.
#include "dojo/runtime/slurm_environment.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>

#include "dojo/common/error.hpp"

namespace dojo::runtime {
namespace {

std::optional<int> env_int(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  std::string_view text(value);
  // SLURM_CPUS_PER_TASK is a plain integer; take the leading number of forms like "4(x2)".
  int parsed = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  return parsed;
}

std::string env_string(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

// Splits on commas that are not inside brackets.
std::vector<std::string_view> split_top_level(std::string_view list) {
  std::vector<std::string_view> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i] == '[') ++depth;
    if (list[i] == ']') --depth;
    if (depth < 0) user_error(str("malformed Slurm host list '", list, "': unbalanced ']'"));
    if (list[i] == ',' && depth == 0) {
      parts.push_back(list.substr(start, i - start));
      start = i + 1;
    }
  }
  if (depth != 0) user_error(str("malformed Slurm host list '", list, "': unbalanced '['"));
  parts.push_back(list.substr(start));
  return parts;
}

long parse_number(std::string_view text, std::string_view whole) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    user_error(str("malformed Slurm host list '", whole, "': '", text, "' is not a number"));
  return value;
}

// Values of one bracket expression "01-04,7" with zero padding kept.
std::vector<std::string> expand_range(std::string_view ranges, std::string_view whole) {
  std::vector<std::string> values;
  std::size_t start = 0;
  while (start <= ranges.size()) {
    std::size_t comma = ranges.find(',', start);
    std::string_view item = ranges.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    std::size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      parse_number(item, whole);
      values.emplace_back(item);
    } else {
      std::string_view lo_text = item.substr(0, dash), hi_text = item.substr(dash + 1);
      long lo = parse_number(lo_text, whole), hi = parse_number(hi_text, whole);
      if (hi < lo)
        user_error(str("malformed Slurm host list '", whole, "': range ", item, " runs backwards"));
      if (hi - lo > 1'000'000)
        user_error(str("Slurm host list '", whole, "' range ", item, " is too large"));
      for (long v = lo; v <= hi; ++v) {
        std::string digits = std::to_string(v);
        if (digits.size() < lo_text.size()) digits.insert(0, lo_text.size() - digits.size(), '0');
        values.push_back(std::move(digits));
      }
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return values;
}

// Expands one host expression without top-level commas: "a[1-2]b[3-4]".
void expand_one(std::string_view expr, std::string prefix, std::vector<std::string>& out,
                std::string_view whole) {
  std::size_t open = expr.find('[');
  if (open == std::string_view::npos) {
    out.push_back(prefix + std::string(expr));
    return;
  }
  std::size_t close = expr.find(']', open);
  if (close == std::string_view::npos) user_error(str("malformed Slurm host list '", whole, "'"));
  std::string head = prefix + std::string(expr.substr(0, open));
  for (const auto& value : expand_range(expr.substr(open + 1, close - open - 1), whole))
    expand_one(expr.substr(close + 1), head + value, out, whole);
}

}  // namespace

std::vector<std::string> expand_hostlist(std::string_view list) {
  std::vector<std::string> hosts;
  if (list.empty()) return hosts;
  for (auto part : split_top_level(list)) {
    if (part.empty()) user_error(str("malformed Slurm host list '", list, "': empty host name"));
    expand_one(part, "", hosts, list);
  }
  return hosts;
}

SlurmEnvironment read_slurm_environment() {
  SlurmEnvironment env;
  env.job_id = env_string("SLURM_JOB_ID");
  env.proc_id = env_int("SLURM_PROCID");
  env.local_id = env_int("SLURM_LOCALID");
  env.node_id = env_int("SLURM_NODEID");
  env.ntasks = env_int("SLURM_NTASKS");
  env.cpus_per_task = env_int("SLURM_CPUS_PER_TASK");
  std::string nodelist = env_string("SLURM_JOB_NODELIST");
  if (nodelist.empty()) nodelist = env_string("SLURM_NODELIST");
  env.nodes = expand_hostlist(nodelist);
  return env;
}

std::vector<int> expand_tasks_per_node(std::string_view list) {
  std::vector<int> out;
  auto bad = [&] {
    user_error(str("malformed Slurm tasks-per-node list '", list, "' (expected e.g. 2(x3),1)"));
  };
  std::size_t i = 0;
  while (i < list.size()) {
    int tasks = 0, repeat = 1;
    auto [p, ec] = std::from_chars(list.data() + i, list.data() + list.size(), tasks);
    if (ec != std::errc() || tasks < 0) bad();
    i = static_cast<std::size_t>(p - list.data());
    if (i < list.size() && list[i] == '(') {
      if (list.substr(i, 2) != "(x") bad();
      auto [q, ec2] = std::from_chars(list.data() + i + 2, list.data() + list.size(), repeat);
      i = static_cast<std::size_t>(q - list.data());
      if (ec2 != std::errc() || repeat < 1 || i >= list.size() || list[i] != ')') bad();
      ++i;
    }
    out.insert(out.end(), static_cast<std::size_t>(repeat), tasks);
    if (i < list.size()) {
      if (list[i] != ',' || i + 1 == list.size()) bad();
      ++i;
    }
  }
  if (out.empty()) bad();
  return out;
}

bool slurm_node_oversubscribed(int cores_online) {
  const char* tasks = std::getenv("SLURM_STEP_TASKS_PER_NODE");
  const char* node = std::getenv("SLURM_NODEID");
  if (tasks == nullptr || node == nullptr) return false;
  const std::vector<int> per_node = expand_tasks_per_node(tasks);
  const int index = std::atoi(node);
  if (index < 0 || index >= static_cast<int>(per_node.size())) return false;
  return per_node[static_cast<std::size_t>(index)] > cores_online;
}

}  // namespace dojo::runtime
