#include "enrich/statistics.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

namespace streampro::enrich {

Interval WilsonInterval(int64_t successes, int64_t trials, double z) {
  assert(trials > 0 && successes >= 0 && successes <= trials);
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double d = 1 + z2 / n;
  const double center = (p + z2 / (2 * n)) / d;
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / d;
  return {std::clamp(center - half, 0.0, 1.0), std::clamp(center + half, 0.0, 1.0)};
}

ZTest TwoProportionZTest(int64_t x1, int64_t n1, int64_t x2, int64_t n2) {
  assert(n1 > 0 && n2 > 0);
  const double rate1 = static_cast<double>(x1) / static_cast<double>(n1);
  const double rate2 = static_cast<double>(x2) / static_cast<double>(n2);
  const double pooled = static_cast<double>(x1 + x2) / static_cast<double>(n1 + n2);
  const double se = std::sqrt(pooled * (1 - pooled) *
                              (1 / static_cast<double>(n1) + 1 / static_cast<double>(n2)));
  if (se == 0) return {0, 1};
  const double z = (rate1 - rate2) / se;
  return {z, std::erfc(z / std::sqrt(2.0)) / 2};
}

std::vector<double> BenjaminiHochberg(std::span<const double> p_values) {
  const size_t m = p_values.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> q_values(m, 1.0);
  double running_min = 1.0;
  for (size_t i = m; i-- > 0;) {
    const size_t index = order[i];
    const double scaled = p_values[index] * static_cast<double>(m) / static_cast<double>(i + 1);
    running_min = std::min(running_min, scaled);
    q_values[index] = running_min;
  }
  return q_values;
}

}  // namespace streampro::enrich
