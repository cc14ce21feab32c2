// The domain of a numeric option or config key, checked on its text before it is converted, so
// that NaN, infinity, negative values of unsigned fields and numbers too large for their type
// are refused instead of wrapping, saturating or training until the loss is NaN. One declaration
// per option (where the option is declared) serves the command line and every config file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dojo::config {

// Integers: every value in [min, max]. Reals (float, double): finite values in [min, max], with
// min or max itself excluded when open (a learning rate is above 0; Adam's beta is below 1).
template <typename T>
struct Domain {
  T min;
  T max;
  bool min_open = false;
  bool max_open = false;
};

// The instantiated types: int, long (std::int64_t), unsigned long (std::uint64_t), float, double.
// "" when text spells a T inside the domain; else why not, e.g. "-5 is out of range: give a
// whole number from 0 to 1000000000" or "nan is not a finite number: give a number above 0 and at
// most 100". The echoed text is shortened.
template <typename T>
std::string domain_error(std::string_view text, const Domain<T>& domain);

// "a whole number from 0 to 2^63-1", "a number above 0 and at most 100".
template <typename T>
std::string describe(const Domain<T>& domain);

// For --help: "0..1000000000", "(0, 100]".
template <typename T>
std::string range_text(const Domain<T>& domain);

// A value known to be a T, checked against the domain (keys typed by TOML): user error naming
// `what` when outside.
template <typename T>
T checked(std::string_view what, std::string_view text, const Domain<T>& domain);

}  // namespace dojo::config
