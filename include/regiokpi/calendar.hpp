// regiokpi: dates and reporting periods (day, ISO week, month, quarter, half-year, year, financial
// year), their labels ("2021-Q3", "2021-W05", "FY2021") and fast assignment of dates to periods.
//   auto d = regiokpi::parse_date("2021-07-15");
//   auto q = regiokpi::period::containing(regiokpi::period_type::quarter, d);  // 2021-Q3
//   for (regiokpi::period p : regiokpi::periods_covering(period_type::month, q.first_day(), q.last_day())) ...
// Dates are day numbers (days since 1970-01-01) so that hot loops do integer arithmetic only;
// Boost.Gregorian appears at the edges (date::from_gregorian, date::to_gregorian).
#pragma once

#include <array>
#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE

namespace detail {

/// Floor division (rounds towards minus infinity), for period indices of dates before 1970.
constexpr std::int32_t floor_div(std::int32_t a, std::int32_t b) noexcept {
  const std::int32_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (after Howard Hinnant's public-domain
/// "chrono-compatible low-level date algorithms": eras of 400 years, years starting in March).
constexpr std::int32_t days_from_civil(std::int32_t y, std::int32_t m, std::int32_t d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int32_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int32_t yoe = y - era * 400;                                    // [0, 399]
  const std::int32_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const std::int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

struct civil {
  std::int32_t year;
  std::int32_t month;  // 1..12
  std::int32_t day;    // 1..31
};

/// The inverse of days_from_civil.
constexpr civil civil_from_days(std::int32_t z) noexcept {
  z += 719468;
  const std::int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int32_t doe = z - era * 146097;                                       // [0, 146096]
  const std::int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const std::int32_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const std::int32_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int32_t m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

/// Months since year 0 (year * 12 + month - 1) of a day number: the basis of month, quarter,
/// half-year, year and financial-year indices. Same algorithm as civil_from_days without the day.
constexpr std::int32_t month_index_from_days(std::int32_t z) noexcept {
  z += 719468;
  const std::int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int32_t doe = z - era * 146097;
  const std::int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int32_t mp = (5 * doy + 2) / 153;
  // The year starts in March here: month index = (year of March) * 12 + 2 + mp.
  return (yoe + era * 400) * 12 + 2 + mp;
}

/// Month index by table lookup for 1900-01-01 .. 2199-12-31, where nearly all programme data lies:
/// the range is cut into 16-day buckets (shorter than any month, so each holds at most one month
/// boundary); an entry packs the bucket's first month index (<< 5) with the offset of the boundary
/// inside the bucket (16 = none). Two loads and a compare instead of four divisions.
struct month_table {
  static constexpr std::int32_t first_day = -25567;  // 1900-01-01
  static constexpr std::int32_t end_day = 84006;     // 2200-01-01
  static constexpr std::int32_t buckets = (end_day - first_day + 15) / 16;
  std::array<std::uint32_t, static_cast<std::size_t>(buckets)> entries{};

  constexpr month_table() {
    for (std::int32_t b = 0; b < buckets; ++b) {
      const std::int32_t start = first_day + b * 16;
      const std::int32_t m0 = month_index_from_days(start);
      std::uint32_t offset = 16;
      for (std::int32_t k = 1; k < 16; ++k)
        if (month_index_from_days(start + k) != m0) {
          offset = static_cast<std::uint32_t>(k);
          break;
        }
      entries[static_cast<std::size_t>(b)] = (static_cast<std::uint32_t>(m0) << 5) | offset;
    }
  }
};

inline constexpr month_table month_lookup{};

/// month_index_from_days, by table inside 1900..2199 and by arithmetic outside it.
constexpr std::int32_t fast_month_index(std::int32_t z) noexcept {
  const auto rel = static_cast<std::uint32_t>(z - month_table::first_day);
  if (rel < static_cast<std::uint32_t>(month_table::end_day - month_table::first_day)) {
    const std::uint32_t e = month_lookup.entries[rel >> 4];
    return static_cast<std::int32_t>((e >> 5) + ((rel & 15u) >= (e & 31u) ? 1u : 0u));
  }
  return month_index_from_days(z);
}

constexpr bool is_leap_year(std::int32_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr std::int32_t days_in_month(std::int32_t y, std::int32_t m) noexcept {
  constexpr std::array<std::int32_t, 12> lengths{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : lengths[static_cast<std::size_t>(m - 1)];
}

/// Index of the ISO week (Monday to Sunday) that contains a day; week 0 starts on Monday 1969-12-29.
constexpr std::int32_t iso_week_index_from_days(std::int32_t z) noexcept { return floor_div(z + 3, 7); }

/// First day (a Monday) of an ISO week index.
constexpr std::int32_t iso_week_first_day(std::int32_t week) noexcept { return week * 7 - 3; }

/// ISO week-year and week number (1..53) of a week index: the week belongs to the year of its Thursday.
constexpr civil iso_week_of(std::int32_t week) noexcept {
  const std::int32_t thursday = iso_week_first_day(week) + 3;
  const std::int32_t year = civil_from_days(thursday).year;
  const std::int32_t jan1 = days_from_civil(year, 1, 1);
  return {year, (thursday - jan1) / 7 + 1, 0};
}

/// Week index of ISO week 1 of an ISO week-year: the week that contains January 4.
constexpr std::int32_t iso_week_one(std::int32_t year) noexcept {
  return iso_week_index_from_days(days_from_civil(year, 1, 4));
}

/// Number of ISO weeks (52 or 53) in an ISO week-year.
constexpr std::int32_t iso_weeks_in_year(std::int32_t year) noexcept {
  return iso_week_one(year + 1) - iso_week_one(year);
}

}  // namespace detail

/// A number of days: the difference between two dates, never a date itself.
struct days {
  std::int32_t count = 0;

  constexpr days() = default;
  constexpr explicit days(std::int32_t n) noexcept : count(n) {}
  friend constexpr auto operator<=>(days, days) = default;
  friend constexpr days operator+(days a, days b) noexcept { return days{a.count + b.count}; }
  friend constexpr days operator-(days a, days b) noexcept { return days{a.count - b.count}; }
  friend constexpr days operator-(days a) noexcept { return days{-a.count}; }
};

/// A calendar day in the proleptic Gregorian calendar, stored as its day number (days since
/// 1970-01-01). A point in time: date + days is a date, date - date is days, date + date does not compile.
class date {
 public:
  /// 1970-01-01.
  constexpr date() = default;

  /// The date with this day number (days since 1970-01-01); any int32 is accepted.
  static constexpr date from_day_number(std::int32_t n) noexcept {
    date d;
    d.n_ = n;
    return d;
  }

  /// The date year-month-day; throws error(invalid_argument) if there is no such day
  /// (2021-02-29) or the year is outside 1..9999.
  static date from_ymd(std::int32_t year, std::int32_t month, std::int32_t day) {
    if (year < 1 || year > 9999)
      throw error(errc::invalid_argument, "year " + std::to_string(year) + " is outside 1..9999");
    if (month < 1 || month > 12)
      throw error(errc::invalid_argument, "month " + std::to_string(month) + " is outside 1..12");
    if (day < 1 || day > detail::days_in_month(year, month))
      throw error(errc::invalid_argument,
                  std::to_string(year) + "-" + std::to_string(month) + " has no day " + std::to_string(day));
    return from_day_number(detail::days_from_civil(year, month, day));
  }

  /// From Boost.Gregorian; throws error(invalid_argument) for not-a-date or infinities.
  static date from_gregorian(const boost::gregorian::date& g) {
    if (g.is_special())
      throw error(errc::invalid_argument, "a special Boost date (not-a-date or infinity) is not a date");
    const auto ymd = g.year_month_day();
    return from_day_number(detail::days_from_civil(ymd.year, ymd.month, ymd.day));
  }

  /// To Boost.Gregorian (which supports years 1400..9999; earlier dates throw std::out_of_range).
  [[nodiscard]] boost::gregorian::date to_gregorian() const {
    const auto c = detail::civil_from_days(n_);
    return {static_cast<unsigned short>(c.year), static_cast<unsigned short>(c.month),
            static_cast<unsigned short>(c.day)};
  }

  [[nodiscard]] constexpr std::int32_t day_number() const noexcept { return n_; }
  [[nodiscard]] constexpr std::int32_t year() const noexcept { return detail::civil_from_days(n_).year; }
  [[nodiscard]] constexpr std::int32_t month() const noexcept { return detail::civil_from_days(n_).month; }
  [[nodiscard]] constexpr std::int32_t day() const noexcept { return detail::civil_from_days(n_).day; }
  /// ISO weekday: 1 = Monday .. 7 = Sunday.
  [[nodiscard]] constexpr std::int32_t iso_weekday() const noexcept {
    return n_ - detail::iso_week_first_day(detail::iso_week_index_from_days(n_)) + 1;
  }

  friend constexpr auto operator<=>(date, date) = default;
  friend constexpr date operator+(date d, days n) noexcept { return from_day_number(d.n_ + n.count); }
  friend constexpr date operator+(days n, date d) noexcept { return d + n; }
  friend constexpr date operator-(date d, days n) noexcept { return from_day_number(d.n_ - n.count); }
  friend constexpr days operator-(date a, date b) noexcept { return days{a.n_ - b.n_}; }

 private:
  std::int32_t n_ = 0;
};

/// "YYYY-MM-DD" with a four-digit year 0001..9999.
inline std::string format_date(date d);

/// Parses "YYYY-MM-DD"; throws error(parse_error) quoting the input and saying why
/// ("2021-02-29": 2021 is not a leap year, February has 28 days).
inline date parse_date(std::string_view text);

/// Parses "YYYY-MM-DD" without throwing: nullopt on any malformed or impossible date. For hot loops.
constexpr std::optional<date> try_parse_date(std::string_view s) noexcept;

/// The kinds of reporting period, finest first.
enum class period_type : std::uint8_t { day, iso_week, month, quarter, half_year, year, financial_year };

/// "day", "iso_week", "month", "quarter", "half_year", "year", "financial_year".
constexpr std::string_view to_string(period_type t) noexcept {
  constexpr std::array<std::string_view, 7> names{"day",       "iso_week", "month",         "quarter",
                                                  "half_year", "year",     "financial_year"};
  return names[static_cast<std::size_t>(t)];
}

/// Parses a period type by its to_string() name or a common alias ("week", "half", "fy");
/// throws error(parse_error) listing the accepted names.
inline period_type parse_period_type(std::string_view name);

/// The period index of a day number: what the hot paths use. Indices are consecutive integers
/// in time order within one period type, so next is index + 1. fy_first_month only matters for
/// financial years (1..12; a financial year is named by the calendar year it starts in).
template <period_type T>
constexpr std::int32_t period_index(std::int32_t day_number, std::int32_t fy_first_month = 1) noexcept {
  if constexpr (T == period_type::day) {
    return day_number;
  } else if constexpr (T == period_type::iso_week) {
    return detail::iso_week_index_from_days(day_number);
  } else {
    const std::int32_t mi = detail::fast_month_index(day_number);
    if constexpr (T == period_type::month) return mi;
    if constexpr (T == period_type::quarter) return detail::floor_div(mi, 3);
    if constexpr (T == period_type::half_year) return detail::floor_div(mi, 6);
    if constexpr (T == period_type::year) return detail::floor_div(mi, 12);
    if constexpr (T == period_type::financial_year) return detail::floor_div(mi - (fy_first_month - 1), 12);
  }
}

/// Runtime-typed period_index (one switch per call; for loops prefer assign_periods).
constexpr std::int32_t period_index(period_type t, std::int32_t day_number, std::int32_t fy_first_month = 1) noexcept {
  switch (t) {
    case period_type::day:
      return period_index<period_type::day>(day_number);
    case period_type::iso_week:
      return period_index<period_type::iso_week>(day_number);
    case period_type::month:
      return period_index<period_type::month>(day_number);
    case period_type::quarter:
      return period_index<period_type::quarter>(day_number);
    case period_type::half_year:
      return period_index<period_type::half_year>(day_number);
    case period_type::year:
      return period_index<period_type::year>(day_number);
    case period_type::financial_year:
      return period_index<period_type::financial_year>(day_number, fy_first_month);
  }
  return 0;
}

/// Writes the period index of every day number in `day_numbers` to `out` (same length; throws
/// error(invalid_argument) otherwise). Dispatches on the type once, then runs a branch-free loop.
inline void assign_periods(period_type t, std::span<const std::int32_t> day_numbers, std::span<std::int32_t> out,
                           std::int32_t fy_first_month = 1);

/// A reporting period: a type and an index (see period_index). Regular and ordered: within one
/// type, by time.
class period {
 public:
  constexpr period() = default;

  /// The period with this index (as returned by period_index). fy_first_month: 1..12.
  static period from_index(period_type t, std::int32_t index, std::int32_t fy_first_month = 1) {
    if (fy_first_month < 1 || fy_first_month > 12)
      throw error(errc::invalid_argument,
                  "financial year first month " + std::to_string(fy_first_month) + " is outside 1..12");
    return period(t, index, t == period_type::financial_year ? fy_first_month : 1);
  }

  /// The period of type t that contains day d.
  static period containing(period_type t, date d, std::int32_t fy_first_month = 1) {
    return from_index(t, period_index(t, d.day_number(), fy_first_month), fy_first_month);
  }

  [[nodiscard]] constexpr period_type type() const noexcept { return type_; }
  [[nodiscard]] constexpr std::int32_t index() const noexcept { return index_; }
  [[nodiscard]] constexpr std::int32_t fy_first_month() const noexcept { return fy_first_month_; }

  [[nodiscard]] date first_day() const noexcept;
  [[nodiscard]] date last_day() const noexcept { return next().first_day() - days{1}; }
  [[nodiscard]] std::int32_t length_in_days() const noexcept { return (last_day() - first_day()).count + 1; }
  [[nodiscard]] bool contains(date d) const noexcept { return first_day() <= d && d <= last_day(); }
  [[nodiscard]] bool contains(const period& p) const noexcept {
    return first_day() <= p.first_day() && p.last_day() <= last_day();
  }
  [[nodiscard]] period next() const noexcept { return period(type_, index_ + 1, fy_first_month_); }
  [[nodiscard]] period prev() const noexcept { return period(type_, index_ - 1, fy_first_month_); }

  /// The period of type t that wholly contains this one, or nullopt when there is none (a week
  /// that straddles two months, or a finer type than this period's).
  [[nodiscard]] std::optional<period> enclosing(period_type t, std::int32_t fy_first_month = 1) const {
    const period p = containing(t, first_day(), fy_first_month);
    if (!p.contains(*this)) return std::nullopt;
    return p;
  }

  /// The label: "2021-07-15", "2020-W53", "2021-07", "2021-Q3", "2021-H1", "2021", "FY2021".
  [[nodiscard]] std::string label() const;

  friend constexpr auto operator<=>(const period&, const period&) = default;

 private:
  constexpr period(period_type t, std::int32_t index, std::int32_t fy_first_month) noexcept
      : index_(index), type_(t), fy_first_month_(static_cast<std::uint8_t>(fy_first_month)) {}

  std::int32_t index_ = 0;
  period_type type_ = period_type::day;
  std::uint8_t fy_first_month_ = 1;
};

/// Parses any period label and infers its type: "2021" (year), "2021-H1", "2021-Q3", "2021-07",
/// "2021-W05" (ISO week-year and week), "2021-07-15" (day), "FY2021" (the financial year that
/// starts in `fy_first_month` of 2021). Throws error(parse_error) quoting the input and saying why.
inline period parse_period(std::string_view label, std::int32_t fy_first_month = 1);

/// Parses a label that must be of type t (throws error(parse_error) if it is another type).
inline period parse_period(std::string_view label, period_type t, std::int32_t fy_first_month = 1);

/// The periods of one type that cover the days first..last, in order: they tile the range with
/// no gap or overlap (the first may start before `first`, the last may end after `last`). Empty
/// when last < first.
class periods_covering {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = period;
    using difference_type = std::ptrdiff_t;
    using pointer = const period*;
    using reference = period;
    iterator() = default;
    explicit iterator(period p) : p_(p) {}
    period operator*() const { return p_; }
    iterator& operator++() {
      p_ = p_.next();
      return *this;
    }
    iterator operator++(int) {
      auto old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const iterator&, const iterator&) = default;

   private:
    period p_;
  };

  periods_covering(period_type t, date first, date last, std::int32_t fy_first_month = 1)
      : begin_(period::containing(t, first, fy_first_month)),
        end_(last < first ? begin_ : period::containing(t, last, fy_first_month).next()) {}

  [[nodiscard]] iterator begin() const { return iterator(begin_); }
  [[nodiscard]] iterator end() const { return iterator(end_); }
  [[nodiscard]] std::size_t size() const { return static_cast<std::size_t>(end_.index() - begin_.index()); }

 private:
  period begin_;
  period end_;
};

// ---- implementation --------------------------------------------------------------------------

namespace detail {

constexpr bool parse_digits(std::string_view s, std::int32_t& out) noexcept {
  if (s.empty()) return false;
  std::int32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

inline void append_padded(std::string& out, std::int32_t v, int width) {
  std::array<char, 12> buf{};
  int n = 0;
  auto u = static_cast<std::uint32_t>(v < 0 ? -v : v);
  do {
    buf[static_cast<std::size_t>(n++)] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) out += '-';
  for (int i = n; i < width; ++i) out += '0';
  while (n > 0) out += buf[static_cast<std::size_t>(--n)];
}

[[noreturn]] inline void bad_label(std::string_view text, const std::string& why) {
  throw error(errc::parse_error, quote(text) + " is not a valid period: " + why);
}

[[noreturn]] inline void bad_date(std::string_view text, const std::string& why) {
  throw error(errc::parse_error, quote(text) + " is not a valid date: " + why);
}

inline std::int32_t parse_year(std::string_view text, std::string_view digits, bool is_date) {
  std::int32_t y = 0;
  if (digits.size() != 4 || !parse_digits(digits, y) || y < 1) {
    const std::string why = "the year must be four digits, 0001 to 9999";
    if (is_date) bad_date(text, why);
    bad_label(text, why);
  }
  return y;
}

}  // namespace detail

constexpr std::optional<date> try_parse_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  std::int32_t y = 0, m = 0, d = 0;
  if (!detail::parse_digits(s.substr(0, 4), y) || !detail::parse_digits(s.substr(5, 2), m) ||
      !detail::parse_digits(s.substr(8, 2), d))
    return std::nullopt;
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > detail::days_in_month(y, m)) return std::nullopt;
  return date::from_day_number(detail::days_from_civil(y, m, d));
}

inline std::string format_date(date d) {
  const auto c = detail::civil_from_days(d.day_number());
  std::string out;
  out.reserve(10);
  detail::append_padded(out, c.year, 4);
  out += '-';
  detail::append_padded(out, c.month, 2);
  out += '-';
  detail::append_padded(out, c.day, 2);
  return out;
}

inline date parse_date(std::string_view text) {
  if (auto d = try_parse_date(text)) return *d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') detail::bad_date(text, "expected YYYY-MM-DD");
  const std::int32_t y = detail::parse_year(text, text.substr(0, 4), true);
  std::int32_t m = 0, d = 0;
  if (!detail::parse_digits(text.substr(5, 2), m) || !detail::parse_digits(text.substr(8, 2), d))
    detail::bad_date(text, "expected YYYY-MM-DD with digits only");
  if (m < 1 || m > 12) detail::bad_date(text, "the month must be 01 to 12");
  const std::int32_t n = detail::days_in_month(y, m);
  if (m == 2 && d == 29) detail::bad_date(text, std::to_string(y) + " is not a leap year, February has 28 days");
  detail::bad_date(text, "that month has " + std::to_string(n) + " days");
}

inline period_type parse_period_type(std::string_view name) {
  struct alias {
    std::string_view name;
    period_type type;
  };
  constexpr std::array<alias, 13> aliases{{{"day", period_type::day},
                                           {"iso_week", period_type::iso_week},
                                           {"week", period_type::iso_week},
                                           {"month", period_type::month},
                                           {"quarter", period_type::quarter},
                                           {"half_year", period_type::half_year},
                                           {"half-year", period_type::half_year},
                                           {"half", period_type::half_year},
                                           {"year", period_type::year},
                                           {"financial_year", period_type::financial_year},
                                           {"financial-year", period_type::financial_year},
                                           {"fy", period_type::financial_year},
                                           {"iso-week", period_type::iso_week}}};
  for (const auto& a : aliases)
    if (a.name == name) return a.type;
  throw error(errc::parse_error, quote(name) +
                                     " is not a period type: use day, week, month, quarter, half_year, year or "
                                     "financial_year");
}

inline void assign_periods(period_type t, std::span<const std::int32_t> in, std::span<std::int32_t> out,
                           std::int32_t fy_first_month) {
  if (in.size() != out.size()) throw error(errc::invalid_argument, "assign_periods: input and output differ in length");
  auto run = [&]<period_type T>() {
    const std::size_t n = in.size();
    const std::int32_t* src = in.data();
    std::int32_t* dst = out.data();
    for (std::size_t i = 0; i < n; ++i) dst[i] = period_index<T>(src[i], fy_first_month);
  };
  switch (t) {
    case period_type::day:
      run.template operator()<period_type::day>();
      break;
    case period_type::iso_week:
      run.template operator()<period_type::iso_week>();
      break;
    case period_type::month:
      run.template operator()<period_type::month>();
      break;
    case period_type::quarter:
      run.template operator()<period_type::quarter>();
      break;
    case period_type::half_year:
      run.template operator()<period_type::half_year>();
      break;
    case period_type::year:
      run.template operator()<period_type::year>();
      break;
    case period_type::financial_year:
      run.template operator()<period_type::financial_year>();
      break;
  }
}

inline date period::first_day() const noexcept {
  auto month_start = [](std::int32_t month_index) {
    const std::int32_t y = detail::floor_div(month_index, 12);
    return date::from_day_number(detail::days_from_civil(y, month_index - y * 12 + 1, 1));
  };
  switch (type_) {
    case period_type::day:
      return date::from_day_number(index_);
    case period_type::iso_week:
      return date::from_day_number(detail::iso_week_first_day(index_));
    case period_type::month:
      return month_start(index_);
    case period_type::quarter:
      return month_start(index_ * 3);
    case period_type::half_year:
      return month_start(index_ * 6);
    case period_type::year:
      return month_start(index_ * 12);
    case period_type::financial_year:
      return month_start(index_ * 12 + fy_first_month_ - 1);
  }
  return {};
}

inline std::string period::label() const {
  std::string out;
  out.reserve(10);
  switch (type_) {
    case period_type::day:
      return format_date(first_day());
    case period_type::iso_week: {
      const auto w = detail::iso_week_of(index_);
      detail::append_padded(out, w.year, 4);
      out += "-W";
      detail::append_padded(out, w.month, 2);
      return out;
    }
    case period_type::month: {
      const std::int32_t y = detail::floor_div(index_, 12);
      detail::append_padded(out, y, 4);
      out += '-';
      detail::append_padded(out, index_ - y * 12 + 1, 2);
      return out;
    }
    case period_type::quarter:
    case period_type::half_year: {
      const std::int32_t per_year = type_ == period_type::quarter ? 4 : 2;
      const std::int32_t y = detail::floor_div(index_, per_year);
      detail::append_padded(out, y, 4);
      out += type_ == period_type::quarter ? "-Q" : "-H";
      detail::append_padded(out, index_ - y * per_year + 1, 1);
      return out;
    }
    case period_type::year:
      detail::append_padded(out, index_, 4);
      return out;
    case period_type::financial_year:
      out += "FY";
      detail::append_padded(out, index_, 4);
      return out;
  }
  return out;
}

inline period parse_period(std::string_view text, std::int32_t fy_first_month) {
  using detail::bad_label;
  if (fy_first_month < 1 || fy_first_month > 12)
    throw error(errc::invalid_argument,
                "financial year first month " + std::to_string(fy_first_month) + " is outside 1..12");
  if (text.size() == 6 && text.substr(0, 2) == "FY")
    return period::from_index(period_type::financial_year, detail::parse_year(text, text.substr(2), false),
                              fy_first_month);
  if (text.size() == 4) return period::from_index(period_type::year, detail::parse_year(text, text, false));
  if (text.size() < 6 || text[4] != '-')
    bad_label(text, "expected YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM, YYYY-Www, YYYY-MM-DD or FYYYYY");
  const std::int32_t y = detail::parse_year(text, text.substr(0, 4), false);
  const std::string_view rest = text.substr(5);
  std::int32_t n = 0;
  if (rest.size() == 2 && (rest[0] == 'H' || rest[0] == 'Q')) {
    const bool half = rest[0] == 'H';
    if (!detail::parse_digits(rest.substr(1), n))
      bad_label(text, half ? "expected YYYY-H1 or YYYY-H2" : "expected YYYY-Q1 to YYYY-Q4");
    if (half && (n < 1 || n > 2)) bad_label(text, "a half-year is H1 or H2");
    if (!half && (n < 1 || n > 4)) bad_label(text, "a quarter is Q1 to Q4");
    return period::from_index(half ? period_type::half_year : period_type::quarter, y * (half ? 2 : 4) + n - 1);
  }
  if (rest.size() == 3 && rest[0] == 'W') {
    if (!detail::parse_digits(rest.substr(1), n)) bad_label(text, "expected YYYY-Www with a two-digit week");
    const std::int32_t weeks = detail::iso_weeks_in_year(y);
    if (n < 1 || n > weeks)
      bad_label(text, "ISO week-year " + std::to_string(y) + " has weeks 01 to " + std::to_string(weeks));
    return period::from_index(period_type::iso_week, detail::iso_week_one(y) + n - 1);
  }
  if (rest.size() == 2) {
    if (!detail::parse_digits(rest, n)) bad_label(text, "expected YYYY-MM with a two-digit month");
    if (n < 1 || n > 12) bad_label(text, "the month must be 01 to 12");
    return period::from_index(period_type::month, y * 12 + n - 1);
  }
  if (rest.size() == 5 && rest[2] == '-') {
    try {
      return period::from_index(period_type::day, parse_date(text).day_number());
    } catch (const error& e) {
      throw error(errc::parse_error, std::string(e.what()));
    }
  }
  bad_label(text, "expected YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM, YYYY-Www, YYYY-MM-DD or FYYYYY");
}

inline period parse_period(std::string_view text, period_type t, std::int32_t fy_first_month) {
  const period p = parse_period(text, fy_first_month);
  if (p.type() != t)
    detail::bad_label(
        text, "expected a " + std::string(to_string(t)) + " label, this is a " + std::string(to_string(p.type())));
  return p;
}

REGIOKPI_END_NAMESPACE
