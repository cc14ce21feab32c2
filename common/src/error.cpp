// Error construction, the rank and activity recorded with every error.
#include "dojo/common/error.hpp"

#include <atomic>
#include <vector>

namespace dojo {
namespace {
std::atomic<int> g_rank{-1};
thread_local std::vector<std::string> t_activities;

}  // namespace

Error::Error(ErrorKind kind, std::string message, std::source_location where, int rank,
             std::string activity)
    : std::runtime_error(message),
      kind_(kind),
      message_(std::move(message)),
      file_(where.file_name()),
      line_(static_cast<int>(where.line())),
      rank_(rank),
      activity_(std::move(activity)) {}

std::string printable(std::string_view text) {
  constexpr std::size_t kLongWord = 160, kKeptOfLongWord = 120;
  std::string out, word;        // word: the escaped characters since the last space
  std::size_t word_length = 0;  // characters of the input in word
  auto end_word = [&] {
    if (word_length > kLongWord) {
      std::size_t kept = 0, at = 0;  // cut after kKeptOfLongWord characters, not inside an escape
      while (at < word.size() && kept < kKeptOfLongWord) {
        at += word[at] == '\\' && at + 1 < word.size() && word[at + 1] == 'x' ? 4
              : word[at] == '\\'                                              ? 2
                                                                              : 1;
        ++kept;
      }
      out += str(word.substr(0, at), "... (", word_length, " characters)");
    } else {
      out += word;
    }
    word.clear();
    word_length = 0;
  };
  static const char* digits = "0123456789abcdef";
  for (unsigned char c : text) {
    if (c == ' ') {
      end_word();
      out += ' ';
      continue;
    }
    ++word_length;
    if (c == '\n') {
      word += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      word += {'\\', 'x', digits[c >> 4], digits[c & 15]};
    } else {
      word += static_cast<char>(c);
    }
  }
  end_word();
  return out;
}

void user_error(std::string message, std::source_location where) {
  throw Error(ErrorKind::user, printable(message), where, g_rank.load(), current_activity());
}

void internal_error(std::string message, std::source_location where) {
  throw Error(ErrorKind::internal, std::move(message), where, g_rank.load(), current_activity());
}

void set_error_rank(int rank) noexcept {
  g_rank.store(rank);
}
int error_rank() noexcept {
  return g_rank.load();
}

ScopedActivity::ScopedActivity(std::string what) {
  t_activities.push_back(std::move(what));
}
ScopedActivity::~ScopedActivity() {
  t_activities.pop_back();
}

std::string current_activity() {
  std::string path;
  for (const auto& a : t_activities) {
    if (!path.empty()) path += " > ";
    path += a;
  }
  return path;
}

std::string describe(const Error& error) {
  std::string line;
  if (error.rank() >= 0) line += str("rank ", error.rank());
  if (!error.activity().empty()) {
    line += line.empty() ? "while " : ", while ";
    line += error.activity();
  }
  if (!line.empty()) line += ": ";
  line += error.message();
  line += str(" [", error.file(), ":", error.line(), "]");
  return line;
}

}  // namespace dojo
