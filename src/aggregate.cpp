// regiokpi: the aggregation engine (see include/regiokpi/aggregate.hpp and docs/aggregation.md).
//
// Everything is integer work on the store's columns. A query first maps each series (indicator x
// coordinates) to its output group, and each day of the store's range to its period (a table), so
// the pass over the rows is: look up group and period, update one cell. When the time and space
// rules compose into one (sum then sum, count then sum, min then min, max then max) rows go straight
// into (group, period) cells; otherwise into (series, period) cells that are then folded into groups.
// Cells are a dense array when it is small enough, else a hash table, so memory stays linear in the
// rows whatever the period type.
#include "regiokpi/aggregate.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "regiokpi/csv.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/programme.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace {

/// A dimension's members by id, built once per query: dimension::find_member is a linear scan, and
/// calling it per store member (or per member and period) was quadratic in the members.
class member_index {
 public:
  /// Null: an empty index.
  explicit member_index(const dimension* d) {
    if (d == nullptr) return;
    by_id_.reserve(d->members.size());
    for (const auto& m : d->members) by_id_.emplace(m.id, &m);
  }
  [[nodiscard]] const member* find(std::string_view id) const {
    const auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
  }
  /// The member itself or its nearest ancestor at `level`, walking parents through the index
  /// (bounded by the member count, so a cycle cannot loop forever).
  [[nodiscard]] const member* ancestor_at_level(const member& m, std::string_view level) const {
    const member* cur = &m;
    for (std::size_t steps = 0; cur && steps <= by_id_.size(); ++steps) {
      if (cur->level == level) return cur;
      cur = cur->parent.empty() ? nullptr : find(cur->parent);
    }
    return nullptr;
  }

 private:
  std::unordered_map<std::string_view, const member*> by_id_;
};

constexpr std::uint32_t none = 0xFFFFFFFFu;
constexpr std::int32_t empty_day = std::numeric_limits<std::int32_t>::min();

/// Neumaier's compensated sum: exact enough that totals match other tools whatever the order.
struct compensated {
  double sum = 0;
  double carry = 0;
  void add(double v) noexcept {
    const double t = sum + v;
    carry += std::fabs(sum) >= std::fabs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  [[nodiscard]] double value() const noexcept { return sum + carry; }
};

/// Maps (key, period offset) to a cell number: dense (key * periods + offset) or, when that would
/// be too large, an open-addressing hash table that numbers cells as they appear.
class cell_index {
 public:
  cell_index(std::size_t keys, std::size_t periods, std::size_t rows)
      : periods_(periods), dense_(is_dense(keys, periods, rows)) {
    if (dense_) {
      size_ = keys * periods;
    } else {
      slots_.assign(1024, slot{});
    }
  }
  /// Whether cells for (keys x periods) over `rows` rows are a dense array.
  [[nodiscard]] static bool is_dense(std::size_t keys, std::size_t periods, std::size_t rows) noexcept {
    return keys * periods <= std::max<std::size_t>(rows * 4, std::size_t{1} << 20);
  }
  /// Which of `parts` hash tables holds (key, offset): the hash's high bits, so that each table's
  /// slots (the low bits) stay evenly used.
  [[nodiscard]] static unsigned shard(std::uint32_t key, std::uint32_t offset, unsigned parts) noexcept {
    return static_cast<unsigned>((mix((std::uint64_t{key} << 32) | offset) >> 40) % parts);
  }
  [[nodiscard]] bool dense() const noexcept { return dense_; }
  /// Number of cells (dense: all; sparse: those seen so far).
  [[nodiscard]] std::size_t size() const noexcept { return dense_ ? size_ : keys_.size(); }
  /// The cell of (key, offset), creating it if needed; `fresh` tells whether it is new (sparse only).
  std::size_t at(std::uint32_t key, std::uint32_t offset) {
    if (dense_) return std::size_t{key} * periods_ + offset;
    const std::uint64_t k = (std::uint64_t{key} << 32) | offset;
    if ((keys_.size() + 1) * 4 > slots_.size() * 3) rehash();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = mix(k) & mask;; i = (i + 1) & mask) {
      if (slots_[i].cell == none) {
        slots_[i] = {k, static_cast<std::uint32_t>(keys_.size())};
        keys_.push_back(k);
        return keys_.size() - 1;
      }
      if (slots_[i].key == k) return slots_[i].cell;
    }
  }
  /// The (key, offset) of a cell.
  [[nodiscard]] std::pair<std::uint32_t, std::uint32_t> key_of(std::size_t cell) const noexcept {
    if (dense_) return {static_cast<std::uint32_t>(cell / periods_), static_cast<std::uint32_t>(cell % periods_)};
    return {static_cast<std::uint32_t>(keys_[cell] >> 32), static_cast<std::uint32_t>(keys_[cell])};
  }

 private:
  struct slot {
    std::uint64_t key = 0;
    std::uint32_t cell = none;
  };
  static std::size_t mix(std::uint64_t x) noexcept {
    x ^= x >> 31;
    x *= 0x9E3779B97F4A7C15ULL;
    x ^= x >> 29;
    return static_cast<std::size_t>(x);
  }
  void rehash() {
    std::vector<slot> bigger(slots_.size() * 2);
    const std::size_t mask = bigger.size() - 1;
    for (std::size_t c = 0; c < keys_.size(); ++c) {
      std::size_t i = mix(keys_[c]) & mask;
      while (bigger[i].cell != none) i = (i + 1) & mask;
      bigger[i] = {keys_[c], static_cast<std::uint32_t>(c)};
    }
    slots_.swap(bigger);
  }

  std::size_t periods_;
  bool dense_;
  std::size_t size_ = 0;
  std::vector<slot> slots_;
  std::vector<std::uint64_t> keys_;
};

/// One cell's state, 16 bytes so that an update touches one cache line: the value (sum, min, max,
/// first or last), the rows seen, and for first/last the date of the kept value.
struct cell {
  double v;
  std::uint32_t n;
  std::int32_t day;
};

/// carry is time_rule::last: like last, but rows before the query's range count too (they all fall
/// into its first period), and each series' value is then carried through later periods.
enum class op : std::uint8_t { sum, count, min, max, first, last, avg, carry };

op op_of(time_rule r) {
  switch (r) {
    case time_rule::sum:
      return op::sum;
    case time_rule::avg:
      return op::avg;
    case time_rule::min:
      return op::min;
    case time_rule::max:
      return op::max;
    case time_rule::count:
      return op::count;
    case time_rule::first:
      return op::first;
    case time_rule::last:
      return op::carry;
    case time_rule::last_in_period:
      return op::last;
  }
  return op::sum;
}

cell init_of(op o) {
  if (o == op::min) return {std::numeric_limits<double>::infinity(), 0, empty_day};
  if (o == op::max) return {-std::numeric_limits<double>::infinity(), 0, empty_day};
  return {0, 0, empty_day};
}

/// Adds one value (with its date; rows arrive in input order) to a cell.
template <op O>
inline void accumulate(cell& c, double v, std::int32_t d) {
  if constexpr (O == op::sum || O == op::avg) {
    c.v += v;
  } else if constexpr (O == op::min) {
    c.v = std::min(c.v, v);
  } else if constexpr (O == op::max) {
    c.v = std::max(c.v, v);
  } else if constexpr (O == op::first) {
    // A later row replaces the kept one only with a strictly earlier date.
    if (c.n == 0 || d < c.day) c.v = v, c.day = d;
  } else if constexpr (O == op::last || O == op::carry) {
    // A later row with an equal or later date wins.
    if (c.n == 0 || d >= c.day) c.v = v, c.day = d;
  }
  ++c.n;
}

/// Folds the cell of later rows (b) into the cell of earlier rows (a), as if b's rows had been
/// accumulated into a after a's: for first an equal date keeps a's value, for last and carry b's.
template <op O>
inline void merge(cell& a, const cell& b) {
  if (b.n == 0) return;
  if constexpr (O == op::sum || O == op::avg) {
    a.v += b.v;
  } else if constexpr (O == op::min) {
    a.v = std::min(a.v, b.v);
  } else if constexpr (O == op::max) {
    a.v = std::max(a.v, b.v);
  } else if constexpr (O == op::first) {
    if (a.n == 0 || b.day < a.day) a.v = b.v, a.day = b.day;
  } else if constexpr (O == op::last || O == op::carry) {
    if (a.n == 0 || b.day >= a.day) a.v = b.v, a.day = b.day;
  }
  a.n += b.n;
}

/// Calls f.template operator()<O>() for the op o.
template <class F>
decltype(auto) with_op(op o, F&& f) {
  switch (o) {
    case op::sum:
      return f.template operator()<op::sum>();
    case op::avg:
      return f.template operator()<op::avg>();
    case op::count:
      return f.template operator()<op::count>();
    case op::min:
      return f.template operator()<op::min>();
    case op::max:
      return f.template operator()<op::max>();
    case op::first:
      return f.template operator()<op::first>();
    case op::last:
      return f.template operator()<op::last>();
    case op::carry:
      break;
  }
  return f.template operator()<op::carry>();
}

/// Runs work(k) for k in [0, count), work(0) on the calling thread; rethrows a failure once all are done.
template <class F>
void on_threads(unsigned count, F&& work) {
  std::vector<std::thread> pool;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto guarded = [&](unsigned k) {
    try {
      work(k);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(failure_mutex);
      failure = std::current_exception();
    }
  };
  for (unsigned k = 1; k < count; ++k) pool.emplace_back(guarded, k);
  guarded(0);
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

/// Cell buffers the calling thread keeps between queries (up to 256 MiB, the most recently given
/// first): writing a query's initial cells into pages used before costs a fraction of having the
/// kernel zero fresh ones.
class scratch {
 public:
  static scratch& mine() {
    thread_local scratch s;
    return s;
  }
  /// A cleared column: the smallest kept one with room for `want` elements, else the largest.
  template <class T>
  detail::column<T> take(std::size_t want) {
    auto& kept = shelf<T>();
    detail::column<T> out;
    std::size_t pick = kept.size();
    for (std::size_t i = 0; i < kept.size(); ++i) {
      if (pick == kept.size()) {
        pick = i;
        continue;
      }
      const std::size_t have = kept[i].c.capacity(), best = kept[pick].c.capacity();
      if (have >= want ? best < want || have < best : best < want && have > best) pick = i;
    }
    if (pick < kept.size()) {
      out.swap(kept[pick].c);
      kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(pick));
      bytes_ -= out.capacity() * sizeof(T);
    }
    out.clear();
    return out;
  }
  /// Keeps a column for later queries, making room by freeing the longest kept ones; frees it
  /// instead when it alone is over the budget.
  template <class T>
  void give(detail::column<T>& c) noexcept {
    const std::size_t b = c.capacity() * sizeof(T);
    if (b == 0 || b > budget) return;
    auto& kept = shelf<T>();
    while (bytes_ + b > budget || kept.size() >= per_shelf)
      if (!drop_oldest(kept.size() >= per_shelf ? &kept : nullptr)) return;
    try {
      kept.emplace_back();
    } catch (...) {
      return;
    }
    kept.back().c.swap(c);
    kept.back().stamp = ++clock_;
    bytes_ += b;
  }

 private:
  static constexpr std::size_t budget = std::size_t{256} << 20;
  static constexpr std::size_t per_shelf = 8;
  template <class T>
  struct entry {
    detail::column<T> c;
    std::uint64_t stamp = 0;
  };
  template <class T>
  std::vector<entry<T>>& shelf() noexcept;
  /// Frees the oldest kept column (of `only` when given); false when there is none.
  template <class T>
  bool drop_oldest(std::vector<entry<T>>* only) noexcept {
    std::uint64_t oldest = std::numeric_limits<std::uint64_t>::max();
    int which = -1;
    std::size_t at = 0;
    auto scan = [&](auto& kept, int id) {
      for (std::size_t i = 0; i < kept.size(); ++i)
        if (kept[i].stamp < oldest) oldest = kept[i].stamp, which = id, at = i;
    };
    if (only != nullptr) {
      scan(*only, 0);
      if (which < 0) return false;
      drop(*only, at);
      return true;
    }
    scan(cells_, 0);
    scan(values_, 1);
    scan(flags_, 2);
    if (which == 0) drop(cells_, at);
    if (which == 1) drop(values_, at);
    if (which == 2) drop(flags_, at);
    return which >= 0;
  }
  template <class T>
  void drop(std::vector<entry<T>>& kept, std::size_t at) noexcept {
    bytes_ -= kept[at].c.capacity() * sizeof(T);
    kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(at));
  }
  std::vector<entry<cell>> cells_;
  std::vector<entry<double>> values_;
  std::vector<entry<std::uint8_t>> flags_;
  std::size_t bytes_ = 0;
  std::uint64_t clock_ = 0;
};
template <>
std::vector<scratch::entry<cell>>& scratch::shelf<cell>() noexcept {
  return cells_;
}
template <>
std::vector<scratch::entry<double>>& scratch::shelf<double>() noexcept {
  return values_;
}
template <>
std::vector<scratch::entry<std::uint8_t>>& scratch::shelf<std::uint8_t>() noexcept {
  return flags_;
}

double result_of(op o, const cell& c) {
  if (o == op::avg) return c.v / c.n;
  if (o == op::count) return c.n;
  return c.v;
}

/// A group's state in the space step: compensated sums (the space rule may add thousands of
/// members), the members seen, and weights or threshold hits.
struct group_cell {
  compensated sum;
  double extreme;
  double aux;
  std::uint32_t n;
};

/// Cells of one pass over a range of rows: a dense array, or a hash-indexed set (one of several
/// that share out the keys). Its buffers go back to the thread's scratch when it is destroyed.
struct partition {
  std::unique_ptr<cell_index> idx;
  detail::column<cell> cells;
  // Compact form for dense sum/min/max straight into groups: 9 bytes a cell instead of 16, which is
  // what keeps a by-day query over millions of (group, day) cells small.
  detail::column<double> values;
  detail::column<std::uint8_t> present;

  partition() = default;
  partition(partition&&) noexcept = default;
  partition& operator=(partition&&) noexcept = default;
  partition(const partition&) = delete;
  partition& operator=(const partition&) = delete;
  ~partition() {
    scratch& s = scratch::mine();
    s.give(cells);
    s.give(values);
    s.give(present);
  }
};

std::string dimension_list(const measurement_store& st) {
  std::string out;
  for (const auto& d : st.dimensions()) out += (out.empty() ? "" : ", ") + d;
  return out.empty() ? "none" : out;
}

/// How one group-by column takes its value from a series: a store dimension's member, optionally
/// mapped to its ancestor at a hierarchy level.
struct group_column {
  std::size_t dimension;
  std::vector<std::uint32_t> mapped;  // store member id -> value id in the query's value pool (empty: as is)
};

/// Totals in pre-aggregated data (docs/aggregation.md, "Totals"): a series whose member is "" in a
/// dimension the query combines is the total over that dimension. Nodes are the places where a
/// total and its breakdown meet: (group, level j, the series' members in the combined dimensions
/// before the j-th). Per series and level: the node it is the total of, or the node whose total
/// replaces it (none where there is no such total at all).
struct totals_plan {
  std::size_t levels = 0;                  // combined dimensions
  std::vector<std::uint32_t> total_of;     // [series * levels + j]: node, when the series is "" there
  std::vector<std::uint32_t> replaced_by;  // [series * levels + j]: node, when a total exists for it
  std::size_t nodes = 0;
  [[nodiscard]] bool active() const noexcept { return !replaced_by.empty(); }
};

totals_plan plan_totals(const measurement_store& st, const std::vector<std::uint32_t>& group_of,
                        const std::vector<bool>& grouped) {
  totals_plan tp;
  const auto blank = st.find_member("");
  std::vector<std::size_t> combined;
  for (std::size_t d = 0; d < grouped.size(); ++d)
    if (!grouped[d]) combined.push_back(d);
  if (!blank || combined.empty()) return tp;
  const std::size_t L = combined.size(), ns = st.series_count();
  std::vector<std::uint32_t> total_of(ns * L, none), parent(ns * L, none);
  detail::id_table table;
  std::vector<std::uint32_t> keys;  // per node: group, level, then L members (unused ones 0)
  const std::size_t stride = L + 2;
  std::vector<std::uint32_t> key(stride);
  auto node = [&](std::uint32_t s, std::size_t j, bool insert) -> std::uint32_t {
    std::fill(key.begin(), key.end(), 0u);
    key[0] = group_of[s];
    key[1] = static_cast<std::uint32_t>(j);
    for (std::size_t k = 0; k < j; ++k) key[2 + k] = st.series_member(s, combined[k]);
    const std::uint64_t h =
        detail::hash_bytes(reinterpret_cast<const char*>(key.data()), stride * sizeof(std::uint32_t));
    auto same = [&](std::uint32_t id) {
      return std::equal(key.begin(), key.end(), keys.begin() + std::ptrdiff_t(id * stride));
    };
    if (!insert) return table.find(h, same);
    return table.find_or_insert(h, same, [&] {
      keys.insert(keys.end(), key.begin(), key.end());
      return static_cast<std::uint32_t>(keys.size() / stride - 1);
    });
  };
  for (std::uint32_t s = 0; s < ns; ++s) {
    if (group_of[s] == none) continue;
    for (std::size_t j = 0; j < L; ++j)
      if (st.series_member(s, combined[j]) == *blank) total_of[s * L + j] = node(s, j, true);
  }
  if (keys.empty()) return tp;  // no totals at all: nothing to look up
  bool any = false;
  for (std::uint32_t s = 0; s < ns; ++s) {
    if (group_of[s] == none) continue;
    for (std::size_t j = 0; j < L; ++j)
      if (st.series_member(s, combined[j]) != *blank) {
        parent[s * L + j] = node(s, j, false);
        any = any || parent[s * L + j] != none;
      }
  }
  if (!any) return tp;
  tp.levels = L;
  tp.total_of = std::move(total_of);
  tp.replaced_by = std::move(parent);
  tp.nodes = keys.size() / stride;
  return tp;
}

/// time_rule::last after the pass: each series' value carried from its first period with a value
/// (the range's first period when it was reported before the range) through the period of its
/// indicator's latest row inside the range, and handed to fold(series, period offset, value) in
/// (series, period) order. One step per series and period carried: linear in the output of the
/// time step, with no rescan of the rows. The cells' keys are series_of_key's positions.
template <class Fold>
void carry_forward(const std::vector<partition>& per_series, const std::vector<std::uint32_t>& series_of_key,
                   const measurement_store& st, std::int32_t lo, const totals_plan& tp, Fold&& fold) {
  struct kept {
    std::uint32_t series, offset;
    double value;
  };
  std::vector<kept> cells;
  // The period offset of each indicator's latest row inside the range (a cell whose kept date lies
  // before the range holds only values carried in); -1: none, the indicator gets no rows.
  std::vector<std::int64_t> end(st.indicator_count(), -1);
  bool sorted = per_series.size() == 1 && per_series[0].idx->dense();
  for (const partition& part : per_series)
    for (std::size_t c = 0; c < part.idx->size(); ++c) {
      const cell& sc = part.cells[c];
      if (sc.n == 0) continue;
      const auto [k, off] = part.idx->key_of(c);
      const std::uint32_t s = series_of_key[k];
      cells.push_back({s, off, sc.v});
      if (sc.day >= lo) {
        std::int64_t& e = end[st.series_indicator(s)];
        e = std::max<std::int64_t>(e, off);
      }
    }
  if (!sorted)
    std::sort(cells.begin(), cells.end(), [](const kept& a, const kept& b) {
      return a.series != b.series ? a.series < b.series : a.offset < b.offset;
    });
  // Totals: from the first period in which a total has a value (its first report, or carried in),
  // it replaces its breakdown series.
  std::vector<std::int64_t> total_from;
  if (tp.active()) {
    total_from.assign(tp.nodes, std::numeric_limits<std::int64_t>::max());
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0 && cells[i - 1].series == cells[i].series) continue;  // the series' first period only
      for (std::size_t j = 0; j < tp.levels; ++j)
        if (const std::uint32_t nd = tp.total_of[cells[i].series * tp.levels + j]; nd != none)
          total_from[nd] = std::min<std::int64_t>(total_from[nd], cells[i].offset);
    }
  }
  for (std::size_t i = 0; i < cells.size();) {
    const std::uint32_t s = cells[i].series;
    std::int64_t last = end[st.series_indicator(s)];
    if (tp.active())
      for (std::size_t j = 0; j < tp.levels; ++j)
        if (const std::uint32_t nd = tp.replaced_by[s * tp.levels + j]; nd != none)
          last = std::min(last, total_from[nd] - 1);
    double v = cells[i].value;
    for (std::int64_t off = cells[i].offset; off <= last; ++off) {
      if (i < cells.size() && cells[i].series == s && cells[i].offset == off) v = cells[i++].value;
      fold(s, static_cast<std::uint32_t>(off), v);
    }
    while (i < cells.size() && cells[i].series == s) ++i;  // (none: the end is the latest offset)
  }
}

}  // namespace

namespace {

/// The engine: time rule, then a space rule that combines series (coverage and formulas, which
/// combine members, are layered on it below).
aggregate_result aggregate_series(const measurement_store& st, const query& q, const programme* prog) {
  aggregate_result out;
  out.group_by = q.group_by;
  out.period = q.period;
  out.fy_first_month = q.fy_first_month;

  // ---- group-by columns -----------------------------------------------------------------------
  detail::string_pool values;  // the group-by values, as text
  for (std::uint32_t m = 0; m < st.member_count(); ++m) values.intern(st.member_name(m));  // ids equal member ids
  std::vector<group_column> columns;
  std::vector<bool> grouped(st.dimensions().size(), false);
  for (std::size_t k = 0; k < q.group_by.size(); ++k) {
    const std::string& name = q.group_by[k];
    for (std::size_t j = 0; j < k; ++j)
      if (q.group_by[j] == name)
        throw error(errc::invalid_argument, "group-by column " + quote(name) + " is given twice");
    if (auto d = st.find_dimension(name)) {
      columns.push_back({*d, {}});
      grouped[*d] = true;
      continue;
    }
    // A hierarchy level: find the programme dimension (present in the store) that has it.
    bool found = false;
    if (prog != nullptr) {
      for (const auto& dim : prog->dimensions) {
        if (std::find(dim.levels.begin(), dim.levels.end(), name) == dim.levels.end()) continue;
        const auto d = st.find_dimension(dim.id);
        if (!d) continue;
        group_column c{*d, std::vector<std::uint32_t>(st.member_count())};
        std::vector<diagnostic> problems;
        const member_index index(&dim);
        for (std::uint32_t m = 0; m < st.member_count(); ++m) {
          const std::string_view id = st.member_name(m);
          const member* mem = id.empty() ? nullptr : index.find(id);
          const member* up = mem ? index.ancestor_at_level(*mem, name) : nullptr;
          c.mapped[m] = values.intern(up ? std::string_view(up->id) : std::string_view());
        }
        columns.push_back(std::move(c));
        found = true;  // the dimension's own members are still combined (within each ancestor)
        break;
      }
    }
    if (!found)
      throw error(errc::invalid_argument,
                  quote(name) + " is not a dimension of the measurements (they have: " + dimension_list(st) + ")");
  }

  // ---- which series count, and their groups -------------------------------------------------------
  std::vector<bool> wanted(st.indicator_count(), q.indicators.empty());
  for (const auto& id : q.indicators)
    if (auto i = st.find_indicator(id)) wanted[*i] = true;
  const std::size_t ns = st.series_count();
  std::vector<std::uint32_t> group_of(ns, none);
  std::vector<std::uint32_t> group_keys;  // per group: indicator id, then value ids
  const std::size_t stride = columns.size() + 1;
  detail::id_table group_table;
  std::vector<std::uint32_t> key(stride);
  for (std::uint32_t s = 0; s < ns; ++s) {
    key[0] = st.series_indicator(s);
    if (!wanted[key[0]]) continue;
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const std::uint32_t m = st.series_member(s, columns[k].dimension);
      key[k + 1] = columns[k].mapped.empty() ? m : columns[k].mapped[m];
    }
    const std::uint64_t h =
        detail::hash_bytes(reinterpret_cast<const char*>(key.data()), stride * sizeof(std::uint32_t));
    group_of[s] = group_table.find_or_insert(
        h,
        [&](std::uint32_t g) {
          return std::equal(key.begin(), key.end(), group_keys.data() + std::size_t{g} * stride);
        },
        [&] {
          group_keys.insert(group_keys.end(), key.begin(), key.end());
          return static_cast<std::uint32_t>(group_keys.size() / stride - 1);
        });
  }
  const std::size_t ngroups = group_keys.size() / stride;

  // ---- the day range and the period of each day ---------------------------------------------------
  std::int32_t lo = st.min_day(), hi = st.max_day();
  if (q.from) lo = std::max(lo, q.from->day_number());
  if (q.to) hi = std::min(hi, q.to->day_number());
  if (st.empty() || ngroups == 0 || hi < lo) return out;
  const auto span_days = static_cast<std::size_t>(static_cast<std::int64_t>(hi) - lo + 1);
  std::vector<std::int32_t> period_of_day;
  std::int32_t pmin = 0, pmax = 0;
  const bool table = span_days <= (std::size_t{1} << 22);
  if (table) {
    std::vector<std::int32_t> daynums(span_days);
    std::iota(daynums.begin(), daynums.end(), lo);
    period_of_day.resize(span_days);
    assign_periods(q.period, daynums, period_of_day, q.fy_first_month);
    pmin = period_of_day.front();
    pmax = period_of_day.back();
  } else {
    pmin = period::containing(q.period, date::from_day_number(lo), q.fy_first_month).index();
    pmax = period::containing(q.period, date::from_day_number(hi), q.fy_first_month).index();
  }
  const auto nper = static_cast<std::size_t>(static_cast<std::int64_t>(pmax) - pmin + 1);
  auto offset_of = [&](std::int32_t d) -> std::uint32_t {
    if (table) return static_cast<std::uint32_t>(period_of_day[static_cast<std::size_t>(d - lo)] - pmin);
    return static_cast<std::uint32_t>(period::containing(q.period, date::from_day_number(d), q.fy_first_month).index() -
                                      pmin);
  };

  // ---- which rows count: as recorded on a date, and only the highest revision ---------------------------
  const auto series = st.series_ids();
  const auto days_col = st.day_numbers();
  const auto vals = st.values();
  const std::size_t n = st.size();
  const op t = op_of(q.time);
  // Carry-forward takes each series' latest value on or before a period's end, so rows before the
  // range count (into its first period); only the range's end bounds it.
  const std::int32_t visible_lo = t == op::carry ? std::numeric_limits<std::int32_t>::min() : lo;
  const bool by_recording = q.as_recorded_on && st.has_recorded_at();
  const std::int32_t recorded_limit = q.as_recorded_on ? q.as_recorded_on->day_number() : 0;
  const auto recorded = st.recorded_days();
  auto visible = [&](std::size_t i) {
    const std::int32_t d = days_col[i];
    if (d < visible_lo || d > hi || group_of[series[i]] == none) return false;
    if (by_recording && recorded[i] != detail::no_day && recorded[i] > recorded_limit) return false;
    return true;
  };
  std::unordered_map<std::uint64_t, std::uint32_t> top_revision;  // (series, day) -> highest revision seen
  const auto revs = st.revisions();
  bool revisions = false;
  if (st.has_revision()) {
    for (std::size_t i = 0; i < n; ++i) {
      if (revs[i] == 0 || !visible(i)) continue;
      revisions = true;
      auto& r = top_revision[(std::uint64_t{series[i]} << 32) | static_cast<std::uint32_t>(days_col[i])];
      r = std::max(r, revs[i]);
    }
  }
  auto superseded = [&](std::size_t i) {
    const auto it = top_revision.find((std::uint64_t{series[i]} << 32) | static_cast<std::uint32_t>(days_col[i]));
    return it != top_revision.end() && revs[i] < it->second;
  };
  // Totals: rows of a breakdown are left out on the dates that have a total row for them (carried
  // values: from the first period with a total, in carry_forward).
  const totals_plan tp = plan_totals(st, group_of, grouped);
  std::vector<std::uint8_t> replaced;  // per row: 1 when a total row replaces it
  if (tp.active() && t != op::carry) {
    const std::size_t L = tp.levels;
    std::unordered_set<std::uint64_t> total_days;  // (node, day) with a total row
    auto counts = [&](std::size_t i) { return visible(i) && !(revisions && superseded(i)); };
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t* tn = tp.total_of.data() + std::size_t{series[i]} * L;
      if (std::all_of(tn, tn + L, [](std::uint32_t x) { return x == none; }) || !counts(i)) continue;
      for (std::size_t j = 0; j < L; ++j)
        if (tn[j] != none) total_days.insert((std::uint64_t{tn[j]} << 32) | static_cast<std::uint32_t>(days_col[i]));
    }
    replaced.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t* pn = tp.replaced_by.data() + std::size_t{series[i]} * L;
      for (std::size_t j = 0; j < L; ++j)
        if (pn[j] != none &&
            total_days.count((std::uint64_t{pn[j]} << 32) | static_cast<std::uint32_t>(days_col[i])) != 0) {
          replaced[i] = 1;
          break;
        }
    }
  }
  const bool by_totals = !replaced.empty();
  const bool filtered = by_recording || revisions || by_totals || visible_lo > st.min_day() || hi < st.max_day() ||
                        std::find(group_of.begin(), group_of.end(), none) != group_of.end();

  // Threads split the rows: thread k scans rows [n*k/nt, n*(k+1)/nt) into its own cells, which are
  // then merged in thread order (so that first/last keep their meaning), the merge split by cells.
  unsigned threads = q.threads;
  if (threads == 0) threads = n < (std::size_t{1} << 20) ? 1u : std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, n));

  // Rows [r0, r1) into the cells of `parts` hash tables (one: dense or a single table), each
  // (key, period) always in the same one.
  auto pass_range = [&]<op O>(partition* parts, unsigned nparts, const std::vector<std::uint32_t>& key_of_series,
                              std::size_t r0, std::size_t r1) {
    const cell init = init_of(O);
    cell_index& first_idx = *parts[0].idx;
    // Cell updates are random: prefetch the cell a few dozen rows ahead (and the key a bit further),
    // so the loop waits on memory bandwidth rather than on each miss in turn.
    constexpr std::size_t ahead = 32;
    const bool prefetch = first_idx.dense() && table && r1 - r0 > 2 * ahead;
    detail::column<cell>& dense_cells = parts[0].cells;
    for (std::size_t i = r0; i < r1; ++i) {
      if (prefetch && i + 2 * ahead < r1) {
        __builtin_prefetch(&key_of_series[series[i + 2 * ahead]]);
        const std::uint32_t k = key_of_series[series[i + ahead]];
        const std::int32_t d = days_col[i + ahead];
        if (k != none && d >= lo && d <= hi) __builtin_prefetch(&dense_cells[first_idx.at(k, offset_of(d))], 1);
      }
      const std::uint32_t owner = key_of_series[series[i]];
      if (owner == none) continue;
      if (filtered && (!visible(i) || (revisions && superseded(i)) || (by_totals && replaced[i] != 0))) continue;
      const std::int32_t d = days_col[i];
      std::uint32_t off;
      if constexpr (O == op::carry)
        off = d < lo ? 0 : offset_of(d);
      else
        off = offset_of(d);
      partition& part = nparts == 1 ? parts[0] : parts[cell_index::shard(owner, off, nparts)];
      const std::size_t c = part.idx->at(owner, off);
      if (!part.idx->dense() && c >= part.cells.size()) part.cells.resize(std::max(c + 1, part.cells.size() * 2), init);
      accumulate<O>(part.cells[c], vals[i], d);
    }
  };
  auto pass_compact = [&]<op O>(partition& part, const std::vector<std::uint32_t>& key_of_series, std::size_t r0,
                                std::size_t r1) {
    double* vs = part.values.data();
    std::uint8_t* pr = part.present.data();
    constexpr std::size_t ahead = 32;
    for (std::size_t i = r0; i < r1; ++i) {
      if (table && i + 2 * ahead < r1) {
        __builtin_prefetch(&key_of_series[series[i + 2 * ahead]]);
        const std::uint32_t k = key_of_series[series[i + ahead]];
        const std::int32_t d = days_col[i + ahead];
        if (k != none && d >= lo && d <= hi) __builtin_prefetch(&vs[part.idx->at(k, offset_of(d))], 1);
      }
      const std::uint32_t owner = key_of_series[series[i]];
      if (owner == none) continue;
      if (filtered && (!visible(i) || (revisions && superseded(i)) || (by_totals && replaced[i] != 0))) continue;
      const std::size_t c = part.idx->at(owner, offset_of(days_col[i]));
      if constexpr (O == op::sum) vs[c] += vals[i];
      if constexpr (O == op::min) vs[c] = std::min(vs[c], vals[i]);
      if constexpr (O == op::max) vs[c] = std::max(vs[c], vals[i]);
      pr[c] = 1;
    }
  };
  // The pass: one partition when the cells are dense, else some hash tables that share out the keys.
  auto run_pass = [&](op o, std::size_t nkeys, const std::vector<std::uint32_t>& key_of_series, bool compact) {
    const bool dense = cell_index::is_dense(nkeys, nper, n);
    compact = compact && dense;
    unsigned nt = threads;
    // Dense: every thread fills and the merge reads a whole array, (nt - 1) extra arrays in all;
    // that only pays while it is no more cells than rows.
    if (dense)
      while (nt > 1 && nkeys * nper * (nt - 1) > n) --nt;
    scratch& pool = scratch::mine();
    // Dense: parts[k] is thread k's array. Hashed: parts[k * nt + j] is thread k's table j.
    std::vector<partition> parts(dense ? nt : std::size_t{nt} * nt);
    for (auto& part : parts) {
      part.idx = std::make_unique<cell_index>(nkeys, nper, n);
      if (compact) {
        part.values = pool.take<double>(part.idx->size());
        part.present = pool.take<std::uint8_t>(part.idx->size());
      } else {
        part.cells = pool.take<cell>(dense ? part.idx->size() : 0);
      }
    }
    const cell init = init_of(o);
    on_threads(nt, [&](unsigned k) {
      partition& mine = parts[dense ? k : std::size_t{k} * nt];
      // Each thread writes its own cells' first values, so their pages sit near it.
      if (compact) {
        mine.values.resize(mine.idx->size(), init.v);
        mine.present.resize(mine.idx->size(), 0);
      } else if (dense) {
        mine.cells.resize(mine.idx->size(), init);
      }
      const std::size_t r0 = n * k / nt, r1 = n * (k + 1) / nt;
      if (compact) {
        if (o == op::sum) return pass_compact.template operator()<op::sum>(mine, key_of_series, r0, r1);
        if (o == op::min) return pass_compact.template operator()<op::min>(mine, key_of_series, r0, r1);
        return pass_compact.template operator()<op::max>(mine, key_of_series, r0, r1);
      }
      with_op(o, [&]<op O>() { pass_range.template operator()<O>(&mine, dense ? 1u : nt, key_of_series, r0, r1); });
    });
    std::vector<partition> merged;
    if (nt == 1) {
      merged.push_back(std::move(parts[0]));
      return merged;
    }
    if (dense) {
      // Cell range j: the later threads' cells folded into thread 0's, in thread order.
      const std::size_t ncells = parts[0].idx->size();
      on_threads(nt, [&](unsigned j) {
        const std::size_t c0 = ncells * j / nt, c1 = ncells * (j + 1) / nt;
        for (unsigned k = 1; k < nt; ++k) {
          if (compact) {
            double* to = parts[0].values.data();
            std::uint8_t* seen = parts[0].present.data();
            const double* from = parts[k].values.data();
            const std::uint8_t* had = parts[k].present.data();
            for (std::size_t c = c0; c < c1; ++c) {
              if (o == op::sum) to[c] += from[c];
              if (o == op::min) to[c] = std::min(to[c], from[c]);
              if (o == op::max) to[c] = std::max(to[c], from[c]);
              seen[c] |= had[c];
            }
            continue;
          }
          with_op(o, [&]<op O>() {
            cell* to = parts[0].cells.data();
            const cell* from = parts[k].cells.data();
            for (std::size_t c = c0; c < c1; ++c) merge<O>(to[c], from[c]);
          });
        }
      });
      merged.push_back(std::move(parts[0]));
      return merged;
    }
    // Hashed: table j of the later threads folded into thread 0's table j, in thread order.
    on_threads(nt, [&](unsigned j) {
      partition& to = parts[j];
      for (unsigned k = 1; k < nt; ++k) {
        const partition& from = parts[std::size_t{k} * nt + j];
        with_op(o, [&]<op O>() {
          for (std::size_t c = 0; c < from.idx->size(); ++c) {
            const auto [k_of, off] = from.idx->key_of(c);
            const std::size_t dst = to.idx->at(k_of, off);
            if (dst >= to.cells.size()) to.cells.resize(std::max(dst + 1, to.cells.size() * 2), init);
            merge<O>(to.cells[dst], from.cells[c]);
          }
        });
      }
    });
    for (unsigned j = 0; j < nt; ++j) merged.push_back(std::move(parts[j]));
    return merged;
  };

  // ---- the space rule's member weights (weighted_avg, coverage) ------------------------------------------
  std::size_t space_dim = none;
  const dimension* space_def = nullptr;
  if (q.space == space_rule::weighted_avg) {
    if (!q.space_dimension.empty()) {
      const auto d = st.find_dimension(q.space_dimension);
      if (!d) throw error(errc::invalid_argument, quote(q.space_dimension) + " is not a dimension of the measurements");
      space_dim = *d;
    } else {
      std::vector<std::size_t> free;
      for (std::size_t d = 0; d < grouped.size(); ++d)
        if (!grouped[d]) free.push_back(d);
      if (free.size() != 1)
        throw error(errc::invalid_argument, "the space rule " + std::string(to_string(q.space)) +
                                                " needs the dimension it combines: name it (space_dimension)");
      space_dim = free[0];
    }
    space_def = prog->find_dimension(st.dimensions()[space_dim]);
    if (q.weight_attribute.empty()) throw error(errc::invalid_argument, "weighted_avg needs a weight attribute");
    if (space_def == nullptr)
      throw error(errc::invalid_argument,
                  quote(st.dimensions()[space_dim]) + " is not a dimension of the programme: no member attributes");
  }

  // ---- compute ---------------------------------------------------------------------------------
  // When the rules compose, rows go straight into (group, period) cells.
  const bool direct = (q.space == space_rule::sum && (t == op::sum || t == op::count)) ||
                      (q.space == space_rule::min && t == op::min) || (q.space == space_rule::max && t == op::max);
  std::vector<partition> direct_parts;
  cell_index group_idx(ngroups, nper, n);
  std::vector<group_cell> groups;
  if (direct) {
    direct_parts = run_pass(t, ngroups, group_of, t != op::count);
  } else {
    // Cells for the series that count only: a query for some indicators of a large store would
    // otherwise fill, merge and fold cells for every series of the store. Keys number them in series
    // order, so cells in key order are in series order.
    std::vector<std::uint32_t> key_of_series(ns, none), series_of_key;
    for (std::uint32_t s = 0; s < ns; ++s)
      if (group_of[s] != none) {
        key_of_series[s] = static_cast<std::uint32_t>(series_of_key.size());
        series_of_key.push_back(s);
      }
    const std::size_t nkeys = series_of_key.size();
    const std::vector<partition> per_series = run_pass(t, nkeys, key_of_series, false);
    const space_rule sr = q.space;
    const group_cell blank{
        {},
        sr == space_rule::min ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity(),
        0,
        0};
    if (group_idx.dense()) groups.assign(group_idx.size(), blank);
    // Weights per (member, period), looked up once each.
    std::unordered_map<std::uint64_t, double> weight_cache;
    std::vector<diagnostic> problems;
    const member_index space_members(space_def);
    auto weight = [&](std::uint32_t s, std::uint32_t off) {
      const std::uint32_t m = st.series_member(s, space_dim);
      const std::uint64_t k = (std::uint64_t{m} << 32) | off;
      if (auto it = weight_cache.find(k); it != weight_cache.end()) return it->second;
      const period p = period::from_index(q.period, pmin + static_cast<std::int32_t>(off), q.fy_first_month);
      const member* mem = space_members.find(st.member_name(m));
      const auto w = mem ? mem->attribute(q.weight_attribute, p.last_day()) : std::nullopt;
      if (!w && problems.size() < 100)
        problems.push_back({st.dimensions()[space_dim] + " " + quote(st.member_name(m)),
                            mem ? "has no " + quote(q.weight_attribute) + " on or before " + format_date(p.last_day())
                                : "is not a member of the programme's dimension"});
      return weight_cache[k] = w.value_or(0);
    };
    auto fold = [&](std::uint32_t s, std::uint32_t off, double r) {
      const std::uint32_t g = group_of[s];
      const std::size_t o = group_idx.at(g, off);
      if (o >= groups.size()) groups.resize(std::max(o + 1, groups.size() * 2), blank);
      group_cell& gc = groups[o];
      ++gc.n;
      switch (sr) {
        case space_rule::sum:
        case space_rule::avg:
          gc.sum.add(r);
          break;
        case space_rule::min:
          gc.extreme = std::min(gc.extreme, r);
          break;
        case space_rule::max:
          gc.extreme = std::max(gc.extreme, r);
          break;
        case space_rule::count:
          break;
        case space_rule::weighted_avg: {
          const double w = weight(s, off);
          gc.sum.add(w * r);
          gc.aux += w;
          break;
        }
        case space_rule::coverage:  // (members, not series: coverage_of)
          break;
      }
    };
    // A dense fold into dense groups can be split by periods: no two threads touch a group's cell,
    // and each still adds its series in series order. (The weights' cache is not shared.)
    const bool fold_by_periods = t != op::carry && threads > 1 && nper > 1 && per_series.size() == 1 &&
                                 per_series[0].idx->dense() && group_idx.dense() && sr != space_rule::weighted_avg &&
                                 nkeys * nper >= (std::size_t{1} << 16);
    if (t == op::carry) {
      carry_forward(per_series, series_of_key, st, lo, tp, fold);
    } else if (fold_by_periods) {
      const unsigned nt = static_cast<unsigned>(std::min<std::size_t>(threads, nper));
      const cell* cs = per_series[0].cells.data();
      on_threads(nt, [&](unsigned j) {
        const auto p0 = static_cast<std::uint32_t>(nper * j / nt), p1 = static_cast<std::uint32_t>(nper * (j + 1) / nt);
        for (std::size_t k = 0; k < nkeys; ++k)
          for (std::uint32_t off = p0; off < p1; ++off) {
            const cell& sc = cs[k * nper + off];
            if (sc.n != 0) fold(series_of_key[k], off, result_of(t, sc));
          }
      });
    } else {
      for (const partition& part : per_series)
        for (std::size_t c = 0; c < part.idx->size(); ++c) {
          const cell& sc = part.cells[c];
          if (sc.n == 0) continue;
          const auto [k, off] = part.idx->key_of(c);
          fold(series_of_key[k], off, result_of(t, sc));
        }
    }
    if (!problems.empty()) throw error(errc::validation_error, std::move(problems));
  }

  // ---- output, sorted by indicator, group-by values (bytes), period --------------------------------
  std::vector<std::uint32_t> order(ngroups);
  std::iota(order.begin(), order.end(), 0u);
  auto text_of = [&](std::uint32_t g, std::size_t k) -> std::string_view {
    const std::uint32_t id = group_keys[g * stride + k];
    return k == 0 ? st.indicator_name(id) : values[id];
  };
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    for (std::size_t k = 0; k < stride; ++k) {
      const int c = text_of(a, k).compare(text_of(b, k));
      if (c != 0) return c < 0;
    }
    return false;
  });
  std::vector<std::uint32_t> rank(ngroups);
  for (std::uint32_t r = 0; r < ngroups; ++r) rank[order[r]] = r;
  for (std::uint32_t g : order) {
    std::vector<std::string> k;
    for (std::size_t j = 0; j < stride; ++j) k.emplace_back(text_of(g, j));
    out.add_group(std::move(k));
  }
  auto group_value = [&](const group_cell& gc) {
    switch (q.space) {
      case space_rule::sum:
        return gc.sum.value();
      case space_rule::avg:
        return gc.sum.value() / gc.n;
      case space_rule::min:
      case space_rule::max:
        return gc.extreme;
      case space_rule::count:
        return static_cast<double>(gc.n);
      case space_rule::weighted_avg:
        return gc.sum.value() / gc.aux;
      case space_rule::coverage:
        return gc.aux;
    }
    return 0.0;
  };
  // Rows go out in (group rank, period) order; cumulative sums run within each group.
  compensated running;
  std::uint32_t current = none;
  auto emit = [&](std::uint32_t r, std::uint32_t off, double v) {
    if (q.cumulative) {
      if (r != current) running = {}, current = r;
      running.add(v);
      v = running.value();
    }
    out.add_row(r, pmin + static_cast<std::int32_t>(off), v);
  };
  struct entry {
    std::uint32_t rank;
    std::uint32_t offset;
    double value;
  };
  std::vector<entry> entries;  // hashed cells only: gathered, then sorted
  auto gather = [&](const cell_index& idx, auto&& present, auto&& value_of) {
    if (idx.dense()) {
      // Dense cells sit in (group, period) order already: walk the groups by rank, straight out.
      // Many cells: the groups' rows counted, then written by several threads, each its groups.
      const unsigned nt = ngroups > 1 && std::size_t{ngroups} * nper >= (std::size_t{1} << 16)
                              ? static_cast<unsigned>(std::min<std::size_t>(threads, ngroups))
                              : 1u;
      std::vector<std::size_t> first_row(std::size_t{ngroups} + 1, 0);  // by rank
      on_threads(nt, [&](unsigned j) {
        for (std::size_t r = ngroups * std::size_t{j} / nt; r < ngroups * (std::size_t{j} + 1) / nt; ++r) {
          std::size_t count = 0;
          for (std::uint32_t off = 0; off < nper; ++off)
            if (present(std::size_t{order[r]} * nper + off)) ++count;
          first_row[r + 1] = count;
        }
      });
      std::partial_sum(first_row.begin(), first_row.end(), first_row.begin());
      const std::size_t total = first_row[ngroups];
      const auto slots = out.append_rows(total);
      on_threads(nt, [&](unsigned j) {
        // Thread j: the groups whose rows start in the j-th share of the rows.
        auto from = [&](unsigned k) {
          if (k == nt) return std::size_t{ngroups};
          return static_cast<std::size_t>(std::lower_bound(first_row.begin(), first_row.end() - 1, total * k / nt) -
                                          first_row.begin());
        };
        for (std::size_t r = from(j); r < from(j + 1); ++r) {
          compensated sum;
          std::size_t row = first_row[r];
          for (std::uint32_t off = 0; off < nper; ++off) {
            const std::size_t c = std::size_t{order[r]} * nper + off;
            if (!present(c)) continue;
            double v = value_of(c);
            if (q.cumulative) {
              sum.add(v);
              v = sum.value();
            }
            slots.group[row] = static_cast<std::uint32_t>(r);
            slots.period_index[row] = pmin + static_cast<std::int32_t>(off);
            slots.value[row] = v;
            ++row;
          }
        }
      });
      return;
    }
    for (std::size_t c = 0; c < idx.size(); ++c) {
      if (!present(c)) continue;
      const auto [g, off] = idx.key_of(c);
      entries.push_back({rank[g], off, value_of(c)});
    }
  };
  if (direct) {
    for (const partition& part : direct_parts) {
      if (!part.present.empty()) {
        gather(
            *part.idx, [&](std::size_t c) { return part.present[c] != 0; },
            [&](std::size_t c) { return part.values[c]; });
        continue;
      }
      gather(
          *part.idx, [&](std::size_t c) { return c < part.cells.size() && part.cells[c].n != 0; },
          [&](std::size_t c) { return result_of(t, part.cells[c]); });
    }
  } else {
    gather(
        group_idx, [&](std::size_t c) { return c < groups.size() && groups[c].n != 0; },
        [&](std::size_t c) { return group_value(groups[c]); });
  }
  if (!entries.empty()) {
    std::sort(entries.begin(), entries.end(),
              [](const entry& a, const entry& b) { return a.rank != b.rank ? a.rank < b.rank : a.offset < b.offset; });
    out.reserve(entries.size());
    for (const entry& e : entries) emit(e.rank, e.offset, e.value);
  }
  return out;
}

}  // namespace

namespace {

/// The programme dimension a coverage query over `column` counts, and the level whose members it
/// expects (see query::coverage_level): given, else the column's own name when it names a level,
/// else the one level at which the indicators' members in that column sit.
std::pair<const dimension*, std::string> coverage_dimension(const programme& prog, const measurement_store& st,
                                                            std::string_view column, std::string_view level,
                                                            const std::vector<std::string>& indicators) {
  const dimension* dim = prog.find_dimension(column);
  std::string at(level);
  if (dim == nullptr) {
    // The measurements may name the column after a level (municipality) of a dimension (region).
    for (const auto& d : prog.dimensions)
      if (std::find(d.levels.begin(), d.levels.end(), column) != d.levels.end()) {
        dim = &d;
        if (at.empty()) at = column;
        break;
      }
  }
  if (dim == nullptr || !at.empty() || dim->levels.empty()) return {dim, at};
  // A hierarchy and no level named: the level of the members that report (one pass over the series).
  std::unordered_map<std::string_view, const member*> by_id;
  for (const auto& m : dim->members) by_id.emplace(m.id, &m);
  std::vector<bool> wanted(st.indicator_count(), indicators.empty());
  for (const auto& id : indicators)
    if (auto i = st.find_indicator(id)) wanted[*i] = true;
  std::vector<std::string_view> levels;
  if (const auto d = st.find_dimension(column))
    for (std::uint32_t s = 0; s < st.series_count(); ++s) {
      if (!wanted[st.series_indicator(s)]) continue;
      const auto it = by_id.find(st.member_name(st.series_member(s, *d)));
      if (it != by_id.end() && std::find(levels.begin(), levels.end(), it->second->level) == levels.end())
        levels.push_back(it->second->level);
    }
  if (levels.size() > 1) {
    std::string names;
    for (const auto l : levels) names += (names.empty() ? "" : ", ") + quote(l);
    throw error(errc::invalid_argument, "members of several levels (" + names + ") report in " + quote(column) +
                                            ": name the level whose members are expected (coverage_level)");
  }
  return {dim, levels.empty() ? dim->levels.back() : std::string(levels.front())};
}

}  // namespace

std::optional<std::vector<const member*>> coverage_members(const programme& prog, const measurement_store& store,
                                                           std::string_view column, std::string_view level,
                                                           const std::vector<std::string>& indicators) {
  const auto [dim, at] = coverage_dimension(prog, store, column, level, indicators);
  if (dim == nullptr) return std::nullopt;
  return dim->members_at_level(at);
}

namespace {

/// The store dimension whose members a coverage query counts: space_dimension, else the only
/// dimension group_by does not name.
std::string member_column(const measurement_store& st, const query& q) {
  if (!q.space_dimension.empty()) {
    if (!st.find_dimension(q.space_dimension))
      throw error(errc::invalid_argument, quote(q.space_dimension) + " is not a dimension of the measurements");
    return q.space_dimension;
  }
  std::vector<std::string> free;
  for (const auto& d : st.dimensions())
    if (std::find(q.group_by.begin(), q.group_by.end(), d) == q.group_by.end()) free.push_back(d);
  if (free.size() != 1)
    throw error(errc::invalid_argument, "the space rule " + std::string(to_string(q.space)) +
                                            " needs the dimension it combines: name it (space_dimension)");
  return free.front();
}

/// Rows [b, e) of r that share an output group: same indicator and first `keep` group-by values.
/// Returns e for the block starting at b (the rows are sorted, so a group's rows are contiguous).
std::size_t block_end(const aggregate_result& r, std::size_t b, std::size_t keep) {
  std::size_t e = b + 1;
  while (e < r.size() && r.group_of(e) == r.group_of(b)) ++e;  // same inner group
  for (;;) {
    if (e >= r.size() || r.indicator(e) != r.indicator(b)) return e;
    for (std::size_t k = 0; k < keep; ++k)
      if (r.group_value(e, k) != r.group_value(b, k)) return e;
    const std::uint32_t g = r.group_of(e);
    while (e < r.size() && r.group_of(e) == g) ++e;
  }
}

/// Coverage: per member (its series summed), how many of the members expected have a value at the
/// threshold, per output group and period. The members' values come from one series aggregation
/// grouped by the member column as well; a walk over its (sorted) rows does the rest.
aggregate_result coverage_of(const measurement_store& st, const query& q, const programme& prog) {
  const std::string column = member_column(st, q);
  const auto [dim, level] = coverage_dimension(prog, st, column, q.coverage_level, q.indicators);
  std::optional<std::vector<const member*>> expected;
  if (dim != nullptr) expected = dim->members_at_level(level);
  if (q.coverage_share && !expected)
    throw error(errc::invalid_argument, "a coverage share needs the members expected: " + quote(column) +
                                            " is not a dimension (nor a level) of the programme");
  query inner = q;
  inner.space = space_rule::sum;
  inner.group_by.push_back(column);
  const aggregate_result in = aggregate_series(st, inner, &prog);
  const std::size_t G = q.group_by.size();

  // Group-by columns that map the members to an ancestor (province over municipality): a group
  // expects only the members under its value.
  std::vector<std::size_t> mapping;
  if (dim != nullptr && column == dim->id)
    for (std::size_t k = 0; k < G; ++k)
      if (!st.find_dimension(q.group_by[k]) &&
          std::find(dim->levels.begin(), dim->levels.end(), q.group_by[k]) != dim->levels.end())
        mapping.push_back(k);
  std::unordered_map<std::string_view, const member*> by_id;
  if (dim != nullptr)
    for (const auto& m : dim->members) by_id.emplace(m.id, &m);
  auto ancestor = [&](const member* m, std::string_view at) -> std::string_view {
    for (std::size_t steps = 0; m && steps <= by_id.size(); ++steps) {
      if (m->level == at) return m->id;
      const auto it = m->parent.empty() ? by_id.end() : by_id.find(m->parent);
      m = it == by_id.end() ? nullptr : it->second;
    }
    return {};
  };
  // Each expected member: its place in its group's list, and that group's key (the mapped values).
  std::unordered_map<std::string, std::vector<std::uint32_t>> expected_by_key;         // key -> member indices
  std::unordered_map<std::string_view, std::pair<std::uint32_t, std::uint32_t>> slot;  // id -> (index, place)
  std::vector<std::string> key_of;
  if (expected) {
    for (std::uint32_t i = 0; i < expected->size(); ++i) {
      const member* m = (*expected)[i];
      std::string key;
      for (std::size_t k : mapping) (key += ancestor(m, q.group_by[k])) += '\x1f';
      auto& list = expected_by_key[key];
      slot.emplace(m->id, std::pair{i, static_cast<std::uint32_t>(list.size())});
      list.push_back(i);
      key_of.push_back(std::move(key));
    }
  }
  // A member's value stays until it reports again when it is a stock: `last` carries it already,
  // and a running total (cumulative) is one.
  const bool carry = q.time == time_rule::last || q.cumulative;

  aggregate_result out;
  out.group_by = q.group_by;
  out.period = q.period;
  out.fy_first_month = q.fy_first_month;
  std::vector<std::int32_t> periods;
  std::vector<std::uint32_t> met, reporting;
  for (std::size_t b = 0; b < in.size();) {
    const std::size_t e = block_end(in, b, G);
    periods.clear();
    for (std::size_t r = b; r < e; ++r) periods.push_back(in.period_index(r));
    std::sort(periods.begin(), periods.end());
    periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
    met.assign(periods.size(), 0);
    reporting.assign(periods.size(), 0);
    std::string key;
    for (std::size_t k : mapping) (key += in.group_value(b, k)) += '\x1f';
    static const std::vector<std::uint32_t> nobody;
    const auto ek = expected_by_key.find(key);
    const std::vector<std::uint32_t>& wanted = ek == expected_by_key.end() ? nobody : ek->second;
    std::vector<aggregate_result::member_reading> readings;
    readings.reserve(wanted.size());
    for (std::uint32_t i : wanted) readings.push_back({(*expected)[i]->id, std::nullopt});
    for (std::size_t mb = b; mb < e;) {
      std::size_t me = mb + 1;
      while (me < e && in.group_of(me) == in.group_of(mb)) ++me;
      const std::string_view id = in.group_value(mb, G);
      std::optional<double>* reading = nullptr;
      if (expected) {
        const auto it = slot.find(id);
        if (it == slot.end() || key_of[it->second.first] != key) {
          mb = me;
          continue;  // not a member this group expects (a total row's "", a member outside it)
        }
        reading = &readings[it->second.second].value;
      }
      std::optional<double> cur;
      std::size_t r = mb;
      for (std::size_t pi = 0; pi < periods.size(); ++pi) {
        if (r < me && in.period_index(r) == periods[pi])
          cur = in.value(r++);
        else if (!carry)
          cur.reset();
        if (!cur) continue;
        ++reporting[pi];
        if (*cur >= q.coverage_threshold) ++met[pi];
      }
      if (reading) *reading = cur;
      mb = me;
    }
    std::vector<std::string> k{std::string(in.indicator(b))};
    for (std::size_t j = 0; j < G; ++j) k.emplace_back(in.group_value(b, j));
    const std::uint32_t g = out.add_group(std::move(k));
    const auto n = static_cast<std::uint32_t>(wanted.size());
    for (std::size_t pi = 0; pi < periods.size(); ++pi) {
      const double v = q.coverage_share && n > 0 ? static_cast<double>(met[pi]) / n : met[pi];
      out.add_row(g, periods[pi], v);
      out.add_coverage(n, reporting[pi]);
    }
    if (expected) out.set_member_values(g, std::move(readings));
    b = e;
  }
  return out;
}

/// Formulas: every part aggregated per member (one series aggregation grouped by the member
/// dimensions too), then per member and period the formula where every part has a value, then the
/// members combined by the space rule. Hash look-ups per row and a sort of each group's cells.
aggregate_result formulas_of(const measurement_store& st, const query& q, const programme* prog) {
  if (q.space == space_rule::coverage)
    throw error(errc::invalid_argument, "a formula's members cannot be combined by coverage");
  std::vector<std::string> parts;
  for (const auto& f : q.formulas) {
    if (f.id.empty()) throw error(errc::invalid_argument, "a formula needs an id");
    if (f.numerator.empty()) throw error(errc::invalid_argument, "formula " + quote(f.id) + " has no numerator");
    parts.insert(parts.end(), f.numerator.begin(), f.numerator.end());
    parts.insert(parts.end(), f.denominator.begin(), f.denominator.end());
  }
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  const std::vector<std::string>& members = q.member_dimensions;
  query inner = q;
  inner.formulas.clear();
  inner.indicators = parts;
  inner.space = space_rule::sum;
  inner.cumulative = false;
  inner.group_by.insert(inner.group_by.end(), members.begin(), members.end());
  const aggregate_result in = aggregate_series(st, inner, prog);
  const std::size_t G = q.group_by.size();

  // Each part's uses: (formula, in the numerator, in the denominator).
  struct use {
    std::uint32_t formula;
    bool num, den;
  };
  std::unordered_map<std::string_view, std::vector<use>> uses;
  std::vector<std::uint32_t> part_count(q.formulas.size());
  for (std::uint32_t f = 0; f < q.formulas.size(); ++f) {
    const auto& fs = q.formulas[f];
    std::vector<std::string> own = fs.numerator;
    own.insert(own.end(), fs.denominator.begin(), fs.denominator.end());
    std::sort(own.begin(), own.end());
    own.erase(std::unique(own.begin(), own.end()), own.end());
    part_count[f] = static_cast<std::uint32_t>(own.size());
    for (const auto& id : own) {
      const auto in_list = [&](const std::vector<std::string>& v) {
        return std::find(v.begin(), v.end(), id) != v.end();
      };
      uses[std::string_view(*std::lower_bound(parts.begin(), parts.end(), id))].push_back(
          {f, in_list(fs.numerator), in_list(fs.denominator)});
    }
  }
  struct fcell {
    std::int32_t period;
    std::uint32_t member;
    double num = 0, den = 0;
    std::uint32_t seen = 0;
  };
  struct fgroup {
    std::uint32_t formula;
    std::vector<std::string> values;  // the group-by values
    std::vector<fcell> cells;
    std::unordered_map<std::uint64_t, std::uint32_t> at;  // (period, member) -> cell
  };
  std::vector<fgroup> groups;
  std::unordered_map<std::string, std::uint32_t> group_at;   // formula and group-by values -> group
  std::unordered_map<std::string, std::uint32_t> member_at;  // member key -> id
  std::vector<std::string> member_names;
  std::string gkey, mkey;
  for (std::size_t r = 0; r < in.size(); ++r) {
    const auto u = uses.find(in.indicator(r));
    if (u == uses.end()) continue;
    mkey.clear();
    for (std::size_t k = 0; k < members.size(); ++k) (mkey += k ? "/" : "") += in.group_value(r, G + k);
    const auto [mit, mfresh] = member_at.try_emplace(mkey, static_cast<std::uint32_t>(member_names.size()));
    if (mfresh) member_names.push_back(mkey);
    for (const use& x : u->second) {
      gkey.assign(std::to_string(x.formula));
      for (std::size_t k = 0; k < G; ++k) (gkey += '\x1f') += in.group_value(r, k);
      const auto [git, gfresh] = group_at.try_emplace(gkey, static_cast<std::uint32_t>(groups.size()));
      if (gfresh) {
        fgroup fg{x.formula, {}, {}, {}};
        for (std::size_t k = 0; k < G; ++k) fg.values.emplace_back(in.group_value(r, k));
        groups.push_back(std::move(fg));
      }
      fgroup& fg = groups[git->second];
      const std::uint64_t ck = (std::uint64_t{static_cast<std::uint32_t>(in.period_index(r))} << 32) | mit->second;
      const auto [cit, cfresh] = fg.at.try_emplace(ck, static_cast<std::uint32_t>(fg.cells.size()));
      if (cfresh) fg.cells.push_back({in.period_index(r), mit->second});
      fcell& c = fg.cells[cit->second];
      ++c.seen;
      if (x.num) c.num += in.value(r);
      if (x.den) c.den += in.value(r);
    }
  }
  std::vector<std::uint32_t> order(groups.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto& ia = q.formulas[groups[a].formula].id;
    const auto& ib = q.formulas[groups[b].formula].id;
    if (ia != ib) return ia < ib;
    return groups[a].values < groups[b].values;
  });
  aggregate_result out;
  out.group_by = q.group_by;
  out.period = q.period;
  out.fy_first_month = q.fy_first_month;
  for (const std::uint32_t gi : order) {
    fgroup& fg = groups[gi];
    const formula_spec& f = q.formulas[fg.formula];
    std::vector<std::string> k{f.id};
    k.insert(k.end(), fg.values.begin(), fg.values.end());
    const std::uint32_t g = out.add_group(std::move(k));
    std::sort(fg.cells.begin(), fg.cells.end(), [&](const fcell& a, const fcell& b) {
      return a.period != b.period ? a.period < b.period : member_names[a.member] < member_names[b.member];
    });
    const bool ratio = !f.denominator.empty();
    std::vector<std::string> incomplete;
    compensated running;
    for (std::size_t b = 0; b < fg.cells.size();) {
      std::size_t e = b;
      compensated num, den, acc;
      double lo = 0, hi = 0;
      std::size_t n = 0;
      incomplete.clear();
      for (; e < fg.cells.size() && fg.cells[e].period == fg.cells[b].period; ++e) {
        const fcell& c = fg.cells[e];
        if (c.seen < part_count[fg.formula]) {
          incomplete.push_back(member_names[c.member]);
          continue;
        }
        if (ratio && c.den == 0) continue;  // no value for this member (not a missing part)
        const double v = ratio ? c.num / c.den * f.factor : c.num * f.factor;
        num.add(c.num);
        den.add(c.den);
        acc.add(v);
        lo = n == 0 ? v : std::min(lo, v);
        hi = n == 0 ? v : std::max(hi, v);
        ++n;
      }
      const std::int32_t period = fg.cells[b].period;
      b = e;
      if (n == 0) continue;
      double value = 0;
      switch (q.space) {
        case space_rule::avg:
          value = acc.value() / static_cast<double>(n);
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
        default:  // sum, weighted_avg: the ratio of the members' summed parts
          value = ratio ? num.value() / den.value() * f.factor : num.value() * f.factor;
          break;
      }
      if (q.cumulative) {
        running.add(value);
        value = running.value();
      }
      out.add_row(g, period, value);
    }
    out.set_incomplete_members(g, std::move(incomplete));
  }
  return out;
}

/// A sum past the largest double is +-inf, which no reader of a result accepts (nor the CSV reader as
/// input, nor JSON): one diagnostic per group naming it, error(overflow). Every caller (the CLI's
/// aggregate and report, the evaluation, the C ABI) gets it from here.
void check_finite(const aggregate_result& r) {
  std::vector<diagnostic> bad;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (std::isfinite(r.value(i))) continue;
    std::string group = "indicator " + quote(r.indicator(i));
    for (std::size_t k = 0; k < r.group_by.size(); ++k)
      group += ", " + r.group_by[k] + " " + quote(r.group_value(i, k));
    group += ", period " + r.period_of(i).label();
    bad.push_back(
        {group, "the result is not a finite number (the values exceed the range of a double, about 1.8e308)"});
    if (bad.size() == 20) break;  // enough to see the pattern
  }
  if (!bad.empty()) throw error(errc::overflow, std::move(bad));
}

}  // namespace

aggregate_result aggregate(const measurement_store& st, const query& q, const programme* prog) {
  if (q.fy_first_month < 1 || q.fy_first_month > 12)
    throw error(errc::invalid_argument, "fy_first_month " + std::to_string(q.fy_first_month) + " is outside 1..12");
  if ((q.space == space_rule::weighted_avg || q.space == space_rule::coverage) && prog == nullptr)
    throw error(errc::invalid_argument,
                "the space rule " + std::string(to_string(q.space)) + " needs a programme (members and attributes)");
  aggregate_result r = !q.formulas.empty()               ? formulas_of(st, q, prog)
                       : q.space == space_rule::coverage ? coverage_of(st, q, *prog)
                                                         : aggregate_series(st, q, prog);
  check_finite(r);
  return r;
}

namespace {

void put_field(std::string& out, std::string_view s) { csv_append_field(out, s); }  // the one CSV rule

}  // namespace

void write_csv(const aggregate_result& r, const std::function<void(std::string_view)>& sink, std::size_t piece_bytes) {
  piece_bytes = std::max<std::size_t>(piece_bytes, 1);
  std::string out = "indicator";
  for (const auto& g : r.group_by) put_field(out += ',', g);
  out += ",period,value\n";
  // One reused piece (a little over piece_bytes: a row is appended whole), not the whole text: the
  // pages of a 100 MB string cost more to fault in than the formatting (docs/benchmarks.md).
  out.reserve(std::min(piece_bytes, out.size() + r.size() * 40) + 4096);
  // Labels repeat across groups: make each once.
  std::unordered_map<std::int32_t, std::string> labels;
  std::uint32_t group = none;
  std::string prefix;
  char num[32];
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.group_of(i) != group) {
      group = r.group_of(i);
      prefix.clear();
      put_field(prefix, r.indicator(i));
      for (std::size_t k = 0; k < r.group_by.size(); ++k) put_field(prefix += ',', r.group_value(i, k));
      prefix += ',';
    }
    out += prefix;
    auto it = labels.find(r.period_index(i));
    if (it == labels.end()) it = labels.emplace(r.period_index(i), r.period_of(i).label()).first;
    out += it->second;
    out += ',';
    double v = r.value(i);
    if (v == 0) v = 0;  // no "-0"
    const auto res = std::to_chars(num, num + sizeof num, v);
    out.append(num, res.ptr);
    out += '\n';
    if (out.size() >= piece_bytes) {
      sink(out);
      out.clear();
    }
  }
  if (!out.empty()) sink(out);
}

std::string to_csv(const aggregate_result& r) {
  std::string text;
  write_csv(
      r,
      [&](std::string_view piece) {
        if (text.empty()) text.reserve(piece.size() + r.size() * 40);
        text += piece;
      },
      std::size_t{1} << 16);
  return text;
}

REGIOKPI_END_NAMESPACE
