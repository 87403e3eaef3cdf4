#include "regiokpi/aggregate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "regiokpi/ingest.hpp"
#include "regiokpi/programme.hpp"
#include "support.hpp"

using namespace regiokpi;
using ::testing::ElementsAre;

namespace {

using regiokpi_test::d;

// Hand-made data: one series (jobs, Emmen, zorg) has two rows on 2021-01-10 and two on 2021-02-20,
// so first/last must break ties by input order.
const char* const hand_csv =
    "indicator,date,municipality,sector,value\n"
    "jobs,2021-01-10,Emmen,zorg,5\n"   // row 1
    "jobs,2021-02-20,Emmen,zorg,7\n"   // row 2
    "jobs,2021-02-20,Emmen,zorg,8\n"   // row 3: same date as row 2, later: last picks it
    "jobs,2021-01-05,Emmen,bouw,2\n"   // row 4
    "jobs,2021-03-31,Assen,zorg,10\n"  // row 5
    "jobs,2021-04-01,Assen,zorg,1\n"   // row 6
    "jobs,2021-01-10,Emmen,zorg,3\n"   // row 7: same date as row 1, later: first keeps row 1
    "homes,2021-05-05,Assen,bouw,4\n";

measurement_store load(std::string_view csv) {
  measurement_store s;
  ingest_csv(s, csv);
  return s;
}

/// The result as "indicator|by...|period|value" lines.
std::vector<std::string> rows(const aggregate_result& r) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < r.size(); ++i) {
    std::string line(r.indicator(i));
    for (std::size_t k = 0; k < r.group_by.size(); ++k) line += "|" + std::string(r.group_value(i, k));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", r.value(i));
    out.push_back(line + "|" + r.period_of(i).label() + "|" + buf);
  }
  return out;
}

std::vector<std::string> run(const measurement_store& s, query q, const programme* p = nullptr) {
  return rows(aggregate(s, q, p));
}

query quarterly(time_rule t, space_rule sp, std::vector<std::string> by = {}) {
  query q;
  q.period = period_type::quarter;
  q.time = t;
  q.space = sp;
  q.group_by = std::move(by);
  return q;
}

}  // namespace

TEST(Aggregate, EveryTimeRuleThenSum) {
  const auto s = load(hand_csv);
  // Per series in 2021-Q1: Emmen/zorg {5, 7, 8, 3}, Emmen/bouw {2}, Assen/zorg {10}; Q2: Assen/zorg {1}.
  EXPECT_THAT(run(s, quarterly(time_rule::sum, space_rule::sum)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|35", "jobs|2021-Q2|1"));
  EXPECT_THAT(run(s, quarterly(time_rule::count, space_rule::sum)),
              ElementsAre("homes|2021-Q2|1", "jobs|2021-Q1|6", "jobs|2021-Q2|1"));
  // last_in_period: 8 (row 3 beats row 2 on the same date) + 2 + 10; in Q2 only Assen/zorg reported.
  EXPECT_THAT(run(s, quarterly(time_rule::last_in_period, space_rule::sum)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|20", "jobs|2021-Q2|1"));
  // last carries forward: Q1 as above; Q2 Emmen/zorg keeps 8, Emmen/bouw keeps 2, Assen/zorg 1: 11.
  EXPECT_THAT(run(s, quarterly(time_rule::last, space_rule::sum)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|20", "jobs|2021-Q2|11"));
  // first: 5 (row 1 beats row 7 on the same date) + 2 + 10.
  EXPECT_THAT(run(s, quarterly(time_rule::first, space_rule::sum)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|17", "jobs|2021-Q2|1"));
  EXPECT_THAT(run(s, quarterly(time_rule::min, space_rule::sum)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|15", "jobs|2021-Q2|1"));
  EXPECT_THAT(run(s, quarterly(time_rule::max, space_rule::sum)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|20", "jobs|2021-Q2|1"));
  // avg: 23/4 + 2 + 10.
  EXPECT_THAT(run(s, quarterly(time_rule::avg, space_rule::sum)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|17.75", "jobs|2021-Q2|1"));
}

TEST(Aggregate, EverySpaceRule) {
  const auto s = load(hand_csv);
  // Time rule last_in_period gives Q1 results 8, 2, 10 for the three series.
  EXPECT_THAT(run(s, quarterly(time_rule::last_in_period, space_rule::avg)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|6.66666666666667", "jobs|2021-Q2|1"));
  EXPECT_THAT(run(s, quarterly(time_rule::last_in_period, space_rule::min)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|2", "jobs|2021-Q2|1"));
  EXPECT_THAT(run(s, quarterly(time_rule::last_in_period, space_rule::max)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|10", "jobs|2021-Q2|1"));
  EXPECT_THAT(run(s, quarterly(time_rule::last_in_period, space_rule::count)),
              ElementsAre("homes|2021-Q2|1", "jobs|2021-Q1|3", "jobs|2021-Q2|1"));
  // The direct paths (rules that compose) agree with the hand values too.
  EXPECT_THAT(run(s, quarterly(time_rule::min, space_rule::min)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|2", "jobs|2021-Q2|1"));
  EXPECT_THAT(run(s, quarterly(time_rule::max, space_rule::max)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|10", "jobs|2021-Q2|1"));
  // avg then avg: (23/4 + 2 + 10) / 3.
  EXPECT_THAT(run(s, quarterly(time_rule::avg, space_rule::avg)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|5.91666666666667", "jobs|2021-Q2|1"));
}

TEST(Aggregate, GroupByKeepsDimensionsInByteOrder) {
  const auto s = load(hand_csv);
  EXPECT_THAT(
      run(s, quarterly(time_rule::last_in_period, space_rule::sum, {"municipality"})),
      ElementsAre("homes|Assen|2021-Q2|4", "jobs|Assen|2021-Q1|10", "jobs|Assen|2021-Q2|1", "jobs|Emmen|2021-Q1|10"));
  EXPECT_THAT(run(s, quarterly(time_rule::sum, space_rule::sum, {"sector", "municipality"})),
              ElementsAre("homes|bouw|Assen|2021-Q2|4", "jobs|bouw|Emmen|2021-Q1|2", "jobs|zorg|Assen|2021-Q1|10",
                          "jobs|zorg|Assen|2021-Q2|1", "jobs|zorg|Emmen|2021-Q1|23"));
  query m = quarterly(time_rule::sum, space_rule::sum, {"sector"});
  m.period = period_type::month;
  m.indicators = {"jobs"};
  EXPECT_THAT(run(s, m), ElementsAre("jobs|bouw|2021-01|2", "jobs|zorg|2021-01|8", "jobs|zorg|2021-02|15",
                                     "jobs|zorg|2021-03|10", "jobs|zorg|2021-04|1"));
}

TEST(Aggregate, LastCarriesForwardThroughPeriodsWithoutAReport) {
  const auto s = load(hand_csv);
  // Per series, carried: Q1 {Emmen/zorg 8, Emmen/bouw 2, Assen/zorg 10}, Q2 {8, 2, 1}.
  EXPECT_THAT(run(s, quarterly(time_rule::last, space_rule::avg)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|6.66666666666667", "jobs|2021-Q2|3.66666666666667"));
  EXPECT_THAT(run(s, quarterly(time_rule::last, space_rule::min)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|2", "jobs|2021-Q2|1"));
  EXPECT_THAT(run(s, quarterly(time_rule::last, space_rule::max)),
              ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|10", "jobs|2021-Q2|8"));
  EXPECT_THAT(run(s, quarterly(time_rule::last, space_rule::count)),
              ElementsAre("homes|2021-Q2|1", "jobs|2021-Q1|3", "jobs|2021-Q2|3"));
  // By municipality: Emmen did not report in Q2 and keeps 8 + 2.
  EXPECT_THAT(run(s, quarterly(time_rule::last, space_rule::sum, {"municipality"})),
              ElementsAre("homes|Assen|2021-Q2|4", "jobs|Assen|2021-Q1|10", "jobs|Assen|2021-Q2|1",
                          "jobs|Emmen|2021-Q1|10", "jobs|Emmen|2021-Q2|10"));
  // Monthly: a series has nothing before its first report (Assen/zorg starts in March), and the
  // indicator's rows end with its latest report (April). Jan {Emmen/zorg 3 (row 7, later than
  // row 1 on the same date), Emmen/bouw 2} = 5; Feb {8, 2} = 10; Mar {8, 2, 10} = 20; Apr {8, 2, 1} = 11.
  query m = quarterly(time_rule::last, space_rule::sum);
  m.period = period_type::month;
  m.indicators = {"jobs"};
  EXPECT_THAT(run(s, m), ElementsAre("jobs|2021-01|5", "jobs|2021-02|10", "jobs|2021-03|20", "jobs|2021-04|11"));
  // Before the range: from 2021-04-01 the Q2 value still carries Emmen's Q1 values in (8 + 2 + 1),
  // and a range after every report gives nothing (no row is made up past the latest report).
  query r = quarterly(time_rule::last, space_rule::sum);
  r.indicators = {"jobs"};
  r.from = d("2021-04-01");
  EXPECT_THAT(run(s, r), ElementsAre("jobs|2021-Q2|11"));
  r.from = d("2021-04-02");
  EXPECT_TRUE(run(s, r).empty());
  // The range's end bounds it: to 2021-03-30 leaves out Assen/zorg (03-31): Q1 = 8 + 2.
  r.from.reset();
  r.to = d("2021-03-30");
  EXPECT_THAT(run(s, r), ElementsAre("jobs|2021-Q1|10"));
}

// A query for some indicators keeps cells for their series only; the series it leaves out may come
// first in the store (homes is the last of four series here) and must change nothing.
TEST(Aggregate, PerSeriesRulesForSomeIndicatorsOnly) {
  const auto s = load(hand_csv);
  query a = quarterly(time_rule::avg, space_rule::avg);
  a.indicators = {"homes"};
  EXPECT_THAT(run(s, a), ElementsAre("homes|2021-Q2|4"));
  // jobs, Q1: Emmen/zorg (5 + 7 + 8 + 3) / 4 = 5.75, Emmen/bouw 2, Assen/zorg 10: (5.75 + 2 + 10) / 3.
  a.indicators = {"jobs"};
  EXPECT_THAT(run(s, a), ElementsAre("jobs|2021-Q1|5.91666666666667", "jobs|2021-Q2|1"));
  query l = quarterly(time_rule::last, space_rule::max);
  l.period = period_type::month;
  l.indicators = {"homes"};
  EXPECT_THAT(run(s, l), ElementsAre("homes|2021-05|4"));
}

TEST(Aggregate, TotalRowsAreTheHeadlineAndNeverAddedToTheirBreakdown) {
  // A published rate with its breakdown by sex: the empty cell is the total (SDMX _T).
  const auto s = load(
      "indicator,date,sex,value\n"
      "rate,2021-12-31,,9.5\n"
      "rate,2021-12-31,m,7.1\n"
      "rate,2021-12-31,f,9.2\n"
      "rate,2022-12-31,m,3\n"
      "rate,2022-12-31,f,4\n");
  query q;
  q.period = period_type::year;
  // 2021: the total 9.5, not 9.5 + 7.1 + 9.2 = 25.8 nor 7.1 + 9.2 = 16.3. 2022 has no total row on
  // its date: the breakdown is summed, 3 + 4 = 7.
  EXPECT_THAT(run(s, q), ElementsAre("rate|2021|9.5", "rate|2022|7"));
  q.space = space_rule::count;  // one series stands for 2021: the total
  EXPECT_THAT(run(s, q), ElementsAre("rate|2021|1", "rate|2022|2"));
  // By sex the breakdown serves, and the total is the group with the empty value beside it.
  q.space = space_rule::sum;
  q.group_by = {"sex"};
  EXPECT_THAT(run(s, q),
              ElementsAre("rate||2021|9.5", "rate|f|2021|9.2", "rate|f|2022|4", "rate|m|2021|7.1", "rate|m|2022|3"));
}

TEST(Aggregate, TotalsNestOverSeveralDimensions) {
  const char* const csv =
      "indicator,date,municipality,sector,value\n"
      "jobs,2021-03-31,emmen,,10\n"  // Emmen's total over the sectors
      "jobs,2021-03-31,emmen,zorg,6\n"
      "jobs,2021-03-31,emmen,bouw,5\n"  // 6 + 5 = 11: the published 10 wins
      "jobs,2021-03-31,assen,zorg,2\n"
      "jobs,2021-03-31,assen,bouw,3\n"   // no total for Assen: 2 + 3
      "jobs,2021-03-15,emmen,zorg,1\n";  // another date: no total replaces it
  const auto s = load(csv);
  query q = quarterly(time_rule::sum, space_rule::sum);
  // Emmen: 10 (its total) + 1 (2021-03-15); Assen 2 + 3: 16.
  EXPECT_THAT(run(s, q), ElementsAre("jobs|2021-Q1|16"));
  q.group_by = {"municipality"};
  EXPECT_THAT(run(s, q), ElementsAre("jobs|assen|2021-Q1|5", "jobs|emmen|2021-Q1|11"));
  // By sector nothing is combined over sectors; the municipalities have no total row, so the
  // per-sector sums are plain, and Emmen's sector total is the empty group: bouw 5 + 3, zorg 6 + 2 + 1.
  q.group_by = {"sector"};
  EXPECT_THAT(run(s, q), ElementsAre("jobs||2021-Q1|10", "jobs|bouw|2021-Q1|8", "jobs|zorg|2021-Q1|9"));
  // A grand total row (both cells empty) is the headline over everything on its date: 14, plus
  // the 2021-03-15 row (a different date), 15.
  const auto g = load(std::string(csv) + "jobs,2021-03-31,,,14\n");
  q.group_by = {};
  EXPECT_THAT(run(g, q), ElementsAre("jobs|2021-Q1|15"));
  // The direct path (min then min) leaves out the same rows: on 2021-03-31 alone the grand total
  // 14 stands for all, not min(14, 10, 6, 5, 2, 3) = 2 over total and breakdown together.
  query m = quarterly(time_rule::min, space_rule::min);
  m.to = d("2021-03-31");
  m.from = d("2021-03-31");
  EXPECT_THAT(run(g, m), ElementsAre("jobs|2021-Q1|14"));
}

TEST(Aggregate, CarriedTotalsReplaceTheirBreakdownFromTheirFirstPeriod) {
  const auto s = load(
      "indicator,date,m,value\n"
      "stock,2021-03-31,,100\n"
      "stock,2021-03-31,a,60\n"
      "stock,2021-03-31,b,45\n"
      "stock,2021-06-30,a,70\n"  // a breakdown update without a new total
      "late,2021-03-31,a,1\n"
      "late,2021-03-31,b,2\n"
      "late,2021-06-30,,10\n");  // a total that starts in Q2
  const query q = quarterly(time_rule::last, space_rule::sum);
  // stock: Q1 the total 100; Q2 the total carried (100) still stands for a and b.
  // late: Q1 no total yet, 1 + 2 = 3; Q2 the total 10 replaces a and b (carried 1 and 2).
  EXPECT_THAT(run(s, q), ElementsAre("late|2021-Q1|3", "late|2021-Q2|10", "stock|2021-Q1|100", "stock|2021-Q2|100"));
  // By member, each series is its own group: carried as usual.
  EXPECT_THAT(run(s, quarterly(time_rule::last, space_rule::sum, {"m"})),
              ElementsAre("late||2021-Q2|10", "late|a|2021-Q1|1", "late|a|2021-Q2|1", "late|b|2021-Q1|2",
                          "late|b|2021-Q2|2", "stock||2021-Q1|100", "stock||2021-Q2|100", "stock|a|2021-Q1|60",
                          "stock|a|2021-Q2|70", "stock|b|2021-Q1|45", "stock|b|2021-Q2|45"));
}

TEST(Aggregate, CumulativeRangeAndIndicatorFilter) {
  const auto s = load(hand_csv);
  query q = quarterly(time_rule::sum, space_rule::sum);
  q.cumulative = true;
  EXPECT_THAT(run(s, q), ElementsAre("homes|2021-Q2|4", "jobs|2021-Q1|35", "jobs|2021-Q2|36"));
  q.period = period_type::month;
  q.indicators = {"jobs"};
  EXPECT_THAT(run(s, q), ElementsAre("jobs|2021-01|10", "jobs|2021-02|25", "jobs|2021-03|35", "jobs|2021-04|36"));
  query r = quarterly(time_rule::sum, space_rule::sum);
  r.from = d("2021-02-01");
  r.to = d("2021-03-31");
  EXPECT_THAT(run(s, r), ElementsAre("jobs|2021-Q1|25"));
  r.indicators = {"nothing"};
  EXPECT_TRUE(run(s, r).empty());
}

TEST(Aggregate, RevisionsReplaceAndAsRecordedOnLooksBack) {
  const auto s = load(
      "indicator,date,region,value,recorded_at,revision\n"
      "a,2021-01-01,x,10,2021-01-05,\n"
      "a,2021-01-01,x,12,2021-02-01,1\n"
      "a,2021-01-01,x,11,2021-02-01,1\n"
      "a,2021-01-02,x,5,,\n"
      "a,2021-01-02,y,6,2021-01-03,0\n");
  query q;
  q.period = period_type::month;
  // Revision 1 replaces revision 0 of (a, 2021-01-01, x); both revision-1 rows count.
  EXPECT_THAT(run(s, q), ElementsAre("a|2021-01|34"));
  q.as_recorded_on = d("2021-01-31");
  EXPECT_THAT(run(s, q), ElementsAre("a|2021-01|21"));
  q.as_recorded_on = d("2021-01-04");
  EXPECT_THAT(run(s, q), ElementsAre("a|2021-01|11"));
  // Nothing is lost: the store still has every row.
  EXPECT_EQ(s.size(), 5u);
}

TEST(Aggregate, PeriodTypesAndFinancialYears) {
  const auto s = load(
      "indicator,date,value\n"
      "a,2020-12-31,1\n"  // ISO week 2020-W53, FY2020 (April start)
      "a,2021-01-03,2\n"  // still 2020-W53
      "a,2021-03-31,4\n"  // FY2020
      "a,2021-04-01,8\n"  // FY2021, 2021-H1
      "a,2021-07-01,16\n");
  query q;
  q.period = period_type::iso_week;
  EXPECT_THAT(run(s, q), ElementsAre("a|2020-W53|3", "a|2021-W13|12", "a|2021-W26|16"));
  q.period = period_type::financial_year;
  q.fy_first_month = 4;
  EXPECT_THAT(run(s, q), ElementsAre("a|FY2020|7", "a|FY2021|24"));
  q.period = period_type::half_year;
  EXPECT_THAT(run(s, q), ElementsAre("a|2020-H2|1", "a|2021-H1|14", "a|2021-H2|16"));
  q.period = period_type::year;
  EXPECT_THAT(run(s, q), ElementsAre("a|2020|1", "a|2021|30"));
  q.period = period_type::day;
  q.cumulative = true;
  EXPECT_THAT(run(s, q),
              ElementsAre("a|2020-12-31|1", "a|2021-01-03|3", "a|2021-03-31|7", "a|2021-04-01|15", "a|2021-07-01|31"));
}

TEST(Aggregate, BadQueries) {
  const auto s = load(hand_csv);
  auto code = [&](query q) {
    try {
      aggregate(s, q);
    } catch (const error& e) {
      return e.code();
    }
    return errc::ok;
  };
  EXPECT_EQ(code(quarterly(time_rule::sum, space_rule::sum, {"province"})), errc::invalid_argument);
  EXPECT_EQ(code(quarterly(time_rule::sum, space_rule::sum, {"sector", "sector"})), errc::invalid_argument);
  EXPECT_EQ(code(quarterly(time_rule::sum, space_rule::weighted_avg)), errc::invalid_argument);
  query q;
  q.fy_first_month = 13;
  EXPECT_EQ(code(q), errc::invalid_argument);
  try {
    aggregate(s, quarterly(time_rule::sum, space_rule::sum, {"province"}));
  } catch (const error& e) {
    EXPECT_STREQ(e.what(), "\"province\" is not a dimension of the measurements (they have: municipality, sector)");
  }
}

TEST(Aggregate, CsvOutput) {
  const auto s = load(
      "indicator,date,\"place, town\",value\n"
      "\"a,\"\"b\"\"\",2021-01-01,\"x,y\",0.1\n"
      "\"a,\"\"b\"\"\",2021-01-02,\"x,y\",0.2\n"
      "c,2021-01-01,z,1e21\n"
      "c,2021-02-01,z,-0.5\n"
      "c,2021-02-01,z,0.5\n");
  query q;
  q.period = period_type::month;
  q.group_by = {"place, town"};
  EXPECT_EQ(to_csv(aggregate(s, q)),
            "indicator,\"place, town\",period,value\n"
            "\"a,\"\"b\"\"\",\"x,y\",2021-01,0.30000000000000004\n"
            "c,z,2021-01,1e+21\n"
            "c,z,2021-02,0\n");
}

TEST(Aggregate, CsvInPiecesIsTheSameText) {
  // 3 indicators x 400 days: a result of 1,200 rows written in pieces of at least 100 bytes.
  std::string csv = "indicator,date,value\n";
  const std::int32_t first = parse_date("2021-01-01").day_number();
  for (int ind = 0; ind < 3; ++ind)
    for (int d = 0; d < 400; ++d)
      csv += "i" + std::to_string(ind) + "," + format_date(date::from_day_number(first + d)) + "," +
             std::to_string(d % 7) + ".25\n";
  const auto s = load(csv);
  query q;
  q.period = period_type::day;
  q.cumulative = true;
  const aggregate_result r = aggregate(s, q);
  ASSERT_EQ(r.size(), 1200u);
  std::vector<std::string> pieces;
  write_csv(
      r, [&](std::string_view p) { pieces.emplace_back(p); }, 100);
  ASSERT_GT(pieces.size(), 100u);
  std::string joined;
  for (const auto& p : pieces) {
    EXPECT_FALSE(p.empty());
    EXPECT_EQ(p.back(), '\n');  // whole rows only
    EXPECT_GE(p.size(), pieces.size() > 1 && &p != &pieces.back() ? 100u : 1u);
    joined += p;
  }
  EXPECT_EQ(joined, to_csv(r));
  // The first rows, by hand: i0's running total is 0.25, then 0.25 + 1.25, then + 2.25.
  EXPECT_EQ(joined.substr(0, joined.find("2021-01-04")),
            "indicator,period,value\ni0,2021-01-01,0.25\ni0,2021-01-02,1.5\ni0,2021-01-03,3.75\ni0,");
  // A sink that throws stops the writing, and the exception reaches the caller.
  std::size_t calls = 0;
  EXPECT_THROW(write_csv(
                   r,
                   [&](std::string_view) {
                     if (++calls == 3) throw std::runtime_error("disk full");
                   },
                   100),
               std::runtime_error);
  EXPECT_EQ(calls, 3u);
}

namespace {

programme region_programme() {
  programme p;
  p.id = "p";
  dimension region;
  region.id = "region";
  region.kind = dimension_kind::hierarchy;
  region.levels = {"province", "municipality"};
  member drenthe{.id = "drenthe", .level = "province"};
  member emmen{.id = "emmen", .level = "municipality", .parent = "drenthe"};
  member assen{.id = "assen", .level = "municipality", .parent = "drenthe"};
  member groningen{.id = "groningen", .level = "province"};
  member stad{.id = "stad", .level = "municipality", .parent = "groningen"};
  emmen.attributes["population"] = {{d("2020-01-01"), 100, ""}, {d("2021-06-01"), 200, ""}};
  assen.attributes["population"] = {{d("2020-01-01"), 300, ""}};
  region.members = {drenthe, emmen, assen, groningen, stad};
  p.dimensions.push_back(region);
  return p;
}

}  // namespace

TEST(Aggregate, ProgrammeRollUpWeightedAverageAndCoverage) {
  const programme p = region_programme();
  const auto s = load(
      "indicator,date,region,value\n"
      "share,2021-01-10,emmen,50\n"
      "share,2021-02-10,assen,10\n"
      "share,2021-08-10,emmen,40\n"
      "share,2021-08-10,assen,20\n"
      "share,2021-03-01,stad,70\n");
  // Roll-up: municipalities into their province.
  EXPECT_THAT(run(s, quarterly(time_rule::last_in_period, space_rule::sum, {"province"}), &p),
              ElementsAre("share|drenthe|2021-Q1|60", "share|drenthe|2021-Q3|60", "share|groningen|2021-Q1|70"));
  // Carried forward, Q2 (no reports) keeps 50 + 10 and Stad's 70 stays through Q3.
  EXPECT_THAT(run(s, quarterly(time_rule::last, space_rule::sum, {"province"}), &p),
              ElementsAre("share|drenthe|2021-Q1|60", "share|drenthe|2021-Q2|60", "share|drenthe|2021-Q3|60",
                          "share|groningen|2021-Q1|70", "share|groningen|2021-Q2|70", "share|groningen|2021-Q3|70"));
  // Weighted by population on the period's last day: Q1 (100*50 + 300*10) / 400 = 20; Q2 carries
  // the Q1 values, Emmen has 200 from 2021-06-01: (200*50 + 300*10) / 500 = 26; Q3
  // (200*40 + 300*20) / 500 = 28.
  query w = quarterly(time_rule::last, space_rule::weighted_avg, {"province"});
  w.weight_attribute = "population";
  w.space_dimension = "region";
  w.indicators = {"share"};
  w.to = d("2021-12-31");
  const auto drenthe_only = [](std::vector<std::string> v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](const std::string& x) { return x.find("groningen") != x.npos; }),
            v.end());
    return v;
  };
  try {
    run(s, w, &p);
    FAIL() << "stad has no population";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::validation_error);
    // Stad's value is carried into Q2 and Q3, and each period asks for its population.
    EXPECT_EQ(std::string(e.what()),
              "region \"stad\": has no \"population\" on or before 2021-03-31\n"
              "region \"stad\": has no \"population\" on or before 2021-06-30\n"
              "region \"stad\": has no \"population\" on or before 2021-09-30");
  }
  w.from = d("2021-01-01");
  query wd = w;
  wd.group_by = {};
  const auto only_drenthe = load(
      "indicator,date,region,value\n"
      "share,2021-01-10,emmen,50\n"
      "share,2021-02-10,assen,10\n"
      "share,2021-08-10,emmen,40\n"
      "share,2021-08-10,assen,20\n");
  EXPECT_THAT(drenthe_only(run(only_drenthe, wd, &p)),
              ElementsAre("share|2021-Q1|20", "share|2021-Q2|26", "share|2021-Q3|28"));
  // Coverage: members whose last value in the period is at least 20.
  query c = quarterly(time_rule::last_in_period, space_rule::coverage, {"province"});
  c.coverage_threshold = 20;
  EXPECT_THAT(run(s, c, &p),
              ElementsAre("share|drenthe|2021-Q1|1", "share|drenthe|2021-Q3|2", "share|groningen|2021-Q1|1"));
  // Carried: in Q2 Emmen keeps 50 (counts), Assen 10 (does not), Stad 70 (counts, through Q3).
  c.time = time_rule::last;
  EXPECT_THAT(run(s, c, &p),
              ElementsAre("share|drenthe|2021-Q1|1", "share|drenthe|2021-Q2|1", "share|drenthe|2021-Q3|2",
                          "share|groningen|2021-Q1|1", "share|groningen|2021-Q2|1", "share|groningen|2021-Q3|1"));
}

// ---- the engine against a plain reference on random data --------------------------------------

namespace {

struct ref_row {
  std::string indicator;
  std::int32_t day;
  std::vector<std::string> coords;
  double value;
};

/// Obviously correct and slow: maps and loops, straight from the definitions in the issue.
std::vector<std::tuple<std::vector<std::string>, std::int32_t, double>> reference(const std::vector<ref_row>& data,
                                                                                  const std::vector<std::string>& dims,
                                                                                  const query& q) {
  std::vector<std::size_t> by;
  for (const auto& g : q.group_by)
    by.push_back(static_cast<std::size_t>(std::find(dims.begin(), dims.end(), g) - dims.begin()));
  // Step 1: per series and period, the rows in input order.
  std::map<std::pair<std::vector<std::string>, std::int32_t>, std::vector<const ref_row*>> series;
  // Totals: an empty member in a combined dimension is the total over it. For a series key
  // (indicator, coordinates) and a combined dimension j (in store order), node(key, j) names "the
  // total over j for this group and these members in the combined dimensions before j".
  std::vector<std::size_t> combined;
  for (std::size_t k = 0; k < dims.size(); ++k)
    if (std::find(by.begin(), by.end(), k) == by.end()) combined.push_back(k);
  auto node = [&](const std::vector<std::string>& key, std::size_t j, std::int32_t when) {
    std::string n = key[0] + '\x1f' + std::to_string(j) + '\x1f' + std::to_string(when);
    for (std::size_t b : by) n += '\x1f' + key[1 + b];
    for (std::size_t k = 0; k < j; ++k) n += '\x1f' + key[1 + combined[k]];
    return n;
  };
  // A series entry (row on a day, or carried value in a period) is replaced when, at some combined
  // dimension where it has a member, the node it belongs under has a total entry at the same time.
  bool blanks = false;  // (no empty member in a combined dimension: no totals, skip the work)
  for (const auto& r : data)
    for (std::size_t k : combined) blanks = blanks || r.coords[k].empty();
  auto replaced = [&](const std::vector<std::string>& key, std::int32_t when,
                      const std::unordered_set<std::string>& totals) {
    if (totals.empty()) return false;
    for (std::size_t j = 0; j < combined.size(); ++j)
      if (!key[1 + combined[j]].empty() && totals.count(node(key, j, when))) return true;
    return false;
  };
  auto totals_of = [&](const auto& entries, auto&& key_of, auto&& when_of) {
    std::unordered_set<std::string> t;
    if (!blanks) return t;
    for (const auto& e : entries)
      for (std::size_t j = 0; j < combined.size(); ++j)
        if (key_of(e)[1 + combined[j]].empty()) t.insert(node(key_of(e), j, when_of(e)));
    return t;
  };
  if (q.time == time_rule::last) {
    // Carried forward, from the definition: for every period from the range's first to the one of
    // the indicator's latest row in the range, each series' latest row dated on or before the
    // period's last day (on equal dates the later input row), however early.
    std::int32_t lo = data.front().day, hi = data.front().day;
    for (const auto& r : data) lo = std::min(lo, r.day), hi = std::max(hi, r.day);
    if (q.from) lo = std::max(lo, q.from->day_number());
    if (q.to) hi = std::min(hi, q.to->day_number());
    auto period_of = [&](std::int32_t day) {
      return period::containing(q.period, date::from_day_number(day), q.fy_first_month).index();
    };
    std::map<std::string, std::int32_t> end;  // indicator -> last period with a row in [lo, hi]
    std::map<std::vector<std::string>, std::vector<const ref_row*>> by_series;
    for (const auto& r : data) {
      if (r.day > hi) continue;
      if (r.day >= lo) {
        const auto it = end.find(r.indicator);
        end[r.indicator] = std::max(it == end.end() ? INT32_MIN : it->second, period_of(r.day));
      }
      std::vector<std::string> key{r.indicator};
      key.insert(key.end(), r.coords.begin(), r.coords.end());
      by_series[key].push_back(&r);
    }
    for (auto& [key, rs] : by_series) {
      if (!end.count(key[0]) || lo > hi) continue;
      // In date order (stable: on equal dates, input order), the latest row on or before a day is
      // the last one not after it.
      std::stable_sort(rs.begin(), rs.end(), [](const ref_row* a, const ref_row* b) { return a->day < b->day; });
      std::size_t next = 0;
      const ref_row* best = nullptr;
      for (std::int32_t p = period_of(lo); p <= end[key[0]]; ++p) {
        const std::int32_t last_day = period::from_index(q.period, p, q.fy_first_month).last_day().day_number();
        while (next < rs.size() && rs[next]->day <= last_day) best = rs[next++];
        if (best != nullptr) series[{key, p}].push_back(best);
      }
    }
    const auto totals = totals_of(
        series, [](const auto& e) -> const std::vector<std::string>& { return e.first.first; },
        [](const auto& e) { return e.first.second; });
    for (auto it = series.begin(); it != series.end();)
      it = replaced(it->first.first, it->first.second, totals) ? series.erase(it) : std::next(it);
  }
  std::vector<const ref_row*> in_range;
  for (const auto& r : data)
    if (!(q.from && r.day < q.from->day_number()) && !(q.to && r.day > q.to->day_number())) in_range.push_back(&r);
  auto key_of_row = [](const ref_row* r) {
    std::vector<std::string> key{r->indicator};
    key.insert(key.end(), r->coords.begin(), r->coords.end());
    return key;
  };
  const auto row_totals = totals_of(in_range, key_of_row, [](const ref_row* r) { return r->day; });
  for (const auto& r : data) {
    if (q.time == time_rule::last) break;
    if (q.from && r.day < q.from->day_number()) continue;
    if (q.to && r.day > q.to->day_number()) continue;
    if (!row_totals.empty() && replaced(key_of_row(&r), r.day, row_totals)) continue;
    std::vector<std::string> key{r.indicator};
    key.insert(key.end(), r.coords.begin(), r.coords.end());
    const auto p = period::containing(q.period, date::from_day_number(r.day), q.fy_first_month).index();
    series[{key, p}].push_back(&r);
  }
  std::map<std::pair<std::vector<std::string>, std::int32_t>, std::vector<double>> groups;
  for (const auto& [k, rs] : series) {
    double v = 0;
    switch (q.time) {
      case time_rule::sum:
        for (auto* r : rs) v += r->value;
        break;
      case time_rule::avg:
        for (auto* r : rs) v += r->value;
        v /= static_cast<double>(rs.size());
        break;
      case time_rule::min:
        v = rs[0]->value;
        for (auto* r : rs) v = std::min(v, r->value);
        break;
      case time_rule::max:
        v = rs[0]->value;
        for (auto* r : rs) v = std::max(v, r->value);
        break;
      case time_rule::count:
        v = static_cast<double>(rs.size());
        break;
      case time_rule::first: {
        const ref_row* best = rs[0];
        for (auto* r : rs)
          if (r->day < best->day) best = r;
        v = best->value;
        break;
      }
      case time_rule::last:  // one row: the carried one
      case time_rule::last_in_period: {
        const ref_row* best = rs[0];
        for (auto* r : rs)
          if (r->day >= best->day) best = r;
        v = best->value;
        break;
      }
    }
    std::vector<std::string> g{k.first[0]};
    for (std::size_t b : by) g.push_back(k.first[1 + b]);
    groups[{g, k.second}].push_back(v);
  }
  std::vector<std::tuple<std::vector<std::string>, std::int32_t, double>> out;
  for (const auto& [k, vs] : groups) {
    double v = 0;
    switch (q.space) {
      case space_rule::sum:
        for (double x : vs) v += x;
        break;
      case space_rule::avg:
        for (double x : vs) v += x;
        v /= static_cast<double>(vs.size());
        break;
      case space_rule::min:
        v = *std::min_element(vs.begin(), vs.end());
        break;
      case space_rule::max:
        v = *std::max_element(vs.begin(), vs.end());
        break;
      case space_rule::count:
        v = static_cast<double>(vs.size());
        break;
      default:
        break;
    }
    out.emplace_back(k.first, k.second, v);
  }
  // std::map orders keys as the issue asks (strings by bytes, then period), so out is sorted.
  if (q.cumulative) {
    for (std::size_t i = 0; i < out.size(); ++i)
      if (i > 0 && std::get<0>(out[i]) == std::get<0>(out[i - 1])) std::get<2>(out[i]) += std::get<2>(out[i - 1]);
  }
  return out;
}

}  // namespace

TEST(Aggregate, AgreesWithAPlainReferenceOnRandomData) {
  std::mt19937 rng(42);
  const std::vector<std::string> dims{"municipality", "sector"};
  const char* munis[] = {"Emmen", "Assen", "Aa en Hunze", "Z"};
  const char* sectors[] = {"zorg", "bouw", ""};
  std::vector<ref_row> data;
  std::string csv = "indicator,date,municipality,sector,value\n";
  for (int i = 0; i < 2500; ++i) {
    ref_row r;
    r.indicator = "i" + std::to_string(rng() % 7);
    // Edge dates: 2019-12-30 .. 2021-01-05 covers a leap day, ISO week 53 of 2020 and year ends;
    // a small span makes equal dates (ties) common.
    r.day = d("2019-12-28").day_number() + static_cast<std::int32_t>(rng() % 380);
    r.coords = {munis[rng() % 4], sectors[rng() % 3]};
    r.value = static_cast<double>(static_cast<int>(rng() % 2001) - 1000) / 8;  // exact in binary
    csv += r.indicator + "," + format_date(date::from_day_number(r.day)) + "," + r.coords[0] + "," + r.coords[1] + "," +
           std::to_string(r.value) + "\n";
    data.push_back(r);
  }
  const auto s = load(csv);
  const period_type types[] = {period_type::day,           period_type::iso_week,  period_type::month,
                               period_type::quarter,       period_type::half_year, period_type::year,
                               period_type::financial_year};
  int checked = 0;
  for (period_type pt : types)
    for (int t = 0; t < 8; ++t)
      for (int sp = 0; sp < 5; ++sp) {
        query q;
        q.period = pt;
        q.fy_first_month = 7;
        q.time = static_cast<time_rule>(t);
        q.space = static_cast<space_rule>(sp);
        q.group_by = (t + sp) % 3 == 0   ? std::vector<std::string>{}
                     : (t + sp) % 3 == 1 ? std::vector<std::string>{"sector"}
                                         : std::vector<std::string>{"sector", "municipality"};
        q.cumulative = (t * 7 + sp) % 4 == 0;
        q.threads = 1 + static_cast<unsigned>(t + sp) % 3;  // the answer must not depend on it
        if ((t + sp) % 5 == 0) q.from = d("2020-02-29"), q.to = d("2020-12-31");
        const auto want = reference(data, dims, q);
        const auto got = aggregate(s, q);
        ASSERT_EQ(got.size(), want.size()) << to_string(pt) << " " << t << " " << sp;
        for (std::size_t i = 0; i < got.size(); ++i) {
          const auto& [key, p, v] = want[i];
          ASSERT_EQ(got.indicator(i), key[0]);
          for (std::size_t k = 0; k < q.group_by.size(); ++k) ASSERT_EQ(got.group_value(i, k), key[k + 1]);
          ASSERT_EQ(got.period_index(i), p);
          ASSERT_NEAR(got.value(i), v, 1e-9 * std::max(1.0, std::fabs(v))) << i;
        }
        ++checked;
      }
  EXPECT_EQ(checked, 7 * 8 * 5);
}

TEST(Aggregate, SparseCellsGiveTheSameAnswerAsDense) {
  // Many series over many days force the hash-table path for (series, day) cells.
  std::mt19937 rng(7);
  std::string csv = "indicator,date,m,value\n";
  for (int i = 0; i < 3000; ++i)
    csv += "i" + std::to_string(rng() % 300) + "," +
           format_date(date::from_day_number(15000 + static_cast<std::int32_t>(rng() % 3000))) + ",m" +
           std::to_string(rng() % 50) + "," + std::to_string(rng() % 100) + "\n";
  const auto s = load(csv);
  query day;
  day.period = period_type::day;
  day.time = time_rule::last_in_period;
  day.space = space_rule::max;
  day.group_by = {"m"};
  day.threads = 3;
  // Reference: the same query by year buckets would differ; compare with a direct sum over rows.
  const auto r = aggregate(s, day);
  std::map<std::pair<std::string, std::string>, std::map<std::int32_t, std::map<std::string, double>>> ref;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto row = s.row(i);
    ref[{std::string(row.indicator), std::string(s.coordinate(i, 0))}][row.when.day_number()]["last"] = row.value;
  }
  std::size_t n = 0;
  for (const auto& [k, per_day] : ref) n += per_day.size();
  ASSERT_EQ(r.size(), n);
  std::size_t i = 0;
  for (const auto& [k, per_day] : ref)
    for (const auto& [dn, v] : per_day) {
      EXPECT_EQ(r.indicator(i), k.first);
      EXPECT_EQ(r.group_value(i, 0), k.second);
      EXPECT_EQ(r.period_index(i), dn);
      EXPECT_EQ(r.value(i), v.at("last"));
      ++i;
    }
}

// ---- threads split the rows: each thread's cells, merged in row order -----------------------------

// Ten rows, split by two threads into rows 0-4 and 5-9. Three series (m = A, B, C) over two
// quarters are 6 cells, no more than the 10 rows, so the engine does split (dense cells).
// A: 01-10 rows 0 and 6, 02-20 rows 1, 3 and 5 (ties across the split); B: 01-10 rows 2 and 7;
// C: its earlier date (02-01, row 8) comes after the split, its later date (03-01, row 4) before.
const char* const split_csv =
    "indicator,date,m,value\n"
    "v,2021-01-10,A,5\n"   // row 0: first of A (ties with row 6, which comes later)
    "v,2021-02-20,A,7\n"   // row 1
    "v,2021-01-10,B,1\n"   // row 2: first of B (ties with row 7)
    "v,2021-02-20,A,8\n"   // row 3
    "v,2021-03-01,C,10\n"  // row 4: last of C (a later date than row 8)
    "v,2021-02-20,A,9\n"   // row 5: last of A (ties with rows 1 and 3, which come earlier)
    "v,2021-01-10,A,6\n"   // row 6
    "v,2021-01-10,B,2\n"   // row 7: last of B
    "v,2021-02-01,C,20\n"  // row 8: first of C
    "v,2021-04-02,A,4\n";  // row 9: A's only row in Q2

TEST(AggregateThreads, EveryTimeRuleGivesTheSameAnswerOnOneAndTwoThreads) {
  const auto s = load(split_csv);
  struct expect {
    time_rule t;
    space_rule sp;
    std::vector<std::string> want;
  };
  // By hand, per series (= group) and quarter. Q1: A {5, 7, 8, 9, 6}, B {1, 2}, C {10, 20}; Q2: A {4}.
  const std::vector<expect> cases = {
      {time_rule::sum, space_rule::sum, {"v|A|2021-Q1|35", "v|A|2021-Q2|4", "v|B|2021-Q1|3", "v|C|2021-Q1|30"}},
      {time_rule::sum, space_rule::avg, {"v|A|2021-Q1|35", "v|A|2021-Q2|4", "v|B|2021-Q1|3", "v|C|2021-Q1|30"}},
      {time_rule::count, space_rule::sum, {"v|A|2021-Q1|5", "v|A|2021-Q2|1", "v|B|2021-Q1|2", "v|C|2021-Q1|2"}},
      {time_rule::avg, space_rule::sum, {"v|A|2021-Q1|7", "v|A|2021-Q2|4", "v|B|2021-Q1|1.5", "v|C|2021-Q1|15"}},
      {time_rule::min, space_rule::min, {"v|A|2021-Q1|5", "v|A|2021-Q2|4", "v|B|2021-Q1|1", "v|C|2021-Q1|10"}},
      {time_rule::min, space_rule::sum, {"v|A|2021-Q1|5", "v|A|2021-Q2|4", "v|B|2021-Q1|1", "v|C|2021-Q1|10"}},
      {time_rule::max, space_rule::max, {"v|A|2021-Q1|9", "v|A|2021-Q2|4", "v|B|2021-Q1|2", "v|C|2021-Q1|20"}},
      {time_rule::max, space_rule::sum, {"v|A|2021-Q1|9", "v|A|2021-Q2|4", "v|B|2021-Q1|2", "v|C|2021-Q1|20"}},
      // first: the earliest date, and of equal dates the earlier row (row 0 over row 6 for A).
      {time_rule::first, space_rule::sum, {"v|A|2021-Q1|5", "v|A|2021-Q2|4", "v|B|2021-Q1|1", "v|C|2021-Q1|20"}},
      // last: the latest date, and of equal dates the later row (row 5 over rows 1 and 3 for A).
      {time_rule::last_in_period,
       space_rule::sum,
       {"v|A|2021-Q1|9", "v|A|2021-Q2|4", "v|B|2021-Q1|2", "v|C|2021-Q1|10"}},
      // carried forward: B and C keep their Q1 values in Q2 (the indicator's latest row is in Q2).
      {time_rule::last,
       space_rule::sum,
       {"v|A|2021-Q1|9", "v|A|2021-Q2|4", "v|B|2021-Q1|2", "v|B|2021-Q2|2", "v|C|2021-Q1|10", "v|C|2021-Q2|10"}},
  };
  for (const auto& c : cases)
    for (unsigned threads : {1u, 2u, 3u}) {
      query q = quarterly(c.t, c.sp, {"m"});
      q.threads = threads;
      EXPECT_EQ(run(s, q), c.want) << to_string(c.t) << " then " << to_string(c.sp) << ", " << threads << " threads";
    }
  // Without grouping (one group; sums straight into (group, quarter) cells): Q1 35 + 3 + 30.
  for (unsigned threads : {1u, 2u}) {
    query q = quarterly(time_rule::sum, space_rule::sum);
    q.threads = threads;
    EXPECT_THAT(run(s, q), ElementsAre("v|2021-Q1|68", "v|2021-Q2|4")) << threads;
    q.time = time_rule::last_in_period;  // per series: A 9, B 2, C 10
    EXPECT_THAT(run(s, q), ElementsAre("v|2021-Q1|21", "v|2021-Q2|4")) << threads;
  }
}

TEST(AggregateThreads, HashedCellsMergeInRowOrder) {
  // Ten series by day over 1900..2199 (109,573 days) are more cells than a dense array takes: the
  // hash tables, split by two threads into rows 0-6 and 7-13. m0 has rows on 2000-06-01 in both halves.
  const auto s = load(
      "indicator,date,m,value\n"
      "v,1900-01-01,m0,1\n"
      "v,2199-12-31,m1,1\n"
      "v,2000-06-01,m0,5\n"  // row 2: first of m0 on the day
      "v,2000-01-01,m2,1\n"
      "v,2000-01-01,m3,1\n"
      "v,2000-01-01,m4,1\n"
      "v,2000-01-01,m5,1\n"
      "v,2000-06-01,m0,6\n"  // row 7: the second half
      "v,2000-01-01,m6,1\n"
      "v,2000-01-01,m7,1\n"
      "v,2000-01-01,m8,1\n"
      "v,2000-01-01,m9,1\n"
      "v,2000-06-01,m0,7\n"  // row 12: last of m0 on the day
      "v,2000-06-01,m1,3\n");
  auto on_day = [&](time_rule t, space_rule sp, unsigned threads) {
    query q;
    q.period = period_type::day;
    q.time = t;
    q.space = sp;
    q.group_by = {"m"};
    q.threads = threads;
    const auto r = aggregate(s, q);
    const std::int32_t day = d("2000-06-01").day_number();  // a day's period index is its day number
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r.size(); ++i)
      if ((r.group_value(i, 0) == "m0" || r.group_value(i, 0) == "m1") &&
          (r.period_index(i) == day || r.period_index(i) == day + 1))
        out.push_back(std::string(r.group_value(i, 0)) + "|" + r.period_of(i).label() + "|" +
                      std::to_string(static_cast<int>(r.value(i))));
    return out;
  };
  for (unsigned threads : {1u, 2u, 3u}) {
    EXPECT_THAT(on_day(time_rule::sum, space_rule::avg, threads), ElementsAre("m0|2000-06-01|18", "m1|2000-06-01|3"));
    EXPECT_THAT(on_day(time_rule::count, space_rule::avg, threads), ElementsAre("m0|2000-06-01|3", "m1|2000-06-01|1"));
    EXPECT_THAT(on_day(time_rule::avg, space_rule::sum, threads), ElementsAre("m0|2000-06-01|6", "m1|2000-06-01|3"));
    EXPECT_THAT(on_day(time_rule::min, space_rule::sum, threads), ElementsAre("m0|2000-06-01|5", "m1|2000-06-01|3"));
    EXPECT_THAT(on_day(time_rule::max, space_rule::sum, threads), ElementsAre("m0|2000-06-01|7", "m1|2000-06-01|3"));
    EXPECT_THAT(on_day(time_rule::first, space_rule::sum, threads), ElementsAre("m0|2000-06-01|5", "m1|2000-06-01|3"));
    EXPECT_THAT(on_day(time_rule::last_in_period, space_rule::sum, threads),
                ElementsAre("m0|2000-06-01|7", "m1|2000-06-01|3"));
    // Carried: m0's 7 and m1's 3 (its first date, though its second row) into the next day.
    EXPECT_THAT(on_day(time_rule::last, space_rule::sum, threads),
                ElementsAre("m0|2000-06-01|7", "m0|2000-06-02|7", "m1|2000-06-01|3", "m1|2000-06-02|3"));
  }
}

TEST(AggregateThreads, ManyCellsAreFoldedAndWrittenOutOnSeveralThreads) {
  // 40 indicators x 2,000 days, each day a 1 from member a and a 2 from member b, in shuffled order:
  // 160,000 rows into 80,000 (indicator, day) cells, enough that folding the series into groups and
  // writing the rows out are split between threads too.
  std::vector<std::string> lines;
  const std::int32_t first = d("2000-01-01").day_number();
  for (int i = 0; i < 40; ++i)
    for (int k = 0; k < 2000; ++k) {
      const std::string day = format_date(date::from_day_number(first + k));
      lines.push_back("i" + std::to_string(i) + "," + day + ",a,1\n");
      lines.push_back("i" + std::to_string(i) + "," + day + ",b,2\n");
    }
  std::shuffle(lines.begin(), lines.end(), std::mt19937(11));
  std::string csv = "indicator,date,m,value\n";
  for (const auto& l : lines) csv += l;
  const auto s = load(csv);
  for (unsigned threads : {1u, 2u}) {
    for (time_rule t : {time_rule::sum, time_rule::last_in_period}) {
      query q;
      q.period = period_type::day;
      q.time = t;
      q.cumulative = true;
      q.threads = threads;
      const auto r = aggregate(s, q);
      ASSERT_EQ(r.size(), 80000u);
      // Row i: indicator i / 2000 (in byte order i0, i1, i10, ...), day i % 2000; running total 3 (k + 1).
      for (std::size_t i = 0; i < r.size(); ++i) {
        ASSERT_EQ(r.period_index(i), first + static_cast<std::int32_t>(i % 2000)) << i;
        ASSERT_EQ(r.value(i), 3.0 * static_cast<double>(i % 2000 + 1)) << i << " " << threads;
      }
      EXPECT_EQ(r.indicator(0), "i0");
      EXPECT_EQ(r.indicator(2000), "i1");
      EXPECT_EQ(r.indicator(4000), "i10");
    }
    query q;
    q.period = period_type::day;
    q.time = time_rule::max;
    q.space = space_rule::min;  // per day the smaller member's value: 1
    q.group_by = {"m"};
    q.threads = threads;
    const auto r = aggregate(s, q);
    ASSERT_EQ(r.size(), 160000u);
    for (std::size_t i = 0; i < r.size(); ++i) ASSERT_EQ(r.value(i), r.group_value(i, 0) == "a" ? 1.0 : 2.0) << i;
  }
}

// ---- coverage counts members; formulas per member -------------------------------------------------

TEST(AggregateCoverage, CountsMembersAgainstTheMembersExpected) {
  const programme p = region_programme();  // drenthe: emmen, assen; groningen: stad
  // Emmen reports two kinds of environment (two series), Assen two, and a total row (region "") that
  // is nobody's member.
  const auto s = load(
      "indicator,date,region,kind,value\n"
      "env,2021-02-01,emmen,hub,1\n"
      "env,2021-02-01,emmen,lab,0\n"
      "env,2021-03-01,assen,hub,0\n"
      "env,2021-05-01,assen,lab,2\n"
      "env,2021-02-01,,hub,5\n");
  query q = quarterly(time_rule::last, space_rule::coverage, {});
  q.space_dimension = "region";
  q.coverage_threshold = 1;
  const auto r = aggregate(s, q, &p);
  // Q1: Emmen 1 + 0 = 1 counts, Assen 0 does not, Stad has nothing; the total row is not a member.
  // (Counting series would give 2: Emmen's hub and the total.) Q2, carried: Emmen 1, Assen 0 + 2 = 2.
  EXPECT_THAT(rows(r), ElementsAre("env|2021-Q1|1", "env|2021-Q2|2"));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r.members_expected(0), 3u);  // the municipalities: emmen, assen, stad
  EXPECT_EQ(r.members_reporting(0), 2u);
  EXPECT_EQ(r.members_reporting(1), 2u);
  const auto& mv = r.member_values(0);
  ASSERT_EQ(mv.size(), 3u);
  EXPECT_EQ(mv[0].member, "emmen");
  EXPECT_EQ(mv[0].value, 1.0);
  EXPECT_EQ(mv[1].member, "assen");
  EXPECT_EQ(mv[1].value, 2.0);
  EXPECT_EQ(mv[2].member, "stad");
  EXPECT_FALSE(mv[2].value);
  // As a share of the three expected: 1/3, 2/3.
  q.coverage_share = true;
  const auto sh = aggregate(s, q, &p);
  ASSERT_EQ(sh.size(), 2u);
  EXPECT_DOUBLE_EQ(sh.value(0), 1.0 / 3);
  EXPECT_DOUBLE_EQ(sh.value(1), 2.0 / 3);
  // Only values inside the period: in Q2 Emmen has none, Assen's lab 2 counts.
  q.coverage_share = false;
  q.time = time_rule::last_in_period;
  const auto lp = aggregate(s, q, &p);
  EXPECT_THAT(rows(lp), ElementsAre("env|2021-Q1|1", "env|2021-Q2|1"));
  EXPECT_EQ(lp.members_reporting(1), 1u);
  // Grouped by province, a province expects its own municipalities: Drenthe two. The total row
  // falls in the group without a province, which expects nobody.
  q.time = time_rule::last;
  q.group_by = {"province"};
  const auto bp = aggregate(s, q, &p);
  EXPECT_THAT(rows(bp),
              ElementsAre("env||2021-Q1|0", "env||2021-Q2|0", "env|drenthe|2021-Q1|1", "env|drenthe|2021-Q2|2"));
  EXPECT_EQ(bp.members_expected(0), 0u);
  EXPECT_EQ(bp.members_expected(2), 2u);
  ASSERT_EQ(bp.member_values(1).size(), 2u);  // group 1 is drenthe: emmen, assen
  EXPECT_EQ(bp.member_values(1)[1].value, 2.0);
  // An explicit level: expecting the provinces, none of which reports itself.
  q.group_by = {};
  q.coverage_level = "province";
  const auto pv = aggregate(s, q, &p);
  EXPECT_THAT(rows(pv), ElementsAre("env|2021-Q1|0", "env|2021-Q2|0"));
  EXPECT_EQ(pv.members_expected(0), 2u);
}

TEST(AggregateCoverage, RunningTotalsAreCarriedAndShareNeedsKnownMembers) {
  const programme p = region_programme();
  const auto s = load(
      "indicator,date,region,value\n"
      "ap,2021-02-01,emmen,1\n"
      "ap,2021-05-01,assen,2\n"
      "ap,2021-08-01,emmen,1\n");
  query q = quarterly(time_rule::sum, space_rule::coverage, {});
  q.cumulative = true;
  q.coverage_threshold = 2;
  // Running totals per member: Emmen 1 (Q1), 1 (Q2, carried), 2 (Q3); Assen 2 (Q2), 2 (Q3).
  // At least 2: Q1 none, Q2 Assen, Q3 both. The counts are not added up.
  EXPECT_THAT(run(s, q, &p), ElementsAre("ap|2021-Q1|0", "ap|2021-Q2|1", "ap|2021-Q3|2"));
  // A dimension the programme does not define: every member counts, none is known to be expected.
  const auto other = load(
      "indicator,date,sector,value\n"
      "ap,2021-02-01,zorg,1\n"
      "ap,2021-02-01,bouw,0\n");
  q.cumulative = false;
  q.coverage_threshold = 1;
  const auto r = aggregate(other, q, &p);
  EXPECT_THAT(rows(r), ElementsAre("ap|2021-Q1|1"));
  EXPECT_EQ(r.members_expected(0), 0u);
  EXPECT_EQ(r.members_reporting(0), 2u);
  q.coverage_share = true;
  try {
    aggregate(other, q, &p);
    FAIL() << "a share needs the members expected";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::invalid_argument);
  }
}

TEST(AggregateCoverage, WithoutALevelTheReportingMembersLevelIsExpected) {
  const programme p = region_programme();
  // Members of two levels report (a province and a municipality): which are expected is unclear.
  const auto mixed = load(
      "indicator,date,region,value\n"
      "env,2021-02-01,drenthe,1\n"
      "env,2021-02-01,emmen,1\n");
  query q = quarterly(time_rule::last, space_rule::coverage, {});
  q.coverage_threshold = 1;
  try {
    aggregate(mixed, q, &p);
    FAIL() << "two levels report";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("\"province\", \"municipality\""), std::string::npos) << e.what();
  }
  // Naming the level settles it: of the three municipalities, Emmen counts.
  q.coverage_level = "municipality";
  const auto r = aggregate(mixed, q, &p);
  EXPECT_THAT(rows(r), ElementsAre("env|2021-Q1|1"));
  EXPECT_EQ(r.members_expected(0), 3u);
}

namespace {

// Care workers and households by municipality and sector on 2021-03-31; c reports households only.
// Per municipality (sectors summed): a 60 / 1000, b 30 / 2000, c - / 500.
const char* const formula_csv =
    "indicator,date,region,sector,value\n"
    "workers,2021-03-31,a,zorg,50\n"
    "workers,2021-03-31,a,bouw,10\n"
    "workers,2021-03-31,b,zorg,30\n"
    "hh,2021-03-31,a,zorg,600\n"
    "hh,2021-03-31,a,bouw,400\n"
    "hh,2021-03-31,b,zorg,2000\n"
    "hh,2021-03-31,c,zorg,500\n";

query per_1000(space_rule space, std::vector<std::string> members) {
  query q = quarterly(time_rule::last, space, {});
  q.formulas = {formula_spec{"ratio", {"workers"}, {"hh"}, 1000}};
  q.member_dimensions = std::move(members);
  return q;
}

}  // namespace

TEST(AggregateFormulas, PerMemberOnlyWhereEveryPartIsPresent) {
  const auto s = load(formula_csv);
  // Members a and b: a 60 / 1000 x 1000 = 60, b 30 / 2000 x 1000 = 15; c has no workers and is left
  // out (not read as 0 workers). Ratio of the sums: (60 + 30) / (1000 + 2000) x 1000 = 30.
  auto r = aggregate(s, per_1000(space_rule::sum, {"region"}));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.indicator(0), "ratio");
  EXPECT_DOUBLE_EQ(r.value(0), 30);
  EXPECT_EQ(r.incomplete_members(0), std::vector<std::string>{"c"});
  EXPECT_DOUBLE_EQ(aggregate(s, per_1000(space_rule::avg, {"region"})).value(0), (60 + 15) / 2.0);
  EXPECT_DOUBLE_EQ(aggregate(s, per_1000(space_rule::min, {"region"})).value(0), 15);
  EXPECT_DOUBLE_EQ(aggregate(s, per_1000(space_rule::max, {"region"})).value(0), 60);
  EXPECT_DOUBLE_EQ(aggregate(s, per_1000(space_rule::count, {"region"})).value(0), 2);
  // Members are (region, sector) pairs: a/zorg 50/600, a/bouw 10/400, b/zorg 30/2000 complete, c/zorg
  // not: 3 members, the same ratio of sums 90 / 3000 x 1000 = 30.
  r = aggregate(s, per_1000(space_rule::count, {"region", "sector"}));
  EXPECT_DOUBLE_EQ(r.value(0), 3);
  EXPECT_EQ(r.incomplete_members(0), std::vector<std::string>{"c/zorg"});
  // No member dimensions: the totals, 90 / 3500 x 1000, every part present.
  r = aggregate(s, per_1000(space_rule::sum, {}));
  EXPECT_DOUBLE_EQ(r.value(0), 90.0 / 3500 * 1000);
  EXPECT_TRUE(r.incomplete_members(0).empty());
  // Grouped by sector, members by region: bouw a 10/400 x 1000 = 25; zorg (50 + 30) / (600 + 2000)
  // x 1000 with c incomplete.
  query g = per_1000(space_rule::sum, {"region"});
  g.group_by = {"sector"};
  r = aggregate(s, g);
  EXPECT_THAT(rows(r), ElementsAre("ratio|bouw|2021-Q1|25", "ratio|zorg|2021-Q1|30.7692307692308"));
  EXPECT_DOUBLE_EQ(r.value(1), 80.0 / 2600 * 1000);
  EXPECT_TRUE(r.incomplete_members(0).empty());
  EXPECT_EQ(r.incomplete_members(1), std::vector<std::string>{"c"});
  // Without a denominator: the numerator's sum times the factor, 90 x 2.
  query n = per_1000(space_rule::sum, {"region"});
  n.formulas = {formula_spec{"twice", {"workers"}, {}, 2}};
  EXPECT_THAT(run(s, n), ElementsAre("twice|2021-Q1|180"));
}

TEST(AggregateFormulas, IncompleteMembersAreThoseOfTheLastPeriod) {
  std::string csv = formula_csv;
  csv += "workers,2021-06-30,c,zorg,5\n";
  csv += "hh,2021-06-30,b,zorg,2000\n";  // households are reported in Q2 too, so they carry into it
  const auto s = load(csv);
  // Carried (last): in Q2 a keeps its values, b reports the same, and c is complete, 5 / 500 x 1000
  // = 10; the ratio of sums (60 + 30 + 5) / (1000 + 2000 + 500) x 1000.
  auto r = aggregate(s, per_1000(space_rule::sum, {"region"}));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_DOUBLE_EQ(r.value(0), 30);
  EXPECT_DOUBLE_EQ(r.value(1), 95.0 / 3500 * 1000);
  EXPECT_TRUE(r.incomplete_members(0).empty());
  // Inside the period only: Q2 has c's workers and b's households, so no member is complete there
  // and Q2 has no row; b and c are the incomplete members of the last period.
  query q = per_1000(space_rule::sum, {"region"});
  q.time = time_rule::last_in_period;
  r = aggregate(s, q);
  EXPECT_THAT(rows(r), ElementsAre("ratio|2021-Q1|30"));
  EXPECT_EQ(r.incomplete_members(0), (std::vector<std::string>{"b", "c"}));
  // cumulative runs over the result: 30, then 30 + 95000 / 3500.
  q.time = time_rule::last;
  q.cumulative = true;
  r = aggregate(s, q);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_DOUBLE_EQ(r.value(1), 30 + 95.0 / 3500 * 1000);
}

TEST(AggregateFormulas, BadFormulasAreRefused) {
  const auto s = load(formula_csv);
  const programme p = region_programme();
  query q = per_1000(space_rule::sum, {"region"});
  q.formulas[0].numerator.clear();
  EXPECT_THROW(aggregate(s, q), error);
  q = per_1000(space_rule::coverage, {"region"});
  EXPECT_THROW(aggregate(s, q, &p), error);
  q = per_1000(space_rule::sum, {"region"});
  q.formulas[0].id.clear();
  EXPECT_THROW(aggregate(s, q), error);
}

// ---- coverage and formulas against the plain reference on random data ----------------------------

namespace {

struct random_data {
  std::vector<ref_row> rows;
  measurement_store store;
};

/// As in AgreesWithAPlainReferenceOnRandomData: 4 municipalities (Z is no member of the programme),
/// 3 sectors (the empty one is a total), 7 indicators, values exact in binary.
random_data random_rows(unsigned seed) {
  std::mt19937 rng(seed);
  const char* munis[] = {"Emmen", "Assen", "Aa en Hunze", "Z"};
  const char* sectors[] = {"zorg", "bouw", ""};
  random_data out;
  std::string csv = "indicator,date,municipality,sector,value\n";
  for (int i = 0; i < 1500; ++i) {
    ref_row r;
    r.indicator = "i" + std::to_string(rng() % 4);
    r.day = d("2019-12-28").day_number() + static_cast<std::int32_t>(rng() % 380);
    r.coords = {munis[rng() % 4], sectors[rng() % 3]};
    r.value = static_cast<double>(static_cast<int>(rng() % 41) - 10) / 4;  // -2.5 .. 7.5, zeros common
    csv += r.indicator + "," + format_date(date::from_day_number(r.day)) + "," + r.coords[0] + "," + r.coords[1] + "," +
           std::to_string(r.value) + "\n";
    out.rows.push_back(r);
  }
  out.store = load(csv);
  return out;
}

programme municipality_programme() {
  programme p;
  p.id = "p";
  dimension m;
  m.id = "municipality";
  m.kind = dimension_kind::category;
  m.members = {member{.id = "Emmen"}, member{.id = "Assen"}, member{.id = "Aa en Hunze"}};
  p.dimensions.push_back(m);
  return p;
}

/// The reference's rows of `q` grouped by its group_by plus `members`: (outer key, member key) ->
/// period -> value, and the periods of each outer key.
struct by_member_ref {
  std::map<std::vector<std::string>, std::map<std::string, std::map<std::int32_t, double>>> values;
  std::map<std::vector<std::string>, std::set<std::int32_t>> periods;
};

by_member_ref reference_by_member(const std::vector<ref_row>& data, const std::vector<std::string>& dims, query q,
                                  const std::vector<std::string>& members) {
  const std::size_t G = q.group_by.size();
  q.space = space_rule::sum;
  q.group_by.insert(q.group_by.end(), members.begin(), members.end());
  by_member_ref out;
  for (const auto& [key, p, v] : reference(data, dims, q)) {
    const std::vector<std::string> outer(key.begin(), key.begin() + 1 + static_cast<std::ptrdiff_t>(G));
    std::string m;
    for (std::size_t k = 0; k < members.size(); ++k) m += (k ? "/" : "") + key[1 + G + k];
    out.values[outer][m][p] = v;
    out.periods[outer].insert(p);
  }
  return out;
}

}  // namespace

TEST(AggregateCoverage, AgreesWithAReferenceOnRandomData) {
  const auto data = random_rows(9);
  const std::vector<std::string> dims{"municipality", "sector"};
  const programme p = municipality_programme();
  const char* expected[] = {"Emmen", "Assen", "Aa en Hunze"};  // definition order
  int checked = 0;
  for (period_type pt : {period_type::month, period_type::quarter, period_type::year})
    for (int t = 0; t < 8; ++t)
      for (int variant = 0; variant < 4; ++variant) {
        query q;
        q.period = pt;
        q.time = static_cast<time_rule>(t);
        q.space = space_rule::coverage;
        q.space_dimension = "municipality";
        q.coverage_threshold = variant % 2 == 0 ? 0 : 2.5;
        q.cumulative = variant >= 2;
        q.coverage_share = variant == 3;
        if (variant == 1) q.group_by = {"sector"};
        if (t == 3) q.from = d("2020-02-29"), q.to = d("2020-12-31");
        const auto ref = reference_by_member(data.rows, dims, q, {"municipality"});
        // Count, per outer group and period, the expected members whose value there (carried when
        // it is a stock: last, or a running total) is at least the threshold.
        const bool carry = q.time == time_rule::last || q.cumulative;
        std::vector<std::tuple<std::vector<std::string>, std::int32_t, double, std::uint32_t>> want;
        for (const auto& [outer, ps] : ref.periods) {
          std::map<std::int32_t, std::pair<std::uint32_t, std::uint32_t>> met;  // period -> (met, reporting)
          for (const char* m : expected) {
            const auto mit = ref.values.at(outer).find(m);
            std::optional<double> cur;
            for (std::int32_t per : ps) {
              if (mit != ref.values.at(outer).end() && mit->second.count(per))
                cur = mit->second.at(per);
              else if (!carry)
                cur.reset();
              auto& [n, reporting] = met[per];
              if (cur) ++reporting;
              if (cur && *cur >= q.coverage_threshold) ++n;
            }
          }
          for (const auto& [per, nr] : met)
            want.emplace_back(outer, per, q.coverage_share ? nr.first / 3.0 : nr.first, nr.second);
        }
        const auto got = aggregate(data.store, q, &p);
        ASSERT_EQ(got.size(), want.size()) << to_string(pt) << " " << t << " " << variant;
        for (std::size_t i = 0; i < got.size(); ++i) {
          const auto& [key, per, v, reporting] = want[i];
          ASSERT_EQ(got.indicator(i), key[0]);
          for (std::size_t k = 0; k < q.group_by.size(); ++k) ASSERT_EQ(got.group_value(i, k), key[k + 1]);
          ASSERT_EQ(got.period_index(i), per);
          ASSERT_DOUBLE_EQ(got.value(i), v) << to_string(pt) << " " << t << " " << variant << " row " << i;
          ASSERT_EQ(got.members_expected(i), 3u);
          ASSERT_EQ(got.members_reporting(i), reporting);
        }
        ++checked;
      }
  EXPECT_EQ(checked, 3 * 8 * 4);
}

TEST(AggregateFormulas, AgreesWithAReferenceOnRandomData) {
  const auto data = random_rows(11);
  const std::vector<std::string> dims{"municipality", "sector"};
  int checked = 0;
  for (period_type pt : {period_type::month, period_type::quarter, period_type::year})
    for (int t = 0; t < 8; ++t)
      for (int sp = 0; sp < 5; ++sp) {
        query q;
        q.period = pt;
        q.time = static_cast<time_rule>(t);
        q.space = static_cast<space_rule>(sp);
        q.formulas = {formula_spec{"r", {"i0"}, {"i1", "i2"}, 10}, formula_spec{"n", {"i3", "i0"}, {}, 0.5}};
        q.cumulative = (t + sp) % 3 == 0;
        if ((t + sp) % 4 == 1) q.group_by = {"sector"};
        // Members: municipalities, or (municipality, sector) pairs when sector is not grouped by.
        q.member_dimensions = sp % 2 == 0 || !q.group_by.empty() ? std::vector<std::string>{"municipality"}
                                                                 : std::vector<std::string>{"municipality", "sector"};
        // All four indicators go through the reference together (its carry range is the store's); the
        // parts are not running totals: cumulative applies to the formula's result.
        query parts_q = q;
        parts_q.cumulative = false;
        const auto ref = reference_by_member(data.rows, dims, parts_q, q.member_dimensions);
        std::vector<std::tuple<std::vector<std::string>, std::int32_t, double>> want;
        std::map<std::vector<std::string>, std::vector<std::string>> incomplete_want;
        for (const auto& f : q.formulas) {
          std::vector<std::string> parts = f.numerator;
          parts.insert(parts.end(), f.denominator.begin(), f.denominator.end());
          // outer group (formula id + group-by values) -> period -> member -> (parts seen, num, den)
          std::map<std::vector<std::string>,
                   std::map<std::int32_t, std::map<std::string, std::tuple<int, double, double>>>>
              cells;
          for (const auto& [outer, by_m] : ref.values) {
            if (std::find(parts.begin(), parts.end(), outer[0]) == parts.end()) continue;
            std::vector<std::string> g = outer;
            g[0] = f.id;
            const bool num = std::count(f.numerator.begin(), f.numerator.end(), outer[0]) > 0;
            const bool den = std::count(f.denominator.begin(), f.denominator.end(), outer[0]) > 0;
            for (const auto& [m, per_v] : by_m)
              for (const auto& [per, v] : per_v) {
                auto& [seen, n, dd] = cells[g][per][m];
                ++seen;
                if (num) n += v;
                if (den) dd += v;
              }
          }
          for (const auto& [g, by_p] : cells) {
            double running = 0;
            for (const auto& [per, by_m] : by_p) {
              std::vector<double> vals;
              double nsum = 0, dsum = 0;
              std::vector<std::string> inc;
              for (const auto& [m, c] : by_m) {
                const auto& [seen, n, dd] = c;
                if (seen < static_cast<int>(parts.size())) {
                  inc.push_back(m);
                  continue;
                }
                if (!f.denominator.empty() && dd == 0) continue;
                vals.push_back(f.denominator.empty() ? n * f.factor : n / dd * f.factor);
                nsum += n;
                dsum += dd;
              }
              incomplete_want[g] = inc;
              if (vals.empty()) continue;
              double v = 0;
              if (q.space == space_rule::avg) {
                for (double x : vals) v += x;
                v /= static_cast<double>(vals.size());
              } else if (q.space == space_rule::min) {
                v = *std::min_element(vals.begin(), vals.end());
              } else if (q.space == space_rule::max) {
                v = *std::max_element(vals.begin(), vals.end());
              } else if (q.space == space_rule::count) {
                v = static_cast<double>(vals.size());
              } else {
                v = f.denominator.empty() ? nsum * f.factor : nsum / dsum * f.factor;
              }
              if (q.cumulative) v = running += v;
              want.emplace_back(g, per, v);
            }
          }
        }
        std::sort(want.begin(), want.end(), [](const auto& a, const auto& b) {
          return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
        });
        const auto got = aggregate(data.store, q);
        ASSERT_EQ(got.size(), want.size()) << to_string(pt) << " " << t << " " << sp;
        for (std::size_t i = 0; i < got.size(); ++i) {
          const auto& [key, per, v] = want[i];
          ASSERT_EQ(got.indicator(i), key[0]);
          for (std::size_t k = 0; k < q.group_by.size(); ++k) ASSERT_EQ(got.group_value(i, k), key[k + 1]);
          ASSERT_EQ(got.period_index(i), per);
          ASSERT_NEAR(got.value(i), v, 1e-9 * std::max(1.0, std::fabs(v))) << to_string(pt) << " " << t << " " << sp;
          std::vector<std::string> g{std::string(got.indicator(i))};
          for (std::size_t k = 0; k < q.group_by.size(); ++k) g.emplace_back(got.group_value(i, k));
          ASSERT_EQ(got.incomplete_members(got.group_of(i)), incomplete_want[g]);
        }
        ++checked;
      }
  EXPECT_EQ(checked, 3 * 8 * 5);
}

TEST(Aggregate, ANonFiniteResultIsAnOverflowNamingItsGroups) {
  // 1e308 + 1e308 is past the largest double (about 1.798e308): +inf in Emmen's 2021-Q1, and -inf in
  // Assen's; Assen's 2021-Q2 (1e308 alone) is finite. Each infinite group is named, and no caller sees
  // an infinity (the CLI's aggregate and report, the evaluation and the C ABI all call aggregate()).
  const auto s = load(
      "indicator,date,municipality,value\n"
      "a,2021-01-10,Emmen,1e308\n"
      "a,2021-02-10,Emmen,1e308\n"
      "a,2021-01-10,Assen,-1e308\n"
      "a,2021-02-10,Assen,-1e308\n"
      "a,2021-04-10,Assen,1e308\n");
  try {
    (void)aggregate(s, quarterly(time_rule::sum, space_rule::sum, {"municipality"}));
    ADD_FAILURE() << "no error";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::overflow);
    ASSERT_EQ(e.diagnostics().size(), 2U);
    EXPECT_EQ(e.diagnostics()[0].where, "indicator \"a\", municipality \"Assen\", period 2021-Q1");
    EXPECT_EQ(e.diagnostics()[1].where, "indicator \"a\", municipality \"Emmen\", period 2021-Q1");
  }
  // 1e307 + 1e307 is finite: no error.
  EXPECT_NO_THROW((void)aggregate(load("indicator,date,value\na,2021-01-10,1e307\na,2021-02-10,1e307\n"),
                                  quarterly(time_rule::sum, space_rule::sum)));
}
