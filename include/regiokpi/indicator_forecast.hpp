// regiokpi: an indicator's forecast in a report (issue 11, docs/forecast.md): its aggregated series
// made regular by period, forecast by forecast_series() within the indicator's domain, projected to
// a date, with the probability of meeting the final target by its date (p_reach) and the date the
// point forecast meets it (eta).
//   regiokpi::forecast_summary f = regiokpi::forecast_indicator(ind, progress, series, settings);
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "regiokpi/calendar.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/forecast.hpp"
#include "regiokpi/indicator.hpp"
#include "regiokpi/progress.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// The forecast part of an indicator's report. Every number is nullopt when the fit could not give
/// it; `reason` then says why ("too_few_points: ...").
struct forecast_summary {
  std::optional<forecast_method> model;  ///< the method asked for; empty when none was tried
  std::string method;                    ///< what was fitted ("auto (2/3 theta + 1/3 drift)", ...; docs/forecast.md)
  double level = 0.9;                    ///< two-sided prediction interval level
  std::optional<date> at;                ///< the date projected to (the final target date)
  std::optional<double> value;           ///< projected value at `at`
  std::optional<double> low;             ///< prediction interval
  std::optional<double> high;
  std::optional<date> eta;  ///< when the point forecast meets the final target
  /// already_reached only when the actual meets the final target; empty when no target or no fit.
  std::optional<regiokpi::eta_status> eta_status;
  /// The probability, under the predictive distribution, that the final target is met on its date.
  std::optional<double> p_reach;
  std::optional<double>
      shortfall;       ///< how far the projection misses the final target (positive = misses), direction-aware
  std::string reason;  ///< why numbers are missing; empty on success
};

struct indicator_forecast_settings {
  period_type period = period_type::quarter;  ///< the series' period (4 / 12 a year allow seasonality)
  std::int32_t fy_first_month = 1;
  forecast_method method = forecast_method::automatic;
  double level = 0.90;
  date as_of;
  /// The date to project to; default the final target date, else `fallback_at` (the programme end).
  std::optional<date> at;
  date fallback_at;
  /// The latest date an eta may be.
  date eta_horizon;
};

/// The possible values of an indicator (see docs/forecast.md): counts, amounts and ratios >= 0,
/// percentages 0..100, coverage 0..`members` (a share 0..1); a cumulative indicator's flows >= 0.
REGIOKPI_EXPORT forecast_domain domain_of(const indicator& ind, std::optional<std::size_t> members = std::nullopt);

/// The forecast part of an indicator's report. `series` is the indicator's aggregated series
/// (points dated by the last day of their period, or the as-of date). Milestones, text, ordinal
/// and maintain-band indicators are not forecast (`reason` says so).
REGIOKPI_EXPORT forecast_summary forecast_indicator(const indicator& ind, const indicator_progress& progress,
                                                    std::span<const series_point> series,
                                                    const indicator_forecast_settings& settings);

REGIOKPI_END_NAMESPACE
