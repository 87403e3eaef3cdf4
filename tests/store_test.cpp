#include "regiokpi/store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <vector>

using namespace regiokpi;
using ::testing::ElementsAre;

static_assert(std::is_nothrow_move_constructible_v<detail::column<double>>);
static_assert(std::is_copy_constructible_v<measurement_store>);

TEST(Column, GrowsPastTheHugePageThresholdKeepingItsContents) {
  detail::column<std::uint32_t> c;
  for (std::uint32_t i = 0; i < 3'000'000; ++i) c.push_back(i * 3);  // 12 MB: mapped, grown by mremap
  ASSERT_EQ(c.size(), 3'000'000u);
  for (std::uint32_t i = 0; i < c.size(); i += 9973) ASSERT_EQ(c[i], i * 3);
  detail::column<std::uint32_t> copy = c;
  c[5] = 1;
  EXPECT_EQ(copy[5], 15u);
  detail::column<std::uint32_t> moved = std::move(copy);
  EXPECT_EQ(moved.size(), 3'000'000u);
  EXPECT_EQ(moved[2'999'999], 8'999'997u);
  moved.truncate(2);
  moved.append(2, 7u);
  EXPECT_THAT(std::vector<std::uint32_t>(moved.begin(), moved.end()), ElementsAre(0u, 3u, 7u, 7u));
}

TEST(StringPool, DenseIdsStableViewsAndRollback) {
  detail::string_pool p;
  EXPECT_EQ(p.intern("emmen"), 0u);
  EXPECT_EQ(p.intern("assen"), 1u);
  EXPECT_EQ(p.intern("emmen"), 0u);
  EXPECT_EQ(p.intern(""), 2u);
  const std::string_view first = p[0];
  for (int i = 0; i < 100000; ++i) p.intern("m" + std::to_string(i));  // many arena blocks, table rehashes
  EXPECT_EQ(first, "emmen");
  EXPECT_EQ(first.data(), p[0].data());
  EXPECT_EQ(p.find("m99999"), 100002u);
  p.truncate(3);
  EXPECT_EQ(p.size(), 3u);
  EXPECT_FALSE(p.find("m5").has_value());
  EXPECT_EQ(p.intern("m5"), 3u);
  EXPECT_EQ(*p.find(""), 2u);
}

TEST(Store, SeriesAreSharedAcrossBatchesAndDimensionsWiden) {
  measurement_store s;
  const date jan = parse_date("2021-01-01"), feb = parse_date("2021-02-01");
  std::vector<measurement> a{{.indicator = "jobs", .when = feb, .coordinates = {"emmen"}, .value = 1},
                             {.indicator = "jobs", .when = jan, .coordinates = {"assen"}, .value = 2}};
  s.append({"region"}, a);
  EXPECT_EQ(s.series_count(), 2u);
  EXPECT_EQ(s.min_day(), jan.day_number());
  EXPECT_EQ(s.max_day(), feb.day_number());
  EXPECT_FALSE(s.has_note());
  // Same series again (different column order is by name), plus a new dimension and a note.
  std::vector<measurement> b{
      {.indicator = "jobs", .when = jan, .coordinates = {"zorg", "emmen"}, .value = 3, .note = "n"},
      {.indicator = "jobs", .when = jan, .coordinates = {"", "emmen"}, .value = 4}};
  s.append({"sector", "region"}, b);
  EXPECT_THAT(s.dimensions(), ElementsAre("region", "sector"));
  ASSERT_EQ(s.size(), 4u);
  // Row 4 is (jobs, emmen, "") like row 1 once the new dimension is blank for old rows: same series.
  EXPECT_EQ(s.series_ids()[3], s.series_ids()[0]);
  EXPECT_NE(s.series_ids()[2], s.series_ids()[0]);
  EXPECT_EQ(s.series_count(), 3u);
  EXPECT_EQ(s.coordinate(0, 1), "");
  EXPECT_EQ(s.coordinate(2, 1), "zorg");
  EXPECT_TRUE(s.has_note());
  EXPECT_EQ(s.row(0).note, "");
  EXPECT_EQ(s.row(2).note, "n");
  EXPECT_EQ(s.row(1).value, 2);
  // A copy is independent.
  measurement_store c = s;
  s.append({"region"}, a);
  EXPECT_EQ(c.size(), 4u);
  EXPECT_EQ(s.size(), 6u);
  EXPECT_EQ(c.row(3).indicator, "jobs");
}
