// regiokpi: least-squares trends over an indicator's series (linear, or log-linear for growth), the
// projected value at a date with a Student-t prediction interval, and the date a target is reached.
//   auto fit = regiokpi::fit_trend(dates, values);                    // linear; x = days since fit.origin
//   auto p = regiokpi::project(fit, regiokpi::parse_date("2025-12-31"));  // value, low, high at 90 %
//   auto e = regiokpi::reach_date(fit, 500.0, trend_direction::increase, as_of, horizon);
// Nothing here invents a number: when a fit cannot answer (too few points, one date only, a NaN, a
// value <= 0 for a growth trend) the optional fields stay empty and `info` plus `message` say why,
// in the spirit of Eigen's ComputationInfo.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/error.hpp"

namespace regiokpi {

/// The shape of a trend. log_linear fits log(value) on time, i.e. a constant growth rate; it needs
/// strictly positive values.
enum class trend_model : std::uint8_t { linear, log_linear };

/// Why a forecast routine could not (fully) answer; success when it did.
enum class forecast_info : std::uint8_t {
  success,
  too_few_points,      ///< fewer than 2 points for a trend, fewer than 3 for an interval
  all_dates_equal,     ///< every point is on one date: no slope can be fitted
  non_finite_value,    ///< a value is NaN or infinite
  non_positive_value,  ///< a log-linear trend over a value <= 0
  invalid_argument,    ///< a caller's parameter is unusable (level outside (0, 1), mismatched spans ...)
};

/// "success", "too_few_points", "all_dates_equal", "non_finite_value", "non_positive_value", "invalid_argument".
constexpr std::string_view to_string(forecast_info i) noexcept {
  constexpr std::array<std::string_view, 6> names{"success",          "too_few_points",     "all_dates_equal",
                                                  "non_finite_value", "non_positive_value", "invalid_argument"};
  return names[static_cast<std::size_t>(i)];
}

/// "linear" or "log_linear".
constexpr std::string_view to_string(trend_model m) noexcept {
  return m == trend_model::linear ? "linear" : "log_linear";
}

/// Which way an indicator improves: an increasing one reaches its target from below (value >= target),
/// a decreasing one from above (value <= target).
enum class trend_direction : std::uint8_t { increase, decrease };

/// A fitted trend. The model is value = intercept + slope * x (linear) or
/// log(value) = intercept + slope * x (log-linear), with x = days since `origin` (the earliest date of
/// the series). Fitted by Householder QR on centred x (see fit_trend).
struct trend_fit {
  trend_model model = trend_model::linear;
  forecast_info info = forecast_info::too_few_points;
  std::string message;  ///< why, when info != success; empty otherwise
  std::size_t n = 0;    ///< number of points
  date origin;          ///< x = 0: the earliest date of the series
  date last;            ///< the latest date of the series
  /// Model-space value at `origin` (a log for log_linear).
  std::optional<double> intercept;
  /// Model-space change per day (log units per day for log_linear).
  std::optional<double> slope;
  /// sqrt(RSS / (n - 2)) in model space; needs n >= 3.
  std::optional<double> residual_se;
  /// 1 - RSS / TSS in model space; empty when n < 3 or all values are equal.
  std::optional<double> r_squared;
  /// Mean x in days, and the R factor of the QR of [1, x - x_mean]: R'R = X'X, used for the
  /// variance of a projection (internal to project(), public so a fit stays a plain value).
  double x_mean = 0.0;
  std::array<double, 3> r_factor{};  ///< r00, r01, r11

  [[nodiscard]] bool ok() const noexcept { return info == forecast_info::success; }
  /// The slope per year of 365.25 days, in model space.
  [[nodiscard]] std::optional<double> slope_per_year() const {
    return slope ? std::optional<double>(*slope * 365.25) : std::nullopt;
  }
  /// For log_linear: the relative growth per year of 365.25 days (0.05 = 5 % a year).
  [[nodiscard]] std::optional<double> growth_per_year() const {
    if (!slope || model != trend_model::log_linear) return std::nullopt;
    return std::expm1(*slope * 365.25);
  }
  /// The trend's value (not its log) at a date; empty when there is no trend.
  [[nodiscard]] std::optional<double> value_at(date d) const {
    if (!intercept || !slope) return std::nullopt;
    const double m = *intercept + *slope * static_cast<double>((d - origin).count);
    return model == trend_model::linear ? m : std::exp(m);
  }
};

/// Fits a least-squares trend to (dates[i], values[i]). Never throws for bad data: info says why a
/// fit failed (mismatched lengths, a non-finite value, a value <= 0 for log_linear, fewer than 2
/// points, all dates equal). residual_se and r_squared need at least 3 points.
inline trend_fit fit_trend(std::span<const date> dates, std::span<const double> values,
                           trend_model model = trend_model::linear);

/// One point of a series, for callers that hold pairs rather than columns.
struct observation {
  date when;
  double value = 0.0;
};

/// fit_trend over a span of observations.
inline trend_fit fit_trend(std::span<const observation> series, trend_model model = trend_model::linear);

/// The trend's value at a date and a two-sided prediction interval for a new observation there.
struct projection {
  forecast_info info = forecast_info::too_few_points;
  std::string message;  ///< why value or the interval is missing
  date when;
  double level = 0.90;          ///< the interval's coverage, two-sided
  std::optional<double> value;  ///< trend value (for log_linear: exp of the log trend, the median)
  std::optional<double> low;    ///< lower bound of the prediction interval
  std::optional<double> high;   ///< upper bound of the prediction interval
  [[nodiscard]] bool ok() const noexcept { return info == forecast_info::success; }
};

/// Projects a fit to `when`: value = trend value there; low/high = value -/+ t * s * sqrt(1 + 1/n +
/// (x0 - x_mean)^2 / Sxx), t the Student t quantile at (1 + level) / 2 with n - 2 degrees of freedom
/// (for log_linear the interval is computed on the log scale and exponentiated, so it is
/// asymmetric). With 2 points the value is given but not the interval (info too_few_points); a
/// failed fit gives neither; a level outside (0, 1) gives invalid_argument.
inline projection project(const trend_fit& fit, date when, double level = 0.90);

/// What reach_date found.
enum class eta_status : std::uint8_t {
  reached_on,          ///< the trend reaches the target on `when`, after as_of and by the horizon
  already_reached,     ///< the trend is at or past the target on as_of
  not_within_horizon,  ///< the trend goes the right way but reaches the target after the horizon
  never,               ///< the trend is flat or goes the wrong way
  no_answer,           ///< there is no trend (see info and message)
};

/// "reached_on", "already_reached", "not_within_horizon", "never", "no_answer".
constexpr std::string_view to_string(eta_status s) noexcept {
  constexpr std::array<std::string_view, 5> names{"reached_on", "already_reached", "not_within_horizon", "never",
                                                  "no_answer"};
  return names[static_cast<std::size_t>(s)];
}

/// The date a trend reaches a target.
struct eta {
  eta_status status = eta_status::no_answer;
  std::optional<date> when;  ///< set for reached_on only
  forecast_info info = forecast_info::success;
  std::string message;  ///< why, for no_answer
};

/// The first day after as_of on which the trend is at or past `target` in the indicator's direction
/// (>= for increase, <= for decrease, within rounding), if that day is no later than `horizon`. A
/// trend already at or past the target on as_of is already_reached; one that is flat or moves away
/// is never. A log-linear trend is always > 0, so a target <= 0 is already reached (increase) or
/// never reached (decrease). horizon < as_of or a non-finite target give no_answer with
/// invalid_argument.
inline eta reach_date(const trend_fit& fit, double target, trend_direction direction, date as_of, date horizon);

/// The cumulative distribution function P(T <= t) of Student's t with `dof` degrees of freedom
/// (dof > 0, not necessarily an integer); throws error(invalid_argument) otherwise.
inline double student_t_cdf(double t, double dof);

/// The quantile t with P(T <= t) = p of Student's t with `dof` degrees of freedom: found by a
/// bracketed Newton iteration on the tail probability, which is the regularised incomplete beta
/// function. Relative accuracy about 1e-12. Throws error(invalid_argument) unless 0 < p < 1, dof > 0.
inline double student_t_quantile(double p, double dof);

// ---- implementation ------------------------------------------------------------------------------

namespace detail {

/// log Gamma(x) for x > 0 by the Lanczos approximation (g = 7, 9 terms; relative error ~1e-15).
/// Ours rather than std::lgamma, which writes the global `signgam` and so is not thread-safe.
inline double log_gamma(double x) noexcept {
  constexpr std::array<double, 9> c{0.99999999999980993,  676.5203681218851,     -1259.1392167224028,
                                    771.32342877765313,   -176.61502916214059,   12.507343278686905,
                                    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
  if (x < 0.5)  // reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x)
    return std::log(std::numbers::pi / std::sin(std::numbers::pi * x)) - log_gamma(1.0 - x);
  x -= 1.0;
  double a = c[0];
  const double t = x + 7.5;
  for (std::size_t i = 1; i < c.size(); ++i) a += c[i] / (x + static_cast<double>(i));
  return 0.5 * std::log(2.0 * std::numbers::pi) + (x + 0.5) * std::log(t) - t + std::log(a);
}

/// The continued fraction of the incomplete beta function (modified Lentz), converging fast for
/// x < (a + 1) / (a + b + 2).
inline double incomplete_beta_fraction(double a, double b, double x) noexcept {
  constexpr double tiny = 1e-300;
  constexpr double eps = 1e-16;
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::abs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double dm = m;
    const double m2 = 2.0 * dm;
    double aa = dm * (b - dm) * x / ((qam + m2) * (a + m2));  // even step
    d = 1.0 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + dm) * (qab + dm) * x / ((a + m2) * (qap + m2));  // odd step
    d = 1.0 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::abs(del - 1.0) < eps) break;
  }
  return h;
}

/// The regularised incomplete beta function I_x(a, b) for a, b > 0, with y = 1 - x passed in by
/// the caller so that it can be computed without cancellation, and log B(a, b) precomputed.
inline double regularized_incomplete_beta(double a, double b, double x, double y, double log_beta) noexcept {
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return 1.0;
  const double front = std::exp(a * std::log(x) + b * std::log(y) - log_beta);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * incomplete_beta_fraction(a, b, x) / a;
  return 1.0 - front * incomplete_beta_fraction(b, a, y) / b;
}

/// Student's t with `dof` degrees of freedom, its constants computed once.
struct student_t_distribution {
  double dof;
  double log_beta;  // log B(dof / 2, 1 / 2)
  double log_norm;  // log of the density at 0

  explicit student_t_distribution(double v) noexcept
      : dof(v),
        log_beta(log_gamma(0.5 * v) + log_gamma(0.5) - log_gamma(0.5 * v + 0.5)),
        log_norm(-log_beta - 0.5 * std::log(v)) {}

  /// P(T > t) for t >= 0: I_{dof / (dof + t^2)}(dof / 2, 1 / 2) / 2.
  [[nodiscard]] double upper_tail(double t) const noexcept {
    const double t2 = t * t;
    return 0.5 * regularized_incomplete_beta(0.5 * dof, 0.5, dof / (dof + t2), t2 / (dof + t2), log_beta);
  }

  [[nodiscard]] double pdf(double t) const noexcept {
    return std::exp(log_norm - 0.5 * (dof + 1.0) * std::log1p(t * t / dof));
  }
};

/// The standard normal quantile by Acklam's rational approximation (relative error ~1e-9): only a
/// starting point for the t quantile's Newton iteration, so its accuracy affects speed, not results.
inline double normal_quantile_estimate(double p) noexcept {
  constexpr std::array<double, 6> a{-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                    1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr std::array<double, 5> b{-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                    6.680131188771972e+01, -1.328068155288572e+01};
  constexpr std::array<double, 6> c{-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                    -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr std::array<double, 4> d{7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                    3.754408661907416e+00};
  const auto tail = [&](double q) {
    const double r = std::sqrt(-2.0 * std::log(q));
    return (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) /
           ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1.0);
  };
  if (p < 0.02425) return tail(p);
  if (p > 1.0 - 0.02425) return -tail(1.0 - p);
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

/// The shortest text that reads back as the same double ("0.9", "nan", "-3"), for messages.
inline std::string format_number(double v) {
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), r.ptr);
}

inline void check_dof(double dof) {
  if (!(dof > 0.0) || !std::isfinite(dof))
    throw error(errc::invalid_argument,
                "Student t degrees of freedom must be a finite number > 0, got " + format_number(dof));
}

inline std::string describe_point(std::size_t i, date d) {
  return "point " + std::to_string(i + 1) + " (" + format_date(d) + ")";
}

}  // namespace detail

inline double student_t_cdf(double t, double dof) {
  detail::check_dof(dof);
  if (std::isnan(t)) throw error(errc::invalid_argument, "Student t cdf of NaN");
  const double tail = detail::student_t_distribution(dof).upper_tail(std::abs(t));
  return t >= 0.0 ? 1.0 - tail : tail;
}

inline double student_t_quantile(double p, double dof) {
  detail::check_dof(dof);
  if (!(p > 0.0 && p < 1.0))
    throw error(errc::invalid_argument, "a quantile's probability must be in (0, 1), got " + detail::format_number(p));
  if (p == 0.5) return 0.0;
  // Solve the upper tail P(T > t) = q for t > 0 and use symmetry: working with the tail keeps
  // accuracy for p near 1, where 1 - cdf would cancel.
  const bool upper = p > 0.5;
  const double q = upper ? 1.0 - p : p;
  const detail::student_t_distribution dist(dof);
  // Start from the Cornish-Fisher expansion of t around the normal quantile z (Abramowitz and Stegun
  // 26.7.5): two or three Newton steps from there for dof >= 3, a few more for heavy tails.
  const double z = -detail::normal_quantile_estimate(q);
  const double z2 = z * z;
  const double g1 = (z2 + 1.0) * z / 4.0;
  const double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
  const double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
  const double g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
  double t = z + (g1 + (g2 + (g3 + g4 / dof) / dof) / dof) / dof;
  if (!(t > 0.0) || !std::isfinite(t)) t = 1.0;
  // Newton on g(t) = tail(t) - q, decreasing and convex for t > 0, inside a bracket [lo, hi] that
  // every evaluation narrows; a step that leaves it is replaced by bisection (or doubling while
  // no upper bound is known).
  double lo = 0.0;
  double hi = std::numeric_limits<double>::infinity();
  for (int i = 0; i < 400; ++i) {
    const double g = dist.upper_tail(t) - q;
    if (g == 0.0) break;
    if (g > 0.0)
      lo = t;
    else
      hi = t;
    double next = t + g / dist.pdf(t);
    if (!(next > lo && next < hi)) next = std::isinf(hi) ? 2.0 * t : 0.5 * (lo + hi);
    if (std::isinf(next)) return upper ? next : -next;
    const double step = std::abs(next - t);
    t = next;
    if (step <= 1e-15 * t || (std::isfinite(hi) && hi - lo <= 1e-15 * hi)) break;
  }
  return upper ? t : -t;
}

inline trend_fit fit_trend(std::span<const date> dates, std::span<const double> values, trend_model model) {
  trend_fit f;
  f.model = model;
  f.n = dates.size();
  if (dates.size() != values.size()) {
    f.info = forecast_info::invalid_argument;
    f.message = "a series needs as many dates as values, got " + std::to_string(dates.size()) + " dates and " +
                std::to_string(values.size()) + " values";
    return f;
  }
  const std::size_t n = dates.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(values[i])) {
      f.info = forecast_info::non_finite_value;
      f.message =
          detail::describe_point(i, dates[i]) + ": the value " + detail::format_number(values[i]) + " is not finite";
      return f;
    }
    if (model == trend_model::log_linear && !(values[i] > 0.0)) {
      f.info = forecast_info::non_positive_value;
      f.message = detail::describe_point(i, dates[i]) + ": a log-linear (growth) trend needs values > 0, got " +
                  detail::format_number(values[i]);
      return f;
    }
  }
  if (n < 2) {
    f.info = forecast_info::too_few_points;
    f.message = "a trend needs at least 2 points, got " + std::to_string(n);
    return f;
  }
  const auto [first, last] = std::minmax_element(dates.begin(), dates.end());
  f.origin = *first;
  f.last = *last;
  if (*first == *last) {
    f.info = forecast_info::all_dates_equal;
    f.message = "all " + std::to_string(n) + " points are on " + format_date(*first) + ": no slope can be fitted";
    return f;
  }

  // x in days since the origin are exact integers; centring them makes the two columns of the design
  // matrix orthogonal, so the least-squares problem is perfectly conditioned whatever the dates are.
  // Householder QR then solves it without forming X'X (whose condition number is the square of X's),
  // and its R factor gives the projection variance directly.
  double x_sum = 0.0;
  for (const date d : dates) x_sum += static_cast<double>((d - f.origin).count);
  f.x_mean = x_sum / static_cast<double>(n);
  const auto rows = static_cast<Eigen::Index>(n);
  Eigen::Matrix<double, Eigen::Dynamic, 2> x(rows, 2);
  Eigen::VectorXd y(rows);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const auto k = static_cast<std::size_t>(i);
    x(i, 0) = 1.0;
    x(i, 1) = static_cast<double>((dates[k] - f.origin).count) - f.x_mean;
    y(i) = model == trend_model::linear ? values[k] : std::log(values[k]);
  }
  const Eigen::HouseholderQR<Eigen::Matrix<double, Eigen::Dynamic, 2>> qr(x);
  const Eigen::Vector2d beta = qr.solve(y);
  const auto& packed = qr.matrixQR();
  f.r_factor = {packed(0, 0), packed(0, 1), packed(1, 1)};
  f.slope = beta(1);
  f.intercept = beta(0) - beta(1) * f.x_mean;  // beta(0) is the fitted value at x_mean
  f.info = forecast_info::success;
  if (n >= 3) {
    const double rss = (y - x * beta).squaredNorm();
    f.residual_se = std::sqrt(rss / static_cast<double>(n - 2));
    const double tss = (y.array() - y.mean()).matrix().squaredNorm();
    if (tss > 0.0) f.r_squared = 1.0 - rss / tss;
  }
  return f;
}

inline trend_fit fit_trend(std::span<const observation> series, trend_model model) {
  std::vector<date> dates(series.size());
  std::vector<double> values(series.size());
  for (std::size_t i = 0; i < series.size(); ++i) {
    dates[i] = series[i].when;
    values[i] = series[i].value;
  }
  return fit_trend(std::span<const date>(dates), std::span<const double>(values), model);
}

inline projection project(const trend_fit& fit, date when, double level) {
  projection p;
  p.when = when;
  p.level = level;
  if (!(level > 0.0 && level < 1.0)) {
    p.info = forecast_info::invalid_argument;
    p.message = "the interval level must be in (0, 1), got " + detail::format_number(level);
    return p;
  }
  if (!fit.ok() || !fit.intercept || !fit.slope) {
    p.info = fit.ok() ? forecast_info::invalid_argument : fit.info;
    p.message = fit.ok() ? "the fit has no coefficients" : fit.message;
    return p;
  }
  const double x0 = static_cast<double>((when - fit.origin).count);
  const double m = *fit.intercept + *fit.slope * x0;
  p.value = fit.model == trend_model::linear ? m : std::exp(m);
  if (!fit.residual_se) {
    p.info = forecast_info::too_few_points;
    p.message = "a prediction interval needs at least 3 points, got " + std::to_string(fit.n);
    return p;
  }
  // Var(new y at x0) = s^2 (1 + z'(X'X)^-1 z) with z = (1, x0 - x_mean); X'X = R'R, so
  // z'(X'X)^-1 z = |R^-T z|^2, one forward substitution with the 2x2 triangle.
  const double v0 = 1.0 / fit.r_factor[0];
  const double v1 = ((x0 - fit.x_mean) - fit.r_factor[1] * v0) / fit.r_factor[2];
  const double se = *fit.residual_se * std::sqrt(1.0 + v0 * v0 + v1 * v1);
  // Reports project thousands of series of the same length at one level: remember the last quantile
  // (per thread, so no locking) instead of iterating for the same answer again.
  struct last_quantile {
    double p = 0.0;
    double dof = 0.0;
    double t = 0.0;
  };
  thread_local last_quantile cache;
  const double tail_p = 0.5 * (1.0 + level);
  const auto dof = static_cast<double>(fit.n - 2);
  if (cache.p != tail_p || cache.dof != dof) cache = {tail_p, dof, student_t_quantile(tail_p, dof)};
  const double t = cache.t;
  const double lo = m - t * se;
  const double hi = m + t * se;
  p.low = fit.model == trend_model::linear ? lo : std::exp(lo);
  p.high = fit.model == trend_model::linear ? hi : std::exp(hi);
  p.info = forecast_info::success;
  return p;
}

inline eta reach_date(const trend_fit& fit, double target, trend_direction direction, date as_of, date horizon) {
  eta e;
  const auto fail = [&e](forecast_info info, std::string message) {
    e.status = eta_status::no_answer;
    e.info = info;
    e.message = std::move(message);
    return e;
  };
  if (!fit.ok() || !fit.intercept || !fit.slope)
    return fail(fit.ok() ? forecast_info::invalid_argument : fit.info,
                fit.ok() ? "the fit has no coefficients" : fit.message);
  if (!std::isfinite(target)) return fail(forecast_info::invalid_argument, "the target is not finite");
  if (horizon < as_of)
    return fail(forecast_info::invalid_argument,
                "the horizon " + format_date(horizon) + " is before the as-of date " + format_date(as_of));
  const bool up = direction == trend_direction::increase;
  if (fit.model == trend_model::log_linear && target <= 0.0) {
    // exp(...) > 0 >= target: an increase target is met already, a decrease target never.
    e.status = up ? eta_status::already_reached : eta_status::never;
    return e;
  }
  // Work in model space, where the trend is a line: reached(x) <=> sign * (a + b x - g) >= 0.
  const double g = fit.model == trend_model::linear ? target : std::log(target);
  const double a = *fit.intercept;
  const double b = *fit.slope;
  const double sign = up ? 1.0 : -1.0;
  // "At the target" allows for rounding (1e-12 relative), so that a line that hits the target exactly
  // on a day is not put a day later by the last bit of a logarithm.
  const auto reached_at = [&](std::int64_t x) {
    const double m = a + b * static_cast<double>(x);
    return sign * (m - g) >= -1e-12 * std::max({std::abs(m), std::abs(g), 1.0});
  };
  const std::int64_t x_as_of = (as_of - fit.origin).count;
  const std::int64_t x_horizon = (horizon - fit.origin).count;
  if (reached_at(x_as_of)) {
    e.status = eta_status::already_reached;
    return e;
  }
  // A slope that moves the trend by less than rounding over the data (the fit of a constant series
  // gives ~1e-17 rather than 0) counts as flat, which never reaches a target it is not at.
  const double span = static_cast<double>((fit.last - fit.origin).count);
  const bool flat = std::abs(b) * span <= 1e-12 * std::max(std::abs(a), std::abs(a + b * span));
  if (flat || !(sign * b > 0.0)) {
    e.status = eta_status::never;
    return e;
  }
  const double crossing = (g - a) / b;                    // days since origin, > x_as_of here
  if (crossing > static_cast<double>(x_horizon) + 1.0) {  // beyond any rounding; checked exactly below
    e.status = eta_status::not_within_horizon;
    return e;
  }
  // The first whole day at or past the crossing; nudge by one where rounding put ceil() off by a day.
  auto x = std::max(static_cast<std::int64_t>(std::ceil(crossing)), x_as_of + 1);
  if (x > x_as_of + 1 && reached_at(x - 1)) --x;
  if (!reached_at(x)) ++x;
  if (x > x_horizon) {
    e.status = eta_status::not_within_horizon;
    return e;
  }
  e.status = eta_status::reached_on;
  e.when = fit.origin + days{static_cast<std::int32_t>(x)};
  return e;
}

}  // namespace regiokpi
