// regiokpi: queries over a measurement_store. DHIS2's order: the time rule combines each series'
// values inside a period, the space rule combines those results across the members not grouped by,
// then optionally a running total over each group's periods. Linear in the number of measurements.
// Coverage (members at a threshold, of the members expected) and derived indicators (formulas per
// member, where every part is present) are queries too: the one place those rules live.
//   regiokpi::query q{.indicators = {"jobs"}, .period = regiokpi::period_type::quarter,
//                     .group_by = {"municipality"}, .time = regiokpi::time_rule::last};
//   regiokpi::aggregate_result r = regiokpi::aggregate(store, q);
//   std::string csv = regiokpi::to_csv(r);   // indicator,municipality,period,value
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/detail/column.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/rules.hpp"
#include "regiokpi/store.hpp"

REGIOKPI_BEGIN_NAMESPACE

struct programme;
struct member;

/// A derived indicator computed per member (docs/aggregation.md, "Formulas"): the sum of the
/// numerator parts over the sum of the denominator parts, times factor (no denominator: the
/// numerator's sum times factor). A member counts in a period only where every part has a value.
struct formula_spec {
  std::string id;                        ///< the derived indicator's id in the result
  std::vector<std::string> numerator;    ///< indicator ids, at least one
  std::vector<std::string> denominator;  ///< indicator ids; empty: no division
  double factor = 1;
};

/// What to compute.
struct query {
  /// Indicator ids to include; empty means all. Ids absent from the store simply yield no rows.
  std::vector<std::string> indicators;
  period_type period = period_type::month;
  std::int32_t fy_first_month = 1;  ///< first month of the financial year (1..12)
  std::optional<date> from;         ///< first day included
  std::optional<date> to;           ///< last day included
  /// Dimensions to keep (in output order); the others are combined by the space rule. With a
  /// programme, a hierarchy level name (province) groups a hierarchy dimension's members by their
  /// ancestor at that level.
  std::vector<std::string> group_by;
  time_rule time = time_rule::sum;
  space_rule space = space_rule::sum;
  bool cumulative = false;  ///< running total over each group's periods, in period order
  /// Only rows recorded on or before this day count (rows without recorded_at always do).
  std::optional<date> as_recorded_on;
  /// weighted_avg: the member attribute that weighs (population); taken at each period's last day.
  std::string weight_attribute;
  /// coverage: a member counts when its value (its series summed) is >= this threshold.
  double coverage_threshold = 0;
  /// coverage: the hierarchy level whose members are expected (municipality); empty: the level the
  /// measurements' column is named after, else the one level at which the members that report sit
  /// (an error when they sit at several; a category: all its members).
  std::string coverage_level;
  /// coverage: the value is the share of the expected members that count (0..1), not their number.
  bool coverage_share = false;
  /// The dimension whose members weighted_avg and coverage weigh or count; empty means the only
  /// dimension not grouped by.
  std::string space_dimension;
  /// Derived indicators: when not empty the query computes these (and not `indicators`), each per
  /// member and period, then combines the members by `space`.
  std::vector<formula_spec> formulas;
  /// formulas: the dimensions whose values make a member; a part is summed over the other
  /// dimensions within a member. Empty: the whole group is one member (the parts' totals).
  std::vector<std::string> member_dimensions;
  /// Threads for the pass over the rows (at most: fewer where merging their cells would cost more
  /// than it saves); 0 picks by size and hardware. The answer does not depend on it (sums may differ
  /// in the last bits).
  unsigned threads = 0;
};

/// The answer: one row per (indicator, group-by values, period) that has data, sorted by
/// indicator, then the group-by values (byte order), then period in time order.
class aggregate_result {
 public:
  std::vector<std::string> group_by;  ///< the group-by column names
  period_type period = period_type::month;
  std::int32_t fy_first_month = 1;

  [[nodiscard]] std::size_t size() const noexcept { return value_.size(); }
  [[nodiscard]] std::string_view indicator(std::size_t row) const { return keys_[key_index(row)]; }
  /// The row's value of group_by[k].
  [[nodiscard]] std::string_view group_value(std::size_t row, std::size_t k) const {
    return keys_[key_index(row) + 1 + k];
  }
  [[nodiscard]] regiokpi::period period_of(std::size_t row) const {
    return regiokpi::period::from_index(period, period_index_[row], fy_first_month);
  }
  [[nodiscard]] std::int32_t period_index(std::size_t row) const { return period_index_[row]; }
  [[nodiscard]] double value(std::size_t row) const { return value_[row]; }

  /// Number of distinct (indicator, group-by values) groups and a row's group (0-based, in output order).
  [[nodiscard]] std::size_t group_count() const noexcept { return keys_.size() / (group_by.size() + 1); }
  [[nodiscard]] std::uint32_t group_of(std::size_t row) const { return group_[row]; }

  /// Coverage queries: the members the row's group expects (0: the dimension is not the programme's,
  /// so none is known) and how many of them have a value in the row's period.
  [[nodiscard]] std::uint32_t members_expected(std::size_t row) const {
    return row < expected_.size() ? expected_[row] : 0;
  }
  [[nodiscard]] std::uint32_t members_reporting(std::size_t row) const {
    return row < reporting_.size() ? reporting_[row] : 0;
  }
  /// A member's value: its series' time-rule results summed, in the group's last period; none
  /// when it has no value there.
  struct member_reading {
    std::string member;
    std::optional<double> value;
  };
  /// Coverage queries: each member the group expects, in the programme's order, with its value.
  [[nodiscard]] const std::vector<member_reading>& member_values(std::size_t group) const {
    static const std::vector<member_reading> none;
    return group < readings_.size() ? readings_[group] : none;
  }
  /// Formula queries: the members left out of the group's last period because a part of the formula
  /// had no value there (byte order; two member dimensions are joined with '/').
  [[nodiscard]] const std::vector<std::string>& incomplete_members(std::size_t group) const {
    static const std::vector<std::string> none;
    return group < incomplete_.size() ? incomplete_[group] : none;
  }

  /// Builders (used by aggregate()): add a group's key strings, then rows in output order.
  std::uint32_t add_group(std::vector<std::string> key) {
    for (auto& k : key) keys_.push_back(std::move(k));
    return static_cast<std::uint32_t>(group_count() - 1);
  }
  void add_row(std::uint32_t group, std::int32_t period_index, double value) {
    group_.push_back(group);
    period_index_.push_back(period_index);
    value_.push_back(value);
  }
  /// Where append_rows' rows go: the caller writes each row's group, period index and value.
  struct row_slots {
    std::uint32_t* group;
    std::int32_t* period_index;
    double* value;
  };
  /// Builder: appends `count` rows, in output order, left for the caller to write (several threads
  /// may each write their own); valid until the next row is added.
  row_slots append_rows(std::size_t count) {
    const std::size_t at = size();
    group_.resize_uninitialized(at + count);
    period_index_.resize_uninitialized(at + count);
    value_.resize_uninitialized(at + count);
    return {group_.data() + at, period_index_.data() + at, value_.data() + at};
  }
  /// Coverage builder: the row just added, with its members expected and reporting.
  void add_coverage(std::uint32_t expected, std::uint32_t reporting) {
    expected_.resize(size() - 1, 0);
    reporting_.resize(size() - 1, 0);
    expected_.push_back(expected);
    reporting_.push_back(reporting);
  }
  void set_member_values(std::uint32_t group, std::vector<member_reading> readings) {
    if (readings_.size() <= group) readings_.resize(std::size_t{group} + 1);
    readings_[group] = std::move(readings);
  }
  void set_incomplete_members(std::uint32_t group, std::vector<std::string> members) {
    if (incomplete_.size() <= group) incomplete_.resize(std::size_t{group} + 1);
    incomplete_[group] = std::move(members);
  }
  void reserve(std::size_t rows) {
    group_.reserve(rows);
    period_index_.reserve(rows);
    value_.reserve(rows);
  }

 private:
  [[nodiscard]] std::size_t key_index(std::size_t row) const {
    return std::size_t{group_[row]} * (group_by.size() + 1);
  }

  std::vector<std::string> keys_;  // per group: indicator, then the group-by values
  // Large results (a by-day query over millions of cells) live in huge-page columns.
  detail::column<std::uint32_t> group_;
  detail::column<std::int32_t> period_index_;
  detail::column<double> value_;
  std::vector<std::uint32_t> expected_, reporting_;  // coverage queries only
  std::vector<std::vector<member_reading>> readings_;
  std::vector<std::vector<std::string>> incomplete_;
};

/// Runs a query. Throws error(invalid_argument) for a group_by name that is not a dimension (nor,
/// with a programme, a hierarchy level), a bad fy_first_month, weighted_avg/coverage without
/// a programme, a coverage share over a dimension the programme does not define, or a formula
/// without a numerator or combined by coverage; error(overflow) naming each group (indicator, group-by
/// values, period) whose value is not finite (values summing past about 1.8e308), so no caller ever
/// sees an infinity.
REGIOKPI_EXPORT aggregate_result aggregate(const measurement_store& store, const query& q,
                                           const programme* prog = nullptr);

/// The members a coverage query over `column` (a store dimension) expects: those of the programme
/// dimension named `column` (or having a level of that name) at `level`, in definition order; with
/// no level, as query::coverage_level says (the level at which `indicators`' members report; empty:
/// all indicators). nullopt when no programme dimension fits. Throws error(invalid_argument) when
/// members of several levels report and no level is named.
REGIOKPI_EXPORT std::optional<std::vector<const member*>> coverage_members(
    const programme& prog, const measurement_store& store, std::string_view column, std::string_view level,
    const std::vector<std::string>& indicators = {});

/// The result as CSV: header indicator,<group_by...>,period,value; period labels as in calendar.hpp;
/// values in the shortest form that reads back to the same double.
REGIOKPI_EXPORT std::string to_csv(const aggregate_result& result);

/// The same text as to_csv(result), handed to `sink` in order in pieces of about `piece_bytes` each
/// (never empty, each ending at a line break), so that a large result (millions of rows: a daily
/// running total) goes to a file or a socket without first being held whole in memory. A sink that
/// throws stops the writing; the exception passes through.
REGIOKPI_EXPORT void write_csv(const aggregate_result& result, const std::function<void(std::string_view)>& sink,
                               std::size_t piece_bytes = std::size_t{1} << 20);

REGIOKPI_END_NAMESPACE
