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

// first_invalid_utf8(), byte_text() and invalid_utf8_message(), the UTF-8 half of the text toolbox,
// live in error.hpp beside quote(), which uses them.

}  // namespace detail

/// Reads all records of a CSV text. `source` (a file name) prefixes the places in error messages.
/// Throws error(parse_error) with one diagnostic "source:line:column" for an unterminated quoted
/// field (at its opening quote), a character after a closing quote, a quote inside an unquoted
/// field, a carriage return not followed by a line feed, or bytes that are not UTF-8 (at the first).
/// The tokenizer is the measurements ingest's (src/csv_tokenizer.hpp): one set of rules and messages.
REGIOKPI_EXPORT std::vector<csv_record> read_csv(std::string_view text, std::string_view source = {},
                                                 csv_options options = {});

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
