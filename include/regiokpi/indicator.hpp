// regiokpi: an indicator, the measurable end of a programme: what is measured (kind, unit), which way
// is good (direction), where it started (baseline), where it must get to and by when (targets,
// milestones, with their revision history), and how its measurements combine over time and space.
//   const regiokpi::indicator& i = *prog.find_indicator("W-c1.assessments");
//   double goal = regiokpi::resolved_value(i.targets.back(), i.baseline);   // 400
//   i.time_rule == regiokpi::time_rule::sum && i.cumulative;
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/rules.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// What a measurement of the indicator is. milestone values are 0 (not yet) or 1 (delivered);
/// ordinal values are 0-based indices into the indicator's levels; text indicators carry no numbers.
enum class measure_kind : std::uint8_t { count, amount, percentage, ratio, milestone, ordinal, text };

/// Which way is good. maintain means "stay inside the band".
enum class direction : std::uint8_t { increase, decrease, maintain };

/// How a target value is stated: as is, as a change from the baseline (+50), or as a percentage
/// change from the baseline (-10 = "10 % below baseline").
enum class target_basis : std::uint8_t { absolute, change, percent_change };

/// An end target, or an intermediate milestone on the way to it.
enum class target_kind : std::uint8_t { target, milestone };

constexpr std::string_view to_string(measure_kind k) noexcept {
  constexpr std::array<std::string_view, 7> names{"count",     "amount",  "percentage", "ratio",
                                                  "milestone", "ordinal", "text"};
  return names[static_cast<std::size_t>(k)];
}
constexpr std::string_view to_string(direction d) noexcept {
  constexpr std::array<std::string_view, 3> names{"increase", "decrease", "maintain"};
  return names[static_cast<std::size_t>(d)];
}
constexpr std::string_view to_string(target_basis b) noexcept {
  constexpr std::array<std::string_view, 3> names{"absolute", "change", "percent_change"};
  return names[static_cast<std::size_t>(b)];
}
constexpr std::string_view to_string(target_kind k) noexcept {
  return k == target_kind::target ? "target" : "milestone";
}

/// Whether measurements of this kind are numbers that can be summed, averaged and compared
/// (not milestone, ordinal or text).
constexpr bool is_quantity(measure_kind k) noexcept {
  return k == measure_kind::count || k == measure_kind::amount || k == measure_kind::percentage ||
         k == measure_kind::ratio;
}

/// Where an indicator started: the value on a reference date and where that figure comes from.
struct baseline {
  date reference_date;
  double value = 0;
  std::string source;
  friend bool operator==(const baseline&, const baseline&) = default;
};

/// An earlier statement of a target, kept when the target was revised.
struct target_revision {
  date revised_on;  ///< the day the target changed away from this statement
  date due;         ///< the earlier due date
  double value = 0;
  target_basis basis = target_basis::absolute;
  std::string reason;
  friend bool operator==(const target_revision&, const target_revision&) = default;
};

/// A target or milestone: the value to reach by a due date. revisions holds the earlier statements,
/// oldest first.
struct target {
  target_kind kind = target_kind::target;
  date due;
  double value = 0;
  target_basis basis = target_basis::absolute;
  std::string note;
  std::vector<target_revision> revisions;
  friend bool operator==(const target&, const target&) = default;
};

/// The band a "maintain" indicator must stay inside, bounds included.
struct band {
  double low = 0;
  double high = 0;
  friend bool operator==(const band&, const band&) = default;
};

/// How coverage counts members: members of `level` in `dimension` whose value is at least
/// `threshold` ("every municipality has at least one"); as a count, or as a share (0..1) if `share`.
struct coverage_rule {
  std::string dimension;
  std::string level;  ///< empty: every member of a category dimension
  double threshold = 1;
  bool share = false;
  friend bool operator==(const coverage_rule&, const coverage_rule&) = default;
};

/// A dimension an indicator is broken down by, and for a hierarchy the level its measurements
/// are reported at (municipality).
struct breakdown {
  std::string dimension;
  std::string level;
  friend bool operator==(const breakdown&, const breakdown&) = default;
};

/// A derived indicator's value: sum(numerator) / sum(denominator) x factor, over other indicators'
/// values for the same period and members. Without a denominator: sum(numerator) x factor.
struct formula {
  std::vector<std::string> numerator;    ///< indicator ids, summed; one unit
  std::vector<std::string> denominator;  ///< indicator ids, summed; may be empty
  double factor = 1;
  friend bool operator==(const formula&, const formula&) = default;
};

/// When an achievement (a fraction of the way from baseline to target) counts as achieved, and
/// below which it is a serious failure. Defaults: achieved at 1.00 (the target is met), serious
/// failure below 0.65. The EU cohesion funds use 0.85 and 0.65.
struct thresholds {
  double achieved = 1.0;
  double serious_failure = 0.65;
  friend bool operator==(const thresholds&, const thresholds&) = default;
};

/// Who is expected to report an indicator, how often and how soon (issue 12): one report per member
/// of `by` (the cross product when several) per period, due `due_days` days after the period's end.
struct reporting_rule {
  period_type period = period_type::quarter;
  std::vector<regiokpi::breakdown> by;
  std::int32_t due_days = 0;
  friend bool operator==(const reporting_rule&, const reporting_rule&) = default;
};

/// A measurable indicator of a result.
struct indicator {
  std::string id;
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  measure_kind kind = measure_kind::count;
  std::string unit;                 ///< "companies", "EUR", "%", "care workers per 1,000 households"
  std::vector<std::string> levels;  ///< ordinal only: level names, lowest first
  regiokpi::direction direction = regiokpi::direction::increase;
  std::optional<regiokpi::band> band;  ///< maintain only
  bool proxy = false;                  ///< measures the result indirectly; the description says how
  std::optional<regiokpi::baseline> baseline;
  std::vector<regiokpi::target> targets;  ///< sorted by due date
  bool cumulative = false;                ///< progress is the running total since the programme start
  regiokpi::time_rule time_rule = regiokpi::time_rule::sum;
  regiokpi::space_rule space_rule = regiokpi::space_rule::sum;
  std::string weight_attribute;                     ///< weighted_avg only: the member attribute ("population")
  std::optional<regiokpi::coverage_rule> coverage;  ///< coverage only
  std::vector<regiokpi::breakdown> breakdowns;
  std::optional<regiokpi::formula> formula;        ///< derived indicators only
  double weight = 1;                               ///< weight in its result's roll-up
  std::optional<regiokpi::thresholds> thresholds;  ///< overrides the programme's
  std::optional<reporting_rule> reporting;         ///< who reports it when; none: completeness is not judged
  std::optional<double> min;                       ///< plausible range (data quality), on top of the kind's
  std::optional<double> max;

  /// The final target (the last of kind target), or nullptr if there is none.
  [[nodiscard]] const regiokpi::target* final_target() const noexcept {
    const regiokpi::target* out = nullptr;
    for (const auto& t : targets)
      if (t.kind == target_kind::target) out = &t;
    return out;
  }

  friend bool operator==(const indicator&, const indicator&) = default;
};

/// A target's value stated in the indicator's own terms: change and percent_change are applied to
/// the baseline. Throws error(invalid_argument) for a relative target without a baseline.
inline double resolved_value(double value, target_basis basis, const std::optional<baseline>& base) {
  if (basis == target_basis::absolute) return value;
  if (!base) throw error(errc::invalid_argument, "a relative target needs a baseline");
  return basis == target_basis::change ? base->value + value : base->value * (1 + value / 100);
}

/// resolved_value() of a target.
inline double resolved_value(const target& t, const std::optional<baseline>& base) {
  return resolved_value(t.value, t.basis, base);
}

REGIOKPI_END_NAMESPACE
