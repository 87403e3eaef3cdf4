// The weights CSV of `regiokpi allocate` (weights.hpp).
#include "weights.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <regiokpi/csv.hpp>
#include <regiokpi/error.hpp>
#include <regiokpi/export.hpp>
#include <string>
#include <utility>
#include <vector>

REGIOKPI_BEGIN_NAMESPACE
namespace cli {

namespace {
std::string place(const std::string& file, std::size_t line) { return file + ":" + std::to_string(line); }

}  // namespace

std::vector<member_row> read_weights(const std::string& file, const std::string& text) {
  const auto records = read_csv(text, file);
  if (records.empty())
    throw error(errc::validation_error,
                std::vector<diagnostic>{{place(file, 1), "the file is empty; expected a header line member,weight"}});
  const csv_record& header = records.front();
  std::vector<diagnostic> problems;
  std::size_t member_col = header.fields.size();
  std::size_t weight_col = header.fields.size();
  for (std::size_t c = 0; c < header.fields.size(); ++c) {
    const std::string& name = header.fields[c].text;
    std::size_t* slot = name == "member" ? &member_col : name == "weight" ? &weight_col : nullptr;
    if (slot == nullptr) continue;
    if (*slot != header.fields.size())
      problems.push_back({place(file, header.line), "the header has the column " + quote(name) + " twice"});
    *slot = c;
  }
  for (auto [col, name] : {std::pair{member_col, "member"}, std::pair{weight_col, "weight"}})
    if (col == header.fields.size())
      problems.push_back({place(file, header.line), std::string("missing column ") + quote(name) +
                                                        " (the header must name the columns member and weight)"});
  if (!problems.empty()) throw error(errc::validation_error, std::move(problems));
  if (records.size() == 1)
    throw error(errc::validation_error,
                std::vector<diagnostic>{{place(file, header.line), "no members: the file has a header but no rows"}});

  std::vector<member_row> rows;
  std::map<std::string, std::size_t, std::less<>> first_line;
  bool any_positive = false;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const csv_record& rec = records[r];
    const std::string at = place(file, rec.line);
    if (rec.fields.size() != header.fields.size()) {
      problems.push_back({at, "expected " + std::to_string(header.fields.size()) + " fields like the header, found " +
                                  std::to_string(rec.fields.size())});
      continue;
    }
    const std::string& member = rec.fields[member_col].text;
    const std::string& weight_text = rec.fields[weight_col].text;
    if (member.empty()) problems.push_back({at, "the member name is empty"});
    auto [it, inserted] = first_line.emplace(member, rec.line);
    if (!inserted && !member.empty())
      problems.push_back(
          {at, "duplicate member " + quote(member) + " (first on line " + std::to_string(it->second) + ")"});
    decimal weight;
    try {
      weight = parse_decimal(weight_text);
    } catch (const error&) {
      problems.push_back(
          {at, "weight " + quote(weight_text) +
                   " is not a non-negative decimal number (write digits with '.' as the decimal point)"});
      continue;
    }
    if (weight.is_negative()) {
      problems.push_back({at, "weight " + quote(weight_text) + " is negative; weights must be 0 or more"});
      continue;
    }
    any_positive = any_positive || !weight.is_zero();
    rows.push_back({member, weight, weight_text});
  }
  if (problems.empty() && !any_positive)
    problems.push_back({place(file, header.line), "every weight is zero: at least one member needs a positive weight"});
  if (!problems.empty()) throw error(errc::validation_error, std::move(problems));
  return rows;
}

}  // namespace cli
REGIOKPI_END_NAMESPACE
