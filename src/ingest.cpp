// regiokpi: the CSV ingest (see include/regiokpi/ingest.hpp and docs/measurements-format.md).
//
// Speed comes from four things: the input is read in reused 1 MiB chunks (fresh pages are slow to
// touch), fields are parsed in place without copying unless they hold doubled quotes, a row's
// indicator and coordinates are looked up as one byte key (one hash probe per row instead of one
// per string), and large inputs are split at line breaks and parsed by several threads. A split is
// speculative: if a part does not end exactly where the next began (a quoted field spanned the
// break), the whole input is parsed again by one thread, so the result never depends on the split.
// The parts write their rows' series, dates and values straight into one set of columns, each at
// the row its part's line feeds put it (counted first, 16 bytes at a time), and are then taken into
// the first part as one batch: no part's rows are copied again into fresh pages.
#include "regiokpi/ingest.hpp"
#include "regiokpi/export.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "csv_tokenizer.hpp"
#include "file_io.hpp"
#include "ingest_checker.hpp"
#include "store_detail.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace {

using detail::ingest_checker;

constexpr std::size_t chunk_bytes = std::size_t{1} << 20;
/// Readable bytes after the data in every buffer, so that the tokenizer's 16-byte loads stay inside.
constexpr std::size_t padding = detail::csv_padding;

/// Where bytes come from: a file (pread) or a caller's memory (memcpy into the reused buffer).
class byte_source {
 public:
  virtual ~byte_source() = default;
  /// Copies up to n bytes at offset into dst; returns how many (0 at the end).
  virtual std::size_t read(std::uint64_t offset, char* dst, std::size_t n) const = 0;
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

 protected:
  std::uint64_t size_ = 0;
};

class memory_source final : public byte_source {
 public:
  explicit memory_source(std::string_view text) : text_(text) { size_ = text.size(); }
  std::size_t read(std::uint64_t offset, char* dst, std::size_t n) const override {
    if (offset >= text_.size()) return 0;
    n = std::min<std::size_t>(n, text_.size() - static_cast<std::size_t>(offset));
    std::memcpy(dst, text_.data() + offset, n);
    return n;
  }

 private:
  std::string_view text_;
};

class file_source final : public byte_source {
 public:
  explicit file_source(const std::string& path) : path_(path) {
    fd_ = detail::open_regular_file(path, size_);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  file_source(const file_source&) = delete;
  file_source& operator=(const file_source&) = delete;
  ~file_source() override { ::close(fd_); }
  std::size_t read(std::uint64_t offset, char* dst, std::size_t n) const override {
    std::size_t done = 0;
    while (done < n) {
      const ssize_t got = ::pread(fd_, dst + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw error(errc::io_error, path_ + ": read failed: " + std::strerror(errno));
      if (got == 0) break;
      done += static_cast<std::size_t>(got);
    }
    return done;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

// ---- the tokenizer: csv_tokenizer.hpp (shared with read_csv and the tool's option lists) -------

using detail::column_of;
using detail::csv_raw_field;
using detail::csv_row;
using detail::csv_step;

// ---- values ------------------------------------------------------------------------------------

/// A decimal number with optional sign and exponent; no inf, nan, hex or spaces.
bool parse_value(std::string_view s, double& out) {
  const char* b = s.data();
  const char* e = b + s.size();
  if (b == e) return false;
  const char* digits = b;
  if (*digits == '+' || *digits == '-') ++digits;
  if (digits == e || !((*digits >= '0' && *digits <= '9') || *digits == '.')) return false;
  if (*b == '+') ++b;
  // Clinger's fast path: up to 15 significant digits and no exponent is an exact integer divided by
  // an exact power of ten, which IEEE division rounds correctly. Everything else: from_chars.
  {
    static constexpr double pow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    std::uint64_t m = 0;
    int digits_seen = 0, frac = -1;
    const char* c = digits;
    for (; c < e && digits_seen <= 15; ++c) {
      if (*c >= '0' && *c <= '9') {
        m = m * 10 + static_cast<unsigned>(*c - '0');
        ++digits_seen;
        if (frac >= 0) ++frac;
      } else if (*c == '.' && frac < 0) {
        frac = 0;
      } else {
        break;
      }
    }
    if (c == e && digits_seen > 0 && digits_seen <= 15) {
      const double v = static_cast<double>(m) / pow10[frac < 0 ? 0 : frac];
      out = *b == '-' ? -v : v;
      return true;
    }
  }
  const auto r = std::from_chars(b, e, out);
  return r.ec == std::errc{} && r.ptr == e;
}

/// Why parse_value() refused `s`: a number outside the range of a double, or not a number.
std::string value_problem(std::string_view s) {
  double v = 0;
  const char* b = s.data() + (!s.empty() && s.front() == '+' ? 1 : 0);
  const auto r = std::from_chars(b, s.data() + s.size(), v);
  if (r.ec == std::errc::result_out_of_range && r.ptr == s.data() + s.size()) {
    // strtod tells underflow (a result of 0 or a tiny one) from overflow (HUGE_VAL).
    const double big = std::strtod(std::string(s).c_str(), nullptr);
    return std::fabs(big) >= 1.0
               ? quote(s) + " is too large for a number (overflow: the largest is about 1.8e308)"
               : quote(s) + " is too small for a number (underflow: the smallest nonzero is about 4.9e-324)";
  }
  return quote(s) + " is not a decimal number";
}

bool parse_revision(std::string_view s, std::uint32_t& out) {
  if (s.empty()) {
    out = 0;
    return true;
  }
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

std::string date_problem(std::string_view s) {
  try {
    (void)parse_date(s);
  } catch (const error& e) {
    return e.what();
  }
  return quote(s) + " is not a valid date";
}

// ---- the header ----------------------------------------------------------------------------

// period_start (issue 13): the first day of the reporting period a value covers (IATI's period-start);
// checked, not stored: a value counts at its `date`, the period's end.
enum class role : std::uint8_t {
  indicator,
  date,
  value,
  status,
  source,
  recorded_at,
  revision,
  note,
  period_start,
  dimension
};

struct layout {
  std::size_t columns = 0;
  std::vector<role> roles;
  std::vector<std::size_t> dimension_of;  // column -> dimension index (dimension columns only)
  std::vector<std::string> dimensions;
  bool has[9] = {};
  std::size_t at[9] = {};  // column of each reserved role
};

// ---- one part of the input, parsed by one thread -----------------------------------------------

struct located_error {
  std::uint64_t line;  // relative to the part's first line
  std::uint64_t column;
  std::string reason;
  bool validation;  // a programme rule rather than the syntax
};

class part_parser {
 public:
  part_parser(const byte_source& src, const layout& lay, const ingest_options& opt, const ingest_checker* checker,
              std::uint64_t begin, std::uint64_t end)
      : src_(src), lay_(lay), opt_(opt), checker_(checker), begin_(begin), end_(end) {
    batch_.dimensions = lay.dimensions;
    batch_.has_status = lay.has[static_cast<int>(role::status)];
    batch_.has_source = lay.has[static_cast<int>(role::source)];
    batch_.has_recorded_at = lay.has[static_cast<int>(role::recorded_at)];
    batch_.has_revision = lay.has[static_cast<int>(role::revision)];
    batch_.has_note = lay.has[static_cast<int>(role::note)];
    const std::size_t expect = static_cast<std::size_t>((end - begin) / 24 + 64);
    batch_.series.reserve(expect);
    batch_.day.reserve(expect);
    batch_.value.reserve(expect);
    members_.resize(lay.dimensions.size());
    ids_.resize(lay.dimensions.size());
    dim_bits_.assign(lay.dimensions.size(), 0);
    ordinal_.resize(lay.dimensions.size());
    ordinals_.assign(lay.dimensions.size(), 0);
    cube_.assign(1, detail::id_table::empty);
    member_of_ordinal_.resize(lay.dimensions.size());
    decoded_.resize(lay.dimensions.size());
    text_.resize(lay.columns);
  }

  /// Parses rows starting in [begin, end). Returns normally or throws error(cancelled)/io_error.
  void run() {
    parse();
    resolve();
  }

 private:
  void parse() {
    std::vector<char> buf(chunk_bytes + padding);
    std::uint64_t buf_pos = begin_;  // file offset of buf[0]
    std::size_t have = 0;
    bool eof = false;
    const char* p = buf.data();
    std::uint64_t line = 0;
    const char* line_start = p;
    csv_row row;
    row.fields.reserve(lay_.columns + 4);
    for (;;) {
      // Refill: keep the unparsed tail, read behind it.
      const std::size_t consumed = static_cast<std::size_t>(p - buf.data());
      const std::size_t tail = have - consumed;
      const std::size_t ls_off = static_cast<std::size_t>(line_start - buf.data());
      if (tail == buf.size() - padding) buf.resize(buf.size() * 2);  // a row longer than the buffer
      std::memmove(buf.data(), buf.data() + consumed, tail);
      buf_pos += consumed;
      have = tail;
      if (!eof) {
        const std::size_t want = buf.size() - padding - have;
        const std::size_t got = src_.read(buf_pos + have, buf.data() + have, want);
        have += got;
        eof = got < want || buf_pos + have >= src_.size();
      }
      p = buf.data();
      line_start = p + (ls_off >= consumed ? ls_off - consumed : 0);
      const char* end = buf.data() + have;
      done_.store(buf_pos - begin_, std::memory_order_relaxed);
      if (on_chunk) on_chunk();
      if (opt_.cancel != nullptr && opt_.cancel->load(std::memory_order_relaxed))
        throw error(errc::cancelled, "ingest cancelled");
      for (;;) {
        if (buf_pos + static_cast<std::uint64_t>(p - buf.data()) >= end_) {
          stop_ = buf_pos + static_cast<std::uint64_t>(p - buf.data());
          lines_ = line;
          return;
        }
        const csv_step r = detail::tokenize_row(p, end, eof, line, line_start, row);
        if (r == csv_step::need_more) break;
        if (r == csv_step::end_of_input) {
          stop_ = buf_pos + static_cast<std::uint64_t>(p - buf.data());
          lines_ = line;
          return;
        }
        if (r == csv_step::bad_row) {
          add_error(row.problem.line, column_of(row.problem.line_start, row.problem.at),
                    detail::csv_problem_message(row.problem), false);
        } else {
          take_row(row, p);
        }
        if (errors_.size() > opt_.max_errors) {
          stop_ = ~std::uint64_t{0};
          lines_ = line;
          capped_ = true;
          return;
        }
      }
      if (eof && p == end) {
        stop_ = buf_pos + have;
        lines_ = line;
        return;
      }
    }
  }

 public:
  std::function<void()> on_chunk;  // called after each chunk read (part 0: progress on the caller's thread)

  detail::staged_batch& batch() { return batch_; }
  std::vector<located_error>& errors() { return errors_; }
  [[nodiscard]] std::uint64_t stop() const { return stop_; }
  [[nodiscard]] std::uint64_t lines() const { return lines_; }
  [[nodiscard]] bool capped() const { return capped_; }
  [[nodiscard]] std::uint64_t done() const { return done_.load(std::memory_order_relaxed); }

 private:
  void add_error(std::uint64_t line, std::uint64_t column, std::string reason, bool validation) {
    errors_.push_back({line, column, std::move(reason), validation});
  }

  std::string_view text_of(const csv_raw_field& f, std::size_t col) { return detail::unescape(f, text_[col]); }

  void field_error(const csv_raw_field& f, std::string reason, bool validation = false) {
    add_error(f.line, column_of(f.line_start, detail::field_start(f)), std::move(reason), validation);
  }

  void take_row(const csv_row& tokens, const char* row_end) {
    const std::vector<csv_raw_field>& fields = tokens.fields;
    // Text must be UTF-8 (a store's strings reach Arrow utf8 columns): checked only for rows with a
    // byte >= 0x80, which the tokenizer notes on its way.
    const char* bad = nullptr;
    if (const csv_raw_field* f = detail::field_with_invalid_utf8(tokens, bad)) [[unlikely]] {
      const auto [line, column] = detail::place_in_field(*f, bad);
      add_error(line, column, detail::invalid_utf8_message(*bad) + " (the file must be UTF-8)", false);
      return;
    }
    if (fields.size() != lay_.columns) {
      if (fields.size() > lay_.columns) {
        const csv_raw_field& extra = fields[lay_.columns];
        field_error(extra, "this row has " + std::to_string(fields.size()) + " fields, the header has " +
                               std::to_string(lay_.columns));
      } else {
        const csv_raw_field& last = fields.back();
        const char* at = last.end;
        if (at < row_end && *at == '"') ++at;
        add_error(last.line, column_of(last.line_start, at),
                  "this row has " + std::to_string(fields.size()) + " field" + (fields.size() == 1 ? "" : "s") +
                      ", the header has " + std::to_string(lay_.columns),
                  false);
      }
      return;
    }
    const std::size_t errors_before = errors_.size();
    auto at = [&](role r) -> const csv_raw_field& { return fields[lay_.at[static_cast<int>(r)]]; };
    auto text = [&](role r) { return text_of(at(r), lay_.at[static_cast<int>(r)]); };

    const std::string_view indicator = text(role::indicator);
    if (indicator.empty()) field_error(at(role::indicator), "the indicator is empty");
    const std::string_view date_text = text(role::date);
    const auto day = try_parse_date(date_text);
    if (!day) field_error(at(role::date), date_text.empty() ? "the date is empty" : date_problem(date_text));
    const std::string_view value_text = text(role::value);
    double value = 0;
    // A value that is not a number may be text only for a text indicator of the programme (looked
    // up here, off the numbers' path); without a programme it is an error, as a typo ("12,5") is.
    bool is_text = false;
    if (!parse_value(value_text, value)) {
      is_text = checker_ != nullptr && !value_text.empty() && checker_->text_indicator(indicator) != nullptr;
      if (!is_text)
        field_error(at(role::value), value_text.empty() ? "the value is empty"
                                     : checker_ != nullptr
                                         ? value_problem(value_text) + " (only a text indicator's value may be text)"
                                         : value_problem(value_text));
    }
    measurement_status status = measurement_status::unspecified;
    if (batch_.has_status) {
      const std::string_view s = text(role::status);
      if (auto st = parse_measurement_status(s))
        status = *st;
      else
        field_error(at(role::status), quote(s) + " is not a status: use provisional, final or estimated");
    }
    std::int32_t recorded = detail::no_day;
    if (batch_.has_recorded_at) {
      const std::string_view s = text(role::recorded_at);
      if (!s.empty()) {
        if (auto d = try_parse_date(s))
          recorded = d->day_number();
        else
          field_error(at(role::recorded_at), date_problem(s));
      }
    }
    if (lay_.has[static_cast<int>(role::period_start)]) {
      const std::string_view s = text(role::period_start);
      if (!s.empty()) {
        const auto d = try_parse_date(s);
        if (!d)
          field_error(at(role::period_start), date_problem(s));
        else if (day && *d > *day)
          field_error(at(role::period_start),
                      "the period start " + std::string(s) + " is after the date " + std::string(date_text));
      }
    }
    std::uint32_t revision = 0;
    if (batch_.has_revision) {
      const std::string_view s = text(role::revision);
      if (!parse_revision(s, revision))
        field_error(at(role::revision), quote(s) + " is not a revision number (a whole number 0 or more)");
    }
    if (errors_.size() != errors_before) return;
    if (checker_ != nullptr) {
      for (std::size_t c = 0; c < lay_.columns; ++c)
        if (lay_.roles[c] == role::dimension) members_[lay_.dimension_of[c]] = text_of(fields[c], c);
      const regiokpi::indicator* ind =
          checker_->check(indicator, members_, is_text ? nullptr : &value, [&](std::size_t dim, std::string reason) {
            const std::size_t col = dim == ingest_checker::indicator_field ? lay_.at[static_cast<int>(role::indicator)]
                                    : dim == ingest_checker::value_field   ? lay_.at[static_cast<int>(role::value)]
                                                                           : column_of_dimension(dim);
            field_error(fields[col], std::move(reason), true);
          });
      if (errors_.size() != errors_before) return;
      // A text indicator's value is text even when it reads as a number ("2021").
      if (ind != nullptr && ind->kind == measure_kind::text) {
        is_text = true;
        value = 0;
      }
    }
    if (!errors_.empty()) return;  // the batch is rejected anyway: stop staging rows

    // Strings are interned per column (small, cache-resident tables); the series is then found by
    // its ids packed into one 64-bit key, stored inline in the table (one probe, no indirection).
    const std::uint32_t ind = batch_.indicators.intern(indicator);
    for (std::size_t c = 0; c < lay_.columns; ++c)
      if (lay_.roles[c] == role::dimension) ids_[lay_.dimension_of[c]] = batch_.members.intern(text_of(fields[c], c));
    batch_.series.push_back(stage_series(ind));
    batch_.day.push_back(day->day_number());
    batch_.value.push_back(value);
    if (batch_.has_status) batch_.status.push_back(status);
    if (batch_.has_source) batch_.source.push_back(batch_.texts.intern(text(role::source)));
    if (batch_.has_recorded_at) batch_.recorded_at.push_back(recorded);
    if (batch_.has_revision) batch_.revision.push_back(revision);
    if (batch_.has_note) batch_.note.push_back(batch_.texts.intern(text(role::note)));
    if (is_text) {
      batch_.text_rows.push_back(static_cast<std::uint32_t>(batch_.day.size() - 1));
      batch_.text_ids.push_back(batch_.texts.intern(value_text));
    }
  }

  std::size_t column_of_dimension(std::size_t dim) const {
    for (std::size_t c = 0; c < lay_.columns; ++c)
      if (lay_.roles[c] == role::dimension && lay_.dimension_of[c] == dim) return c;
    return 0;
  }

  /// The row's series, or while the cube is in use its cube index: resolve() turns those into series
  /// ids later in a tight loop that prefetches, instead of waiting on one cache miss per row here.
  std::uint32_t stage_series(std::uint32_t ind) {
    for (;;) {
      if (cube_off_) return packed_series_of(ind);
      bool fits = (ind >> ind_bits_) == 0;
      std::size_t idx = ind;
      for (std::size_t k = 0; k < ids_.size(); ++k) {
        const std::uint32_t o = ordinal(k, ids_[k]);
        fits = fits && (o >> dim_bits_[k]) == 0;
        idx = (idx << dim_bits_[k]) | o;
      }
      if (fits) return static_cast<std::uint32_t>(idx);
      resolve();
      widen_cube();
    }
  }

  /// 0-based ordinal of a member within dimension k, numbering new ones.
  std::uint32_t ordinal(std::size_t k, std::uint32_t member) {
    std::vector<std::uint32_t>& ord = ordinal_[k];
    if (member >= ord.size()) ord.resize(batch_.members.size(), 0);
    if (ord[member] == 0) {
      ord[member] = ++ordinals_[k];
      member_of_ordinal_[k].push_back(member);
    }
    return ord[member] - 1;
  }

  /// Replaces the staged cube indices with series ids, numbering new series in row order.
  void resolve() {
    if (cube_off_) return;
    std::uint32_t* col = batch_.series.data();
    const std::size_t end = batch_.series.size();
    constexpr std::size_t ahead = 16;
    for (std::size_t j = resolved_; j < end; ++j) {
      if (j + ahead < end) __builtin_prefetch(&cube_[col[j + ahead]]);
      std::uint32_t& slot = cube_[col[j]];
      if (slot == detail::id_table::empty) {
        std::size_t idx = col[j];
        for (std::size_t k = ids_.size(); k-- > 0;) {
          decoded_[k] = member_of_ordinal_[k][idx & ((std::size_t{1} << dim_bits_[k]) - 1)];
          idx >>= dim_bits_[k];
        }
        slot = batch_.series_of(static_cast<std::uint32_t>(idx), decoded_.data());
      }
      col[j] = slot;
    }
    resolved_ = end;
  }

  std::uint32_t packed_series_of(std::uint32_t ind) {
    const std::size_t nd = ids_.size();
    const unsigned bits = nd == 0 ? 32 : static_cast<unsigned>(32 / nd);
    std::uint64_t key = std::uint64_t{ind} << 32;
    for (std::size_t k = 0; k < nd; ++k) {
      // (a shift by 32, with one dimension, would be undefined: every id fits then)
      if (bits == 0 || (bits < 32 && (ids_[k] >> bits) != 0)) return batch_.series_of(ind, ids_.data());
      key |= std::uint64_t{ids_[k]} << (bits * k);
    }
    if ((packed_count_ + 1) * 2 > packed_.size()) grow_packed();
    const std::size_t mask = packed_.size() - 1;
    for (std::size_t i = mix(key) & mask;; i = (i + 1) & mask) {
      packed_slot& sl = packed_[i];
      if (sl.id == detail::id_table::empty) {
        sl = {key, batch_.series_of(ind, ids_.data())};
        ++packed_count_;
        return sl.id;
      }
      if (sl.key == key) return sl.id;
    }
  }

  /// Widens the cube to hold the current indicators and members, or gives it up when it would be
  /// too large, and re-files the known series. Staged rows must be resolved first.
  void widen_cube() {
    auto bits_for = [](std::size_t n) {
      unsigned b = 0;
      while ((std::size_t{1} << b) < n) ++b;
      return b;
    };
    ind_bits_ = std::max(ind_bits_, bits_for(batch_.indicators.size()));
    unsigned total = ind_bits_;
    for (std::size_t k = 0; k < ids_.size(); ++k) {
      dim_bits_[k] = std::max(dim_bits_[k], bits_for(ordinals_[k]));
      total += dim_bits_[k];
    }
    constexpr unsigned max_bits = 22;  // 16 MiB of uint32
    if (total > max_bits) {
      cube_off_ = true;
      cube_ = {};
      return;
    }
    cube_.assign(std::size_t{1} << total, detail::id_table::empty);
    const std::size_t stride = ids_.size() + 1;
    for (std::size_t sid = 0; sid * stride < batch_.series_keys.size(); ++sid) {
      const std::uint32_t* key = batch_.series_keys.data() + sid * stride;
      std::size_t idx = key[0];
      for (std::size_t k = 0; k < ids_.size(); ++k) idx = (idx << dim_bits_[k]) | (ordinal_[k][key[k + 1]] - 1);
      cube_[idx] = static_cast<std::uint32_t>(sid);
    }
  }

  static std::size_t mix(std::uint64_t x) noexcept {
    x ^= x >> 31;
    x *= 0x9E3779B97F4A7C15ULL;
    x ^= x >> 29;
    return static_cast<std::size_t>(x);
  }

  void grow_packed() {
    std::vector<packed_slot> bigger(packed_.empty() ? 1024 : packed_.size() * 2);
    const std::size_t mask = bigger.size() - 1;
    for (const packed_slot& sl : packed_) {
      if (sl.id == detail::id_table::empty) continue;
      std::size_t i = mix(sl.key) & mask;
      while (bigger[i].id != detail::id_table::empty) i = (i + 1) & mask;
      bigger[i] = sl;
    }
    packed_.swap(bigger);
  }

  struct packed_slot {
    std::uint64_t key = 0;
    std::uint32_t id = detail::id_table::empty;
  };

  const byte_source& src_;
  const layout& lay_;
  const ingest_options& opt_;
  const ingest_checker* checker_;
  std::uint64_t begin_, end_;
  std::uint64_t stop_ = 0, lines_ = 0;
  bool capped_ = false;
  std::atomic<std::uint64_t> done_{0};
  detail::staged_batch batch_;
  std::vector<located_error> errors_;
  std::vector<std::string> text_;  // per column: unescaped text of the current row
  std::vector<std::string_view> members_;
  std::vector<std::uint32_t> ids_;
  std::vector<packed_slot> packed_;
  std::size_t packed_count_ = 0;
  bool cube_off_ = false;
  unsigned ind_bits_ = 0;
  std::vector<unsigned> dim_bits_;
  std::vector<std::vector<std::uint32_t>> ordinal_;  // per dimension: member id -> 1 + ordinal (0: none yet)
  std::vector<std::uint32_t> ordinals_;              // per dimension: ordinals handed out
  std::vector<std::uint32_t> cube_;
  std::vector<std::vector<std::uint32_t>> member_of_ordinal_;  // per dimension: ordinal -> member id
  std::vector<std::uint32_t> decoded_;
  std::size_t resolved_ = 0;  // rows before this hold series ids; after it (cube in use) cube indices
};

// ---- the whole ingest ------------------------------------------------------------------------

std::string place(const std::string& name, std::uint64_t line, std::uint64_t column) {
  return name + ":" + std::to_string(line) + ":" + std::to_string(column);
}

/// Line feeds in p[0, n), 16 bytes at a time.
std::uint64_t count_line_feeds(const char* p, std::size_t n) noexcept {
  std::uint64_t c = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    c += static_cast<unsigned>(__builtin_popcount(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf)))));
  }
#endif
  for (; i < n; ++i) c += p[i] == '\n' ? 1 : 0;
  return c;
}

/// Line feeds in [begin, end) of the input: at least the rows that start there, since a row ends at
/// a line feed (a CR only with its LF) or at the end of the input.
std::uint64_t count_line_feeds(const byte_source& src, std::uint64_t begin, std::uint64_t end) {
  std::vector<char> buf(chunk_bytes);
  std::uint64_t n = 0;
  for (std::uint64_t pos = begin; pos < end;) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), end - pos));
    const std::size_t got = src.read(pos, buf.data(), want);
    if (got == 0) break;
    n += count_line_feeds(buf.data(), got);
    pos += got;
  }
  return n;
}

/// Takes the parsed part `from` into `to`, whose series, day and value columns already hold from's
/// rows at [row0, row0 + rows): its strings and series are numbered on after to's (as the store
/// would number them taking the parts in turn), its series ids rewritten in place, its other
/// columns appended.
void absorb(detail::staged_batch& to, const detail::staged_batch& from, std::size_t row0, std::size_t rows) {
  std::vector<std::uint32_t> ind(from.indicators.size()), mem(from.members.size()), txt(from.texts.size());
  for (std::uint32_t i = 0; i < ind.size(); ++i) ind[i] = to.indicators.intern(from.indicators[i]);
  for (std::uint32_t i = 0; i < mem.size(); ++i) mem[i] = to.members.intern(from.members[i]);
  for (std::uint32_t i = 0; i < txt.size(); ++i) txt[i] = to.texts.intern(from.texts[i]);
  const std::size_t stride = from.dimensions.size() + 1;
  std::vector<std::uint32_t> smap(from.series_keys.size() / stride), key(stride);
  for (std::size_t s = 0; s < smap.size(); ++s) {
    const std::uint32_t* k = from.series_keys.data() + s * stride;
    key[0] = ind[k[0]];
    for (std::size_t d = 1; d < stride; ++d) key[d] = mem[k[d]];
    smap[s] = to.series_of(key[0], key.data() + 1);
  }
  std::uint32_t* series = to.series.data() + row0;
  for (std::size_t i = 0; i < rows; ++i) series[i] = smap[series[i]];
  auto texts = [&](detail::column<std::uint32_t>& dst, const detail::column<std::uint32_t>& src) {
    const std::size_t base = dst.size();
    dst.resize_uninitialized(base + rows);
    for (std::size_t i = 0; i < rows; ++i) dst[base + i] = txt[src[i]];
  };
  if (to.has_status) to.status.append(from.status.data(), rows);
  if (to.has_source) texts(to.source, from.source);
  if (to.has_recorded_at) to.recorded_at.append(from.recorded_at.data(), rows);
  if (to.has_revision) to.revision.append(from.revision.data(), rows);
  if (to.has_note) texts(to.note, from.note);
  for (std::size_t k = 0; k < from.text_rows.size(); ++k) {
    to.text_rows.push_back(static_cast<std::uint32_t>(row0 + from.text_rows[k]));
    to.text_ids.push_back(txt[from.text_ids[k]]);
  }
}

/// Reads and checks the header row; returns the offset of the first data byte and the lines it used.
std::uint64_t read_header(const byte_source& src, const std::string& name, layout& lay, std::uint64_t& header_lines) {
  std::vector<char> buf;
  std::size_t have = 0;
  bool eof = false;
  csv_row row;
  const char* p = nullptr;
  std::uint64_t line = 0;
  const char* line_start = nullptr;
  std::size_t bom = 0;
  for (;;) {
    buf.resize(std::max<std::size_t>(buf.size() * 2, 64 * 1024));
    const std::size_t want = buf.size() - padding - have;
    const std::size_t got = src.read(have, buf.data() + have, want);
    have += got;
    eof = got < want;
    bom = have >= 3 && std::memcmp(buf.data(), "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    p = buf.data() + bom;
    line = 0;
    line_start = p;
    const csv_step r = detail::tokenize_row(p, buf.data() + have, eof, line, line_start, row);
    if (r == csv_step::need_more) continue;
    if (r == csv_step::end_of_input)
      throw error(errc::parse_error, std::vector<diagnostic>{{name, "the input is empty: expected a header row"}});
    if (r == csv_step::bad_row)
      throw error(
          errc::parse_error,
          std::vector<diagnostic>{{place(name, row.problem.line + 1, column_of(row.problem.line_start, row.problem.at)),
                                   detail::csv_problem_message(row.problem)}});
    const char* bad = nullptr;
    if (const csv_raw_field* f = detail::field_with_invalid_utf8(row, bad)) {
      const auto [l, c] = detail::place_in_field(*f, bad);
      throw error(errc::parse_error,
                  std::vector<diagnostic>{
                      {place(name, l + 1, c), detail::invalid_utf8_message(*bad) + " (the file must be UTF-8)"}});
    }
    break;
  }
  const std::vector<csv_raw_field>& fields = row.fields;
  static constexpr std::array<std::string_view, 9> reserved{"indicator",   "date",     "value", "status",      "source",
                                                            "recorded_at", "revision", "note",  "period_start"};
  std::vector<diagnostic> problems;
  lay.columns = fields.size();
  lay.roles.assign(fields.size(), role::dimension);
  lay.dimension_of.assign(fields.size(), 0);
  std::vector<std::string> names;
  for (std::size_t c = 0; c < fields.size(); ++c) {
    const csv_raw_field& f = fields[c];
    std::string scratch;
    const std::string n(detail::unescape(f, scratch));
    const std::string where = place(name, f.line + 1, column_of(f.line_start, detail::field_start(f)));
    if (n.empty()) problems.push_back({where, "column " + std::to_string(c + 1) + " has an empty name"});
    for (std::size_t b = 0; b < names.size(); ++b)
      if (names[b] == n && !n.empty())
        problems.push_back({where, quote(n) + " names column " + std::to_string(b + 1) + " too"});
    names.push_back(n);
    const auto it = std::find(reserved.begin(), reserved.end(), n);
    if (it != reserved.end()) {
      const auto r = static_cast<std::size_t>(it - reserved.begin());
      lay.roles[c] = static_cast<role>(r);
      lay.has[r] = true;
      lay.at[r] = c;
    } else {
      lay.dimension_of[c] = lay.dimensions.size();
      lay.dimensions.push_back(n);
    }
  }
  for (std::size_t r = 0; r < 3; ++r)
    if (!lay.has[r])
      problems.push_back({place(name, 1, 1),
                          "the header has no " + quote(reserved[r]) + " column (required: indicator, date, value)"});
  if (!problems.empty()) throw error(errc::parse_error, std::move(problems));
  header_lines = line;
  return static_cast<std::uint64_t>(p - buf.data());
}

ingest_summary ingest(measurement_store& store, const byte_source& src, const ingest_options& opt,
                      const std::string& name) {
  layout lay;
  std::uint64_t header_lines = 0;
  const std::uint64_t data_begin = read_header(src, name, lay, header_lines);
  const std::unique_ptr<ingest_checker> checker =
      opt.programme != nullptr ? std::make_unique<ingest_checker>(*opt.programme, lay.dimensions) : nullptr;
  const std::uint64_t total = src.size();
  const std::uint64_t data_bytes = total - data_begin;

  unsigned threads = opt.threads;
  if (threads == 0) {
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    threads = data_bytes < (std::uint64_t{8} << 20) ? 1u : std::min(hw, 8u);
  }

  // Split points: just after a line break near each equal share (speculative, checked below).
  auto split = [&](unsigned n) {
    std::vector<std::uint64_t> at{data_begin};
    std::array<char, 4096> probe{};
    for (unsigned k = 1; k < n; ++k) {
      std::uint64_t pos = std::max(at.back(), data_begin + data_bytes * k / n);
      bool found = false;
      while (!found && pos < total) {
        const std::size_t got = src.read(pos, probe.data(), probe.size());
        if (got == 0) break;
        const void* nl = std::memchr(probe.data(), '\n', got);
        if (nl != nullptr) {
          pos += static_cast<std::uint64_t>(static_cast<const char*>(nl) - probe.data()) + 1;
          found = true;
        } else {
          pos += got;
        }
      }
      if (found && pos < total && pos > at.back()) at.push_back(pos);
    }
    at.push_back(total);
    return at;
  };

  // Several parts write their rows' series, day and value straight into one set of columns, each
  // from its own first row on: the line feeds of every part are counted first (a row ends at one),
  // so that each knows where its rows go without waiting for the others. Without this the later
  // parts' rows were copied after parsing, into pages touched for the first time: on a virtual
  // machine that costs more than counting the line feeds again (docs/benchmarks.md).
  detail::column<std::uint32_t> all_series;
  detail::column<std::int32_t> all_day;
  detail::column<double> all_value;
  std::vector<std::uint64_t> room_at;  // per part: the first row of its room (empty: not placed)
  auto make_room = [&](std::vector<std::unique_ptr<part_parser>>& parts, const std::vector<std::uint64_t>& at) {
    std::vector<std::uint64_t> feeds(parts.size());
    std::vector<std::exception_ptr> failures(parts.size());
    std::vector<std::thread> counters;
    auto count = [&](std::size_t k) {
      try {
        feeds[k] = count_line_feeds(src, at[k], at[k + 1]);
      } catch (...) {
        failures[k] = std::current_exception();
      }
    };
    for (std::size_t k = 1; k < parts.size(); ++k) counters.emplace_back(count, k);
    count(0);
    for (auto& c : counters) c.join();
    for (auto& f : failures)
      if (f) std::rethrow_exception(f);
    room_at.assign(parts.size(), 0);
    std::uint64_t rows = 0;
    for (std::size_t k = 0; k < parts.size(); ++k) room_at[k] = rows, rows += feeds[k];
    ++rows;  // the last row may end at the end of the input, without a line feed
    all_series.reserve(static_cast<std::size_t>(rows));
    all_day.reserve(static_cast<std::size_t>(rows));
    all_value.reserve(static_cast<std::size_t>(rows));
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const auto room = static_cast<std::size_t>(feeds[k] + (k + 1 == parts.size() ? 1 : 0));
      detail::staged_batch& b = parts[k]->batch();
      b.series.window(all_series.data() + room_at[k], room);
      b.day.window(all_day.data() + room_at[k], room);
      b.value.window(all_value.data() + room_at[k], room);
    }
  };

  auto run = [&](unsigned n) {
    const std::vector<std::uint64_t> at = split(n);
    std::vector<std::unique_ptr<part_parser>> parts;
    for (std::size_t k = 0; k + 1 < at.size(); ++k)
      parts.push_back(std::make_unique<part_parser>(src, lay, opt, checker.get(), at[k], at[k + 1]));
    room_at.clear();
    // (a second run, after a split inside a quoted field, is one part: the first run's rows go)
    detail::column<std::uint32_t>().swap(all_series);
    detail::column<std::int32_t>().swap(all_day);
    detail::column<double>().swap(all_value);
    if (parts.size() > 1) make_room(parts, at);
    std::vector<std::exception_ptr> failures(parts.size());
    std::vector<std::thread> workers;
    for (std::size_t k = 1; k < parts.size(); ++k)
      workers.emplace_back([&, k] {
        try {
          parts[k]->run();
        } catch (...) {
          failures[k] = std::current_exception();
        }
      });
    if (opt.progress)
      parts[0]->on_chunk = [&] {
        std::uint64_t done = 0;
        for (const auto& p : parts) done += p->done();
        opt.progress(std::min(data_begin + done, total), total);
      };
    try {
      parts[0]->run();
    } catch (...) {
      failures[0] = std::current_exception();
    }
    for (auto& w : workers) w.join();
    if (opt.progress) opt.progress(total, total);
    for (auto& f : failures)
      if (f) std::rethrow_exception(f);
    return std::make_pair(at, std::move(parts));
  };

  auto [at, parts] = run(threads);
  bool consistent = true;
  for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
    if (parts[k]->capped()) break;
    if (parts[k]->stop() != at[k + 1]) consistent = false;
  }
  if (!consistent) std::tie(at, parts) = run(1);

  // Collect the errors in input order, with absolute line numbers.
  std::vector<diagnostic> problems;
  bool syntax = false;
  std::uint64_t line_base = header_lines + 1;
  bool more = false;
  for (auto& part : parts) {
    for (auto& e : part->errors()) {
      if (problems.size() == opt.max_errors) {
        more = true;
        break;
      }
      syntax |= !e.validation;
      problems.push_back({place(name, line_base + e.line, e.column), std::move(e.reason)});
    }
    if (more || part->capped()) {
      more = more || part->errors().size() > opt.max_errors;
      break;
    }
    line_base += part->lines();
  }
  if (more) problems.push_back({name, "more errors not listed (at most " + std::to_string(opt.max_errors) + ")"});
  if (!problems.empty()) throw error(syntax ? errc::parse_error : errc::validation_error, std::move(problems));
  if (opt.cancel != nullptr && opt.cancel->load()) throw error(errc::cancelled, "ingest cancelled");

  std::vector<detail::staged_batch> batches;
  batches.reserve(parts.size());
  ingest_summary summary;
  if (!room_at.empty()) {
    // Each part's rows moved down to follow the previous part's (closing the gap its blank lines or
    // quoted line breaks left; a part that outgrew its room, which the count rules out, had copied
    // its rows out and is copied back), then the parts taken into the first as one batch.
    bool in_place = true;
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const detail::staged_batch& b = parts[k]->batch();
      in_place = in_place && b.series.data() == all_series.data() + room_at[k] &&
                 b.day.data() == all_day.data() + room_at[k] && b.value.data() == all_value.data() + room_at[k];
    }
    std::vector<std::size_t> first_row(parts.size());
    std::size_t rows = 0;
    // In place, each part's rows fit its room, so moving them down stays inside the columns.
    detail::column<std::uint32_t> copied_series;
    detail::column<std::int32_t> copied_day;
    detail::column<double> copied_value;
    auto settle = [&](auto& all, auto& copied, auto& mine) {
      if (!in_place) return copied.append(mine.data(), mine.size());
      if (!mine.empty() && mine.data() != all.data() + rows)
        std::memmove(all.data() + rows, mine.data(), mine.size() * sizeof(*mine.data()));
    };
    for (std::size_t k = 0; k < parts.size(); ++k) {
      detail::staged_batch& b = parts[k]->batch();
      settle(all_series, copied_series, b.series);
      settle(all_day, copied_day, b.day);
      settle(all_value, copied_value, b.value);
      first_row[k] = rows;
      rows += b.size();
    }
    if (in_place) {
      all_series.resize_uninitialized(rows);
      all_day.resize_uninitialized(rows);
      all_value.resize_uninitialized(rows);
    } else {
      all_series.swap(copied_series);
      all_day.swap(copied_day);
      all_value.swap(copied_value);
    }
    detail::staged_batch& first = parts[0]->batch();
    first.series.swap(all_series);
    first.day.swap(all_day);
    first.value.swap(all_value);
    for (std::size_t k = 1; k < parts.size(); ++k)
      absorb(first, parts[k]->batch(), first_row[k], parts[k]->batch().size());
    summary.rows = rows;
    batches.push_back(std::move(first));
  } else {
    for (auto& part : parts) {
      summary.rows += part->batch().size();
      batches.push_back(std::move(part->batch()));
    }
  }
  parts.clear();
  summary.bytes = static_cast<std::size_t>(total);
  detail::store_access::commit(store, batches);
  return summary;
}

}  // namespace

ingest_summary ingest_csv(measurement_store& store, std::string_view text, const ingest_options& options) {
  const memory_source src(text);
  return ingest(store, src, options, options.source_name.empty() ? std::string("<input>") : options.source_name);
}

ingest_summary ingest_csv_file(measurement_store& store, const std::string& path, const ingest_options& options) {
  const file_source src(path);
  return ingest(store, src, options, options.source_name.empty() ? path : options.source_name);
}

REGIOKPI_END_NAMESPACE
