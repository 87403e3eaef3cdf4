// regiokpi (private, not installed): the Arrow IPC file format (https://arrow.apache.org/docs/format/Columnar.html),
// written and read with the format's own FlatBuffers schema (src/arrow_format/*.fbs, compiled by flatc at build time).
// Only what the store needs: one record batch per file, flat columns of uint8, uint32, date32 (days),
// float64 and utf8, optional validity bitmaps, no compression, no dictionaries. Every buffer starts on a
// 64-byte boundary of the file, so a reader maps the file and uses the buffers in place.
//   detail::arrow_ipc::column_out c{.name = "value", .type = arrow_ipc::kind::float64, .data = values};
//   auto w = detail::arrow_ipc::write_file(fd, "batch.arrow", {&c, 1}, n, {});   // bytes and checksum
//   detail::arrow_ipc::table t = detail::arrow_ipc::read_file("batch.arrow");      // mmap, checked, no parse
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

/// A 64-bit checksum of a byte stream, fed in pieces: four independent multiply-rotate lanes over
/// 32-byte blocks (the round of xxHash64, written here), then the tail and the length folded in.
/// Several GB/s, so a store can checksum what it writes as it writes it; not cryptographic.
class checksum64 {
 public:
  void update(const void* data, std::size_t n) noexcept;
  [[nodiscard]] std::uint64_t value() const noexcept;

 private:
  void block(const unsigned char* p) noexcept;
  std::uint64_t lane_[4] = {0x60EA27EEADC0B5D6ULL, 0xC2B2AE3D27D4EB4FULL, 0x165667B19E3779F9ULL, 0x9E3779B185EBCA87ULL};
  unsigned char tail_[32] = {};
  std::size_t buffered_ = 0;
  std::uint64_t total_ = 0;
};

/// 16 lower-case hex digits.
std::string checksum_text(std::uint64_t c);

namespace arrow_ipc {

enum class kind : std::uint8_t { uint8, uint32, date32, float64, utf8 };

/// Bytes per value of a fixed-width kind (utf8: its int32 offsets).
constexpr std::size_t width(kind k) noexcept { return k == kind::uint8 ? 1 : k == kind::float64 ? 8 : 4; }

/// One column to write: `rows` values at `data` (utf8: rows + 1 int32 offsets at `offsets` into the
/// bytes at `data`). `validity`, when set, is an LSB-first bitmap (1 = present) with null_count zeros.
struct column_out {
  std::string name;
  kind type = kind::uint32;
  const void* data = nullptr;
  const std::int32_t* offsets = nullptr;
  const std::uint8_t* validity = nullptr;
  std::size_t null_count = 0;
  bool nullable = false;
};

struct written {
  std::uint64_t bytes = 0;
  std::uint64_t checksum = 0;  ///< checksum64 of every byte of the file
};

/// Writes an Arrow IPC file holding one record batch of `rows` rows to the open descriptor `fd`
/// (its position 0), with `metadata` as the schema's custom metadata. error(io_error) naming `path`.
written write_file(int fd, const std::string& path, std::span<const column_out> columns, std::size_t rows,
                   std::span<const std::pair<std::string, std::string>> metadata);

/// A read-only private mapping of a whole file, unmapped when the last reference goes.
struct mapping {
  const unsigned char* base = nullptr;
  std::size_t size = 0;
  mapping() = default;
  mapping(const mapping&) = delete;
  mapping& operator=(const mapping&) = delete;
  ~mapping();
};

/// One column of a mapped file, pointing into the mapping.
struct column_in {
  std::string name;
  kind type = kind::uint32;
  bool nullable = false;
  std::size_t null_count = 0;
  const std::uint8_t* validity = nullptr;  ///< null when every value is present
  const void* data = nullptr;              ///< the values (utf8: the bytes)
  const std::int32_t* offsets = nullptr;   ///< utf8 only: rows + 1 checked offsets into data
  std::size_t data_bytes = 0;
  [[nodiscard]] bool present(std::size_t i) const noexcept {
    return validity == nullptr || ((validity[i >> 3] >> (i & 7)) & 1) != 0;
  }
  [[nodiscard]] std::string_view string(std::size_t i) const noexcept {
    return {static_cast<const char*>(data) + offsets[i], static_cast<std::size_t>(offsets[i + 1] - offsets[i])};
  }
  template <class T>
  [[nodiscard]] const T* values() const noexcept {
    return static_cast<const T*>(data);
  }
};

struct table {
  std::shared_ptr<const mapping> file;
  std::size_t rows = 0;
  std::vector<column_in> columns;
  std::vector<std::pair<std::string, std::string>> metadata;
  [[nodiscard]] const column_in* find(std::string_view name) const noexcept {
    for (const auto& c : columns)
      if (c.name == name) return &c;
    return nullptr;
  }
  [[nodiscard]] std::string_view meta(std::string_view key) const noexcept {
    for (const auto& [k, v] : metadata)
      if (k == key) return v;
    return {};
  }
};

/// Maps `path` and checks it as an Arrow IPC file of the shape write_file writes: magic numbers,
/// FlatBuffers verified, every buffer inside the file, long enough and aligned, utf8 offsets
/// ascending. error(parse_error) "<path>: not a readable Arrow IPC file: <reason>"; error(io_error)
/// when it cannot be opened (detail::open_regular_file).
table read_file(const std::string& path);

}  // namespace arrow_ipc
}  // namespace detail
REGIOKPI_END_NAMESPACE
