// evaluate_programme on a small programme and store whose every figure is computed by hand here.
#include "regiokpi/evaluate.hpp"

#include <gtest/gtest.h>

#include "regiokpi/store.hpp"
#include "support.hpp"

using namespace regiokpi;

namespace {

using regiokpi_test::d;

indicator make(std::string id, measure_kind kind = measure_kind::count) {
  indicator i;
  i.id = std::move(id);
  i.name = i.id;
  i.kind = kind;
  return i;
}

programme small_programme(space_rule ratio_rule) {
  programme p;
  p.id = "p";
  p.name = "Test programme";
  p.start = d("2021-01-01");
  p.end = d("2022-12-31");
  dimension region;
  region.id = "region";
  region.kind = dimension_kind::hierarchy;
  region.levels = {"province", "municipality"};
  region.members = {member{"prov", "Province", "province", "", {}, {}},
                    member{"a", "A", "municipality", "prov", {}, {}}, member{"b", "B", "municipality", "prov", {}, {}}};
  p.dimensions = {region};

  indicator count = make("count");
  count.cumulative = true;
  count.baseline = baseline{d("2021-01-01"), 0, "start"};
  count.targets = {target{target_kind::target, d("2021-12-31"), 100, target_basis::absolute, "", {}}};
  count.breakdowns = {{"region", "municipality"}};

  indicator env = make("env");
  env.time_rule = time_rule::last;
  env.space_rule = space_rule::coverage;
  env.coverage = coverage_rule{"region", "municipality", 1, false};
  env.baseline = baseline{d("2021-01-01"), 0, "start"};
  env.targets = {target{target_kind::target, d("2022-12-31"), 2, target_basis::absolute, "", {}}};
  env.breakdowns = {{"region", "municipality"}};

  indicator workers = make("workers");
  workers.time_rule = time_rule::last;
  workers.breakdowns = {{"region", "municipality"}};
  indicator hh = make("hh");
  hh.time_rule = time_rule::last;
  hh.breakdowns = {{"region", "municipality"}};
  indicator ratio = make("ratio", measure_kind::ratio);
  ratio.direction = direction::decrease;
  ratio.time_rule = time_rule::last;
  ratio.space_rule = ratio_rule;
  ratio.formula = formula{{"workers"}, {"hh"}, 1000};
  ratio.breakdowns = {{"region", "municipality"}};

  result r1{"r1", "R1", "", {}, 1, {count, env}};
  result r2{"r2", "R2", "", {}, 1, {workers, hh, ratio}};
  goal g{"g", "G", "", {}, 1, {r1, r2}};
  pillar pl{"pl", "Pillar", "", {}, 1, {g}};
  p.pillars = {pl};
  return p;
}

measurement_store small_store() {
  measurement_store s;
  const std::string dims[] = {"region"};
  const measurement rows[] = {
      {.indicator = "count", .when = d("2021-02-10"), .coordinates = {"a"}, .value = 10},
      {.indicator = "count", .when = d("2021-05-01"), .coordinates = {"b"}, .value = 20},
      {.indicator = "count", .when = d("2021-08-01"), .coordinates = {"a"}, .value = 15},
      {.indicator = "env", .when = d("2021-03-31"), .coordinates = {"a"}, .value = 1},
      {.indicator = "workers", .when = d("2021-03-31"), .coordinates = {"a"}, .value = 50},
      {.indicator = "workers", .when = d("2021-03-31"), .coordinates = {"b"}, .value = 30},
      {.indicator = "hh", .when = d("2021-03-31"), .coordinates = {"a"}, .value = 1000},
      {.indicator = "hh", .when = d("2021-03-31"), .coordinates = {"b"}, .value = 2000},
  };
  s.append(dims, rows);
  return s;
}

const indicator_report& find(const programme_report& r, std::string_view id) {
  for (const auto& i : r.indicators)
    if (i.id == id) return i;
  throw std::runtime_error("no indicator " + std::string(id));
}

}  // namespace

TEST(Evaluate, CumulativeCountAgainstItsTrajectory) {
  const programme p = small_programme(space_rule::sum);
  const measurement_store s = small_store();
  const auto r = evaluate_programme(p, s, {.as_of = d("2021-07-01")});
  const auto& c = find(r, "count");
  // Quarterly running totals up to as_of: Q1 10, Q2 30 (the August row is after as_of).
  ASSERT_EQ(c.series.size(), 2u);
  EXPECT_EQ(c.series[0], (series_point{d("2021-03-31"), 10}));
  EXPECT_EQ(c.series[1], (series_point{d("2021-06-30"), 30}));
  EXPECT_DOUBLE_EQ(*c.progress.actual, 30);
  EXPECT_DOUBLE_EQ(*c.progress.achievement, 0.3);
  // The plan is read at the actual's own date, 2021-06-30 (rule 9): 180 of the 364 days from
  // baseline to target.
  EXPECT_EQ(*c.progress.actual_date, d("2021-06-30"));
  EXPECT_DOUBLE_EQ(*c.progress.expected, 100.0 * 180 / 364);
  EXPECT_EQ(c.progress.status, progress_status::off_track);  // 0.3 / 0.4945 = 0.61 < 0.65
  // Issue 11: a running total is forecast on its flows, 10 and 20; two values are too few for theta,
  // so auto uses naive: 20 a quarter, and the total at 2021-12-31 (two quarters on) is 30 + 40 = 70.
  // Naive's one-step error variance from the one difference (20 - 10)^2 = 100 with 1 degree of
  // freedom; the sum of the next two steps has variance 100 (1^2 + 2^2) = 500, so the 90 % bounds are
  // 70 -/+ t(0.95, 1) sqrt(500) = 70 -/+ 6.313752 * 22.360680 = 70 -/+ 141.1799: high 211.1799, low
  // censored at the reached total 30. p_reach of 100 by 2021-12-31: P(T_1 > 30 / 22.360680 = 1.341641)
  // = 1/2 - atan(1.341641) / pi = 0.5 - 0.930274 / pi = 0.203884.
  ASSERT_TRUE(c.forecast.value);
  EXPECT_EQ(c.forecast.method, "auto (naive: short series)");
  EXPECT_NEAR(*c.forecast.value, 70, 1e-9);
  EXPECT_NEAR(*c.forecast.low, 30, 1e-9);
  EXPECT_NEAR(*c.forecast.high, 211.1799, 1e-3);
  EXPECT_NEAR(*c.forecast.p_reach, 0.203884, 1e-5);
  EXPECT_EQ(c.forecast.eta_status, eta_status::reached_on);  // the point forecast passes 100 at 30 + 4 * 20 = 110
  EXPECT_EQ(c.forecast.eta, d("2022-06-30"));
  EXPECT_EQ(c.pillar, "pl");
  EXPECT_EQ(c.result, "r1");
}

TEST(Evaluate, CoverageNamesTheMembersMissing) {
  const auto r = evaluate_programme(small_programme(space_rule::sum), small_store(), {.as_of = d("2021-12-31")});
  const auto& e = find(r, "env");
  ASSERT_TRUE(e.progress.coverage);
  EXPECT_EQ(e.progress.coverage->met, 1u);
  EXPECT_EQ(e.progress.coverage->total, 2u);
  EXPECT_EQ(e.progress.coverage->unmet, std::vector<std::string>{"b"});
  EXPECT_DOUBLE_EQ(*e.progress.actual, 1);
  EXPECT_DOUBLE_EQ(*e.progress.final_achievement, 0.5);
}

TEST(Evaluate, FormulaPerMemberThenCombined) {
  // Ratio of sums: (50 + 30) / (1000 + 2000) x 1000.
  auto r = evaluate_programme(small_programme(space_rule::sum), small_store(), {.as_of = d("2021-12-31")});
  EXPECT_NEAR(*find(r, "ratio").progress.actual, 80.0 / 3000 * 1000, 1e-12);
  // Mean of the members' ratios: (50 + 15) / 2.
  r = evaluate_programme(small_programme(space_rule::avg), small_store(), {.as_of = d("2021-12-31")});
  EXPECT_NEAR(*find(r, "ratio").progress.actual, 32.5, 1e-12);
  r = evaluate_programme(small_programme(space_rule::max), small_store(), {.as_of = d("2021-12-31")});
  EXPECT_NEAR(*find(r, "ratio").progress.actual, 50, 1e-12);
}

TEST(Evaluate, RollUpAndNoData) {
  const auto r = evaluate_programme(small_programme(space_rule::sum), small_store(), {.as_of = d("2021-12-31")});
  ASSERT_FALSE(r.nodes.empty());
  EXPECT_EQ(r.nodes.back().kind, node_kind::programme);
  EXPECT_EQ(r.nodes.back().id, "p");
  // r1: count (45 of 100 by its due date: 0.45, off track) and env (0.5); equal weights.
  const auto& r1 = r.nodes[0];
  EXPECT_EQ(r1.id, "r1");
  EXPECT_DOUBLE_EQ(*r1.achievement, (0.45 + 0.5) / 2);
  EXPECT_EQ(r1.children_total, 2u);
  EXPECT_EQ(r1.children_assessed, 2u);
  // r2: three indicators without targets: no target (rule 1), none assessed, so the node is no_data.
  EXPECT_EQ(r.nodes[1].id, "r2");
  EXPECT_FALSE(r.nodes[1].achievement);
  EXPECT_EQ(r.nodes[1].children_without_data, 3u);
  EXPECT_EQ(r.nodes[1].children_total, 3u);
  EXPECT_EQ(r.nodes[1].children_assessed, 0u);
  EXPECT_EQ(r.nodes[1].status, progress_status::no_data);
  EXPECT_EQ(find(r, "workers").progress.status, progress_status::no_target);
  EXPECT_EQ(r.nodes[1].indicator_counts[static_cast<std::size_t>(progress_status::no_target)], 3u);
  // No baseline is invented for an indicator without a target.
  EXPECT_FALSE(find(r, "workers").progress.baseline);
  // The programme counts the five indicators below it: count off track, env on track... by status.
  std::size_t total = 0;
  for (auto n : r.nodes.back().indicator_counts) total += n;
  EXPECT_EQ(total, 5u);
  // Before any measurement and before the baseline: not started.
  const auto early = evaluate_programme(small_programme(space_rule::sum), small_store(), {.as_of = d("2020-06-30")});
  EXPECT_EQ(find(early, "count").progress.status, progress_status::not_started);
}

TEST(Evaluate, AsRecordedOnHidesLaterRows) {
  measurement_store s;
  const std::string dims[] = {"region"};
  const measurement rows[] = {
      {.indicator = "count",
       .when = d("2021-02-10"),
       .coordinates = {"a"},
       .value = 10,
       .recorded_at = d("2021-02-15")},
      {.indicator = "count",
       .when = d("2021-02-10"),
       .coordinates = {"a"},
       .value = 12,
       .recorded_at = d("2021-04-01"),
       .revision = 1},
  };
  s.append(dims, rows);
  const programme p = small_programme(space_rule::sum);
  EXPECT_DOUBLE_EQ(*find(evaluate_programme(p, s, {.as_of = d("2021-06-30")}), "count").progress.actual, 12);
  EXPECT_DOUBLE_EQ(
      *find(evaluate_programme(p, s, {.as_of = d("2021-06-30"), .as_recorded_on = d("2021-03-01")}), "count")
           .progress.actual,
      10);
}

TEST(Evaluate, DerivedOnlyWhereEveryPartIsPresent) {
  // Rule 7: member b reports households but no care workers. The ratio stands on a alone:
  // 50 / 1000 x 1000 = 50, not (50 + 0) / (1000 + 2000) x 1000 = 16.7; b is listed.
  measurement_store s;
  const std::string dims[] = {"region"};
  const measurement rows[] = {
      {.indicator = "workers", .when = d("2021-03-31"), .coordinates = {"a"}, .value = 50},
      {.indicator = "hh", .when = d("2021-03-31"), .coordinates = {"a"}, .value = 1000},
      {.indicator = "hh", .when = d("2021-03-31"), .coordinates = {"b"}, .value = 2000},
  };
  s.append(dims, rows);
  const auto r = evaluate_programme(small_programme(space_rule::sum), s, {.as_of = d("2021-12-31")});
  const auto& ratio = find(r, "ratio");
  EXPECT_NEAR(*ratio.progress.actual, 50, 1e-12);
  EXPECT_EQ(ratio.incomplete_members, std::vector<std::string>{"b"});
  EXPECT_TRUE(ratio.derived);
}

TEST(Evaluate, TargetsAsTheyStoodOnTheDate) {
  // Rule 4: the count's target was 80 until 2021-09-01, then revised to 100. Evaluated on 2021-07-01
  // the 80 applies: actual 30 of 80 -> achievement 30 / 80 = 0.375; afterwards 30 / 100.
  programme p = small_programme(space_rule::sum);
  auto& t = p.pillars[0].goals[0].results[0].indicators[0].targets[0];
  t.revisions = {target_revision{d("2021-09-01"), d("2021-12-31"), 80, target_basis::absolute, "budget cut undone"}};
  const auto before = evaluate_programme(p, small_store(), {.as_of = d("2021-07-01")});
  EXPECT_DOUBLE_EQ(*find(before, "count").progress.final_target, 80);
  EXPECT_DOUBLE_EQ(*find(before, "count").progress.final_achievement, 30.0 / 80);
  ASSERT_EQ(find(before, "count").revisions.size(), 1u);
  EXPECT_EQ(find(before, "count").revisions[0].revisions[0].reason, "budget cut undone");
  const auto after = evaluate_programme(p, small_store(), {.as_of = d("2021-10-01")});
  EXPECT_DOUBLE_EQ(*find(after, "count").progress.final_target, 100);
}

TEST(Evaluate, ActualStatusIsTheWeakestBehindTheActual) {
  // Rule 9: Q1 rows for count: a final, b provisional -> provisional; a Q4 2020 estimated row is in
  // another period and does not count. A corrected (revision 1) row replaces its provisional original.
  measurement_store s;
  const std::string dims[] = {"region"};
  const measurement rows[] = {
      {.indicator = "count",
       .when = d("2020-12-01"),
       .coordinates = {"a"},
       .value = 1,
       .status = measurement_status::estimated},
      {.indicator = "count",
       .when = d("2021-02-10"),
       .coordinates = {"a"},
       .value = 10,
       .status = measurement_status::final},
      {.indicator = "count",
       .when = d("2021-03-10"),
       .coordinates = {"b"},
       .value = 5,
       .status = measurement_status::provisional},
      {.indicator = "env",
       .when = d("2021-03-10"),
       .coordinates = {"b"},
       .value = 1,
       .status = measurement_status::provisional},
      {.indicator = "env",
       .when = d("2021-03-10"),
       .coordinates = {"b"},
       .value = 1,
       .status = measurement_status::final,
       .revision = 1},
  };
  s.append(dims, rows);
  const auto r = evaluate_programme(small_programme(space_rule::sum), s, {.as_of = d("2021-03-31")});
  EXPECT_EQ(find(r, "count").actual_status, measurement_status::provisional);
  EXPECT_EQ(find(r, "env").actual_status, measurement_status::final);
  EXPECT_FALSE(find(r, "count").progress.stale);
  // On 2021-12-31 the Q1 actual is three quarters old: stale (more than two periods).
  const auto late = evaluate_programme(small_programme(space_rule::sum), s, {.as_of = d("2021-12-31")});
  EXPECT_TRUE(find(late, "count").progress.stale);
}

TEST(Evaluate, TheProgrammesStatusMethodAppliesUnlessTheSettingsOverrideIt) {
  programme p = small_programme(space_rule::sum);
  p.status_method = status_method::growth_ratio;
  p.pillars[0].goals[0].results[0].indicators[0].baseline = baseline{d("2021-01-01"), 10, "start"};
  const measurement_store s = small_store();
  // count: baseline 10 on 2021-01-01, target 100 on 2021-12-31 (364 days = 0.996578 years); actual 30,
  // the running total at the Q2 end 2021-06-30 (180 days = 0.492813 years). Observed CAGR
  // 3^(1/0.492813) - 1 = 8.2934; required 10^(1/0.996578) - 1 = 9.0793; ratio 0.9134: at least 0.6
  // and below 0.95 -> progress_needs_acceleration.
  const auto r = evaluate_programme(p, s, {.as_of = d("2021-07-01")});
  const auto& c = find(r, "count");
  ASSERT_TRUE(c.progress.progress_label);
  EXPECT_EQ(*c.progress.progress_label, progress_label::progress_needs_acceleration);
  // --status-method plan (evaluation_settings) overrides the programme: no Open SDG label.
  const auto plan = evaluate_programme(p, s, {.as_of = d("2021-07-01"), .status_method = status_method::plan});
  EXPECT_FALSE(find(plan, "count").progress.progress_label);
}
