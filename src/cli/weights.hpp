// The weights CSV of `regiokpi allocate` (docs/money.md): a header naming the columns member and
// weight, one row per member. Apart from allocate.cpp so that the weights fuzz target
// (tests/fuzz/weights_csv_fuzz.cpp) runs the very reader the tool uses.
//   const auto rows = regiokpi::cli::read_weights("w.csv", "member,weight\nEmmen,107330\n");
#pragma once

#include <regiokpi/export.hpp>
#include <regiokpi/money.hpp>
#include <string>
#include <vector>

REGIOKPI_BEGIN_NAMESPACE
namespace cli {

struct member_row {
  std::string member;
  decimal weight;
  std::string weight_text;
};

/// Reads and checks the whole weights file (read_csv's syntax, UTF-8): unique non-empty members,
/// non-negative decimal weights, at least one positive. Throws error(parse_error) for the syntax and
/// error(validation_error) listing every other problem found, each at file:line.
std::vector<member_row> read_weights(const std::string& file, const std::string& text);

}  // namespace cli
REGIOKPI_END_NAMESPACE
