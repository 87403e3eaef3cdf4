// libFuzzer target for the weights CSV and `regiokpi allocate` (src/cli/weights.cpp, the tool's own
// reader, and apportion in money.hpp). The first line of the input is the total ("10000000.00"; one
// that does not parse means 10000000.00), the rest the weights file. Whatever the bytes: the reader
// returns or throws regiokpi::error with a place; apportion's parts add up to the total exactly, each
// within one minor unit of its exact quota total * w / sum(w) (checked in big integers, by the
// definition rather than the algorithm), with the total's sign; every member is UTF-8 and reads back
// from the CSV the tool writes.
#include <boost/multiprecision/cpp_int.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <regiokpi/csv.hpp>
#include <regiokpi/error.hpp>
#include <regiokpi/money.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../../src/cli/weights.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  const std::string_view total_text = nl == std::string_view::npos ? std::string_view() : input.substr(0, nl);
  const std::string text(nl == std::string_view::npos ? input : input.substr(nl + 1));
  regiokpi::amount total;
  try {
    total = regiokpi::parse_amount(total_text);
  } catch (const regiokpi::error&) {
    total = regiokpi::parse_amount("10000000.00");
  }
  std::vector<regiokpi::cli::member_row> rows;
  try {
    rows = regiokpi::cli::read_weights("fuzz.csv", text);
  } catch (const regiokpi::error& e) {
    if (e.diagnostics().empty()) std::abort();  // every error names its place
    for (const auto& d : e.diagnostics())
      if (d.where.rfind("fuzz.csv:", 0) != 0) std::abort();
    if (regiokpi::detail::first_invalid_utf8(e.what()) != std::string_view(e.what()).size()) std::abort();
    return 0;
  }
  if (rows.empty()) std::abort();  // the reader refuses a file without members
  std::vector<regiokpi::decimal> weights;
  for (const auto& r : rows) {
    weights.push_back(r.weight);
    if (r.member.empty() || r.weight.is_negative()) std::abort();
    if (regiokpi::detail::first_invalid_utf8(r.member) != r.member.size()) std::abort();
    // The member reads back from the CSV allocate writes (after its header line).
    const auto back = regiokpi::read_csv("member\n" + regiokpi::csv_escape(r.member) + "\n");
    if (back.size() != 2 || back[1].fields.size() != 1 || back[1].fields[0].text != r.member) std::abort();
  }
  std::vector<regiokpi::amount> parts;
  try {
    parts = regiokpi::apportion(total, std::span<const regiokpi::decimal>(weights));
  } catch (const regiokpi::error& e) {
    if (e.code() != regiokpi::errc::overflow && e.code() != regiokpi::errc::invalid_argument) std::abort();
    return 0;
  }
  if (parts.size() != rows.size()) std::abort();
  // Exact checks in big integers: weights aligned to one scale, W = sum of them, T = total minor units.
  using big_int = boost::multiprecision::cpp_int;
  int scale = 0;
  for (const auto& w : weights) scale = std::max(scale, w.scale());
  std::vector<big_int> w(weights.size());
  big_int sum_w = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    w[i] = big_int(weights[i].coefficient()) * regiokpi::detail::pow10(scale - weights[i].scale());
    sum_w += w[i];
  }
  const big_int t = total.minor_units();
  big_int sum_parts = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].scale() != total.scale() || parts[i].currency() != total.currency()) std::abort();
    const big_int p = parts[i].minor_units();
    sum_parts += p;
    if ((t >= 0 && p < 0) || (t <= 0 && p > 0)) std::abort();
    // |p * W - T * w| < W: within one unit of the quota.
    big_int diff = p * sum_w - t * w[i];
    if (diff < 0) diff = -diff;
    if (diff >= sum_w) std::abort();
  }
  if (sum_parts != t) std::abort();
  return 0;
}
