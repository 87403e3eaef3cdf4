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
#include <functional>
#include <limits>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE

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

namespace detail {
inline double student_t_quantile_uncached(double p, double dof);
}  // namespace detail

inline double student_t_quantile(double p, double dof) {
  // A report asks for the same few quantiles (one level, a handful of degrees of freedom) tens of
  // thousands of times, and each answer takes Newton steps on the incomplete beta function: remember
  // the last answers, per thread (no locking), in a small direct-mapped table. Only valid arguments
  // are stored, so a hit needs no check; NaN never equals itself and always reaches the checks.
  struct entry {
    double p = -1.0, dof = -1.0, t = 0.0;
  };
  thread_local std::array<entry, 64> memo{};
  const std::size_t slot = (std::hash<double>{}(p)*31u + std::hash<double>{}(dof)) % memo.size();
  if (memo[slot].p == p && memo[slot].dof == dof) return memo[slot].t;
  const double t = detail::student_t_quantile_uncached(p, dof);
  memo[slot] = {p, dof, t};
  return t;
}

inline double detail::student_t_quantile_uncached(double p, double dof) {
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
  const auto dof = static_cast<double>(fit.n - 2);
  const double t = student_t_quantile(0.5 * (1.0 + level), dof);  // memoised there
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

// ---- Forecasting a regular series: naive ... theta, auto (issue 11; docs/forecast.md) ----------------

/// The forecasting methods. `automatic` ("auto") is the mean of ses, damped and theta (the M4
/// competition's "Comb" benchmark), with the quantile average of their intervals.
enum class forecast_method : std::uint8_t { automatic, naive, drift, linear, log_linear, ses, damped, theta };

/// "auto", "naive", "drift", "linear", "log_linear", "ses", "damped", "theta".
constexpr std::string_view to_string(forecast_method m) noexcept {
  constexpr std::array<std::string_view, 8> names{"auto",       "naive", "drift",  "linear",
                                                  "log_linear", "ses",   "damped", "theta"};
  return names[static_cast<std::size_t>(m)];
}

/// The method named by to_string(m); nullopt for any other text.
constexpr std::optional<forecast_method> parse_forecast_method(std::string_view s) noexcept {
  for (std::uint8_t i = 0; i < 8; ++i)
    if (to_string(static_cast<forecast_method>(i)) == s) return static_cast<forecast_method>(i);
  return std::nullopt;
}

/// What values are possible. Forecasts and interval bounds are the quantiles of the predictive
/// distribution censored to [lower, upper] (so they are clamped there). A cumulative series (a
/// running total) is forecast on its per-period flows, which are censored to [flow_lower, +inf),
/// and accumulated from the last value: the running total never falls below what was reached when
/// flow_lower >= 0.
struct forecast_domain {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  bool cumulative = false;
  double flow_lower = -std::numeric_limits<double>::infinity();
};

struct series_forecast_options {
  forecast_method method = forecast_method::automatic;
  double level = 0.90;  ///< two-sided prediction interval
  /// Periods per year of the series: 4 (quarters) or 12 (months) allow a seasonal adjustment, when
  /// the lag-`season` autocorrelation test says the series is seasonal; 1 never adjusts.
  int season = 1;
  forecast_domain domain;
};

/// The forecast of steps 1..h after a series' last value. `mean`, `low` and `high` are within the
/// domain. The predictive distribution of step k (before censoring to the domain) is `center[k] +
/// scale[k] * T` with T Student t with `dof` degrees of freedom, on the log scale for log_linear
/// (then `center`/`scale` are logs); reach_probability() uses it.
struct series_forecast {
  forecast_info info = forecast_info::too_few_points;
  std::string message;                                  ///< why, when info != success
  forecast_method method = forecast_method::automatic;  ///< the method asked for
  /// What was fitted: "theta", "damped", "auto (mean of ses, damped, theta)", each with ", seasonally
  /// adjusted" when a seasonal adjustment was made.
  std::string method_used;
  bool seasonal = false;
  double level = 0.90;
  std::vector<double> mean, low, high;  ///< per step; low/high empty when no interval can be given
  std::vector<double> center, scale;    ///< the predictive distribution per step (see above)
  double dof = 0;
  bool log_scale = false;
  forecast_domain domain;
  double last_value = 0;  ///< the series' last value (a running total's reached value)
  [[nodiscard]] bool ok() const noexcept { return info == forecast_info::success; }
  [[nodiscard]] bool has_interval() const noexcept { return !low.empty(); }
};

/// Forecasts `horizon` (>= 1, at most 10000) steps of an evenly spaced series `y` (oldest first)
/// (a cumulative series costs O(horizon^2) for the running sums' variances, hence the limit).
/// Never throws for bad data: info and message say why nothing (or no interval) could be given.
inline series_forecast forecast_series(std::span<const double> y, std::size_t horizon,
                                       const series_forecast_options& options = {});

/// P(value at step k (0-based) meets `target`) under the forecast's predictive distribution,
/// censored to the domain: for increase P(X >= target), for decrease P(X <= target). nullopt
/// without an interval (too few points) or for k out of range.
inline std::optional<double> reach_probability(const series_forecast& f, std::size_t k, double target,
                                               trend_direction direction);

/// The first step (0-based) whose point forecast meets `target` in `direction`; nullopt if none.
inline std::optional<std::size_t> first_step_reaching(const series_forecast& f, double target,
                                                      trend_direction direction);

namespace detail {

/// One method's forecast on the (seasonally adjusted, unconstrained) scale: means, the MA(inf)
/// weights psi_0 = 1, psi_1, ... of its forecast errors, up to two parameter-uncertainty vectors u_r
/// (error covariance of steps k, l = sigma2 * (sum_j psi_{k-j} psi_{l-j} + sum_r u_r[k] u_r[l])),
/// the innovation variance and the degrees of freedom left.
struct method_path {
  std::vector<double> mean;
  std::vector<double> psi;
  std::vector<std::vector<double>> u;
  double sigma2 = 0;
  double dof = 0;
  bool log_scale = false;
  std::string name;
  forecast_info info = forecast_info::success;
  std::string message;
  std::size_t K = 0;  ///< steps with empirical (rolling-origin) errors: min(h, 24, n - 1)
};

/// Origins (and steps) of the rolling-origin errors behind the empirical interval width (docs/forecast.md).
constexpr std::size_t insample_steps = 24;
/// How many of the latest origins the rolling-origin errors come from.
constexpr std::size_t error_origins = 16;

inline void set_error_steps(method_path& p, std::size_t n, std::size_t h) {
  p.K = std::min({h, insample_steps, n > 1 ? n - 1 : std::size_t{1}});
}

inline double sum_sq(std::span<const double> v) {
  double s = 0;
  for (double x : v) s += x * x;
  return s;
}

/// Ordinary least squares of y on x = 1..n: intercept a, slope b, residual variance s2 (n > 2).
struct ols_line {
  double a = 0, b = 0, s2 = 0, x_mean = 0, sxx = 0;
};
inline ols_line ols_on_index(std::span<const double> y) {
  ols_line r;
  const auto n = static_cast<double>(y.size());
  r.x_mean = (n + 1.0) / 2.0;
  double y_mean = 0;
  for (double v : y) y_mean += v;
  y_mean /= n;
  double sxy = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double dx = static_cast<double>(i + 1) - r.x_mean;
    r.sxx += dx * dx;
    sxy += dx * (y[i] - y_mean);
  }
  r.b = r.sxx > 0 ? sxy / r.sxx : 0.0;
  r.a = y_mean - r.b * r.x_mean;
  double rss = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double e = y[i] - r.a - r.b * static_cast<double>(i + 1);
    rss += e * e;
  }
  r.s2 = y.size() > 2 ? rss / (n - 2.0) : 0.0;
  return r;
}

inline method_path naive_path(std::span<const double> y, std::size_t h) {
  method_path p;
  p.name = "naive";
  const std::size_t n = y.size();
  p.mean.assign(h, y[n - 1]);
  p.psi.assign(h, 1.0);
  double ss = 0;
  for (std::size_t t = 1; t < n; ++t) ss += (y[t] - y[t - 1]) * (y[t] - y[t - 1]);
  p.sigma2 = n > 1 ? ss / static_cast<double>(n - 1) : 0.0;
  p.dof = static_cast<double>(n) - 1.0;
  set_error_steps(p, n, h);
  return p;
}

inline method_path drift_path(std::span<const double> y, std::size_t h) {
  method_path p;
  p.name = "drift";
  const std::size_t n = y.size();
  const double b = (y[n - 1] - y[0]) / static_cast<double>(n - 1);
  for (std::size_t k = 1; k <= h; ++k) p.mean.push_back(y[n - 1] + b * static_cast<double>(k));
  p.psi.assign(h, 1.0);
  double ss = 0;
  for (std::size_t t = 1; t < n; ++t) ss += (y[t] - y[t - 1] - b) * (y[t] - y[t - 1] - b);
  p.dof = static_cast<double>(n) - 2.0;
  p.sigma2 = n > 2 ? ss / p.dof : 0.0;
  // The estimated drift's error, b - beta, has variance sigma2 / (n - 1) and enters step k k times.
  std::vector<double> u;
  for (std::size_t k = 1; k <= h; ++k) u.push_back(static_cast<double>(k) / std::sqrt(static_cast<double>(n - 1)));
  p.u.push_back(std::move(u));
  set_error_steps(p, n, h);
  return p;
}

inline method_path linear_path(std::span<const double> y, std::size_t h, bool log_scale) {
  method_path p;
  p.name = log_scale ? "log_linear" : "linear";
  p.log_scale = log_scale;
  std::vector<double> z(y.begin(), y.end());
  if (log_scale) {
    for (std::size_t i = 0; i < z.size(); ++i) {
      if (!(z[i] > 0)) {
        p.info = forecast_info::non_positive_value;
        p.message = "value " + std::to_string(i + 1) + ": a log-linear (growth) trend needs values > 0, got " +
                    format_number(z[i]);
        return p;
      }
      z[i] = std::log(z[i]);
    }
  }
  const ols_line l = ols_on_index(z);
  const std::size_t n = y.size();
  std::vector<double> u1, u2;
  for (std::size_t k = 1; k <= h; ++k) {
    const double x = static_cast<double>(n + k);
    p.mean.push_back(l.a + l.b * x);
    u1.push_back(1.0 / std::sqrt(static_cast<double>(n)));
    u2.push_back(l.sxx > 0 ? (x - l.x_mean) / std::sqrt(l.sxx) : 0.0);
  }
  p.psi.assign(h, 0.0);
  p.psi[0] = 1.0;
  p.u = {std::move(u1), std::move(u2)};
  p.sigma2 = l.s2;
  p.dof = static_cast<double>(n) - 2.0;
  set_error_steps(p, n, h);
  return p;
}

/// Simple exponential smoothing l_t = l_{t-1} + alpha (y_t - l_{t-1}), fitted by least squares
/// (= maximum likelihood for Gaussian errors) over alpha in [1e-4, 0.9999] and the initial level l_0.
/// The errors are linear in l_0, e_t = a_t - (1 - alpha)^(t-1) l_0 with a_t the errors from l_0 = 0,
/// so for each alpha the best l_0 has a closed form and only alpha is searched (a grid, then golden
/// section around the best grid point).
struct ses_fit {
  double alpha = 0.5, l0 = 0, level = 0, sse = 0;
};
inline ses_fit ses_sse(std::span<const double> y, double alpha) {
  double l = 0, g = 1, sag = 0, sgg = 0, saa = 0;
  for (double v : y) {
    const double a = v - l;
    saa += a * a;
    sag += a * g;
    sgg += g * g;
    l += alpha * a;
    g *= 1.0 - alpha;
  }
  ses_fit f;
  f.alpha = alpha;
  f.l0 = sgg > 0 ? sag / sgg : 0.0;
  f.sse = std::max(0.0, saa - (sgg > 0 ? sag * sag / sgg : 0.0));
  f.level = l + g * f.l0;  // l_n is linear in l_0 with coefficient (1 - alpha)^n
  return f;
}
inline ses_fit fit_ses(std::span<const double> y) {
  constexpr double lo = 1e-4, hi = 0.9999;
  ses_fit best = ses_sse(y, lo);
  double best_a = lo;
  constexpr int grid = 20;
  for (int i = 1; i <= grid; ++i) {
    const double a = lo + (hi - lo) * i / grid;
    const ses_fit f = ses_sse(y, a);
    if (f.sse < best.sse) best = f, best_a = a;
  }
  double a = std::max(lo, best_a - (hi - lo) / grid), b = std::min(hi, best_a + (hi - lo) / grid);
  const double gr = (std::sqrt(5.0) - 1.0) / 2.0;
  double c = b - gr * (b - a), d = a + gr * (b - a);
  double fc = ses_sse(y, c).sse, fd = ses_sse(y, d).sse;
  for (int it = 0; it < 30; ++it) {
    if (fc < fd) {
      b = d, d = c, fd = fc, c = b - gr * (b - a), fc = ses_sse(y, c).sse;
    } else {
      a = c, c = d, fc = fd, d = a + gr * (b - a), fd = ses_sse(y, d).sse;
    }
  }
  const ses_fit f = ses_sse(y, (a + b) / 2.0);
  return f.sse <= best.sse ? f : best;
}

inline method_path ses_path(std::span<const double> y, std::size_t h) {
  method_path p;
  p.name = "ses";
  const ses_fit f = fit_ses(y);
  p.mean.assign(h, f.level);
  p.psi.assign(h, f.alpha);
  p.psi[0] = 1.0;
  p.dof = static_cast<double>(y.size()) - 2.0;  // alpha and l_0
  p.sigma2 = f.sse / p.dof;
  set_error_steps(p, y.size(), h);
  return p;
}

/// Theta (Assimakopoulos and Nikolopoulos 2000) in Hyndman and Billah's (2003) form: SES with drift
/// b / 2, b the least-squares slope of the series on time, as R forecast::thetaf computes it:
/// F_{n+h} = l_n + (b / 2) (h - 1 + (1 - (1 - alpha)^n) / alpha); errors as SES's.
inline method_path theta_path(std::span<const double> y, std::size_t h) {
  method_path p;
  p.name = "theta";
  const ses_fit f = fit_ses(y);
  const ols_line l = ols_on_index(y);
  const double n = static_cast<double>(y.size());
  const double c = (1.0 - std::pow(1.0 - f.alpha, n)) / f.alpha;
  for (std::size_t k = 1; k <= h; ++k) p.mean.push_back(f.level + l.b / 2.0 * (static_cast<double>(k) - 1.0 + c));
  p.psi.assign(h, f.alpha);
  p.psi[0] = 1.0;
  p.dof = n - 2.0;
  p.sigma2 = f.sse / p.dof;
  set_error_steps(p, y.size(), h);
  return p;
}

/// Additive damped trend, ETS(A,Ad,N) (Gardner and McKenzie 1985; Hyndman et al. 2008):
///   e_t = y_t - l_{t-1} - phi b_{t-1};  l_t = l_{t-1} + phi b_{t-1} + alpha e_t;  b_t = phi b_{t-1} + beta e_t
///   F_{n+h} = l_n + (phi + ... + phi^h) b_n.
/// Least squares (= maximum likelihood for Gaussian errors) over alpha in [1e-4, 0.9999], beta in
/// [1e-4, alpha], phi in [0.8, 0.98] (forecast::ets's usual region) and the initial state (l_0, b_0).
/// The errors are linear in (l_0, b_0), so the initial state has a closed form (2 x 2 normal
/// equations) for each (alpha, beta, phi), which a Nelder-Mead search explores from a coarse grid's best.
struct damped_fit {
  double alpha = 0.5, beta = 0.1, phi = 0.9, level = 0, trend = 0, sse = std::numeric_limits<double>::infinity();
  double l0 = 0, b0 = 0;
};
inline damped_fit damped_sse(std::span<const double> y, double alpha, double beta, double phi) {
  // State from the data with (l_0, b_0) = 0, and the homogeneous responses to l_0 = 1 and to b_0 = 1.
  double l = 0, b = 0, l1 = 1, b1 = 0, l2 = 0, b2 = 1;
  double saa = 0, sa1 = 0, sa2 = 0, s11 = 0, s12 = 0, s22 = 0;
  for (double v : y) {
    const double a = v - l - phi * b;
    const double g1 = l1 + phi * b1;  // e_t = a - g1 l_0 - g2 b_0
    const double g2 = l2 + phi * b2;
    saa += a * a, sa1 += a * g1, sa2 += a * g2, s11 += g1 * g1, s12 += g1 * g2, s22 += g2 * g2;
    l = l + phi * b + alpha * a, b = phi * b + beta * a;
    l1 = g1 - alpha * g1, b1 = phi * b1 - beta * g1;
    l2 = g2 - alpha * g2, b2 = phi * b2 - beta * g2;
  }
  const double det = s11 * s22 - s12 * s12;
  double x1 = 0, x2 = 0;
  if (det > 1e-12 * std::max(1.0, s11 * s22)) {
    x1 = (s22 * sa1 - s12 * sa2) / det;
    x2 = (s11 * sa2 - s12 * sa1) / det;
  } else if (s11 > 0) {
    x1 = sa1 / s11;
  }
  damped_fit f;
  f.alpha = alpha, f.beta = beta, f.phi = phi;
  f.l0 = x1, f.b0 = x2;
  f.sse = std::max(0.0, saa - 2 * (x1 * sa1 + x2 * sa2) + x1 * x1 * s11 + 2 * x1 * x2 * s12 + x2 * x2 * s22);
  f.level = l + l1 * x1 + l2 * x2;
  f.trend = b + b1 * x1 + b2 * x2;
  return f;
}
inline damped_fit fit_damped(std::span<const double> y) {
  // Search in a box: alpha in [1e-4, 0.9999], beta = alpha * r with r in [1e-4, 1], phi in [0.8, 0.98].
  constexpr std::array<double, 3> lo{1e-4, 1e-4, 0.8}, hi{0.9999, 1.0, 0.98};
  const auto eval = [&](const std::array<double, 3>& x) {
    std::array<double, 3> c;
    for (std::size_t i = 0; i < 3; ++i) c[i] = std::clamp(x[i], lo[i], hi[i]);
    return damped_sse(y, c[0], c[0] * c[1], c[2]);
  };
  std::array<double, 3> best_x{0.5, 0.1, 0.9};
  damped_fit best;
  for (double a : {0.1, 0.3, 0.6, 0.9})
    for (double r : {0.01, 0.1, 0.5})
      for (double ph : {0.85, 0.95}) {
        const damped_fit f = eval({a, r, ph});
        if (f.sse < best.sse) best = f, best_x = {a, r, ph};
      }
  // Nelder-Mead (standard coefficients) on the box, points clamped into it.
  std::array<std::array<double, 3>, 4> s{};
  std::array<double, 4> fs{};
  s[0] = best_x;
  for (std::size_t i = 0; i < 3; ++i) {
    s[i + 1] = best_x;
    s[i + 1][i] += (hi[i] - lo[i]) * (best_x[i] + 0.15 <= hi[i] ? 0.15 : -0.15);
  }
  const auto clampx = [&](std::array<double, 3> x) {
    for (std::size_t i = 0; i < 3; ++i) x[i] = std::clamp(x[i], lo[i], hi[i]);
    return x;
  };
  for (std::size_t i = 0; i < 4; ++i) s[i] = clampx(s[i]), fs[i] = eval(s[i]).sse;
  for (int it = 0; it < 200; ++it) {
    std::array<std::size_t, 4> o{0, 1, 2, 3};
    std::sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return fs[a] < fs[b]; });
    const std::size_t w = o[3];
    if (fs[w] - fs[o[0]] <= 1e-10 * (fs[o[0]] + 1e-30)) break;
    std::array<double, 3> cen{};
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t i = 0; i < 3; ++i) cen[i] += s[o[j]][i] / 3.0;
    const auto along = [&](double t) {
      std::array<double, 3> x;
      for (std::size_t i = 0; i < 3; ++i) x[i] = cen[i] + t * (s[w][i] - cen[i]);
      return clampx(x);
    };
    const auto xr = along(-1.0);
    const double fr = eval(xr).sse;
    if (fr < fs[o[0]]) {
      const auto xe = along(-2.0);
      const double fe = eval(xe).sse;
      if (fe < fr)
        s[w] = xe, fs[w] = fe;
      else
        s[w] = xr, fs[w] = fr;
    } else if (fr < fs[o[2]]) {
      s[w] = xr, fs[w] = fr;
    } else {
      const auto xc = fr < fs[w] ? along(-0.5) : along(0.5);
      const double fc = eval(xc).sse;
      if (fc < std::min(fr, fs[w])) {
        s[w] = xc, fs[w] = fc;
      } else {
        for (std::size_t j = 1; j < 4; ++j) {
          for (std::size_t i = 0; i < 3; ++i) s[o[j]][i] = s[o[0]][i] + 0.5 * (s[o[j]][i] - s[o[0]][i]);
          fs[o[j]] = eval(s[o[j]]).sse;
        }
      }
    }
  }
  std::size_t bi = 0;
  for (std::size_t i = 1; i < 4; ++i)
    if (fs[i] < fs[bi]) bi = i;
  const damped_fit f = eval(s[bi]);
  return f.sse <= best.sse ? f : best;
}

inline method_path damped_path(std::span<const double> y, std::size_t h) {
  method_path p;
  p.name = "damped";
  const damped_fit f = fit_damped(y);
  double phik = 0, pw = 1;
  p.psi.assign(h, 0.0);
  p.psi[0] = 1.0;
  for (std::size_t k = 1; k <= h; ++k) {
    pw *= f.phi;
    phik += pw;  // phi + ... + phi^k
    p.mean.push_back(f.level + phik * f.trend);
    // c_k = alpha + beta (phi + ... + phi^k) (Hyndman et al. 2008, table 6.1)
    if (k < h) p.psi[k] = f.alpha + f.beta * phik;
  }
  p.dof = static_cast<double>(y.size()) - 5.0;  // alpha, beta, phi, l_0, b_0
  p.sigma2 = f.sse / std::max(p.dof, 1.0);
  set_error_steps(p, y.size(), h);
  return p;
}

/// The lag-k autocorrelation as R's acf computes it (deviations from the mean, over the n - k pairs
/// divided by the sum of squares of all n).
inline double autocorrelation(std::span<const double> y, std::size_t k) {
  double m = 0;
  for (double v : y) m += v;
  m /= static_cast<double>(y.size());
  double num = 0, den = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    den += (y[i] - m) * (y[i] - m);
    if (i + k < y.size()) num += (y[i] - m) * (y[i + k] - m);
  }
  return den > 0 ? num / den : 0.0;
}

/// The seasonality test of the M4 benchmarks and forecast::thetaf: seasonal when
/// |r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n) (90 % two-sided), for n >= 3 m.
inline bool is_seasonal(std::span<const double> y, std::size_t m) {
  if (m < 2 || y.size() < 3 * m) return false;
  double s = 0;
  for (std::size_t k = 1; k < m; ++k) s += autocorrelation(y, k) * autocorrelation(y, k);
  return std::abs(autocorrelation(y, m)) > 1.645 * std::sqrt((1.0 + 2.0 * s) / static_cast<double>(y.size()));
}

/// Classical multiplicative decomposition (R's decompose(type = "multiplicative")): the trend is the
/// centred moving average of order m (2 x m for even m), each season's index the mean of y / trend
/// over its positions, normalised to average 1. Returns index[i] for positions i = t mod m, t = 0..
inline std::vector<double> seasonal_indices(std::span<const double> y, std::size_t m) {
  const std::size_t n = y.size();
  std::vector<double> sum(m, 0.0), cnt(m, 0.0);
  const std::size_t half = m / 2;
  for (std::size_t t = half; t + half < n; ++t) {
    double ma = 0;
    if (m % 2 == 0) {
      for (std::size_t j = t - half; j <= t + half; ++j) ma += (j == t - half || j == t + half ? 0.5 : 1.0) * y[j];
    } else {
      for (std::size_t j = t - half; j <= t + half; ++j) ma += y[j];
    }
    ma /= static_cast<double>(m);
    if (ma != 0) sum[t % m] += y[t] / ma, cnt[t % m] += 1;
  }
  std::vector<double> idx(m, 1.0);
  double mean = 0;
  for (std::size_t i = 0; i < m; ++i) mean += idx[i] = cnt[i] > 0 ? sum[i] / cnt[i] : 1.0;
  mean /= static_cast<double>(m);
  for (double& v : idx) v /= mean;
  return idx;
}

inline method_path run_method(forecast_method m, std::span<const double> y, std::size_t h) {
  switch (m) {
    case forecast_method::naive:
      return naive_path(y, h);
    case forecast_method::drift:
      return drift_path(y, h);
    case forecast_method::linear:
      return linear_path(y, h, false);
    case forecast_method::log_linear:
      return linear_path(y, h, true);
    case forecast_method::ses:
      return ses_path(y, h);
    case forecast_method::damped:
      return damped_path(y, h);
    case forecast_method::theta:
    case forecast_method::automatic:
      return theta_path(y, h);
  }
  return naive_path(y, h);
}

/// The fewest values each method needs: a forecast, and an interval (degrees of freedom >= 1).
constexpr std::size_t min_points(forecast_method m) noexcept {
  switch (m) {
    case forecast_method::naive:
      return 1;
    case forecast_method::drift:
    case forecast_method::linear:
    case forecast_method::log_linear:
      return 2;
    case forecast_method::ses:
    case forecast_method::theta:
      return 3;
    case forecast_method::damped:
    case forecast_method::automatic:
      return 6;
  }
  return 1;
}

struct step_distribution {
  std::vector<double> center, scale;
  double dof = 0;
  bool log_scale = false;
};

/// Means and scales per step of one method's path, multiplied by per-step weights w (seasonal
/// indices; 1 without); for cumulative, of the running sums of the steps.
inline step_distribution distribution_of(const method_path& p, std::span<const double> w, bool cumulative) {
  const std::size_t h = p.mean.size();
  step_distribution d;
  d.dof = p.dof;
  d.log_scale = p.log_scale;
  d.center.resize(h);
  d.scale.resize(h);
  if (!cumulative) {
    double psum = 0;
    for (std::size_t k = 0; k < h; ++k) {
      psum += p.psi[k] * p.psi[k];
      double v = psum;
      for (const auto& u : p.u) v += u[k] * u[k];
      d.center[k] = p.log_scale ? p.mean[k] + std::log(w[k]) : p.mean[k] * w[k];
      d.scale[k] = std::sqrt(p.sigma2 * v) * (p.log_scale ? 1.0 : w[k]);
    }
    return d;
  }
  // Running sums S_K = sum_{k<=K} w_k x_k: the error is sum_i eps_i A_i(K) with
  // A_i(K) = sum_{k=i..K} w_k psi_{k-i} (plus the parameter terms sum_k w_k u_r[k]). For log-linear
  // flows, w_k is the step's median (delta method on the log scale).
  std::vector<double> a(h, 0.0);
  std::vector<double> us(p.u.size(), 0.0);
  double total = 0;
  for (std::size_t k = 0; k < h; ++k) {
    const double wk = p.log_scale ? std::exp(p.mean[k]) * w[k] : w[k];
    for (std::size_t i = 0; i <= k; ++i) a[i] += wk * p.psi[k - i];
    double v = sum_sq(std::span<const double>(a.data(), k + 1));
    for (std::size_t r = 0; r < p.u.size(); ++r) {
      us[r] += wk * p.u[r][k];
      v += us[r] * us[r];
    }
    total += p.log_scale ? std::exp(p.mean[k]) * w[k] : p.mean[k] * w[k];
    d.center[k] = total;
    d.scale[k] = std::sqrt(p.sigma2 * v);
  }
  d.log_scale = false;
  return d;
}

}  // namespace detail

inline series_forecast forecast_series(std::span<const double> y, std::size_t horizon,
                                       const series_forecast_options& o) {
  series_forecast f;
  f.method = o.method;
  f.level = o.level;
  f.domain = o.domain;
  const auto fail = [&f](forecast_info info, std::string message) {
    f.info = info;
    f.message = std::move(message);
    return f;
  };
  if (!(o.level > 0.0 && o.level < 1.0))
    return fail(forecast_info::invalid_argument,
                "the interval level must be in (0, 1), got " + detail::format_number(o.level));
  if (horizon < 1 || horizon > 10000)
    return fail(forecast_info::invalid_argument,
                "the horizon must be a whole number of periods from 1 to 10000, got " + std::to_string(horizon));
  for (std::size_t i = 0; i < y.size(); ++i)
    if (!std::isfinite(y[i]))
      return fail(forecast_info::non_finite_value,
                  "value " + std::to_string(i + 1) + ": " + detail::format_number(y[i]) + " is not finite");
  if (y.empty()) return fail(forecast_info::too_few_points, "the series has no values");
  f.last_value = y.back();
  // Cumulative: forecast the flows y_t - y_{t-1}; the first value is the first period's flow when
  // the running total started at 0 in it (there is no earlier total to take it from).
  std::vector<double> z;
  if (o.domain.cumulative) {
    z.reserve(y.size());
    z.push_back(y[0]);
    for (std::size_t t = 1; t < y.size(); ++t) z.push_back(y[t] - y[t - 1]);
  } else {
    z.assign(y.begin(), y.end());
  }
  const std::size_t n = z.size();
  forecast_method m = o.method;
  const bool automatic = m == forecast_method::automatic;
  // auto on a short series: theta needs 3 values, the combination (with damped) 6; below, naive.
  std::vector<forecast_method> parts;
  std::vector<double> weights{1.0};
  if (automatic) {
    if (n >= detail::min_points(forecast_method::automatic))
      parts = {forecast_method::theta, forecast_method::drift}, weights = {2.0 / 3.0, 1.0 / 3.0};
    else if (n >= detail::min_points(forecast_method::theta))
      parts = {forecast_method::theta};
    else
      parts = {forecast_method::naive};
  } else {
    if (n < detail::min_points(m))
      return fail(forecast_info::too_few_points, std::string(to_string(m)) + " needs at least " +
                                                     std::to_string(detail::min_points(m)) + " values, got " +
                                                     std::to_string(n));
    parts = {m};
  }
  // Seasonal adjustment (multiplicative: only for values > 0).
  const auto season = static_cast<std::size_t>(std::max(1, o.season));
  std::vector<double> w(horizon, 1.0);
  if (season > 1 && m != forecast_method::log_linear &&
      std::all_of(z.begin(), z.end(), [](double v) { return v > 0; }) && detail::is_seasonal(z, season)) {
    const auto idx = detail::seasonal_indices(z, season);
    for (std::size_t t = 0; t < n; ++t) z[t] /= idx[t % season];
    for (std::size_t k = 0; k < horizon; ++k) w[k] = idx[(n + k) % season];
    f.seasonal = true;
  }
  std::vector<detail::step_distribution> dists;
  std::vector<std::string> names;
  std::size_t K = 0;
  bool log_model = false;
  for (forecast_method pm : parts) {
    const detail::method_path p = detail::run_method(pm, z, horizon);
    if (p.info != forecast_info::success) return fail(p.info, p.message);
    names.push_back(p.name);
    dists.push_back(detail::distribution_of(p, w, o.domain.cumulative));
    K = p.K;
    log_model = p.log_scale;
  }
  // The empirical width: the root mean square of the k-step errors of the same methods refitted at
  // each of the last (up to) 24 origins of the series, predicting the values after it (of the running
  // sums of k steps, for a cumulative series), on the model's scale.
  std::vector<double> emp(K, 0.0), emp_count;
  {
    std::vector<double> cnt(K, 0.0);
    std::size_t t_min = 3;
    for (forecast_method pm : parts) t_min = std::max(t_min, detail::min_points(pm));
    const std::size_t first = std::max(t_min, n > detail::error_origins ? n - detail::error_origins : 0);
    std::vector<double> comb;
    const bool relative = !log_model && std::all_of(z.begin(), z.end(), [](double v) { return v > 0; });
    for (std::size_t t = first; t < n; ++t) {
      const std::size_t kk = std::min(K, n - t);
      comb.assign(kk, 0.0);
      bool ok = true;
      for (std::size_t pi = 0; pi < parts.size(); ++pi) {
        const detail::method_path p = detail::run_method(parts[pi], std::span<const double>(z.data(), t), kk);
        if (p.info != forecast_info::success) {
          ok = false;
          break;
        }
        for (std::size_t k = 0; k < kk; ++k) comb[k] += p.mean[k] * weights[pi];
      }
      if (!ok) continue;
      double run = 0;
      // For positive series, errors relative to the level at the origin (then scaled to the last
      // value): errors of growing series grow with them (multiplicative errors, as ETS(M, ., .)).
      const double rel = relative ? z[n - 1] / z[t - 1] : 1.0;
      for (std::size_t k = 0; k < kk; ++k) {
        const double actual = log_model ? std::log(z[t + k]) : z[t + k];
        const double e = (actual - comb[k]) * rel;
        run = o.domain.cumulative ? run + e : e;
        emp[k] += run * run;
        cnt[k] += 1;
      }
    }
    for (std::size_t k = 0; k < K; ++k) emp[k] = cnt[k] >= 2 ? std::sqrt(emp[k] / cnt[k]) : 0.0;
    emp_count = cnt;
  }
  if (automatic && parts.size() == 2)
    f.method_used = "auto (2/3 theta + 1/3 drift)";
  else
    f.method_used = automatic ? "auto (" + names[0] + ": short series)" : names[0];
  if (f.seasonal) f.method_used += ", seasonally adjusted";
  // Combine: the mean of the centres and of the scales (the quantile average of the parts'
  // location-scale distributions), with the smallest degrees of freedom.
  const std::size_t h = horizon;
  f.center.assign(h, 0.0);
  f.scale.assign(h, 0.0);
  f.dof = dists[0].dof;
  f.log_scale = dists[0].log_scale;
  for (std::size_t i = 0; i < dists.size(); ++i) {
    const auto& d = dists[i];
    for (std::size_t k = 0; k < h; ++k) f.center[k] += d.center[k] * weights[i];
    for (std::size_t k = 0; k < h; ++k) f.scale[k] += d.scale[k] * weights[i];
    f.dof = std::min(f.dof, d.dof);
  }
  // The scale is the larger of the model's and the empirical one; past the steps with in-sample
  // errors, the model's scale times the last step's ratio (when > 1).
  {
    double ratio = 1.0, wsum = 0;
    for (std::size_t k = 0; k < h; ++k) {
      wsum += w[k];
      const double wk = f.log_scale ? 1.0 : (o.domain.cumulative ? wsum / static_cast<double>(k + 1) : w[k]);
      if (k < K && emp[k] > 0) {
        // A root mean square of c errors is as uncertain as a t with c - 1 degrees of freedom: widen
        // it by the ratio of that t quantile to the one used for the interval.
        const double widen = emp_count[k] - 1.0 < f.dof && o.level > 0.5
                                 ? student_t_quantile(0.5 * (1.0 + o.level), emp_count[k] - 1.0) /
                                       student_t_quantile(0.5 * (1.0 + o.level), std::max(f.dof, 1.0))
                                 : 1.0;
        const double e = emp[k] * wk * widen;
        if (f.scale[k] > 0) ratio = std::max(1.0, e / f.scale[k]);
        f.scale[k] = std::max(f.scale[k], e);
      } else {
        f.scale[k] *= ratio;
      }
    }
  }
  const bool interval = f.dof >= 1.0;
  const double q = interval ? student_t_quantile(0.5 * (1.0 + o.level), f.dof) : 0.0;
  const auto& dom = o.domain;
  f.mean.resize(h);
  if (interval) f.low.resize(h), f.high.resize(h);
  for (std::size_t k = 0; k < h; ++k) {
    double c = f.center[k], lo = c - q * f.scale[k], hi = c + q * f.scale[k];
    if (f.log_scale) c = std::exp(c), lo = std::exp(lo), hi = std::exp(hi);
    if (dom.cumulative) {
      // Flows censored at flow_lower: the running total's path and its bounds never fall below the
      // last total plus (k + 1) times the lowest flow, nor (for flows >= 0) below the previous step's.
      const double floor = dom.flow_lower == -std::numeric_limits<double>::infinity()
                               ? -std::numeric_limits<double>::infinity()
                               : y.back() + dom.flow_lower * static_cast<double>(k + 1);
      c = std::max(c + y.back(), floor), lo = std::max(lo + y.back(), floor), hi = std::max(hi + y.back(), floor);
      if (k > 0 && dom.flow_lower >= 0) {
        c = std::max(c, f.mean[k - 1]);
        if (interval) lo = std::max(lo, f.low[k - 1]), hi = std::max(hi, f.high[k - 1]);
      }
    }
    f.mean[k] = std::clamp(c, dom.lower, dom.upper);
    if (interval) f.low[k] = std::clamp(lo, dom.lower, dom.upper), f.high[k] = std::clamp(hi, dom.lower, dom.upper);
  }
  if (dom.cumulative)
    for (std::size_t k = 0; k < h; ++k) f.center[k] += y.back();
  f.info = forecast_info::success;
  if (!interval) f.message = "no prediction interval: too few values for an error estimate";
  return f;
}

inline std::optional<double> reach_probability(const series_forecast& f, std::size_t k, double target,
                                               trend_direction direction) {
  if (!f.ok() || !f.has_interval() || k >= f.center.size() || !std::isfinite(target)) return std::nullopt;
  const bool up = direction == trend_direction::increase;
  const auto& d = f.domain;
  // Censoring: the value is never below lower (nor, for a running total with flows >= 0, below the
  // reached total) nor above upper.
  double lower = d.lower;
  if (d.cumulative && d.flow_lower >= 0) lower = std::max(lower, f.last_value);
  if (up ? target <= lower : target >= d.upper) return 1.0;
  if (up ? target > d.upper : target < lower) return 0.0;
  double x = target;
  if (f.log_scale) {
    if (x <= 0) return up ? 1.0 : 0.0;
    x = std::log(x);
  }
  const double s = f.scale[k];
  if (!(s > 0)) return (up ? f.center[k] >= x : f.center[k] <= x) ? 1.0 : 0.0;
  const double below = student_t_cdf((x - f.center[k]) / s, f.dof);  // P(X <= target)
  return up ? 1.0 - below : below;
}

inline std::optional<std::size_t> first_step_reaching(const series_forecast& f, double target,
                                                      trend_direction direction) {
  for (std::size_t k = 0; k < f.mean.size(); ++k)
    if (direction == trend_direction::increase ? f.mean[k] >= target : f.mean[k] <= target) return k;
  return std::nullopt;
}

REGIOKPI_END_NAMESPACE
