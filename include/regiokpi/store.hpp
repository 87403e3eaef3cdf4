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

namespace regiokpi {

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

/// Rows parsed and validated but not yet in a store: strings interned locally, columns filled.
/// measurement_store::commit() moves one or more of these in at once (ingest's parallel parts).
struct staged_batch {
  std::vector<std::string> dimensions;
  string_pool indicators, members, texts;  // texts: sources and notes
  std::vector<std::uint32_t> series_keys;  // per local series: indicator id, then one member id per dimension
  id_table series_table;
  column<std::uint32_t> series;
  column<std::int32_t> day;
  column<double> value;
  bool has_status = false, has_source = false, has_recorded_at = false, has_revision = false, has_note = false;
  column<measurement_status> status;
  column<std::uint32_t> source, revision, note;
  column<std::int32_t> recorded_at;
  // Text values, sparse: the batch rows that carry one (ascending) and their ids in `texts`.
  std::vector<std::uint32_t> text_rows, text_ids;

  [[nodiscard]] std::size_t size() const noexcept { return day.size(); }

  /// The local series id of (indicator, members[0..dimensions.size())), numbering new ones.
  std::uint32_t series_of(std::uint32_t indicator, const std::uint32_t* member_ids) {
    const std::size_t stride = dimensions.size() + 1;
    std::uint64_t h = hash_bytes(reinterpret_cast<const char*>(&indicator), sizeof indicator);
    if (stride > 1)
      h ^= hash_bytes(reinterpret_cast<const char*>(member_ids), (stride - 1) * sizeof(std::uint32_t)) * 31;
    // member_ids + (stride - 1), not + stride - 1: without dimensions member_ids may be null, and
    // null + 1 is undefined even when 1 is subtracted again (UBSan's pointer-overflow check).
    return series_table.find_or_insert(
        h,
        [&](std::uint32_t id) {
          const std::uint32_t* k = series_keys.data() + std::size_t{id} * stride;
          return k[0] == indicator && std::equal(member_ids, member_ids + (stride - 1), k + 1);
        },
        [&] {
          const auto id = static_cast<std::uint32_t>(series_keys.size() / stride);
          series_keys.push_back(indicator);
          series_keys.insert(series_keys.end(), member_ids, member_ids + (stride - 1));
          return id;
        });
  }
};

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
  void append(std::span<const std::string> dimension_names, std::span<const measurement> rows);
  void append(std::initializer_list<std::string> dimension_names, std::span<const measurement> rows) {
    const std::vector<std::string> names(dimension_names);
    append(std::span<const std::string>(names), rows);
  }

  /// Moves staged batches (all with the same dimensions) into the store, in order. Cannot fail on
  /// input grounds: the batches were validated when staged.
  void commit(std::span<detail::staged_batch> parts);

 private:
  std::uint32_t add_series(const std::uint32_t* key);  // indicator id then one member per dimension
  void add_dimension(const std::string& name);

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
};

// ---- implementation --------------------------------------------------------------------------

inline std::uint32_t measurement_store::add_series(const std::uint32_t* key) {
  const std::size_t nd = dimensions_.size();
  const std::uint64_t h = detail::hash_bytes(reinterpret_cast<const char*>(key), (nd + 1) * sizeof(std::uint32_t));
  return series_table_.find_or_insert(
      h,
      [&](std::uint32_t s) {
        return series_indicator_[s] == key[0] &&
               std::equal(key + 1, key + 1 + nd, series_members_.begin() + static_cast<std::ptrdiff_t>(s * nd));
      },
      [&] {
        series_indicator_.push_back(key[0]);
        series_members_.insert(series_members_.end(), key + 1, key + 1 + nd);
        return static_cast<std::uint32_t>(series_indicator_.size() - 1);
      });
}

inline void measurement_store::add_dimension(const std::string& name) {
  // Existing series get the empty member in the new dimension; the series keys change shape, so
  // the lookup table is rebuilt (rare: only when a batch brings a new column).
  const std::uint32_t blank = members_.intern("");
  const std::size_t nd = dimensions_.size();
  std::vector<std::uint32_t> widened;
  widened.reserve(series_indicator_.size() * (nd + 1));
  for (std::size_t s = 0; s < series_indicator_.size(); ++s) {
    widened.insert(widened.end(), series_members_.begin() + static_cast<std::ptrdiff_t>(s * nd),
                   series_members_.begin() + static_cast<std::ptrdiff_t>((s + 1) * nd));
    widened.push_back(blank);
  }
  dimensions_.push_back(name);
  series_members_.swap(widened);
  std::vector<std::uint32_t> indicators;
  indicators.swap(series_indicator_);
  std::vector<std::uint32_t> members;
  members.swap(series_members_);
  series_table_.clear();
  std::vector<std::uint32_t> key(nd + 2);
  for (std::size_t s = 0; s < indicators.size(); ++s) {
    key[0] = indicators[s];
    std::copy_n(members.begin() + static_cast<std::ptrdiff_t>(s * (nd + 1)), nd + 1, key.begin() + 1);
    add_series(key.data());
  }
}

inline void measurement_store::commit(std::span<detail::staged_batch> parts) {
  if (parts.empty()) return;
  for (const auto& name : parts[0].dimensions)
    if (!find_dimension(name)) add_dimension(name);
  const std::size_t nd = dimensions_.size();
  std::vector<std::size_t> where(parts[0].dimensions.size());  // batch dimension -> store dimension
  for (std::size_t k = 0; k < where.size(); ++k) where[k] = *find_dimension(parts[0].dimensions[k]);
  const bool was_empty = empty();
  const std::size_t old_size = size();
  std::size_t added = 0;
  bool status = false, source = false, recorded = false, revision = false, note = false;
  for (const auto& p : parts) {
    added += p.size();
    status |= p.has_status;
    source |= p.has_source;
    recorded |= p.has_recorded_at;
    revision |= p.has_revision;
    note |= p.has_note;
  }
  // Provenance columns appear when first needed, filled with "unknown" for earlier rows.
  const std::uint32_t blank_text = (source || note || has_source_ || has_note_) ? texts_.intern("") : 0;
  if (status && !has_status_) status_.append(old_size, measurement_status::unspecified), has_status_ = true;
  if (source && !has_source_) source_.append(old_size, blank_text), has_source_ = true;
  if (recorded && !has_recorded_at_) recorded_at_.append(old_size, detail::no_day), has_recorded_at_ = true;
  if (revision && !has_revision_) revision_.append(old_size, 0u), has_revision_ = true;
  if (note && !has_note_) note_.append(old_size, blank_text), has_note_ = true;

  const std::uint32_t blank_member = nd > where.size() ? members_.intern("") : 0;
  std::size_t old_total = old_size;  // the store row of each batch's first row
  for (auto& p : parts) {
    const std::size_t n = p.size();
    std::vector<std::uint32_t> ind(p.indicators.size()), mem(p.members.size()), txt(p.texts.size());
    for (std::uint32_t i = 0; i < ind.size(); ++i) ind[i] = indicators_.intern(p.indicators[i]);
    for (std::uint32_t i = 0; i < mem.size(); ++i) mem[i] = members_.intern(p.members[i]);
    for (std::uint32_t i = 0; i < txt.size(); ++i) txt[i] = texts_.intern(p.texts[i]);
    const std::size_t stride = p.dimensions.size() + 1;
    const std::size_t nseries = p.series_keys.size() / stride;
    std::vector<std::uint32_t> smap(nseries);
    std::vector<std::uint32_t> key(nd + 1, blank_member);
    bool identity = true;
    for (std::size_t s = 0; s < nseries; ++s) {
      const std::uint32_t* k = p.series_keys.data() + s * stride;
      key[0] = ind[k[0]];
      for (std::size_t d = 0; d + 1 < stride; ++d) key[1 + where[d]] = mem[k[1 + d]];
      smap[s] = add_series(key.data());
      identity = identity && smap[s] == s;
    }
    if (n == 0) continue;
    if (identity && day_.empty()) {
      series_.swap(p.series);
      day_.swap(p.day);
      value_.swap(p.value);
    } else {
      const std::size_t base = series_.size();
      series_.resize_uninitialized(base + n);
      for (std::size_t i = 0; i < n; ++i) series_[base + i] = smap[p.series[i]];
      detail::column<std::uint32_t>().swap(p.series);  // release each staged column once copied: lower peak
      day_.append(p.day.data(), n);
      detail::column<std::int32_t>().swap(p.day);
      value_.append(p.value.data(), n);
      detail::column<double>().swap(p.value);
    }
    auto copy_text = [&](bool has, detail::column<std::uint32_t>& dst, const detail::column<std::uint32_t>& src) {
      if (!has) return dst.append(n, blank_text);
      const std::size_t base = dst.size();
      dst.resize_uninitialized(base + n);
      for (std::size_t i = 0; i < n; ++i) dst[base + i] = txt[src[i]];
    };
    if (has_status_)
      p.has_status ? status_.append(p.status.data(), n) : status_.append(n, measurement_status::unspecified);
    if (has_source_) copy_text(p.has_source, source_, p.source);
    if (has_recorded_at_)
      p.has_recorded_at ? recorded_at_.append(p.recorded_at.data(), n) : recorded_at_.append(n, detail::no_day);
    if (has_revision_) p.has_revision ? revision_.append(p.revision.data(), n) : revision_.append(n, 0u);
    if (has_note_) copy_text(p.has_note, note_, p.note);
    for (std::size_t k = 0; k < p.text_rows.size(); ++k) {
      text_rows_.push_back(old_total + p.text_rows[k]);
      text_ids_.push_back(txt[p.text_ids[k]]);
    }
    old_total += n;
  }
  if (added != 0) {
    auto [lo, hi] = std::minmax_element(day_.begin() + old_size, day_.end());
    min_day_ = was_empty ? *lo : std::min(min_day_, *lo);
    max_day_ = was_empty ? *hi : std::max(max_day_, *hi);
  }
}

inline void measurement_store::append(std::span<const std::string> dimension_names, std::span<const measurement> rows) {
  std::vector<diagnostic> problems;
  for (std::size_t a = 0; a < dimension_names.size(); ++a) {
    if (dimension_names[a].empty()) problems.push_back({"dimension " + std::to_string(a + 1), "the name is empty"});
    for (std::size_t b = 0; b < a; ++b)
      if (dimension_names[a] == dimension_names[b])
        problems.push_back({"dimension " + std::to_string(a + 1), quote(dimension_names[a]) + " is named twice"});
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const std::string where = "measurement " + std::to_string(i + 1);
    if (r.indicator.empty()) problems.push_back({where, "the indicator is empty"});
    if (r.coordinates.size() != dimension_names.size())
      problems.push_back({where, "has " + std::to_string(r.coordinates.size()) + " coordinates for " +
                                     std::to_string(dimension_names.size()) + " dimensions"});
    if (!(r.value - r.value == 0)) problems.push_back({where, "the value is not a finite number"});
  }
  if (!problems.empty()) throw error(errc::validation_error, std::move(problems));
  detail::staged_batch b;
  b.dimensions.assign(dimension_names.begin(), dimension_names.end());
  for (const auto& r : rows) {
    b.has_status |= r.status != measurement_status::unspecified;
    b.has_source |= !r.source.empty();
    b.has_recorded_at |= r.recorded_at.has_value();
    b.has_revision |= r.revision != 0;
    b.has_note |= !r.note.empty();
  }
  std::vector<std::uint32_t> members(dimension_names.size());
  for (const auto& r : rows) {
    for (std::size_t d = 0; d < members.size(); ++d) members[d] = b.members.intern(r.coordinates[d]);
    b.series.push_back(b.series_of(b.indicators.intern(r.indicator), members.data()));
    b.day.push_back(r.when.day_number());
    b.value.push_back(r.value);
    if (b.has_status) b.status.push_back(r.status);
    if (b.has_source) b.source.push_back(b.texts.intern(r.source));
    if (b.has_recorded_at) b.recorded_at.push_back(r.recorded_at ? r.recorded_at->day_number() : detail::no_day);
    if (b.has_revision) b.revision.push_back(r.revision);
    if (b.has_note) b.note.push_back(b.texts.intern(r.note));
    if (!r.text.empty()) {
      b.text_rows.push_back(static_cast<std::uint32_t>(b.day.size() - 1));
      b.text_ids.push_back(b.texts.intern(r.text));
    }
  }
  commit(std::span<detail::staged_batch>(&b, 1));
}

}  // namespace regiokpi
