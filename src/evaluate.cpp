// The glue between the store, the aggregation engine, progress and forecast (docs/progress.md).
// Indicators that share the same rules are aggregated in one pass over the store, so the cost is a
// few scans whatever the number of indicators.
#include "regiokpi/evaluate.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "regiokpi/aggregate.hpp"

namespace regiokpi {

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
  fs.method = s.method;
  fs.level = s.forecast_level;
  fs.as_of = s.as_of;
  fs.at = s.forecast_at;
  fs.fallback_at = prog.end;
  fs.eta_horizon = s.forecast_horizon ? *s.forecast_horizon : prog.end + days{5 * 365 + 1};
  return forecast_indicator(ind, p, series, fs);
}

}  // namespace

programme_report evaluate_programme(const programme& prog, const measurement_store& store,
                                    const evaluation_settings& s) {
  programme_report rep;
  rep.programme_id = prog.id;
  rep.programme_name = prog.name;
  rep.as_of = s.as_of;
  rep.as_recorded_on = s.as_recorded_on;
  rep.trajectory = std::string(to_string(s.shape));
  rep.series_period = s.series_period;
  const std::int32_t fm = 1;
  const period_type pt = s.series_period;

  auto base_query = [&] {
    query q;
    q.period = pt;
    q.fy_first_month = fm;
    q.to = s.as_of;
    q.as_recorded_on = s.as_recorded_on;
    return q;
  };

  // 1. Plain indicators, one aggregate per distinct rule set.
  const auto all = prog.all_indicators();
  std::map<rule_key, std::vector<const indicator*>> groups;
  for (const indicator* i : all) {
    if (i->formula || i->space_rule == space_rule::coverage) continue;
    // weighted_avg weighs the members of the indicator's (first) breakdown dimension.
    std::string space_dimension;
    if (i->space_rule == space_rule::weighted_avg && !i->breakdowns.empty())
      space_dimension = column_for(store, i->breakdowns.front().dimension, i->breakdowns.front().level).value_or("");
    groups[{i->time_rule, i->space_rule, i->cumulative, i->weight_attribute, space_dimension}].push_back(i);
  }
  series_map plain;
  for (const auto& [key, inds] : groups) {
    query q = base_query();
    for (const indicator* i : inds) q.indicators.push_back(i->id);
    q.time = key.time;
    q.space = key.space;
    q.cumulative = key.cumulative;
    q.weight_attribute = key.weight_attribute;
    q.space_dimension = key.space_dimension;
    auto part = split_by_indicator(aggregate(store, q, &prog));
    for (auto& [id, rows] : part) plain[id] = std::move(rows);
  }

  // Coverage and derived indicators need per-member rows (space rule sum, grouped by member columns).
  // They too share one aggregate per (time rule, cumulative, group-by columns), whose rows name their
  // indicator: one scan of the store per rule set instead of one per indicator (with 200 coverage
  // indicators over 10 M rows, that was 95 % of the evaluation).
  using shared_key = std::tuple<time_rule, bool, std::vector<std::string>>;
  std::map<shared_key, std::vector<std::string>> shared_ids;
  for (const indicator* i : all) {
    if (i->space_rule == space_rule::coverage && i->coverage) {
      const auto col = column_for(store, i->coverage->dimension, i->coverage->level);
      if (col && prog.find_dimension(i->coverage->dimension))
        shared_ids[{i->time_rule, i->cumulative, {*col}}].push_back(i->id);
    } else if (i->formula) {
      std::vector<std::string> cols;
      for (const auto& b : i->breakdowns)
        if (auto c = column_for(store, b.dimension, b.level)) cols.push_back(*c);
      auto& ids = shared_ids[{i->time_rule, false, cols}];
      ids.insert(ids.end(), i->formula->numerator.begin(), i->formula->numerator.end());
      ids.insert(ids.end(), i->formula->denominator.begin(), i->formula->denominator.end());
    }
  }
  std::map<shared_key, aggregate_result> shared;
  for (auto& [key, ids] : shared_ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    query q = base_query();
    q.indicators = ids;
    q.time = std::get<0>(key);
    q.space = space_rule::sum;
    q.cumulative = std::get<1>(key);
    q.group_by = std::get<2>(key);
    shared.emplace(key, aggregate(store, q, &prog));
  }

  std::size_t done = 0;
  for (const auto& pl : prog.pillars)
    for (const auto& g : pl.goals)
      for (const auto& r : g.results)
        for (const auto& ind : r.indicators) {
          indicator_report ir;
          ir.id = ind.id;
          ir.name = ind.name;
          ir.unit = ind.unit;
          ir.kind = std::string(to_string(ind.kind));
          ir.direction = std::string(to_string(ind.direction));
          ir.proxy = ind.proxy;
          ir.pillar = pl.id;
          ir.goal = g.id;
          ir.result = r.id;
          std::vector<member_value> members;

          if (ind.space_rule == space_rule::coverage && ind.coverage) {
            // 2. Coverage: per member, carried forward; the series counts members at the threshold.
            const dimension* dim = prog.find_dimension(ind.coverage->dimension);
            const auto col = column_for(store, ind.coverage->dimension, ind.coverage->level);
            if (dim && col) {
              query q = base_query();
              q.indicators = {ind.id};
              q.group_by = {*col};
              q.time = ind.time_rule;
              q.space = space_rule::sum;
              q.cumulative = ind.cumulative;
              const member_series ms = carried_forward(shared.at({ind.time_rule, ind.cumulative, {*col}}), ind.id, 1);
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
                const date last = period::from_index(pt, ms.periods[pi], fm).last_day();
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
              if (ind.breakdowns.size() == 2) {
                const auto& b0 = ind.breakdowns[0];
                const auto& b1 = ind.breakdowns[1];
                const auto c0 = column_for(store, b0.dimension, b0.level);
                const auto c1 = column_for(store, b1.dimension, b1.level);
                const dimension* d0 = prog.find_dimension(b0.dimension);
                const dimension* d1 = prog.find_dimension(b1.dimension);
                if (c0 && c1 && d0 && d1) {
                  query mq = q;
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
              }
            }
          } else if (ind.formula) {
            // 3. Derived: the formula per period and member on the aggregated inputs, then combined.
            query q = base_query();
            q.indicators = ind.formula->numerator;
            q.indicators.insert(q.indicators.end(), ind.formula->denominator.begin(), ind.formula->denominator.end());
            q.time = ind.time_rule;
            q.space = space_rule::sum;
            for (const auto& b : ind.breakdowns)
              if (auto c = column_for(store, b.dimension, b.level)) q.group_by.push_back(*c);
            const aggregate_result& ar = shared.at({ind.time_rule, false, q.group_by});
            // (period, member key) -> numerator, denominator
            std::map<std::int32_t, std::map<std::string, std::pair<double, double>>> cells;
            const auto is_num = [&](std::string_view id) {
              return std::find(ind.formula->numerator.begin(), ind.formula->numerator.end(), id) !=
                     ind.formula->numerator.end();
            };
            const auto is_den = [&](std::string_view id) {
              return std::find(ind.formula->denominator.begin(), ind.formula->denominator.end(), id) !=
                     ind.formula->denominator.end();
            };
            for (std::size_t i = 0; i < ar.size(); ++i) {
              const bool numerator = is_num(ar.indicator(i));
              if (!numerator && !is_den(ar.indicator(i))) continue;  // another indicator's row in the shared result
              std::string key;
              for (std::size_t k = 0; k < q.group_by.size(); ++k) key += std::string(ar.group_value(i, k)) + '\x1f';
              auto& c = cells[ar.period_index(i)][key];
              (numerator ? c.first : c.second) += ar.value(i);
            }
            const bool ratio = !ind.formula->denominator.empty();
            double running = 0;
            for (const auto& [pidx, by_member] : cells) {
              double num = 0, den = 0, acc = 0, lo = 0, hi = 0;
              std::size_t n = 0;
              for (const auto& [key, nd] : by_member) {
                if (ratio && nd.second == 0) continue;
                const double v = ratio ? nd.first / nd.second * ind.formula->factor : nd.first * ind.formula->factor;
                num += nd.first;
                den += nd.second;
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
                  value = ratio ? num / den * ind.formula->factor : num * ind.formula->factor;
                  break;
              }
              if (ind.cumulative) value = running += value;
              const date last = period::from_index(pt, pidx, fm).last_day();
              ir.series.push_back({std::min(last, s.as_of), value});
            }
          } else if (const auto it = plain.find(ind.id); it != plain.end()) {
            ir.series = to_points(it->second, pt, fm, s.as_of);
          }

          evaluation_options eo;
          eo.as_of = s.as_of;
          eo.shape = s.shape;
          eo.programme_start = prog.start;
          ir.progress = evaluate_indicator(ind, ir.series, prog.thresholds_for(ind), eo, members);
          ir.forecast = make_forecast(ind, ir.progress, ir.series, prog, s);
          for (const auto& tp : detail::trajectory_points(ind, prog.start))
            ir.trajectory.push_back({tp.when, tp.value});
          rep.indicators.push_back(std::move(ir));
          if (s.progress) s.progress(++done, all.size());
        }

  // The funding plan, evaluated exactly, for the report's funding section.
  if (prog.funding) {
    const funding_result fr = evaluate(prog.funding->plan);
    for (const auto& c : fr.contributions) {
      const auto party = prog.funding->parties.find(c.id);
      const bool pool =
          std::find(prog.funding->pools.begin(), prog.funding->pools.end(), c.id) != prog.funding->pools.end();
      rep.funding.push_back({c.id, party != prog.funding->parties.end() ? party->second : std::string(),
                             format_amount(c.value, grouped_format),
                             pool ? "pool (defines a base; nobody pays it)" : ""});
      for (const auto& m : c.members)
        rep.funding.push_back(
            {c.id + "/" + m.member, m.member, format_amount(m.value, grouped_format), "share of " + c.id});
    }
    rep.funding_total = format_amount(funding_total(*prog.funding), grouped_format) + " " + prog.funding->currency;
  }

  std::vector<indicator_progress> progresses;
  progresses.reserve(rep.indicators.size());
  for (const auto& ir : rep.indicators) progresses.push_back(ir.progress);
  rep.nodes = roll_up(prog, progresses);
  return rep;
}

}  // namespace regiokpi
