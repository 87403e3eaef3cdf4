// An indicator's forecast in a report: the glue between the aggregated series and forecast_series().
#include "regiokpi/export.hpp"
#include "regiokpi/indicator_forecast.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

REGIOKPI_BEGIN_NAMESPACE

forecast_domain domain_of(const indicator& ind, std::optional<std::size_t> members) {
  forecast_domain d;
  switch (ind.kind) {
    case measure_kind::count:
    case measure_kind::amount:
    case measure_kind::ratio:
      d.lower = 0;
      break;
    case measure_kind::percentage:
      d.lower = 0;
      d.upper = 100;
      break;
    default:
      break;
  }
  if (ind.space_rule == space_rule::coverage && ind.coverage) {
    d.lower = 0;
    if (ind.coverage->share)
      d.upper = 1;
    else if (members)
      d.upper = static_cast<double>(*members);
  }
  if (ind.cumulative) {
    d.cumulative = true;
    if (d.lower >= 0) d.flow_lower = 0;  // a running total of non-negative flows never falls
  }
  return d;
}

namespace {

/// The series by period: one value per period from the first to the last with data, a period
/// without a point carrying the previous value forward. Returns the values and the last period.
std::vector<double> regular_values(std::span<const series_point> series, const indicator_forecast_settings& s,
                                   std::int32_t& last_index) {
  std::vector<double> out;
  std::int32_t prev = 0;
  for (const auto& p : series) {
    if (p.when > s.as_of || !std::isfinite(p.value)) continue;
    const std::int32_t idx = period::containing(s.period, p.when, s.fy_first_month).index();
    if (!out.empty() && idx <= prev) {
      out.back() = p.value;  // a later point of the same period
      continue;
    }
    if (!out.empty())
      for (std::int32_t k = prev + 1; k < idx; ++k) out.push_back(out.back());
    out.push_back(p.value);
    prev = idx;
  }
  last_index = prev;
  return out;
}

int season_of(period_type t) {
  if (t == period_type::quarter) return 4;
  if (t == period_type::month) return 12;
  return 1;
}

}  // namespace

forecast_summary forecast_indicator(const indicator& ind, const indicator_progress& p,
                                    std::span<const series_point> series, const indicator_forecast_settings& s) {
  forecast_summary f;
  f.level = s.level;
  if (!is_quantity(ind.kind) || ind.direction == direction::maintain) {
    f.reason = "not forecast: a " + std::string(to_string(ind.kind)) +
               (ind.direction == direction::maintain ? " indicator kept within a band" : " indicator");
    return f;
  }
  f.model = s.method;
  f.at = s.at ? *s.at : (p.final_target_date ? *p.final_target_date : s.fallback_at);
  std::int32_t last = 0;
  const std::vector<double> y = regular_values(series, s, last);
  const auto step_of = [&](date d) -> std::int64_t {
    return static_cast<std::int64_t>(period::containing(s.period, d, s.fy_first_month).index()) - last;
  };
  const auto last_day_of = [&](std::int64_t step) {
    return period::from_index(s.period, static_cast<std::int32_t>(last + step), s.fy_first_month).last_day();
  };
  const std::int64_t at_step = step_of(*f.at);
  const std::int64_t horizon = std::clamp<std::int64_t>(std::max(at_step, step_of(s.eta_horizon)), 1, 10000);
  series_forecast_options o;
  o.method = s.method;
  o.level = s.level;
  o.season = season_of(s.period);
  o.domain = domain_of(ind, p.coverage ? std::optional<std::size_t>(p.coverage->total) : std::nullopt);
  const series_forecast r = forecast_series(y, static_cast<std::size_t>(horizon), o);
  if (!r.ok()) {
    f.reason = std::string(to_string(r.info)) + ": " + r.message;
    return f;
  }
  f.method = r.method_used;
  const bool up = ind.direction != direction::decrease;
  const auto dir = up ? trend_direction::increase : trend_direction::decrease;
  if (at_step > horizon) {
    f.reason = "the forecast date " + format_date(*f.at) + " is more than 10000 periods ahead";
  } else if (at_step >= 1) {
    const auto k = static_cast<std::size_t>(at_step - 1);
    f.value = r.mean[k];
    if (r.has_interval()) {
      f.low = r.low[k];
      f.high = r.high[k];
    }
  } else {
    f.reason = "the forecast date " + format_date(*f.at) + " is not after the last period with data";
  }
  if (!r.has_interval() && f.reason.empty()) f.reason = "too_few_points: " + r.message;
  if (p.final_target) {
    const double target = *p.final_target;
    const bool met = p.actual && (up ? *p.actual >= target : *p.actual <= target);
    if (met) {
      f.eta_status = eta_status::already_reached;
    } else if (const auto k = first_step_reaching(r, target, dir)) {
      f.eta = last_day_of(static_cast<std::int64_t>(*k) + 1);
      f.eta_status = eta_status::reached_on;
    } else {
      const bool improving = up ? r.mean.back() > r.mean.front() : r.mean.back() < r.mean.front();
      f.eta_status = improving ? eta_status::not_within_horizon : eta_status::never;
    }
    if (p.final_target_date) {
      const std::int64_t due = step_of(*p.final_target_date);
      if (met)
        f.p_reach = 1.0;
      else if (due < 1)
        f.p_reach = 0.0;  // the date has passed (or is in the last period with data) unmet
      else if (static_cast<std::size_t>(due) <= r.mean.size())
        f.p_reach = reach_probability(r, static_cast<std::size_t>(due - 1), target, dir);
    }
    if (f.value) f.shortfall = up ? target - *f.value : *f.value - target;
  }
  return f;
}

REGIOKPI_END_NAMESPACE
