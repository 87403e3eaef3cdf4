// read_csv (include/regiokpi/csv.hpp) on the one CSV tokenizer (csv_tokenizer.hpp).
#include "regiokpi/csv.hpp"
#include "regiokpi/export.hpp"

#include <string>
#include <vector>

#include "csv_tokenizer.hpp"

REGIOKPI_BEGIN_NAMESPACE

std::vector<csv_record> read_csv(std::string_view text, std::string_view source, csv_options options) {
  std::size_t bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  // The tokenizer reads up to csv_padding bytes past the end: a padded copy (the texts read here are
  // small; the measurements ingest reads in padded chunks of its own).
  std::string buf(text.substr(bom));
  const std::size_t size = buf.size();
  buf.append(detail::csv_padding, '\0');
  const char* p = buf.data();
  const char* const end = p + size;
  const char* line_start = p;
  std::uint64_t line = 0;
  auto fail = [&](std::uint64_t l, std::uint64_t column, const std::string& reason) {
    throw error(errc::parse_error, std::vector<diagnostic>{{detail::csv_place(source, l + 1, column), reason}});
  };
  std::vector<csv_record> records;
  detail::csv_row row;
  std::string scratch;
  for (;;) {
    const detail::csv_step step = detail::tokenize_row(p, end, true, line, line_start, row, options.skip_empty_lines);
    if (step == detail::csv_step::end_of_input) break;
    if (step == detail::csv_step::bad_row)
      fail(row.problem.line, detail::column_of(row.problem.line_start, row.problem.at),
           detail::csv_problem_message(row.problem));
    const char* bad = nullptr;
    if (const detail::csv_raw_field* f = detail::field_with_invalid_utf8(row, bad)) {
      const auto [l, c] = detail::place_in_field(*f, bad);
      fail(l, c, detail::invalid_utf8_message(*bad) + " (the file must be UTF-8)");
    }
    csv_record record;
    record.line = static_cast<std::size_t>(row.fields.front().line + 1);
    record.fields.reserve(row.fields.size());
    for (const auto& f : row.fields)
      record.fields.push_back({std::string(detail::unescape(f, scratch)), static_cast<std::size_t>(f.line + 1),
                               static_cast<std::size_t>(detail::column_of(f.line_start, detail::field_start(f)))});
    records.push_back(std::move(record));
  }
  return records;
}

REGIOKPI_END_NAMESPACE
