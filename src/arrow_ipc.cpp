// regiokpi: Arrow IPC files for the store (arrow_ipc.hpp).
#include "arrow_ipc.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "File_generated.h"
#include "Message_generated.h"
#include "Schema_generated.h"
#include "file_io.hpp"
#include "regiokpi/error.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

namespace {
constexpr std::uint64_t p1 = 0x9E3779B185EBCA87ULL, p2 = 0xC2B2AE3D27D4EB4FULL, p3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t rotl(std::uint64_t x, int r) noexcept { return (x << r) | (x >> (64 - r)); }
constexpr std::uint64_t round(std::uint64_t acc, std::uint64_t w) noexcept { return rotl(acc + w * p2, 31) * p1; }
std::uint64_t load64(const unsigned char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
}  // namespace

void checksum64::block(const unsigned char* p) noexcept {
  for (int k = 0; k < 4; ++k) lane_[k] = round(lane_[k], load64(p + 8 * k));
}

void checksum64::update(const void* data, std::size_t n) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  total_ += n;
  if (buffered_ != 0) {
    const std::size_t take = std::min(n, sizeof tail_ - buffered_);
    std::memcpy(tail_ + buffered_, p, take);
    buffered_ += take;
    p += take;
    n -= take;
    if (buffered_ < sizeof tail_) return;
    block(tail_);
    buffered_ = 0;
  }
  for (; n >= 32; p += 32, n -= 32) block(p);
  if (n != 0) std::memcpy(tail_, p, n), buffered_ = n;
}

std::uint64_t checksum64::value() const noexcept {
  std::uint64_t h = rotl(lane_[0], 1) + rotl(lane_[1], 7) + rotl(lane_[2], 12) + rotl(lane_[3], 18);
  h ^= total_ * p3;
  std::size_t i = 0;
  for (; i + 8 <= buffered_; i += 8) h = rotl(h ^ round(0, load64(tail_ + i)), 27) * p1 + p3;
  for (; i < buffered_; ++i) h = rotl(h ^ (tail_[i] * p3), 11) * p1;
  h ^= h >> 33;
  h *= p2;
  h ^= h >> 29;
  h *= p3;
  h ^= h >> 32;
  return h;
}

std::string checksum_text(std::uint64_t c) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, c >>= 4) s[static_cast<std::size_t>(i)] = hex[c & 15];
  return s;
}

namespace arrow_ipc {
namespace fb = org::apache::arrow::flatbuf;

namespace {

constexpr std::size_t align64(std::size_t n) noexcept { return (n + 63) & ~std::size_t{63}; }
constexpr char magic[8] = {'A', 'R', 'R', 'O', 'W', '1', 0, 0};
constexpr std::uint32_t continuation = 0xFFFFFFFFu;

/// Appends little-endian values and padding to the metadata parts of a file (built in memory).
struct bytes {
  std::string b;
  void put(const void* p, std::size_t n) { b.append(static_cast<const char*>(p), n); }
  template <class T>
  void put_value(T v) {
    put(&v, sizeof v);
  }
  void zeros(std::size_t n) { b.append(n, '\0'); }
  [[nodiscard]] std::size_t position() const noexcept { return b.size(); }
};

void checksum_zeros(checksum64& c, std::size_t n) {
  static constexpr char z[256] = {};
  for (; n != 0;) {
    const std::size_t k = std::min(n, sizeof z);
    c.update(z, k);
    n -= k;
  }
}

/// The schema of the columns (types, names, nullability) in a builder.
flatbuffers::Offset<fb::Schema> build_schema(flatbuffers::FlatBufferBuilder& b, std::span<const column_out> columns,
                                             std::span<const std::pair<std::string, std::string>> metadata) {
  std::vector<flatbuffers::Offset<fb::Field>> fields;
  for (const auto& c : columns) {
    flatbuffers::Offset<void> type;
    fb::Type tt = fb::Type_Int;
    switch (c.type) {
      case kind::uint8:
        type = fb::CreateInt(b, 8, false).Union();
        break;
      case kind::uint32:
        type = fb::CreateInt(b, 32, false).Union();
        break;
      case kind::date32:
        tt = fb::Type_Date;
        type = fb::CreateDate(b, fb::DateUnit_DAY).Union();
        break;
      case kind::float64:
        tt = fb::Type_FloatingPoint;
        type = fb::CreateFloatingPoint(b, fb::Precision_DOUBLE).Union();
        break;
      case kind::utf8:
        tt = fb::Type_Utf8;
        type = fb::CreateUtf8(b).Union();
        break;
    }
    const std::vector<flatbuffers::Offset<fb::Field>> no_children;
    fields.push_back(fb::CreateFieldDirect(b, c.name.c_str(), c.nullable, tt, type, 0, &no_children));
  }
  std::vector<flatbuffers::Offset<fb::KeyValue>> kv;
  for (const auto& [k, v] : metadata) kv.push_back(fb::CreateKeyValueDirect(b, k.c_str(), v.c_str()));
  return fb::CreateSchemaDirect(b, fb::Endianness_Little, &fields, &kv);
}

/// One buffer of the record batch body.
struct piece {
  const void* data;
  std::size_t length;
};

}  // namespace

written write_file(int fd, const std::string& path, std::span<const column_out> columns, std::size_t rows,
                   std::span<const std::pair<std::string, std::string>> metadata) {
  // The body: per column its validity bitmap (empty when all present), then offsets and bytes (utf8)
  // or the values; each buffer starts on a 64-byte boundary of the body.
  std::vector<piece> pieces;
  std::vector<fb::Buffer> buffers;
  std::vector<fb::FieldNode> nodes;
  std::size_t body = 0;
  auto add = [&](const void* data, std::size_t length) {
    buffers.emplace_back(static_cast<std::int64_t>(body), static_cast<std::int64_t>(length));
    pieces.push_back({data, length});
    body = align64(body + length);
  };
  for (const auto& c : columns) {
    nodes.emplace_back(static_cast<std::int64_t>(rows), static_cast<std::int64_t>(c.validity ? c.null_count : 0));
    if (c.validity != nullptr && c.null_count != 0)
      add(c.validity, (rows + 7) / 8);
    else
      add(nullptr, 0);
    if (c.type == kind::utf8) {
      add(c.offsets, (rows + 1) * sizeof(std::int32_t));
      add(c.data, rows == 0 ? 0 : static_cast<std::size_t>(c.offsets[rows]));
    } else {
      add(c.data, rows * width(c.type));
    }
  }

  // The metadata before and after the body is built in memory; the body is written from the
  // columns where they are.
  bytes head;
  head.put(magic, sizeof magic);
  auto message = [&](flatbuffers::FlatBufferBuilder& b, bool body_follows) {
    // Continuation marker, metadata length (padded so that what follows is aligned), the metadata.
    const std::size_t start = head.position();
    std::size_t padded = (b.GetSize() + 7) & ~std::size_t{7};
    if (body_follows) padded = align64(start + 8 + b.GetSize()) - start - 8;
    head.put_value(continuation);
    head.put_value(static_cast<std::int32_t>(padded));
    head.put(b.GetBufferPointer(), b.GetSize());
    head.zeros(padded - b.GetSize());
    return fb::Block(static_cast<std::int64_t>(start), static_cast<std::int32_t>(8 + padded),
                     static_cast<std::int64_t>(body_follows ? body : 0));
  };
  {
    flatbuffers::FlatBufferBuilder b;
    const auto schema = build_schema(b, columns, metadata);
    b.Finish(fb::CreateMessage(b, fb::MetadataVersion_V5, fb::MessageHeader_Schema, schema.Union(), 0));
    message(b, false);
  }
  fb::Block batch_block(0, 0, 0);
  {
    flatbuffers::FlatBufferBuilder b;
    const auto rb = fb::CreateRecordBatchDirect(b, static_cast<std::int64_t>(rows), &nodes, &buffers);
    b.Finish(fb::CreateMessage(b, fb::MetadataVersion_V5, fb::MessageHeader_RecordBatch, rb.Union(),
                               static_cast<std::int64_t>(body)));
    batch_block = message(b, true);
  }
  const std::size_t body_start = head.position();
  bytes tail;
  tail.put_value(continuation);  // end of the stream
  tail.put_value(std::int32_t{0});
  {
    flatbuffers::FlatBufferBuilder b;
    const auto schema = build_schema(b, columns, metadata);
    const std::vector<fb::Block> dictionaries, batches{batch_block};
    b.Finish(fb::CreateFooterDirect(b, fb::MetadataVersion_V5, schema, &dictionaries, &batches));
    tail.put(b.GetBufferPointer(), b.GetSize());
    tail.put_value(static_cast<std::int32_t>(b.GetSize()));
  }
  tail.put(magic, 6);

  // The checksum of every byte in file order (reading memory is fast), padding included.
  checksum64 sum;
  sum.update(head.b.data(), head.b.size());
  std::size_t at = 0;
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    checksum_zeros(sum, static_cast<std::size_t>(buffers[k].offset()) - at);
    if (pieces[k].length != 0) sum.update(pieces[k].data, pieces[k].length);
    at = static_cast<std::size_t>(buffers[k].offset()) + pieces[k].length;
  }
  checksum_zeros(sum, body - at);
  sum.update(tail.b.data(), tail.b.size());

  // The buffers are written from the columns where they are; the file is new, so the padding between
  // buffers, never written, reads as zeros. (Two threads writing halves gain nothing: a file system
  // such as ext4 takes the file's lock for each write.)
  write_all_at(fd, path, head.b.data(), head.b.size(), 0);
  for (std::size_t k = 0; k < pieces.size(); ++k)
    if (pieces[k].length != 0)
      write_all_at(fd, path, pieces[k].data, pieces[k].length,
                   body_start + static_cast<std::size_t>(buffers[k].offset()));
  write_all_at(fd, path, tail.b.data(), tail.b.size(), body_start + body);
  return {body_start + body + tail.b.size(), sum.value()};
}

mapping::~mapping() {
  if (base != nullptr && size != 0) ::munmap(const_cast<unsigned char*>(base), size);
}

table read_file(const std::string& path) {
  auto bad = [&](const std::string& why) {
    return error(errc::parse_error, path + ": not a readable Arrow IPC file: " + why);
  };
  std::uint64_t file_size = 0;
  const int fd = open_regular_file(path, file_size);
  auto map = std::make_shared<mapping>();
  const auto size = static_cast<std::size_t>(file_size);
  if (size != 0) {
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    const int e = errno;
    ::close(fd);
    if (p == MAP_FAILED) throw error(errc::io_error, path + ": cannot map: " + std::strerror(e));
    map->base = static_cast<const unsigned char*>(p);
    map->size = size;
  } else {
    ::close(fd);
  }
  const unsigned char* base = map->base;
  if (size < 8 + 8 + 4 + 6 || std::memcmp(base, magic, 6) != 0 || std::memcmp(base + size - 6, magic, 6) != 0)
    throw bad("no ARROW1 magic at both ends (" + std::to_string(size) + " bytes)");
  std::int32_t footer_len;
  std::memcpy(&footer_len, base + size - 10, 4);
  if (footer_len <= 0 || static_cast<std::size_t>(footer_len) > size - 18) throw bad("footer length out of range");
  const std::size_t footer_at = size - 10 - static_cast<std::size_t>(footer_len);
  // FlatBuffers' verifier needs the table aligned: copy the footer (small) when it is not.
  std::vector<std::uint64_t> footer_copy((static_cast<std::size_t>(footer_len) + 7) / 8);
  std::memcpy(footer_copy.data(), base + footer_at, static_cast<std::size_t>(footer_len));
  {
    flatbuffers::Verifier v(reinterpret_cast<const std::uint8_t*>(footer_copy.data()),
                            static_cast<std::size_t>(footer_len));
    if (!fb::VerifyFooterBuffer(v)) throw bad("the footer does not verify");
  }
  const fb::Footer* footer = fb::GetFooter(footer_copy.data());
  const fb::Schema* schema = footer->schema();
  if (schema == nullptr || schema->fields() == nullptr) throw bad("the footer has no schema");
  if (schema->endianness() != fb::Endianness_Little) throw bad("big-endian data");
  table t;
  t.file = map;
  if (schema->custom_metadata() != nullptr)
    for (const auto* kv : *schema->custom_metadata())
      if (kv->key() != nullptr && kv->value() != nullptr) t.metadata.emplace_back(kv->key()->str(), kv->value()->str());
  for (const auto* f : *schema->fields()) {
    column_in c;
    c.name = f->name() != nullptr ? f->name()->str() : std::string();
    c.nullable = f->nullable();
    if (f->dictionary() != nullptr) throw bad("column " + quote(c.name) + " is dictionary-encoded");
    if (f->children() != nullptr && f->children()->size() != 0) throw bad("column " + quote(c.name) + " is nested");
    switch (f->type_type()) {
      case fb::Type_Int: {
        const auto* i = f->type_as_Int();
        if (i->is_signed() || (i->bitWidth() != 8 && i->bitWidth() != 32))
          throw bad("column " + quote(c.name) + ": only uint8 and uint32 integers are read");
        c.type = i->bitWidth() == 8 ? kind::uint8 : kind::uint32;
        break;
      }
      case fb::Type_FloatingPoint:
        if (f->type_as_FloatingPoint()->precision() != fb::Precision_DOUBLE)
          throw bad("column " + quote(c.name) + ": only float64 is read");
        c.type = kind::float64;
        break;
      case fb::Type_Date:
        if (f->type_as_Date()->unit() != fb::DateUnit_DAY)
          throw bad("column " + quote(c.name) + ": only date32 is read");
        c.type = kind::date32;
        break;
      case fb::Type_Utf8:
        c.type = kind::utf8;
        break;
      default:
        throw bad("column " + quote(c.name) + " has a type the store does not use");
    }
    t.columns.push_back(std::move(c));
  }
  if (footer->dictionaries() != nullptr && footer->dictionaries()->size() != 0) throw bad("dictionaries are not read");
  if (footer->recordBatches() == nullptr || footer->recordBatches()->size() != 1)
    throw bad("expected exactly one record batch");
  const fb::Block* blk = footer->recordBatches()->Get(0);
  const auto off = blk->offset(), meta = static_cast<std::int64_t>(blk->metaDataLength()), body_len = blk->bodyLength();
  if (off < 8 || meta < 8 || body_len < 0 || off % 8 != 0 || static_cast<std::uint64_t>(off) > footer_at ||
      static_cast<std::uint64_t>(meta) > footer_at - static_cast<std::uint64_t>(off) ||
      static_cast<std::uint64_t>(body_len) > footer_at - static_cast<std::uint64_t>(off + meta))
    throw bad("the record batch lies outside the file");
  std::uint32_t cont;
  std::int32_t mlen;
  std::memcpy(&cont, base + off, 4);
  std::memcpy(&mlen, base + off + 4, 4);
  if (cont != continuation || mlen <= 0 || mlen > meta - 8) throw bad("the record batch message is malformed");
  const std::uint8_t* mbuf = base + off + 8;  // 8-aligned: off is, and the mapping is page-aligned
  {
    flatbuffers::Verifier v(mbuf, static_cast<std::size_t>(mlen));
    if (!fb::VerifyMessageBuffer(v)) throw bad("the record batch message does not verify");
  }
  const fb::Message* msg = fb::GetMessage(mbuf);
  const fb::RecordBatch* rb = msg->header_as_RecordBatch();
  if (rb == nullptr || msg->bodyLength() != body_len) throw bad("the block is not a record batch");
  if (rb->compression() != nullptr) throw bad("compressed buffers are not read");
  if (rb->length() < 0 || rb->length() > (std::int64_t{1} << 40)) throw bad("the row count is out of range");
  t.rows = static_cast<std::size_t>(rb->length());
  const std::size_t nfields = t.columns.size();
  if (rb->nodes() == nullptr || rb->nodes()->size() != nfields) throw bad("one field node per column expected");
  std::size_t want_buffers = 0;
  for (const auto& c : t.columns) want_buffers += c.type == kind::utf8 ? 3 : 2;
  if (rb->buffers() == nullptr || rb->buffers()->size() != want_buffers) throw bad("unexpected buffer count");
  const unsigned char* body = base + off + meta;
  std::size_t bi = 0;
  auto buffer = [&](const std::string& col, std::size_t need, std::size_t align) -> const void* {
    const fb::Buffer* b = rb->buffers()->Get(static_cast<flatbuffers::uoffset_t>(bi++));
    if (b->offset() < 0 || b->length() < 0 || b->offset() > body_len || b->length() > body_len - b->offset())
      throw bad("column " + quote(col) + ": a buffer lies outside the body");
    if (static_cast<std::uint64_t>(b->length()) < need) throw bad("column " + quote(col) + ": a buffer is too short");
    const unsigned char* p = body + b->offset();
    if (reinterpret_cast<std::uintptr_t>(p) % align != 0)
      throw bad("column " + quote(col) + ": a buffer is misaligned");
    return b->length() == 0 ? nullptr : p;
  };
  for (std::size_t k = 0; k < nfields; ++k) {
    column_in& c = t.columns[k];
    const fb::FieldNode* node = rb->nodes()->Get(static_cast<flatbuffers::uoffset_t>(k));
    if (node->length() != rb->length() || node->null_count() < 0 || node->null_count() > node->length())
      throw bad("column " + quote(c.name) + ": its length differs from the batch's");
    c.null_count = static_cast<std::size_t>(node->null_count());
    const void* validity = buffer(c.name, c.null_count != 0 ? (t.rows + 7) / 8 : 0, 1);
    if (c.null_count != 0) {
      if (validity == nullptr) throw bad("column " + quote(c.name) + ": nulls without a validity bitmap");
      c.validity = static_cast<const std::uint8_t*>(validity);
      std::size_t present = 0;
      for (std::size_t i = 0; i < t.rows / 8; ++i)
        present += static_cast<std::size_t>(__builtin_popcount(c.validity[i]));
      for (std::size_t i = t.rows / 8 * 8; i < t.rows; ++i) present += c.present(i) ? 1u : 0u;
      if (present + c.null_count != t.rows) throw bad("column " + quote(c.name) + ": the null count is wrong");
    }
    if (c.type == kind::utf8) {
      c.offsets = static_cast<const std::int32_t*>(buffer(c.name, (t.rows + 1) * 4, 4));
      const std::size_t avail =
          static_cast<std::size_t>(rb->buffers()->Get(static_cast<flatbuffers::uoffset_t>(bi))->length());
      c.data = buffer(c.name, 0, 1);
      c.data_bytes = avail;
      if (c.offsets == nullptr) {
        if (t.rows != 0) throw bad("column " + quote(c.name) + ": no offsets");
      } else {
        if (c.offsets[0] < 0) throw bad("column " + quote(c.name) + ": negative offset");
        for (std::size_t i = 0; i < t.rows; ++i)
          if (c.offsets[i + 1] < c.offsets[i]) throw bad("column " + quote(c.name) + ": offsets descend");
        if (static_cast<std::size_t>(c.offsets[t.rows]) > avail)
          throw bad("column " + quote(c.name) + ": offsets past the bytes");
      }
      if (c.data == nullptr) c.data = "";
    } else {
      c.data = buffer(c.name, t.rows * width(c.type), width(c.type));
      c.data_bytes = t.rows * width(c.type);
    }
  }
  return t;
}

}  // namespace arrow_ipc
}  // namespace detail
REGIOKPI_END_NAMESPACE
