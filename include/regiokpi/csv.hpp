// regiokpi: a small RFC 4180 CSV reader and field writer. Records of fields, each field with the
// 1-based line and column where it starts, so that callers can name the place of a bad value.
//   auto records = regiokpi::read_csv("member,weight\n\"Aa en Hunze\",25390\n", "weights.csv");
//   records[1].fields[0].text == "Aa en Hunze";  records[1].fields[1].column == 15
// Quoted fields may hold commas, doubled quotes and line breaks; lines end in LF or CRLF; a UTF-8
// byte order mark at the start is skipped. Columns count characters (UTF-8 code points), not bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// One field: its text (unquoted, "" undoubled) and where it starts (1-based line and column).
struct csv_field {
  std::string text;
  std::size_t line = 0;
  std::size_t column = 0;
  friend bool operator==(const csv_field&, const csv_field&) = default;
};

/// One record (one logical line; a quoted field may span several physical lines).
struct csv_record {
  std::vector<csv_field> fields;
  std::size_t line = 0;  ///< the line the record starts on
  friend bool operator==(const csv_record&, const csv_record&) = default;
};

/// Options for read_csv.
struct csv_options {
  /// Skip lines with no characters at all (a trailing blank line, say). RFC 4180 would read them as
  /// records with one empty field, which no caller here wants.
  bool skip_empty_lines = true;
};

namespace detail {

inline std::string csv_place(std::string_view source, std::size_t line, std::size_t column) {
  std::string where = source.empty() ? std::string() : std::string(source) + ":";
  return where + std::to_string(line) + ":" + std::to_string(column);
}

/// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong forms,
/// no surrogates, nothing above U+10FFFF), or text.size() if all of it is.
inline std::size_t first_invalid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (n - i < len) return i;
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    if (b1 < lo || b1 > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return i;
    i += len;
  }
  return n;
}

}  // namespace detail

/// Reads all records of a CSV text. `source` (a file name) prefixes the places in error messages.
/// Throws error(parse_error) with one diagnostic "source:line:column" for an unterminated quoted
/// field (at its opening quote), a character after a closing quote, a quote inside an unquoted
/// field, a carriage return not followed by a line feed, or bytes that are not UTF-8 (at the first).
inline std::vector<csv_record> read_csv(std::string_view text, std::string_view source = {}, csv_options options = {}) {
  std::vector<csv_record> records;
  std::size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  std::size_t line = 1;
  std::size_t column = 1;
  const std::size_t n = text.size();
  auto fail = [&](std::size_t l, std::size_t c, const std::string& reason) {
    throw error(errc::parse_error, std::vector<diagnostic>{{detail::csv_place(source, l, c), reason}});
  };
  if (const std::size_t bad = detail::first_invalid_utf8(text); bad != n) {
    std::size_t l = 1, c = 1;
    for (std::size_t k = i; k < bad; ++k) {
      if (text[k] == '\n') {
        ++l;
        c = 1;
      } else if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) {
        ++c;
      }
    }
    static constexpr char hex[] = "0123456789abcdef";
    const auto b = static_cast<unsigned char>(text[bad]);
    fail(l, c,
         std::string("the byte \\x") + hex[b >> 4] + hex[b & 15] + " is not valid UTF-8 (the file must be UTF-8)");
  }
  // Advances past one character, keeping line and column: columns count UTF-8 lead bytes only.
  auto advance = [&] {
    const auto u = static_cast<unsigned char>(text[i]);
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((u & 0xC0) != 0x80) {
      ++column;
    }
    ++i;
  };
  // True at a line end (LF or CRLF); a lone CR is an error rather than a silent third convention.
  auto at_line_end = [&] {
    if (text[i] == '\n') return true;
    if (text[i] == '\r') {
      if (i + 1 < n && text[i + 1] == '\n') return true;
      fail(line, column, "a carriage return that is not followed by a line feed (lines end in LF or CRLF)");
    }
    return false;
  };
  auto skip_line_end = [&] {
    if (text[i] == '\r') ++i;  // CR of CRLF: the column is reset by the LF anyway
    advance();
  };

  while (i < n) {
    if (options.skip_empty_lines && at_line_end()) {
      skip_line_end();
      continue;
    }
    csv_record record;
    record.line = line;
    while (true) {  // one field per iteration
      csv_field field;
      field.line = line;
      field.column = column;
      if (i < n && text[i] == '"') {
        const std::size_t open_line = line;
        const std::size_t open_column = column;
        advance();
        while (true) {
          if (i >= n)
            fail(open_line, open_column, "the quoted field that starts here is never closed (a missing '\"')");
          if (text[i] == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field.text.push_back('"');
              advance();
              advance();
              continue;
            }
            advance();
            break;
          }
          field.text.push_back(text[i]);
          advance();
        }
        if (i < n && text[i] != ',' && !at_line_end())
          fail(line, column,
               "unexpected " + quote(text.substr(i, 1)) +
                   " after a closing quote (a quote inside a quoted field is written twice: \"\")");
      } else {
        while (i < n && text[i] != ',' && !at_line_end()) {
          if (text[i] == '"')
            fail(line, column, "a quote inside an unquoted field (quote the whole field and double the quote)");
          field.text.push_back(text[i]);
          advance();
        }
      }
      record.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        advance();
        continue;
      }
      if (i < n) skip_line_end();
      break;
    }
    records.push_back(std::move(record));
  }
  return records;
}

/// Appends a field as RFC 4180 writes it: quoted (with quotes doubled) only if it holds a comma, a
/// quote, a CR or LF, or begins or ends with a space (which readers that trim would lose). The one
/// rule for every CSV regiokpi writes (aggregate, report, allocate).
inline void csv_append_field(std::string& out, std::string_view field) {
  const bool needs = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!needs) {
    out += field;
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

/// csv_append_field() into a new string.
inline std::string csv_escape(std::string_view field) {
  std::string out;
  csv_append_field(out, field);
  return out;
}

REGIOKPI_END_NAMESPACE
