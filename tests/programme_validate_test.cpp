// The graph walks of validation on deep chains: they must neither exhaust the stack (each walk is
// iterative) nor take quadratic time (each is linear or n log n). Before the walks were iterative, a
// 50,000-link chain ended in SIGSEGV (issue 10).
//
// Issue 10 asks for a test per walk with 10^6 links. The walks that are functions of their own run
// alone at 10^6 links here: the cycle walk of formulas (find_cycles, src/programme_walks.hpp) and
// the funding evaluation order (detail::evaluation_order), each on an index built directly. The
// end-to-end tests stay smaller because what surrounds the walk is what costs: whole-programme
// validation takes some 20 us per indicator in a Debug build (60,000 links, beyond the 50,000 that
// crashed: about a second), and detail::check_plan about 10 us per contribution (100,000 links). The
// hierarchy check is no walk: parents are listed before their children, so it is one pass over the
// members with one hash lookup of the parent each, inside the rule checker, tested end to end.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "../src/programme_walks.hpp"
#include "regiokpi/funding.hpp"
#include "regiokpi/programme.hpp"
#include "regiokpi/programme_io.hpp"

using namespace regiokpi;

namespace {

constexpr std::size_t links = 60'000;
constexpr std::size_t funding_links = 100'000;
constexpr std::size_t million = 1'000'000;

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

TEST(ValidateWalks, CycleWalkAloneOnAMillionLinks) {
  // Node k has one edge, to k + 1: a chain of 10^6 - 1 links from node 0. Counting the edges followed
  // checks linearity without timing anything: each edge exactly once.
  std::size_t followed = 0;
  bool closed = false;  // the last node's edge back to node 0
  const auto edges = [&](std::size_t k) { return k + 1 < million || closed ? std::size_t{1} : std::size_t{0}; };
  const auto target = [&](std::size_t k, std::size_t) -> std::optional<std::size_t> {
    ++followed;
    return k + 1 < million ? k + 1 : 0;
  };
  const auto name = [](std::size_t k) { return id("n", k); };
  const auto every = [](std::size_t) { return true; };
  EXPECT_TRUE(programme_detail::find_cycles(million, every, edges, target, name).empty());
  EXPECT_EQ(followed, million - 1);
  // Closed into one cycle of 10^6 links: reported once, at the node whose edge closes it, with the
  // whole path from the walk's start.
  closed = true;
  followed = 0;
  const auto cycles = programme_detail::find_cycles(million, every, edges, target, name);
  ASSERT_EQ(cycles.size(), 1U);
  EXPECT_EQ(cycles[0].at, million - 1);
  EXPECT_TRUE(cycles[0].path.starts_with("n0 -> n1 -> n2 -> ")) << cycles[0].path.substr(0, 80);
  EXPECT_TRUE(cycles[0].path.ends_with("n999998 -> n999999 -> n0"));
  EXPECT_EQ(followed, million);
}

TEST(ValidateWalks, FormulaCyclesThroughTheWalk) {
  // formula_cycles() maps ids to nodes: a three-formula cycle, a self-reference and an unknown id
  // (both reported elsewhere, so no cycle) and a duplicate id (its first indicator counts).
  auto is = formula_chain(4);                      // i0 -> i1 -> i2 -> i3
  is[3].formula = formula{{"i1", "nope"}, {}, 1};  // i3 -> i1 closes i1 -> i2 -> i3 -> i1
  is.push_back(is[0]);                             // a second "i0"
  is.back().formula = formula{{"i0"}, {"i0"}, 1};  // a duplicate is no root of its own
  std::vector<const indicator*> all;
  for (const auto& i : is) all.push_back(&i);
  const auto cycles = programme_detail::formula_cycles(all);
  ASSERT_EQ(cycles.size(), 1U);
  EXPECT_EQ(cycles[0].at, 3U);
  EXPECT_EQ(cycles[0].path, "i1 -> i2 -> i3 -> i1");
}

TEST(ValidateWalks, FundingOrderAloneOnAMillionLinks) {
  // c(k) matches c(k+1), the last pays 1.00; ids are zero-padded so that their sorted order is k's
  // and the index (what check_plan would build) is filled in one pass from the end.
  const auto padded = [](std::size_t k) {
    std::string s = std::to_string(k);
    return "c" + std::string(7 - s.size(), '0') + s;
  };
  funding_plan plan;
  plan.contributions.reserve(million);
  for (std::size_t k = 0; k + 1 < million; ++k)
    plan.contributions.push_back(share_contribution(padded(k), padded(k + 1), {1, 1}));
  plan.contributions.push_back(fixed_contribution(padded(million - 1), amount::from_units(1)));
  std::map<std::string, std::size_t, std::less<>> index;
  for (std::size_t k = 0; k < million; ++k) index.emplace_hint(index.end(), plan.contributions[k].id, k);
  std::vector<diagnostic> d;
  const auto order = detail::evaluation_order(plan, index, d);
  EXPECT_TRUE(d.empty());
  // References first: the plan reversed.
  ASSERT_EQ(order.size(), million);
  EXPECT_EQ(order.front(), million - 1);
  EXPECT_EQ(order.back(), 0U);
  EXPECT_EQ(order[million / 2], million / 2 - 1);
  // Closed into a cycle: one problem, where the walk meets c0 again.
  plan.contributions.back() = share_contribution(padded(million - 1), padded(0), {1, 1});
  d.clear();
  (void)detail::evaluation_order(plan, index, d);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].where, "/contributions/0");
  EXPECT_TRUE(d[0].reason.ends_with("\"c0999999\" -> \"c0000000\"")) << d[0].reason.substr(d[0].reason.size() - 60);
}
