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
#include "regiokpi/indicator.hpp"
#include "regiokpi/programme.hpp"

namespace regiokpi {

/// Where an indicator or a node stands. See docs/progress.md for the exact rules.
enum class progress_status : std::uint8_t { achieved, on_track, at_risk, off_track, not_started, no_data };

constexpr std::string_view to_string(progress_status s) noexcept {
  constexpr std::array<std::string_view, 6> names{"achieved",  "on_track",    "at_risk",
                                                  "off_track", "not_started", "no_data"};
  return names[static_cast<std::size_t>(s)];
}

/// The status as people read it: "achieved", "on track", "at risk", "off track", "not started", "no data".
constexpr std::string_view display_name(progress_status s) noexcept {
  constexpr std::array<std::string_view, 6> names{"achieved",  "on track",    "at risk",
                                                  "off track", "not started", "no data"};
  return names[static_cast<std::size_t>(s)];
}

/// The planned path from the baseline through the milestones to the target.
/// linear: straight lines between consecutive points; stepwise: each milestone's value holds from its
/// due date on; s_curve: slow start and finish between consecutive points (smoothstep 3f^2 - 2f^3).
enum class trajectory_shape : std::uint8_t { linear, stepwise, s_curve };

constexpr std::string_view to_string(trajectory_shape s) noexcept {
  constexpr std::array<std::string_view, 3> names{"linear", "stepwise", "s_curve"};
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

struct evaluation_options {
  date as_of;
  trajectory_shape shape = trajectory_shape::linear;
  /// Where the trajectory starts when an indicator has no baseline: counts and amounts start at 0 on
  /// this date (the programme start); other kinds have no trajectory without a baseline.
  std::optional<date> programme_start;
};

/// An indicator's standing on the as-of date. Numbers that cannot be known are nullopt, never made up.
struct indicator_progress {
  std::string id;
  std::optional<double> actual;
  std::optional<date> actual_date;
  std::optional<double> baseline;
  std::optional<date> baseline_date;
  std::optional<double> target;  ///< the next target or milestone due on or after as_of (else the last)
  std::optional<date> target_date;
  std::optional<double> final_target;
  std::optional<date> final_target_date;
  std::optional<double> achievement;           ///< (actual - baseline) / (target - baseline)
  std::optional<double> final_achievement;     ///< the same against the final target
  std::optional<double> expected;              ///< on the planned trajectory at as_of
  std::optional<double> expected_achievement;  ///< expected, as a fraction of the way to the final target
  std::optional<double> gap;                   ///< actual - expected, signed so that positive is ahead of plan
  progress_status status = progress_status::no_data;
  std::optional<coverage_progress> coverage;
  std::optional<milestone_progress> milestone;
};

namespace detail {

struct trajectory_point {
  date when;
  double value;
};

/// Baseline (or the programme start at 0 for counts and amounts) followed by every target and
/// milestone in due order, values resolved against the baseline.
inline std::vector<trajectory_point> trajectory_points(const indicator& ind, std::optional<date> programme_start) {
  std::vector<trajectory_point> pts;
  if (ind.baseline) {
    pts.push_back({ind.baseline->reference_date, ind.baseline->value});
  } else if (programme_start && (ind.kind == measure_kind::count || ind.kind == measure_kind::amount ||
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

}  // namespace detail

/// The value expected on the planned trajectory at day t; nullopt when the indicator has no
/// trajectory (no baseline and not a count or amount, or no target).
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

/// Evaluates one indicator on options.as_of from its aggregated series (points after as_of are
/// ignored). `members` is used by coverage indicators only: each member's latest value.
inline indicator_progress evaluate_indicator(const indicator& ind, std::span<const series_point> series,
                                             const thresholds& th, const evaluation_options& opt,
                                             std::span<const member_value> members = {}) {
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
      p.actual_date = as_of;
    }
    p.coverage = std::move(c);
  }

  const auto pts = detail::trajectory_points(ind, opt.programme_start);
  if (!pts.empty()) {
    p.baseline = pts.front().value;
    p.baseline_date = pts.front().when;
  }
  const target* final = ind.final_target();
  if (!final && !ind.targets.empty()) final = &ind.targets.back();
  const target* next = nullptr;
  for (const auto& t : ind.targets)
    if (t.due >= as_of && (!next || t.due < next->due)) next = &t;
  if (!next) next = final;
  if (next && (next->basis == target_basis::absolute || ind.baseline)) {
    p.target = resolved_value(*next, ind.baseline);
    p.target_date = next->due;
  }
  if (final && (final->basis == target_basis::absolute || ind.baseline)) {
    p.final_target = resolved_value(*final, ind.baseline);
    p.final_target_date = final->due;
  }
  p.expected = expected_value(ind, as_of, opt.shape, opt.programme_start);

  const bool started =
      !p.baseline_date || as_of >= *p.baseline_date || (opt.programme_start && as_of >= *opt.programme_start);
  const bool past_due = p.final_target_date && as_of >= *p.final_target_date;

  // Milestones (yes/no): delivered or not, late or not.
  if (ind.kind == measure_kind::milestone) {
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
    p.expected_achievement = (m.due && as_of >= *m.due) ? 1.0 : 0.0;
    if (!p.actual)
      p.status = (m.due && as_of > *m.due) ? progress_status::off_track : progress_status::no_data;
    else if (m.delivered)
      p.status = progress_status::achieved;
    else
      p.status = m.late ? progress_status::off_track : progress_status::on_track;
    p.milestone = m;
    return p;
  }

  if (!started) {
    p.status = progress_status::not_started;
    return p;
  }
  if (!p.actual || ind.kind == measure_kind::text) {
    p.status = progress_status::no_data;
    return p;
  }

  // Maintain: inside the band is success, outside is failure.
  if (ind.direction == direction::maintain) {
    if (!ind.band) {
      p.status = progress_status::no_data;
      return p;
    }
    const bool inside = *p.actual >= ind.band->low && *p.actual <= ind.band->high;
    p.achievement = p.final_achievement = inside ? 1.0 : 0.0;
    p.expected_achievement = 1.0;
    p.status = inside ? (past_due ? progress_status::achieved : progress_status::on_track) : progress_status::off_track;
    return p;
  }

  if (p.baseline && p.target) p.achievement = achievement_of(*p.actual, *p.baseline, *p.target);
  if (p.baseline && p.final_target) p.final_achievement = achievement_of(*p.actual, *p.baseline, *p.final_target);
  if (p.expected) {
    const double sign = ind.direction == direction::decrease ? -1.0 : 1.0;
    p.gap = sign * (*p.actual - *p.expected);
    if (p.baseline && p.final_target)
      p.expected_achievement = achievement_of(*p.expected, *p.baseline, *p.final_target);
  }

  if (!p.final_achievement) {
    // No target to measure against: only the direction of travel can be judged.
    if (p.baseline)
      p.status = detail::is_better_or_equal(ind.direction, *p.actual, *p.baseline) ? progress_status::on_track
                                                                                   : progress_status::at_risk;
    else
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
  std::optional<double> achievement;           ///< weighted mean of the children's, each capped to [0, 1]
  std::optional<double> expected_achievement;  ///< the same for the planned trajectory
  progress_status status = progress_status::no_data;
  std::vector<std::string> children;  ///< ids, in definition order
  std::size_t children_without_data = 0;
};

namespace detail {

struct rollup_input {
  double weight;
  std::optional<double> achievement;
  std::optional<double> expected;
  progress_status status;
};

inline double clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

/// The roll-up rule (docs/progress.md): children without an achievement (no data, not started, no
/// target) are left out of the weighted mean and counted in children_without_data.
inline void roll_up_node(node_progress& n, std::span<const rollup_input> kids, const thresholds& th) {
  double wsum = 0, asum = 0, esum = 0;
  bool all_achieved = !kids.empty(), any_started = false, any_data = false;
  for (const auto& k : kids) {
    if (k.status != progress_status::achieved) all_achieved = false;
    if (k.status != progress_status::not_started) any_started = true;
    if (k.status != progress_status::no_data && k.status != progress_status::not_started) any_data = true;
    if (!k.achievement) {
      ++n.children_without_data;
      continue;
    }
    if (k.weight <= 0) continue;
    wsum += k.weight;
    asum += k.weight * clamp01(*k.achievement);
    esum += k.weight * clamp01(k.expected.value_or(0.0));
  }
  if (wsum > 0) {
    n.achievement = asum / wsum;
    n.expected_achievement = esum / wsum;
  }
  if (all_achieved) {
    n.status = progress_status::achieved;
  } else if (!any_started) {
    n.status = progress_status::not_started;
  } else if (!any_data || !n.achievement) {
    n.status = progress_status::no_data;
  } else if (*n.expected_achievement <= 0) {
    n.status = progress_status::on_track;
  } else {
    const double ratio = *n.achievement / *n.expected_achievement;
    n.status = ratio >= th.achieved          ? progress_status::on_track
               : ratio >= th.serious_failure ? progress_status::at_risk
                                             : progress_status::off_track;
  }
}

}  // namespace detail

/// Rolls indicator results up the programme tree. `indicators` must be in prog.all_indicators()
/// order. Returns every result, goal and pillar (depth-first, children before parents) and last the
/// programme itself. Uses the programme's thresholds for every node.
inline std::vector<node_progress> roll_up(const programme& prog, std::span<const indicator_progress> indicators) {
  if (indicators.size() != prog.all_indicators().size())
    throw error(errc::invalid_argument, "roll_up: one indicator_progress per indicator, in tree order");
  std::vector<node_progress> out;
  std::size_t next = 0;
  std::vector<detail::rollup_input> pillar_inputs;
  node_progress top;
  top.id = prog.id;
  top.name = prog.name;
  top.kind = node_kind::programme;
  for (const auto& pl : prog.pillars) {
    std::vector<detail::rollup_input> goal_inputs;
    node_progress pn{pl.id, pl.name, node_kind::pillar, pl.weight, {}, {}, progress_status::no_data, {}, 0};
    for (const auto& g : pl.goals) {
      std::vector<detail::rollup_input> result_inputs;
      node_progress gn{g.id, g.name, node_kind::goal, g.weight, {}, {}, progress_status::no_data, {}, 0};
      for (const auto& r : g.results) {
        std::vector<detail::rollup_input> ind_inputs;
        node_progress rn{r.id, r.name, node_kind::result, r.weight, {}, {}, progress_status::no_data, {}, 0};
        for (const auto& i : r.indicators) {
          const auto& ip = indicators[next++];
          ind_inputs.push_back({i.weight, ip.final_achievement, ip.expected_achievement, ip.status});
          rn.children.push_back(i.id);
        }
        detail::roll_up_node(rn, ind_inputs, prog.thresholds);
        result_inputs.push_back({rn.weight, rn.achievement, rn.expected_achievement, rn.status});
        gn.children.push_back(rn.id);
        out.push_back(std::move(rn));
      }
      detail::roll_up_node(gn, result_inputs, prog.thresholds);
      goal_inputs.push_back({gn.weight, gn.achievement, gn.expected_achievement, gn.status});
      pn.children.push_back(gn.id);
      out.push_back(std::move(gn));
    }
    detail::roll_up_node(pn, goal_inputs, prog.thresholds);
    pillar_inputs.push_back({pn.weight, pn.achievement, pn.expected_achievement, pn.status});
    top.children.push_back(pn.id);
    out.push_back(std::move(pn));
  }
  detail::roll_up_node(top, pillar_inputs, prog.thresholds);
  out.push_back(std::move(top));
  return out;
}

}  // namespace regiokpi
