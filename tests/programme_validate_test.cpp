// The graph walks of validation on deep chains: they must neither exhaust the stack (each walk is
// iterative) nor take quadratic time (each is linear or n log n). Before the walks were iterative, a
// 50,000-link chain ended in SIGSEGV (issue 10). The funding walk is tested alone at 100,000 links (the check of a plan
// costs about 10 us per contribution in a busy Debug build); whole-programme validation costs some 20 us per indicator
// in a Debug build, so the programme-level chains have 60,000 links (beyond the 50,000 that crashed) to keep the test
// fast.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "regiokpi/funding.hpp"
#include "regiokpi/programme.hpp"
#include "regiokpi/programme_io.hpp"

using namespace regiokpi;

namespace {

constexpr std::size_t links = 60'000;
constexpr std::size_t funding_links = 100'000;

std::string id(std::string_view prefix, std::size_t k) { return std::string(prefix) + std::to_string(k); }

programme with_indicators(std::vector<indicator> is) {
  programme p;
  p.id = "p";
  p.name = "P";
  p.start = parse_date("2020-01-01");
  p.end = parse_date("2030-12-31");
  p.pillars = {{"P", "P", "", {}, 1, {{"G", "G", "", {}, 1, {{"R", "R", "", {}, 1, std::move(is)}}}}}};
  return p;
}

/// i(k) is derived from i(k+1) (a sum of one term, same unit), the last one is measured: a chain of
/// `n` - 1 links that a walk starting at i0 must follow to its end.
std::vector<indicator> formula_chain(std::size_t n) {
  std::vector<indicator> is(n);
  for (std::size_t k = 0; k < n; ++k) {
    is[k].id = id("i", k);
    is[k].name = "I";
    is[k].unit = "x";
    if (k + 1 < n) is[k].formula = formula{{id("i", k + 1)}, {}, 1};
  }
  return is;
}

std::vector<diagnostic> problems(const programme& p) {
  try {
    validate_programme(p);
  } catch (const error& e) {
    return e.diagnostics();
  }
  return {};
}

}  // namespace

TEST(ValidateWalks, DeepFormulaChain) { EXPECT_TRUE(problems(with_indicators(formula_chain(links))).empty()); }

TEST(ValidateWalks, DeepFormulaCycleIsReportedOnce) {
  auto is = formula_chain(links);
  is[links - 1].formula = formula{{"i0"}, {}, 1};  // closes the chain into one cycle
  const auto d = problems(with_indicators(std::move(is)));
  ASSERT_EQ(d.size(), 1U);
  // The walk starts at i0 and follows i0 -> i1 -> ... -> i59999, whose formula uses i0 again.
  EXPECT_EQ(d[0].where, "/pillars/0/goals/0/results/0/indicators/59999/formula");
  EXPECT_TRUE(d[0].reason.starts_with("formula cycle: i0 -> i1 -> i2 -> ")) << d[0].reason.substr(0, 80);
  EXPECT_TRUE(d[0].reason.ends_with("i59998 -> i59999 -> i0"));
}

TEST(ValidateWalks, DeepHierarchy) {
  // Level l(k) holds one member m(k) whose parent is m(k-1): every parent is one level above.
  dimension dim;
  dim.id = "deep";
  dim.name = "Deep";
  dim.kind = dimension_kind::hierarchy;
  dim.levels.reserve(links);
  dim.members.resize(links);
  for (std::size_t k = 0; k < links; ++k) {
    dim.levels.push_back(id("l", k));
    dim.members[k].id = id("m", k);
    dim.members[k].name = "M";
    dim.members[k].level = dim.levels.back();
    if (k > 0) dim.members[k].parent = id("m", k - 1);
  }
  std::vector<indicator> is(1);
  is[0].id = "i";
  is[0].name = "I";
  is[0].unit = "x";
  programme p = with_indicators(std::move(is));
  p.dimensions.push_back(std::move(dim));
  EXPECT_TRUE(problems(p).empty());
  // The last member put one level too high: its parent is then not above it.
  p.dimensions[0].members.back().level = id("l", links - 2);
  const auto d = problems(p);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].where, "/dimensions/0/members/59999/parent");
}

TEST(ValidateWalks, DeepFundingChain) {
  // c(k) matches c(k+1) (a share of 1/1); the last one pays 1.00. References come first in the
  // evaluation order, so it is the plan reversed; the walk from c0 follows all of them.
  const std::size_t n = funding_links;
  funding_plan plan;
  plan.contributions.reserve(n + 1);
  for (std::size_t k = 0; k + 1 < n; ++k)
    plan.contributions.push_back(share_contribution(id("c", k), id("c", k + 1), {1, 1}));
  plan.contributions.push_back(fixed_contribution(id("c", n - 1), amount::from_units(1)));
  std::vector<diagnostic> d;
  const auto index = detail::check_plan(plan, d);
  const auto order = detail::evaluation_order(plan, index, d);
  EXPECT_TRUE(d.empty());
  ASSERT_EQ(order.size(), n);
  EXPECT_EQ(order.front(), n - 1);
  EXPECT_EQ(order.back(), 0U);
  // Closing the chain (the last one matches c0) is one cycle, reported where the walk meets c0 again.
  plan.contributions.back() = share_contribution(id("c", n - 1), "c0", {1, 1});
  plan.contributions.push_back(fixed_contribution("seed", amount::from_units(1)));  // a plan needs one
  d.clear();
  (void)detail::evaluation_order(plan, detail::check_plan(plan, d), d);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].where, "/contributions/0");
  EXPECT_TRUE(d[0].reason.ends_with("\"c99999\" -> \"c0\"")) << d[0].reason.substr(d[0].reason.size() - 60);
}

TEST(ProgrammeWarnings, ATargetMetAtTheBaselineIsNamedByItsPointer) {
  // "Maternal deaths at most 70 per 100,000" from a baseline of 7.05: valid, met already; the second
  // indicator's target 12 is above its baseline 10 (increase): not met, no warning.
  indicator deaths;
  deaths.id = "deaths";
  deaths.name = "Maternal deaths";
  deaths.unit = "per 100,000";
  deaths.kind = measure_kind::ratio;
  deaths.direction = direction::decrease;
  deaths.baseline = baseline{parse_date("2020-01-01"), 7.05, "illustrative"};
  deaths.targets = {target{target_kind::target, parse_date("2030-12-31"), 70, target_basis::absolute, "", {}}};
  indicator jobs = deaths;
  jobs.id = "jobs";
  jobs.kind = measure_kind::count;
  jobs.direction = direction::increase;
  jobs.baseline->value = 10;
  jobs.targets[0].value = 12;
  const programme p = with_indicators({jobs, deaths});
  EXPECT_NO_THROW(validate_programme(p));
  const auto w = programme_warnings(p);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].where, "/pillars/0/goals/0/results/0/indicators/1/targets/0/value");
  EXPECT_EQ(w[0].reason,
            "the target 70 is already met at the baseline 7.05 (at most): the indicator reads achieved while the "
            "actual meets it");
}
