#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "regiokpi/programme_io.hpp"

using namespace regiokpi;
using json = nlohmann::ordered_json;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string zod_path = std::string(REGIOKPI_SOURCE_DIR) + "/examples/regio-deal-zod/programme.json";
const std::string erdf_path = std::string(REGIOKPI_SOURCE_DIR) + "/examples/erdf-style/programme.json";

// A small valid programme; each error test breaks one thing in a copy.
json minimal() {
  return json::parse(R"({
    "format": "regiokpi-programme/1",
    "id": "p", "name": "P",
    "period": {"start": "2020-01-01", "end": "2023-12-31"},
    "parties": [{"id": "city", "name": "City", "dimension": "region", "member": "a"}],
    "dimensions": [
      {"id": "region", "name": "Region", "kind": "hierarchy", "levels": ["province", "municipality"], "members": [
        {"id": "prov", "name": "Prov", "level": "province"},
        {"id": "a", "name": "A", "level": "municipality", "parent": "prov",
         "attributes": {"population": [{"date": "2019-01-01", "value": 300, "source": "test"}]}},
        {"id": "b", "name": "B", "level": "municipality", "parent": "prov",
         "attributes": {"population": [{"date": "2019-01-01", "value": 100, "source": "test"}]}}]},
      {"id": "sector", "name": "Sector", "kind": "category", "members": [{"id": "x", "name": "X"}]}],
    "pillars": [{"id": "P1", "name": "Pillar", "goals": [{"id": "G1", "name": "Goal", "results": [
      {"id": "R1", "name": "Result", "indicators": [
        {"id": "workers", "name": "Workers", "kind": "count", "unit": "workers", "direction": "decrease",
         "baseline": {"date": "2019-01-01", "value": 50, "source": "test"},
         "targets": [{"date": "2023-12-31", "value": -10, "basis": "percent_change"}],
         "time_rule": "last", "space_rule": "sum", "breakdown": [{"dimension": "region", "level": "municipality"}]},
        {"id": "households", "name": "Households", "kind": "count", "unit": "households", "direction": "increase",
         "time_rule": "last", "space_rule": "sum"},
        {"id": "ratio", "name": "Workers per 1,000 households", "kind": "ratio", "unit": "per 1,000 households",
         "direction": "decrease", "time_rule": "last", "space_rule": "weighted_avg", "weight_attribute": "population",
         "breakdown": [{"dimension": "region", "level": "municipality"}],
         "formula": {"numerator": ["workers"], "denominator": ["households"], "factor": 1000}},
        {"id": "plan", "name": "Plan delivered", "kind": "milestone",
         "targets": [{"date": "2022-06-30", "value": true}], "time_rule": "last", "space_rule": "min"},
        {"id": "rating", "name": "Rating", "kind": "ordinal", "levels": ["low", "mid", "high"], "direction": "increase",
         "baseline": {"date": "2019-01-01", "value": "low", "source": "test"},
         "targets": [{"date": "2023-12-31", "value": "high"}], "time_rule": "last", "space_rule": "min"}]}]}]}],
    "funding": {"currency": "EUR", "contributions": [
      {"id": "state", "party": "city", "kind": "fixed", "amount": "1000.00"},
      {"id": "local", "kind": "share", "of": "state", "share": "1/1",
       "split": {"dimension": "region", "level": "municipality", "attribute": "population", "date": "2020-01-01"}}]}
  })");
}

// The diagnostics of reading `text`; fails the test if it reads without error.
std::vector<diagnostic> errors_of(const std::string& text, errc expected = errc::validation_error) {
  try {
    (void)read_programme(text);
  } catch (const error& e) {
    EXPECT_EQ(e.code(), expected) << e.what();
    return e.diagnostics();
  }
  ADD_FAILURE() << "read without error";
  return {};
}

std::vector<diagnostic> errors_of(const json& j) { return errors_of(j.dump(2)); }

// Whether some diagnostic has exactly this place and a reason containing `reason_part`.
::testing::AssertionResult has(const std::vector<diagnostic>& ds, const std::string& where,
                               const std::string& reason_part) {
  for (const auto& d : ds)
    if (d.where == where && d.reason.find(reason_part) != std::string::npos) return ::testing::AssertionSuccess();
  std::string all;
  for (const auto& d : ds) all += "\n  " + d.where + ": " + d.reason;
  return ::testing::AssertionFailure() << "no " << where << ": ..." << reason_part << "... among:" << all;
}

json& indicator_at(json& j, std::size_t i) { return j["pillars"][0]["goals"][0]["results"][0]["indicators"][i]; }
const std::string ind0 = "/pillars/0/goals/0/results/0/indicators/0";

}  // namespace

TEST(ProgrammeJson, MinimalProgrammeReads) {
  const programme p = read_programme(minimal().dump());
  EXPECT_EQ(p.id, "p");
  EXPECT_EQ(p.start, parse_date("2020-01-01"));
  const indicator& w = *p.find_indicator("workers");
  EXPECT_EQ(w.direction, direction::decrease);
  ASSERT_EQ(w.targets.size(), 1U);
  EXPECT_EQ(w.targets[0].basis, target_basis::percent_change);
  EXPECT_DOUBLE_EQ(resolved_value(w.targets[0], w.baseline), 45);  // 10 % below 50
  EXPECT_EQ(p.find_indicator("plan")->targets[0].value, 1);        // true
  EXPECT_EQ(p.find_indicator("rating")->targets[0].value, 2);      // "high" is level 2
  EXPECT_EQ(p.find_indicator("rating")->baseline->value, 0);       // "low"
  const formula& f = *p.find_indicator("ratio")->formula;
  EXPECT_EQ(f.numerator, std::vector<std::string>{"workers"});
  EXPECT_EQ(f.factor, 1000);
  // The split contribution's members come from the population attribute: 300 and 100.
  ASSERT_TRUE(p.funding);
  const auto& local = p.funding->plan.contributions[1];
  ASSERT_EQ(local.members.size(), 2U);
  EXPECT_EQ(local.members[0].member, "a");
  EXPECT_EQ(local.members[0].weight, decimal{300});
  EXPECT_EQ(local.members[1].weight, decimal{100});
  const funding_result r = evaluate(p.funding->plan);
  EXPECT_EQ(r.at("local").members[0].value, amount::from_units(750));  // 1000 x 300/400
  EXPECT_EQ(r.at("local").members[1].value, amount::from_units(250));
  EXPECT_EQ(funding_total(*p.funding), amount::from_units(2000));
}

TEST(ProgrammeJson, ExamplesRoundTripByteForByte) {
  for (const auto& path : {zod_path, erdf_path}) {
    SCOPED_TRACE(path);
    const std::string text = slurp(path);
    ASSERT_FALSE(text.empty());
    const programme p = read_programme(text, path);
    const std::string written = write_programme(p);
    EXPECT_EQ(written, text) << "the example files are kept in canonical form";
    const programme again = read_programme(written);
    EXPECT_EQ(again, p);
    EXPECT_EQ(write_programme(again), written);
    EXPECT_NO_THROW(validate_programme(p));
  }
}

TEST(ProgrammeJson, WritingIsCanonicalWhateverTheInputOrder) {
  // Keys in another order, extra whitespace, 400.0 for 400: the same canonical text.
  json j = minimal();
  json reordered = json::object();
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  std::reverse(keys.begin(), keys.end());
  for (const auto& k : keys) reordered[k] = j[k];
  indicator_at(reordered, 0)["baseline"]["value"] = 50.0;
  const std::string a = write_programme(read_programme(j.dump()));
  const std::string b = write_programme(read_programme(reordered.dump(7)));
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find("\"value\": 50,"), std::string::npos);
  EXPECT_EQ(a.rfind("{\n  \"format\": \"regiokpi-programme/1\",\n  \"id\": \"p\",", 0), 0U);
  EXPECT_EQ(a.back(), '\n');
  EXPECT_NE(a.find("\"amount\": \"1000.00\""), std::string::npos);  // money as a decimal string
  // Non-integral numbers keep their shortest round-trip form.
  indicator_at(j, 2)["formula"]["factor"] = 0.1;
  const std::string c = write_programme(read_programme(j.dump()));
  EXPECT_NE(c.find("\"factor\": 0.1\n"), std::string::npos);
}

TEST(ProgrammeJson, RegioDealExampleHasEverySeedResult) {
  const programme p = read_programme_file(zod_path);
  ASSERT_EQ(p.pillars.size(), 3U);
  EXPECT_EQ(p.pillars[0].id, "werken");
  EXPECT_EQ(p.pillars[1].id, "wonen");
  EXPECT_EQ(p.pillars[2].id, "welzijn");
  for (const char* id : {"W-a", "W-b", "W-c1", "W-c2", "W-c3", "H-a", "H-b", "Z-a", "Z-b", "Z-c", "Z-d"}) {
    const result* r = p.find_result(id);
    ASSERT_NE(r, nullptr) << id;
    EXPECT_FALSE(r->indicators.empty()) << id;
  }
  // W-c1..W-c3: cumulative counts with targets 400, 200, 100.
  const std::pair<const char*, double> counts[] = {{"W-c1.assessments", 400}, {"W-c2.plans", 200}, {"W-c3.plans", 100}};
  for (const auto& [id, goal] : counts) {
    const indicator& i = *p.find_indicator(id);
    EXPECT_EQ(i.kind, measure_kind::count);
    EXPECT_TRUE(i.cumulative);
    EXPECT_EQ(i.time_rule, time_rule::sum);
    ASSERT_NE(i.final_target(), nullptr);
    EXPECT_EQ(i.final_target()->value, goal);
  }
  // Coverage per municipality and per sector: "every one has at least one".
  for (const char* id : {"W-a.municipal-participation", "W-b.innovation-environments", "H-a.approaches"}) {
    const indicator& i = *p.find_indicator(id);
    EXPECT_EQ(i.space_rule, space_rule::coverage) << id;
    EXPECT_EQ(i.coverage->dimension, "region");
    EXPECT_EQ(i.coverage->level, "municipality");
    EXPECT_EQ(i.coverage->threshold, 1);
    EXPECT_EQ(i.final_target()->value, 6);
  }
  EXPECT_EQ(p.find_indicator("W-a.sector-networks")->coverage->dimension, "sector");
  // Milestones: H-b and Z-b.
  for (const char* id : {"H-b", "Z-b"}) {
    const result& r = *p.find_result(id);
    EXPECT_TRUE(std::any_of(r.indicators.begin(), r.indicators.end(), [](const indicator& i) {
      return i.kind == measure_kind::milestone;
    })) << id;
  }
  // Z-a, Z-c, Z-d: directional proxies with baselines; Z-a a formula over two counts.
  const indicator& za = *p.find_indicator("Z-a.care-workers-per-1000-households");
  EXPECT_TRUE(za.proxy);
  EXPECT_EQ(za.direction, direction::decrease);
  EXPECT_TRUE(za.baseline);
  EXPECT_EQ(za.formula->denominator, std::vector<std::string>{"Z-a.households"});
  EXPECT_EQ(za.formula->factor, 1000);
  EXPECT_EQ(p.find_indicator("Z-c.share-at-home")->direction, direction::increase);
  EXPECT_EQ(p.find_indicator("Z-d.starting-qualification")->direction, direction::increase);
  EXPECT_EQ(p.find_indicator("Z-d.youth-care-use")->direction, direction::decrease);
  for (const char* id : {"Z-c.share-at-home", "Z-d.starting-qualification", "Z-d.youth-care-use"}) {
    EXPECT_TRUE(p.find_indicator(id)->proxy) << id;
    EXPECT_TRUE(p.find_indicator(id)->baseline) << id;
  }
  // Six municipalities in two provinces; Hardenberg in Overijssel.
  const dimension& region = *p.find_dimension("region");
  const auto munis = region.members_at_level("municipality");
  ASSERT_EQ(munis.size(), 6U);
  for (const member* m : munis) {
    EXPECT_TRUE(m->attribute("population", parse_date("2019-01-01"))) << m->id;
    EXPECT_TRUE(m->attribute("households", parse_date("2019-01-01"))) << m->id;
    EXPECT_EQ(region.ancestor_at_level(*m, "province")->id, m->id == "hardenberg" ? "overijssel" : "drenthe");
  }
  EXPECT_EQ(p.find_dimension("sector")->members.size(), 6U);
}

TEST(ProgrammeJson, RegioDealFundingMatchesTheSeedRule) {
  const programme p = read_programme_file(zod_path);
  ASSERT_TRUE(p.funding);
  const funding_result r = evaluate(p.funding->plan);
  EXPECT_EQ(r.amount_of("rijk"), amount::from_units(20'000'000));
  EXPECT_EQ(r.amount_of("province"), amount::from_units(10'000'000));
  EXPECT_EQ(r.amount_of("municipalities"), amount::from_units(10'000'000));
  EXPECT_EQ(funding_total(*p.funding), amount::from_units(40'000'000));
  // Reference: largest remainder in whole cents over the populations in the file, computed here.
  const dimension& region = *p.find_dimension("region");
  std::vector<std::int64_t> pops;
  std::int64_t sum = 0;
  for (const member* m : region.members_at_level("municipality")) {
    pops.push_back(static_cast<std::int64_t>(*m->attribute("population", parse_date("2019-01-01"))));
    sum += pops.back();
  }
  const std::int64_t cents = 1'000'000'000;
  std::vector<std::int64_t> share(pops.size());
  std::vector<std::pair<std::int64_t, std::size_t>> rem;
  std::int64_t given = 0;
  for (std::size_t i = 0; i < pops.size(); ++i) {
    const std::int64_t q = cents * pops[i];  // < 2^63: 1e9 cents x populations < 1e9
    share[i] = q / sum;
    rem.push_back({q % sum, i});
    given += share[i];
  }
  std::stable_sort(rem.begin(), rem.end(), [](auto a, auto b) { return a.first > b.first; });
  for (std::int64_t k = 0; k < cents - given; ++k) ++share[rem[static_cast<std::size_t>(k)].second];
  const auto& parts = r.at("municipalities").members;
  ASSERT_EQ(parts.size(), 6U);
  for (std::size_t i = 0; i < parts.size(); ++i) EXPECT_EQ(parts[i].value.minor_units(), share[i]) << parts[i].member;
}

TEST(ProgrammeJson, ReportsTheIssuesExampleErrorWithItsPointer) {
  json j = minimal();
  indicator_at(j, 0)["targets"][0]["date"] = "2023-13-01";
  const auto ds = errors_of(j);
  EXPECT_TRUE(has(ds, ind0 + "/targets/0/date", "\"2023-13-01\" is not a date"));
  EXPECT_EQ(ds.size(), 1U) << "a bad date is not also reported as outside the period";
}

TEST(ProgrammeJson, UnknownFieldsAreErrorsWithSuggestions) {
  json j = minimal();
  indicator_at(j, 0)["targte"] = json::array();
  j["pilars"] = 1;
  indicator_at(j, 1)["zzzzzz"] = 1;
  const auto ds = errors_of(j);
  EXPECT_TRUE(has(ds, ind0 + "/targte", "unknown field \"targte\"; did you mean \"targets\"?"));
  EXPECT_TRUE(has(ds, "/pilars", "did you mean \"pillars\"?"));
  EXPECT_TRUE(has(ds, "/pillars/0/goals/0/results/0/indicators/1/zzzzzz", "unknown field \"zzzzzz\""));
  for (const auto& d : ds)
    if (d.where.ends_with("zzzzzz")) {
      EXPECT_EQ(d.reason.find("did you mean"), std::string::npos);
    }
}

TEST(ProgrammeJson, EveryRuleBrokenIsReportedAtOnce) {
  json j = minimal();
  indicator_at(j, 1)["id"] = "workers";                                   // duplicate id
  indicator_at(j, 2)["formula"]["denominator"] = {"households", "nope"};  // unknown indicator
  indicator_at(j, 0)["breakdown"][0]["dimension"] = "regio";              // unknown dimension
  j["parties"][0]["member"] = "b2";                                       // unknown member
  indicator_at(j, 4)["targets"][0]["date"] = "2024-01-01";                // outside the period
  indicator_at(j, 3)["kind"] = "countt";                                  // not a kind
  const auto ds = errors_of(j);
  EXPECT_TRUE(has(ds, "/pillars/0/goals/0/results/0/indicators/1/id", "duplicate indicator id \"workers\""));
  EXPECT_TRUE(
      has(ds, "/pillars/0/goals/0/results/0/indicators/2/formula/denominator/1", "\"nope\" is not an indicator"));
  EXPECT_TRUE(has(ds, ind0 + "/breakdown/0/dimension", "\"regio\" is not a dimension"));
  EXPECT_TRUE(has(ds, "/parties/0/member", "\"b2\" is not a member of \"region\""));
  EXPECT_TRUE(has(ds, "/pillars/0/goals/0/results/0/indicators/4/targets/0/date",
                  "2024-01-01 is outside the programme period 2020-01-01 .. 2023-12-31"));
  EXPECT_TRUE(has(ds, "/pillars/0/goals/0/results/0/indicators/3/kind", "\"countt\" is not one of count, amount"));
  // Names close to a known one come with a suggestion; others without.
  EXPECT_TRUE(has(ds, "/pillars/0/goals/0/results/0/indicators/3/kind", "; did you mean \"count\"?"));
  EXPECT_TRUE(has(ds, ind0 + "/breakdown/0/dimension", "is not a dimension; did you mean \"region\"?"));
  EXPECT_TRUE(has(ds, "/parties/0/member", "is not a member of \"region\"; did you mean \"b\"?"));
  for (const auto& d : ds) {
    if (d.where.ends_with("/formula/denominator/1")) {
      EXPECT_EQ(d.reason.find("did you mean"), std::string::npos);
    }
  }
  EXPECT_GE(ds.size(), 6U);
}

TEST(ProgrammeJson, FormulaCyclesAndUnitMismatches) {
  json j = minimal();
  // workers = ratio x 1 and ratio = workers / households: a cycle.
  indicator_at(j, 0)["formula"] = {{"numerator", {"ratio"}}};
  indicator_at(j, 0)["unit"] = "per 1,000 households";
  auto ds = errors_of(j);
  EXPECT_TRUE(std::any_of(ds.begin(), ds.end(), [](const diagnostic& d) {
    return d.reason.find("formula cycle: ") != std::string::npos && d.where.ends_with("/formula");
  })) << ds.size();

  j = minimal();
  indicator_at(j, 2)["formula"]["numerator"] = {"workers", "households"};
  ds = errors_of(j);
  EXPECT_TRUE(has(ds, "/pillars/0/goals/0/results/0/indicators/2/formula/numerator/1",
                  "unit mismatch: \"households\" is in \"households\", the earlier terms in \"workers\""));

  j = minimal();  // a sum without a denominator keeps the terms' unit
  indicator_at(j, 2)["formula"] = {{"numerator", {"workers"}}};
  ds = errors_of(j);
  EXPECT_TRUE(has(ds, "/pillars/0/goals/0/results/0/indicators/2/unit", "unit mismatch"));

  j = minimal();  // a percentage divides like by like
  indicator_at(j, 2)["kind"] = "percentage";
  ds = errors_of(j);
  EXPECT_TRUE(has(ds, "/pillars/0/goals/0/results/0/indicators/2/formula/denominator", "like by like"));
}

TEST(ProgrammeJson, DirectionMustAgreeWithTheTargets) {
  // A target already met at the baseline is valid (issue 9, rule 5): decrease, target 60 above 50.
  json j = minimal();
  indicator_at(j, 0)["targets"][0] = {{"date", "2023-12-31"}, {"value", 60}};
  EXPECT_NO_THROW(read_programme(j.dump()));
  std::vector<diagnostic> ds;

  j = minimal();
  indicator_at(j, 0)["direction"] = "maintain";
  indicator_at(j, 0)["band"] = {{"low", 40}, {"high", 44}};
  ds = errors_of(j);
  EXPECT_TRUE(has(ds, ind0 + "/targets/0/value", "outside the band [40, 44]"));

  j = minimal();  // relative target without a baseline
  indicator_at(j, 0).erase("baseline");
  ds = errors_of(j);
  EXPECT_TRUE(has(ds, ind0 + "/targets/0/basis", "needs a baseline"));
}

TEST(ProgrammeJson, DimensionRules) {
  json j = minimal();
  auto& members = j["dimensions"][0]["members"];
  members[1]["parent"] = "b";  // b is listed after a
  members[2]["level"] = "town";
  members[2]["attributes"]["population"].push_back({{"date", "2018-01-01"}, {"value", 1}, {"source", "t"}});
  const auto ds = errors_of(j);
  EXPECT_TRUE(has(ds, "/dimensions/0/members/1/parent", "\"b\" must be listed before its children"));
  EXPECT_TRUE(has(ds, "/dimensions/0/members/2/level", "\"town\" is not a level of \"region\""));
  EXPECT_TRUE(has(ds, "/dimensions/0/members/2/attributes/population/1/date", "increasing date order"));
}

TEST(ProgrammeJson, FundingRules) {
  json j = minimal();
  j["funding"]["contributions"][1]["split"]["attribute"] = "inhabitants";
  j["funding"]["contributions"][0]["party"] = "nobody";
  j["funding"]["contributions"][0]["amount"] = "12.3.4";
  j["funding"]["contributions"][1]["share"] = "half";
  const auto ds = errors_of(j);
  EXPECT_TRUE(has(ds, "/funding/contributions/1/split/attribute",
                  "member \"a\" has no \"inhabitants\" dated on or before 2020-01-01"));
  EXPECT_TRUE(has(ds, "/funding/contributions/0/party", "\"nobody\" is not a party"));
  EXPECT_TRUE(has(ds, "/funding/contributions/0/amount", "12.3.4"));
  EXPECT_TRUE(has(ds, "/funding/contributions/1/share", "\"half\" is not a fraction"));

  j = minimal();  // a reference to an unknown contribution, reported by the money layer under /funding
  j["funding"]["contributions"][1]["of"] = "stat";
  EXPECT_TRUE(has(errors_of(j), "/funding/contributions/1/of", "\"stat\""));
}

TEST(ProgrammeJson, SyntaxErrorsNameLineAndColumn) {
  auto ds = errors_of("{\n  \"id\": \"p\",\n  \"name\": tru\n}", errc::parse_error);
  ASSERT_EQ(ds.size(), 1U);
  EXPECT_EQ(ds[0].where.substr(0, 2), "3:") << ds[0].where;
  EXPECT_NE(ds[0].reason.find("syntax error"), std::string::npos);

  ds = errors_of("{\"id\": \"p\", \"id\": \"q\"}", errc::parse_error);
  EXPECT_TRUE(has(ds, "/id", "duplicate key \"id\""));

  try {
    (void)read_programme("[1, 2", "f.json");
    ADD_FAILURE();
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::parse_error);
    EXPECT_EQ(std::string(e.what()).rfind("f.json:1:", 0), 0U) << e.what();
  }
}

TEST(ProgrammeJson, HostileInputEndsInAnError) {
  EXPECT_FALSE(errors_of(std::string(100000, '['), errc::parse_error).empty());
  EXPECT_FALSE(errors_of("{\"a\": 1e999}", errc::parse_error).empty());
  EXPECT_FALSE(errors_of("{\"id\": \"\xff\xfe\"}", errc::parse_error).empty());
  EXPECT_FALSE(errors_of("", errc::parse_error).empty());
  // A huge integer is a finite double: not a syntax error, but not a valid weight either.
  json j = minimal();
  indicator_at(j, 0)["weight"] = json::parse("1e308");
  EXPECT_NO_THROW((void)read_programme(j.dump()));
  indicator_at(j, 0)["weight"] = -1;
  EXPECT_TRUE(has(errors_of(j), ind0 + "/weight", "is not a weight"));
  // The top level must be an object.
  EXPECT_TRUE(has(errors_of(std::string("[]")), "/", "must be an object"));
}

TEST(ProgrammeJson, ValidatesProgrammesBuiltInCode) {
  programme p = read_programme(minimal().dump());
  EXPECT_NO_THROW(validate_programme(p));
  p.pillars[0].goals[0].results[0].indicators[0].targets[0].due = parse_date("2030-01-01");
  p.dimensions[0].members[1].parent = "nowhere";
  try {
    validate_programme(p);
    ADD_FAILURE();
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::validation_error);
    EXPECT_TRUE(has(e.diagnostics(), ind0 + "/targets/0/date", "outside the programme period"));
    EXPECT_TRUE(has(e.diagnostics(), "/dimensions/0/members/1/parent", "\"nowhere\" is not a member"));
  }
}

TEST(ProgrammeJson, TargetRevisionsRoundTrip) {
  const programme p = read_programme_file(erdf_path);
  const target* t = p.find_indicator("RCO01")->final_target();
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->value, 1000);
  ASSERT_EQ(t->revisions.size(), 1U);
  EXPECT_EQ(t->revisions[0].value, 1200);
  EXPECT_EQ(t->revisions[0].revised_on, parse_date("2025-06-30"));
  EXPECT_FALSE(t->revisions[0].reason.empty());
  EXPECT_DOUBLE_EQ(p.thresholds.achieved, 0.85);
  EXPECT_DOUBLE_EQ(p.thresholds.serious_failure, 0.65);
  EXPECT_EQ(p.find_indicator("RCO01")->targets[0].kind, target_kind::milestone);
  EXPECT_EQ(p.find_indicator("RCO01")->targets[0].due, parse_date("2024-12-31"));
}

TEST(ProgrammeJson, StructuralErrorsHideOnlyTheRulesTheyMakeUnreliable) {
  // A missing name does not hide a rule error elsewhere.
  json j = minimal();
  j.erase("name");
  indicator_at(j, 4)["targets"][0]["date"] = "2024-01-01";
  auto ds = errors_of(j);
  EXPECT_TRUE(has(ds, "/", "missing required field \"name\""));
  EXPECT_TRUE(has(ds, "/pillars/0/goals/0/results/0/indicators/4/targets/0/date", "outside the programme period"));
  EXPECT_EQ(ds.size(), 2U);

  // A mistyped kind: one error, not a cascade of "a count needs a unit" and the like.
  j = minimal();
  indicator_at(j, 3)["kind"] = "milestones";
  ds = errors_of(j);
  ASSERT_EQ(ds.size(), 1U) << ds[0].where << ": " << ds[0].reason;
  EXPECT_TRUE(has(ds, "/pillars/0/goals/0/results/0/indicators/3/kind", "\"milestones\" is not one of"));

  // An unreadable period start: target dates are not judged against it.
  j = minimal();
  j["period"]["start"] = "2020-02-30";
  ds = errors_of(j);
  ASSERT_EQ(ds.size(), 1U) << ds[0].where << ": " << ds[0].reason;
  EXPECT_TRUE(has(ds, "/period/start", "\"2020-02-30\" is not a date"));

  // An end before the start is itself the error, reported once.
  j = minimal();
  j["period"]["end"] = "2019-12-31";
  ds = errors_of(j);
  EXPECT_TRUE(has(ds, "/period/end", "2019-12-31 is before the programme start 2020-01-01"));
}

TEST(ProgrammeJson, FinancialYearFirstMonthAndLastInPeriod) {
  json j = minimal();
  EXPECT_EQ(read_programme(j.dump()).fy_first_month, 1);  // default: the calendar year
  EXPECT_EQ(write_programme(read_programme(j.dump())).find("fy_first_month"), std::string::npos);
  j["period"]["fy_first_month"] = 4;
  indicator_at(j, 0)["time_rule"] = "last_in_period";
  const programme p = read_programme(j.dump());
  EXPECT_EQ(p.fy_first_month, 4);
  EXPECT_EQ(p.all_indicators()[0]->time_rule, time_rule::last_in_period);
  EXPECT_EQ(read_programme(write_programme(p)), p);  // written and read back
  for (const json& bad : {json(13), json(0), json(4.5), json("4")}) {
    j["period"]["fy_first_month"] = bad;
    const auto ds = errors_of(j);
    EXPECT_TRUE(ds.size() == 1 && ds[0].where == "/period/fy_first_month") << bad.dump();
  }
}

TEST(ProgrammeJson, RollupAndStaleAfterPeriodsRoundTrip) {
  json j = minimal();
  j["rollup"] = "eu_performance_framework";
  j["stale_after_periods"] = 4;
  const programme p = read_programme(j.dump());
  EXPECT_EQ(p.rollup, rollup_method::eu_performance_framework);
  EXPECT_EQ(p.stale_after_periods, 4);
  EXPECT_EQ(read_programme(write_programme(p)), p);
  j["rollup"] = "average";
  EXPECT_TRUE(has(errors_of(j), "/rollup", "average"));
}

TEST(ProgrammeJson, StatusMethodRoundTrip) {
  json j = minimal();
  EXPECT_EQ(read_programme(j.dump()).status_method, status_method::plan);  // the default, not written
  EXPECT_EQ(write_programme(read_programme(j.dump())).find("status_method"), std::string::npos);
  j["status_method"] = "growth_ratio";
  const programme p = read_programme(j.dump());
  EXPECT_EQ(p.status_method, status_method::growth_ratio);
  EXPECT_EQ(read_programme(write_programme(p)), p);
  j["status_method"] = "growth";
  EXPECT_TRUE(has(errors_of(j), "/status_method", "growth"));
}
