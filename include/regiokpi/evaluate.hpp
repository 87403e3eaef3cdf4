// regiokpi: evaluating a whole programme against a measurement store on an as-of date: every
// indicator's series aggregated by its own time and space rules (formulas over their inputs,
// coverage per member), its progress and forecast, and the roll-up, ready for the report writers.
//   regiokpi::programme_report r = regiokpi::evaluate_programme(prog, store, {.as_of = parse_date("2022-12-31")});
#pragma once

#include <cstddef>
#include <functional>
#include <optional>

#include "regiokpi/calendar.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/forecast.hpp"
#include "regiokpi/indicator_forecast.hpp"
#include "regiokpi/programme.hpp"
#include "regiokpi/progress.hpp"
#include "regiokpi/report.hpp"
#include "regiokpi/store.hpp"

namespace regiokpi {

struct evaluation_settings {
  date as_of;
  /// Show what was known on this day: only rows recorded on or before it count (store revisions).
  std::optional<date> as_recorded_on;
  trajectory_shape shape = trajectory_shape::linear;
  /// The period of each indicator's series (the points charts show and forecasts fit).
  period_type series_period = period_type::quarter;
  trend_model trend = trend_model::linear;  ///< unused since issue 11: see `method`
  forecast_method method = forecast_method::automatic;
  /// The date forecasts project to; default each indicator's final target date (else the programme end).
  std::optional<date> forecast_at;
  double forecast_level = 0.90;  ///< two-sided prediction interval
  /// The latest date an ETA may be; default: five years after the programme end.
  std::optional<date> forecast_horizon;
  /// Called after each indicator with (done, total); on the calling thread.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// Evaluates every indicator of `prog` against `store` and rolls the results up. Indicators without
/// measurements get status no_data; nothing is made up. Throws regiokpi::error for a store whose
/// dimension columns cannot be matched where the programme needs them (coverage, formulas).
REGIOKPI_EXPORT programme_report evaluate_programme(const programme& prog, const measurement_store& store,
                                                    const evaluation_settings& settings);

}  // namespace regiokpi
