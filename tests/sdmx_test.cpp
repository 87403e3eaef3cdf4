#include "regiokpi/sdmx.hpp"

#include <gtest/gtest.h>

#include <string>

#include "regiokpi/error.hpp"

using namespace regiokpi;

namespace {

period in(period_type t, std::string_view day, std::int32_t fy = 1) {
  return period::containing(t, parse_date(day), fy);
}

// The forms from the SDMX standard's reporting periods (SDMX-ML 2.1/3.0 "Time period"): year, S, Q, M,
// W (ISO 8601 week), day.
TEST(SdmxTimePeriod, EveryPeriodType) {
  EXPECT_EQ(sdmx_time_period(in(period_type::day, "2021-07-15")), "2021-07-15");
  // 2021-01-04 is the Monday of ISO week 1, so Monday 2021-02-01 starts week 5.
  EXPECT_EQ(sdmx_time_period(in(period_type::iso_week, "2021-02-03")), "2021-W05");
  // Friday 2021-01-01 belongs to the last week of ISO year 2020 (which has 53 weeks).
  EXPECT_EQ(sdmx_time_period(in(period_type::iso_week, "2021-01-01")), "2020-W53");
  EXPECT_EQ(sdmx_time_period(in(period_type::month, "2021-07-15")), "2021-M07");
  EXPECT_EQ(sdmx_time_period(in(period_type::month, "2021-12-31")), "2021-M12");
  EXPECT_EQ(sdmx_time_period(in(period_type::quarter, "2021-07-15")), "2021-Q3");
  EXPECT_EQ(sdmx_time_period(in(period_type::half_year, "2021-06-30")), "2021-S1");
  EXPECT_EQ(sdmx_time_period(in(period_type::half_year, "2021-07-01")), "2021-S2");
  EXPECT_EQ(sdmx_time_period(in(period_type::year, "2021-07-15")), "2021");
  // A financial year starting in January is the calendar year.
  EXPECT_EQ(sdmx_time_period(in(period_type::financial_year, "2021-07-15", 1)), "2021");
}

TEST(SdmxTimePeriod, FinancialYearNotStartingInJanuaryIsRefused) {
  try {
    (void)sdmx_time_period(in(period_type::financial_year, "2021-07-15", 7));
    FAIL() << "no error";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("month 7"), std::string::npos) << e.what();
  }
}

TEST(SdmxObsStatus, Codes) {
  EXPECT_EQ(sdmx_obs_status(measurement_status::final), "A");
  EXPECT_EQ(sdmx_obs_status(measurement_status::provisional), "P");
  EXPECT_EQ(sdmx_obs_status(measurement_status::estimated), "E");
  EXPECT_EQ(sdmx_obs_status(measurement_status::unspecified), "");
}

TEST(SdmxDataflow, AcceptsAgencyIdVersion) {
  EXPECT_NO_THROW(check_sdmx_dataflow("REGIOKPI:AGGREGATE(1.0)"));
  EXPECT_NO_THROW(check_sdmx_dataflow("ESTAT.NL:REGIO_JOBS-2(2.10.1)"));
  for (const char* bad : {"", "AGGREGATE(1.0)", ":X(1.0)", "A:(1.0)", "A:X", "A:X()", "A:X(1.)", "A:X(1..0)",
                          "A:X,Y(1.0)", "A:X(1.0) ", "A B:X(1.0)", "A:X(v1)"})
    EXPECT_THROW(check_sdmx_dataflow(bad), error) << bad;
}

// One group per period type is not possible in one result (a result has one period type), so each
// type is its own small result; the expected rows are written out by hand.
aggregate_result one_row(period_type t, std::string_view day, double v) {
  aggregate_result r;
  r.period = t;
  const auto g = r.add_group({"jobs"});
  r.add_row(g, period::containing(t, parse_date(day)).index(), v);
  return r;
}

TEST(SdmxCsvAggregate, EveryPeriodTypeOneRow) {
  const std::string head = "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n";
  const std::string lead = "dataflow,REGIOKPI:AGGREGATE(1.0),I,jobs,";
  EXPECT_EQ(to_sdmx_csv(one_row(period_type::day, "2021-07-15", 3)), head + lead + "2021-07-15,3,\n");
  EXPECT_EQ(to_sdmx_csv(one_row(period_type::iso_week, "2021-02-03", 3)), head + lead + "2021-W05,3,\n");
  EXPECT_EQ(to_sdmx_csv(one_row(period_type::month, "2021-07-15", 3)), head + lead + "2021-M07,3,\n");
  EXPECT_EQ(to_sdmx_csv(one_row(period_type::quarter, "2021-07-15", 3)), head + lead + "2021-Q3,3,\n");
  EXPECT_EQ(to_sdmx_csv(one_row(period_type::half_year, "2021-03-01", 3)), head + lead + "2021-S1,3,\n");
  EXPECT_EQ(to_sdmx_csv(one_row(period_type::year, "2021-07-15", 3)), head + lead + "2021,3,\n");
  EXPECT_EQ(to_sdmx_csv(one_row(period_type::financial_year, "2021-07-15", 3)), head + lead + "2021,3,\n");
}

TEST(SdmxCsvAggregate, DimensionsQuotingValuesAndDataflow) {
  aggregate_result r;
  r.group_by = {"municipality", "sector"};
  r.period = period_type::quarter;
  const std::int32_t q1 = period::containing(period_type::quarter, parse_date("2021-02-01")).index();
  const auto g1 = r.add_group({"homes, new", "Assen", "bouw"});
  r.add_row(g1, q1 + 1, 4);  // 2021-Q2
  const auto g2 = r.add_group({"jobs", "Emmen \"Zuid\"", "zorg"});
  r.add_row(g2, q1, 0.1);       // shortest round trip: 0.1, not 0.10000000000000001
  r.add_row(g2, q1 + 1, -0.0);  // no "-0"
  r.add_row(g2, q1 + 2, 1e21);
  EXPECT_EQ(to_sdmx_csv(r, "CBS:REGIO(2.1)"),
            "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,municipality,sector,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n"
            "dataflow,CBS:REGIO(2.1),I,\"homes, new\",Assen,bouw,2021-Q2,4,\n"
            "dataflow,CBS:REGIO(2.1),I,jobs,\"Emmen \"\"Zuid\"\"\",zorg,2021-Q1,0.1,\n"
            "dataflow,CBS:REGIO(2.1),I,jobs,\"Emmen \"\"Zuid\"\"\",zorg,2021-Q2,0,\n"
            "dataflow,CBS:REGIO(2.1),I,jobs,\"Emmen \"\"Zuid\"\"\",zorg,2021-Q3,1e+21,\n");
  EXPECT_THROW((void)to_sdmx_csv(r, "not a dataflow"), error);
}

TEST(SdmxCsvAggregate, FinancialYearOffJanuaryThrows) {
  aggregate_result r;
  r.period = period_type::financial_year;
  r.fy_first_month = 4;
  r.add_row(r.add_group({"jobs"}), 2021, 1);
  EXPECT_THROW((void)to_sdmx_csv(r), error);
}

indicator_report with_series(std::string id, std::optional<measurement_status> st) {
  indicator_report i;
  i.id = std::move(id);
  i.series = {{parse_date("2021-03-31"), 10}, {parse_date("2021-06-15"), 12.5}};  // Q1, Q2 (as-of mid June)
  i.progress.actual = 12.5;
  i.progress.actual_date = parse_date("2021-06-15");
  i.actual_status = st;
  return i;
}

// The indicator's actual_status marks the point in the actual's period; the earlier points have none.
TEST(SdmxCsvReport, StatusOnTheActualsPeriod) {
  programme_report r;
  r.programme_id = "regio-deal";
  r.series_period = period_type::quarter;
  r.indicators.push_back(with_series("final", measurement_status::final));
  r.indicators.push_back(with_series("prov", measurement_status::provisional));
  r.indicators.push_back(with_series("est", measurement_status::estimated));
  r.indicators.push_back(with_series("none", std::nullopt));
  r.indicators.push_back(with_series("a,b", measurement_status::unspecified));
  const std::string f = "dataflow,REGIOKPI:regio-deal(1.0),I,";
  EXPECT_EQ(report_to_sdmx_csv(r),
            "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n" +  //
                f + "final,2021-Q1,10,\n" + f + "final,2021-Q2,12.5,A\n" +                  //
                f + "prov,2021-Q1,10,\n" + f + "prov,2021-Q2,12.5,P\n" +                    //
                f + "est,2021-Q1,10,\n" + f + "est,2021-Q2,12.5,E\n" +                      //
                f + "none,2021-Q1,10,\n" + f + "none,2021-Q2,12.5,\n" +                     //
                f + "\"a,b\",2021-Q1,10,\n" + f + "\"a,b\",2021-Q2,12.5,\n");
  r.series_period = period_type::month;
  r.indicators.resize(1);
  EXPECT_EQ(report_to_sdmx_csv(r, "X:Y(1)"),
            "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n"
            "dataflow,X:Y(1),I,final,2021-M03,10,\n"
            "dataflow,X:Y(1),I,final,2021-M06,12.5,A\n");
}

}  // namespace
