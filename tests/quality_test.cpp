// Data quality (quality.hpp): each finding kind on small hand-made data, expectations worked out by
// hand in the comments (docs/data-quality.md gives the rules).
#include "regiokpi/quality.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "regiokpi/programme_io.hpp"

using namespace regiokpi;

namespace {

/// A programme 2021-2022 with a category dimension "region" (members a, b) and the given indicators
/// (JSON objects) and validation rules (a JSON array, or empty).
std::string programme_json(const std::string& indicators, const std::string& rules = "") {
  return R"({"format": "regiokpi-programme/1", "id": "p", "name": "P",
    "period": {"start": "2021-01-01", "end": "2022-12-31"},
    "dimensions": [{"id": "region", "name": "Region", "kind": "category",
                    "members": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]}],
    "pillars": [{"id": "P", "name": "P", "goals": [{"id": "G", "name": "G", "results": [
      {"id": "R", "name": "R", "indicators": [)" +
         indicators + "]}]}]}]" + (rules.empty() ? "" : ", \"validation_rules\": " + rules) + "}";
}

/// A count by region, summed; `extra` adds fields.
std::string count_indicator(const std::string& id, const std::string& extra = "") {
  return R"({"id": ")" + id + R"(", "name": "N", "kind": "count", "unit": "x", "direction": "increase",
    "time_rule": "sum", "space_rule": "sum", "breakdown": [{"dimension": "region"}])" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

const std::string reporting = R"("baseline": {"date": "2021-01-01", "value": 0, "source": "illustrative"},
    "reporting": {"period": "quarter", "by": [{"dimension": "region"}], "due_days": 20})";

struct row {
  std::string indicator, date, region;
  double value;
  std::string recorded = {};
  std::uint32_t revision = 0;
};

measurement_store store_of(const std::vector<row>& rows) {
  std::vector<measurement> ms;
  for (const auto& r : rows) {
    measurement m;
    m.indicator = r.indicator;
    m.when = parse_date(r.date);
    m.coordinates = {r.region};
    m.value = r.value;
    if (!r.recorded.empty()) m.recorded_at = parse_date(r.recorded);
    m.revision = r.revision;
    ms.push_back(m);
  }
  measurement_store s;
  s.append({"region"}, ms);
  return s;
}

std::vector<diagnostic> problems(const std::string& text) {
  try {
    (void)read_programme(text, "test.json");
  } catch (const error& e) {
    return e.diagnostics();
  }
  return {};
}

}  // namespace

TEST(Quality, MissingLateAndUnknownReports) {
  const programme p = read_programme(programme_json(count_indicator("x", reporting)), "test.json");
  // As of 2021-12-31 the reports of 2021-Q1..Q3 were due (Q3's on 2021-10-20); Q4's falls due on
  // 2022-01-20, after the as-of date: 2 members x 3 quarters = 6 expected.
  const measurement_store s = store_of({
      {"x", "2021-03-31", "a", 4, "2021-04-10"},  // due 2021-04-20: on time
      {"x", "2021-06-30", "a", 2, "2021-07-25"},  // due 2021-07-20: 5 days late
      {"x", "2021-09-30", "a", 3},                // no recorded_at: unknown, not on time
      {"x", "2021-12-31", "a", 1, "2022-01-05"},  // Q4: not yet due, not judged
      {"x", "2021-03-31", "b", 1, "2021-04-20"},  // on the due date itself: on time
      // b's 2021-Q2 report is missing
      {"x", "2021-09-30", "b", 6, "2021-10-01"},  // on time
      {"x", "2022-01-15", "b", 9, "2022-01-16"},  // after the as-of date: ignored
  });
  const quality_report q = check_quality(p, s, {.as_of = parse_date("2021-12-31")});
  EXPECT_EQ(q.completeness.expected, 6u);
  EXPECT_EQ(q.completeness.reported, 5u);
  EXPECT_DOUBLE_EQ(*q.completeness.rate(), 5.0 / 6.0);
  ASSERT_EQ(q.completeness.missing.size(), 1u);
  EXPECT_EQ(q.completeness.missing[0].member, "b");
  EXPECT_EQ(q.completeness.missing[0].period.label(), "2021-Q2");
  ASSERT_EQ(q.completeness.by_member.size(), 2u);
  EXPECT_EQ(q.completeness.by_member[0].key, "a");
  EXPECT_DOUBLE_EQ(*q.completeness.by_member[0].rate(), 1.0);
  EXPECT_DOUBLE_EQ(*q.completeness.by_member[1].rate(), 2.0 / 3.0);
  ASSERT_EQ(q.completeness.by_period.size(), 3u);
  EXPECT_EQ(q.completeness.by_period[1].key, "2021-Q2");
  EXPECT_DOUBLE_EQ(*q.completeness.by_period[1].rate(), 0.5);

  EXPECT_EQ(q.timeliness.on_time, 3u);
  EXPECT_EQ(q.timeliness.unknown, 1u);
  ASSERT_EQ(q.timeliness.late.size(), 1u);
  EXPECT_EQ(q.timeliness.late[0].member, "a");
  EXPECT_EQ(q.timeliness.late[0].period.label(), "2021-Q2");
  EXPECT_EQ(q.timeliness.late[0].days_late, 5);
  EXPECT_EQ(format_date(q.timeliness.late[0].due), "2021-07-20");
  EXPECT_DOUBLE_EQ(*q.timeliness.rate(), 3.0 / 5.0);

  ASSERT_EQ(q.completeness.matrices.size(), 1u);
  const completeness_matrix& m = q.completeness.matrices[0];
  EXPECT_EQ(m.members, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(m.periods.size(), 3u);
  EXPECT_EQ(m.at(0, 1), report_state::late);
  EXPECT_EQ(m.at(0, 2), report_state::unknown);
  EXPECT_EQ(m.at(1, 1), report_state::missing);
  EXPECT_EQ(m.at(1, 0), report_state::on_time);

  // missing: medium; late: low; nothing high.
  EXPECT_EQ(q.findings_at_least(importance::high), 0u);
  EXPECT_EQ(q.findings_at_least(importance::medium), 1u);
  EXPECT_EQ(q.findings_at_least(importance::low), 2u);
}

TEST(Quality, WithoutReportingNothingIsExpected) {
  const programme p = read_programme(programme_json(count_indicator("x")), "test.json");
  const quality_report q =
      check_quality(p, store_of({{"x", "2021-03-31", "a", 4}}), {.as_of = parse_date("2022-12-31")});
  EXPECT_EQ(q.completeness.expected, 0u);
  EXPECT_FALSE(q.completeness.rate());
  EXPECT_FALSE(q.timeliness.rate());
}

TEST(Quality, OutlierByTheModifiedZScore) {
  const programme p =
      read_programme(programme_json(R"({"id": "y", "name": "Y", "kind": "count", "unit": "x", "direction": "increase",
          "time_rule": "last", "space_rule": "sum", "breakdown": [{"dimension": "region"}]})"),
                     "test.json");
  // Values 10 12 11 13 12 40 13; changes 2 -1 2 -1 28 -27.
  // Sorted changes -27 -1 -1 2 2 28: median (-1 + 2) / 2 = 0.5.
  // Absolute deviations 1.5 1.5 1.5 1.5 27.5 27.5: MAD (1.5 + 1.5) / 2 = 1.5.
  // M = 0.6745 x (28 - 0.5) / 1.5 = 12.3658..., above 3.5: the 40 is an outlier. The step back
  // (M = -12.3658) returns from the spike and is not a second finding; every other |M| is 0.6745 x 1.5 / 1.5.
  const measurement_store s = store_of({{"y", "2021-01-31", "a", 10},
                                        {"y", "2021-02-28", "a", 12},
                                        {"y", "2021-03-31", "a", 11},
                                        {"y", "2021-04-30", "a", 13},
                                        {"y", "2021-05-31", "a", 12},
                                        {"y", "2021-06-30", "a", 40},
                                        {"y", "2021-07-31", "a", 13}});
  const quality_report q = check_quality(p, s, {.as_of = parse_date("2022-12-31")});
  ASSERT_EQ(q.outliers.size(), 1u);
  EXPECT_EQ(q.outliers[0].member, "a");
  EXPECT_EQ(format_date(q.outliers[0].when), "2021-06-30");
  EXPECT_EQ(q.outliers[0].value, 40);
  ASSERT_TRUE(q.outliers[0].score);
  EXPECT_NEAR(*q.outliers[0].score, 0.6745 * 27.5 / 1.5, 1e-12);
  // A higher threshold (13) than the score keeps it.
  EXPECT_TRUE(check_quality(p, s, {.as_of = parse_date("2022-12-31"), .outlier_threshold = 13}).outliers.empty());
  EXPECT_THROW((void)check_quality(p, s, {.as_of = parse_date("2022-12-31"), .outlier_threshold = 0}), error);
  // The same rows out of date order, between another member's: the same finding (each series' rows
  // are put in date order first; only rows already in order skip that).
  const measurement_store mixed = store_of({{"y", "2021-06-30", "a", 40},
                                            {"y", "2021-01-31", "b", 5},
                                            {"y", "2021-03-31", "a", 11},
                                            {"y", "2021-07-31", "a", 13},
                                            {"y", "2021-01-31", "a", 10},
                                            {"y", "2021-05-31", "a", 12},
                                            {"y", "2021-02-28", "a", 12},
                                            {"y", "2021-04-30", "a", 13}});
  const quality_report m = check_quality(p, mixed, {.as_of = parse_date("2022-12-31")});
  ASSERT_EQ(m.outliers.size(), 1u);
  EXPECT_EQ(m.outliers[0].member, "a");
  EXPECT_EQ(format_date(m.outliers[0].when), "2021-06-30");
  EXPECT_NEAR(*m.outliers[0].score, 0.6745 * 27.5 / 1.5, 1e-12);
}

TEST(Quality, ValuesOutsideTheirRange) {
  const programme p = read_programme(
      programme_json(R"({"id": "z", "name": "Z", "kind": "percentage", "unit": "%", "direction": "increase",
          "time_rule": "last", "space_rule": "avg", "breakdown": [{"dimension": "region"}], "min": 10})"),
      "test.json");
  // 104 % is outside a percentage's 0..100; 5 is below the plausible minimum 10; 50 is fine.
  const quality_report q = check_quality(
      p, store_of({{"z", "2021-01-31", "a", 104}, {"z", "2021-02-28", "a", 5}, {"z", "2021-03-31", "b", 50}}),
      {.as_of = parse_date("2022-12-31")});
  ASSERT_EQ(q.outliers.size(), 2u);
  EXPECT_EQ(q.outliers[0].value, 104);
  EXPECT_FALSE(q.outliers[0].score);
  EXPECT_EQ(q.outliers[1].value, 5);
  EXPECT_NE(q.outliers[1].reason.find("minimum 10"), std::string::npos);
}

TEST(Quality, Revisions) {
  const programme p = read_programme(programme_json(count_indicator("x", reporting)), "test.json");
  // a's Q1 value 4 is revised to 5 (relative 1/4) and then to 6 (relative 2/4: the largest, as the
  // first value against the last); b's 2 is revised to 2.2 (relative 0.1).
  const measurement_store s = store_of({{"x", "2021-03-31", "a", 4, "2021-04-10"},
                                        {"x", "2021-03-31", "a", 5, "2021-06-01", 1},
                                        {"x", "2021-03-31", "a", 6, "2021-07-01", 2},
                                        {"x", "2021-03-31", "b", 2, "2021-04-11"},
                                        {"x", "2021-03-31", "b", 2.2, "2021-05-01", 1}});
  const quality_report q = check_quality(p, s, {.as_of = parse_date("2021-06-30")});
  EXPECT_EQ(q.revisions.revised_values, 2u);
  ASSERT_EQ(q.revisions.largest.size(), 2u);
  EXPECT_EQ(q.revisions.largest[0].member, "a");
  EXPECT_EQ(q.revisions.largest[0].from, 4);
  EXPECT_EQ(q.revisions.largest[0].to, 6);
  EXPECT_DOUBLE_EQ(*q.revisions.largest[0].relative, 0.5);
  EXPECT_NEAR(*q.revisions.largest[1].relative, 0.1, 1e-12);
  // A later revision does not make the first report late: its earliest recorded_at counts.
  EXPECT_EQ(q.timeliness.on_time, 2u);
  EXPECT_TRUE(q.timeliness.late.empty());
}

namespace {

/// L and R by region. Per member and quarter: (a, Q1) 3 vs 4, (b, Q1) 5 vs 5, (a, Q2) 2 vs 2, and
/// (b, Q2) has no L: skipped, never read as 0. Totals: Q1 8 vs 9, Q2 2 vs 3.
measurement_store rule_store() {
  return store_of({{"L", "2021-02-01", "a", 1},
                   {"L", "2021-03-01", "a", 2},
                   {"L", "2021-03-01", "b", 5},
                   {"L", "2021-05-01", "a", 2},
                   {"R", "2021-03-01", "a", 4},
                   {"R", "2021-03-01", "b", 5},
                   {"R", "2021-05-01", "a", 2},
                   {"R", "2021-05-01", "b", 1}});
}

quality_report check_rule(const std::string& rule) {
  const programme p =
      read_programme(programme_json(count_indicator("L") + ", " + count_indicator("R"), "[" + rule + "]"), "t.json");
  return check_quality(p, rule_store(), {.as_of = parse_date("2021-12-31")});
}

std::string member_rule(const std::string& op) {
  return R"({"id": "r", "name": "L op R", "left": "L", "operator": ")" + op + R"(", "right": "R"})";
}

}  // namespace

TEST(Quality, EachOperatorPerMember) {
  struct expectation {
    std::string op;
    std::size_t violated;
    std::vector<std::string> where;  // member period
  };
  const std::vector<expectation> cases = {
      {"<=", 0, {}},                                      // 3 <= 4, 5 <= 5, 2 <= 2
      {"<", 2, {"a 2021-Q2", "b 2021-Q1"}},               // 5 < 5 and 2 < 2 fail
      {"==", 1, {"a 2021-Q1"}},                           // 3 != 4
      {"!=", 2, {"a 2021-Q2", "b 2021-Q1"}},              // 5 == 5 and 2 == 2
      {">=", 1, {"a 2021-Q1"}},                           // 3 < 4
      {">", 3, {"a 2021-Q1", "a 2021-Q2", "b 2021-Q1"}},  // none is greater
  };
  for (const auto& c : cases) {
    const quality_report q = check_rule(member_rule(c.op));
    ASSERT_EQ(q.rules.size(), 1u) << c.op;
    EXPECT_EQ(q.rules[0].checked, 3u) << c.op;
    EXPECT_EQ(q.rules[0].skipped, 1u) << c.op;
    EXPECT_EQ(q.rules[0].violated, c.violated) << c.op;
    std::vector<std::string> where;
    for (const auto& v : q.violations) where.push_back(v.member + " " + v.period.label());
    EXPECT_EQ(where, c.where) << c.op;
  }
  const quality_report q = check_rule(member_rule("=="));
  ASSERT_EQ(q.violations.size(), 1u);
  EXPECT_EQ(q.violations[0].left, 3);
  EXPECT_EQ(q.violations[0].right, 4);
  EXPECT_EQ(q.violations[0].importance, importance::medium);
}

TEST(Quality, RulePerTotalWithFactors) {
  // 2 x L >= R + 0.5 x R on totals: Q1 16 >= 13.5 holds; Q2 4 >= 4.5 fails.
  const quality_report q = check_rule(
      R"({"id": "t", "name": "T", "left": "2 * L", "operator": ">=", "right": "R + 0.5 * R", "per": "total",
          "importance": "high"})");
  ASSERT_EQ(q.rules.size(), 1u);
  EXPECT_EQ(q.rules[0].checked, 2u);
  EXPECT_EQ(q.rules[0].skipped, 0u);
  ASSERT_EQ(q.violations.size(), 1u);
  EXPECT_EQ(q.violations[0].member, "");
  EXPECT_EQ(q.violations[0].period.label(), "2021-Q2");
  EXPECT_EQ(q.violations[0].left, 4);
  EXPECT_EQ(q.violations[0].right, 4.5);
  EXPECT_EQ(q.findings_at_least(importance::high), 1u);
  // Monthly instead: only March has both sides (L 7 x 2 = 14 >= 9 x 1.5 = 13.5) and May (4 >= 4.5 fails);
  // February has L only: skipped.
  const quality_report m = check_rule(
      R"({"id": "t", "name": "T", "left": "2 * L", "operator": ">=", "right": "R + 0.5 * R", "per": "total",
          "period": "month"})");
  EXPECT_EQ(m.rules[0].checked, 2u);
  EXPECT_EQ(m.rules[0].skipped, 1u);
  ASSERT_EQ(m.violations.size(), 1u);
  EXPECT_EQ(m.violations[0].period.label(), "2021-05");
}

TEST(Quality, FormatErrorsHaveTheirPointers) {
  const std::string two = count_indicator("L") + ", " + count_indicator("R");
  auto first = [](const std::vector<diagnostic>& d) {
    return d.empty() ? std::string() : d[0].where + ": " + d[0].reason;
  };
  EXPECT_EQ(first(problems(
                programme_json(two, R"([{"id": "r", "name": "N", "left": "Lx", "operator": "<=", "right": "R"}])"))),
            "/validation_rules/0/left: \"Lx\" is not an indicator; did you mean \"L\"?");
  EXPECT_EQ(
      first(problems(programme_json(two, R"([{"id": "r", "name": "N", "left": "L", "operator": "=<", "right": "R"}])")))
          .substr(0, 31),
      "/validation_rules/0/operator: \"");
  EXPECT_EQ(first(problems(programme_json(
                two, R"([{"id": "r", "name": "N", "left": "two * L", "operator": "<=", "right": "R"}])"))),
            "/validation_rules/0/left: term 1: \"two\" is not a number (write \"0.5 * id\")");
  // No common breakdown for a per-member rule: L by region, S without a breakdown.
  const std::string no_common =
      count_indicator("L") + R"(, {"id": "S", "name": "S", "kind": "count", "unit": "x", "direction": "increase",
          "time_rule": "sum", "space_rule": "sum"})";
  EXPECT_EQ(first(problems(programme_json(
                no_common, R"([{"id": "r", "name": "N", "left": "L", "operator": "<=", "right": "S"}])"))),
            "/validation_rules/0/per: the rule's indicators share no breakdown to check per member; use \"per\": "
            "\"total\"");
  EXPECT_TRUE(
      problems(
          programme_json(no_common,
                         R"([{"id": "r", "name": "N", "left": "L", "operator": "<=", "right": "S", "per": "total"}])"))
          .empty());
  EXPECT_EQ(first(problems(programme_json(count_indicator(
                "L", R"("reporting": {"period": "quarter", "by": [{"dimension": "sector"}], "due_days": 20})")))),
            "/pillars/0/goals/0/results/0/indicators/0/reporting/by/0/dimension: \"sector\" is not a dimension");
  EXPECT_EQ(first(problems(programme_json(count_indicator(
                "L", R"("reporting": {"period": "quarter", "by": [{"dimension": "region"}], "due_days": -1})")))),
            "/pillars/0/goals/0/results/0/indicators/0/reporting/due_days: must be a whole number of days from 0 to "
            "3660");
  // A reporting dimension the indicator is not broken down by: nobody could report it.
  EXPECT_EQ(first(problems(programme_json(
                R"({"id": "L", "name": "N", "kind": "count", "unit": "x", "direction": "increase", "time_rule": "sum",
                    "space_rule": "sum", "reporting": {"period": "quarter", "by": [{"dimension": "region"}]}})"))),
            "/pillars/0/goals/0/results/0/indicators/0/reporting/by/0: the indicator is not broken down by \"region\"");
  EXPECT_EQ(first(problems(programme_json(count_indicator("L", R"("min": 5, "max": 1)")))),
            "/pillars/0/goals/0/results/0/indicators/0/max: 1 is below min 5");
}

TEST(Quality, CanonicalWritingKeepsTheNewFields) {
  const programme p = read_programme(
      programme_json(count_indicator("L", reporting + R"(, "min": 0, "max": 50)") + ", " + count_indicator("R"),
                     R"([{"id": "t", "name": "T", "left": "2 * L", "operator": ">=", "right": "R + 0.5 * R",
                          "per": "total", "period": "month", "importance": "low"}])"),
      "t.json");
  const std::string text = write_programme(p);
  EXPECT_NE(text.find("\"left\": \"2 * L\""), std::string::npos);
  EXPECT_NE(text.find("\"right\": \"R + 0.5 * R\""), std::string::npos);
  EXPECT_NE(text.find("\"due_days\": 20"), std::string::npos);
  EXPECT_EQ(read_programme(text, "canonical.json"), p);
  EXPECT_EQ(write_programme(read_programme(text, "canonical.json")), text);
}

TEST(Quality, JsonHasTheDocumentedFields) {
  const programme p = read_programme(programme_json(count_indicator("x", reporting)), "test.json");
  const quality_report q =
      check_quality(p, store_of({{"x", "2021-03-31", "a", 4, "2021-04-30"}}), {.as_of = parse_date("2021-06-30")});
  const auto j = nlohmann::json::parse(quality_to_json(q));
  EXPECT_EQ(j["completeness"]["expected"], 2);
  EXPECT_EQ(j["completeness"]["by_member"]["b"], 0.0);
  EXPECT_EQ(j["completeness"]["missing"][0]["member"], "b");
  EXPECT_EQ(j["timeliness"]["late"][0]["days_late"], 10);  // due 2021-04-20, recorded 2021-04-30
  EXPECT_EQ(j["summary"]["medium"], 1);
  const std::string csv = quality_to_csv(q);
  EXPECT_NE(csv.find("missing,medium,x,b,2021-Q1,,,\n"), std::string::npos);
  EXPECT_NE(csv.find("late,low,x,a,2021-Q1,2021-04-30,10,days after 2021-04-20\n"), std::string::npos);
}

TEST(Quality, NoSpreadNoScore) {
  const programme p = read_programme(programme_json(count_indicator("x")), "test.json");
  // Changes 0 0 0 0 9: the median change is 0 and so is MAD (four of five deviations are 0), so
  // there is no spread to judge the 9 against: no z-score finding (docs/data-quality.md).
  const quality_report q = check_quality(p,
                                         store_of({{"x", "2021-01-31", "a", 1},
                                                   {"x", "2021-02-28", "a", 1},
                                                   {"x", "2021-03-31", "a", 1},
                                                   {"x", "2021-04-30", "a", 1},
                                                   {"x", "2021-05-31", "a", 1},
                                                   {"x", "2021-06-30", "a", 10}}),
                                         {.as_of = parse_date("2022-12-31")});
  EXPECT_TRUE(q.outliers.empty());
}

TEST(Quality, AsRecordedOnAndTheProgrammeEnd) {
  const programme p = read_programme(programme_json(count_indicator("x", reporting)), "test.json");
  const measurement_store s = store_of({
      {"x", "2021-03-31", "a", 4, "2021-04-10"},
      {"x", "2021-06-30", "a", 2, "2021-07-25"},  // recorded after 2021-07-21: not known then
      {"x", "2021-09-30", "a", 3},                // no recorded_at: always counts
      {"x", "2021-03-31", "b", 1, "2021-04-20"},
      {"x", "2021-09-30", "b", 6, "2021-10-01"},  // not known on 2021-07-21
  });
  // As recorded on 2021-07-21: a's Q1 and Q3 and b's Q1 are known; a's Q2, b's Q2 and b's Q3 missing.
  const quality_report q =
      check_quality(p, s, {.as_of = parse_date("2021-12-31"), .as_recorded_on = parse_date("2021-07-21")});
  EXPECT_EQ(q.completeness.expected, 6u);
  EXPECT_EQ(q.completeness.reported, 3u);
  EXPECT_EQ(q.completeness.missing.size(), 3u);
  // The programme ends 2022-12-31: on 2030-01-01 its 8 quarters x 2 members are expected, no more.
  EXPECT_EQ(check_quality(p, s, {.as_of = parse_date("2030-01-01")}).completeness.expected, 16u);
}
