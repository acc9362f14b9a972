#pragma once

// The statistics behind genre_performance and device_analytics (SPEC §5-7): the Wilson
// score interval, the one-sided two-proportion z-test and Benjamini-Hochberg q-values.
// Every formula is written out in docs/metrics.md with its exact order of operations, so
// that another engine computing it in double precision gets the same bits.

#include <cstdint>
#include <span>
#include <vector>

namespace streampro::enrich {

/// The 0.975 quantile of the standard normal distribution (SPEC §6).
inline constexpr double kWilsonZ95 = 1.959963984540054;

struct Interval {
  double low = 0;
  double high = 0;
};

/// Wilson score interval of `successes` out of `trials` (trials > 0), clamped to [0, 1]:
/// p = x/n, d = 1 + z²/n, center = (p + z²/(2n)) / d,
/// half = z * sqrt(p(1-p)/n + z²/(4n²)) / d.
Interval WilsonInterval(int64_t successes, int64_t trials, double z = kWilsonZ95);

struct ZTest {
  double z = 0;
  double p_value = 1;
};

/// One-sided two-proportion z-test of H1: x1/n1 > x2/n2 with the pooled standard error
/// (n1 > 0, n2 > 0). A pooled standard error of 0 gives z = 0 and p = 1;
/// otherwise p = erfc(z / sqrt(2)) / 2.
ZTest TwoProportionZTest(int64_t x1, int64_t n1, int64_t x2, int64_t n2);

/// Benjamini-Hochberg adjusted p-values (q-values), in the order of `p_values`: with the
/// p-values sorted ascending, q_(i) = min over j >= i of p_(j) * m / j, capped at 1. Tied
/// p-values get the same q-value, so the order among ties does not matter.
std::vector<double> BenjaminiHochberg(std::span<const double> p_values);

}  // namespace streampro::enrich
