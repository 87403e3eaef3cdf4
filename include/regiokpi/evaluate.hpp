// regiokpi: evaluating a whole programme against a measurement store on an as-of date: every
// indicator's series aggregated by its own time and space rules (formulas over their inputs,
// coverage per member), its progress and forecast, and the roll-up, as a typed value (enums, dates,
// exact amounts, verdicts) that the report writers (report.hpp) only format.
//   regiokpi::programme_report r = regiokpi::evaluate_programme(prog, store, {.as_of = parse_date("2022-12-31")});
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/forecast.hpp"
#include "regiokpi/indicator_forecast.hpp"
#include "regiokpi/money.hpp"
#include "regiokpi/programme.hpp"
#include "regiokpi/progress.hpp"
#include "regiokpi/quality.hpp"
#include "regiokpi/store.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// The report's name for a forecast's ETA: "expected" (a date), "reached", "not_within_horizon",
/// "never", "" for no answer.
constexpr std::string_view report_name(eta_status e) noexcept {
  switch (e) {
    case eta_status::reached_on:
      return "expected";
    case eta_status::already_reached:
      return "reached";
    case eta_status::not_within_horizon:
      return "not_within_horizon";
    case eta_status::never:
      return "never";
    case eta_status::no_answer:
      break;
  }
  return "";
}

/// A target or milestone on the planned path, checked against the measured value on or before its
/// due date once it is due (`met` empty: not yet due, or no value).
struct target_check {
  date due;
  double value = 0;
  std::optional<bool> met;
};

/// A target's earlier statements (oldest first), with the current one for reference.
struct target_history {
  date due;  ///< the current due date
  double value = 0;
  std::vector<target_revision> revisions;
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
  measure_kind kind = measure_kind::count;
  regiokpi::direction direction = regiokpi::direction::increase;
  bool proxy = false;
  bool derived = false;  ///< computed by a formula over other indicators
  std::string pillar;    ///< ids of the nodes above it
  std::string goal;
  std::string result;
  indicator_progress progress;
  forecast_summary forecast;
  std::vector<series_point> series;      ///< the aggregated series the evaluation used (up to as_of)
  std::vector<series_point> trajectory;  ///< the planned path: baseline, milestones, final target
  /// The targets and milestones after the baseline, each marked met or not once due.
  std::vector<target_check> checks;
  /// Each target's revision history (the statements before the current one, with their reasons).
  std::vector<target_history> revisions;
  /// The weakest delivery status among the rows behind the actual; empty when the store has none.
  std::optional<measurement_status> actual_status;
  /// The latest text of a text indicator (rule 11): the store keeps texts beside the rows.
  std::optional<std::string> actual_text;
  std::optional<coverage_matrix> matrix;  ///< coverage indicators broken down by two dimensions
  /// Derived indicators: members (keys of the breakdown members, "/"-joined) left out of the latest
  /// period because a part of the formula had no value there.
  std::vector<std::string> incomplete_members;
};

/// A whole report.
struct programme_report {
  std::string programme_id;
  std::string programme_name;
  date as_of;
  std::optional<date> as_recorded_on;  ///< set when the report shows what was known on that day
  trajectory_shape trajectory = trajectory_shape::linear;
  period_type series_period = period_type::quarter;
  std::int32_t fy_first_month = 1;           ///< the financial year's first month the series used
  std::vector<indicator_report> indicators;  ///< programme tree order
  std::vector<node_progress> nodes;          ///< results, goals, pillars, then the programme
  rollup_method rollup = rollup_method::weighted;
  /// Funding lines for the HTML report: contribution id, party and exact amount.
  struct funding_line {
    std::string id;
    std::string party;
    regiokpi::amount amount;
    std::string note;
  };
  std::vector<funding_line> funding;
  std::optional<regiokpi::amount> funding_total;  ///< what the parties pay (pools excluded)
  /// The data-quality findings on the as-of date (quality.hpp); none when evaluation_settings::data_quality is off.
  std::optional<quality_report> data_quality;
};

struct evaluation_settings {
  date as_of;
  /// Show what was known on this day: only rows recorded on or before it count (store revisions).
  std::optional<date> as_recorded_on;
  trajectory_shape shape = trajectory_shape::linear;
  /// The period of each indicator's series (the points charts show and forecasts fit).
  period_type series_period = period_type::quarter;
  /// First month (1..12) of the financial year, for a financial_year series.
  std::int32_t fy_first_month = 1;
  /// plan (default) or growth_ratio (Open SDG's progress measure); overrides the programme's field.
  std::optional<regiokpi::status_method> status_method;
  trend_model trend = trend_model::linear;  ///< unused since issue 11: see `method`
  forecast_method method = forecast_method::automatic;
  /// The date forecasts project to; default each indicator's final target date (else the programme end).
  std::optional<date> forecast_at;
  double forecast_level = 0.90;  ///< two-sided prediction interval
  /// The latest date an ETA may be; default: five years after the programme end.
  std::optional<date> forecast_horizon;
  /// Called after each indicator with (done, total); on the calling thread.
  std::function<void(std::size_t, std::size_t)> progress;
  /// Also check the data quality (programme_report::data_quality): one more pass over the rows.
  bool data_quality = true;
};

/// Evaluates every indicator of `prog` against `store` and rolls the results up. Indicators without
/// measurements get status no_data; nothing is made up. Throws regiokpi::error for a store whose
/// dimension columns cannot be matched where the programme needs them (coverage, formulas).
REGIOKPI_EXPORT programme_report evaluate_programme(const programme& prog, const measurement_store& store,
                                                    const evaluation_settings& settings);

REGIOKPI_END_NAMESPACE
