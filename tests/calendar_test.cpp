#include "regiokpi/calendar.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <random>
#include <type_traits>

using namespace regiokpi;

// Value-type traits: regular, cheap, comparable; dates and day differences are distinct types.
static_assert(std::is_trivially_copyable_v<date> && std::is_trivially_copyable_v<period>);
static_assert(std::regular<date> && std::totally_ordered<date>);
static_assert(std::regular<period> && std::totally_ordered<period>);
static_assert(std::regular<days> && std::totally_ordered<days>);
static_assert(sizeof(date) == 4 && sizeof(period) == 8);
static_assert(!std::is_convertible_v<int, date> && !std::is_convertible_v<int, days>);
template <class A, class B>
concept addable = requires(A a, B b) {
  a + b;
};
static_assert(!addable<date, date>, "adding two dates must not compile");
static_assert(addable<date, days> && addable<days, date>);
static_assert(std::is_same_v<decltype(date{} - date{}), days>);
static_assert(std::is_same_v<decltype(date{} - days{1}), date>);
static_assert(detail::days_from_civil(1970, 1, 1) == 0);
static_assert(detail::days_from_civil(2000, 3, 1) == 11017);

namespace {

using regiokpi_test::d;

// A slow but obviously correct reference: Boost.Gregorian's own calendar arithmetic.
boost::gregorian::date boost_of(date x) {
  return boost::gregorian::date(1970, 1, 1) + boost::gregorian::days(x.day_number());
}

}  // namespace

TEST(Date, RoundTripsThroughBoostAndText) {
  const auto g = boost::gregorian::date(2024, 2, 29);
  const date x = date::from_gregorian(g);
  EXPECT_EQ(x.to_gregorian(), g);
  EXPECT_EQ(format_date(x), "2024-02-29");
  EXPECT_EQ(x.year(), 2024);
  EXPECT_EQ(x.month(), 2);
  EXPECT_EQ(x.day(), 29);
  EXPECT_EQ(d("1970-01-01").day_number(), 0);
  EXPECT_EQ(d("1969-12-31").day_number(), -1);
  EXPECT_EQ(d("2021-07-15") - d("2021-07-01"), days{14});
  EXPECT_EQ(d("2021-07-01") + days{14}, d("2021-07-15"));
  EXPECT_EQ(d("2021-07-19").iso_weekday(), 1);  // a Monday
  EXPECT_EQ(d("2021-07-25").iso_weekday(), 7);
}

TEST(Date, AgreesWithBoostOverFourCenturies) {
  const date first = d("1800-01-01");
  const date last = d("2200-12-31");
  for (date x = first; x <= last; x = x + days{1}) {
    const auto g = boost_of(x);
    ASSERT_EQ(x.year(), g.year());
    ASSERT_EQ(x.month(), g.month().as_number());
    ASSERT_EQ(x.day(), g.day());
    ASSERT_EQ(date::from_gregorian(g), x);
    ASSERT_EQ(x.iso_weekday(), g.day_of_week().as_number() == 0 ? 7 : g.day_of_week().as_number());
  }
}

TEST(Date, ImpossibleDatesQuoteTheInputAndSayWhy) {
  auto message = [](std::string_view s) {
    try {
      parse_date(s);
    } catch (const error& e) {
      EXPECT_EQ(e.code(), errc::parse_error);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("2021-02-29"), "\"2021-02-29\" is not a valid date: 2021 is not a leap year, February has 28 days");
  EXPECT_EQ(message("2021-04-31"), "\"2021-04-31\" is not a valid date: that month has 30 days");
  EXPECT_EQ(message("2021-13-01"), "\"2021-13-01\" is not a valid date: the month must be 01 to 12");
  EXPECT_EQ(message("21-1-1"), "\"21-1-1\" is not a valid date: expected YYYY-MM-DD");
  EXPECT_EQ(message("0000-01-01"), "\"0000-01-01\" is not a valid date: the year must be four digits, 0001 to 9999");
  EXPECT_FALSE(try_parse_date("2021-00-10"));
  EXPECT_FALSE(try_parse_date("2021-1a-10"));
  EXPECT_TRUE(try_parse_date("2024-02-29"));
  EXPECT_THROW(date::from_ymd(2021, 2, 29), error);
}

TEST(Period, LabelsParseAndFormat) {
  struct row {
    const char* label;
    period_type type;
    const char* first;
    const char* last;
  };
  const row rows[] = {
      {"2021", period_type::year, "2021-01-01", "2021-12-31"},
      {"2021-H1", period_type::half_year, "2021-01-01", "2021-06-30"},
      {"2021-H2", period_type::half_year, "2021-07-01", "2021-12-31"},
      {"2021-Q3", period_type::quarter, "2021-07-01", "2021-09-30"},
      {"2021-07", period_type::month, "2021-07-01", "2021-07-31"},
      {"2024-02", period_type::month, "2024-02-01", "2024-02-29"},
      {"2021-W05", period_type::iso_week, "2021-02-01", "2021-02-07"},
      {"2020-W53", period_type::iso_week, "2020-12-28", "2021-01-03"},
      {"2025-W01", period_type::iso_week, "2024-12-30", "2025-01-05"},
      {"2021-07-15", period_type::day, "2021-07-15", "2021-07-15"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    const period p = parse_period(r.label);
    EXPECT_EQ(p.type(), r.type);
    EXPECT_EQ(p.label(), r.label);
    EXPECT_EQ(format_date(p.first_day()), r.first);
    EXPECT_EQ(format_date(p.last_day()), r.last);
    EXPECT_EQ(parse_period(r.label, r.type), p);
  }
}

TEST(Period, IsoWeeksUseTheWeekYear) {
  EXPECT_EQ(period::containing(period_type::iso_week, d("2021-01-01")).label(), "2020-W53");
  EXPECT_EQ(period::containing(period_type::iso_week, d("2024-12-30")).label(), "2025-W01");
  EXPECT_EQ(period::containing(period_type::iso_week, d("2021-01-04")).label(), "2021-W01");
  EXPECT_EQ(detail::iso_weeks_in_year(2021), 52);
  EXPECT_EQ(detail::iso_weeks_in_year(2020), 53);
  EXPECT_EQ(detail::iso_weeks_in_year(2026), 53);
  // Boost's week_number() is the ISO week number: check every day of 1990..2040 against it.
  for (date x = d("1990-01-01"); x <= d("2040-12-31"); x = x + days{1}) {
    const auto label = period::containing(period_type::iso_week, x).label();
    ASSERT_EQ(std::stoi(label.substr(6)), boost_of(x).week_number()) << format_date(x);
  }
}

TEST(Period, FinancialYearIsNamedByTheYearItStartsIn) {
  const period fy = period::containing(period_type::financial_year, d("2022-02-15"), 4);
  EXPECT_EQ(fy.label(), "FY2021");
  EXPECT_EQ(format_date(fy.first_day()), "2021-04-01");
  EXPECT_EQ(format_date(fy.last_day()), "2022-03-31");
  EXPECT_EQ(parse_period("FY2021", 4), fy);
  EXPECT_EQ(period::containing(period_type::financial_year, d("2022-04-01"), 4).label(), "FY2022");
  // First month 1: the financial year is the calendar year.
  const period cal = parse_period("FY2021", 1);
  EXPECT_EQ(cal.first_day(), d("2021-01-01"));
  EXPECT_EQ(cal.last_day(), d("2021-12-31"));
  EXPECT_THROW(parse_period("FY2021", 13), error);
}

TEST(Period, BadLabelsQuoteTheInputAndSayWhy) {
  auto message = [](std::string_view s) {
    try {
      parse_period(s);
    } catch (const error& e) {
      EXPECT_EQ(e.code(), errc::parse_error);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("2021-Q5"), "\"2021-Q5\" is not a valid period: a quarter is Q1 to Q4");
  EXPECT_EQ(message("2021-W53"), "\"2021-W53\" is not a valid period: ISO week-year 2021 has weeks 01 to 52");
  EXPECT_EQ(message("2021-13"), "\"2021-13\" is not a valid period: the month must be 01 to 12");
  EXPECT_EQ(message("2021-H3"), "\"2021-H3\" is not a valid period: a half-year is H1 or H2");
  EXPECT_EQ(message("2021-02-29"), "\"2021-02-29\" is not a valid date: 2021 is not a leap year, February has 28 days");
  EXPECT_NE(message("Q3-2021").find("expected YYYY"), std::string::npos);
  EXPECT_NE(message("").find("expected YYYY"), std::string::npos);
  EXPECT_NO_THROW(parse_period("2020-W53"));
  EXPECT_THROW(parse_period("2021-07", period_type::quarter), error);
}

TEST(Period, NeighboursAndEnclosingPeriods) {
  const period q = parse_period("2021-Q4");
  EXPECT_EQ(q.next().label(), "2022-Q1");
  EXPECT_EQ(q.prev().label(), "2021-Q3");
  EXPECT_EQ(parse_period("2021-01").prev().label(), "2020-12");
  EXPECT_EQ(parse_period("2021-W01").prev().label(), "2020-W53");
  EXPECT_EQ(parse_period("2021-07").enclosing(period_type::quarter)->label(), "2021-Q3");
  EXPECT_EQ(parse_period("2021-07").enclosing(period_type::half_year)->label(), "2021-H2");
  EXPECT_EQ(parse_period("2021-07").enclosing(period_type::financial_year, 4)->label(), "FY2021");
  EXPECT_EQ(parse_period("2021-Q1").enclosing(period_type::financial_year, 4)->label(), "FY2020");
  EXPECT_EQ(parse_period("2021-Q1").enclosing(period_type::financial_year, 2), std::nullopt);  // straddles
  EXPECT_EQ(parse_period("2021-W05").enclosing(period_type::month)->label(), "2021-02");       // Feb 1..7
  EXPECT_EQ(parse_period("2021-W04").enclosing(period_type::month)->label(), "2021-01");
  EXPECT_EQ(parse_period("2021-W13").enclosing(period_type::month), std::nullopt);  // Mar 29 .. Apr 4
  EXPECT_EQ(parse_period("2021").enclosing(period_type::quarter), std::nullopt);    // finer type
  EXPECT_EQ(parse_period("2021-W13").length_in_days(), 7);
  EXPECT_EQ(parse_period("2024").length_in_days(), 366);
}

TEST(Period, PeriodsCoveringTileRandomRangesWithoutGapOrOverlap) {
  std::mt19937 rng(20190601);
  std::uniform_int_distribution<std::int32_t> start(d("1990-01-01").day_number(), d("2040-12-31").day_number());
  std::uniform_int_distribution<std::int32_t> span(0, 900);
  const period_type types[] = {period_type::day,           period_type::iso_week,  period_type::month,
                               period_type::quarter,       period_type::half_year, period_type::year,
                               period_type::financial_year};
  for (int trial = 0; trial < 400; ++trial) {
    const date first = date::from_day_number(start(rng));
    const date last = first + days{span(rng)};
    const std::int32_t fm = 1 + trial % 12;
    for (period_type t : types) {
      const periods_covering cover(t, first, last, fm);
      ASSERT_GE(cover.size(), 1u);
      date expected_first{};
      bool at_start = true;
      for (period p : cover) {
        if (at_start) {
          ASSERT_LE(p.first_day(), first);
          at_start = false;
        } else {
          ASSERT_EQ(p.first_day(), expected_first) << "gap or overlap in " << to_string(t);
        }
        ASSERT_LE(p.first_day(), p.last_day());
        // Every day of the period maps back to it.
        ASSERT_EQ(period::containing(t, p.first_day(), fm), p);
        ASSERT_EQ(period::containing(t, p.last_day(), fm), p);
        ASSERT_EQ(parse_period(p.label(), t, fm), p);
        expected_first = p.last_day() + days{1};
      }
      ASSERT_GT(expected_first, last);
    }
  }
  EXPECT_EQ(periods_covering(period_type::month, d("2021-02-01"), d("2021-01-01")).size(), 0u);
}

TEST(Period, AssignPeriodsMatchesContainingForRandomDates) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::int32_t> any(d("1600-01-01").day_number(), d("2400-12-31").day_number());
  std::vector<std::int32_t> in(20000);
  for (auto& x : in) x = any(rng);
  std::vector<std::int32_t> out(in.size());
  for (int ti = 0; ti < 7; ++ti) {
    const auto t = static_cast<period_type>(ti);
    assign_periods(t, in, out, 7);
    for (std::size_t i = 0; i < in.size(); ++i) {
      const period p = period::from_index(t, out[i], 7);
      ASSERT_TRUE(p.contains(date::from_day_number(in[i]))) << to_string(t) << " " << in[i];
    }
  }
  std::vector<std::int32_t> short_out(3);
  EXPECT_THROW(assign_periods(period_type::month, in, short_out), error);
}

TEST(Period, MonthTableAgreesWithArithmeticAcrossAndBeyondItsRange) {
  for (std::int32_t z = d("1890-01-01").day_number(); z <= d("2210-12-31").day_number(); ++z)
    ASSERT_EQ(detail::fast_month_index(z), detail::month_index_from_days(z)) << z;
}

TEST(Period, TypeNames) {
  EXPECT_EQ(parse_period_type("quarter"), period_type::quarter);
  EXPECT_EQ(parse_period_type("week"), period_type::iso_week);
  EXPECT_EQ(parse_period_type("fy"), period_type::financial_year);
  for (int ti = 0; ti < 7; ++ti) {
    const auto t = static_cast<period_type>(ti);
    EXPECT_EQ(parse_period_type(to_string(t)), t);
  }
  EXPECT_THROW(parse_period_type("fortnight"), error);
}
