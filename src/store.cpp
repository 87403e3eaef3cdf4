// regiokpi: the measurement store's write path (staged batches, commit, append).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "regiokpi/export.hpp"
#include "store_detail.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

std::uint32_t store_access::add_series(measurement_store& st, const std::uint32_t* key) {
  const std::size_t nd = st.dimensions_.size();
  const std::uint64_t h = detail::hash_bytes(reinterpret_cast<const char*>(key), (nd + 1) * sizeof(std::uint32_t));
  return st.series_table_.find_or_insert(
      h,
      [&](std::uint32_t s) {
        return st.series_indicator_[s] == key[0] &&
               std::equal(key + 1, key + 1 + nd, st.series_members_.begin() + static_cast<std::ptrdiff_t>(s * nd));
      },
      [&] {
        st.series_indicator_.push_back(key[0]);
        st.series_members_.insert(st.series_members_.end(), key + 1, key + 1 + nd);
        return static_cast<std::uint32_t>(st.series_indicator_.size() - 1);
      });
}

void store_access::add_dimension(measurement_store& st, const std::string& name) {
  // Existing series get the empty member in the new dimension; the series keys change shape, so
  // the lookup table is rebuilt (rare: only when a batch brings a new column).
  const std::uint32_t blank = st.members_.intern("");
  const std::size_t nd = st.dimensions_.size();
  std::vector<std::uint32_t> widened;
  widened.reserve(st.series_indicator_.size() * (nd + 1));
  for (std::size_t s = 0; s < st.series_indicator_.size(); ++s) {
    widened.insert(widened.end(), st.series_members_.begin() + static_cast<std::ptrdiff_t>(s * nd),
                   st.series_members_.begin() + static_cast<std::ptrdiff_t>((s + 1) * nd));
    widened.push_back(blank);
  }
  st.dimensions_.push_back(name);
  st.series_members_.swap(widened);
  std::vector<std::uint32_t> indicators;
  indicators.swap(st.series_indicator_);
  std::vector<std::uint32_t> members;
  members.swap(st.series_members_);
  st.series_table_.clear();
  std::vector<std::uint32_t> key(nd + 2);
  for (std::size_t s = 0; s < indicators.size(); ++s) {
    key[0] = indicators[s];
    std::copy_n(members.begin() + static_cast<std::ptrdiff_t>(s * (nd + 1)), nd + 1, key.begin() + 1);
    add_series(st, key.data());
  }
}

void store_access::commit(measurement_store& st, std::span<staged_batch> parts) {
  if (parts.empty()) return;
  for (const auto& name : parts[0].dimensions)
    if (!st.find_dimension(name)) add_dimension(st, name);
  const std::size_t nd = st.dimensions_.size();
  std::vector<std::size_t> where(parts[0].dimensions.size());  // batch dimension -> store dimension
  for (std::size_t k = 0; k < where.size(); ++k) where[k] = *st.find_dimension(parts[0].dimensions[k]);
  const bool was_empty = st.empty();
  const std::size_t old_size = st.size();
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
  const std::uint32_t blank_text = (source || note || st.has_source_ || st.has_note_) ? st.texts_.intern("") : 0;
  if (status && !st.has_status_) st.status_.append(old_size, measurement_status::unspecified), st.has_status_ = true;
  if (source && !st.has_source_) st.source_.append(old_size, blank_text), st.has_source_ = true;
  if (recorded && !st.has_recorded_at_) st.recorded_at_.append(old_size, detail::no_day), st.has_recorded_at_ = true;
  if (revision && !st.has_revision_) st.revision_.append(old_size, 0u), st.has_revision_ = true;
  if (note && !st.has_note_) st.note_.append(old_size, blank_text), st.has_note_ = true;

  const std::uint32_t blank_member = nd > where.size() ? st.members_.intern("") : 0;
  std::size_t old_total = old_size;  // the store row of each batch's first row
  for (auto& p : parts) {
    const std::size_t n = p.size();
    std::vector<std::uint32_t> ind(p.indicators.size()), mem(p.members.size()), txt(p.texts.size());
    for (std::uint32_t i = 0; i < ind.size(); ++i) ind[i] = st.indicators_.intern(p.indicators[i]);
    for (std::uint32_t i = 0; i < mem.size(); ++i) mem[i] = st.members_.intern(p.members[i]);
    for (std::uint32_t i = 0; i < txt.size(); ++i) txt[i] = st.texts_.intern(p.texts[i]);
    const std::size_t stride = p.dimensions.size() + 1;
    const std::size_t nseries = p.series_keys.size() / stride;
    std::vector<std::uint32_t> smap(nseries);
    std::vector<std::uint32_t> key(nd + 1, blank_member);
    bool identity = true;
    for (std::size_t s = 0; s < nseries; ++s) {
      const std::uint32_t* k = p.series_keys.data() + s * stride;
      key[0] = ind[k[0]];
      for (std::size_t d = 0; d + 1 < stride; ++d) key[1 + where[d]] = mem[k[1 + d]];
      smap[s] = add_series(st, key.data());
      identity = identity && smap[s] == s;
    }
    if (n == 0) continue;
    if (identity && st.day_.empty()) {
      st.series_.swap(p.series);
      st.day_.swap(p.day);
      st.value_.swap(p.value);
    } else {
      const std::size_t base = st.series_.size();
      st.series_.resize_uninitialized(base + n);
      for (std::size_t i = 0; i < n; ++i) st.series_[base + i] = smap[p.series[i]];
      detail::column<std::uint32_t>().swap(p.series);  // release each staged column once copied: lower peak
      st.day_.append(p.day.data(), n);
      detail::column<std::int32_t>().swap(p.day);
      st.value_.append(p.value.data(), n);
      detail::column<double>().swap(p.value);
    }
    auto copy_text = [&](bool has, detail::column<std::uint32_t>& dst, const detail::column<std::uint32_t>& src) {
      if (!has) return dst.append(n, blank_text);
      const std::size_t base = dst.size();
      dst.resize_uninitialized(base + n);
      for (std::size_t i = 0; i < n; ++i) dst[base + i] = txt[src[i]];
    };
    if (st.has_status_)
      p.has_status ? st.status_.append(p.status.data(), n) : st.status_.append(n, measurement_status::unspecified);
    if (st.has_source_) copy_text(p.has_source, st.source_, p.source);
    if (st.has_recorded_at_)
      p.has_recorded_at ? st.recorded_at_.append(p.recorded_at.data(), n) : st.recorded_at_.append(n, detail::no_day);
    if (st.has_revision_) p.has_revision ? st.revision_.append(p.revision.data(), n) : st.revision_.append(n, 0u);
    if (st.has_note_) copy_text(p.has_note, st.note_, p.note);
    for (std::size_t k = 0; k < p.text_rows.size(); ++k) {
      st.text_rows_.push_back(old_total + p.text_rows[k]);
      st.text_ids_.push_back(txt[p.text_ids[k]]);
    }
    old_total += n;
  }
  if (added != 0) {
    auto [lo, hi] = std::minmax_element(st.day_.begin() + old_size, st.day_.end());
    st.min_day_ = was_empty ? *lo : std::min(st.min_day_, *lo);
    st.max_day_ = was_empty ? *hi : std::max(st.max_day_, *hi);
  }
}

}  // namespace detail

void measurement_store::append(std::span<const std::string> dimension_names, std::span<const measurement> rows) {
  std::vector<diagnostic> problems;
  for (std::size_t a = 0; a < dimension_names.size(); ++a) {
    if (dimension_names[a].empty()) problems.push_back({"dimension " + std::to_string(a + 1), "the name is empty"});
    if (auto bad = detail::utf8_problem("name", dimension_names[a]); !bad.empty())
      problems.push_back({"dimension " + std::to_string(a + 1), std::move(bad)});
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
    // The store hands its text out as Arrow utf8 and JSON strings: UTF-8 only, as every reader checks.
    std::string bad = detail::utf8_problem("indicator", r.indicator);
    for (std::size_t d = 0; d < r.coordinates.size() && bad.empty(); ++d)
      bad = detail::utf8_problem("coordinate " + std::to_string(d + 1), r.coordinates[d]);
    if (bad.empty()) bad = detail::utf8_problem("source", r.source);
    if (bad.empty()) bad = detail::utf8_problem("note", r.note);
    if (bad.empty()) bad = detail::utf8_problem("text", r.text);
    if (!bad.empty()) problems.push_back({where, std::move(bad)});
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
  detail::store_access::commit(*this, std::span<detail::staged_batch>(&b, 1));
}

REGIOKPI_END_NAMESPACE
