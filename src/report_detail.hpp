// Private to the report writers (report.cpp, report_html.cpp): what each format shows, decided once,
// so the writers only format it. Not installed.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include <fmt/format.h>

#include "regiokpi/evaluate.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace report_detail {

/// The children of a node, in the plural: "pillars" under the programme, "goals" under a pillar ...
inline std::string_view child_word(node_kind k) {
  switch (k) {
    case node_kind::programme:
      return "pillars";
    case node_kind::pillar:
      return "goals";
    case node_kind::goal:
      return "results";
    default:
      return "indicators";
  }
}

/// An indicator's actual as every format shows it: a text indicator's text, a coverage count
/// ("3 of 6") or a number, with the flags behind it (docs/report-format.md).
struct actual_view {
  const std::string* text = nullptr;  ///< a text indicator's latest text; the rest is then unused
  std::optional<std::size_t> met;     ///< coverage: members meeting the threshold ...
  std::size_t total = 0;              ///< ... of the members counted
  std::optional<double> value;        ///< otherwise the number
  std::optional<date> when;           ///< the actual's date
  std::string_view weak_status;       ///< "provisional" or "estimated" (a figure that may change), else empty
  bool stale = false;
};

inline actual_view actual_of(const indicator_report& i) {
  actual_view v;
  const auto& p = i.progress;
  if (i.actual_text) {
    v.text = &*i.actual_text;
    return v;
  }
  if (p.coverage) {
    v.met = p.coverage->met;
    v.total = p.coverage->total;
  }
  v.value = p.actual;
  v.when = p.actual_date;
  if (i.actual_status &&
      (*i.actual_status == measurement_status::provisional || *i.actual_status == measurement_status::estimated))
    v.weak_status = to_string(*i.actual_status);
  v.stale = p.stale;
  return v;
}

/// Missing reports per indicator: quality.hpp's list counted once per report, so each table row's
/// look-up is constant time (missing_reports() scans the whole list, once per indicator).
class missing_counts {
 public:
  explicit missing_counts(const programme_report& r) {
    if (r.data_quality)
      for (const auto& m : r.data_quality->completeness.missing) ++n_[m.indicator];
  }
  /// "incomplete: 2 reports missing" beside an actual that rests on incomplete reports; "" otherwise.
  [[nodiscard]] std::string words(std::string_view indicator) const {
    const auto it = n_.find(indicator);
    if (it == n_.end()) return {};
    return fmt::format("incomplete: {} {} missing", it->second, it->second == 1 ? "report" : "reports");
  }

 private:
  std::unordered_map<std::string_view, std::size_t> n_;
};

/// The data-quality summary sentence of the Markdown and HTML sections; `rate` writes a rate (the
/// formats differ for an unknown one) and `strong` marks up the completeness rate.
template <class Rate, class Strong>
std::string quality_summary(const quality_report& q, Rate rate, Strong strong) {
  return fmt::format(
      "Completeness {} ({} of {} reports due by {}), on time {} ({} late, {} with an unknown date); outliers: {}; "
      "rule violations: {}; revised values: {}.",
      strong(rate(q.completeness.rate())), q.completeness.reported, q.completeness.expected, format_date(q.as_of),
      rate(q.timeliness.rate()), q.timeliness.late.size(), q.timeliness.unknown, q.outliers.size(), q.violations.size(),
      q.revisions.revised_values);
}

/// One scalar of an indicator row, typed, so that each format writes it its own way: CSV as text,
/// the workbook as a number, a date or a string. monostate: empty (no value).
using cell = std::variant<std::monostate, std::string, double, date, std::size_t, bool>;

/// The columns of the per-indicator table (the CSV report's header, the workbook's Indicators sheet).
inline constexpr std::array<std::string_view, 34> indicator_columns{"id",
                                                                    "name",
                                                                    "unit",
                                                                    "pillar",
                                                                    "goal",
                                                                    "result",
                                                                    "baseline",
                                                                    "target",
                                                                    "target_date",
                                                                    "final_target",
                                                                    "final_target_date",
                                                                    "actual",
                                                                    "actual_date",
                                                                    "achievement",
                                                                    "final_achievement",
                                                                    "expected",
                                                                    "gap",
                                                                    "status",
                                                                    "forecast_value",
                                                                    "forecast_low",
                                                                    "forecast_high",
                                                                    "forecast_eta",
                                                                    "forecast_eta_status",
                                                                    "coverage_met",
                                                                    "coverage_total",
                                                                    "trend",
                                                                    "achievement_basis",
                                                                    "actual_status",
                                                                    "stale",
                                                                    "required_rate",
                                                                    "recent_rate",
                                                                    "rate_per",
                                                                    "forecast_method",
                                                                    "forecast_p_reach"};
/// indicator_columns' index of "status" (the workbook fills that cell with the status colour).
inline constexpr std::size_t status_column = 17;

/// The row of `i` under indicator_columns: a missing or non-finite number is empty.
std::array<cell, indicator_columns.size()> indicator_cells(const programme_report& r, const indicator_report& i);

}  // namespace report_detail
REGIOKPI_END_NAMESPACE
