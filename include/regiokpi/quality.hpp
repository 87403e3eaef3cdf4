// regiokpi: data quality (issue 12). One pass over a measurement store judges completeness (who has
// not reported), timeliness (who reported late), outliers (modified z-scores of period-on-period
// changes, plausible ranges), the programme's validation rules and revisions. docs/data-quality.md.
//   regiokpi::quality_report q = regiokpi::check_quality(prog, store, {.as_of = parse_date("2022-12-31")});
//   q.completeness.missing;                    // [{W-c1.assessments, emmen, 2022Q3}, ...]
//   std::string json = regiokpi::quality_to_json(q);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/programme.hpp"
#include "regiokpi/store.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// What to check.
struct quality_settings {
  date as_of;  ///< rows dated after it are ignored; reports due after it (or in periods after the programme end) are
               ///< not expected
  /// Only rows recorded on or before this day count (rows without recorded_at always do): what was known then.
  std::optional<date> as_recorded_on;
  double outlier_threshold = 3.5;  ///< |modified z-score| above this is an outlier (Iglewicz and Hoaglin)
  /// A series needs at least this many period-on-period changes (at least 1) before its z-scores are judged.
  std::size_t min_changes = 4;
};

/// One expected report (member x period) of an indicator with a `reporting` block.
enum class report_state : std::uint8_t { on_time, late, unknown, missing };

constexpr std::string_view to_string(report_state s) noexcept {
  constexpr std::array<std::string_view, 4> names{"on_time", "late", "unknown", "missing"};
  return names[static_cast<std::size_t>(s)];
}

/// An indicator's expected reports: members (rows) x periods (columns), row-major.
struct completeness_matrix {
  std::string indicator;
  std::vector<std::string> members;  ///< "emmen"; several `by` dimensions join with '/'
  std::vector<period> periods;       ///< every period whose report was due by the as-of date
  std::vector<report_state> cells;   ///< members.size() x periods.size()
  [[nodiscard]] report_state at(std::size_t member, std::size_t p) const { return cells[member * periods.size() + p]; }
};

struct missing_report {
  std::string indicator;
  std::string member;
  regiokpi::period period;
};

struct late_report {
  std::string indicator;
  std::string member;
  regiokpi::period period;
  date due;
  date recorded;
  std::int32_t days_late = 0;  ///< recorded - due, > 0
};

/// A rate with what it counts: reported of expected (rate nullopt when nothing was expected).
struct rate_entry {
  std::string key;
  std::size_t expected = 0;
  std::size_t reported = 0;
  [[nodiscard]] std::optional<double> rate() const {
    return expected == 0 ? std::nullopt
                         : std::optional<double>(static_cast<double>(reported) / static_cast<double>(expected));
  }
};

struct completeness_summary {
  std::size_t expected = 0;
  std::size_t reported = 0;
  [[nodiscard]] std::optional<double> rate() const { return rate_entry{{}, expected, reported}.rate(); }
  std::vector<rate_entry> by_member;  ///< over every indicator with reporting; sorted by member
  std::vector<rate_entry> by_period;  ///< by period label, in label order
  std::vector<missing_report> missing;
  std::vector<completeness_matrix> matrices;  ///< one per indicator with reporting, in programme order
};

struct timeliness_summary {
  std::size_t on_time = 0;
  std::size_t unknown = 0;  ///< reports without recorded_at: not counted as on time
  std::vector<late_report> late;
  /// on_time / (on_time + late + unknown); nullopt without reports.
  [[nodiscard]] std::optional<double> rate() const {
    const std::size_t n = on_time + late.size() + unknown;
    return n == 0 ? std::nullopt : std::optional<double>(static_cast<double>(on_time) / static_cast<double>(n));
  }
};

/// A doubtful value: an extreme period-on-period change (score: the modified z-score) or a value
/// outside the plausible range (score nullopt).
struct outlier {
  std::string indicator;
  std::string member;  ///< the series' non-empty coordinates joined with '/'; "" for a total
  date when;
  double value = 0;
  std::optional<double> score;
  std::string reason;
};

/// A validation rule that does not hold for a member (empty with per total) and period.
struct violation {
  std::string rule;
  regiokpi::importance importance = regiokpi::importance::medium;
  std::string member;
  regiokpi::period period;
  double left = 0;
  double right = 0;
};

/// How often a rule was compared, violated, and skipped because a side had no value.
struct rule_outcome {
  std::string rule;
  std::size_t checked = 0;
  std::size_t violated = 0;
  std::size_t skipped = 0;
  std::string problem;  ///< why the rule could not be checked on this store (its aggregation failed); empty if it was
};

/// A series' largest revision: a value first reported as `from`, last revised to `to`.
struct series_revision {
  std::string indicator;
  std::string member;
  date when;
  double from = 0;
  double to = 0;
  std::optional<double> relative;  ///< |to - from| / |from|; nullopt when from is 0
};

struct revision_summary {
  std::size_t revised_values = 0;        ///< (series, date) pairs with a row of revision > 0
  std::vector<series_revision> largest;  ///< per revised series, its largest relative revision
};

/// Everything check_quality() found.
struct quality_report {
  date as_of;
  double outlier_threshold = 3.5;
  completeness_summary completeness;
  timeliness_summary timeliness;
  std::vector<outlier> outliers;
  std::vector<violation> violations;  ///< high importance first, then rule order, member, period
  std::vector<rule_outcome> rules;    ///< programme order
  revision_summary revisions;

  /// The number of findings of importance `level` or worse (missing reports are medium, late reports
  /// and outliers low, violations their rule's importance).
  [[nodiscard]] REGIOKPI_EXPORT std::size_t findings_at_least(importance level) const;
};

/// One finding for people: its importance, kind ("violation", "missing", "late" or "outlier"), the
/// indicator (a violation: the rule id) and a sentence.
struct finding {
  importance level = importance::low;
  std::string kind;
  std::string subject;
  std::string text;
};

/// Every finding, worst first: by importance, then violations, missing reports, late reports, outliers.
REGIOKPI_EXPORT std::vector<finding> findings(const quality_report& q);

/// How many of an indicator's expected reports are missing (0 without a reporting block).
REGIOKPI_EXPORT std::size_t missing_reports(const quality_report& q, std::string_view indicator);

/// Checks a store's measurements against a programme's reporting blocks, ranges and validation rules.
/// Linear in the rows (plus sorting each series' rows). Throws error(invalid_argument) for a
/// threshold that is not a positive number.
REGIOKPI_EXPORT quality_report check_quality(const programme& prog, const measurement_store& store,
                                             const quality_settings& settings);

/// The findings as JSON (docs/data-quality.md; schema docs/schema/check.schema.json).
REGIOKPI_EXPORT std::string quality_to_json(const quality_report& q);
/// For people: a summary line, then findings grouped by importance, worst first.
REGIOKPI_EXPORT std::string quality_to_text(const quality_report& q);
/// One row per finding: kind,importance,subject,member,period,date,value,detail.
REGIOKPI_EXPORT std::string quality_to_csv(const quality_report& q);

REGIOKPI_END_NAMESPACE
