// Slurm host-list and tasks-per-node expansion, counted before anything is stored.
#include "dojo/common/slurm_lists.hpp"

#include <charconv>

#include "dojo/common/environment.hpp"
#include "dojo/common/error.hpp"

namespace dojo::slurm {
namespace {

[[noreturn]] void bad_hostlist(std::string_view whole, std::string_view why) {
  user_error(str("malformed Slurm host list ", env::quoted(whole), ": ", why));
}

// Splits on commas that are not inside brackets.
std::vector<std::string_view> split_top_level(std::string_view list) {
  std::vector<std::string_view> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i] == '[') ++depth;
    if (list[i] == ']') --depth;
    if (depth < 0) bad_hostlist(list, "unbalanced ']'");
    if (depth > 1) bad_hostlist(list, "nested '['");
    if (list[i] == ',' && depth == 0) {
      parts.push_back(list.substr(start, i - start));
      start = i + 1;
    }
  }
  if (depth != 0) bad_hostlist(list, "unbalanced '['");
  parts.push_back(list.substr(start));
  return parts;
}

std::int64_t parse_number(std::string_view text, std::string_view whole) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 ||
      text.size() > 18)
    bad_hostlist(whole, str(env::quoted(text), " is not a host number"));
  return value;
}

// One item of a bracket expression: "07" or "01-04", as the range [lo, hi] and its digit width.
struct Range {
  std::int64_t lo, hi;
  std::size_t width;
};

std::vector<Range> parse_ranges(std::string_view ranges, std::string_view whole) {
  std::vector<Range> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = ranges.find(',', start);
    const std::string_view item = ranges.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const std::size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      const std::int64_t v = parse_number(item, whole);
      out.push_back({v, v, item.size()});
    } else {
      const std::string_view lo_text = item.substr(0, dash), hi_text = item.substr(dash + 1);
      const std::int64_t lo = parse_number(lo_text, whole), hi = parse_number(hi_text, whole);
      if (hi < lo) bad_hostlist(whole, str("range ", env::quoted(item), " runs backwards"));
      out.push_back({lo, hi, lo_text.size()});
    }
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

// Adds a * b to a count, saturating just above `limit`.
std::int64_t capped_product(std::int64_t a, std::int64_t b, std::int64_t limit) {
  if (a == 0 || b == 0) return 0;
  if (a > (limit + 1) / b + 1) return limit + 1;
  return std::min(a * b, limit + 1);
}

// One host expression without top-level commas, "a[1-2]b[3-4]", as literal pieces and ranges.
struct Pattern {
  std::vector<std::string_view> literals;  // literals.size() == ranges.size() + 1
  std::vector<std::vector<Range>> ranges;
};

Pattern parse_pattern(std::string_view expr, std::string_view whole) {
  Pattern p;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t open = expr.find('[', pos);
    // Every bracket adds at least one digit: a longer expression cannot make a host name (and the
    // expansion recurses once per bracket).
    if (p.ranges.size() > kMaxHostName)
      bad_hostlist(whole, str("a host name is longer than ", kMaxHostName, " characters"));
    if (open == std::string_view::npos) {
      p.literals.push_back(expr.substr(pos));
      return p;
    }
    const std::size_t close = expr.find(']', open);  // balanced and not nested: split checked
    if (close == open + 1) bad_hostlist(whole, "empty '[]'");
    p.literals.push_back(expr.substr(pos, open - pos));
    p.ranges.push_back(parse_ranges(expr.substr(open + 1, close - open - 1), whole));
    pos = close + 1;
  }
}

std::int64_t count(const Pattern& p, std::int64_t limit) {
  std::int64_t n = 1;
  for (const auto& ranges : p.ranges) {
    std::int64_t values = 0;
    for (const Range& r : ranges) values = std::min(values + (r.hi - r.lo + 1), limit + 1);
    n = capped_product(n, values, limit);
  }
  return n;
}

void expand(const Pattern& p, std::size_t level, std::string& name, std::vector<std::string>& out,
            std::string_view whole) {
  const std::size_t mark = name.size();
  name += p.literals[level];
  if (level == p.ranges.size()) {
    if (name.size() > kMaxHostName)
      bad_hostlist(whole, str("host name ", env::quoted(name), " is longer than ", kMaxHostName,
                              " characters"));
    out.push_back(name);
  } else {
    for (const Range& r : p.ranges[level]) {
      for (std::int64_t v = r.lo; v <= r.hi; ++v) {
        const std::size_t before = name.size();
        std::string digits = std::to_string(v);
        if (digits.size() < r.width) name.append(r.width - digits.size(), '0');
        name += digits;
        expand(p, level + 1, name, out, whole);
        name.resize(before);
      }
    }
  }
  name.resize(mark);
}

}  // namespace

std::vector<std::string> expand_hostlist(std::string_view list, std::int64_t max_hosts) {
  std::vector<std::string> hosts;
  if (list.empty()) return hosts;
  if (list.size() > kMaxListText)
    bad_hostlist(list, str("longer than ", kMaxListText, " characters"));
  std::vector<Pattern> patterns;
  std::int64_t total = 0;
  for (auto part : split_top_level(list)) {
    if (part.empty()) bad_hostlist(list, "empty host name");
    patterns.push_back(parse_pattern(part, list));
    total = std::min(total + count(patterns.back(), max_hosts), max_hosts + 1);
  }
  if (total > max_hosts)
    user_error(str("Slurm host list ", env::quoted(list), " names more than ", max_hosts,
                   " hosts: it is not a list Slurm would set"));
  hosts.reserve(static_cast<std::size_t>(total));
  std::string name;
  for (const Pattern& p : patterns) expand(p, 0, name, hosts, list);
  return hosts;
}

std::vector<int> expand_tasks_per_node(std::string_view list, std::int64_t max_nodes) {
  auto bad = [&](std::string_view why) {
    user_error(str("malformed Slurm tasks-per-node list ", env::quoted(list), ": ", why,
                   " (expected e.g. 2(x3),1)"));
  };
  if (list.size() > kMaxListText) bad("too long");
  // First pass: the (tasks, repeat) pairs and their total, before anything is expanded.
  std::vector<std::pair<int, std::int64_t>> runs;
  std::int64_t total = 0;
  std::size_t i = 0;
  const char* const text = list.data();
  while (i < list.size()) {
    int tasks = 0;
    std::int64_t repeat = 1;
    auto [p, ec] = std::from_chars(text + i, text + list.size(), tasks);
    if (ec != std::errc() || p == text + i || tasks < 0 || tasks > kMaxTasksPerNode)
      bad(str("each entry is a task count in [0, ", kMaxTasksPerNode, "]"));
    i = static_cast<std::size_t>(p - text);
    if (i < list.size() && list[i] == '(') {
      if (list.substr(i, 2) != "(x") bad("a repeat is written (xN)");
      auto [q, ec2] = std::from_chars(text + i + 2, text + list.size(), repeat);
      i = static_cast<std::size_t>(q - text);
      if (ec2 != std::errc() || repeat < 1 || i >= list.size() || list[i] != ')')
        bad("a repeat is written (xN) with N >= 1");
      ++i;
    }
    if (repeat > max_nodes || total + repeat > max_nodes)
      bad(str("it lists more than ", max_nodes, " nodes"));
    total += repeat;
    runs.emplace_back(tasks, repeat);
    if (i < list.size()) {
      if (list[i] != ',' || i + 1 == list.size()) bad("entries are separated by single commas");
      ++i;
    }
  }
  if (runs.empty()) bad("it is empty");
  std::vector<int> out;
  out.reserve(static_cast<std::size_t>(total));
  for (auto [tasks, repeat] : runs) out.insert(out.end(), static_cast<std::size_t>(repeat), tasks);
  return out;
}

}  // namespace dojo::slurm
