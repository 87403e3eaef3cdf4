#include "regiokpi/funding.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <type_traits>

using namespace regiokpi;

static_assert(std::regular<funding_plan> && std::regular<contribution> && std::regular<fraction>);
static_assert(to_string(contribution_kind::remainder) == "remainder");

namespace {

using regiokpi_test::eur;

// The six municipalities with the illustrative populations of examples/regio-deal-zod.
std::vector<member_weight> municipalities() {
  return {{"Aa en Hunze", decimal{25390}}, {"Borger-Odoorn", decimal{25351}}, {"Coevorden", decimal{35297}},
          {"Emmen", decimal{107192}},      {"Hardenberg", decimal{60619}},    {"Hoogeveen", decimal{55677}}};
}

// The seed's co-financing rule: the Rijk pays 20 M on condition that the region matches it; of
// the regional 20 M the province pays half and the municipalities the rest, pro rata by population.
funding_plan seed_plan() {
  funding_plan p;
  p.contributions = {fixed_contribution("rijk", amount::from_units(20'000'000)),
                     share_contribution("regional", "rijk", {1, 1}), share_contribution("province", "regional", {1, 2}),
                     remainder_contribution("municipalities", "regional", {"province"})};
  p.contributions[3].members = municipalities();
  return p;
}

std::vector<diagnostic> problems_of(const funding_plan& p) {
  try {
    evaluate(p);
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::validation_error);
    return e.diagnostics();
  }
  return {};
}

}  // namespace

TEST(Funding, SeedPlanByHand) {
  const funding_result r = evaluate(seed_plan());
  EXPECT_EQ(r.amount_of("rijk"), eur(2'000'000'000));
  EXPECT_EQ(r.amount_of("regional"), eur(2'000'000'000));
  EXPECT_EQ(r.amount_of("province"), eur(1'000'000'000));
  EXPECT_EQ(r.amount_of("municipalities"), eur(1'000'000'000));
  EXPECT_TRUE(r.at("province").members.empty());
  // 10,000,000.00 EUR by population (total 309,526). Quotas in cents, 10^9 * p / 309526:
  //   Aa en Hunze   25,390 -> 82,028,650.26    Borger-Odoorn  25,351 -> 81,902,651.15
  //   Coevorden     35,297 -> 114,035,654.52   Emmen         107,192 -> 346,310,164.57
  //   Hardenberg    60,619 -> 195,844,614.02   Hoogeveen      55,677 -> 179,878,265.48
  // The floors add up to 999,999,998 cents; the 2 cents left go to the largest remainders
  // .57 (Emmen) and .52 (Coevorden).
  const std::vector<member_amount> expected{{"Aa en Hunze", eur(82'028'650)}, {"Borger-Odoorn", eur(81'902'651)},
                                            {"Coevorden", eur(114'035'655)},  {"Emmen", eur(346'310'165)},
                                            {"Hardenberg", eur(195'844'614)}, {"Hoogeveen", eur(179'878'265)}};
  EXPECT_EQ(r.at("municipalities").members, expected);
  amount sum;
  for (const auto& m : r.at("municipalities").members) sum += m.value;
  EXPECT_EQ(sum, r.amount_of("municipalities"));
  EXPECT_EQ(r.amount_of("province") + r.amount_of("municipalities"), r.amount_of("regional"));
  // Results come in plan order.
  ASSERT_EQ(r.contributions.size(), 4u);
  EXPECT_EQ(r.contributions[0].id, "rijk");
  EXPECT_EQ(r.contributions[3].id, "municipalities");
}

TEST(Funding, OrderInThePlanDoesNotMatter) {
  funding_plan p = seed_plan();
  std::reverse(p.contributions.begin(), p.contributions.end());
  const funding_result r = evaluate(p);
  EXPECT_EQ(r.contributions[0].id, "municipalities");
  EXPECT_EQ(r.amount_of("municipalities"), eur(1'000'000'000));
  EXPECT_EQ(r.at("municipalities").members, evaluate(seed_plan()).at("municipalities").members);
}

TEST(Funding, SharesRoundHalfEvenByDefault) {
  funding_plan p;
  p.contributions = {fixed_contribution("base", eur(5)),           // 0.05 EUR
                     share_contribution("half", "base", {1, 2}),   // 0.025 -> 0.02 (even)
                     share_contribution("third", "base", {1, 3}),  // 0.0166 -> 0.02
                     share_contribution("double", "base", {2, 1}), remainder_contribution("rest", "base", {"half"})};
  funding_result r = evaluate(p);
  EXPECT_EQ(r.amount_of("half"), eur(2));
  EXPECT_EQ(r.amount_of("third"), eur(2));
  EXPECT_EQ(r.amount_of("double"), eur(10));
  EXPECT_EQ(r.amount_of("rest"), eur(3));  // a remainder is exact: base - half
  p.share_rounding = rounding::half_away_from_zero;
  EXPECT_EQ(evaluate(p).amount_of("half"), eur(3));
  p.share_rounding = rounding::toward_zero;
  EXPECT_EQ(evaluate(p).amount_of("third"), eur(1));
}

TEST(Funding, AnyContributionCanBeSplitAndTheSplitAddsUp) {
  funding_plan p;
  p.contributions = {fixed_contribution("pool", eur(100))};
  p.contributions[0].members = {{"a", decimal{1}}, {"b", decimal{1}}, {"c", decimal{1}}, {"d", decimal{0}}};
  const auto r = evaluate(p);
  const std::vector<member_amount> expected{{"a", eur(34)}, {"b", eur(33)}, {"c", eur(33)}, {"d", eur(0)}};
  EXPECT_EQ(r.at("pool").members, expected);
}

TEST(Funding, UnknownReferencesAndCyclesAreReportedWithTheirPlace) {
  funding_plan p;
  p.contributions = {fixed_contribution("rijk", eur(100)), share_contribution("a", "b", {1, 2}),
                     share_contribution("b", "a", {1, 1}), remainder_contribution("c", "rijk", {"nobody"}),
                     share_contribution("d", "d", {1, 1})};
  const auto problems = problems_of(p);
  const std::vector<diagnostic> expected{
      {"/contributions/3/minus/0", "refers to \"nobody\", which is not a contribution in this plan"},
      {"/contributions/4/of", "a contribution cannot be defined in terms of itself"},
      {"/contributions/1", "the contributions refer to each other in a cycle: \"a\" -> \"b\" -> \"a\""}};
  EXPECT_EQ(problems, expected);
  EXPECT_EQ(problems_of(p), expected);  // validate() finds the same
  try {
    validate(p);
    ADD_FAILURE() << "validate accepted a bad plan";
  } catch (const error& e) {
    EXPECT_EQ(e.diagnostics(), expected);
  }
}

TEST(Funding, BadPlansListEveryProblem) {
  funding_plan p;
  p.contributions = {fixed_contribution("rijk", eur(100)), fixed_contribution("rijk", eur(-1)),
                     fixed_contribution("usd", amount::from_minor_units(5, currency("USD"))),
                     share_contribution("", "rijk", {1, 0}), remainder_contribution("r", "", {})};
  p.contributions[0].members = {{"x", decimal{0}}, {"x", parse_decimal("-1")}, {"", decimal{0}}};
  const std::vector<diagnostic> expected{
      {"/contributions/1/id", "duplicate contribution id \"rijk\" (first at /contributions/0)"},
      {"/contributions/3/id", "a contribution needs an id"},
      {"/contributions/0/members/1/member", "duplicate member \"x\""},
      {"/contributions/0/members/1/weight", "a weight cannot be negative (-1)"},
      {"/contributions/0/members/2/member", "a member needs a name"},
      {"/contributions/0/members", "all member weights are zero: nothing to split by"},
      {"/contributions/1/amount", "a fixed contribution cannot be negative (-0.01 EUR)"},
      {"/contributions/2/amount", "0.05 USD does not match the plan's currency and decimals (1.00 EUR)"},
      {"/contributions/3/share", "the fraction 1/0 must have a numerator >= 0 and a denominator > 0"},
      {"/contributions/4/of", "a remainder contribution must name another one"}};
  EXPECT_EQ(problems_of(p), expected);
}

TEST(Funding, NegativeRemainderAndNoStartingPointAreErrors) {
  funding_plan p;
  p.contributions = {fixed_contribution("whole", eur(100)), fixed_contribution("part", eur(150)),
                     remainder_contribution("rest", "whole", {"part"})};
  const std::vector<diagnostic> expected{
      {"/contributions/2", "\"whole\" minus \"part\" is negative (-0.50 EUR): the parts are larger than the whole"}};
  EXPECT_EQ(problems_of(p), expected);

  funding_plan q;
  q.contributions = {share_contribution("a", "b", {1, 1}), share_contribution("b", "a", {1, 1})};
  const auto problems = problems_of(q);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems.front(),
            (diagnostic{"/contributions", "the plan needs at least one fixed contribution to start from"}));
  EXPECT_TRUE(evaluate(funding_plan{}).contributions.empty());
}

TEST(Funding, ResultLookupAndKindNames) {
  const auto r = evaluate(seed_plan());
  try {
    (void)r.at("gemeente");
    ADD_FAILURE();
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::not_found);
    EXPECT_STREQ(e.what(), "the funding plan has no contribution \"gemeente\"");
  }
  for (auto k : {contribution_kind::fixed, contribution_kind::share, contribution_kind::remainder})
    EXPECT_EQ(parse_contribution_kind(to_string(k)), k);
  EXPECT_THROW(parse_contribution_kind("pro_rata"), error);
}

TEST(Funding, OverflowIsDetected) {
  funding_plan p;
  p.contributions = {fixed_contribution("a", eur(std::numeric_limits<std::int64_t>::max() / 2 + 1)),
                     share_contribution("b", "a", {2, 1})};
  try {
    evaluate(p);
    ADD_FAILURE();
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::overflow);
  }
}
