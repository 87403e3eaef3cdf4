// Data quality (quality.hpp): completeness, timeliness, outliers, validation rules and revisions.
// docs/data-quality.md gives each rule and its source.
#include "regiokpi/quality.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>

#include "json_stream.hpp"
#include "regiokpi/aggregate.hpp"
#include "regiokpi/csv.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace {

constexpr std::int32_t no_row = -1;

/// The store column a breakdown's members sit in: its level (municipality) or its dimension (region).
std::optional<std::size_t> column_of(const measurement_store& store, const breakdown& b) {
  if (!b.level.empty())
    if (auto c = store.find_dimension(b.level)) return c;
  return store.find_dimension(b.dimension);
}

/// The median of v (reordered); v is not empty.
double median(std::vector<double>& v) {
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2;
}

/// The lowest and highest value a kind allows (count >= 0, percentage 0..100, ...).
std::pair<double, double> kind_range(const indicator& i) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  switch (i.kind) {
    case measure_kind::count:
    case measure_kind::ratio:
      return {0, inf};
    case measure_kind::percentage:
      return {0, 100};
    case measure_kind::milestone:
      return {0, 1};
    case measure_kind::ordinal:
      return {0, i.levels.empty() ? 0 : static_cast<double>(i.levels.size() - 1)};
    case measure_kind::amount:
    case measure_kind::text:
      break;
  }
  return {-inf, inf};
}

/// One indicator's expected reports while the rows are scanned.
struct expected_reports {
  const indicator* ind = nullptr;
  std::vector<std::string> members;
  std::unordered_map<std::string, std::int32_t> member_row;  // member key -> index in members
  std::int32_t first = 0, count = 0;                         // period indices first .. first + count - 1
  std::vector<std::uint8_t> reported;
  std::vector<std::int32_t> recorded;  // earliest recorded_at day per cell; max() when none known
};

class checker {
 public:
  checker(const programme& p, const measurement_store& s, const quality_settings& q) : p_(p), s_(s), q_(q) {}

  quality_report run() {
    quality_report out;
    out.as_of = q_.as_of;
    out.outlier_threshold = q_.outlier_threshold;
    plan_series();
    scan_rows(out);
    // The rows of each series, in series order: 32-bit row numbers while they fit (half the pages to
    // touch, and no zeroing: every slot is written), else 64-bit.
    if (s_.size() <= std::numeric_limits<std::uint32_t>::max())
      per_series(out, order_rows<std::uint32_t>().get());
    else
      per_series(out, order_rows<std::uint64_t>().get());
    finish_completeness(out);
    check_rules(out);
    return out;
  }

 private:
  /// What each store series is: its indicator and, for an expected report, the matrix and member row.
  void plan_series() {
    const auto index = p_.indicator_index();
    const std::size_t ns = s_.series_count();
    series_ind_.assign(ns, nullptr);
    series_matrix_.assign(ns, no_row);
    series_member_.assign(ns, no_row);
    std::unordered_map<const indicator*, std::int32_t> matrix_of;
    const std::int32_t fm = p_.fy_first_month;
    const std::int32_t last_day = q_.as_of.day_number();
    for (const indicator* i : p_.all_indicators()) {
      if (!i->reporting) continue;
      expected_reports e;
      e.ind = i;
      // Members: the cross product of each `by` entry's members, first entry slowest.
      e.members = {""};
      for (const auto& b : i->reporting->by) {
        const dimension* d = p_.find_dimension(b.dimension);
        std::vector<std::string> next;
        if (d)
          for (const std::string& prefix : e.members)
            for (const member* m : d->members_at_level(b.level))
              next.push_back(prefix.empty() ? m->id : prefix + "/" + m->id);
        e.members = std::move(next);
      }
      for (std::size_t k = 0; k < e.members.size(); ++k)
        e.member_row.emplace(e.members[k], static_cast<std::int32_t>(k));
      const date from = i->baseline ? i->baseline->reference_date : p_.start;
      const period_type t = i->reporting->period;
      e.first = period_index(t, from.day_number(), fm);
      // The last period whose report was due (its last day + due_days) on or before as_of.
      // Periods after the programme's end expect nothing (and a far as-of date cannot blow the matrix up).
      std::int32_t last = period_index(t, std::min(last_day, p_.end.day_number()), fm);
      while (last >= e.first &&
             (period::from_index(t, last, fm).last_day() + days{i->reporting->due_days}).day_number() > last_day)
        --last;
      e.count = std::max<std::int32_t>(0, last - e.first + 1);
      const std::size_t cells = e.members.size() * static_cast<std::size_t>(e.count);
      e.reported.assign(cells, 0);
      e.recorded.assign(cells, std::numeric_limits<std::int32_t>::max());
      matrix_of.emplace(i, static_cast<std::int32_t>(matrices_.size()));
      matrices_.push_back(std::move(e));
    }
    for (std::uint32_t s = 0; s < ns; ++s) {
      const auto it = index.find(s_.indicator_name(s_.series_indicator(s)));
      if (it == index.end()) continue;
      series_ind_[s] = it->second;
      const auto m = matrix_of.find(it->second);
      if (m == matrix_of.end()) continue;
      const expected_reports& e = matrices_[static_cast<std::size_t>(m->second)];
      std::string key;
      bool ok = true;
      for (const auto& b : it->second->reporting->by) {
        const auto col = column_of(s_, b);
        if (!col) {
          ok = false;
          break;
        }
        const std::string_view member = s_.member_name(s_.series_member(s, *col));
        if (member.empty()) ok = false;  // a total over the dimension is not a member's report
        key += (key.empty() ? "" : "/") + std::string(member);
      }
      if (!ok) continue;
      const auto row = e.member_row.find(key);
      if (row == e.member_row.end()) continue;
      series_matrix_[s] = m->second;
      series_member_[s] = row->second;
    }
  }

  /// Whether a row counts on the as-of date: dated on or before it and, with as_recorded_on, recorded
  /// by then (a row without recorded_at always counts).
  struct row_filter {
    std::span<const std::int32_t> day, recorded;
    std::int32_t limit = 0, known_by = 0;
    bool by_recorded = false;
    bool operator()(std::size_t r) const {
      return day[r] <= limit && (!by_recorded || recorded[r] == detail::no_day || recorded[r] <= known_by);
    }
  };
  row_filter counted_rows() const {
    return {s_.day_numbers(), s_.recorded_days(), q_.as_of.day_number(),
            q_.as_recorded_on ? q_.as_recorded_on->day_number() : 0, q_.as_recorded_on && s_.has_recorded_at()};
  }

  /// The single scan: completeness cells, range checks, and the counts that order rows by series.
  void scan_rows(quality_report& out) {
    const auto series = s_.series_ids();
    const auto day = s_.day_numbers();
    const auto value = s_.values();
    const auto recorded = s_.recorded_days();
    const bool has_recorded = s_.has_recorded_at();
    const std::int32_t fm = p_.fy_first_month;
    start_.assign(s_.series_count() + 1, 0);
    const row_filter counts = counted_rows();
    for (std::size_t r = 0; r < s_.size(); ++r) {
      if (!counts(r)) continue;
      const std::uint32_t s = series[r];
      const indicator* ind = series_ind_[s];
      if (!ind) continue;
      ++start_[s + 1];
      if (const std::int32_t m = series_matrix_[s]; m != no_row) {
        expected_reports& e = matrices_[static_cast<std::size_t>(m)];
        const std::int32_t k = period_index(ind->reporting->period, day[r], fm) - e.first;
        if (k >= 0 && k < e.count) {
          const std::size_t cell = static_cast<std::size_t>(series_member_[s]) * static_cast<std::size_t>(e.count) +
                                   static_cast<std::size_t>(k);
          e.reported[cell] = 1;
          if (has_recorded && recorded[r] != detail::no_day) e.recorded[cell] = std::min(e.recorded[cell], recorded[r]);
        }
      }
      if (!is_quantity(ind->kind)) continue;
      const auto [lo_kind, hi_kind] = kind_range(*ind);
      const double v = value[r];
      std::string why;
      if (v < lo_kind || v > hi_kind)
        why = fmt::format("outside the range of a {} ({})", to_string(ind->kind),
                          ind->kind == measure_kind::percentage ? "0 to 100" : "at least 0");
      else if (ind->min && v < *ind->min)
        why = "below the plausible minimum " + number_text(*ind->min);
      else if (ind->max && v > *ind->max)
        why = "above the plausible maximum " + number_text(*ind->max);
      if (!why.empty())
        out.outliers.push_back({ind->id, member_label(s), date::from_day_number(day[r]), v, std::nullopt, why});
    }
    std::partial_sum(start_.begin(), start_.end(), start_.begin());
  }

  /// The counted rows grouped by series: those of series s at start_[s] .. start_[s + 1].
  template <class Row>
  std::unique_ptr<Row[]> order_rows() const {
    const auto series = s_.series_ids();
    const row_filter counts = counted_rows();
    std::unique_ptr<Row[]> order(new Row[start_.back()]);
    std::vector<std::size_t> fill(start_.begin(), start_.end() - 1);
    for (std::size_t r = 0; r < s_.size(); ++r)
      if (counts(r) && series_ind_[series[r]]) order[fill[series[r]]++] = static_cast<Row>(r);
    return order;
  }

  std::string member_label(std::uint32_t s) const {
    std::string out;
    for (std::size_t d = 0; d < s_.dimensions().size(); ++d) {
      const std::string_view m = s_.member_name(s_.series_member(s, d));
      if (m.empty()) continue;
      if (!out.empty()) out += '/';
      out += m;
    }
    return out;
  }

  /// Per series: its values by date (revisions resolved), their changes' modified z-scores, and revisions.
  template <class Row>
  void per_series(quality_report& out, Row* order) {
    const auto day = s_.day_numbers();
    const auto value = s_.values();
    const auto revs = s_.revisions();
    const bool has_rev = s_.has_revision();
    auto rev = [&](std::size_t r) { return has_rev ? revs[r] : 0u; };
    std::vector<std::int32_t> dates;
    std::vector<double> values, changes, scratch;
    for (std::uint32_t s = 0; s + 1 < start_.size(); ++s) {
      const indicator* ind = series_ind_[s];
      if (!ind || start_[s] == start_[s + 1]) continue;
      Row* first = order + start_[s];
      Row* last = order + start_[s + 1];
      const auto by_date = [&](Row a, Row b) { return std::tuple(day[a], rev(a), a) < std::tuple(day[b], rev(b), b); };
      // Rows usually arrive in date order (a batch per period): then there is nothing to sort.
      if (!std::is_sorted(first, last, by_date)) std::sort(first, last, by_date);
      dates.clear();
      values.clear();
      std::optional<series_revision> largest;
      for (auto it = first; it != last;) {
        auto end = it;
        while (end != last && day[*end] == day[*it]) ++end;
        // Rows of one date: the highest revision holds; several rows of it sum for a flow, else the last.
        const std::uint32_t top = rev(*(end - 1));
        double v = 0;
        for (auto k = it; k != end; ++k)
          if (rev(*k) == top) v = ind->time_rule == time_rule::sum ? v + value[*k] : value[*k];
        if (top > 0) {
          ++out.revisions.revised_values;
          const double from = value[*it];
          series_revision sr{ind->id, {}, date::from_day_number(day[*it]), from, v, std::nullopt};
          if (from != 0) sr.relative = std::abs(v - from) / std::abs(from);
          const auto size = [](const std::optional<series_revision>& x) {
            return x->relative ? *x->relative : std::numeric_limits<double>::infinity();
          };
          if (!largest || size(sr) > size(largest)) largest = sr;
        }
        dates.push_back(day[*it]);
        values.push_back(v);
        it = end;
      }
      if (largest) {
        largest->member = member_label(s);
        out.revisions.largest.push_back(std::move(*largest));
      }
      if (!is_quantity(ind->kind) || values.size() < std::max<std::size_t>(q_.min_changes, 1) + 1) continue;
      changes.clear();
      for (std::size_t k = 1; k < values.size(); ++k) changes.push_back(values[k] - values[k - 1]);
      scratch = changes;
      const double med = median(scratch);
      for (std::size_t k = 0; k < changes.size(); ++k) scratch[k] = std::abs(changes[k] - med);
      const double mad = median(scratch);
      if (!(mad > 0)) continue;  // over half the changes equal: no spread to judge against
      bool prev_flagged = false;
      for (std::size_t k = 0; k < changes.size(); ++k) {
        const double score = 0.6745 * (changes[k] - med) / mad;
        const bool extreme = std::abs(score) > q_.outlier_threshold;
        // The step back after a spike is the same finding as the spike.
        const bool return_step = prev_flagged && k > 0 && (changes[k] > 0) != (changes[k - 1] > 0);
        if (extreme && !return_step)
          out.outliers.push_back({ind->id, member_label(s), date::from_day_number(dates[k + 1]), values[k + 1], score,
                                  fmt::format("change {} from the previous value; modified z-score {:.2f}",
                                              number_text(changes[k]), score)});
        prev_flagged = extreme && !return_step;
      }
    }
    std::sort(out.outliers.begin(), out.outliers.end(), [](const outlier& a, const outlier& b) {
      return std::tie(a.indicator, a.member, a.when) < std::tie(b.indicator, b.member, b.when);
    });
  }

  void finish_completeness(quality_report& out) {
    std::map<std::string, rate_entry> by_member, by_period;
    for (auto& e : matrices_) {
      completeness_matrix m;
      m.indicator = e.ind->id;
      m.members = e.members;
      const period_type t = e.ind->reporting->period;
      for (std::int32_t k = 0; k < e.count; ++k)
        m.periods.push_back(period::from_index(t, e.first + k, p_.fy_first_month));
      m.cells.resize(e.reported.size());
      for (std::size_t mi = 0; mi < e.members.size(); ++mi)
        for (std::size_t k = 0; k < m.periods.size(); ++k) {
          const std::size_t cell = mi * m.periods.size() + k;
          const period& pe = m.periods[k];
          const std::string label = pe.label();
          ++out.completeness.expected;
          ++by_member[e.members[mi]].expected;
          ++by_period[label].expected;
          report_state st = report_state::missing;
          if (e.reported[cell]) {
            ++out.completeness.reported;
            ++by_member[e.members[mi]].reported;
            ++by_period[label].reported;
            const date due = pe.last_day() + days{e.ind->reporting->due_days};
            if (e.recorded[cell] == std::numeric_limits<std::int32_t>::max()) {
              st = report_state::unknown;
              ++out.timeliness.unknown;
            } else if (e.recorded[cell] <= due.day_number()) {
              st = report_state::on_time;
              ++out.timeliness.on_time;
            } else {
              st = report_state::late;
              const date rec = date::from_day_number(e.recorded[cell]);
              out.timeliness.late.push_back({m.indicator, e.members[mi], pe, due, rec, (rec - due).count});
            }
          } else {
            out.completeness.missing.push_back({m.indicator, e.members[mi], pe});
          }
          m.cells[cell] = st;
        }
      out.completeness.matrices.push_back(std::move(m));
    }
    for (auto& [k, r] : by_member) out.completeness.by_member.push_back({k, r.expected, r.reported});
    for (auto& [k, r] : by_period) out.completeness.by_period.push_back({k, r.expected, r.reported});
  }

  /// One side term's values: group key (members joined with '\x1f', then '\x1e' and the period index) -> value.
  using side_values = std::unordered_map<std::string, double>;

  /// The query a term's values come from (indicators left empty) and a key naming its shape.
  std::pair<query, std::string> term_query(const indicator& ind, period_type t,
                                           const std::vector<std::string>& group_by, bool per_member) const {
    query q;
    q.period = t;
    q.fy_first_month = p_.fy_first_month;
    q.to = q_.as_of;
    q.as_recorded_on = q_.as_recorded_on;
    q.group_by = group_by;
    q.time = ind.time_rule;
    q.cumulative = ind.cumulative;
    // Coverage counts members meeting a threshold, not the quantity a rule compares: sum instead.
    q.space = ind.space_rule == space_rule::coverage ? space_rule::sum : ind.space_rule;
    if (q.space == space_rule::weighted_avg) {
      if (per_member || ind.breakdowns.empty()) {
        q.space = space_rule::avg;
      } else {
        q.weight_attribute = ind.weight_attribute;
        if (auto c = column_of(s_, ind.breakdowns.front())) q.space_dimension = s_.dimensions()[*c];
      }
    }
    std::string key = fmt::format("{}\x1d{}\x1d{}\x1d{}\x1d{}\x1d{}", to_string(t), to_string(q.time),
                                  to_string(q.space), q.cumulative, q.weight_attribute, q.space_dimension);
    for (const auto& g : group_by) key += '\x1d' + g;
    return {std::move(q), std::move(key)};
  }

  /// Every term's values, with one aggregation (one scan of the rows) per distinct query shape.
  void prefetch(const std::vector<std::pair<const indicator*, std::pair<query, std::string>>>& terms) {
    std::map<std::string, query> shapes;
    for (const auto& [ind, qk] : terms) {
      auto& q = shapes.emplace(qk.second, qk.first).first->second;
      if (std::find(q.indicators.begin(), q.indicators.end(), ind->id) == q.indicators.end())
        q.indicators.push_back(ind->id);
      cache_.try_emplace(ind->id + '\x1c' + qk.second);  // no rows: an empty side
    }
    for (const auto& [shape, q] : shapes) {
      aggregate_result r;
      try {
        r = aggregate(s_, q, &p_);
      } catch (const error& e) {
        // A rule the store cannot answer (say a weight attribute it lacks) is reported on the rule; it
        // must not take the rest of the check (or the report around it) down.
        failed_.emplace(shape, e.what());
        continue;
      }
      for (std::size_t i = 0; i < r.size(); ++i) {
        std::string k;
        for (std::size_t g = 0; g < q.group_by.size(); ++g) {
          if (g) k += '\x1f';
          k += r.group_value(i, g);
        }
        k += '\x1e' + std::to_string(r.period_index(i));
        cache_[std::string(r.indicator(i)) + '\x1c' + shape].emplace(std::move(k), r.value(i));
      }
    }
  }

  /// A rule's period type, group-by columns, and whether it can be checked on this store.
  struct rule_plan {
    period_type period = period_type::quarter;
    std::vector<std::string> group_by;
    bool runnable = true;
  };

  rule_plan plan_rule(const validation_rule& rule) const {
    rule_plan plan;
    if (rule.period) {
      plan.period = *rule.period;
    } else if (!rule.left.empty()) {
      const indicator* first = p_.find_indicator(rule.left.front().indicator);
      if (first && first->reporting) plan.period = first->reporting->period;
    }
    if (rule.per == rule_scope::member)
      for (const auto& b : common_breakdown(p_, rule)) {
        if (auto c = column_of(s_, b))
          plan.group_by.push_back(s_.dimensions()[*c]);
        else
          plan.runnable = false;  // no measurement carries the column: nothing to compare
      }
    for (const auto* side : {&rule.left, &rule.right})
      for (const auto& term : *side)
        if (!p_.find_indicator(term.indicator)) plan.runnable = false;
    return plan;
  }

  void check_rules(quality_report& out) {
    std::vector<rule_plan> plans;
    std::vector<std::pair<const indicator*, std::pair<query, std::string>>> needed;
    for (const validation_rule& rule : p_.validation_rules) {
      plans.push_back(plan_rule(rule));
      if (!plans.back().runnable) continue;
      for (const auto* side : {&rule.left, &rule.right})
        for (const auto& term : *side) {
          const indicator* ind = p_.find_indicator(term.indicator);
          needed.emplace_back(
              ind, term_query(*ind, plans.back().period, plans.back().group_by, rule.per == rule_scope::member));
        }
    }
    prefetch(needed);
    for (std::size_t n = 0; n < p_.validation_rules.size(); ++n) {
      const validation_rule& rule = p_.validation_rules[n];
      const rule_plan& plan = plans[n];
      const period_type t = plan.period;
      const bool runnable = plan.runnable;
      rule_outcome ro{rule.id, 0, 0, 0};
      struct term_ref {
        double factor;
        const side_values* values;
      };
      std::vector<term_ref> left, right;
      std::vector<std::string> keys;
      if (runnable)
        for (const auto& [side, side_terms] : {std::pair{&left, &rule.left}, std::pair{&right, &rule.right}})
          for (const auto& term : *side_terms) {
            const indicator* ind = p_.find_indicator(term.indicator);
            const auto qk = term_query(*ind, t, plan.group_by, rule.per == rule_scope::member);
            if (const auto f = failed_.find(qk.second); f != failed_.end()) ro.problem = f->second;
            const side_values& v = cache_.at(ind->id + '\x1c' + qk.second);
            side->push_back({term.factor, &v});
            for (const auto& [k, _] : v) keys.push_back(k);
          }
      if (!runnable || !ro.problem.empty()) {
        out.rules.push_back(ro);
        continue;
      }
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      const auto side_value = [](const std::vector<term_ref>& terms, const std::string& k) -> std::optional<double> {
        double sum = 0;
        for (const auto& term : terms) {
          const auto it = term.values->find(k);
          if (it == term.values->end()) return std::nullopt;  // missing is not zero: skip the comparison
          sum += term.factor * it->second;
        }
        return sum;
      };
      std::vector<violation> found;
      for (const auto& k : keys) {
        const auto l = side_value(left, k);
        const auto r = side_value(right, k);
        if (!l || !r) {
          ++ro.skipped;
          continue;
        }
        ++ro.checked;
        if (compare(*l, rule.op, *r)) continue;
        ++ro.violated;
        const auto sep = k.find('\x1e');
        std::string member = k.substr(0, sep);
        std::replace(member.begin(), member.end(), '\x1f', '/');
        const period pe = period::from_index(t, std::stoi(k.substr(sep + 1)), p_.fy_first_month);
        found.push_back({rule.id, rule.importance, member, pe, *l, *r});
      }
      std::sort(found.begin(), found.end(), [](const violation& a, const violation& b) {
        return std::tie(a.member, a.period) < std::tie(b.member, b.period);
      });
      out.violations.insert(out.violations.end(), found.begin(), found.end());
      out.rules.push_back(ro);
    }
    std::stable_sort(out.violations.begin(), out.violations.end(),
                     [](const violation& a, const violation& b) { return a.importance < b.importance; });
  }

  const programme& p_;
  const measurement_store& s_;
  const quality_settings& q_;
  std::vector<const indicator*> series_ind_;
  std::vector<std::int32_t> series_matrix_, series_member_;
  std::vector<expected_reports> matrices_;
  std::vector<std::size_t> start_;
  std::unordered_map<std::string, side_values> cache_;
  std::map<std::string, std::string> failed_;  // query shape -> why the aggregation refused it
};

using json = nlohmann::ordered_json;

json rate_json(const std::optional<double>& r) { return r ? json(*r) : json(nullptr); }

std::string percent(const std::optional<double>& r) { return r ? fmt::format("{:.1f} %", *r * 100) : "n/a"; }

}  // namespace

std::size_t quality_report::findings_at_least(importance level) const {
  std::size_t n = 0;
  if (importance::medium <= level) n += completeness.missing.size();
  if (importance::low <= level) n += timeliness.late.size() + outliers.size();
  for (const auto& v : violations) n += v.importance <= level ? 1 : 0;
  return n;
}

quality_report check_quality(const programme& prog, const measurement_store& store, const quality_settings& settings) {
  if (!(settings.outlier_threshold > 0) || !std::isfinite(settings.outlier_threshold))
    throw error(errc::invalid_argument,
                "the outlier threshold must be a positive number, not " + number_text(settings.outlier_threshold));
  return checker(prog, store, settings).run();
}

void detail::write_quality_json(const quality_report& q, json_stream& out) {
  // Straight to text, a finding at a time: a check can find hundreds of thousands.
  out.open_object();
  out.member("as_of", q.as_of);
  out.member("outlier_threshold", q.outlier_threshold);
  out.key("summary");
  out.open_object();
  out.member("high", q.findings_at_least(importance::high));
  out.member("medium", q.findings_at_least(importance::medium) - q.findings_at_least(importance::high));
  out.member("low", q.findings_at_least(importance::low) - q.findings_at_least(importance::medium));
  out.close();
  out.key("completeness");
  out.open_object();
  out.member("expected", q.completeness.expected);
  out.member("reported", q.completeness.reported);
  out.member("rate", q.completeness.rate());
  // Keys of an object are unique: a member or period named twice keeps its first place, last value.
  const auto rates = [&](std::string_view name, const std::vector<rate_entry>& entries) {
    json o = json::object();
    for (const auto& r : entries) o[r.key] = rate_json(r.rate());
    out.member(name, o);
  };
  rates("by_member", q.completeness.by_member);
  rates("by_period", q.completeness.by_period);
  out.key("missing");
  out.open_array();
  for (const auto& m : q.completeness.missing) {
    out.open_object();
    out.member("indicator", m.indicator);
    out.member("member", m.member);
    out.member("period", m.period.label());
    out.close();
  }
  out.close();
  out.close();
  out.key("timeliness");
  out.open_object();
  out.member("on_time", q.timeliness.on_time);
  out.key("late");
  out.open_array();
  for (const auto& l : q.timeliness.late) {
    out.open_object();
    out.member("indicator", l.indicator);
    out.member("member", l.member);
    out.member("period", l.period.label());
    out.member("due", l.due);
    out.member("recorded_at", l.recorded);
    out.member("days_late", l.days_late);
    out.close();
  }
  out.close();
  out.member("unknown", q.timeliness.unknown);
  out.member("rate", q.timeliness.rate());
  out.close();
  out.key("outliers");
  out.open_array();
  for (const auto& x : q.outliers) {
    out.open_object();
    out.member("indicator", x.indicator);
    out.member("member", x.member);
    out.member("date", x.when);
    out.member("value", x.value);
    out.member("score", x.score);
    out.member("reason", x.reason);
    out.close();
  }
  out.close();
  out.key("violations");
  out.open_array();
  for (const auto& v : q.violations) {
    out.open_object();
    out.member("rule", v.rule);
    out.member("importance", to_string(v.importance));
    out.member("member", v.member);
    out.member("period", v.period.label());
    out.member("left", v.left);
    out.member("right", v.right);
    out.close();
  }
  out.close();
  out.key("rules");
  out.open_array();
  for (const auto& r : q.rules) {
    out.open_object();
    out.member("rule", r.rule);
    out.member("checked", r.checked);
    out.member("violated", r.violated);
    out.member("skipped", r.skipped);
    if (!r.problem.empty()) out.member("problem", r.problem);
    out.close();
  }
  out.close();
  out.key("revisions");
  out.open_object();
  out.member("revised_values", q.revisions.revised_values);
  out.key("largest");
  out.open_array();
  for (const auto& r : q.revisions.largest) {
    out.open_object();
    out.member("indicator", r.indicator);
    out.member("member", r.member);
    out.member("date", r.when);
    out.member("from", r.from);
    out.member("to", r.to);
    out.member("relative", r.relative);
    out.close();
  }
  out.close();
  out.close();
  out.close();
}

std::string quality_to_json(const quality_report& q) {
  std::string text;
  detail::json_stream out([&text](std::string_view piece) { text += piece; }, std::size_t{1} << 20);
  detail::write_quality_json(q, out);
  out.finish();
  return text;
}

std::vector<finding> findings(const quality_report& q) {
  std::vector<finding> out;
  for (const importance level : {importance::high, importance::medium, importance::low}) {
    for (const auto& v : q.violations)
      if (v.importance == level)
        out.push_back(
            {level, "violation", v.rule,
             fmt::format("rule {} fails in {}{}: {} against {}", v.rule, v.period.label(),
                         v.member.empty() ? "" : " for " + v.member, number_text(v.left), number_text(v.right))});
    if (level == importance::medium)
      for (const auto& m : q.completeness.missing)
        out.push_back({level, "missing", m.indicator,
                       fmt::format("{}: no report from {} for {}", m.indicator, m.member, m.period.label())});
    if (level == importance::low) {
      for (const auto& l : q.timeliness.late)
        out.push_back(
            {level, "late", l.indicator,
             fmt::format("{}: {}'s report for {} recorded {}, {} days after the due date {}", l.indicator, l.member,
                         l.period.label(), format_date(l.recorded), l.days_late, format_date(l.due))});
      for (const auto& x : q.outliers)
        out.push_back({level, "outlier", x.indicator,
                       fmt::format("{}: {} on {} for {} ({})", x.indicator, number_text(x.value), format_date(x.when),
                                   x.member.empty() ? "the total" : x.member, x.reason)});
    }
  }
  return out;
}

std::size_t missing_reports(const quality_report& q, std::string_view indicator) {
  return static_cast<std::size_t>(std::count_if(q.completeness.missing.begin(), q.completeness.missing.end(),
                                                [&](const missing_report& m) { return m.indicator == indicator; }));
}

std::string quality_to_text(const quality_report& q) {
  std::string out = fmt::format(
      "Data quality on {}: completeness {} ({} of {} reports), timeliness {} ({} late, {} unknown); outliers: {}; "
      "rule violations: {}; revised values: {}.\n",
      format_date(q.as_of), percent(q.completeness.rate()), q.completeness.reported, q.completeness.expected,
      percent(q.timeliness.rate()), q.timeliness.late.size(), q.timeliness.unknown, q.outliers.size(),
      q.violations.size(), q.revisions.revised_values);
  const auto all = findings(q);
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (k == 0 || all[k].level != all[k - 1].level) {
      const auto n = std::count_if(all.begin(), all.end(), [&](const finding& f) { return f.level == all[k].level; });
      out += fmt::format("\n{} ({}):\n", to_string(all[k].level), n);
    }
    out += "  " + all[k].kind + " " + all[k].text + "\n";
  }
  return out;
}

std::string quality_to_csv(const quality_report& q) {
  std::string out = "kind,importance,subject,member,period,date,value,detail\n";
  auto row = [&](std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (std::string_view f : fields) {
      if (!first) out += ',';
      first = false;
      csv_append_field(out, f);
    }
    out += '\n';
  };
  for (const auto& v : q.violations)
    row({"violation", to_string(v.importance), v.rule, v.member, v.period.label(), "", number_text(v.left),
         "right " + number_text(v.right)});
  for (const auto& m : q.completeness.missing)
    row({"missing", "medium", m.indicator, m.member, m.period.label(), "", "", ""});
  for (const auto& l : q.timeliness.late)
    row({"late", "low", l.indicator, l.member, l.period.label(), format_date(l.recorded), std::to_string(l.days_late),
         "days after " + format_date(l.due)});
  for (const auto& x : q.outliers)
    row({"outlier", "low", x.indicator, x.member, "", format_date(x.when), number_text(x.value), x.reason});
  return out;
}

REGIOKPI_END_NAMESPACE
