// Parsing a number's text exactly (std::from_chars for integers, strtod for reals) and checking
// it against its domain; the range text is written for people (2^63-1, not 19 digits of it).
#include "dojo/config/domain.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <type_traits>

#include "dojo/common/error.hpp"

namespace dojo::config {
namespace {

__extension__ typedef __int128 Wide;  // holds every int64 and uint64 value

// The text as echoed in a message: at most 32 characters.
std::string echo(std::string_view text) {
  if (text.size() <= 32) return std::string(text);
  return str(text.substr(0, 24), "... (", text.size(), " characters)");
}

template <typename T>
std::string number_name(T value) {
  if constexpr (std::is_integral_v<T>) {
    if constexpr (sizeof(T) == 8) {
      if (value == std::numeric_limits<T>::max()) return std::is_signed_v<T> ? "2^63-1" : "2^64-1";
      if (std::is_signed_v<T> && value == std::numeric_limits<T>::min()) return "-2^63";
    }
    if constexpr (sizeof(T) == 4) {
      if (value == std::numeric_limits<T>::max()) return std::is_signed_v<T> ? "2^31-1" : "2^32-1";
    }
    return std::to_string(value);
  } else {
    const double v = static_cast<double>(value);
    if (v == std::floor(v) && std::fabs(v) < 1e7) return std::to_string(static_cast<long>(v));
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return text;
  }
}

// Integers: false when text is not a decimal whole number that fits 64 bits (sign included).
bool parse_wide(std::string_view text, Wide& value) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || text.front() < '0' || text.front() > '9') return false;
  unsigned long long magnitude = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), magnitude);
  if (end != text.data() + text.size()) return false;
  if (error == std::errc::result_out_of_range) {
    value = negative ? -(Wide{1} << 100) : (Wide{1} << 100);  // beyond every 64-bit type
    return true;
  }
  if (error != std::errc()) return false;
  value = negative ? -static_cast<Wide>(magnitude) : static_cast<Wide>(magnitude);
  return true;
}

}  // namespace

template <typename T>
std::string describe(const Domain<T>& d) {
  if constexpr (std::is_integral_v<T>) {
    return str("a whole number from ", number_name(d.min), " to ", number_name(d.max));
  } else {
    if (!d.min_open && !d.max_open)
      return str("a number from ", number_name(d.min), " to ", number_name(d.max));
    return str("a number ", d.min_open ? "above " : "at least ", number_name(d.min), " and ",
               d.max_open ? "below " : "at most ", number_name(d.max));
  }
}

template <typename T>
std::string range_text(const Domain<T>& d) {
  if constexpr (std::is_integral_v<T>) {
    return str(number_name(d.min), "..", number_name(d.max));
  } else {
    return str(d.min_open ? "(" : "[", number_name(d.min), ", ", number_name(d.max),
               d.max_open ? ")" : "]");
  }
}

template <typename T>
std::string domain_error(std::string_view text, const Domain<T>& d) {
  const std::string give = str(": give ", describe(d));
  if constexpr (std::is_integral_v<T>) {
    Wide value = 0;
    if (!parse_wide(text, value)) return str("'", echo(text), "' is not a whole number", give);
    if (value < static_cast<Wide>(d.min) || value > static_cast<Wide>(d.max))
      return str(echo(text), " is out of range", give);
    return {};
  } else {
    const std::string copy(text);
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(copy.c_str(), &end);
    const bool overflow = errno == ERANGE && std::fabs(value) > 1;
    if (copy.empty() || end != copy.c_str() + copy.size() || copy.front() == ' ')
      return str("'", echo(text), "' is not a number", give);
    if (std::isnan(value) || (std::isinf(value) && !overflow))
      return str(echo(text), " is not a finite number", give);
    if (overflow || value > static_cast<double>(std::numeric_limits<T>::max()) ||
        value < -static_cast<double>(std::numeric_limits<T>::max()))
      return str(echo(text), " is too large", give);
    if (value != 0 && std::fabs(value) < static_cast<double>(std::numeric_limits<T>::min()))
      return str(echo(text), " is too small to be told from 0", give);
    const bool below =
        d.min_open ? value <= static_cast<double>(d.min) : value < static_cast<double>(d.min);
    const bool above =
        d.max_open ? value >= static_cast<double>(d.max) : value > static_cast<double>(d.max);
    if (below || above) return str(echo(text), " is out of range", give);
    return {};
  }
}

template <typename T>
T checked(std::string_view what, std::string_view text, const Domain<T>& d) {
  if (std::string why = domain_error(text, d); !why.empty()) user_error(str(what, ": ", why));
  if constexpr (std::is_integral_v<T>) {
    Wide value = 0;
    parse_wide(text, value);
    return static_cast<T>(value);
  } else {
    return static_cast<T>(std::strtod(std::string(text).c_str(), nullptr));
  }
}

#define DOJO_DOMAIN_TYPE(T)                                                 \
  template std::string describe<T>(const Domain<T>&);                       \
  template std::string range_text<T>(const Domain<T>&);                     \
  template std::string domain_error<T>(std::string_view, const Domain<T>&); \
  template T checked<T>(std::string_view, std::string_view, const Domain<T>&);
DOJO_DOMAIN_TYPE(int)
DOJO_DOMAIN_TYPE(long)
DOJO_DOMAIN_TYPE(unsigned long)
DOJO_DOMAIN_TYPE(float)
DOJO_DOMAIN_TYPE(double)
#undef DOJO_DOMAIN_TYPE

}  // namespace dojo::config
