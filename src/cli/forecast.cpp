// `regiokpi forecast MEASUREMENTS.csv --period P --horizon H [--method M] [--level 0.9] [--by COL,...]
//  [--time RULE] [--space RULE] [--cumulative] [--indicator ID,...] [--programme PROGRAMME.json] [--output FILE]`:
// each series built as `aggregate` builds it (time rule, then space rule; with a programme, each
// indicator's own rules and domain), forecast H periods after its last one (docs/forecast.md), as CSV
// indicator,<by...>,period,value,low,high,method.
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <regiokpi/aggregate.hpp>
#include <regiokpi/indicator_forecast.hpp>
#include <regiokpi/programme_io.hpp>
#include <string>
#include <tuple>
#include <vector>

#include <regiokpi/csv.hpp>
#include <regiokpi/export.hpp>

#include "command.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {
namespace forecast_command {

void put_number(std::string& out, double v) {
  if (v == 0) v = 0;  // no "-0"
  char num[32];
  const auto r = std::to_chars(num, num + sizeof num, v);
  out.append(num, r.ptr);
}

struct options {
  std::string input, period, method = "auto", by, time = "sum", space = "sum", indicators, programme, output = "-",
                             as_recorded_on;
  std::string horizon;
  double level = 0.9;
  bool cumulative = false;
};

/// Forecasts every group of one aggregate result and appends the CSV rows.
void forecast_groups(std::string& out, const aggregate_result& r, const options& o, forecast_method method,
                     std::size_t horizon, const std::map<std::string, forecast_domain>& domains,
                     const forecast_domain& default_domain) {
  std::size_t i = 0;
  while (i < r.size()) {
    std::size_t j = i;
    while (j < r.size() && r.group_of(j) == r.group_of(i)) ++j;
    // The group's values by period, a period without a row carrying the previous value forward.
    std::vector<double> y;
    for (std::size_t k = i; k < j; ++k) {
      if (k > i)
        for (std::int32_t p = r.period_index(k - 1) + 1; p < r.period_index(k); ++p) y.push_back(y.back());
      y.push_back(r.value(k));
    }
    series_forecast_options so;
    so.method = method;
    so.level = o.level;
    so.season = r.period == period_type::quarter ? 4 : r.period == period_type::month ? 12 : 1;
    const auto d = domains.find(std::string(r.indicator(i)));
    so.domain = d != domains.end() ? d->second : default_domain;
    const series_forecast f = forecast_series(y, horizon, so);
    std::string prefix;
    csv_append_field(prefix, r.indicator(i));
    for (std::size_t k = 0; k < r.group_by.size(); ++k) csv_append_field(prefix += ',', r.group_value(i, k));
    if (!f.ok())
      throw error(errc::no_answer, "forecast of " + prefix + ": " + std::string(to_string(f.info)) + ": " + f.message);
    const std::int32_t last = r.period_index(j - 1);
    for (std::size_t k = 0; k < horizon; ++k) {
      out += prefix;
      out += ',';
      out += period::from_index(r.period, last + static_cast<std::int32_t>(k) + 1, r.fy_first_month).label();
      out += ',';
      put_number(out, f.mean[k]);
      out += ',';
      if (f.has_interval()) put_number(out, f.low[k]);
      out += ',';
      if (f.has_interval()) put_number(out, f.high[k]);
      out += ',';
      csv_append_field(out, f.method_used);
      out += '\n';
    }
    i = j;
  }
}

int run(const options& o) {
  // --horizon: a whole number of periods >= 1 (read as text so that 2.5 or -1 is a usage error).
  std::size_t horizon = 0;
  {
    const char* b = o.horizon.data();
    const auto [ptr, ec] = std::from_chars(b, b + o.horizon.size(), horizon);
    if (ec != std::errc() || ptr != b + o.horizon.size() || horizon < 1 || horizon > 10000)
      throw usage_error("--horizon " + quote(o.horizon) + ": a whole number of periods from 1 to 10000");
  }
  const auto method = parse_forecast_method(o.method);
  if (!method)
    throw usage_error("--method " + quote(o.method) +
                      ": not auto, naive, drift, linear, log_linear, ses, damped or theta");
  if (!(o.level > 0 && o.level < 1)) throw usage_error("--level must be between 0 and 1");
  query q = query_rules(o.period, o.time, o.space);
  if (q.space == space_rule::weighted_avg || q.space == space_rule::coverage)
    throw usage_error("--space " + o.space + ": use `aggregate` for weighted averages and coverage");
  if (!o.by.empty()) q.group_by = split_list(o.by, "--by");
  if (!o.indicators.empty()) q.indicators = split_list(o.indicators, "--indicator");
  q.as_recorded_on = date_option(o.as_recorded_on, "--as-recorded-on");
  q.cumulative = o.cumulative;
  std::optional<programme> prog;
  if (!o.programme.empty()) prog = read_programme(read_file(o.programme), o.programme);

  const measurement_store store = load_measurements(o.input, prog ? &*prog : nullptr);

  std::string out = "indicator";
  for (const auto& g : q.group_by) csv_append_field(out += ',', g);
  out += ",period,value,low,high,method\n";
  forecast_domain plain;
  plain.cumulative = o.cumulative;
  if (!prog) {
    forecast_groups(out, aggregate(store, q), o, *method, horizon, {}, plain);
  } else {
    // The indicators' own rules: one aggregate per (time rule, space rule, cumulative).
    std::map<std::tuple<time_rule, space_rule, bool>, std::vector<const indicator*>> groups;
    std::map<std::string, forecast_domain> domains;
    for (const indicator* ind : prog->all_indicators()) {
      if (!q.indicators.empty() && std::find(q.indicators.begin(), q.indicators.end(), ind->id) == q.indicators.end())
        continue;
      if (!is_quantity(ind->kind) || ind->formula || ind->space_rule == space_rule::coverage ||
          ind->space_rule == space_rule::weighted_avg)
        continue;  // milestones are not forecast; derived, coverage and weighted indicators: see `report`
      groups[{ind->time_rule, ind->space_rule, ind->cumulative}].push_back(ind);
      domains[ind->id] = domain_of(*ind);
    }
    for (const auto& [key, inds] : groups) {
      query g = q;
      g.indicators.clear();
      for (const indicator* ind : inds) g.indicators.push_back(ind->id);
      g.time = std::get<0>(key);
      g.space = std::get<1>(key);
      g.cumulative = std::get<2>(key);
      forecast_groups(out, aggregate(store, g, &*prog), o, *method, horizon, domains, plain);
    }
  }
  write_output(o.output, out);
  return exit_ok;
}

const bool registered = register_command({
    "forecast",
    "Forecast each aggregated series H periods ahead (CSV with prediction intervals)",
    [](CLI::App& app) -> std::function<int()> {
      auto o = std::make_shared<options>();
      app.add_option("measurements", o->input,
                     "Measurements: a CSV file (indicator,date,value and dimension columns) or a store directory")
          ->required();
      app.add_option("--period", o->period, "Period type: day, week, month, quarter, half_year, year, financial_year")
          ->required();
      app.add_option("--horizon", o->horizon, "Periods to forecast after each series' last (a whole number >= 1)")
          ->required();
      app.add_option("--method", o->method, "auto, naive, drift, linear, log_linear, ses, damped or theta")
          ->capture_default_str();
      app.add_option("--level", o->level, "Prediction interval level")->capture_default_str();
      app.add_option("--by", o->by, "Dimensions to group by, comma-separated (a hierarchy level with --programme)");
      app.add_option("--time", o->time, "Time rule without --programme (default sum)");
      app.add_option("--space", o->space, "Space rule without --programme: sum, avg, min, max, count (default sum)");
      app.add_flag("--cumulative", o->cumulative, "Without --programme: running totals (forecast on the flows)");
      app.add_option("--indicator", o->indicators, "Indicator ids, comma-separated (CSV quoting for commas)");
      app.add_option("--as-recorded-on", o->as_recorded_on, "Only what was recorded on or before this day");
      app.add_option("--programme", o->programme, "Programme definition (JSON): each indicator's own rules and domain");
      app.add_option("--output,-o", o->output, "Output file (default: stdout)");
      return [o] { return run(*o); };
    },
});

}  // namespace forecast_command
}  // namespace cli
REGIOKPI_END_NAMESPACE
