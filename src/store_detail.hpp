// regiokpi (private, not installed): the measurement store's write path. Ingest parses and checks
// rows into staged batches (in parallel parts); store_access::commit moves them into a store at once.
// measurement_store::append stages its rows the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "regiokpi/export.hpp"
#include "regiokpi/store.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

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

/// The store's friend: the operations on its columns that only the library performs.
struct store_access {
  /// Moves staged batches (all with the same dimensions) into the store, in order. Cannot fail on
  /// input grounds: the batches were validated when staged.
  static void commit(measurement_store& st, std::span<staged_batch> parts);

  /// The store's series id of a key (indicator id then one member per dimension), numbering new ones.
  static std::uint32_t add_series(measurement_store& st, const std::uint32_t* key);

 private:
  static void add_dimension(measurement_store& st, const std::string& name);
};

}  // namespace detail
REGIOKPI_END_NAMESPACE
