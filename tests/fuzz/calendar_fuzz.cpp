// libFuzzer target for period labels and dates (include/regiokpi/calendar.hpp). Byte 0 picks the
// financial year's first month (1..12), byte 1 a period type, the rest is a label or date text; its
// first four bytes are also read as a day number in 0001-01-01..9999-12-31. Whatever the bytes:
// parse_date and try_parse_date agree, and an accepted date is written back as the same text; an
// accepted period label reads back from its own label, contains its first and last day and not the
// days around them, and is the period containing its first day; every period of the picked type
// around the day number contains it; the month table agrees with the arithmetic; periods_covering
// a period's own days is that one period. Errors are regiokpi::error with the text quoted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <regiokpi/calendar.hpp>
#include <regiokpi/csv.hpp>
#include <regiokpi/error.hpp>
#include <string>
#include <string_view>

namespace {

using regiokpi::date;
using regiokpi::days;
using regiokpi::period;
using regiokpi::period_type;

constexpr period_type types[] = {period_type::day,           period_type::iso_week,  period_type::month,
                                 period_type::quarter,       period_type::half_year, period_type::year,
                                 period_type::financial_year};

void check_period(const period& p, std::int32_t fy) {
  const std::string label = p.label();
  if (regiokpi::parse_period(label, p.type(), fy) != p) std::abort();
  const date first = p.first_day(), last = p.last_day();
  if (last < first || !p.contains(first) || !p.contains(last)) std::abort();
  if (p.contains(first - days{1}) || p.contains(last + days{1})) std::abort();
  if (period::containing(p.type(), first, fy) != p || period::containing(p.type(), last, fy) != p) std::abort();
  if (p.next().first_day() != last + days{1} || p.next().prev() != p) std::abort();
  std::size_t n = 0;
  for (const period& q : regiokpi::periods_covering(p.type(), first, last, fy)) {
    if (q != p) std::abort();
    ++n;
  }
  if (n != 1) std::abort();
}

void check_error(const regiokpi::error& e) {
  const std::string_view what = e.what();
  if (what.empty() || regiokpi::detail::first_invalid_utf8(what) != what.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::int32_t fy = 1 + data[0] % 12;
  const period_type type = types[data[1] % 7];
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);

  // Dates: the throwing and the non-throwing parser agree; an accepted date round-trips as text.
  const auto quick = regiokpi::try_parse_date(text);
  try {
    const date d = regiokpi::parse_date(text);
    if (!quick || *quick != d || regiokpi::format_date(d) != text) std::abort();
  } catch (const regiokpi::error& e) {
    if (quick) std::abort();
    check_error(e);
  }

  // Labels, with and without the expected type.
  try {
    const period p = regiokpi::parse_period(text, fy);
    check_period(p, fy);
    if (p.type() != period_type::financial_year && p.label() != text) std::abort();  // canonical labels only
  } catch (const regiokpi::error& e) {
    check_error(e);
  }
  try {
    const period p = regiokpi::parse_period(text, type, fy);
    if (p.type() != type) std::abort();
  } catch (const regiokpi::error& e) {
    check_error(e);
  }
  try {
    const period_type t = regiokpi::parse_period_type(text);
    if (regiokpi::parse_period_type(regiokpi::to_string(t)) != t) std::abort();
  } catch (const regiokpi::error& e) {
    check_error(e);
  }

  // A day number in the supported years: civil round trip, the month table, periods around it.
  if (text.size() >= 4) {
    std::uint32_t raw = 0;
    std::memcpy(&raw, text.data(), 4);
    const std::int32_t lo = regiokpi::detail::days_from_civil(1, 1, 1);
    const std::int32_t hi = regiokpi::detail::days_from_civil(9999, 12, 31);
    const std::int32_t z = lo + static_cast<std::int32_t>(raw % static_cast<std::uint32_t>(hi - lo + 1));
    const date d = date::from_day_number(z);
    const auto c = regiokpi::detail::civil_from_days(z);
    if (regiokpi::detail::days_from_civil(c.year, c.month, c.day) != z) std::abort();
    if (regiokpi::parse_date(regiokpi::format_date(d)) != d) std::abort();
    if (regiokpi::detail::fast_month_index(z) != regiokpi::detail::month_index_from_days(z)) std::abort();
    const period p = period::from_index(type, regiokpi::period_index(type, z, fy), fy);
    if (!p.contains(d)) std::abort();
    if (c.year > 1 && c.year < 9999) check_period(p, fy);  // (its neighbours' labels stay four-digit years)
  }
  return 0;
}
