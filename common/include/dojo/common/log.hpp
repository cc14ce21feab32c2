// Rank-prefixed logging with levels. By default only rank 0 prints; `--log-level` and
// `--log-ranks all` widen it. Messages go to stderr so that stdout stays clean for tables and data.
#pragma once

#include <string>
#include <string_view>

#include "dojo/common/error.hpp"

namespace dojo::log {

enum class Level { error = 0, warn = 1, info = 2, debug = 3, trace = 4 };

// Parses "error", "warn", "info", "debug", "trace"; a user error naming the valid levels otherwise.
Level parse_level(std::string_view name);
std::string_view level_name(Level level);

struct Settings {
  Level level = Level::info;
  bool all_ranks = false;  // false: only rank 0 prints (errors print from every rank)
};

void configure(const Settings& settings);
// Called by the runtime once the rank is known; before that every message is printed unprefixed.
void set_rank(int rank, int world_size);
bool enabled(Level level);
void write(Level level, const std::string& message);

template <typename... Parts>
void error(Parts&&... parts) {
  if (enabled(Level::error)) write(Level::error, str(std::forward<Parts>(parts)...));
}
template <typename... Parts>
void warn(Parts&&... parts) {
  if (enabled(Level::warn)) write(Level::warn, str(std::forward<Parts>(parts)...));
}
template <typename... Parts>
void info(Parts&&... parts) {
  if (enabled(Level::info)) write(Level::info, str(std::forward<Parts>(parts)...));
}
template <typename... Parts>
void debug(Parts&&... parts) {
  if (enabled(Level::debug)) write(Level::debug, str(std::forward<Parts>(parts)...));
}
template <typename... Parts>
void trace(Parts&&... parts) {
  if (enabled(Level::trace)) write(Level::trace, str(std::forward<Parts>(parts)...));
}

}  // namespace dojo::log
