// Every environment variable dojo reads, parsed once with its type and domain.
#include "dojo/common/environment.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>

#include "dojo/common/error.hpp"
#include "dojo/common/slurm_lists.hpp"

namespace dojo::env {
namespace {

using Lookup = std::function<std::optional<std::string>(const char*)>;

class Parser {
 public:
  Parser(Lookup lookup, Settings& out) : lookup_(std::move(lookup)), out_(out) {}

  // The value, or nullopt when unset or empty (an empty variable means unset, as in Slurm).
  std::optional<std::string> text(const char* name) {
    auto value = lookup_(name);
    if (!value || value->empty()) return std::nullopt;
    return value;
  }

  template <typename Int>
  std::optional<Int> integer(const char* name, std::int64_t lo, std::int64_t hi) {
    auto value = text(name);
    if (!value) return std::nullopt;
    std::int64_t parsed = 0;
    auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), parsed);
    if (ec != std::errc() || end != value->data() + value->size() || parsed < lo || parsed > hi) {
      problem(name, *value, str("an integer in [", lo, ", ", hi, "]"));
      return std::nullopt;
    }
    return static_cast<Int>(parsed);
  }

  // A finite decimal number in [lo, hi] (lo itself excluded when `open_lo`).
  std::optional<double> number(const char* name, double lo, double hi, bool open_lo = false) {
    auto value = text(name);
    if (!value) return std::nullopt;
    double parsed = 0;
    auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), parsed);
    if (ec != std::errc() || end != value->data() + value->size() || !std::isfinite(parsed) ||
        parsed < lo || (open_lo && parsed == lo) || parsed > hi) {
      problem(name, *value,
              str("a number of seconds in ", open_lo ? "(" : "[", static_cast<std::int64_t>(lo),
                  ", ", static_cast<std::int64_t>(hi), "]"));
      return std::nullopt;
    }
    return parsed;
  }

  std::optional<bool> flag(const char* name) {
    auto value = text(name);
    if (!value) return std::nullopt;
    if (*value == "1" || *value == "true" || *value == "on") return true;
    if (*value == "0" || *value == "false" || *value == "off") return false;
    problem(name, *value, "1, true, on, 0, false or off");
    return std::nullopt;
  }

  std::string choice(const char* name, std::initializer_list<std::string_view> allowed) {
    auto value = text(name);
    if (!value) return {};
    std::string list;
    for (std::string_view a : allowed) {
      if (*value == a) return *value;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    problem(name, *value, "one of " + list);
    return {};
  }

  // A value whose grammar belongs to `parse` (which raises a user error when it does not hold).
  template <typename T, typename F>
  T structured(const char* name, F parse) {
    auto value = text(name);
    if (!value) return T{};
    try {
      return parse(*value);
    } catch (const Error& e) {
      out_.problems.push_back(str(name, ": ", e.message()));
      return T{};
    }
  }

  void problem(const char* name, const std::string& value, const std::string& domain) {
    out_.problems.push_back(str(name, "=", quoted(value), " is not valid: expected ", domain));
  }

 private:
  Lookup lookup_;
  Settings& out_;
};

std::vector<std::string> split_path(const std::string& value) {
  std::vector<std::string> dirs;
  std::size_t start = 0;
  for (;;) {
    const std::size_t colon = value.find(':', start);
    std::string dir = value.substr(start, colon == std::string::npos ? colon : colon - start);
    if (!dir.empty()) dirs.push_back(std::move(dir));
    if (colon == std::string::npos) return dirs;
    start = colon + 1;
  }
}

bool all_digits(const std::string& s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

Settings parse_with(const Lookup& lookup) {
  Settings s;
  Parser p(lookup, s);
  constexpr std::int64_t kMaxRanks = 1 << 24;
  s.watchdog_seconds = p.number("DOJO_WATCHDOG_SECONDS", 0, 1e7);
  if (auto path = p.text("DOJO_DEVICE_PATH")) {
    if (path->size() > 1 << 16)
      p.problem("DOJO_DEVICE_PATH", *path, "a ':'-separated list of directories");
    else
      s.device_path = split_path(*path);
  }
  s.coll_debug = p.flag("DOJO_COLL_DEBUG");

  s.test_hold_after_step =
      p.integer<std::int64_t>("DOJO_TEST_HOLD_AFTER_STEP", 0, std::int64_t{1} << 62);
  s.test_hold_seconds = p.number("DOJO_TEST_HOLD_SECONDS", 0, 86400, true).value_or(60);
  s.test_hold_at = p.choice("DOJO_TEST_HOLD_AT", {"start", "data", "resume"});
  s.checkpoint_crash_at =
      p.choice("DOJO_CHECKPOINT_CRASH_AT",
               {"after_data", "after_checksums", "before_rename", "before_latest", "before_prune"});
  s.checkpoint_hang_at =
      p.choice("DOJO_CHECKPOINT_HANG_AT",
               {"after_data", "after_checksums", "before_rename", "before_latest", "before_prune"});

  if (auto job = p.text("SLURM_JOB_ID")) {
    if (all_digits(*job) && job->size() <= 19)
      s.slurm_job_id = *job;
    else
      p.problem("SLURM_JOB_ID", *job, "a job number");
  }
  if (auto step = p.text("SLURM_STEP_ID")) {
    // srun's steps are numbered; a batch script's own shell has "batch", "extern" or "interactive".
    if (all_digits(*step) && step->size() <= 10)
      s.slurm_step = true;
    else if (*step != "batch" && *step != "extern" && *step != "interactive")
      p.problem("SLURM_STEP_ID", *step, "a step number");
  }
  s.slurm_proc_id = p.integer<int>("SLURM_PROCID", 0, kMaxRanks - 1);
  s.slurm_local_id = p.integer<int>("SLURM_LOCALID", 0, kMaxRanks - 1);
  s.slurm_node_id = p.integer<int>("SLURM_NODEID", 0, kMaxRanks - 1);
  s.slurm_ntasks = p.integer<int>("SLURM_NTASKS", 1, kMaxRanks);
  s.slurm_cpus_per_task = p.integer<int>("SLURM_CPUS_PER_TASK", 1, 65536);
  const char* nodelist = p.text("SLURM_JOB_NODELIST") ? "SLURM_JOB_NODELIST" : "SLURM_NODELIST";
  s.slurm_nodes = p.structured<std::vector<std::string>>(
      nodelist, [](const std::string& v) { return slurm::expand_hostlist(v); });
  s.slurm_step_tasks_per_node = p.structured<std::vector<int>>(
      "SLURM_STEP_TASKS_PER_NODE",
      [](const std::string& v) { return slurm::expand_tasks_per_node(v); });

  const bool ompi_size = p.integer<int>("OMPI_COMM_WORLD_SIZE", 1, kMaxRanks).has_value();
  s.mpirun = ompi_size || p.text("PMIX_RANK").has_value();
  if (auto btl = p.text("OMPI_MCA_btl")) {
    if (btl->size() <= 256)
      s.ompi_mca_btl = *btl;
    else
      p.problem("OMPI_MCA_btl", *btl, "a list of Open MPI BTL names");
  }
  return s;
}

std::optional<std::string> from_process(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

struct Cache {
  std::mutex mutex;
  std::unique_ptr<Settings> settings;
};
Cache& cache() {
  static Cache c;
  return c;
}

}  // namespace

const Settings& settings() {
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  if (!c.settings) c.settings = std::make_unique<Settings>(parse_with(from_process));
  return *c.settings;
}

void check() {
  const Settings& s = settings();
  if (!s.problems.empty()) user_error(s.problems.front());
}

std::optional<std::string> raw(const char* name) {
  auto value = from_process(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

void reread() {
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  c.settings = std::make_unique<Settings>(parse_with(from_process));
}

Settings parse(const std::vector<std::string>& assignments) {
  return parse_with([&](const char* name) -> std::optional<std::string> {
    const std::string_view key(name);
    std::optional<std::string> found;
    for (const std::string& a : assignments)
      if (a.size() > key.size() && a.compare(0, key.size(), key) == 0 && a[key.size()] == '=')
        found = a.substr(key.size() + 1);
    return found;
  });
}

std::string quoted(std::string_view value) {
  constexpr std::size_t kShown = 60;
  std::string out = "'";
  for (std::size_t i = 0; i < value.size() && i < kShown; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c >= 0x7f || c == '\'' || c == '\\') {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += value.size() > kShown ? "'... (" + std::to_string(value.size()) + " characters)" : "'";
  return out;
}

}  // namespace dojo::env
