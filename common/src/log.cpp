// Logging: one mutex-guarded write per message so lines from threads never interleave.
#include "dojo/common/log.hpp"

#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>

namespace dojo::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::atomic<bool> g_all_ranks{false};
std::atomic<int> g_rank{-1};
std::atomic<int> g_width{1};
std::mutex g_write_mutex;
constexpr std::array<std::string_view, 5> kNames = {"error", "warn", "info", "debug", "trace"};
}  // namespace

Level parse_level(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<Level>(i);
  user_error(str("unknown log level '", name, "': use one of error, warn, info, debug, trace"));
}

std::string_view level_name(Level level) {
  return kNames.at(static_cast<std::size_t>(level));
}

void configure(const Settings& settings) {
  g_level = static_cast<int>(settings.level);
  g_all_ranks = settings.all_ranks;
}

void set_rank(int rank, int world_size) {
  g_rank = rank;
  g_width = static_cast<int>(std::to_string(world_size > 0 ? world_size - 1 : 0).size());
}

bool enabled(Level level) {
  if (static_cast<int>(level) > g_level.load()) return false;
  if (level == Level::error || g_all_ranks.load()) return true;
  return g_rank.load() <= 0;
}

void write(Level level, const std::string& message) {
  std::string line;
  int rank = g_rank.load();
  if (rank >= 0) {
    std::string r = std::to_string(rank);
    line = "[dojo r" +
           std::string(static_cast<std::size_t>(g_width.load()) -
                           std::min(r.size(), std::size_t(g_width.load())),
                       '0') +
           r + "] ";
  } else {
    line = "[dojo] ";
  }
  if (level != Level::info) line += std::string(level_name(level)) + ": ";
  line += message;
  line += '\n';
  std::lock_guard lock(g_write_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace dojo::log
