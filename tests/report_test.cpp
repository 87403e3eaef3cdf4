// The report writers on a hand-built report: every field lands where docs/report-format.md says.
#include "regiokpi/report.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/quality.hpp"

using namespace regiokpi;

namespace {

programme_report sample() {
  programme_report r;
  r.programme_id = "zod";
  r.programme_name = "Regio Deal \"ZOD\"";
  r.as_of = parse_date("2022-12-31");
  r.trajectory = trajectory_shape::linear;
  indicator_report a;
  a.id = "W-c1.assessments";
  a.name = "Companies assessed, leisure | digital";
  a.unit = "companies";
  a.kind = measure_kind::count;
  a.direction = direction::increase;
  a.pillar = "werken";
  a.goal = "werken.goal";
  a.result = "W-c1";
  a.progress.id = a.id;
  a.progress.actual = 310;
  a.progress.actual_date = parse_date("2022-12-31");
  a.progress.baseline = 0;
  a.progress.baseline_date = parse_date("2019-06-01");
  a.progress.target = 400;
  a.progress.target_date = parse_date("2023-12-31");
  a.progress.final_target = 400;
  a.progress.final_target_date = parse_date("2023-12-31");
  a.progress.achievement = 0.775;
  a.progress.final_achievement = 0.775;
  a.progress.expected = 300.5;
  a.progress.gap = 9.5;
  a.progress.status = progress_status::on_track;
  a.forecast.model = forecast_method::linear;
  a.forecast.at = parse_date("2023-12-31");
  a.forecast.value = 390;
  a.forecast.low = 350;
  a.forecast.high = 430;
  a.forecast.eta = parse_date("2024-02-15");
  a.forecast.eta_status = eta_status::reached_on;
  a.forecast.shortfall = 10;
  a.series = {{parse_date("2022-09-30"), 250}, {parse_date("2022-12-31"), 310}};
  indicator_report b;
  b.id = "W-b.innovation-environments";
  b.name = "Innovation environment";
  b.kind = measure_kind::count;
  b.direction = direction::increase;
  b.pillar = "werken";
  b.progress.id = b.id;
  b.progress.status = progress_status::no_data;
  b.progress.coverage = coverage_progress{4, 6, {"emmen", "hoogeveen"}};
  b.forecast.reason = "too_few_points: 0 points";
  a.progress.required_rate = period_rate{22.5, period_type::quarter};
  a.progress.recent_rate = period_rate{60, period_type::quarter};
  indicator_report c;
  c.id = "context.households";
  c.name = "Households";
  c.pillar = "werken";
  c.progress.id = c.id;
  c.progress.actual = 1000;
  c.progress.actual_date = parse_date("2022-06-30");
  c.progress.status = progress_status::no_target;
  c.progress.trend = trend_verdict::improving;
  c.progress.stale = true;
  c.actual_status = measurement_status::provisional;
  r.indicators = {a, b, c};
  node_progress pillar;
  pillar.id = "werken";
  pillar.name = "WERKEN";
  pillar.kind = node_kind::pillar;
  pillar.achievement = 0.775;
  pillar.expected_achievement = 0.75;
  pillar.status = progress_status::on_track;
  pillar.children = {"werken.goal"};
  pillar.children_total = 2;
  pillar.children_assessed = 1;
  pillar.children_without_data = 1;
  pillar.indicator_counts = {0, 1, 0, 0, 0, 1, 1};
  pillar.children_counts = {0, 1, 0, 0, 0, 1, 0};
  node_progress top = pillar;
  top.children_counts = {0, 1, 0, 0, 0, 0, 0};
  top.id = "zod";
  top.name = "Regio Deal";
  top.kind = node_kind::programme;
  top.children = {"werken"};
  top.children_total = 1;
  top.children_assessed = 1;
  top.children_without_data = 0;
  r.nodes = {pillar, top};
  return r;
}

}  // namespace

TEST(Report, JsonCarriesEveryFieldAndNullForMissingNumbers) {
  const auto j = nlohmann::json::parse(report_to_json(sample()));
  EXPECT_EQ(j["programme"]["id"], "zod");
  EXPECT_EQ(j["programme"]["name"], "Regio Deal \"ZOD\"");
  EXPECT_EQ(j["as_of"], "2022-12-31");
  EXPECT_TRUE(j["as_recorded_on"].is_null());
  ASSERT_EQ(j["indicators"].size(), 3u);
  const auto& a = j["indicators"][0];
  EXPECT_EQ(a["id"], "W-c1.assessments");
  EXPECT_EQ(a["actual"], 310);
  EXPECT_EQ(a["target"], 400);
  EXPECT_EQ(a["target_date"], "2023-12-31");
  EXPECT_DOUBLE_EQ(a["achievement"].get<double>(), 0.775);
  EXPECT_DOUBLE_EQ(a["expected"].get<double>(), 300.5);
  EXPECT_EQ(a["status"], "on_track");
  EXPECT_EQ(a["forecast"]["value"], 390);
  EXPECT_EQ(a["forecast"]["low"], 350);
  EXPECT_EQ(a["forecast"]["high"], 430);
  EXPECT_EQ(a["forecast"]["eta"], "2024-02-15");
  EXPECT_EQ(a["series"][1][0], "2022-12-31");
  EXPECT_EQ(a["series"][1][1], 310);
  EXPECT_FALSE(a.contains("coverage"));
  const auto& b = j["indicators"][1];
  for (const char* k : {"actual", "baseline", "target", "target_date", "achievement", "expected"})
    EXPECT_TRUE(b[k].is_null()) << k;
  EXPECT_TRUE(b["forecast"]["value"].is_null());
  EXPECT_EQ(b["forecast"]["reason"], "too_few_points: 0 points");
  EXPECT_EQ(b["coverage"]["met"], 4);
  EXPECT_EQ(b["coverage"]["unmet"], (nlohmann::json{"emmen", "hoogeveen"}));
  ASSERT_EQ(j["nodes"].size(), 2u);
  EXPECT_EQ(j["nodes"][0]["kind"], "pillar");
  EXPECT_EQ(j["nodes"][1]["kind"], "programme");
  EXPECT_EQ(j["nodes"][1]["children"], (nlohmann::json{"werken"}));
  EXPECT_EQ(j["nodes"][0]["children_total"], 2);
  EXPECT_EQ(j["nodes"][0]["children_assessed"], 1);
  EXPECT_EQ(j["nodes"][0]["indicator_counts"]["no_target"], 1);
  EXPECT_EQ(j["nodes"][0]["indicator_counts"]["off_track"], 0);
  EXPECT_EQ(a["required_rate"]["value"], 22.5);
  EXPECT_EQ(a["required_rate"]["per"], "quarter");
  EXPECT_EQ(a["recent_rate"]["value"], 60);
  EXPECT_EQ(a["achievement_basis"], "baseline");
  EXPECT_EQ(a["stale"], false);
  EXPECT_TRUE(a["actual_status"].is_null());
  EXPECT_TRUE(a["actual_text"].is_null());
  EXPECT_TRUE(a["trend"].is_null());
  EXPECT_EQ(a["forecast"]["eta_status"], "expected");
  EXPECT_EQ(a["forecast"]["model"], "linear");
  const auto& c = j["indicators"][2];
  EXPECT_EQ(c["status"], "no_target");
  EXPECT_EQ(c["trend"], "improving");
  EXPECT_EQ(c["stale"], true);
  EXPECT_EQ(c["actual_status"], "provisional");
}

TEST(Report, CsvHasOneRowPerIndicatorWithQuoting) {
  const std::string csv = report_to_csv(sample());
  const auto first_nl = csv.find('\n');
  EXPECT_EQ(csv.substr(0, 20), "id,name,unit,pillar,");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  const std::string row = csv.substr(first_nl + 1, csv.find('\n', first_nl + 1) - first_nl - 1);
  EXPECT_EQ(row.substr(0, 58), "W-c1.assessments,\"Companies assessed, leisure | digital\",c");
  EXPECT_NE(row.find(",0,400,2023-12-31,400,2023-12-31,310,2022-12-31,0.775,0.775,300.5,9.5,on_track,390,350,430,2024-"
                     "02-15,expected,,"),
            std::string::npos)
      << row;
}

TEST(Report, MarkdownHasAHeadlineAndOneTablePerPillar) {
  const std::string md = report_to_markdown(sample());
  EXPECT_NE(md.find("# Regio Deal \"ZOD\" — progress on 2022-12-31"), std::string::npos);
  EXPECT_NE(
      md.find("Programme: **on track**, 1 of 1 pillars assessed (1 on track); achievement 78 % (planned by now: 75 %)"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("3 indicators: 1 on track, 1 no data, 1 no target."), std::string::npos) << md;
  EXPECT_NE(md.find("## WERKEN — on track, 1 of 2 goals assessed (1 on track, 1 no data)"), std::string::npos) << md;
  // Rule 10: what it takes, in the series' periods.
  EXPECT_NE(md.find("needs 22.50 a quarter, recently 60 a quarter"), std::string::npos) << md;
  // Rule 1 and 9: a context figure reads "no target" with its trend; its actual is marked.
  EXPECT_NE(md.find("| Households | no target, improving | 1000 (2022-06-30, provisional, STALE) |"), std::string::npos)
      << md;
  // A pipe in a name is escaped so the table keeps its columns.
  EXPECT_NE(
      md.find(
          "Companies assessed, leisure \\| digital, companies | on track | 310 (2022-12-31) | 400 (2023-12-31) | 78 %"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("390 [350, 430], short by 10"), std::string::npos);
  EXPECT_NE(md.find("| 4 of 6 |"), std::string::npos);
}

TEST(Report, HtmlTakesBadgeColoursFromTheStatusTableAndShowsAssessedCounts) {
  const std::string html = report_to_html(sample());
  // One table for every writer: the CSS rule for each status is its style_of() colour.
  for (std::size_t k = 0; k < progress_status_count; ++k) {
    const auto st = style_of(static_cast<progress_status>(k));
    EXPECT_NE(html.find("." + std::string(st.name) + "{background:" + std::string(st.colour) + "}"), std::string::npos)
        << st.name;
  }
  EXPECT_NE(html.find("1 of 2 goals assessed ("), std::string::npos);
  EXPECT_NE(html.find("<span class=\"trend\">improving</span>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"flag stale\">stale</span>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"flag\">provisional</span>"), std::string::npos);
}

TEST(Report, HtmlChartAxisUsesTheProgrammesFinancialYear) {
  // The chart spans the plan, 2019-06-01 .. 2023-12-31: at most (640 - 64 - 24) / 72 = 7 ticks, too few
  // for 55 months or 18 quarters. Financial years from April: FY2019 starts 2019-04-01, before the
  // axis, so FY2020 .. FY2023 (four ticks); calendar years would be 2020 .. 2023.
  programme_report r = sample();
  r.indicators[0].trajectory = {{parse_date("2019-06-01"), 0}, {parse_date("2023-12-31"), 400}};
  r.fy_first_month = 4;
  std::string html = report_to_html(r);
  for (const char* fy : {">FY2020<", ">FY2021<", ">FY2022<", ">FY2023<"})
    EXPECT_NE(html.find(fy), std::string::npos) << fy;
  r.fy_first_month = 1;
  html = report_to_html(r);
  EXPECT_EQ(html.find(">FY20"), std::string::npos);
  EXPECT_NE(html.find(">2020<"), std::string::npos);
}

TEST(Report, StatusTableNamesEveryStatus) {
  static_assert(to_string(progress_status::no_target) == "no_target");
  static_assert(display_name(progress_status::no_target) == "no target");
  static_assert(!is_assessed(progress_status::no_target) && is_assessed(progress_status::off_track));
  for (std::size_t k = 0; k < progress_status_count; ++k)
    EXPECT_EQ(style_of(static_cast<progress_status>(k)).colour.size(), 7u);
}

namespace {

/// A report with data-quality findings of every kind, text that JSON must escape, a value that has no
/// JSON number, and empty lists and objects next to full ones.
programme_report with_findings() {
  programme_report r = sample();
  r.programme_name = "Regio Deal Zuid- en Oost-Drenthe \u2014 \"ZOD\"\t\\";
  r.indicators[2].series.clear();
  // Every optional part of an indicator: a milestone, a target's history, a derived indicator's
  // incomplete members; a control character, a large and a negative number, minus zero.
  indicator_report& m = r.indicators[2];
  m.name = "Households\x01 (CBS)";
  m.progress.milestone = milestone_progress{true, parse_date("2022-03-01"), true, std::nullopt};
  m.revisions = {
      {parse_date("2024-12-31"),
       450,
       {{parse_date("2021-06-01"), parse_date("2023-12-31"), 400, target_basis::absolute, "mid-term review"}}}};
  m.derived = true;
  m.incomplete_members = {"emmen", "borger-odoorn"};
  m.progress.gap = -0.0;
  m.progress.expected = 1.5e300;
  m.progress.target = -12.125;
  r.nodes[0].weight = 0.3;
  quality_report q;
  q.as_of = parse_date("2022-12-31");
  const period q3 = period::containing(period_type::quarter, parse_date("2022-09-30"));
  q.completeness.expected = 4;
  q.completeness.reported = 3;
  // A key named twice keeps its first place and takes the later value, as a JSON object does.
  q.completeness.by_member = {{"emmen", 2, 2}, {"hoogeveen", 2, 1}, {"emmen", 4, 1}};
  q.completeness.by_period = {{"2022-Q3", 2, 1}, {"2022-Q4", 0, 0}};
  q.completeness.missing = {{"W-c1.assessments", "hoogeveen", q3}};
  q.timeliness.on_time = 2;
  q.timeliness.late = {{"W-c1.assessments", "emmen", q3, parse_date("2022-10-20"), parse_date("2022-11-02"), 13}};
  q.outliers = {{"W-c1.assessments", "emmen", parse_date("2022-09-30"), 250, 4.25, "change 240; modified z-score 4.25"},
                {"W-c1.assessments", "", parse_date("2022-12-31"), std::numeric_limits<double>::quiet_NaN(),
                 std::nullopt, "below the plausible minimum 0"}};
  q.rules = {{"assessed-before-guided", 3, 1, 0, ""}, {"r2", 0, 0, 2, "no such dimension"}};
  q.violations = {{"assessed-before-guided", importance::high, "emmen", q3, 12, 14.5}};
  q.revisions.revised_values = 1;
  q.revisions.largest = {{"W-c1.assessments", "emmen", parse_date("2022-09-30"), 240, 250, 10.0 / 240}};
  r.data_quality = q;
  return r;
}

}  // namespace

// The JSON report is written a member at a time (no tree of the whole report): its text must be
// exactly what nlohmann's own dump(2) makes of the same document, an independent layout of brackets,
// commas and indentation.
TEST(Report, JsonWrittenInPiecesIsTheTextOfOneTreeDumped) {
  for (const programme_report& r : {with_findings(), sample(), programme_report{}}) {
    const std::string text = report_to_json(r);
    EXPECT_EQ(text, nlohmann::ordered_json::parse(text).dump(2) + "\n");
    std::vector<std::string> pieces;
    write_report_json(
        r, [&](std::string_view p) { pieces.emplace_back(p); }, 64);
    std::string joined;
    for (const auto& p : pieces) {
      EXPECT_FALSE(p.empty());
      joined += p;
    }
    EXPECT_EQ(joined, text);
    EXPECT_GT(pieces.size(), text.size() / 1024);  // handed over as it is made, not at the end
  }
  const auto j = nlohmann::json::parse(report_to_json(with_findings()));
  EXPECT_EQ(j["programme"]["name"], "Regio Deal Zuid- en Oost-Drenthe \u2014 \"ZOD\"\t\\");
  EXPECT_TRUE(j["indicators"][2]["series"].is_array() && j["indicators"][2]["series"].empty());
  EXPECT_EQ(j["indicators"][2]["name"], "Households\x01 (CBS)");
  EXPECT_EQ(j["indicators"][2]["milestone"]["delivered_on"], "2022-03-01");
  EXPECT_TRUE(j["indicators"][2]["milestone"]["due"].is_null());
  EXPECT_EQ(j["indicators"][2]["revisions"][0]["revisions"][0]["reason"], "mid-term review");
  EXPECT_EQ(j["indicators"][2]["incomplete_members"][1], "borger-odoorn");
  EXPECT_EQ(j["indicators"][2]["target"], -12.125);
  EXPECT_EQ(j["indicators"][1]["coverage"]["unmet"][0], "emmen");
  const auto& dq = j["data_quality"];
  EXPECT_EQ(dq["summary"]["high"], 1);    // the violation
  EXPECT_EQ(dq["summary"]["medium"], 1);  // the missing report
  EXPECT_EQ(dq["summary"]["low"], 3);     // one late report, two outliers
  EXPECT_EQ(dq["completeness"]["by_member"]["hoogeveen"], 0.5);
  EXPECT_EQ(dq["completeness"]["by_member"]["emmen"], 0.25);
  EXPECT_EQ(dq["completeness"]["by_member"].begin().key(), "emmen");
  EXPECT_EQ(dq["completeness"]["by_period"]["2022-Q3"], 0.5);
  EXPECT_TRUE(dq["completeness"]["by_period"]["2022-Q4"].is_null());  // nothing expected: no rate
  EXPECT_EQ(dq["completeness"]["missing"][0]["period"], "2022-Q3");
  EXPECT_EQ(dq["timeliness"]["late"][0]["days_late"], 13);
  EXPECT_TRUE(dq["outliers"][1]["value"].is_null());  // NaN has no JSON number
  EXPECT_TRUE(dq["outliers"][1]["score"].is_null());
  EXPECT_EQ(dq["rules"][1]["problem"], "no such dimension");
  EXPECT_FALSE(dq["rules"][0].contains("problem"));
  EXPECT_EQ(dq["revisions"]["largest"][0]["to"], 250);
  // The report's data_quality member is the check's own JSON document.
  EXPECT_EQ(dq, nlohmann::json::parse(quality_to_json(*with_findings().data_quality)));
  const std::string alone = quality_to_json(*with_findings().data_quality);
  EXPECT_EQ(alone, nlohmann::ordered_json::parse(alone).dump(2) + "\n");
}

// The text itself, as docs/report-format.md shows it: fields in their documented order, doubles with a
// decimal point (400.0), integers and booleans as such, two spaces per level.
TEST(Report, JsonTextKeepsTheFieldOrderAndNumberForms) {
  const std::string text = report_to_json(sample());
  const auto j = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j["indicators"][0].items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"id",
                                            "name",
                                            "unit",
                                            "kind",
                                            "direction",
                                            "proxy",
                                            "pillar",
                                            "goal",
                                            "result",
                                            "baseline",
                                            "baseline_date",
                                            "target",
                                            "target_date",
                                            "final_target",
                                            "final_target_date",
                                            "actual",
                                            "actual_date",
                                            "achievement",
                                            "final_achievement",
                                            "expected",
                                            "expected_achievement",
                                            "gap",
                                            "status",
                                            "achievement_basis",
                                            "trend",
                                            "actual_status",
                                            "stale",
                                            "actual_text",
                                            "progress_label",
                                            "required_rate",
                                            "recent_rate",
                                            "forecast",
                                            "revisions",
                                            "series"}));
  EXPECT_NE(text.find("{\n  \"format\": \"regiokpi-report\",\n  \"format_version\": 2,\n"), std::string::npos);
  EXPECT_NE(text.find("\n      \"proxy\": false,\n"), std::string::npos);
  EXPECT_NE(text.find("\n      \"target\": 400.0,\n"), std::string::npos);
  EXPECT_NE(text.find("\n      \"revisions\": [],\n"), std::string::npos);
  EXPECT_NE(text.find("\n      \"series\": [\n        [\n          \"2022-09-30\",\n          250.0\n        ],\n"),
            std::string::npos);
  EXPECT_NE(text.find("\n      \"children_total\": 2,\n"), std::string::npos);
  EXPECT_EQ(text.substr(text.size() - 4), "]\n}\n");
}

TEST(Report, JsonSinkThatThrowsStopsTheWriting) {
  std::size_t calls = 0;
  EXPECT_THROW(write_report_json(
                   with_findings(),
                   [&](std::string_view) {
                     if (++calls == 2) throw std::runtime_error("disk full");
                   },
                   64),
               std::runtime_error);
  EXPECT_EQ(calls, 2u);
}
