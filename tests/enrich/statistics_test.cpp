#include "enrich/statistics.h"

#include <gtest/gtest.h>

#include <vector>

namespace streampro::enrich {
namespace {

// Reference values were computed independently with 40-digit arithmetic from the
// textbook form of the interval, (x + z²/2) / (n + z²) ± z·√n / (n + z²) · √(p̂q̂ + z²/(4n)),
// and from erfc of the z statistic; the code uses the algebraically equal form of SPEC.
constexpr double kTolerance = 1e-14;

TEST(StatisticsTest, WilsonMatchesReferenceValues) {
  struct Case {
    int64_t x;
    int64_t n;
    double low;
    double high;
  };
  for (const Case& c : {Case{7, 10, 0.39677814746114535211, 0.89220873259369896608},
                        Case{412, 1000, 0.38188731127995779818, 0.44278619821349990351},
                        Case{1, 3, 0.061491944720396241873, 0.79234039919795224705}}) {
    const Interval ci = WilsonInterval(c.x, c.n);
    EXPECT_NEAR(ci.low, c.low, kTolerance) << c.x << "/" << c.n;
    EXPECT_NEAR(ci.high, c.high, kTolerance) << c.x << "/" << c.n;
  }
}

TEST(StatisticsTest, WilsonIsClampedToTheUnitInterval) {
  // 0/10: the low end is 0 in exact arithmetic; rounding must never push it below 0.
  const Interval none = WilsonInterval(0, 10);
  EXPECT_GE(none.low, 0.0);
  EXPECT_NEAR(none.low, 0.0, kTolerance);
  EXPECT_NEAR(none.high, 0.27753279986288920453, kTolerance);
  const Interval all = WilsonInterval(5, 5);
  EXPECT_NEAR(all.low, 0.56551753521682523892, kTolerance);
  EXPECT_LE(all.high, 1.0);
  EXPECT_NEAR(all.high, 1.0, kTolerance);
  const Interval one = WilsonInterval(1, 1);
  EXPECT_NEAR(one.low, 0.20654931437723742736, kTolerance);
}

TEST(StatisticsTest, ZTestWorkedByHand) {
  // 30/50 = 0.6 against 20/50 = 0.4: pooled p = 50/100 = 0.5,
  // se = sqrt(0.5 · 0.5 · (1/50 + 1/50)) = sqrt(0.01) = 0.1, z = 0.2 / 0.1 = 2,
  // p = erfc(2/√2)/2 = 1 - Φ(2) = 0.0227501319481792072.
  const ZTest test = TwoProportionZTest(30, 50, 20, 50);
  EXPECT_NEAR(test.z, 2.0, 1e-12);
  EXPECT_NEAR(test.p_value, 0.0227501319481792072, 1e-15);
}

TEST(StatisticsTest, ZTestIsOneSided) {
  // 8/40 = 0.2 against 32/60 = 0.5333: pooled 0.4, se = sqrt(0.24 · (1/40 + 1/60)) = 0.1,
  // z = -0.3333 / 0.1 = -3.3333; a lower rate is no evidence: p = 0.99957...
  const ZTest lower = TwoProportionZTest(8, 40, 32, 60);
  EXPECT_NEAR(lower.z, -3.3333333333333333333, 1e-12);
  EXPECT_NEAR(lower.p_value, 0.99957093966680316252, 1e-14);
  const ZTest higher = TwoProportionZTest(30, 50, 10, 50);
  EXPECT_NEAR(higher.z, 4.0824829046386301637, 1e-12);
  EXPECT_NEAR(higher.p_value, 0.000022278545302028078283, 1e-17);
}

TEST(StatisticsTest, ZeroStandardErrorGivesZeroAndOne) {
  // Everyone dropped off (pooled p = 1) or no one did (pooled p = 0): se = 0.
  for (const auto& [x1, n1, x2, n2] : {std::tuple{40, 40, 10, 10}, std::tuple{0, 40, 0, 10}}) {
    const ZTest test = TwoProportionZTest(x1, n1, x2, n2);
    EXPECT_EQ(test.z, 0.0);
    EXPECT_EQ(test.p_value, 1.0);
  }
}

TEST(StatisticsTest, BenjaminiHochbergWorkedByHand) {
  // m = 6. Sorted: 0.002 (1), 0.02 (2), 0.03 (3), 0.03 (4), 0.5 (5), 0.9 (6).
  // p·m/j: 0.012, 0.06, 0.06, 0.045, 0.6, 0.9.
  // Running minimum from the end: 0.9, 0.6, 0.045, 0.045, 0.045, 0.012.
  // The tied 0.03s share q = 0.045, and 0.02 is pulled down from 0.06 to 0.045.
  const std::vector<double> p = {0.03, 0.9, 0.002, 0.5, 0.03, 0.02};
  const std::vector<double> q = BenjaminiHochberg(p);
  ASSERT_EQ(q.size(), p.size());
  EXPECT_DOUBLE_EQ(q[0], 0.045);
  EXPECT_DOUBLE_EQ(q[1], 0.9);
  EXPECT_DOUBLE_EQ(q[2], 0.012);
  EXPECT_DOUBLE_EQ(q[3], 0.6);
  EXPECT_DOUBLE_EQ(q[4], 0.045);
  EXPECT_DOUBLE_EQ(q[5], 0.045);
  EXPECT_EQ(q[0], q[4]);
}

TEST(StatisticsTest, BenjaminiHochbergIsMonotoneAndCapped) {
  // q follows the order of p, never falls below p, and never exceeds 1.
  const std::vector<double> p = {1.0, 0.99, 0.2, 0.21, 0.04, 0.0};
  const std::vector<double> q = BenjaminiHochberg(p);
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_GE(q[i], p[i]);
    EXPECT_LE(q[i], 1.0);
    for (size_t j = 0; j < p.size(); ++j) {
      if (p[i] <= p[j]) {
        EXPECT_LE(q[i], q[j]) << i << " " << j;
      }
    }
  }
  EXPECT_EQ(q[5], 0.0);
  EXPECT_EQ(q[0], 1.0);
  EXPECT_TRUE(BenjaminiHochberg({}).empty());
}

}  // namespace
}  // namespace streampro::enrich
