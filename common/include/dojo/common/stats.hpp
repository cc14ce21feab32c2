// Summaries of repeated measurements (benchmarks report the median: robust to the outliers of a
// shared machine).
#pragma once

#include <algorithm>
#include <vector>

namespace dojo {

// The median of `values` (the mean of the middle two for an even count); 0 when empty.
inline double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

}  // namespace dojo
