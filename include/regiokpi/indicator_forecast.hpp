// regiokpi: an indicator's forecast in a report (issue 11, docs/forecast.md): its aggregated series
// made regular by period, forecast by forecast_series() within the indicator's domain, projected to
// a date, with the probability of meeting the final target by its date (p_reach) and the date the
// point forecast meets it (eta).
//   regiokpi::forecast_summary f = regiokpi::forecast_indicator(ind, progress, series, settings);
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "regiokpi/calendar.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/forecast.hpp"
#include "regiokpi/indicator.hpp"
#include "regiokpi/progress.hpp"
#include "regiokpi/report.hpp"

namespace regiokpi {

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

}  // namespace regiokpi
