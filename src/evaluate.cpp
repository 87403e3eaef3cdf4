// The glue between the store, the aggregation engine, progress and forecast (docs/progress.md).
// Indicators that share the same rules are aggregated in one pass over the store, so the cost is a
// few scans whatever the number of indicators.
#include "regiokpi/evaluate.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

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

/// Per-member values over periods (group_by one or two columns), carried forward: a member's value in
/// a period is its latest value in that period or before. Returns, per period in order, the values.
struct member_series {
  std::vector<std::string> members;                        // key strings (joined with '\x1f' for two columns)
  std::vector<std::int32_t> periods;                       // sorted period indices
  std::vector<std::vector<std::optional<double>>> values;  // [period][member], carried forward
};

member_series carried_forward(const aggregate_result& r, const std::string& indicator_id, std::size_t key_columns) {
  member_series ms;
  std::map<std::string, std::map<std::int32_t, double>> by_member;
  std::vector<std::int32_t> periods;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.indicator(i) != indicator_id) continue;
    std::string key(r.group_value(i, 0));
    for (std::size_t k = 1; k < key_columns; ++k) key += '\x1f' + std::string(r.group_value(i, k));
    by_member[key][r.period_index(i)] = r.value(i);
    periods.push_back(r.period_index(i));
  }
  std::sort(periods.begin(), periods.end());
  periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
  ms.periods = periods;
  for (const auto& [m, _] : by_member) ms.members.push_back(m);
  ms.values.assign(periods.size(), std::vector<std::optional<double>>(ms.members.size()));
  for (std::size_t mi = 0; mi < ms.members.size(); ++mi) {
    const auto& vals = by_member[ms.members[mi]];
    std::optional<double> cur;
    auto it = vals.begin();
    for (std::size_t pi = 0; pi < periods.size(); ++pi) {
      while (it != vals.end() && it->first <= periods[pi]) cur = (it++)->second;
      ms.values[pi][mi] = cur;
    }
  }
  return ms;
}

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

/// Everything the per-indicator step reads: the aggregated rows of every rule set, computed once.
struct planned_results {
  series_map plain;
  using shared_key = std::tuple<time_rule, bool, std::vector<std::string>>;
  std::map<shared_key, aggregate_result> shared;
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

/// Coverage and derived indicators need per-member rows (space rule sum, grouped by member columns).
/// They share one aggregate per (time rule, cumulative, group-by columns), whose rows name their
/// indicator: one scan of the store per rule set instead of one per indicator (with 200 coverage
/// indicators over 10 M rows, that was 95 % of the evaluation).
std::map<planned_results::shared_key, aggregate_result> shared_member_rows(const programme& prog,
                                                                           const measurement_store& store,
                                                                           const evaluation_settings& s) {
  std::map<planned_results::shared_key, std::vector<std::string>> shared_ids;
  for (const indicator* i : prog.all_indicators()) {
    if (i->space_rule == space_rule::coverage && i->coverage) {
      const auto col = column_for(store, i->coverage->dimension, i->coverage->level);
      if (col && prog.find_dimension(i->coverage->dimension))
        shared_ids[{i->time_rule, i->cumulative, {*col}}].push_back(i->id);
    } else if (i->formula) {
      auto& ids = shared_ids[{i->time_rule, false, formula_columns(store, *i)}];
      ids.insert(ids.end(), i->formula->numerator.begin(), i->formula->numerator.end());
      ids.insert(ids.end(), i->formula->denominator.begin(), i->formula->denominator.end());
    }
  }
  std::map<planned_results::shared_key, aggregate_result> shared;
  for (auto& [key, ids] : shared_ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    query q = base_query(s);
    q.indicators = ids;
    q.time = std::get<0>(key);
    q.space = space_rule::sum;
    q.cumulative = std::get<1>(key);
    q.group_by = std::get<2>(key);
    shared.emplace(key, aggregate(store, q, &prog));
  }
  return shared;
}

/// Coverage: per member, carried forward; the series counts members at the threshold. Fills the
/// members' latest values and, with two breakdowns, the member x member matrix.
void coverage_series(indicator_report& ir, std::vector<member_value>& members, const indicator& ind,
                     const programme& prog, const measurement_store& store, const evaluation_settings& s,
                     const planned_results& plan) {
  const dimension* dim = prog.find_dimension(ind.coverage->dimension);
  const auto col = column_for(store, ind.coverage->dimension, ind.coverage->level);
  if (!dim || !col) return;
  const member_series ms = carried_forward(plan.shared.at({ind.time_rule, ind.cumulative, {*col}}), ind.id, 1);
  const auto wanted = dim->members_at_level(ind.coverage->level);
  for (std::size_t pi = 0; pi < ms.periods.size(); ++pi) {
    std::size_t met = 0;
    for (const member* m : wanted) {
      const auto it = std::find(ms.members.begin(), ms.members.end(), m->id);
      if (it == ms.members.end()) continue;
      const auto& v = ms.values[pi][static_cast<std::size_t>(it - ms.members.begin())];
      if (v && *v >= ind.coverage->threshold) ++met;
    }
    const double value = ind.coverage->share && !wanted.empty()
                             ? static_cast<double>(met) / static_cast<double>(wanted.size())
                             : static_cast<double>(met);
    const date last = period::from_index(s.series_period, ms.periods[pi], s.fy_first_month).last_day();
    ir.series.push_back({std::min(last, s.as_of), value});
  }
  for (const member* m : wanted) {
    const auto it = std::find(ms.members.begin(), ms.members.end(), m->id);
    std::optional<double> v;
    if (it != ms.members.end() && !ms.periods.empty())
      v = ms.values.back()[static_cast<std::size_t>(it - ms.members.begin())];
    members.push_back({m->id, v});
  }
  // A matrix when the indicator is broken down by a second dimension (municipality x sector).
  if (ind.breakdowns.size() != 2) return;
  const auto& b0 = ind.breakdowns[0];
  const auto& b1 = ind.breakdowns[1];
  const auto c0 = column_for(store, b0.dimension, b0.level);
  const auto c1 = column_for(store, b1.dimension, b1.level);
  const dimension* d0 = prog.find_dimension(b0.dimension);
  const dimension* d1 = prog.find_dimension(b1.dimension);
  if (!c0 || !c1 || !d0 || !d1) return;
  query mq = base_query(s);
  mq.indicators = {ind.id};
  mq.time = ind.time_rule;
  mq.space = space_rule::sum;
  mq.cumulative = ind.cumulative;
  mq.group_by = {*c0, *c1};
  const member_series mm = carried_forward(aggregate(store, mq, &prog), ind.id, 2);
  coverage_matrix cm;
  cm.row_dimension = b0.dimension;
  cm.column_dimension = b1.dimension;
  cm.threshold = ind.coverage->threshold;
  for (const member* m : d0->members_at_level(b0.level)) cm.rows.push_back(m->id);
  for (const member* m : d1->members_at_level(b1.level)) cm.columns.push_back(m->id);
  for (const auto& row : cm.rows)
    for (const auto& colm : cm.columns) {
      const auto it = std::find(mm.members.begin(), mm.members.end(), row + '\x1f' + colm);
      std::optional<double> v;
      if (it != mm.members.end() && !mm.periods.empty())
        v = mm.values.back()[static_cast<std::size_t>(it - mm.members.begin())];
      cm.cells.push_back(v);
    }
  ir.matrix = std::move(cm);
}

/// Derived: the formula per period and member on the aggregated inputs, then combined. A member
/// counts in a period only where every part of the formula has a value (rule 7); the others are
/// listed in incomplete_members.
void derived_series(indicator_report& ir, const indicator& ind, const measurement_store& store,
                    const evaluation_settings& s, const planned_results& plan) {
  const auto& f = *ind.formula;
  const std::vector<std::string> cols = formula_columns(store, ind);
  const aggregate_result& ar = plan.shared.at({ind.time_rule, false, cols});
  std::vector<std::string> parts = f.numerator;
  parts.insert(parts.end(), f.denominator.begin(), f.denominator.end());
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  const auto part_index = [&](std::string_view id) -> std::optional<std::size_t> {
    const auto it = std::lower_bound(parts.begin(), parts.end(), id);
    if (it == parts.end() || *it != id) return std::nullopt;
    return static_cast<std::size_t>(it - parts.begin());
  };
  const auto in = [](const std::vector<std::string>& v, std::string_view id) {
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  struct cell {
    double num = 0, den = 0;
    std::vector<char> seen;
  };
  // (period, member key) -> numerator, denominator and which parts were present
  std::map<std::int32_t, std::map<std::string, cell>> cells;
  for (std::size_t i = 0; i < ar.size(); ++i) {
    const auto pi = part_index(ar.indicator(i));
    if (!pi) continue;  // another indicator's row in the shared result
    std::string key;
    for (std::size_t k = 0; k < cols.size(); ++k) key += std::string(k ? "/" : "") + std::string(ar.group_value(i, k));
    auto& c = cells[ar.period_index(i)][key];
    if (c.seen.empty()) c.seen.assign(parts.size(), 0);
    c.seen[*pi] = 1;
    if (in(f.numerator, ar.indicator(i))) c.num += ar.value(i);
    if (in(f.denominator, ar.indicator(i))) c.den += ar.value(i);
  }
  const bool ratio = !f.denominator.empty();
  std::set<std::string> incomplete_latest;
  double running = 0;
  for (const auto& [pidx, by_member] : cells) {
    double num = 0, den = 0, acc = 0, lo = 0, hi = 0;
    std::size_t n = 0;
    incomplete_latest.clear();
    for (const auto& [key, c] : by_member) {
      if (std::find(c.seen.begin(), c.seen.end(), 0) != c.seen.end()) {
        incomplete_latest.insert(key);
        continue;
      }
      if (ratio && c.den == 0) continue;
      const double v = ratio ? c.num / c.den * f.factor : c.num * f.factor;
      num += c.num;
      den += c.den;
      acc += v;
      lo = n == 0 ? v : std::min(lo, v);
      hi = n == 0 ? v : std::max(hi, v);
      ++n;
    }
    if (n == 0) continue;
    double value = 0;
    switch (ind.space_rule) {
      case space_rule::avg:
        value = acc / static_cast<double>(n);
        break;
      case space_rule::min:
        value = lo;
        break;
      case space_rule::max:
        value = hi;
        break;
      case space_rule::count:
        value = static_cast<double>(n);
        break;
      default:
        value = ratio ? num / den * f.factor : num * f.factor;
        break;
    }
    if (ind.cumulative) value = running += value;
    const date last = period::from_index(s.series_period, pidx, s.fy_first_month).last_day();
    ir.series.push_back({std::min(last, s.as_of), value});
  }
  ir.incomplete_members.assign(incomplete_latest.begin(), incomplete_latest.end());
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
  if (ind.space_rule == space_rule::coverage && ind.coverage)
    coverage_series(ir, members, ind, prog, store, s, plan);
  else if (ind.formula)
    derived_series(ir, ind, store, s, plan);
  else if (const auto it = plan.plain.find(ind.id); it != plan.plain.end())
    ir.series = to_points(it->second, s.series_period, s.fy_first_month, s.as_of);

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
  rep.rollup = prog.rollup;

  planned_results plan;
  plan.plain = plain_series(prog, store, s);
  plan.shared = shared_member_rows(prog, store, s);

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
    if (const auto t = store.latest_text(ir.id, s.as_of, s.as_recorded_on)) ir.actual_text = std::string(t->text);
  funding_lines(rep, prog);

  std::vector<indicator_progress> progresses;
  progresses.reserve(rep.indicators.size());
  for (const auto& ir : rep.indicators) progresses.push_back(ir.progress);
  rep.nodes = roll_up(prog, progresses);
  return rep;
}

REGIOKPI_END_NAMESPACE
