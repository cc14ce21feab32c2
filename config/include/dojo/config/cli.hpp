// The domains of domain.hpp as CLI11 validators, for the libraries that declare options (jobs,
// the CLI). Header-only: the includer links CLI11; dojo::config itself does not need it.
#pragma once

#include <CLI/CLI.hpp>

#include "dojo/config/domain.hpp"

namespace dojo::config {

// Checks each value an option gets (each element of a list option) against domain before CLI11
// converts it; --help shows the range after the type, e.g. FLOAT:(0, 100].
template <typename T>
CLI::Validator in(Domain<T> domain) {
  return CLI::Validator([domain](std::string& text) { return domain_error<T>(text, domain); },
                        range_text(domain));
}

// Shorthands: whole numbers in [min, max]; reals in [min, max], above min, or below max.
template <typename T>
CLI::Validator whole(T min, T max) {
  return in(Domain<T>{min, max});
}
template <typename T>
CLI::Validator real(T min, T max) {
  return in(Domain<T>{min, max});
}
template <typename T>
CLI::Validator real_above(T min, T max) {
  return in(Domain<T>{min, max, true, false});
}
template <typename T>
CLI::Validator real_below(T min, T max) {
  return in(Domain<T>{min, max, false, true});
}

}  // namespace dojo::config
