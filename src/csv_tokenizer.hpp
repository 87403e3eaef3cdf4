// Private: the one CSV tokenizer (RFC 4180) of the library and the tool. Not installed.
//
// The measurements ingest (src/ingest.cpp, the hot path), read_csv() (csv.hpp: the weights of
// `allocate`) and the tool's comma-separated option lists (--by, --indicator) all split their
// records here, so they share one set of quoting rules, one way of counting lines and columns and
// one set of messages. Fields are found in place (no copy unless they hold doubled quotes); the
// caller keeps the buffer and may refill it between rows (a row that runs past the end of the
// buffer before the end of the input is `need_more`, and nothing moves).
//
//   std::string buf = text;  buf.append(detail::csv_padding, '\0');  // readable bytes after the end
//   const char* p = buf.data();  const char* line_start = p;  std::uint64_t line = 0;
//   detail::csv_row row;
//   while (detail::tokenize_row(p, buf.data() + text.size(), true, line, line_start, row) == csv_step::row) ...
//
// Rules: fields are separated by commas; a field may be quoted with '"', and inside quotes commas,
// line breaks and doubled quotes ("" for one ") are data; lines end in LF or CRLF (a lone CR is an
// error); lines with no characters carry no row (unless asked otherwise). Errors: a quote inside an
// unquoted field, a character after a closing quote, a CR not followed by LF, a quoted field still
// open at the end of the input. Bytes of 0x80 and above are data; the row says whether it has any, so
// that a caller validates UTF-8 (field_with_invalid_utf8 below) only for the rows that need it.
#pragma once

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "regiokpi/csv.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

/// Readable bytes tokenize_row() needs after `end` (its fast path loads 16 bytes at a time).
inline constexpr std::size_t csv_padding = 64;

/// One field of a row as found in the buffer: the bytes between the quotes if quoted, and where it
/// starts for messages.
struct csv_raw_field {
  const char* begin;
  const char* end;
  const char* line_start;  ///< first byte of the physical line the field starts on
  std::uint64_t line;      ///< 0-based line number of that line, counted by the caller's `line`
  bool escaped;            ///< holds doubled quotes to undo (unescape())
  bool quoted;             ///< was quoted: its place is the opening quote, one before begin
};

/// What is wrong with a row that does not tokenize.
enum class csv_syntax : std::uint8_t { unclosed_quote, after_closing_quote, quote_in_field, lone_cr };

/// A row-level syntax problem: what, and at which byte (line and line start for the column).
struct csv_problem {
  const char* at = nullptr;
  const char* end = nullptr;  ///< the buffer's end, for reading the character at `at`
  const char* line_start = nullptr;
  std::uint64_t line = 0;
  csv_syntax what = csv_syntax::unclosed_quote;
};

/// One tokenized row.
struct csv_row {
  std::vector<csv_raw_field> fields;
  csv_problem problem;     ///< set for csv_step::bad_row
  bool non_ascii = false;  ///< some field holds a byte >= 0x80 (validate its UTF-8)
};

enum class csv_step { row, need_more, end_of_input, bad_row };

/// 1-based column, in characters (UTF-8 lead bytes), of `at` on the line starting at `line_start`.
inline std::uint64_t column_of(const char* line_start, const char* at) noexcept {
  std::uint64_t col = 1;
  for (const char* c = line_start; c < at; ++c)
    if ((static_cast<unsigned char>(*c) & 0xC0) != 0x80) ++col;
  return col;
}

/// The 0-based line and 1-based column of a byte inside a field (a quoted field may span lines).
inline std::pair<std::uint64_t, std::uint64_t> place_in_field(const csv_raw_field& f, const char* at) noexcept {
  std::uint64_t line = f.line;
  const char* line_start = f.line_start;
  for (const char* c = f.begin; c < at; ++c)
    if (*c == '\n') {
      ++line;
      line_start = c + 1;
    }
  return {line, column_of(line_start, at)};
}

/// The byte where a field starts for messages: its opening quote if quoted.
inline const char* field_start(const csv_raw_field& f) noexcept { return f.quoted ? f.begin - 1 : f.begin; }

/// A field's text: the bytes themselves, or (with doubled quotes) undoubled into `scratch`.
inline std::string_view unescape(const csv_raw_field& f, std::string& scratch) {
  if (!f.escaped) return {f.begin, static_cast<std::size_t>(f.end - f.begin)};
  scratch.clear();
  for (const char* c = f.begin; c < f.end; ++c) {
    scratch += *c;
    if (*c == '"') ++c;  // the second of a doubled quote
  }
  return scratch;
}

/// The field of a row holding the first byte that is not UTF-8 (first_invalid_utf8 in error.hpp),
/// with `at` set to that byte; nullptr if the row is UTF-8. Bytes outside the fields (quotes, commas,
/// line ends) are ASCII, so this checks the whole row; rows without a byte >= 0x80 (the common case)
/// cost one test.
inline const csv_raw_field* field_with_invalid_utf8(const csv_row& row, const char*& at) noexcept {
  if (!row.non_ascii) return nullptr;
  for (const csv_raw_field& f : row.fields) {
    const std::string_view bytes(f.begin, static_cast<std::size_t>(f.end - f.begin));
    if (const std::size_t bad = first_invalid_utf8(bytes); bad != bytes.size()) {
      at = f.begin + bad;
      return &f;
    }
  }
  return nullptr;
}

/// The message for a syntax problem.
inline std::string csv_problem_message(const csv_problem& p) {
  switch (p.what) {
    case csv_syntax::unclosed_quote:
      return "the quoted field that starts here is never closed (a missing '\"')";
    case csv_syntax::after_closing_quote: {
      // The character after the quote, whole if it is UTF-8 (quote() escapes a byte that is not).
      const std::size_t len = utf8_sequence_length(p.at, static_cast<std::size_t>(p.end - p.at));
      return "unexpected " + quote(std::string_view(p.at, len == 0 ? 1 : len)) +
             " after a closing quote (a quote inside a quoted field is written twice: \"\")";
    }
    case csv_syntax::quote_in_field:
      return "a quote inside an unquoted field (quote the whole field and double the quote)";
    case csv_syntax::lone_cr:
      return "a carriage return that is not followed by a line feed (lines end in LF or CRLF)";
  }
  return "malformed CSV";
}

/// Byte classes: 1 for the bytes that end or complicate an unquoted field (and for bytes >= 0x80,
/// which the slow path notes for UTF-8 validation).
inline constexpr std::array<std::uint8_t, 256> csv_special_bytes = [] {
  std::array<std::uint8_t, 256> t{};
  t[static_cast<unsigned char>(',')] = 1;
  t[static_cast<unsigned char>('\n')] = 1;
  t[static_cast<unsigned char>('\r')] = 1;
  t[static_cast<unsigned char>('"')] = 1;
  for (std::size_t b = 0x80; b < 256; ++b) t[b] = 1;
  return t;
}();

inline csv_step tokenize_row_slow(const char*& p, const char* end, bool eof, std::uint64_t& line,
                                  const char*& line_start, csv_row& row, bool skip_blank_lines);

/// Tokenizes one row starting at p. On `row`, p moves past the row and line/line_start follow it.
/// On `need_more`, nothing moves (the caller refills and calls again; `eof` says no more will come).
/// On `bad_row`, p moves past the rest of the physical line and row.problem says what was wrong.
/// `end_of_input`: only blank lines were left. Needs csv_padding readable bytes after end.
///
/// The common case fast: a row without quotes or carriage returns that ends with a line feed inside
/// the buffer, split 16 bytes at a time (SSE2), noting bytes >= 0x80 on the way. Anything else goes
/// to the general tokenizer.
inline csv_step tokenize_row(const char*& p, const char* end, bool eof, std::uint64_t& line, const char*& line_start,
                             csv_row& row, bool skip_blank_lines = true) {
#if defined(__SSE2__)
  if (p < end && *p != '\n' && *p != '\r') {
    std::vector<csv_raw_field>& fields = row.fields;
    fields.clear();
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
                  dq = _mm_set1_epi8('"');
    const char* field = p;
    unsigned high = 0;  // bytes >= 0x80 seen in the blocks before this one
    for (const char* block = p; block < end; block += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block));
      const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, dq)));
      auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
      const auto block_high = static_cast<unsigned>(_mm_movemask_epi8(v));
      while (mask != 0) {
        const char* c = block + __builtin_ctz(mask);
        mask &= mask - 1;
        if (c >= end) break;
        if (*c == ',') {
          fields.push_back({field, c, p, line, false, false});
          field = c + 1;
        } else if (*c == '\n') {
          fields.push_back({field, c, p, line, false, false});
          row.non_ascii = (high | (block_high & ((1u << (c - block)) - 1))) != 0;
          p = c + 1;
          ++line;
          line_start = p;
          return csv_step::row;
        } else {
          return tokenize_row_slow(p, end, eof, line, line_start, row, skip_blank_lines);
        }
      }
      high |= block_high;
    }
  }
#endif
  return tokenize_row_slow(p, end, eof, line, line_start, row, skip_blank_lines);
}

inline csv_step tokenize_row_slow(const char*& p, const char* end, bool eof, std::uint64_t& line,
                                  const char*& line_start, csv_row& row, bool skip_blank_lines) {
  std::vector<csv_raw_field>& fields = row.fields;
  fields.clear();
  bool high = false;
  const char* q = p;
  std::uint64_t ln = line;
  const char* ls = line_start;
  // Blank lines carry no row: skip them.
  while (skip_blank_lines && q < end && (*q == '\n' || (*q == '\r' && q + 1 < end && q[1] == '\n'))) {
    q += *q == '\n' ? 1 : 2;
    ++ln;
    ls = q;
  }
  if (q == end) {
    if (!eof) return csv_step::need_more;
    p = end;
    line = ln;
    line_start = ls;
    return csv_step::end_of_input;
  }
  if (*q == '\r' && q + 1 == end && !eof) return csv_step::need_more;  // a CRLF cut by the buffer
  auto fail = [&](const char* at, csv_syntax what) {
    row.problem = {at, end, ls, ln, what};
    // Resynchronise at the next line break.
    const char* nl = static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)));
    if (nl == nullptr && !eof) return csv_step::need_more;
    p = nl ? nl + 1 : end;
    line = ln + (nl ? 1 : 0);
    line_start = p;
    return csv_step::bad_row;
  };
  for (;;) {
    csv_raw_field f{q, q, ls, ln, false, false};
    if (q < end && *q == '"') {
      const char* open = q;
      ++q;
      f.begin = q;
      f.quoted = true;
      for (;;) {
        while (q < end && *q != '"') {
          if (*q == '\n') {
            ++ln;
            ls = q + 1;
          }
          high |= (static_cast<unsigned char>(*q) & 0x80) != 0;
          ++q;
        }
        if (q == end) {
          if (!eof) return csv_step::need_more;
          row.problem = {open, end, f.line_start, f.line, csv_syntax::unclosed_quote};
          p = end;
          line = ln;
          line_start = ls;
          return csv_step::bad_row;
        }
        if (q + 1 == end && !eof) return csv_step::need_more;
        if (q + 1 < end && q[1] == '"') {
          f.escaped = true;
          q += 2;
          continue;
        }
        f.end = q++;
        break;
      }
      if (q < end && *q != ',' && *q != '\n' && *q != '\r') return fail(q, csv_syntax::after_closing_quote);
    } else {
      for (;;) {
        while (q < end && csv_special_bytes[static_cast<unsigned char>(*q)] == 0) ++q;
        if (q == end || static_cast<unsigned char>(*q) < 0x80) break;
        high = true;
        ++q;
      }
      f.end = q;
      if (q < end && *q == '"') return fail(q, csv_syntax::quote_in_field);
    }
    fields.push_back(f);
    if (q == end) {
      if (!eof) return csv_step::need_more;
      break;
    }
    if (*q == ',') {
      ++q;
      continue;
    }
    if (*q == '\n') {
      ++q;
      ++ln;
      ls = q;
      break;
    }
    // '\r': a line end only with its '\n'
    if (q + 1 == end && !eof) return csv_step::need_more;
    if (q + 1 == end || q[1] != '\n') return fail(q, csv_syntax::lone_cr);
    q += 2;
    ++ln;
    ls = q;
    break;
  }
  row.non_ascii = high;
  p = q;
  line = ln;
  line_start = ls;
  return csv_step::row;
}

}  // namespace detail
REGIOKPI_END_NAMESPACE
