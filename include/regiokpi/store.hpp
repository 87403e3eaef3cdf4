// regiokpi: the measurement store. Append-only and columnar: one row per observation (indicator, date,
// dimension coordinates, value, provenance), with indicator ids and dimension members interned and
// every distinct (indicator, coordinates) pair numbered as a series, so queries work on integers.
//   regiokpi::measurement_store store;
//   regiokpi::ingest_csv_file(store, "measurements.csv", {});          // see ingest.hpp
//   store.append({"region"}, {{.indicator = "jobs", .when = parse_date("2021-03-31"),
//                              .coordinates = {"emmen"}, .value = 12}});
// Rows are never changed or removed: a correction is a new row with a higher `revision`, and rows
// keep their input order, which the first/last time rules use to break ties on equal dates.
// A member "" in a dimension is the total over it (docs/measurements-format.md). A text indicator's
// rows carry text (measurement::text) in a sparse side table; store.latest_text("W-x.status", as_of)
// gives the one a report shows.
// Const member functions may run concurrently; appending needs exclusive access.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/detail/column.hpp"
#include "regiokpi/detail/string_pool.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE

struct programme;

/// The status a measurement was delivered with; `unspecified` when the input did not say.
enum class measurement_status : std::uint8_t { unspecified, provisional, final, estimated };

constexpr std::string_view to_string(measurement_status s) noexcept {
  constexpr std::array<std::string_view, 4> names{"", "provisional", "final", "estimated"};
  return names[static_cast<std::size_t>(s)];
}

/// Parses "provisional", "final" or "estimated" (and "" as unspecified); nullopt for anything else.
constexpr std::optional<measurement_status> parse_measurement_status(std::string_view s) noexcept {
  for (std::size_t i = 0; i < 4; ++i)
    if (to_string(static_cast<measurement_status>(i)) == s) return static_cast<measurement_status>(i);
  return std::nullopt;
}

/// One measurement to append, with borrowed strings (copied into the store by append()).
struct measurement {
  std::string_view indicator;
  date when;
  std::vector<std::string_view> coordinates;  ///< one member per dimension name given to append()
  double value = 0;
  measurement_status status = measurement_status::unspecified;
  std::string_view source;
  std::optional<date> recorded_at;  ///< when this value became known; none = always known
  std::uint32_t revision = 0;       ///< corrections carry a higher revision than what they replace
  std::string_view note;
  /// A text indicator's value ("pilot running in 3 of 6 municipalities"); empty: a number row.
  /// A text row keeps `value` in the numeric column too (ingest stores 0 there).
  std::string_view text;
};

/// One stored row, read back; the string_views point into the store.
struct stored_measurement {
  std::string_view indicator;
  date when;
  double value = 0;
  measurement_status status = measurement_status::unspecified;
  std::string_view source;
  std::optional<date> recorded_at;
  std::uint32_t revision = 0;
  std::string_view note;
  std::string_view text;  ///< a text indicator's value; empty for a number row
};

/// A text indicator's latest text (measurement_store::latest_text): the text, its date and its row.
struct dated_text {
  std::string_view text;
  date when;
  std::size_t row = 0;
};

namespace detail {

/// Sentinel for "no recorded_at date" in the recorded-at column.
inline constexpr std::int32_t no_day = std::numeric_limits<std::int32_t>::min();

/// The store's write path (ingest's staged batches and their commit) lives in the library
/// (not installed); users append through measurement_store::append or ingest.hpp.
struct store_access;
/// The store directory's reader and writer (store_dir.hpp), which map columns from files.
struct store_files;

}  // namespace detail

/// Append-only columnar measurements. Row i has series series_ids()[i] (an indicator and one member
/// per dimension), date day_numbers()[i], value values()[i] and optional provenance columns, which
/// exist only once some batch carried them (has_status() ...).
class measurement_store {
 public:
  /// Number of rows.
  [[nodiscard]] std::size_t size() const noexcept { return day_.size(); }
  [[nodiscard]] bool empty() const noexcept { return day_.empty(); }

  /// Dimension names, in order of first appearance (a CSV's non-reserved columns).
  [[nodiscard]] const std::vector<std::string>& dimensions() const noexcept { return dimensions_; }
  /// Index of a dimension by name.
  [[nodiscard]] std::optional<std::size_t> find_dimension(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < dimensions_.size(); ++i)
      if (dimensions_[i] == name) return i;
    return std::nullopt;
  }

  /// Interned indicator ids: 0 .. indicator_count()-1, in order of first appearance.
  [[nodiscard]] std::size_t indicator_count() const noexcept { return indicators_.size(); }
  [[nodiscard]] std::string_view indicator_name(std::uint32_t id) const noexcept { return indicators_[id]; }
  [[nodiscard]] std::optional<std::uint32_t> find_indicator(std::string_view name) const noexcept {
    return indicators_.find(name);
  }
  /// Interned dimension members (one pool for all dimensions; "" is a member too: no breakdown).
  [[nodiscard]] std::size_t member_count() const noexcept { return members_.size(); }
  [[nodiscard]] std::string_view member_name(std::uint32_t id) const noexcept { return members_[id]; }
  [[nodiscard]] std::optional<std::uint32_t> find_member(std::string_view name) const noexcept {
    return members_.find(name);
  }
  /// Interned sources and notes.
  [[nodiscard]] std::string_view text(std::uint32_t id) const noexcept { return texts_[id]; }

  /// A series is one indicator at one full set of coordinates: what the time rule combines.
  [[nodiscard]] std::size_t series_count() const noexcept { return series_indicator_.size(); }
  [[nodiscard]] std::uint32_t series_indicator(std::uint32_t s) const noexcept { return series_indicator_[s]; }
  /// The member id of series s in dimension dim.
  [[nodiscard]] std::uint32_t series_member(std::uint32_t s, std::size_t dim) const noexcept {
    return series_members_[std::size_t{s} * dimensions_.size() + dim];
  }

  [[nodiscard]] std::span<const std::uint32_t> series_ids() const noexcept { return series_; }
  [[nodiscard]] std::span<const std::int32_t> day_numbers() const noexcept { return day_; }
  [[nodiscard]] std::span<const double> values() const noexcept { return value_; }
  /// Smallest and largest day number stored (0 and -1 when empty).
  [[nodiscard]] std::int32_t min_day() const noexcept { return min_day_; }
  [[nodiscard]] std::int32_t max_day() const noexcept { return max_day_; }

  [[nodiscard]] bool has_status() const noexcept { return has_status_; }
  [[nodiscard]] bool has_source() const noexcept { return has_source_; }
  [[nodiscard]] bool has_recorded_at() const noexcept { return has_recorded_at_; }
  [[nodiscard]] bool has_revision() const noexcept { return has_revision_; }
  [[nodiscard]] bool has_note() const noexcept { return has_note_; }
  /// Provenance columns; empty spans when absent.
  [[nodiscard]] std::span<const measurement_status> statuses() const noexcept { return status_; }
  [[nodiscard]] std::span<const std::uint32_t> source_ids() const noexcept { return source_; }
  /// Day numbers, detail::no_day where a row has none.
  [[nodiscard]] std::span<const std::int32_t> recorded_days() const noexcept { return recorded_at_; }
  [[nodiscard]] std::span<const std::uint32_t> revisions() const noexcept { return revision_; }
  [[nodiscard]] std::span<const std::uint32_t> note_ids() const noexcept { return note_; }

  /// Row i read back (i < size()).
  [[nodiscard]] stored_measurement row(std::size_t i) const {
    stored_measurement m;
    m.indicator = indicators_[series_indicator_[series_[i]]];
    m.when = date::from_day_number(day_[i]);
    m.value = value_[i];
    if (has_status_) m.status = status_[i];
    if (has_source_) m.source = texts_[source_[i]];
    if (has_recorded_at_ && recorded_at_[i] != detail::no_day) m.recorded_at = date::from_day_number(recorded_at_[i]);
    if (has_revision_) m.revision = revision_[i];
    if (has_note_) m.note = texts_[note_[i]];
    m.text = text_value(i);
    return m;
  }
  /// Whether any row carries a text value (a text indicator's), and how many do.
  [[nodiscard]] bool has_text() const noexcept { return !text_rows_.empty(); }
  [[nodiscard]] std::size_t text_count() const noexcept { return text_rows_.size(); }
  /// Row i's text value; empty for a number row. O(log text_count()).
  [[nodiscard]] std::string_view text_value(std::size_t i) const noexcept {
    const auto it = std::lower_bound(text_rows_.begin(), text_rows_.end(), i);
    return it != text_rows_.end() && *it == i ? texts_[text_ids_[static_cast<std::size_t>(it - text_rows_.begin())]]
                                              : std::string_view();
  }
  /// The latest text of a text indicator on `as_of`: among its text rows (every series) dated on or
  /// before as_of and, with as_recorded_on, recorded on or before it (rows without recorded_at
  /// always count), the one with the latest date; on equal dates the higher revision, then the
  /// later row. nullopt when there is none. O(text_count()): only text rows are looked at.
  [[nodiscard]] std::optional<dated_text> latest_text(std::string_view indicator, date as_of,
                                                      std::optional<date> as_recorded_on = std::nullopt) const {
    const auto ind = indicators_.find(indicator);
    if (!ind) return std::nullopt;
    const std::int32_t limit = as_of.day_number();
    std::optional<std::size_t> best;
    std::size_t best_k = 0;
    for (std::size_t k = 0; k < text_rows_.size(); ++k) {
      const std::size_t i = text_rows_[k];
      if (series_indicator_[series_[i]] != *ind || day_[i] > limit) continue;
      if (as_recorded_on && has_recorded_at_ && recorded_at_[i] != detail::no_day &&
          recorded_at_[i] > as_recorded_on->day_number())
        continue;
      const std::uint32_t rev = has_revision_ ? revision_[i] : 0;
      if (best && (day_[i] < day_[*best] || (day_[i] == day_[*best] && rev < (has_revision_ ? revision_[*best] : 0))))
        continue;
      best = i;  // later rows win ties: text_rows_ ascends
      best_k = k;
    }
    if (!best) return std::nullopt;
    return dated_text{texts_[text_ids_[best_k]], date::from_day_number(day_[*best]), *best};
  }

  /// Row i's member in dimension dim.
  [[nodiscard]] std::string_view coordinate(std::size_t i, std::size_t dim) const noexcept {
    return members_[series_member(series_[i], dim)];
  }

  /// Appends rows whose coordinates follow `dimension_names` (new names become new dimensions; rows
  /// already stored get "" there, and these rows get "" in store dimensions they do not name).
  /// All or nothing: throws error(validation_error) listing every bad row (empty indicator, a
  /// coordinate count that differs from the names, a non-finite value) and changes nothing.
  /// A row with `text` is a text row (append does not know indicator kinds; ingest checks them).
  REGIOKPI_EXPORT void append(std::span<const std::string> dimension_names, std::span<const measurement> rows);
  void append(std::initializer_list<std::string> dimension_names, std::span<const measurement> rows) {
    const std::vector<std::string> names(dimension_names);
    append(std::span<const std::string>(names), rows);
  }

 private:
  friend struct detail::store_access;
  friend struct detail::store_files;

  std::vector<std::string> dimensions_;
  detail::string_pool indicators_, members_, texts_;
  std::vector<std::uint32_t> series_indicator_;
  std::vector<std::uint32_t> series_members_;  // series_count() x dimensions().size()
  detail::id_table series_table_;
  detail::column<std::uint32_t> series_;
  detail::column<std::int32_t> day_;
  detail::column<double> value_;
  std::int32_t min_day_ = 0, max_day_ = -1;
  bool has_status_ = false, has_source_ = false, has_recorded_at_ = false, has_revision_ = false, has_note_ = false;
  detail::column<measurement_status> status_;
  detail::column<std::uint32_t> source_, revision_, note_;
  detail::column<std::int32_t> recorded_at_;
  // Text values, sparse (text rows are few): rows ascending, and their ids in texts_.
  std::vector<std::size_t> text_rows_;
  std::vector<std::uint32_t> text_ids_;
  // What borrowed columns point into (store_open's mapped files); empty for a store built in memory.
  std::shared_ptr<const void> backing_;
};

REGIOKPI_END_NAMESPACE
