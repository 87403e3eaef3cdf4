// Hand-computed cases for every evaluation rule (docs/progress.md).
#include "regiokpi/progress.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

using namespace regiokpi;

namespace {

using regiokpi_test::d;

// Increase from 100 (2021-01-01) to 300 (2023-01-01): 730 days, so 2022-01-01 is exactly half way.
indicator rising() {
  indicator i;
  i.id = "companies";
  i.kind = measure_kind::count;
  i.baseline = baseline{d("2021-01-01"), 100, "test"};
  i.targets.push_back(target{target_kind::target, d("2023-01-01"), 300, target_basis::absolute, "", {}});
  return i;
}

// Decrease from 10 (2021-01-01) to 8 (2023-01-01).
indicator falling() {
  indicator i;
  i.id = "care-workers-per-household";
  i.kind = measure_kind::ratio;
  i.direction = direction::decrease;
  i.baseline = baseline{d("2021-01-01"), 10, "test"};
  i.targets.push_back(target{target_kind::target, d("2023-01-01"), 8, target_basis::absolute, "", {}});
  return i;
}

const thresholds defaults{};
const thresholds eu{0.85, 0.65};

}  // namespace

TEST(Progress, IncreaseHalfWayBehindPlan) {
  const series_point s[] = {{d("2021-06-30"), 150}, {d("2022-01-01"), 190}, {d("2022-06-30"), 400}};
  const auto p = evaluate_indicator(rising(), s, defaults, {.as_of = d("2022-01-01")});
  ASSERT_TRUE(p.actual);
  EXPECT_DOUBLE_EQ(*p.actual, 190);  // the point after as_of is ignored
  EXPECT_EQ(*p.actual_date, d("2022-01-01"));
  EXPECT_DOUBLE_EQ(*p.baseline, 100);
  EXPECT_DOUBLE_EQ(*p.target, 300);
  EXPECT_EQ(*p.target_date, d("2023-01-01"));
  EXPECT_DOUBLE_EQ(*p.expected, 200);
  EXPECT_DOUBLE_EQ(*p.achievement, 0.45);  // (190 - 100) / (300 - 100)
  EXPECT_DOUBLE_EQ(*p.expected_achievement, 0.5);
  EXPECT_DOUBLE_EQ(*p.gap, -10);
  // 0.45 / 0.5 = 0.9 of plan: below the default 1.0 but above 0.65 -> at risk; EU's 0.85 -> on track.
  EXPECT_EQ(p.status, progress_status::at_risk);
  EXPECT_EQ(evaluate_indicator(rising(), s, eu, {.as_of = d("2022-01-01")}).status, progress_status::on_track);
}

TEST(Progress, DecreaseImprovesAsItFalls) {
  const series_point s[] = {{d("2022-01-01"), 9.5}};
  const auto p = evaluate_indicator(falling(), s, defaults, {.as_of = d("2022-01-01")});
  EXPECT_DOUBLE_EQ(*p.expected, 9);
  EXPECT_DOUBLE_EQ(*p.achievement, 0.25);           // (9.5 - 10) / (8 - 10)
  EXPECT_DOUBLE_EQ(*p.gap, -0.5);                   // behind: higher than planned
  EXPECT_EQ(p.status, progress_status::off_track);  // 0.25 / 0.5 = 0.5 < 0.65
  const series_point ahead[] = {{d("2022-01-01"), 8.9}};
  const auto q = evaluate_indicator(falling(), ahead, defaults, {.as_of = d("2022-01-01")});
  EXPECT_NEAR(*q.gap, 0.1, 1e-12);
  EXPECT_EQ(q.status, progress_status::on_track);
  const series_point done[] = {{d("2021-12-31"), 7.9}};
  EXPECT_EQ(evaluate_indicator(falling(), done, defaults, {.as_of = d("2022-01-01")}).status,
            progress_status::achieved);
}

TEST(Progress, AfterTheDueDateTheThresholdsDecide) {
  const series_point s90[] = {{d("2023-01-01"), 280}};  // 0.9 of the way
  const series_point s50[] = {{d("2023-01-01"), 200}};  // 0.5 of the way
  const evaluation_options late{.as_of = d("2023-06-30")};
  EXPECT_EQ(evaluate_indicator(rising(), s90, defaults, late).status, progress_status::at_risk);
  EXPECT_EQ(evaluate_indicator(rising(), s90, eu, late).status, progress_status::achieved);
  EXPECT_EQ(evaluate_indicator(rising(), s50, eu, late).status, progress_status::off_track);
  const series_point over[] = {{d("2022-03-31"), 320}};
  EXPECT_EQ(evaluate_indicator(rising(), over, defaults, {.as_of = d("2022-04-01")}).status, progress_status::achieved);
}

TEST(Progress, NoDataAndNotStarted) {
  EXPECT_EQ(evaluate_indicator(rising(), {}, defaults, {.as_of = d("2022-01-01")}).status, progress_status::no_data);
  const auto p = evaluate_indicator(rising(), {}, defaults, {.as_of = d("2020-06-01")});
  EXPECT_EQ(p.status, progress_status::not_started);
  EXPECT_FALSE(p.actual);
  EXPECT_FALSE(p.achievement);
}

TEST(Progress, NextTargetIsTheFirstDueOnOrAfterAsOf) {
  indicator i = rising();
  i.targets.insert(i.targets.begin(),
                   target{target_kind::milestone, d("2022-01-01"), 150, target_basis::absolute, "", {}});
  const series_point s[] = {{d("2021-09-30"), 140}};
  const auto p = evaluate_indicator(i, s, defaults, {.as_of = d("2021-10-01")});
  EXPECT_DOUBLE_EQ(*p.target, 150);
  EXPECT_EQ(*p.target_date, d("2022-01-01"));
  EXPECT_DOUBLE_EQ(*p.achievement, 0.8);        // (140 - 100) / (150 - 100)
  EXPECT_DOUBLE_EQ(*p.final_achievement, 0.2);  // (140 - 100) / (300 - 100)
  EXPECT_DOUBLE_EQ(*p.final_target, 300);
}

TEST(Progress, TrajectoryShapes) {
  indicator i = rising();
  i.targets.insert(i.targets.begin(),
                   target{target_kind::milestone, d("2022-01-01"), 150, target_basis::absolute, "", {}});
  // Linear through the milestone: 100 -> 150 over 2021, 150 -> 300 over 2022.
  EXPECT_DOUBLE_EQ(*expected_value(i, d("2022-01-01"), trajectory_shape::linear), 150);
  EXPECT_DOUBLE_EQ(*expected_value(i, d("2022-07-02"), trajectory_shape::linear), 150 + 150.0 * 182 / 365);
  EXPECT_DOUBLE_EQ(*expected_value(i, d("2020-01-01"), trajectory_shape::linear), 100);
  EXPECT_DOUBLE_EQ(*expected_value(i, d("2024-01-01"), trajectory_shape::linear), 300);
  // Stepwise: each milestone's value holds from its due date.
  EXPECT_DOUBLE_EQ(*expected_value(i, d("2021-12-31"), trajectory_shape::stepwise), 100);
  EXPECT_DOUBLE_EQ(*expected_value(i, d("2022-06-01"), trajectory_shape::stepwise), 150);
  EXPECT_DOUBLE_EQ(*expected_value(i, d("2023-01-01"), trajectory_shape::stepwise), 300);
  // S-curve: smoothstep 3f^2 - 2f^3; f = 0.5 gives the midpoint, f = 0.2 gives 0.104.
  const indicator r = rising();
  EXPECT_DOUBLE_EQ(*expected_value(r, d("2022-01-01"), trajectory_shape::s_curve), 200);
  EXPECT_NEAR(*expected_value(r, d("2021-01-01") + days{146}, trajectory_shape::s_curve), 100 + 200 * 0.104, 1e-9);
}

TEST(Progress, RelativeTargetAndMissingBaseline) {
  indicator i = falling();
  i.targets[0] = target{target_kind::target, d("2023-01-01"), -10, target_basis::percent_change, "", {}};
  const series_point s[] = {{d("2022-12-31"), 9.5}};
  const auto p = evaluate_indicator(i, s, defaults, {.as_of = d("2023-01-01")});
  EXPECT_DOUBLE_EQ(*p.final_target, 9);  // 10 % below 10
  EXPECT_DOUBLE_EQ(*p.final_achievement, 0.5);
  // A count without a baseline starts at 0 on the programme start.
  indicator c = rising();
  c.baseline.reset();
  const series_point cs[] = {{d("2022-01-01"), 150}};
  const auto q = evaluate_indicator(c, cs, defaults, {.as_of = d("2022-01-01"), .programme_start = d("2021-01-01")});
  EXPECT_DOUBLE_EQ(*q.baseline, 0);
  EXPECT_DOUBLE_EQ(*q.expected, 150);
  EXPECT_DOUBLE_EQ(*q.final_achievement, 0.5);
  EXPECT_EQ(q.status, progress_status::on_track);
  // A ratio without a baseline has no trajectory (no expected value) but is still assessed against
  // the target alone (rule 6, TolaData): decrease, so target / actual = 8 / 9.5 = 0.8421; not yet
  // due on 2022-12-31, 0.8421 < 0.85 and >= 0.65: at risk.
  indicator r = falling();
  r.baseline.reset();
  const auto rp = evaluate_indicator(r, s, defaults, {.as_of = d("2023-01-01"), .programme_start = d("2021-01-01")});
  EXPECT_FALSE(rp.expected);
  EXPECT_EQ(rp.achievement_basis, achievement_basis::target_only);
  EXPECT_DOUBLE_EQ(*rp.achievement, 8 / 9.5);
  EXPECT_EQ(rp.status, progress_status::at_risk);
}

TEST(Progress, MilestoneDeliveredAndLate) {
  indicator m;
  m.id = "plan-delivered";
  m.kind = measure_kind::milestone;
  m.targets.push_back(target{target_kind::target, d("2022-12-31"), 1, target_basis::absolute, "", {}});
  const series_point on_time[] = {{d("2022-06-30"), 0}, {d("2022-09-30"), 1}, {d("2022-12-31"), 1}};
  auto p = evaluate_indicator(m, on_time, defaults, {.as_of = d("2023-01-31")});
  EXPECT_TRUE(p.milestone->delivered);
  EXPECT_EQ(*p.milestone->delivered_on, d("2022-09-30"));
  EXPECT_FALSE(p.milestone->late);
  EXPECT_EQ(p.status, progress_status::achieved);

  const series_point late[] = {{d("2022-12-31"), 0}, {d("2023-02-01"), 1}};
  p = evaluate_indicator(m, late, defaults, {.as_of = d("2023-03-01")});
  EXPECT_TRUE(p.milestone->delivered);
  EXPECT_TRUE(p.milestone->late);
  EXPECT_EQ(p.status, progress_status::achieved);

  p = evaluate_indicator(m, late, defaults, {.as_of = d("2023-01-15")});
  EXPECT_FALSE(p.milestone->delivered);
  EXPECT_TRUE(p.milestone->late);
  EXPECT_EQ(p.status, progress_status::off_track);

  p = evaluate_indicator(m, late, defaults, {.as_of = d("2022-12-31")});
  EXPECT_FALSE(p.milestone->late);
  EXPECT_EQ(p.status, progress_status::on_track);
}

TEST(Progress, CoverageCountsMembersAndNamesTheMissing) {
  indicator c;
  c.id = "innovation-environments";
  c.kind = measure_kind::count;
  c.space_rule = space_rule::coverage;
  c.coverage = coverage_rule{"region", "municipality", 1, false};
  c.baseline = baseline{d("2019-06-01"), 0, "none before the deal"};
  c.targets.push_back(target{target_kind::target, d("2023-12-31"), 6, target_basis::absolute, "", {}});
  const member_value members[] = {{"aa-en-hunze", 1}, {"borger-odoorn", std::nullopt}, {"coevorden", 2}, {"emmen", 0},
                                  {"hardenberg", 1},  {"hoogeveen", std::nullopt}};
  const auto p = evaluate_indicator(c, {}, defaults, {.as_of = d("2021-06-30")}, members);
  ASSERT_TRUE(p.coverage);
  EXPECT_EQ(p.coverage->met, 3u);
  EXPECT_EQ(p.coverage->total, 6u);
  EXPECT_EQ(p.coverage->unmet, (std::vector<std::string>{"borger-odoorn", "emmen", "hoogeveen"}));
  EXPECT_DOUBLE_EQ(*p.actual, 3);
  EXPECT_DOUBLE_EQ(*p.final_achievement, 0.5);
}

TEST(Progress, MaintainWithinBand) {
  indicator m;
  m.id = "share";
  m.kind = measure_kind::percentage;
  m.direction = direction::maintain;
  m.band = band{4, 6};
  m.baseline = baseline{d("2021-01-01"), 5, ""};
  m.targets.push_back(target{target_kind::target, d("2023-01-01"), 5, target_basis::absolute, "", {}});
  const series_point in[] = {{d("2021-12-31"), 5.5}};
  const series_point out[] = {{d("2021-12-31"), 6.5}};
  EXPECT_EQ(evaluate_indicator(m, in, defaults, {.as_of = d("2022-01-01")}).status, progress_status::on_track);
  // Judged at the actual's own date (rule 9): 2021 data is on track by the plan of 2021, and stale.
  const auto old = evaluate_indicator(m, in, defaults, {.as_of = d("2023-02-01")});
  EXPECT_EQ(old.status, progress_status::on_track);
  EXPECT_TRUE(old.stale);
  const series_point late[] = {{d("2023-01-31"), 5.5}};
  EXPECT_EQ(evaluate_indicator(m, late, defaults, {.as_of = d("2023-02-01")}).status, progress_status::achieved);
  EXPECT_EQ(evaluate_indicator(m, out, defaults, {.as_of = d("2022-01-01")}).status, progress_status::off_track);
}

TEST(Progress, RollUpByWeightsLeavesMissingDataOut) {
  programme prog;
  prog.id = "p";
  pillar pl;
  pl.id = "pillar";
  goal g;
  g.id = "goal";
  result r;
  r.id = "result";
  indicator a = rising(), b = rising(), c = rising();
  a.id = "a";
  b.id = "b";
  b.weight = 3;
  c.id = "c";
  r.indicators = {a, b, c};
  g.results = {r};
  pl.goals = {g};
  prog.pillars = {pl};

  std::vector<indicator_progress> ips(3);
  ips[0].id = "a";
  ips[0].final_achievement = 0.5;
  ips[0].expected_achievement = 0.5;
  ips[0].status = progress_status::on_track;
  ips[1].id = "b";
  ips[1].final_achievement = 1.2;  // over-achievement is capped at 1 in the roll-up
  ips[1].expected_achievement = 0.5;
  ips[1].status = progress_status::achieved;
  ips[2].id = "c";
  ips[2].status = progress_status::no_data;

  const auto nodes = roll_up(prog, ips);
  ASSERT_EQ(nodes.size(), 4u);
  const auto& rn = nodes[0];
  EXPECT_EQ(rn.kind, node_kind::result);
  EXPECT_DOUBLE_EQ(*rn.achievement, 0.875);  // (1 x 0.5 + 3 x 1) / 4
  EXPECT_DOUBLE_EQ(*rn.expected_achievement, 0.5);
  EXPECT_EQ(rn.children_without_data, 1u);
  EXPECT_EQ(rn.status, progress_status::on_track);
  EXPECT_EQ(rn.children, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(nodes[3].kind, node_kind::programme);
  EXPECT_DOUBLE_EQ(*nodes[3].achievement, 0.875);

  ips[0].final_achievement = 0.1;  // (0.1 + 3) / 4 = 0.775 vs 0.5 expected: still ahead
  ips[1].final_achievement = 0.1;  // (0.1 + 0.3) / 4 = 0.1 vs 0.5: 0.2 of plan -> off track
  ips[1].status = progress_status::off_track;
  EXPECT_EQ(roll_up(prog, ips)[0].status, progress_status::off_track);

  for (auto& ip : ips) {
    ip.final_achievement.reset();
    ip.status = progress_status::no_data;
  }
  const auto empty = roll_up(prog, ips);
  EXPECT_EQ(empty[0].status, progress_status::no_data);
  EXPECT_FALSE(empty[0].achievement);
  EXPECT_EQ(empty[0].children_without_data, 3u);
  ips.pop_back();
  EXPECT_THROW(roll_up(prog, ips), error);
}

TEST(Progress, NoTargetGetsATrendAndNoVerdict) {
  indicator ctx;
  ctx.id = "households";
  ctx.kind = measure_kind::count;
  // An exact line 10, 12, 14 at 100-day steps: slope 0.02 a day, residuals 0, so the interval is the
  // slope itself: improving for an increase indicator, worsening for a decrease one.
  const series_point up[] = {
      {d("2021-01-01"), 10}, {d("2021-01-01") + days{100}, 12}, {d("2021-01-01") + days{200}, 14}};
  const auto p = evaluate_indicator(ctx, up, defaults, {.as_of = d("2022-01-01"), .programme_start = d("2021-01-01")});
  EXPECT_EQ(p.status, progress_status::no_target);
  EXPECT_EQ(p.trend, trend_verdict::improving);
  EXPECT_FALSE(p.baseline);  // no invented baseline of 0
  EXPECT_FALSE(p.achievement);
  ctx.direction = direction::decrease;
  EXPECT_EQ(trend_of(up, ctx.direction, d("2022-01-01")), trend_verdict::worsening);
  // 10, 13, 12: slope b = Sxy / Sxx = 200 / 20000 = 0.01; residuals -2/3, 4/3, -2/3, RSS = 8/3;
  // se = sqrt(8/3 / 1 / 20000) = 0.011547; t(0.95, 1 dof) = 6.3138; interval 0.01 +- 0.0729 holds 0.
  const series_point noisy[] = {
      {d("2021-01-01"), 10}, {d("2021-01-01") + days{100}, 13}, {d("2021-01-01") + days{200}, 12}};
  EXPECT_EQ(trend_of(noisy, direction::increase, d("2022-01-01")), trend_verdict::stable);
  // Fewer than three points: no trend.
  EXPECT_FALSE(trend_of(std::span(up).first(2), direction::increase, d("2022-01-01")));
}

TEST(Progress, TargetMetAtTheBaselineIsAchievedWhileItHolds) {
  // Rule 5: maternal deaths at most 70 per 100,000, baseline 7.05 (a decrease indicator).
  indicator m = falling();
  m.baseline = baseline{d("2021-01-01"), 7.05, "test"};
  m.targets[0].value = 70;
  const series_point ok[] = {{d("2022-01-01"), 8}};
  const series_point bad[] = {{d("2022-01-01"), 75}};
  EXPECT_EQ(evaluate_indicator(m, ok, defaults, {.as_of = d("2022-01-01")}).status, progress_status::achieved);
  EXPECT_EQ(evaluate_indicator(m, bad, defaults, {.as_of = d("2022-01-01")}).status, progress_status::off_track);
}

TEST(Progress, RequiredAndRecentRatePerQuarter) {
  // Rule 10: actual 190 in 2022-Q1; the target 300 is due 2023-01-01 (2023-Q1): 4 quarters left,
  // (300 - 190) / 4 = 27.5 a quarter. Four quarters back (2021-Q1) it was 120: (190 - 120) / 4 = 17.5.
  const series_point s[] = {{d("2021-03-31"), 120},
                            {d("2021-06-30"), 130},
                            {d("2021-09-30"), 150},
                            {d("2021-12-31"), 170},
                            {d("2022-03-31"), 190}};
  const auto p = evaluate_indicator(rising(), s, defaults, {.as_of = d("2022-03-31")});
  ASSERT_TRUE(p.required_rate);
  EXPECT_DOUBLE_EQ(p.required_rate->value, 27.5);
  EXPECT_EQ(p.required_rate->per, period_type::quarter);
  ASSERT_TRUE(p.recent_rate);
  EXPECT_DOUBLE_EQ(p.recent_rate->value, 17.5);
}

TEST(Progress, GrowthTrajectoryIsGeometric) {
  // Rule 12: 100 -> 400 over 730 days; half way 100 * 4^0.5 = 200 (linear would say 250).
  indicator g = rising();
  g.targets[0].value = 400;
  EXPECT_NEAR(*expected_value(g, d("2022-01-01"), trajectory_shape::growth), 200, 1e-9);
  EXPECT_NEAR(*expected_value(g, d("2022-01-01"), trajectory_shape::linear), 250, 1e-9);
}

TEST(Progress, MilestonePlanIsTheTrajectorysShareEverywhere) {
  // One definition (rule 2): a yes/no milestone due 2023-01-01 planned from 0 at the programme start
  // 2021-01-01: on 2022-01-01, 365 of 730 days, expected 0.5 and expected_achievement 0.5.
  indicator m;
  m.id = "plan";
  m.kind = measure_kind::milestone;
  m.targets.push_back(target{target_kind::target, d("2023-01-01"), 1, target_basis::absolute, "", {}});
  const series_point s[] = {{d("2021-12-31"), 0}};
  const auto p = evaluate_indicator(m, s, defaults, {.as_of = d("2022-01-01"), .programme_start = d("2021-01-01")});
  EXPECT_DOUBLE_EQ(*p.expected, 0.5);
  EXPECT_DOUBLE_EQ(*p.expected_achievement, 0.5);
  EXPECT_EQ(p.status, progress_status::on_track);
}

TEST(Progress, TargetsAsTheyStood) {
  // Rule 4: 250 by 2022-12-31 until revised on 2022-03-01 to 300 by 2023-01-01.
  target t{target_kind::target, d("2023-01-01"), 300, target_basis::absolute, "", {}};
  t.revisions = {target_revision{d("2022-03-01"), d("2022-12-31"), 250, target_basis::absolute, "more funding"}};
  EXPECT_EQ(target_as_of(t, d("2022-02-28")).value, 250);
  EXPECT_EQ(target_as_of(t, d("2022-02-28")).due, d("2022-12-31"));
  EXPECT_EQ(target_as_of(t, d("2022-03-01")).value, 300);
}

namespace {
using detail::rollup_input;
node_progress rolled(std::initializer_list<rollup_input> kids, const thresholds& th, rollup_method m) {
  node_progress n;
  const std::vector<rollup_input> v(kids);
  detail::roll_up_node(n, v, th, m);
  return n;
}
}  // namespace

TEST(Progress, RollUpMethods) {
  const auto ps = [](progress_status s) { return s; };
  // weighted: on track (0.5 of 0.5 planned), off track (0.1 of 0.5), a context figure (no target):
  // 2 of 3 assessed; achievement (0.5 + 0.1) / 2 = 0.3 of 0.5 planned = 0.6 < 0.65 -> off track.
  const auto w = rolled({{1, 0.5, 0.5, ps(progress_status::on_track)},
                         {1, 0.1, 0.5, ps(progress_status::off_track)},
                         {1, std::nullopt, std::nullopt, ps(progress_status::no_target)}},
                        defaults, rollup_method::weighted);
  EXPECT_EQ(w.children_total, 3u);
  EXPECT_EQ(w.children_assessed, 2u);
  EXPECT_DOUBLE_EQ(*w.achievement, 0.3);
  EXPECT_EQ(w.status, progress_status::off_track);
  EXPECT_EQ(w.children_counts[static_cast<std::size_t>(progress_status::off_track)], 1u);
  EXPECT_EQ(w.children_counts[static_cast<std::size_t>(progress_status::no_target)], 1u);
  // The weighted verdict lies between the best and the worst child's: a milestone not yet due (0
  // achieved of 0.78 planned, itself on track) and a count on plan (0.8 of 0.78, on track) weigh
  // (0 + 0.8) / 2 = 0.4 against 0.78 planned: ratio 0.51 < 0.65 would read off track, but no child is
  // worse than on track, so the node is on track.
  EXPECT_EQ(rolled({{1, 0.0, 0.78, ps(progress_status::on_track)}, {1, 0.8, 0.78, ps(progress_status::on_track)}},
                   defaults, rollup_method::weighted)
                .status,
            progress_status::on_track);
  // ... and never better than the best: two at-risk children stay at risk whatever their weights.
  EXPECT_EQ(rolled({{1, 0.5, 0.5, ps(progress_status::at_risk)}, {1, 0.5, 0.5, ps(progress_status::at_risk)}}, defaults,
                   rollup_method::weighted)
                .status,
            progress_status::at_risk);
  // Nothing assessed: no data, never on track.
  EXPECT_EQ(rolled({{1, std::nullopt, std::nullopt, ps(progress_status::no_target)}}, defaults, rollup_method::weighted)
                .status,
            progress_status::no_data);
  // worst: achieved, on track, at risk -> at risk.
  EXPECT_EQ(rolled({{1, 1.0, 0.5, ps(progress_status::achieved)},
                    {1, 0.5, 0.5, ps(progress_status::on_track)},
                    {1, 0.4, 0.5, ps(progress_status::at_risk)}},
                   defaults, rollup_method::worst)
                .status,
            progress_status::at_risk);
  // EU performance framework (0.85 / 0.65): plan ratios 1.0, 0.9, 0.8: one of three short of 0.85 but
  // at 75 % or more -> achieved; 1.0, 0.9, 0.7: one below 75 % -> not achieved, none below 0.65 ->
  // at risk; 1.0, 0.6, 0.5: two below 0.65 -> serious failure (off track).
  const auto eu_node = [&](double a, double b) {
    return rolled({{1, 0.5, 0.5, ps(progress_status::on_track)},
                   {1, a * 0.5, 0.5, ps(progress_status::at_risk)},
                   {1, b * 0.5, 0.5, ps(progress_status::at_risk)}},
                  eu, rollup_method::eu_performance_framework)
        .status;
  };
  EXPECT_EQ(eu_node(0.9, 0.8), progress_status::achieved);
  EXPECT_EQ(eu_node(0.9, 0.7), progress_status::at_risk);
  EXPECT_EQ(eu_node(0.6, 0.5), progress_status::off_track);
}

TEST(Progress, GrowthRatioReproducesOpenSdgLabels) {
  // Rule 12: baseline 100 on 2020-01-01, target 200 on 2030-01-01 (3653 days = 10.0014 years).
  // Required CAGR (200/100)^(1/10.0014) - 1 = 0.071768. Actual 120 on 2023-01-01 (1096 days =
  // 3.00068 years): observed (1.2)^(1/3.00068) - 1 = 0.062634; ratio 0.8727: needs acceleration -> at risk.
  indicator i;
  i.id = "sdg";
  i.kind = measure_kind::count;
  i.baseline = baseline{d("2020-01-01"), 100, "test"};
  i.targets.push_back(target{target_kind::target, d("2030-01-01"), 200, target_basis::absolute, "", {}});
  evaluation_options o{.as_of = d("2023-01-01")};
  o.status_method = status_method::growth_ratio;
  const series_point s[] = {{d("2023-01-01"), 120}};
  const auto p = evaluate_indicator(i, s, defaults, o);
  EXPECT_EQ(p.progress_label, progress_label::progress_needs_acceleration);
  EXPECT_EQ(p.status, progress_status::at_risk);
  // 125: (1.25)^(1/3.00068) - 1 = 0.077189, ratio 1.0755 -> on track.
  const series_point fast[] = {{d("2023-01-01"), 125}};
  EXPECT_EQ(evaluate_indicator(i, fast, defaults, o).progress_label, progress_label::on_track);
  // Below the baseline: deterioration -> off track; at the target: target achieved.
  const series_point down[] = {{d("2023-01-01"), 95}};
  EXPECT_EQ(evaluate_indicator(i, down, defaults, o).status, progress_status::off_track);
  const series_point done[] = {{d("2023-01-01"), 210}};
  EXPECT_EQ(evaluate_indicator(i, done, defaults, o).progress_label, progress_label::target_achieved);
  // Without a target: the observed rate, 1 % a year (100 -> 103.03 in 3.00068 years) is between 0.005
  // and 0.015: needs acceleration; the status stays no_target.
  i.targets.clear();
  const series_point slow[] = {{d("2023-01-01"), 103.03}};
  const auto q = evaluate_indicator(i, slow, defaults, o);
  EXPECT_EQ(q.status, progress_status::no_target);
  EXPECT_EQ(q.progress_label, progress_label::progress_needs_acceleration);
}
