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

TEST(Store, TextRowsAndTheLatestText) {
  measurement_store s;
  const measurement rows[] = {
      {.indicator = "jobs", .when = parse_date("2021-03-31"), .coordinates = {"emmen"}, .value = 4},
      {.indicator = "story", .when = parse_date("2021-03-31"), .coordinates = {"emmen"}, .text = "pilot started"},
      {.indicator = "story",
       .when = parse_date("2021-06-30"),
       .coordinates = {"assen"},
       .recorded_at = parse_date("2021-07-20"),
       .text = "pilot in 2 of 6 municipalities"},
      {.indicator = "jobs", .when = parse_date("2021-06-30"), .coordinates = {"emmen"}, .value = 5},
  };
  s.append({"region"}, rows);
  // A second batch: a correction (revision 1) dated like an earlier text, and a later plain row.
  const measurement more[] = {
      {.indicator = "story",
       .when = parse_date("2021-03-31"),
       .coordinates = {"emmen"},
       .revision = 1,
       .text = "pilot started in Emmen"},
      {.indicator = "story", .when = parse_date("2021-03-31"), .coordinates = {"emmen"}, .text = "late, revision 0"},
  };
  s.append({"region"}, more);
  ASSERT_EQ(s.size(), 6u);
  EXPECT_TRUE(s.has_text());
  EXPECT_EQ(s.text_count(), 4u);
  EXPECT_EQ(s.row(0).text, "");  // a number row
  EXPECT_EQ(s.row(1).text, "pilot started");
  EXPECT_EQ(s.row(4).text, "pilot started in Emmen");  // rows of the second batch: 4 and 5
  EXPECT_EQ(s.text_value(3), "");

  // On 2021-06-30 the latest is Assen's (across every series of the indicator), row 2.
  auto t = s.latest_text("story", parse_date("2021-06-30"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "pilot in 2 of 6 municipalities");
  EXPECT_EQ(t->when, parse_date("2021-06-30"));
  EXPECT_EQ(t->row, 2u);
  // As recorded on 2021-07-01 Assen's text was not known yet: the 03-31 ones remain, where the
  // revision-1 correction beats both the original and the later-input revision-0 row.
  t = s.latest_text("story", parse_date("2021-06-30"), parse_date("2021-07-01"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "pilot started in Emmen");
  EXPECT_EQ(t->row, 4u);
  EXPECT_FALSE(s.latest_text("story", parse_date("2021-03-30")));  // before any text
  EXPECT_FALSE(s.latest_text("jobs", parse_date("2021-12-31")));   // a number indicator
  EXPECT_FALSE(s.latest_text("nope", parse_date("2021-12-31")));
}

TEST(Store, NumberRowsStaySixteenBytes) {
  // Without provenance or text, a row is its series, day and value: 4 + 4 + 8 bytes. Text rows live
  // in a sparse side table, so a store without them has none.
  measurement_store s;
  const measurement rows[] = {
      {.indicator = "jobs", .when = parse_date("2021-03-31"), .coordinates = {""}, .value = 4},
      {.indicator = "jobs", .when = parse_date("2021-03-31"), .coordinates = {"emmen"}, .value = 5},
  };
  s.append({"region"}, rows);
  EXPECT_EQ(sizeof(s.series_ids()[0]) + sizeof(s.day_numbers()[0]) + sizeof(s.values()[0]), 16u);
  EXPECT_FALSE(s.has_text());
  EXPECT_FALSE(s.has_note() || s.has_source() || s.has_status() || s.has_revision() || s.has_recorded_at());
  EXPECT_EQ(s.coordinate(0, 0), "");  // the total over region: one interned member, no flag
}

TEST(Store, AppendRefusesTextThatIsNotUtf8AndKeepsTheStore) {
  // The store hands its text out as Arrow utf8 and JSON: Latin-1 "Caf\xe9" (C a f = bytes 1-3, the bad
  // byte is the 4th) and an overlong "/" (\xc0\xaf, byte 5 of the indicator) are refused, each named
  // by its measurement and field, and nothing of the batch is kept; valid multi-byte text is kept.
  measurement_store s;
  const measurement good[] = {
      {.indicator = "jobs", .when = parse_date("2021-03-31"), .coordinates = {"\xc3\x86r\xc3\xb8"}, .value = 1}};
  s.append({"region"}, good);
  const measurement bad[] = {
      {.indicator = "jobs", .when = parse_date("2021-03-31"), .coordinates = {"Caf\xe9"}, .value = 1},
      {.indicator = "jobs\xc0\xaf", .when = parse_date("2021-03-31"), .coordinates = {"x"}, .value = 1},
      {.indicator = "story", .when = parse_date("2021-03-31"), .coordinates = {"x"}, .text = "ok \xe2\x82"},
  };
  try {
    s.append({"region"}, bad);
    ADD_FAILURE() << "no error";
  } catch (const error& e) {
    ASSERT_EQ(e.diagnostics().size(), 3U);
    EXPECT_EQ(e.diagnostics()[0].where, "measurement 1");
    EXPECT_EQ(e.diagnostics()[0].reason, "coordinate 1, byte 4: the byte \\xe9 is not valid UTF-8");
    EXPECT_EQ(e.diagnostics()[1].reason, "indicator, byte 5: the byte \\xc0 is not valid UTF-8");
    EXPECT_EQ(e.diagnostics()[2].reason, "text, byte 4: the byte \\xe2 is not valid UTF-8");
  }
  EXPECT_EQ(s.size(), 1U);
  EXPECT_THROW(s.append({"regi\xff"}, good), error);
  EXPECT_EQ(s.size(), 1U);
}
