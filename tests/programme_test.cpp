#include "regiokpi/programme.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <concepts>

using namespace regiokpi;

static_assert(std::regular<programme> && std::regular<indicator> && std::regular<dimension>);
static_assert(std::regular<member> && std::regular<target> && std::regular<formula>);

namespace {

using regiokpi_test::d;

dimension region() {
  dimension r;
  r.id = "region";
  r.kind = dimension_kind::hierarchy;
  r.levels = {"country", "province", "municipality"};
  r.members = {
      {"nl", "Nederland", "country", "", {}, {}},
      {"drenthe", "Drenthe", "province", "nl", {}, {}},
      {"overijssel", "Overijssel", "province", "nl", {}, {}},
      {"emmen", "Emmen", "municipality", "drenthe", {}, {}},
      {"hardenberg", "Hardenberg", "municipality", "overijssel", {}, {}},
  };
  r.members[3].attributes["population"] = {{d("2018-01-01"), 100, "a"}, {d("2019-01-01"), 110, "b"}};
  return r;
}

}  // namespace

TEST(Member, AttributeIsTheLatestOnOrBeforeTheDate) {
  const dimension r = region();
  const member& emmen = *r.find_member("emmen");
  EXPECT_EQ(emmen.attribute("population", d("2017-12-31")), std::nullopt);  // every value is later
  EXPECT_EQ(emmen.attribute("population", d("2018-01-01")), 100.0);         // on the date itself
  EXPECT_EQ(emmen.attribute("population", d("2018-12-31")), 100.0);
  EXPECT_EQ(emmen.attribute("population", d("2019-01-01")), 110.0);
  EXPECT_EQ(emmen.attribute("population", d("2030-01-01")), 110.0);
  EXPECT_EQ(emmen.find_attribute("population", d("2019-06-01"))->source, "b");
  EXPECT_EQ(emmen.attribute("households", d("2019-01-01")), std::nullopt);  // no such attribute
}

TEST(Dimension, WalksTheHierarchyAcrossProvinces) {
  const dimension r = region();
  EXPECT_EQ(r.find_member("nowhere"), nullptr);
  const member& hardenberg = *r.find_member("hardenberg");
  EXPECT_EQ(r.ancestor_at_level(hardenberg, "province")->id, "overijssel");
  EXPECT_EQ(r.ancestor_at_level(*r.find_member("emmen"), "province")->id, "drenthe");
  EXPECT_EQ(r.ancestor_at_level(hardenberg, "municipality")->id, "hardenberg");
  EXPECT_EQ(r.ancestor_at_level(hardenberg, "neighbourhood"), nullptr);
  EXPECT_TRUE(r.is_within(hardenberg, "nl"));
  EXPECT_FALSE(r.is_within(hardenberg, "drenthe"));
  ASSERT_EQ(r.members_at_level("municipality").size(), 2U);
  ASSERT_EQ(r.children("nl").size(), 2U);
  EXPECT_EQ(r.children("nl")[1]->id, "overijssel");
}

TEST(Dimension, AMillionLevelHierarchyIsWalkedInOneSweep) {
  // m0 (level l0) <- m1 (l1) <- ... <- m999999: the top is 999,999 links up from the bottom. The old
  // walk searched every member for each parent: 10^12 comparisons. Scanning down from the child, the
  // whole walk passes each member once; stop() is called once per member on the way up.
  constexpr std::size_t n = 1'000'000;
  dimension chain;
  chain.kind = dimension_kind::hierarchy;
  chain.members.reserve(n);
  for (std::size_t k = 0; k < n; ++k)
    chain.members.push_back(
        {"m" + std::to_string(k), "", "l" + std::to_string(k), k ? "m" + std::to_string(k - 1) : "", {}, {}});
  const member& bottom = chain.members.back();
  EXPECT_EQ(chain.ancestor_at_level(bottom, "l0"), &chain.members.front());
  EXPECT_EQ(chain.ancestor_at_level(bottom, "l500000"), &chain.members[500000]);
  EXPECT_TRUE(chain.is_within(bottom, "m0"));
  EXPECT_FALSE(chain.is_within(chain.members[10], "m11"));  // below, not above
  std::size_t visited = 0;
  EXPECT_FALSE(chain.walk_up(bottom, [&](const member&) { return ++visited, false; }));
  EXPECT_EQ(visited, n);
  // A copy of a member (not one of the dimension's own) and a dimension listed children first are
  // answered too.
  const member copy = chain.members[3];
  EXPECT_EQ(chain.ancestor_at_level(copy, "l1"), &chain.members[1]);
  dimension reversed = region();
  std::reverse(reversed.members.begin(), reversed.members.end());
  EXPECT_EQ(reversed.ancestor_at_level(*reversed.find_member("emmen"), "country")->id, "nl");
}

TEST(Indicator, RelativeTargetsApplyToTheBaseline) {
  const std::optional<baseline> base = baseline{d("2019-01-01"), 80, "survey"};
  EXPECT_DOUBLE_EQ(resolved_value(-10, target_basis::percent_change, base), 72);  // 10 % below 80
  EXPECT_DOUBLE_EQ(resolved_value(5, target_basis::change, base), 85);
  EXPECT_DOUBLE_EQ(resolved_value(5, target_basis::absolute, std::nullopt), 5);
  EXPECT_THROW(resolved_value(5, target_basis::change, std::nullopt), error);
}

TEST(Programme, FindsIndicatorsDimensionsAndThresholds) {
  programme p;
  p.dimensions.push_back(region());
  indicator a;
  a.id = "a";
  indicator b;
  b.id = "b";
  b.thresholds = thresholds{0.85, 0.65};
  p.pillars = {{"P", "", "", {}, 1, {{"G", "", "", {}, 1, {{"R", "", "", {}, 1, {a, b}}}}}}};
  ASSERT_NE(p.find_indicator("b"), nullptr);
  EXPECT_EQ(p.find_indicator("b")->id, "b");
  EXPECT_EQ(p.find_indicator("c"), nullptr);
  EXPECT_EQ(p.find_result("R")->indicators.size(), 2U);
  EXPECT_EQ(p.find_dimension("region")->members.size(), 5U);
  EXPECT_EQ(p.indicator_index().at("a"), p.find_indicator("a"));
  EXPECT_EQ(p.indicator_paths().at("b"), (indicator_path{0, 0, 0, 1}));
  EXPECT_DOUBLE_EQ(p.thresholds_for(*p.find_indicator("a")).achieved, 1.0);  // documented default
  EXPECT_DOUBLE_EQ(p.thresholds_for(*p.find_indicator("b")).achieved, 0.85);
}

TEST(Programme, FundingTotalLeavesPoolsOut) {
  // The seed's rule: Rijk 20 M; the regional 20 M matches it (a pool); the province pays half of the
  // pool and the municipalities the rest. Paid in total: 20 + 10 + 10 = 40 M, not 60 M.
  programme_funding f;
  f.plan.contributions = {fixed_contribution("rijk", amount::from_units(20'000'000)),
                          share_contribution("regional", "rijk", {1, 1}),
                          share_contribution("province", "regional", {1, 2}),
                          remainder_contribution("municipalities", "regional", {"province"})};
  f.pools = {"regional"};
  EXPECT_EQ(funding_total(f), amount::from_units(40'000'000));
  f.pools.clear();
  EXPECT_EQ(funding_total(f), amount::from_units(60'000'000));
}
