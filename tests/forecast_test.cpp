#include "regiokpi/forecast.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

using namespace regiokpi;

static_assert(std::is_copy_constructible_v<trend_fit> && std::is_copy_constructible_v<projection>);
static_assert(to_string(forecast_info::all_dates_equal) == "all_dates_equal");
static_assert(to_string(eta_status::not_within_horizon) == "not_within_horizon");

namespace {

using regiokpi_test::d;

// The textbook closed form, in long double, independent of the QR in the library:
// slope = Sxy / Sxx, intercept = ybar - slope * xbar, s^2 = RSS / (n - 2), with x = days since the
// earliest date.
struct closed_form {
  long double slope, intercept, s, xbar, sxx, r2;
  std::size_t n;
};

closed_form least_squares(const std::vector<date>& dates, const std::vector<double>& ys) {
  const date origin = *std::min_element(dates.begin(), dates.end());
  const std::size_t n = dates.size();
  long double sx = 0, sy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sx += (dates[i] - origin).count;
    sy += ys[i];
  }
  const long double xbar = sx / static_cast<long double>(n);
  const long double ybar = sy / static_cast<long double>(n);
  long double sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const long double dx = (dates[i] - origin).count - xbar;
    const long double dy = ys[i] - ybar;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const long double slope = sxy / sxx;
  const long double intercept = ybar - slope * xbar;
  long double rss = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const long double r = ys[i] - (intercept + slope * (dates[i] - origin).count);
    rss += r * r;
  }
  const long double s = n > 2 ? std::sqrt(rss / static_cast<long double>(n - 2)) : 0;
  return {slope, intercept, s, xbar, sxx, sxy * sxy / (sxx * syy), n};
}

// A quarterly series of 14 points from 2019-09-30 with a trend and deterministic noise.
void noisy_series(std::vector<date>& dates, std::vector<double>& ys, double level, double per_day, double noise) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-noise, noise);
  const date start = d("2019-09-30");
  for (int k = 0; k < 14; ++k) {
    const date x = start + days{k * 91 + (k % 3)};
    dates.push_back(x);
    ys.push_back(level + per_day * (x - start).count + u(rng));
  }
}

}  // namespace

// ---- Student t -----------------------------------------------------------------------------------

TEST(StudentT, QuantilesMatchTables) {
  // Four-decimal values from the usual t table.
  EXPECT_NEAR(student_t_quantile(0.95, 1), 6.3138, 5e-5);
  EXPECT_NEAR(student_t_quantile(0.95, 5), 2.0150, 5e-5);
  EXPECT_NEAR(student_t_quantile(0.95, 30), 1.6973, 5e-5);
  EXPECT_NEAR(student_t_quantile(0.975, 10), 2.2281, 5e-5);
  EXPECT_NEAR(student_t_quantile(0.995, 3), 5.8409, 5e-5);
  EXPECT_NEAR(student_t_quantile(0.9, 20), 1.3253, 5e-5);
}

TEST(StudentT, QuantilesMatchClosedFormsTightly) {
  // dof 1 is the Cauchy distribution: t = tan(pi (p - 1/2)); dof 2: t = (2p - 1) / sqrt(2 p (1 - p)).
  for (double p : {0.51, 0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999, 0.9999}) {
    const double cauchy = std::tan(std::numbers::pi * (p - 0.5));
    EXPECT_NEAR(student_t_quantile(p, 1), cauchy, 1e-11 * cauchy) << p;
    const double two = (2 * p - 1) / std::sqrt(2 * p * (1 - p));
    EXPECT_NEAR(student_t_quantile(p, 2), two, 1e-11 * two) << p;
    EXPECT_NEAR(student_t_quantile(1 - p, 2), -two, 1e-11 * two) << p;
  }
  // Many degrees of freedom approach the normal: z_0.95 = 1.6448536...
  EXPECT_NEAR(student_t_quantile(0.95, 1e7), 1.6448536269514729, 1e-6);
  EXPECT_EQ(student_t_quantile(0.5, 4), 0.0);
}

TEST(StudentT, CdfInvertsQuantileAndMatchesClosedForms) {
  // dof 1: F(t) = 1/2 + atan(t) / pi; dof 2: F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
  for (double t : {-30.0, -2.5, -0.3, 0.0, 0.7, 1.0, 4.0, 100.0}) {
    EXPECT_NEAR(student_t_cdf(t, 1), 0.5 + std::atan(t) / std::numbers::pi, 1e-13) << t;
    EXPECT_NEAR(student_t_cdf(t, 2), 0.5 + t / (2 * std::sqrt(2 + t * t)), 1e-13) << t;
  }
  for (double dof : {0.5, 1.0, 3.0, 7.5, 38.0, 500.0})
    for (double p : {0.001, 0.05, 0.3, 0.8, 0.95, 0.999})
      EXPECT_NEAR(student_t_cdf(student_t_quantile(p, dof), dof), p, 1e-12);
}

TEST(StudentT, RejectsBadArguments) {
  EXPECT_THROW((void)student_t_quantile(0.0, 3), error);
  EXPECT_THROW((void)student_t_quantile(1.0, 3), error);
  EXPECT_THROW((void)student_t_quantile(std::nan(""), 3), error);
  EXPECT_THROW((void)student_t_quantile(0.9, 0), error);
  EXPECT_THROW((void)student_t_quantile(0.9, -2), error);
  EXPECT_THROW((void)student_t_cdf(1.0, std::numeric_limits<double>::infinity()), error);
  try {
    (void)student_t_quantile(1.5, 3);
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("(0, 1)"), std::string::npos);
  }
}

// ---- fitting -------------------------------------------------------------------------------------

TEST(FitTrend, ExactLineIsRecovered) {
  // value = 100 + 0.5 per day, every 30 days: the fit must give the line back.
  std::vector<date> dates;
  std::vector<double> ys;
  for (int k = 0; k < 6; ++k) {
    dates.push_back(d("2020-01-01") + days{30 * k});
    ys.push_back(100.0 + 0.5 * 30 * k);
  }
  const trend_fit f = fit_trend(dates, ys);
  ASSERT_TRUE(f.ok()) << f.message;
  EXPECT_EQ(f.n, 6u);
  EXPECT_EQ(f.origin, d("2020-01-01"));
  EXPECT_NEAR(*f.slope, 0.5, 1e-13);
  EXPECT_NEAR(*f.intercept, 100.0, 1e-11);
  EXPECT_NEAR(*f.residual_se, 0.0, 1e-11);
  EXPECT_NEAR(*f.r_squared, 1.0, 1e-14);
  EXPECT_NEAR(*f.slope_per_year(), 0.5 * 365.25, 1e-10);
  EXPECT_NEAR(*f.value_at(d("2021-01-01")), 100.0 + 0.5 * 366, 1e-10);  // 2020 is a leap year
  // A perfect fit has a zero-width interval: the true answer, not a made-up one.
  const projection p = project(f, d("2021-01-01"));
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(*p.high - *p.low, 0.0, 1e-9);
}

TEST(FitTrend, MatchesClosedFormLeastSquares) {
  std::vector<date> dates;
  std::vector<double> ys;
  noisy_series(dates, ys, 250.0, 0.12, 15.0);
  const closed_form c = least_squares(dates, ys);
  const trend_fit f = fit_trend(dates, ys);
  ASSERT_TRUE(f.ok()) << f.message;
  EXPECT_NEAR(*f.slope, static_cast<double>(c.slope), 1e-12);
  EXPECT_NEAR(*f.intercept, static_cast<double>(c.intercept), 1e-9);
  EXPECT_NEAR(*f.residual_se, static_cast<double>(c.s), 1e-9);
  EXPECT_NEAR(*f.r_squared, static_cast<double>(c.r2), 1e-12);
  EXPECT_NEAR(f.x_mean, static_cast<double>(c.xbar), 1e-9);
}

TEST(FitTrend, OrderOfPointsDoesNotMatterAndPairsEqualColumns) {
  std::vector<date> dates;
  std::vector<double> ys;
  noisy_series(dates, ys, 10.0, -0.01, 1.0);
  const trend_fit a = fit_trend(dates, ys);
  std::vector<observation> pairs;
  for (std::size_t i = dates.size(); i-- > 0;) pairs.push_back({dates[i], ys[i]});
  const trend_fit b = fit_trend(pairs);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.origin, b.origin);
  EXPECT_NEAR(*a.slope, *b.slope, 1e-15);
  EXPECT_NEAR(*a.intercept, *b.intercept, 1e-12);
  EXPECT_NEAR(*a.residual_se, *b.residual_se, 1e-12);
}

TEST(FitTrend, StaysAccurateFarFromTheEpochAndWithLargeLevels) {
  // Dates in year 9000 and values around 1e9 with small changes: normal equations on raw x and y
  // lose most digits here; the centred QR must not.
  std::vector<date> dates;
  std::vector<double> ys;
  for (int k = 0; k < 40; ++k) {
    dates.push_back(d("9000-01-01") + days{k * 7});
    ys.push_back(1e9 + 0.25 * k * 7 + ((k * 37) % 11 - 5) * 0.5);
  }
  const closed_form c = least_squares(dates, ys);
  const trend_fit f = fit_trend(dates, ys);
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(*f.slope, static_cast<double>(c.slope), 1e-9);
  EXPECT_NEAR(*f.residual_se, static_cast<double>(c.s), 1e-6);
}

TEST(FitTrend, LogLinearFitsTheLogs) {
  // Doubling every 10 days from 3: log(y) = log 3 + (ln 2 / 10) x exactly.
  std::vector<date> dates;
  std::vector<double> ys;
  for (int k = 0; k < 5; ++k) {
    dates.push_back(d("2021-01-01") + days{10 * k});
    ys.push_back(3.0 * std::pow(2.0, k));
  }
  const trend_fit f = fit_trend(dates, ys, trend_model::log_linear);
  ASSERT_TRUE(f.ok()) << f.message;
  EXPECT_NEAR(*f.slope, std::log(2.0) / 10, 1e-14);
  EXPECT_NEAR(*f.intercept, std::log(3.0), 1e-13);
  EXPECT_NEAR(*f.growth_per_year(), std::pow(2.0, 36.525) - 1, 1e-9 * std::pow(2.0, 36.525));
  EXPECT_NEAR(*f.value_at(d("2021-03-02")), 3.0 * 64, 1e-10);  // 60 days on
  EXPECT_FALSE(fit_trend(dates, ys).growth_per_year());        // linear fits have no growth rate

  // With noise: the closed form on log(y).
  std::vector<date> nd;
  std::vector<double> ny;
  noisy_series(nd, ny, 50.0, 0.05, 3.0);
  std::vector<double> logs;
  for (double y : ny) logs.push_back(std::log(y));
  const closed_form c = least_squares(nd, logs);
  const trend_fit g = fit_trend(nd, ny, trend_model::log_linear);
  ASSERT_TRUE(g.ok());
  EXPECT_NEAR(*g.slope, static_cast<double>(c.slope), 1e-14);
  EXPECT_NEAR(*g.intercept, static_cast<double>(c.intercept), 1e-12);
  EXPECT_NEAR(*g.residual_se, static_cast<double>(c.s), 1e-12);
}

TEST(FitTrend, DegenerateInputsGiveReasonsNotNumbers) {
  const std::vector<date> none_d;
  const std::vector<double> none_v;
  trend_fit f = fit_trend(none_d, none_v);
  EXPECT_EQ(f.info, forecast_info::too_few_points);
  EXPECT_FALSE(f.slope || f.intercept || f.residual_se);
  EXPECT_FALSE(f.value_at(d("2021-01-01")));

  const std::vector<date> one{d("2021-01-01")};
  f = fit_trend(one, std::vector<double>{5});
  EXPECT_EQ(f.info, forecast_info::too_few_points);
  EXPECT_NE(f.message.find("at least 2 points, got 1"), std::string::npos) << f.message;
  EXPECT_FALSE(f.slope);

  const std::vector<date> same{d("2021-03-31"), d("2021-03-31"), d("2021-03-31")};
  f = fit_trend(same, std::vector<double>{1, 2, 3});
  EXPECT_EQ(f.info, forecast_info::all_dates_equal);
  EXPECT_NE(f.message.find("2021-03-31"), std::string::npos) << f.message;
  EXPECT_FALSE(f.slope || f.intercept);

  const std::vector<date> three{d("2021-01-01"), d("2021-02-01"), d("2021-03-01")};
  f = fit_trend(three, std::vector<double>{1, std::nan(""), 3});
  EXPECT_EQ(f.info, forecast_info::non_finite_value);
  EXPECT_NE(f.message.find("point 2 (2021-02-01)"), std::string::npos) << f.message;
  f = fit_trend(three, std::vector<double>{1, 2, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(f.info, forecast_info::non_finite_value);
  EXPECT_FALSE(f.slope);

  f = fit_trend(three, std::vector<double>{1, 0, 3}, trend_model::log_linear);
  EXPECT_EQ(f.info, forecast_info::non_positive_value);
  EXPECT_EQ(f.message, "point 2 (2021-02-01): a log-linear (growth) trend needs values > 0, got 0");
  f = fit_trend(three, std::vector<double>{1, 2, -3}, trend_model::log_linear);
  EXPECT_EQ(f.info, forecast_info::non_positive_value);
  EXPECT_TRUE(fit_trend(three, std::vector<double>{1, 0, -3}).ok());  // fine for a linear trend

  f = fit_trend(three, std::vector<double>{1, 2});
  EXPECT_EQ(f.info, forecast_info::invalid_argument);
  EXPECT_FALSE(f.slope);

  // Two points: a trend, but no residual error and so no interval.
  const std::vector<date> two{d("2021-01-01"), d("2021-01-11")};
  f = fit_trend(two, std::vector<double>{4, 9});
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(*f.slope, 0.5, 1e-15);
  EXPECT_NEAR(*f.intercept, 4.0, 1e-14);
  EXPECT_FALSE(f.residual_se);
  EXPECT_FALSE(f.r_squared);
  const projection p = project(f, d("2021-01-21"));
  EXPECT_EQ(p.info, forecast_info::too_few_points);
  EXPECT_NEAR(*p.value, 14.0, 1e-12);
  EXPECT_FALSE(p.low || p.high);

  // Flat values: a zero slope is an answer; r-squared is not (0 / 0).
  f = fit_trend(three, std::vector<double>{7, 7, 7});
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(*f.slope, 0.0, 1e-15);
  EXPECT_FALSE(f.r_squared);
}

// ---- projection ----------------------------------------------------------------------------------

TEST(Projection, IntervalMatchesHandComputation) {
  // x = 0, 1, 2, 3 days; y = 1, 3, 2, 5. By hand: xbar = 1.5, ybar = 2.75, Sxx = 5, Sxy = 5.5,
  // slope = 1.1, intercept = 1.1, residuals -0.1, 0.8, -1.3, 0.6, RSS = 2.7, s^2 = 2.7 / 2 = 1.35.
  // At x0 = 5: value 6.6, se = sqrt(1.35 (1 + 1/4 + 3.5^2 / 5)) = sqrt(4.995) = 2.2349497;
  // t(0.95, 2 dof) = 0.9 / sqrt(0.095) = 2.9199856; half-width 6.5260208.
  const std::vector<date> dates{d("2022-01-01"), d("2022-01-02"), d("2022-01-03"), d("2022-01-04")};
  const trend_fit f = fit_trend(dates, std::vector<double>{1, 3, 2, 5});
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(*f.slope, 1.1, 1e-14);
  EXPECT_NEAR(*f.intercept, 1.1, 1e-14);
  EXPECT_NEAR(*f.residual_se, std::sqrt(1.35), 1e-14);
  const projection p = project(f, d("2022-01-06"));
  ASSERT_TRUE(p.ok()) << p.message;
  EXPECT_EQ(p.level, 0.90);
  EXPECT_NEAR(*p.value, 6.6, 1e-13);
  EXPECT_NEAR(*p.low, 6.6 - 6.5260208, 1e-6);
  EXPECT_NEAR(*p.high, 6.6 + 6.5260208, 1e-6);
  // 95 %: t(0.975, 2) = 0.95 / sqrt(2 * 0.975 * 0.025) = 4.3026527.
  const projection q = project(f, d("2022-01-06"), 0.95);
  EXPECT_NEAR(*q.high - *q.value, 4.3026527 * 2.2349497, 1e-5);
}

TEST(Projection, IntervalMatchesClosedFormOnANoisySeries) {
  std::vector<date> dates;
  std::vector<double> ys;
  noisy_series(dates, ys, 250.0, 0.12, 15.0);
  const closed_form c = least_squares(dates, ys);
  const trend_fit f = fit_trend(dates, ys);
  for (const date when : {d("2018-01-01"), d("2021-06-30"), d("2025-12-31")}) {
    const long double x0 = (when - f.origin).count;
    const long double value = c.intercept + c.slope * x0;
    const long double se = c.s * std::sqrt(1 + 1.0L / c.n + (x0 - c.xbar) * (x0 - c.xbar) / c.sxx);
    const double t = student_t_quantile(0.95, 12);  // checked against tables above
    const projection p = project(f, when);
    ASSERT_TRUE(p.ok());
    EXPECT_NEAR(*p.value, static_cast<double>(value), 1e-9);
    EXPECT_NEAR(*p.low, static_cast<double>(value - t * se), 1e-8);
    EXPECT_NEAR(*p.high, static_cast<double>(value + t * se), 1e-8);
  }
}

TEST(Projection, LogLinearIntervalIsTheExponentOfTheLogInterval) {
  std::vector<date> dates;
  std::vector<double> ys;
  noisy_series(dates, ys, 50.0, 0.05, 3.0);
  std::vector<double> logs;
  for (double y : ys) logs.push_back(std::log(y));
  const closed_form c = least_squares(dates, logs);
  const trend_fit f = fit_trend(dates, ys, trend_model::log_linear);
  const date when = d("2024-12-31");
  const long double x0 = (when - f.origin).count;
  const long double m = c.intercept + c.slope * x0;
  const long double se = c.s * std::sqrt(1 + 1.0L / c.n + (x0 - c.xbar) * (x0 - c.xbar) / c.sxx);
  const double t = student_t_quantile(0.95, 12);
  const projection p = project(f, when);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(*p.value, std::exp(static_cast<double>(m)), 1e-9 * *p.value);
  EXPECT_NEAR(*p.low, std::exp(static_cast<double>(m - t * se)), 1e-9 * *p.value);
  EXPECT_NEAR(*p.high, std::exp(static_cast<double>(m + t * se)), 1e-9 * *p.value);
  EXPECT_GT(*p.high - *p.value, *p.value - *p.low);  // asymmetric on the original scale
}

TEST(Projection, BadLevelsAndFailedFitsGiveReasons) {
  const std::vector<date> dates{d("2022-01-01"), d("2022-01-02"), d("2022-01-03")};
  const trend_fit f = fit_trend(dates, std::vector<double>{1, 3, 2});
  for (double level : {0.0, 1.0, -0.5, 1.5, std::nan("")}) {
    const projection p = project(f, d("2022-02-01"), level);
    EXPECT_EQ(p.info, forecast_info::invalid_argument) << level;
    EXPECT_FALSE(p.value || p.low || p.high);
  }
  const trend_fit bad = fit_trend(dates, std::vector<double>{1, std::nan(""), 2});
  const projection p = project(bad, d("2022-02-01"));
  EXPECT_EQ(p.info, forecast_info::non_finite_value);
  EXPECT_EQ(p.message, bad.message);
  EXPECT_FALSE(p.value || p.low || p.high);
}

// ---- date a target is reached --------------------------------------------------------------------

TEST(ReachDate, IncreasingLine) {
  // value = 2 per day from 0 on 2021-01-01; as of 2021-01-21 (x = 20, value 40).
  const std::vector<date> dates{d("2021-01-01"), d("2021-01-11"), d("2021-01-21")};
  const trend_fit f = fit_trend(dates, std::vector<double>{0, 20, 40});
  const date as_of = d("2021-01-21");
  const auto up = trend_direction::increase;
  eta e = reach_date(f, 100, up, as_of, d("2021-12-31"));  // x = 50
  EXPECT_EQ(e.status, eta_status::reached_on);
  EXPECT_EQ(e.when, d("2021-02-20"));
  e = reach_date(f, 101, up, as_of, d("2021-12-31"));  // x = 50.5: the first whole day is 51
  EXPECT_EQ(e.when, d("2021-02-21"));
  e = reach_date(f, 100, up, as_of, d("2021-02-20"));  // the horizon day itself counts
  EXPECT_EQ(e.status, eta_status::reached_on);
  e = reach_date(f, 100, up, as_of, d("2021-02-19"));
  EXPECT_EQ(e.status, eta_status::not_within_horizon);
  EXPECT_FALSE(e.when);
  e = reach_date(f, 30, up, as_of, d("2021-12-31"));
  EXPECT_EQ(e.status, eta_status::already_reached);
  e = reach_date(f, 40, up, as_of, d("2021-12-31"));  // exactly on target on as_of
  EXPECT_EQ(e.status, eta_status::already_reached);
  e = reach_date(f, 42, up, as_of, d("2021-12-31"));  // the next day
  EXPECT_EQ(e.when, d("2021-01-22"));
  // The same line read as a decrease indicator: above a target of 30 and rising, it never gets there.
  e = reach_date(f, 30, trend_direction::decrease, as_of, d("2030-12-31"));
  EXPECT_EQ(e.status, eta_status::never);
  EXPECT_FALSE(e.when);
}

TEST(ReachDate, DecreasingLineReachesFromAbove) {
  // value = 100 - 2 per day; as of 2021-01-21 it is 60.
  const std::vector<date> dates{d("2021-01-01"), d("2021-01-11"), d("2021-01-21")};
  const trend_fit f = fit_trend(dates, std::vector<double>{100, 80, 60});
  const date as_of = d("2021-01-21");
  eta e = reach_date(f, 10, trend_direction::decrease, as_of, d("2021-12-31"));  // x = 45
  EXPECT_EQ(e.status, eta_status::reached_on);
  EXPECT_EQ(e.when, d("2021-02-15"));
  EXPECT_EQ(reach_date(f, 70, trend_direction::decrease, as_of, d("2021-12-31")).status, eta_status::already_reached);
  EXPECT_EQ(reach_date(f, 10, trend_direction::decrease, as_of, d("2021-02-14")).status,
            eta_status::not_within_horizon);
  EXPECT_EQ(reach_date(f, 200, trend_direction::increase, as_of, d("2099-12-31")).status, eta_status::never);
  // A flat trend never moves.
  const trend_fit flat = fit_trend(dates, std::vector<double>{5, 5, 5});
  EXPECT_EQ(reach_date(flat, 6, trend_direction::increase, as_of, d("2099-12-31")).status, eta_status::never);
  EXPECT_EQ(reach_date(flat, 4, trend_direction::decrease, as_of, d("2099-12-31")).status, eta_status::never);
  EXPECT_EQ(reach_date(flat, 5, trend_direction::decrease, as_of, d("2099-12-31")).status, eta_status::already_reached);
}

TEST(ReachDate, LogLinearGrowth) {
  // Doubling every 10 days from 1 on 2021-01-01: 64 is reached at x = 60, on 2021-03-02.
  std::vector<date> dates;
  std::vector<double> ys;
  for (int k = 0; k < 4; ++k) {
    dates.push_back(d("2021-01-01") + days{10 * k});
    ys.push_back(std::pow(2.0, k));
  }
  const trend_fit f = fit_trend(dates, ys, trend_model::log_linear);
  const date as_of = d("2021-01-31");
  eta e = reach_date(f, 64, trend_direction::increase, as_of, d("2021-12-31"));
  EXPECT_EQ(e.status, eta_status::reached_on);
  EXPECT_EQ(e.when, d("2021-03-02"));
  EXPECT_EQ(reach_date(f, -5, trend_direction::increase, as_of, d("2021-12-31")).status, eta_status::already_reached);
  EXPECT_EQ(reach_date(f, 0, trend_direction::decrease, as_of, d("2099-12-31")).status, eta_status::never);
  EXPECT_EQ(reach_date(f, 0.5, trend_direction::decrease, as_of, d("2099-12-31")).status, eta_status::never);
}

TEST(ReachDate, NoAnswerCases) {
  const std::vector<date> one{d("2021-01-01")};
  const trend_fit none = fit_trend(one, std::vector<double>{1});
  eta e = reach_date(none, 10, trend_direction::increase, d("2021-01-01"), d("2022-01-01"));
  EXPECT_EQ(e.status, eta_status::no_answer);
  EXPECT_EQ(e.info, forecast_info::too_few_points);
  EXPECT_FALSE(e.when);

  const std::vector<date> dates{d("2021-01-01"), d("2021-01-11")};
  const trend_fit f = fit_trend(dates, std::vector<double>{0, 10});
  e = reach_date(f, 100, trend_direction::increase, d("2021-06-01"), d("2021-05-01"));
  EXPECT_EQ(e.status, eta_status::no_answer);
  EXPECT_EQ(e.info, forecast_info::invalid_argument);
  EXPECT_NE(e.message.find("2021-05-01"), std::string::npos) << e.message;
  e = reach_date(f, std::nan(""), trend_direction::increase, d("2021-01-11"), d("2022-01-01"));
  EXPECT_EQ(e.info, forecast_info::invalid_argument);
  // Two points are enough for an ETA (no interval is involved).
  e = reach_date(f, 100, trend_direction::increase, d("2021-01-11"), d("2022-01-01"));
  EXPECT_EQ(e.when, d("2021-04-11"));  // x = 100
}

// ---- forecast_series (issue 11) -------------------------------------------------------------------

namespace {

series_forecast run(std::vector<double> y, std::size_t h, forecast_method m, forecast_domain dom = {}, int season = 1) {
  series_forecast_options o;
  o.method = m;
  o.season = season;
  o.domain = dom;
  return forecast_series(y, h, o);
}

}  // namespace

TEST(ForecastSeries, MethodNamesRoundTrip) {
  for (std::string_view n : {"auto", "naive", "drift", "linear", "log_linear", "ses", "damped", "theta"})
    EXPECT_EQ(to_string(*parse_forecast_method(n)), n);
  EXPECT_FALSE(parse_forecast_method("arima"));
}

TEST(ForecastSeries, NaiveByHand) {
  // y = 3, 5, 4, 6: forecast 6 at every step. One-step errors of the random walk: 2, -1, 2, so
  // sigma^2 = (4 + 1 + 4) / 3 = 3 with 3 degrees of freedom; step k has variance 3 k. Only one
  // rolling origin (t = 3) has a following value, too few for an empirical width, so the model's:
  // step 1: 6 -/+ t(0.95, 3) sqrt(3) = 6 -/+ 2.353363 * 1.732051 = 6 -/+ 4.076146.
  const auto f = run({3, 5, 4, 6}, 2, forecast_method::naive);
  ASSERT_TRUE(f.ok()) << f.message;
  EXPECT_EQ(f.method_used, "naive");
  EXPECT_DOUBLE_EQ(f.mean[0], 6);
  EXPECT_DOUBLE_EQ(f.mean[1], 6);
  EXPECT_NEAR(f.low[0], 6 - 4.076146, 1e-5);
  EXPECT_NEAR(f.high[1], 6 + 2.353363 * std::sqrt(6.0), 1e-5);
}

TEST(ForecastSeries, DriftAndLinearByHand) {
  // Drift: y = 1, 3, 4, 8; slope (8 - 1) / 3 = 7/3: 8 + 7/3, 8 + 14/3.
  auto f = run({1, 3, 4, 8}, 2, forecast_method::drift);
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(f.mean[0], 8 + 7.0 / 3, 1e-12);
  EXPECT_NEAR(f.mean[1], 8 + 14.0 / 3, 1e-12);
  // Linear: y = 1, 2, 4 on x = 1, 2, 3: Sxx = 2, Sxy = (-1)(1 - 7/3) + (1)(4 - 7/3) = 3, slope 1.5,
  // intercept 7/3 - 1.5 * 2 = -2/3; at x = 4: -2/3 + 6 = 16/3.
  f = run({1, 2, 4}, 1, forecast_method::linear);
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(f.mean[0], 16.0 / 3, 1e-12);
  // Log-linear: y = 1, 2, 4, 8 doubles exactly: 16, 32, with no residual error.
  f = run({1, 2, 4, 8}, 2, forecast_method::log_linear);
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(f.mean[0], 16, 1e-9);
  EXPECT_NEAR(f.mean[1], 32, 1e-9);
  EXPECT_EQ(run({1, 0, 4}, 1, forecast_method::log_linear).info, forecast_info::non_positive_value);
}

TEST(ForecastSeries, SesSumOfSquaresByHand) {
  // y = 10, 12, 11, alpha = 0.5. With l_0 = 0 the errors are a = 10, 7, 2.5 (levels 5, 8.5, 9.75);
  // their sensitivity to l_0 is g = 1, 0.5, 0.25. Best l_0 = sum(a g) / sum(g^2) = 14.125 / 1.3125
  // = 10.761905; then e = -0.761905, 1.619048, -0.190476 (levels 10.380952, 11.190476, 11.095238),
  // SSE = 0.580499 + 2.621315 + 0.036281 = 3.238095.
  const auto f = detail::ses_sse(std::vector<double>{10, 12, 11}, 0.5);
  EXPECT_NEAR(f.l0, 10.761905, 1e-6);
  EXPECT_NEAR(f.level, 11.095238, 1e-6);
  EXPECT_NEAR(f.sse, 3.238095, 1e-6);
  // The fitted alpha minimises the SSE: no point of a fine grid (a second, brute-force search) is lower.
  const std::vector<double> y{10, 12, 11, 14, 13, 15, 14, 17};
  const auto best = detail::fit_ses(y);
  for (int i = 1; i < 10000; ++i) EXPECT_GE(detail::ses_sse(y, i / 10000.0).sse, best.sse - 1e-9);
  // The SES forecast is flat at the last level.
  const auto s = run(y, 3, forecast_method::ses);
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s.mean[0], s.mean[2]);
  EXPECT_NEAR(s.mean[0], best.level, 1e-12);
}

TEST(ForecastSeries, ThetaByHand) {
  // y = 1, 2, 3, 4: SES fits best with alpha at its bound 0.9999 (any smaller alpha lags the trend),
  // so l_n = 4 (to 1e-3) and (1 - (1 - alpha)^n) / alpha = 1; the regression slope is 1, the drift
  // 1/2: F_{n+h} = 4 + (1/2)(h - 1 + 1) = 4.5, 5, 5.5 (Hyndman and Billah 2003, eq. 5).
  const auto f = run({1, 2, 3, 4}, 3, forecast_method::theta);
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(f.mean[0], 4.5, 2e-3);
  EXPECT_NEAR(f.mean[1], 5.0, 2e-3);
  EXPECT_NEAR(f.mean[2], 5.5, 2e-3);
}

TEST(ForecastSeries, DampedTrendClosedForm) {
  // y = 1, 3 with alpha 0.5, beta 0.25, phi 0.9: two values, two initial states, so the fit is
  // exact (SSE 0): 1 = l_0 + 0.9 b_0 and 3 = l_1 + 0.9 b_1 with l_1 = 1, b_1 = 0.9 b_0 give
  // b_0 = 2 / 0.81; then l_2 = 1 + 0.9 * 2/0.9 = 3, b_2 = 0.9 * 2/0.9 = 2.
  const auto f = detail::damped_sse(std::vector<double>{1, 3}, 0.5, 0.25, 0.9);
  EXPECT_NEAR(f.sse, 0, 1e-12);
  EXPECT_NEAR(f.level, 3, 1e-12);
  EXPECT_NEAR(f.trend, 2, 1e-12);
  // The forecast path is l_n + (phi + ... + phi^h) b_n: its increments shrink by phi each step.
  const auto p = run({10, 14, 17, 19.5, 21.5, 23, 24.2, 25.1}, 5, forecast_method::damped);
  ASSERT_TRUE(p.ok());
  const double d1 = p.mean[1] - p.mean[0], d2 = p.mean[2] - p.mean[1], d3 = p.mean[3] - p.mean[2];
  const double phi = d2 / d1;
  EXPECT_NEAR(d3 / d2, phi, 1e-9);
  EXPECT_GE(phi, 0.8 - 1e-12);
  EXPECT_LE(phi, 0.98 + 1e-12);
}

TEST(ForecastSeries, SeasonalAdjustment) {
  // Six years of a flat level 100 times the factors 1.2, 0.8, 1.1, 0.9. Deviations from the mean 100
  // are 20, -20, 10, -10 repeated: r_1 = -5200/6000 = -0.8667, r_2 = 0.7333, r_3 = -0.7833,
  // r_4 = 5000/6000 = 0.8333 > 1.645 sqrt((1 + 2 (0.7511 + 0.5378 + 0.6136)) / 24) = 0.7360: seasonal.
  // (Four years are not: r_4 = 0.75 < 0.8701.) The 2 x 4 moving average is exactly 100, so the indices
  // are the factors; the adjusted series is flat 100, naive forecasts 100 and re-seasonalises to 120,
  // 80, 110, 90 for the next year (24 values: position 24 mod 4 = 0).
  std::vector<double> y;
  for (int yr = 0; yr < 6; ++yr)
    for (double s : {1.2, 0.8, 1.1, 0.9}) y.push_back(100 * s);
  EXPECT_FALSE(detail::is_seasonal(std::span<const double>(y.data(), 16), 4));
  EXPECT_TRUE(detail::is_seasonal(y, 4));
  EXPECT_FALSE(detail::is_seasonal(std::span<const double>(y.data(), 11), 4));  // fewer than 3 years of data
  const auto f = run(y, 4, forecast_method::naive, {}, 4);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f.seasonal);
  EXPECT_EQ(f.method_used, "naive, seasonally adjusted");
  EXPECT_NEAR(f.mean[0], 120, 1e-9);
  EXPECT_NEAR(f.mean[1], 80, 1e-9);
  EXPECT_NEAR(f.mean[2], 110, 1e-9);
  EXPECT_NEAR(f.mean[3], 90, 1e-9);
}

TEST(ForecastSeries, AutoCombinesThetaAndDrift) {
  const std::vector<double> y{12, 15, 14, 18, 21, 20, 24, 27, 26, 30};
  const auto a = run(y, 4, forecast_method::automatic);
  const auto t = run(y, 4, forecast_method::theta);
  const auto d = run(y, 4, forecast_method::drift);
  ASSERT_TRUE(a.ok() && t.ok() && d.ok());
  EXPECT_EQ(a.method_used, "auto (2/3 theta + 1/3 drift)");
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_NEAR(a.mean[k], 2.0 / 3 * t.mean[k] + 1.0 / 3 * d.mean[k], 1e-9);
    EXPECT_LT(a.low[k], a.mean[k]);
    EXPECT_GT(a.high[k], a.mean[k]);
  }
  // Intervals widen with the horizon.
  EXPECT_GT(a.high[3] - a.low[3], a.high[0] - a.low[0]);
  // A short series falls back (and says so).
  EXPECT_EQ(run({1, 2, 3}, 1, forecast_method::automatic).method_used, "auto (theta: short series)");
  EXPECT_EQ(run({5}, 1, forecast_method::automatic).method_used, "auto (naive: short series)");
}

TEST(ForecastSeries, DomainLimits) {
  // A count falling by 3 a period: drift says 1 - 3 = -2, -5; censored at 0, and so are the bounds.
  forecast_domain count;
  count.lower = 0;
  auto f = run({10, 7, 4, 1}, 2, forecast_method::drift, count);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.mean[0], 0);
  EXPECT_EQ(f.low[1], 0);
  // A percentage rising past 100 stops at 100.
  forecast_domain pct;
  pct.lower = 0;
  pct.upper = 100;
  f = run({90, 94, 97, 99.5}, 3, forecast_method::linear, pct);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_LE(f.high[k], 100);
  EXPECT_EQ(f.mean[2], 100);
  // A running total (flows 10, 10, 5, 0, 1): forecast on the flows, never below the reached 26, never
  // falling, the interval too; p_reach of a total already reached is 1.
  forecast_domain total;
  total.lower = 0;
  total.cumulative = true;
  total.flow_lower = 0;
  f = run({10, 20, 25, 25, 26}, 6, forecast_method::automatic, total);
  ASSERT_TRUE(f.ok());
  for (std::size_t k = 0; k < 6; ++k) {
    EXPECT_GE(f.low[k], 26);
    EXPECT_GE(f.mean[k], k ? f.mean[k - 1] : 26);
    EXPECT_GE(f.low[k], k ? f.low[k - 1] : 26);
  }
  EXPECT_EQ(*reach_probability(f, 5, 26, trend_direction::increase), 1.0);
  // Bad input says why.
  EXPECT_EQ(run({1, std::nan(""), 3}, 1, forecast_method::naive).info, forecast_info::non_finite_value);
  EXPECT_EQ(run({}, 1, forecast_method::naive).info, forecast_info::too_few_points);
  EXPECT_EQ(run({1, 2}, 0, forecast_method::naive).info, forecast_info::invalid_argument);
  EXPECT_EQ(run({1, 2}, 1, forecast_method::damped).info, forecast_info::too_few_points);
}

TEST(ForecastSeries, ReachProbabilityByHand) {
  // A predictive t with 4 degrees of freedom centred at 100 with scale 10: t(0.95, 4) = 2.131847
  // (table), so P(X >= 121.31847) = 0.05 and P(X >= 100) = 0.5; for a decreasing indicator
  // P(X <= 121.31847) = 0.95.
  series_forecast f;
  f.info = forecast_info::success;
  f.center = {100};
  f.scale = {10};
  f.mean = {100};
  f.low = {80};
  f.high = {120};
  f.dof = 4;
  f.domain.lower = 0;
  EXPECT_NEAR(*reach_probability(f, 0, 121.31847, trend_direction::increase), 0.05, 1e-6);
  EXPECT_NEAR(*reach_probability(f, 0, 100, trend_direction::increase), 0.5, 1e-12);
  EXPECT_NEAR(*reach_probability(f, 0, 121.31847, trend_direction::decrease), 0.95, 1e-6);
  // Censoring at the domain: a target at or below 0 is sure for an increase, below 0 impossible for a decrease.
  EXPECT_EQ(*reach_probability(f, 0, 0, trend_direction::increase), 1.0);
  EXPECT_EQ(*reach_probability(f, 0, -1, trend_direction::decrease), 0.0);
  EXPECT_FALSE(reach_probability(f, 1, 100, trend_direction::increase));  // no such step
  EXPECT_EQ(*first_step_reaching(f, 100, trend_direction::increase), 0u);
  EXPECT_FALSE(first_step_reaching(f, 101, trend_direction::increase));
}
