// The glue between the store, the aggregation engine, progress and forecast (docs/progress.md).
// It plans the queries (indicators that share rules share one; coverage and formulas are queries of
// the aggregation too) and assembles the result: a few scans whatever the number of indicators.
#include "regiokpi/evaluate.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "regiokpi/aggregate.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE

namespace {

/// The store column holding a breakdown's members: the level name (municipality) or the dimension id
/// (region, sector), whichever the measurements use.
std::optional<std::string> column_for(const measurement_store& store, std::string_view dimension,
                                      std::string_view level) {
  if (!level.empty() && store.find_dimension(level)) return std::string(level);
  if (store.find_dimension(dimension)) return std::string(dimension);
  return std::nullopt;
}

/// Per-indicator series rows from one aggregate result, keyed by indicator id.
using series_map = std::unordered_map<std::string, std::vector<std::pair<std::int32_t, double>>>;

series_map split_by_indicator(const aggregate_result& r) {
  series_map out;
  for (std::size_t i = 0; i < r.size(); ++i)
    out[std::string(r.indicator(i))].emplace_back(r.period_index(i), r.value(i));
  return out;
}

std::vector<series_point> to_points(const std::vector<std::pair<std::int32_t, double>>& rows, period_type t,
                                    std::int32_t fm, date as_of) {
  std::vector<series_point> out;
  out.reserve(rows.size());
  for (const auto& [idx, v] : rows) {
    const date last = period::from_index(t, idx, fm).last_day();
    out.push_back({std::min(last, as_of), v});
  }
  return out;
}

struct rule_key {
  time_rule time;
  space_rule space;
  bool cumulative;
  std::string weight_attribute;
  std::string space_dimension;
  friend bool operator<(const rule_key& a, const rule_key& b) {
    return std::tie(a.time, a.space, a.cumulative, a.weight_attribute, a.space_dimension) <
           std::tie(b.time, b.space, b.cumulative, b.weight_attribute, b.space_dimension);
  }
};

// Issue 11: the forecaster (indicator_forecast.hpp); the lead ports this call onto the typed evaluation.
forecast_summary make_forecast(const indicator& ind, const indicator_progress& p,
                               const std::vector<series_point>& series, const programme& prog,
                               const evaluation_settings& s) {
  indicator_forecast_settings fs;
  fs.period = s.series_period;
  fs.fy_first_month = s.fy_first_month;
  fs.method = s.method;
  fs.level = s.forecast_level;
  fs.as_of = s.as_of;
  fs.at = s.forecast_at;
  fs.fallback_at = prog.end;
  fs.eta_horizon = s.forecast_horizon ? *s.forecast_horizon : prog.end + days{5 * 365 + 1};
  return forecast_indicator(ind, p, series, fs);
}

/// What the aggregation gives a coverage or derived indicator: its series rows, and its members'
/// latest values (coverage) or the members left out (derived).
struct member_part {
  std::vector<std::pair<std::int32_t, double>> rows;
  std::vector<member_value> members;
  std::vector<std::string> incomplete;
};

/// Everything the per-indicator step reads: the aggregated rows of every rule set, computed once.
struct planned_results {
  series_map plain;
  std::unordered_map<std::string, member_part> by_member;  // coverage and derived indicators
};

query base_query(const evaluation_settings& s) {
  query q;
  q.period = s.series_period;
  q.fy_first_month = s.fy_first_month;
  q.to = s.as_of;
  q.as_recorded_on = s.as_recorded_on;
  return q;
}

/// Plain indicators: one aggregate per distinct rule set.
series_map plain_series(const programme& prog, const measurement_store& store, const evaluation_settings& s) {
  std::map<rule_key, std::vector<const indicator*>> groups;
  for (const indicator* i : prog.all_indicators()) {
    if (i->formula || i->space_rule == space_rule::coverage) continue;
    // weighted_avg weighs the members of the indicator's (first) breakdown dimension.
    std::string space_dimension;
    if (i->space_rule == space_rule::weighted_avg && !i->breakdowns.empty())
      space_dimension = column_for(store, i->breakdowns.front().dimension, i->breakdowns.front().level).value_or("");
    groups[{i->time_rule, i->space_rule, i->cumulative, i->weight_attribute, space_dimension}].push_back(i);
  }
  series_map plain;
  for (const auto& [key, inds] : groups) {
    query q = base_query(s);
    for (const indicator* i : inds) q.indicators.push_back(i->id);
    q.time = key.time;
    q.space = key.space;
    q.cumulative = key.cumulative;
    q.weight_attribute = key.weight_attribute;
    q.space_dimension = key.space_dimension;
    auto part = split_by_indicator(aggregate(store, q, &prog));
    for (auto& [id, rows] : part) plain[id] = std::move(rows);
  }
  return plain;
}

std::vector<std::string> formula_columns(const measurement_store& store, const indicator& ind) {
  std::vector<std::string> cols;
  for (const auto& b : ind.breakdowns)
    if (auto c = column_for(store, b.dimension, b.level)) cols.push_back(*c);
  return cols;
}

/// Coverage indicators: one coverage query per rule set (an indicator's group is its only one), so
/// 200 coverage indicators over 10 M rows cost one scan, not 200.
void coverage_parts(planned_results& plan, const programme& prog, const measurement_store& store,
                    const evaluation_settings& s) {
  using key = std::tuple<time_rule, bool, std::string, double, std::string, bool>;
  std::map<key, std::vector<std::string>> groups;
  for (const indicator* i : prog.all_indicators()) {
    if (i->space_rule != space_rule::coverage || !i->coverage) continue;
    const auto col = column_for(store, i->coverage->dimension, i->coverage->level);
    if (!col || !prog.find_dimension(i->coverage->dimension)) continue;
    groups[{i->time_rule, i->cumulative, *col, i->coverage->threshold, i->coverage->level, i->coverage->share}]
        .push_back(i->id);
    // Before any report the members are all there, without values.
    auto& part = plan.by_member[i->id];
    if (const auto expected = coverage_members(prog, store, *col, i->coverage->level, {i->id}))
      for (const member* m : *expected) part.members.push_back({m->id, std::nullopt});
  }
  for (auto& [k, ids] : groups) {
    query q = base_query(s);
    q.indicators = ids;
    q.time = std::get<0>(k);
    q.cumulative = std::get<1>(k);
    q.space = space_rule::coverage;
    q.space_dimension = std::get<2>(k);
    q.coverage_threshold = std::get<3>(k);
    q.coverage_level = std::get<4>(k);
    q.coverage_share = std::get<5>(k);
    const aggregate_result r = aggregate(store, q, &prog);
    std::vector<char> seen(r.group_count(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) {
      member_part& part = plan.by_member[std::string(r.indicator(i))];
      part.rows.emplace_back(r.period_index(i), r.value(i));
      if (seen[r.group_of(i)]++) continue;
      part.members.clear();
      for (const auto& m : r.member_values(r.group_of(i))) part.members.push_back({m.member, m.value});
    }
  }
}

/// Derived indicators: one formula query per rule set, members being the breakdown columns.
void derived_parts(planned_results& plan, const programme& prog, const measurement_store& store,
                   const evaluation_settings& s) {
  using key = std::tuple<time_rule, space_rule, bool, std::vector<std::string>>;
  std::map<key, std::vector<formula_spec>> groups;
  for (const indicator* i : prog.all_indicators()) {
    if (!i->formula || i->space_rule == space_rule::coverage) continue;
    groups[{i->time_rule, i->space_rule, i->cumulative, formula_columns(store, *i)}].push_back(
        {i->id, i->formula->numerator, i->formula->denominator, i->formula->factor});
  }
  for (auto& [k, formulas] : groups) {
    query q = base_query(s);
    q.time = std::get<0>(k);
    q.space = std::get<1>(k);
    q.cumulative = std::get<2>(k);
    q.member_dimensions = std::get<3>(k);
    q.formulas = std::move(formulas);
    const aggregate_result r = aggregate(store, q, &prog);
    std::vector<char> seen(r.group_count(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) {
      member_part& part = plan.by_member[std::string(r.indicator(i))];
      part.rows.emplace_back(r.period_index(i), r.value(i));
      if (!seen[r.group_of(i)]++) part.incomplete = r.incomplete_members(r.group_of(i));
    }
  }
}

/// Coverage by two breakdowns (municipality x sector): a coverage query over the first, grouped by
/// the second, gives each pair's latest value.
std::optional<coverage_matrix> matrix_of(const indicator& ind, const programme& prog, const measurement_store& store,
                                         const evaluation_settings& s) {
  if (ind.breakdowns.size() != 2) return std::nullopt;
  const auto& b0 = ind.breakdowns[0];
  const auto& b1 = ind.breakdowns[1];
  const auto c0 = column_for(store, b0.dimension, b0.level);
  const auto c1 = column_for(store, b1.dimension, b1.level);
  const dimension* d0 = prog.find_dimension(b0.dimension);
  const dimension* d1 = prog.find_dimension(b1.dimension);
  if (!c0 || !c1 || !d0 || !d1) return std::nullopt;
  query q = base_query(s);
  q.indicators = {ind.id};
  q.time = ind.time_rule;
  q.cumulative = ind.cumulative;
  q.space = space_rule::coverage;
  q.group_by = {*c1};
  q.space_dimension = *c0;
  q.coverage_level = b0.level;
  q.coverage_threshold = ind.coverage->threshold;
  const aggregate_result r = aggregate(store, q, &prog);
  coverage_matrix cm;
  cm.row_dimension = b0.dimension;
  cm.column_dimension = b1.dimension;
  cm.threshold = ind.coverage->threshold;
  if (const auto rows = coverage_members(prog, store, *c0, b0.level, {ind.id}))
    for (const member* m : *rows) cm.rows.push_back(m->id);
  for (const member* m : d1->members_at_level(b1.level)) cm.columns.push_back(m->id);
  std::unordered_map<std::string_view, std::uint32_t> group_of_column;
  for (std::size_t i = 0; i < r.size(); ++i) group_of_column.emplace(r.group_value(i, 0), r.group_of(i));
  cm.cells.assign(cm.rows.size() * cm.columns.size(), std::nullopt);
  for (std::size_t c = 0; c < cm.columns.size(); ++c) {
    const auto g = group_of_column.find(cm.columns[c]);
    if (g == group_of_column.end()) continue;
    const auto& readings = r.member_values(g->second);
    for (std::size_t row = 0; row < cm.rows.size() && row < readings.size(); ++row)
      cm.cells[row * cm.columns.size() + c] = readings[row].value;
  }
  return cm;
}

/// The targets and milestones after the baseline, met or not once due, judged on the measured value
/// on or before the due date (for a decrease indicator, at or below it).
std::vector<target_check> target_checks(const indicator& ind, const indicator_report& ir, date as_of) {
  std::vector<target_check> out;
  for (std::size_t k = 1; k < ir.trajectory.size(); ++k) {
    const auto& t = ir.trajectory[k];
    target_check c{t.when, t.value, std::nullopt};
    if (t.when <= as_of && ir.progress.baseline) {
      std::optional<double> v;
      for (const auto& pt : ir.series)
        if (pt.when <= t.when) v = pt.value;
      if (v) c.met = detail::is_better_or_equal(ind.direction, *v, t.value);
    }
    out.push_back(c);
  }
  return out;
}

/// The weakest delivery status among the rows behind each indicator's actual (the rows of its own
/// series, or of its formula's parts, in the actual's period; the latest revision of each value).
void actual_statuses(programme_report& rep, const programme& prog, const measurement_store& store,
                     const evaluation_settings& s) {
  if (!store.has_status()) return;
  // store indicator id -> report indicators whose actual stands on it, with the actual's period
  std::unordered_map<std::uint32_t, std::vector<std::pair<std::size_t, std::int32_t>>> wanted;
  const auto idx = prog.indicator_index();
  for (std::size_t k = 0; k < rep.indicators.size(); ++k) {
    const auto& ir = rep.indicators[k];
    if (!ir.progress.actual_date) continue;
    const std::int32_t per = period_index(s.series_period, ir.progress.actual_date->day_number(), s.fy_first_month);
    const indicator* ind = idx.at(ir.id);
    std::vector<std::string> ids{ir.id};
    if (ind->formula) {
      ids = ind->formula->numerator;
      ids.insert(ids.end(), ind->formula->denominator.begin(), ind->formula->denominator.end());
    }
    for (const auto& id : ids)
      if (auto sid = store.find_indicator(id)) wanted[*sid].emplace_back(k, per);
  }
  if (wanted.empty()) return;
  // (series, day) -> (revision, status) of the latest revision known by as_recorded_on
  std::map<std::pair<std::uint32_t, std::int32_t>, std::pair<std::uint32_t, measurement_status>> latest;
  const auto series = store.series_ids();
  const auto days = store.day_numbers();
  const auto statuses = store.statuses();
  const std::int32_t to = s.as_of.day_number();
  for (std::size_t i = 0; i < store.size(); ++i) {
    if (days[i] > to) continue;
    const std::uint32_t sid = store.series_indicator(series[i]);
    const auto w = wanted.find(sid);
    if (w == wanted.end()) continue;
    if (s.as_recorded_on && store.has_recorded_at() && store.recorded_days()[i] != detail::no_day &&
        store.recorded_days()[i] > s.as_recorded_on->day_number())
      continue;
    const std::int32_t per = period_index(s.series_period, days[i], s.fy_first_month);
    bool relevant = false;
    for (const auto& [k, p] : w->second) relevant = relevant || p == per;
    if (!relevant) continue;
    const std::uint32_t rev = store.has_revision() ? store.revisions()[i] : 0;
    auto [it, fresh] = latest.try_emplace({series[i], days[i]}, rev, statuses[i]);
    if (!fresh && rev >= it->second.first) it->second = {rev, statuses[i]};
  }
  // weakest: estimated < provisional < final; unspecified says nothing
  const auto strength = [](measurement_status m) {
    return m == measurement_status::estimated ? 0 : m == measurement_status::provisional ? 1 : 2;
  };
  for (const auto& [key, rs] : latest) {
    const std::int32_t day = key.second;
    const std::int32_t per = period_index(s.series_period, day, s.fy_first_month);
    const measurement_status st = rs.second;
    if (st == measurement_status::unspecified) continue;
    for (const auto& [k, p] : wanted.at(store.series_indicator(key.first))) {
      if (p != per) continue;
      auto& cur = rep.indicators[k].actual_status;
      if (!cur || strength(st) < strength(*cur)) cur = st;
    }
  }
}

/// The funding plan, evaluated exactly, for the report's funding section.
void funding_lines(programme_report& rep, const programme& prog) {
  if (!prog.funding) return;
  const evaluated_funding ef = evaluate_funding(*prog.funding);
  for (const auto& l : ef.lines) {
    if (l.member.empty())
      rep.funding.push_back({l.contribution, l.party, l.value, l.pool ? "pool (defines a base; nobody pays it)" : ""});
    else
      rep.funding.push_back({l.contribution + "/" + l.member, l.member, l.value, "share of " + l.contribution});
  }
  rep.funding_total = ef.total;
}

/// One indicator: its series by its own rules, its standing against the targets as they stood on
/// the as-of date, its forecast.
indicator_report indicator_report_of(const programme& prog, const pillar& pl, const goal& g, const result& r,
                                     const indicator& current, const measurement_store& store,
                                     const evaluation_settings& s, const planned_results& plan) {
  const indicator ind = indicator_as_of(current, s.as_of);
  indicator_report ir;
  ir.id = ind.id;
  ir.name = ind.name;
  ir.unit = ind.unit;
  ir.kind = ind.kind;
  ir.direction = ind.direction;
  ir.proxy = ind.proxy;
  ir.derived = ind.formula.has_value();
  ir.pillar = pl.id;
  ir.goal = g.id;
  ir.result = r.id;
  std::vector<member_value> members;
  const bool by_member = (ind.space_rule == space_rule::coverage && ind.coverage) || ind.formula;
  if (const auto it = plan.by_member.find(ind.id); by_member && it != plan.by_member.end()) {
    ir.series = to_points(it->second.rows, s.series_period, s.fy_first_month, s.as_of);
    members = it->second.members;
    ir.incomplete_members = it->second.incomplete;
    if (ind.space_rule == space_rule::coverage) ir.matrix = matrix_of(ind, prog, store, s);
  } else if (const auto it2 = plan.plain.find(ind.id); !by_member && it2 != plan.plain.end()) {
    ir.series = to_points(it2->second, s.series_period, s.fy_first_month, s.as_of);
  }

  evaluation_options eo;
  eo.as_of = s.as_of;
  eo.shape = s.shape;
  eo.programme_start = prog.start;
  eo.series_period = s.series_period;
  eo.fy_first_month = s.fy_first_month;
  eo.stale_after_periods = prog.stale_after_periods;
  eo.status_method = s.status_method.value_or(prog.status_method);
  ir.progress = evaluate_indicator(ind, ir.series, prog.thresholds_for(ind), eo, members);
  ir.forecast = make_forecast(ind, ir.progress, ir.series, prog, s);
  for (const auto& tp : detail::trajectory_points(ind, prog.start)) ir.trajectory.push_back({tp.when, tp.value});
  ir.checks = target_checks(ind, ir, s.as_of);
  for (const auto& t : current.targets)
    if (!t.revisions.empty()) ir.revisions.push_back({t.due, t.value, t.revisions});
  return ir;
}

}  // namespace

programme_report evaluate_programme(const programme& prog, const measurement_store& store,
                                    const evaluation_settings& settings) {
  // The financial year starts where the settings say, else where the programme says (period.fy_first_month).
  evaluation_settings s = settings;
  if (s.fy_first_month == 1) s.fy_first_month = prog.fy_first_month;
  programme_report rep;
  rep.programme_id = prog.id;
  rep.programme_name = prog.name;
  rep.as_of = s.as_of;
  rep.as_recorded_on = s.as_recorded_on;
  rep.trajectory = s.shape;
  rep.series_period = s.series_period;
  rep.fy_first_month = s.fy_first_month;
  rep.rollup = prog.rollup;

  // The data-quality check (issue 12) reads the same store and programme and shares nothing with the
  // evaluation: on a machine with a second core it runs beside it (the store is safe for concurrent
  // readers; tests/concurrency_test.cpp), so a report costs about the longer of the two, not the sum.
  // Its exceptions reach the caller through the future, after the evaluation's own.
  std::future<quality_report> quality;
  if (s.data_quality)
    quality = std::async(std::thread::hardware_concurrency() > 1 ? std::launch::async : std::launch::deferred,
                         [&prog, &store, &s] {
                           return check_quality(prog, store, {.as_of = s.as_of, .as_recorded_on = s.as_recorded_on});
                         });

  planned_results plan;
  plan.plain = plain_series(prog, store, s);
  coverage_parts(plan, prog, store, s);
  derived_parts(plan, prog, store, s);

  const std::size_t total = prog.all_indicators().size();
  for (const auto& pl : prog.pillars)
    for (const auto& g : pl.goals)
      for (const auto& r : g.results)
        for (const auto& ind : r.indicators) {
          rep.indicators.push_back(indicator_report_of(prog, pl, g, r, ind, store, s, plan));
          if (s.progress) s.progress(rep.indicators.size(), total);
        }
  actual_statuses(rep, prog, store, s);
  // Text indicators carry their latest text (rule 11): the store keeps it beside the rows.
  for (auto& ir : rep.indicators)
    if (ir.kind == measure_kind::text)
      if (const auto t = store.latest_text(ir.id, s.as_of, s.as_recorded_on)) ir.actual_text = std::string(t->text);
  funding_lines(rep, prog);

  std::vector<indicator_progress> progresses;
  progresses.reserve(rep.indicators.size());
  for (const auto& ir : rep.indicators) progresses.push_back(ir.progress);
  rep.nodes = roll_up(prog, progresses);
  if (quality.valid()) rep.data_quality = quality.get();
  return rep;
}

REGIOKPI_END_NAMESPACE
