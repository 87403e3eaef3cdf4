// regiokpi: where an indicator stands on a date (actual, achievement, the value expected on the planned
// trajectory, status), and the roll-up of those to results, goals, pillars and the programme.
// The functions here are pure: they take an indicator's aggregated series (evaluate.hpp builds it from
// a measurement store) so that every rule can be checked by hand.
//   regiokpi::series_point s[] = {{parse_date("2020-12-31"), 120}, {parse_date("2021-12-31"), 250}};
//   auto p = regiokpi::evaluate_indicator(ind, s, prog.thresholds_for(ind), {.as_of = parse_date("2021-12-31")});
//   p.status == regiokpi::progress_status::on_track;
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/forecast.hpp"
#include "regiokpi/indicator.hpp"
#include "regiokpi/programme.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// Where an indicator or a node stands. See docs/progress.md for the exact rules. no_target: the
/// indicator has data but nothing to reach (a context figure); it carries a trend instead and is left
/// out of roll-ups. Values are stable (the C ABI's RK_STATUS_*); new ones are appended.
enum class progress_status : std::uint8_t { achieved, on_track, at_risk, off_track, not_started, no_data, no_target };

inline constexpr std::size_t progress_status_count = 7;

/// How every writer shows a status: the machine name, the words people read, and the colour of its
/// badge (JSON, CSV, Markdown, HTML and SVG all take it from here).
struct status_style {
  std::string_view name;
  std::string_view label;
  std::string_view colour;
};

constexpr status_style style_of(progress_status s) noexcept {
  constexpr std::array<status_style, progress_status_count> table{{
      {"achieved", "achieved", "#1b7f3b"},
      {"on_track", "on track", "#2f8f5b"},
      {"at_risk", "at risk", "#b35c00"},
      {"off_track", "off track", "#b3261e"},
      {"not_started", "not started", "#6b7785"},
      {"no_data", "no data", "#8a96a3"},
      {"no_target", "no target", "#3d6a99"},
  }};
  return table[static_cast<std::size_t>(s)];
}

constexpr std::string_view to_string(progress_status s) noexcept { return style_of(s).name; }

/// The status as people read it: "achieved", "on track", "at risk", "off track", "not started", "no data",
/// "no target".
constexpr std::string_view display_name(progress_status s) noexcept { return style_of(s).label; }

/// Whether a status is a verdict against a target (counts as assessed in roll-ups).
constexpr bool is_assessed(progress_status s) noexcept {
  return s == progress_status::achieved || s == progress_status::on_track || s == progress_status::at_risk ||
         s == progress_status::off_track;
}

/// The direction of travel of an indicator without a target (rule 1 of docs/progress.md).
enum class trend_verdict : std::uint8_t { improving, stable, worsening };

constexpr std::string_view to_string(trend_verdict t) noexcept {
  constexpr std::array<std::string_view, 3> names{"improving", "stable", "worsening"};
  return names[static_cast<std::size_t>(t)];
}

/// What an achievement is measured from: the baseline ((actual - baseline) / (target - baseline)), or
/// the target alone (actual / target, target / actual for decrease; TolaData's rule) when there is no
/// baseline.
enum class achievement_basis : std::uint8_t { baseline, target_only };

constexpr std::string_view to_string(achievement_basis b) noexcept {
  return b == achievement_basis::baseline ? "baseline" : "target_only";
}

/// The planned path from the baseline through the milestones to the target.
/// linear: straight lines between consecutive points; stepwise: each milestone's value holds from its
/// due date on; s_curve: slow start and finish between consecutive points (smoothstep 3f^2 - 2f^3);
/// growth: geometric between consecutive points, a * (b / a)^f (the Open SDG "required growth rate").
enum class trajectory_shape : std::uint8_t { linear, stepwise, s_curve, growth };

constexpr std::string_view to_string(trajectory_shape s) noexcept {
  constexpr std::array<std::string_view, 4> names{"linear", "stepwise", "s_curve", "growth"};
  return names[static_cast<std::size_t>(s)];
}

/// One point of an indicator's aggregated series: the value as of `when` (the last day the point
/// covers). Cumulative indicators give running totals. Points are in time order.
struct series_point {
  date when;
  double value = 0;
  friend bool operator==(const series_point&, const series_point&) = default;
};

/// For coverage indicators: each member's latest value on or before the as-of date (nullopt: none).
struct member_value {
  std::string member;
  std::optional<double> value;
};

struct coverage_progress {
  std::size_t met = 0;             ///< members meeting the threshold
  std::size_t total = 0;           ///< members counted
  std::vector<std::string> unmet;  ///< ids of the members that do not, in definition order
};

struct milestone_progress {
  bool delivered = false;
  std::optional<date> delivered_on;  ///< first day of the latest run of "delivered" reports
  bool late = false;                 ///< delivered after its due date, or still open after it
  std::optional<date> due;
};

/// The Open SDG progress label of the growth_ratio method.
enum class progress_label : std::uint8_t {
  target_achieved,
  on_track,
  progress_needs_acceleration,
  limited_progress,
  deterioration
};

constexpr std::string_view to_string(progress_label l) noexcept {
  constexpr std::array<std::string_view, 5> names{"target_achieved", "on_track", "progress_needs_acceleration",
                                                  "limited_progress", "deterioration"};
  return names[static_cast<std::size_t>(l)];
}

/// The growth_ratio thresholds (Open SDG defaults): with a target, on track from a ratio of 0.95,
/// needs acceleration from 0.6, limited progress from 0; without one, on the observed annual rate,
/// 0.015 and 0.005.
struct growth_thresholds {
  double ratio_on_track = 0.95;
  double ratio_acceleration = 0.6;
  double rate_on_track = 0.015;
  double rate_acceleration = 0.005;
};

/// A change per period of an indicator's series ("15.5 a quarter").
struct period_rate {
  double value = 0;
  period_type per = period_type::quarter;
  friend bool operator==(const period_rate&, const period_rate&) = default;
};

struct evaluation_options {
  date as_of;
  trajectory_shape shape = trajectory_shape::linear;
  /// Where the trajectory starts when an indicator has no baseline: counts, amounts and milestones
  /// with a target start at 0 on this date (the programme start); other kinds have no trajectory
  /// without a baseline. An indicator without a target never gets an invented baseline.
  std::optional<date> programme_start;
  /// The period of the series: staleness and the rates are counted in these periods.
  period_type series_period = period_type::quarter;
  std::int32_t fy_first_month = 1;
  /// The actual is stale when its period lies more than this many periods before the as-of date's.
  int stale_after_periods = 2;
  /// Confidence level of the slope interval behind `trend` (indicators without a target).
  double trend_level = 0.90;
  regiokpi::status_method status_method = regiokpi::status_method::plan;
  growth_thresholds growth;
};

/// An indicator's standing on the as-of date. Numbers that cannot be known are nullopt, never made up.
struct indicator_progress {
  std::string id;
  std::optional<double> actual;
  std::optional<date> actual_date;
  std::optional<double> baseline;
  std::optional<date> baseline_date;
  std::optional<double> target;  ///< the next target or milestone due on or after the actual's date (else the last)
  std::optional<date> target_date;
  std::optional<double> final_target;
  std::optional<date> final_target_date;
  std::optional<double> achievement;           ///< (actual - baseline) / (target - baseline)
  std::optional<double> final_achievement;     ///< the same against the final target
  std::optional<double> expected;              ///< on the planned trajectory at the actual's date
  std::optional<double> expected_achievement;  ///< expected, as a fraction of the way to the final target
  std::optional<double> gap;                   ///< actual - expected, signed so that positive is ahead of plan
  progress_status status = progress_status::no_data;
  regiokpi::achievement_basis achievement_basis = regiokpi::achievement_basis::baseline;
  std::optional<trend_verdict> trend;                      ///< indicators without a target (status no_target)
  bool stale = false;                                      ///< the actual is older than stale_after_periods periods
  std::optional<period_rate> required_rate;                ///< change per period still needed to reach the final target
  std::optional<period_rate> recent_rate;                  ///< mean change per period over the last four periods
  std::optional<regiokpi::progress_label> progress_label;  ///< status_method growth_ratio only
  std::optional<coverage_progress> coverage;
  std::optional<milestone_progress> milestone;
};

namespace detail {

struct trajectory_point {
  date when;
  double value;
};

/// Baseline (or, for counts, amounts and milestones with a target, the programme start at 0)
/// followed by every target and milestone in due order, values resolved against the baseline.
inline std::vector<trajectory_point> trajectory_points(const indicator& ind, std::optional<date> programme_start) {
  std::vector<trajectory_point> pts;
  if (ind.baseline) {
    pts.push_back({ind.baseline->reference_date, ind.baseline->value});
  } else if (programme_start && !ind.targets.empty() &&
             (ind.kind == measure_kind::count || ind.kind == measure_kind::amount ||
              ind.kind == measure_kind::milestone)) {
    pts.push_back({*programme_start, 0});
  } else {
    return pts;
  }
  std::vector<const target*> ts;
  for (const auto& t : ind.targets) ts.push_back(&t);
  std::stable_sort(ts.begin(), ts.end(), [](const target* a, const target* b) { return a->due < b->due; });
  for (const target* t : ts) pts.push_back({t->due, resolved_value(*t, ind.baseline)});
  return pts;
}

inline bool is_better_or_equal(direction d, double a, double b) { return d == direction::decrease ? a <= b : a >= b; }

inline std::int32_t index_of(date d, const evaluation_options& o) {
  return period_index(o.series_period, d.day_number(), o.fy_first_month);
}

}  // namespace detail

/// The target as it stood on day `on`: a revision records the statement that held until its
/// `revised_on`, so the statement in force is the oldest revision revised after `on`, else the
/// current one. The result has no revisions.
inline target target_as_of(const target& t, date on) {
  target out = t;
  out.revisions.clear();
  for (const auto& r : t.revisions)
    if (r.revised_on > on) {
      out.due = r.due;
      out.value = r.value;
      out.basis = r.basis;
      break;
    }
  return out;
}

/// The indicator with every target as it stood on day `on` (targets re-sorted by due date).
inline indicator indicator_as_of(const indicator& ind, date on) {
  indicator out = ind;
  for (auto& t : out.targets) t = target_as_of(t, on);
  std::stable_sort(out.targets.begin(), out.targets.end(),
                   [](const target& a, const target& b) { return a.due < b.due; });
  return out;
}

/// The value expected on the planned trajectory at day t; nullopt when the indicator has no
/// trajectory (no baseline and not a count or amount, or no target). growth: geometric between
/// consecutive points, a * (b / a)^f (linear where a value is not positive).
inline std::optional<double> expected_value(const indicator& ind, date t, trajectory_shape shape,
                                            std::optional<date> programme_start = std::nullopt) {
  const auto pts = detail::trajectory_points(ind, programme_start);
  if (pts.size() < 2) return std::nullopt;
  if (t <= pts.front().when) return pts.front().value;
  for (std::size_t k = 1; k < pts.size(); ++k) {
    const auto& a = pts[k - 1];
    const auto& b = pts[k];
    if (t >= b.when) continue;
    if (shape == trajectory_shape::stepwise) return a.value;
    const double span = static_cast<double>((b.when - a.when).count);
    double f = span > 0 ? static_cast<double>((t - a.when).count) / span : 1.0;
    if (shape == trajectory_shape::growth && a.value > 0 && b.value > 0)
      return a.value * std::pow(b.value / a.value, f);
    if (shape == trajectory_shape::s_curve) f = f * f * (3 - 2 * f);
    return a.value + (b.value - a.value) * f;
  }
  return pts.back().value;
}

/// (actual - baseline) / (goal - baseline): the fraction of the way from baseline to goal, which works
/// for increase and decrease alike (a decrease indicator improves as it falls). nullopt when goal
/// equals baseline.
inline std::optional<double> achievement_of(double actual, double baseline, double goal) {
  if (goal == baseline) return std::nullopt;
  return (actual - baseline) / (goal - baseline);
}

/// Achievement without a baseline (TolaData): actual / target for increase, target / actual for
/// decrease; nullopt when the divisor is 0.
inline std::optional<double> target_only_achievement(double actual, double goal, direction d) {
  if (d == direction::decrease) return actual != 0 ? std::optional<double>(goal / actual) : std::nullopt;
  return goal != 0 ? std::optional<double>(actual / goal) : std::nullopt;
}

/// The direction of travel of a series up to as_of: the least-squares slope (value per day) with its
/// two-sided `level` confidence interval (Student t, n - 2 degrees of freedom). improving when the
/// interval lies wholly on the wanted side of 0, worsening when wholly on the other, else stable.
/// For maintain indicators any significant slope is worsening. nullopt with fewer than 3 points.
inline std::optional<trend_verdict> trend_of(std::span<const series_point> series, direction d, date as_of,
                                             double level = 0.90) {
  std::vector<std::pair<double, double>> xy;
  for (const auto& s : series)
    if (s.when <= as_of && std::isfinite(s.value)) xy.emplace_back(static_cast<double>(s.when.day_number()), s.value);
  const std::size_t n = xy.size();
  if (n < 3) return std::nullopt;
  double mx = 0, my = 0;
  for (const auto& [x, y] : xy) {
    mx += x;
    my += y;
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxx = 0, sxy = 0;
  for (const auto& [x, y] : xy) {
    sxx += (x - mx) * (x - mx);
    sxy += (x - mx) * (y - my);
  }
  if (sxx <= 0) return std::nullopt;
  const double b = sxy / sxx;
  double rss = 0;
  for (const auto& [x, y] : xy) {
    const double r = y - (my + b * (x - mx));
    rss += r * r;
  }
  const double dof = static_cast<double>(n - 2);
  const double se = std::sqrt(rss / dof / sxx);
  const double t = student_t_quantile((1 + level) / 2, dof);
  const double lo = b - t * se, hi = b + t * se;
  if (d == direction::maintain) return (lo > 0 || hi < 0) ? trend_verdict::worsening : trend_verdict::stable;
  const double wanted = d == direction::decrease ? -1.0 : 1.0;
  const double wlo = wanted > 0 ? lo : -hi, whi = wanted > 0 ? hi : -lo;  // the interval on the wanted axis
  if (wlo > 0) return trend_verdict::improving;
  if (whi < 0) return trend_verdict::worsening;
  return trend_verdict::stable;
}

namespace detail {

/// required_rate and recent_rate (docs/progress.md, rule 10), in periods of the series.
inline void set_rates(indicator_progress& p, const indicator& ind, std::span<const series_point> series,
                      const evaluation_options& opt) {
  if (!p.actual || !p.actual_date || ind.direction == direction::maintain) return;
  const std::int32_t now = index_of(*p.actual_date, opt);
  if (p.final_target && p.final_target_date) {
    const std::int32_t left = index_of(*p.final_target_date, opt) - now;
    if (left > 0) {
      const double still =
          is_better_or_equal(ind.direction, *p.actual, *p.final_target) ? 0.0 : *p.final_target - *p.actual;
      p.required_rate = period_rate{still / left, opt.series_period};
    }
  }
  // The earliest point within the four periods before the actual's.
  for (const auto& s : series) {
    if (s.when > *p.actual_date || !std::isfinite(s.value)) continue;
    const std::int32_t k = index_of(s.when, opt);
    if (k >= now - 4 && k < now) {
      p.recent_rate = period_rate{(*p.actual - s.value) / (now - k), opt.series_period};
      break;
    }
  }
}

}  // namespace detail

namespace detail {
/// The evaluation by the planned trajectory (status_method plan); see evaluate_indicator().

inline indicator_progress evaluate_by_plan(const indicator& ind, std::span<const series_point> series,
                                           const thresholds& th, const evaluation_options& opt,
                                           std::span<const member_value> members) {
  indicator_progress p;
  p.id = ind.id;
  const date as_of = opt.as_of;

  // Actual: the latest point on or before as_of.
  for (const auto& s : series)
    if (s.when <= as_of && std::isfinite(s.value)) {
      p.actual = s.value;
      p.actual_date = s.when;
    }

  // Coverage: count the members meeting the threshold; the count (or share) is the actual.
  if (ind.space_rule == space_rule::coverage && ind.coverage && !members.empty()) {
    coverage_progress c;
    for (const auto& m : members) {
      ++c.total;
      if (m.value && *m.value >= ind.coverage->threshold)
        ++c.met;
      else
        c.unmet.push_back(m.member);
    }
    const bool any =
        std::any_of(members.begin(), members.end(), [](const member_value& m) { return m.value.has_value(); });
    if (any) {
      p.actual =
          ind.coverage->share ? static_cast<double>(c.met) / static_cast<double>(c.total) : static_cast<double>(c.met);
      if (!p.actual_date) p.actual_date = as_of;
    }
    p.coverage = std::move(c);
  }
  if (p.actual_date)
    p.stale = detail::index_of(as_of, opt) - detail::index_of(*p.actual_date, opt) > opt.stale_after_periods;
  const date plan_date = p.actual_date ? std::min(*p.actual_date, as_of) : as_of;

  const auto pts = detail::trajectory_points(ind, opt.programme_start);
  if (!pts.empty()) {
    p.baseline = pts.front().value;
    p.baseline_date = pts.front().when;
  }
  const target* final = ind.final_target();
  if (!final && !ind.targets.empty()) final = &ind.targets.back();
  const target* next = nullptr;
  for (const auto& t : ind.targets)
    if (t.due >= plan_date && (!next || t.due < next->due)) next = &t;
  if (!next) next = final;
  if (next && (next->basis == target_basis::absolute || ind.baseline)) {
    p.target = resolved_value(*next, ind.baseline);
    p.target_date = next->due;
  }
  if (final && (final->basis == target_basis::absolute || ind.baseline)) {
    p.final_target = resolved_value(*final, ind.baseline);
    p.final_target_date = final->due;
  }

  // Milestones (yes/no): delivered or not, late or not. Judged on the as-of date.
  if (ind.kind == measure_kind::milestone) {
    p.expected = expected_value(ind, as_of, opt.shape, opt.programme_start);
    milestone_progress m;
    m.due = p.final_target_date;
    std::optional<date> run_start;
    for (const auto& s : series) {
      if (s.when > as_of) break;
      if (s.value >= 0.5) {
        if (!run_start) run_start = s.when;
      } else {
        run_start.reset();
      }
    }
    m.delivered = p.actual && *p.actual >= 0.5;
    if (m.delivered) m.delivered_on = run_start;
    m.late = m.due && (m.delivered ? (m.delivered_on && *m.delivered_on > *m.due) : as_of > *m.due);
    p.achievement = p.final_achievement = m.delivered ? 1.0 : 0.0;
    // One definition for every kind: the planned value as a fraction of the way to the final target
    // (the trajectory runs from 0 at the programme start to 1 on the due date).
    if (p.expected && p.baseline && p.final_target)
      p.expected_achievement = achievement_of(*p.expected, *p.baseline, *p.final_target);
    if (!m.due)
      p.status = p.actual ? (m.delivered ? progress_status::achieved : progress_status::no_target)
                          : progress_status::no_target;
    else if (!p.actual)
      p.status = as_of > *m.due ? progress_status::off_track : progress_status::no_data;
    else if (m.delivered)
      p.status = progress_status::achieved;
    else
      p.status = m.late ? progress_status::off_track : progress_status::on_track;
    p.milestone = m;
    return p;
  }

  // Without a target (a context figure): no verdict, only the direction of travel.
  const bool has_target = ind.direction == direction::maintain ? ind.band.has_value() : p.final_target.has_value();
  if (!has_target || ind.kind == measure_kind::text) {
    p.status = progress_status::no_target;
    p.trend = trend_of(series, ind.direction, as_of, opt.trend_level);
    return p;
  }

  const bool started =
      !p.baseline_date || as_of >= *p.baseline_date || (opt.programme_start && as_of >= *opt.programme_start);
  if (!started) {
    p.status = progress_status::not_started;
    return p;
  }
  if (!p.actual) {
    p.status = progress_status::no_data;
    return p;
  }
  const bool past_due = p.final_target_date && plan_date >= *p.final_target_date;

  // Maintain: inside the band is success, outside is failure.
  if (ind.direction == direction::maintain) {
    const bool inside = *p.actual >= ind.band->low && *p.actual <= ind.band->high;
    p.achievement = p.final_achievement = inside ? 1.0 : 0.0;
    p.expected_achievement = 1.0;
    p.status = inside ? (past_due ? progress_status::achieved : progress_status::on_track) : progress_status::off_track;
    return p;
  }

  detail::set_rates(p, ind, series, opt);
  const bool met = detail::is_better_or_equal(ind.direction, *p.actual, *p.final_target);

  // A target already met at the baseline: achieved while the actual keeps meeting it.
  if (p.baseline && detail::is_better_or_equal(ind.direction, *p.baseline, *p.final_target)) {
    p.achievement = p.final_achievement = met ? 1.0 : 0.0;
    p.expected_achievement = 1.0;
    p.status = met ? progress_status::achieved : progress_status::off_track;
    return p;
  }

  // No baseline (percentages, ratios): measured against the target alone (TolaData's rule).
  if (!p.baseline) {
    p.achievement_basis = achievement_basis::target_only;
    if (p.target) p.achievement = target_only_achievement(*p.actual, *p.target, ind.direction);
    p.final_achievement = target_only_achievement(*p.actual, *p.final_target, ind.direction);
    const std::optional<double> a = past_due ? p.final_achievement : p.achievement;
    if (met) {
      p.status = progress_status::achieved;
    } else if (!a) {
      p.status = progress_status::no_data;
    } else if (past_due) {
      p.status = *a >= th.achieved          ? progress_status::achieved
                 : *a >= th.serious_failure ? progress_status::at_risk
                                            : progress_status::off_track;
    } else {
      // TolaData: within 15 % of the period's target is on track.
      p.status = *a >= 0.85                 ? progress_status::on_track
                 : *a >= th.serious_failure ? progress_status::at_risk
                                            : progress_status::off_track;
    }
    return p;
  }

  p.expected = expected_value(ind, plan_date, opt.shape, opt.programme_start);
  if (p.target) p.achievement = achievement_of(*p.actual, *p.baseline, *p.target);
  p.final_achievement = achievement_of(*p.actual, *p.baseline, *p.final_target);
  if (p.expected) {
    const double sign = ind.direction == direction::decrease ? -1.0 : 1.0;
    p.gap = sign * (*p.actual - *p.expected);
    p.expected_achievement = achievement_of(*p.expected, *p.baseline, *p.final_target);
  }
  if (!p.final_achievement) {
    p.status = progress_status::no_data;
    return p;
  }
  const double fa = *p.final_achievement;
  if (fa >= 1.0 || (past_due && fa >= th.achieved)) {
    p.status = progress_status::achieved;
    return p;
  }
  if (past_due) {
    p.status = fa >= th.serious_failure ? progress_status::at_risk : progress_status::off_track;
    return p;
  }
  const double plan = p.expected_achievement.value_or(0.0);
  if (plan <= 0) {
    p.status = fa >= 0 ? progress_status::on_track : progress_status::at_risk;
    return p;
  }
  const double ratio = fa / plan;
  p.status = ratio >= th.achieved          ? progress_status::on_track
             : ratio >= th.serious_failure ? progress_status::at_risk
                                           : progress_status::off_track;
  return p;
}

/// Open SDG's progress measure on top of an evaluation: needs a positive baseline and actual.
/// Years count as days / 365.25.
inline void apply_growth_ratio(indicator_progress& p, const indicator& ind, const evaluation_options& opt) {
  if (!is_quantity(ind.kind) || !ind.baseline || !p.actual || !p.actual_date) return;
  const double base = ind.baseline->value;
  const double years = static_cast<double>((*p.actual_date - ind.baseline->reference_date).count) / 365.25;
  if (!(base > 0) || !(*p.actual > 0) || !(years > 0)) return;
  const double observed = std::pow(*p.actual / base, 1 / years) - 1;
  const auto& g = opt.growth;
  progress_label l;
  if (p.final_target && p.final_target_date && ind.direction != direction::maintain) {
    const double to_target = static_cast<double>((*p.final_target_date - ind.baseline->reference_date).count) / 365.25;
    if (is_better_or_equal(ind.direction, *p.actual, *p.final_target)) {
      l = progress_label::target_achieved;
    } else {
      if (!(*p.final_target > 0) || !(to_target > 0)) return;
      const double required = std::pow(*p.final_target / base, 1 / to_target) - 1;
      if (required == 0) return;
      const double ratio = observed / required;
      l = ratio >= g.ratio_on_track       ? progress_label::on_track
          : ratio >= g.ratio_acceleration ? progress_label::progress_needs_acceleration
          : ratio >= 0                    ? progress_label::limited_progress
                                          : progress_label::deterioration;
    }
    p.status = l == progress_label::target_achieved               ? progress_status::achieved
               : l == progress_label::on_track                    ? progress_status::on_track
               : l == progress_label::progress_needs_acceleration ? progress_status::at_risk
                                                                  : progress_status::off_track;
  } else {
    const double rate = ind.direction == direction::decrease ? -observed : observed;
    l = rate >= g.rate_on_track       ? progress_label::on_track
        : rate >= g.rate_acceleration ? progress_label::progress_needs_acceleration
        : rate >= 0                   ? progress_label::limited_progress
                                      : progress_label::deterioration;
  }
  p.progress_label = l;
}

}  // namespace detail

/// Evaluates one indicator on options.as_of from its aggregated series (points after as_of are
/// ignored). `members` is used by coverage indicators only: each member's latest value. The plan
/// (expected, gap, status) is read at the actual's own date, so old data is judged against the plan
/// of its day; `stale` says it is old. With status_method growth_ratio the status follows Open SDG's
/// progress label instead (an indicator without a target stays no_target, with its label).
inline indicator_progress evaluate_indicator(const indicator& ind, std::span<const series_point> series,
                                             const thresholds& th, const evaluation_options& opt,
                                             std::span<const member_value> members = {}) {
  indicator_progress p = detail::evaluate_by_plan(ind, series, th, opt, members);
  if (opt.status_method == status_method::growth_ratio && ind.kind != measure_kind::milestone)
    detail::apply_growth_ratio(p, ind, opt);
  return p;
}

/// The kinds of node in a programme tree.
enum class node_kind : std::uint8_t { indicator, result, goal, pillar, programme };

constexpr std::string_view to_string(node_kind k) noexcept {
  constexpr std::array<std::string_view, 5> names{"indicator", "result", "goal", "pillar", "programme"};
  return names[static_cast<std::size_t>(k)];
}

/// A result, goal, pillar or the programme, rolled up from its children.
struct node_progress {
  std::string id;
  std::string name;
  node_kind kind = node_kind::result;
  double weight = 1;
  std::optional<double> achievement;           ///< weighted mean of the assessed children's, each capped to [0, 1]
  std::optional<double> expected_achievement;  ///< the same for the planned trajectory
  progress_status status = progress_status::no_data;
  std::vector<std::string> children;      ///< ids, in definition order
  std::size_t children_without_data = 0;  ///< children_total - children_assessed
  std::size_t children_total = 0;
  std::size_t children_assessed = 0;  ///< children with a target and a value by the date
  /// The indicators below this node by status (index: progress_status).
  std::array<std::size_t, progress_status_count> indicator_counts{};
  /// The direct children by status, so no headline hides an off-track child.
  std::array<std::size_t, progress_status_count> children_counts{};
  rollup_method method = rollup_method::weighted;
};

namespace detail {

struct rollup_input {
  double weight;
  std::optional<double> achievement;
  std::optional<double> expected;
  progress_status status;
};

inline double clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

/// How bad a status is, for the worst rule: off track > at risk > on track > achieved.
constexpr int severity(progress_status s) noexcept {
  switch (s) {
    case progress_status::off_track:
      return 3;
    case progress_status::at_risk:
      return 2;
    case progress_status::on_track:
      return 1;
    default:
      return 0;
  }
}

/// A child's achievement as a fraction of its plan (1 when nothing was planned yet or it is achieved).
inline double plan_ratio(const rollup_input& k) {
  if (k.status == progress_status::achieved) return 1.0;
  if (!k.achievement) return 0.0;
  const double e = k.expected.value_or(0.0);
  return e > 0 ? *k.achievement / e : 1.0;
}

/// The roll-up rules (docs/progress.md): only assessed children (a target and a value by the date)
/// count; the others are counted in children_total - children_assessed.
inline void roll_up_node(node_progress& n, std::span<const rollup_input> kids, const thresholds& th,
                         rollup_method method) {
  n.method = method;
  n.children_total = kids.size();
  double wsum = 0, asum = 0, esum = 0;
  bool all_achieved = true, all_not_started = !kids.empty();
  std::vector<const rollup_input*> assessed;
  for (const auto& k : kids) {
    ++n.children_counts[static_cast<std::size_t>(k.status)];
    if (k.status != progress_status::not_started) all_not_started = false;
    if (!is_assessed(k.status)) continue;
    assessed.push_back(&k);
    if (k.status != progress_status::achieved) all_achieved = false;
    if (!k.achievement || k.weight <= 0) continue;
    wsum += k.weight;
    asum += k.weight * clamp01(*k.achievement);
    esum += k.weight * clamp01(k.expected.value_or(0.0));
  }
  n.children_assessed = assessed.size();
  n.children_without_data = n.children_total - n.children_assessed;
  if (wsum > 0) {
    n.achievement = asum / wsum;
    n.expected_achievement = esum / wsum;
  }
  if (assessed.empty()) {
    n.status = all_not_started ? progress_status::not_started : progress_status::no_data;
    return;
  }
  switch (method) {
    case rollup_method::worst: {
      progress_status w = progress_status::achieved;
      for (const auto* k : assessed)
        if (severity(k->status) > severity(w)) w = k->status;
      n.status = w;
      return;
    }
    case rollup_method::eu_performance_framework: {
      std::size_t short_of_achieved = 0, below_75 = 0, serious = 0;
      for (const auto* k : assessed) {
        const double r = plan_ratio(*k);
        if (r < th.achieved) ++short_of_achieved;
        if (r < 0.75) ++below_75;
        if (r < th.serious_failure) ++serious;
      }
      const bool achieved = short_of_achieved == 0 || (assessed.size() >= 3 && short_of_achieved == 1 && below_75 == 0);
      n.status = achieved       ? progress_status::achieved
                 : serious >= 2 ? progress_status::off_track
                                : progress_status::at_risk;
      return;
    }
    case rollup_method::weighted:
      break;
  }
  if (all_achieved) {
    n.status = progress_status::achieved;
  } else if (!n.achievement) {
    n.status = progress_status::no_data;
  } else if (*n.expected_achievement <= 0) {
    n.status = progress_status::on_track;
  } else {
    const double ratio = *n.achievement / *n.expected_achievement;
    n.status = ratio >= th.achieved          ? progress_status::on_track
               : ratio >= th.serious_failure ? progress_status::at_risk
                                             : progress_status::off_track;
  }
  // The weighted verdict never contradicts every child: it lies between the best and the worst
  // assessed child's status. (A milestone not yet due counts 0 achieved against its planned share,
  // which alone could make a node of on-track children read "at risk".)
  int best = 3, worst = 0;
  for (const auto* k : assessed) {
    best = std::min(best, severity(k->status));
    worst = std::max(worst, severity(k->status));
  }
  const auto of_severity = [&](int v) {
    for (const auto* k : assessed)
      if (severity(k->status) == v) return k->status;
    return n.status;
  };
  if (severity(n.status) > worst) n.status = of_severity(worst);
  if (severity(n.status) < best) n.status = of_severity(best);
}

inline rollup_input input_of(const node_progress& n) {
  return {n.weight, n.achievement, n.expected_achievement, n.status};
}

inline void add_counts(node_progress& to, const node_progress& from) {
  for (std::size_t k = 0; k < progress_status_count; ++k) to.indicator_counts[k] += from.indicator_counts[k];
}

}  // namespace detail

/// Rolls indicator results up the programme tree. `indicators` must be in prog.all_indicators()
/// order. Returns every result, goal and pillar (depth-first, children before parents) and last the
/// programme itself. Uses the programme's thresholds and roll-up method for every node.
inline std::vector<node_progress> roll_up(const programme& prog, std::span<const indicator_progress> indicators) {
  if (indicators.size() != prog.all_indicators().size())
    throw error(errc::invalid_argument, "roll_up: one indicator_progress per indicator, in tree order");
  const auto make = [](std::string id, std::string name, node_kind k, double w) {
    node_progress n;
    n.id = std::move(id);
    n.name = std::move(name);
    n.kind = k;
    n.weight = w;
    return n;
  };
  std::vector<node_progress> out;
  std::size_t next = 0;
  std::vector<detail::rollup_input> pillar_inputs;
  node_progress top = make(prog.id, prog.name, node_kind::programme, 1);
  for (const auto& pl : prog.pillars) {
    std::vector<detail::rollup_input> goal_inputs;
    node_progress pn = make(pl.id, pl.name, node_kind::pillar, pl.weight);
    for (const auto& g : pl.goals) {
      std::vector<detail::rollup_input> result_inputs;
      node_progress gn = make(g.id, g.name, node_kind::goal, g.weight);
      for (const auto& r : g.results) {
        std::vector<detail::rollup_input> ind_inputs;
        node_progress rn = make(r.id, r.name, node_kind::result, r.weight);
        for (const auto& i : r.indicators) {
          const auto& ip = indicators[next++];
          ind_inputs.push_back({i.weight, ip.final_achievement, ip.expected_achievement, ip.status});
          ++rn.indicator_counts[static_cast<std::size_t>(ip.status)];
          rn.children.push_back(i.id);
        }
        detail::roll_up_node(rn, ind_inputs, prog.thresholds, prog.rollup);
        result_inputs.push_back(detail::input_of(rn));
        detail::add_counts(gn, rn);
        gn.children.push_back(rn.id);
        out.push_back(std::move(rn));
      }
      detail::roll_up_node(gn, result_inputs, prog.thresholds, prog.rollup);
      goal_inputs.push_back(detail::input_of(gn));
      detail::add_counts(pn, gn);
      pn.children.push_back(gn.id);
      out.push_back(std::move(gn));
    }
    detail::roll_up_node(pn, goal_inputs, prog.thresholds, prog.rollup);
    pillar_inputs.push_back(detail::input_of(pn));
    detail::add_counts(top, pn);
    top.children.push_back(pn.id);
    out.push_back(std::move(pn));
  }
  detail::roll_up_node(top, pillar_inputs, prog.thresholds, prog.rollup);
  out.push_back(std::move(top));
  return out;
}

REGIOKPI_END_NAMESPACE
