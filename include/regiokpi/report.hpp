// regiokpi: the report people and tools read: every indicator's standing and forecast on an as-of
// date, rolled up to results, goals, pillars and the programme, written as JSON (the contract other
// tools read, docs/report-format.md), CSV, Markdown or one self-contained HTML file with SVG charts.
//   regiokpi::programme_report r = regiokpi::evaluate_programme(prog, store, {.as_of = parse_date("2022-12-31")});
//   std::string md = regiokpi::report_to_markdown(r);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/progress.hpp"

namespace regiokpi {

/// The forecast part of an indicator's report. Every number is nullopt when the fit could not give
/// it; `reason` then says why ("too_few_points: ...").
struct forecast_summary {
  std::string model;            ///< the method asked for: "auto", "theta", ...; empty when none was tried
  std::string method;           ///< what was fitted ("auto (2/3 theta + 1/3 drift)", ...; docs/forecast.md)
  double level = 0.9;           ///< two-sided prediction interval level
  std::optional<date> at;       ///< the date projected to (the final target date)
  std::optional<double> value;  ///< projected value at `at`
  std::optional<double> low;    ///< prediction interval
  std::optional<double> high;
  std::optional<date> eta;  ///< when the trend reaches the final target
  std::string eta_status;   ///< "reached" (the actual meets the final target), "expected", "not_within_horizon",
                            ///< "never", or empty
  /// The probability, under the predictive distribution, that the final target is met on its date.
  std::optional<double> p_reach;
  std::optional<double>
      shortfall;       ///< how far the projection misses the final target (positive = misses), direction-aware
  std::string reason;  ///< why numbers are missing; empty on success
};

/// Coverage by two dimensions (municipality x sector): each cell is the member pair's latest value
/// on or before the as-of date (nullopt: none), met when >= threshold.
struct coverage_matrix {
  std::string row_dimension;
  std::string column_dimension;
  std::vector<std::string> rows;             ///< member ids
  std::vector<std::string> columns;          ///< member ids
  std::vector<std::optional<double>> cells;  ///< row-major, rows.size() x columns.size()
  double threshold = 1;
};

/// One indicator in a report.
struct indicator_report {
  std::string id;
  std::string name;
  std::string unit;
  std::string kind;       ///< measure kind, as in the programme format
  std::string direction;  ///< increase, decrease, maintain
  bool proxy = false;
  std::string pillar;  ///< ids of the nodes above it
  std::string goal;
  std::string result;
  indicator_progress progress;
  forecast_summary forecast;
  std::vector<series_point> series;       ///< the aggregated series the evaluation used (up to as_of)
  std::vector<series_point> trajectory;   ///< the planned path: baseline, milestones, final target
  std::optional<coverage_matrix> matrix;  ///< coverage indicators broken down by two dimensions
};

/// A whole report.
struct programme_report {
  std::string programme_id;
  std::string programme_name;
  date as_of;
  std::optional<date> as_recorded_on;  ///< set when the report shows what was known on that day
  std::string trajectory;              ///< trajectory shape used
  period_type series_period = period_type::quarter;
  std::vector<indicator_report> indicators;  ///< programme tree order
  std::vector<node_progress> nodes;          ///< results, goals, pillars, then the programme
  /// Funding lines for the HTML report: contribution id, party and amount as text (exact decimal).
  struct funding_line {
    std::string id;
    std::string party;
    std::string amount;
    std::string note;
  };
  std::vector<funding_line> funding;
  std::string funding_total;
};

/// JSON report (docs/report-format.md, docs/schema/report.schema.json). Missing numbers are null.
REGIOKPI_EXPORT std::string report_to_json(const programme_report& r);

/// CSV: one row per indicator with the same scalar fields as the JSON report.
REGIOKPI_EXPORT std::string report_to_csv(const programme_report& r);

/// Markdown: a headline for the programme, then one table per pillar.
REGIOKPI_EXPORT std::string report_to_markdown(const programme_report& r);

/// One self-contained HTML file (no scripts, fonts or images fetched from anywhere) with an SVG
/// chart per indicator, coverage matrices and the funding plan.
REGIOKPI_EXPORT std::string report_to_html(const programme_report& r);

}  // namespace regiokpi
