#include "regiokpi/ingest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "regiokpi/programme.hpp"
#include "support.hpp"

using namespace regiokpi;
using ::testing::ElementsAre;

namespace {

using regiokpi_test::d;

ingest_options named(std::string name = "m.csv") {
  ingest_options o;
  o.source_name = std::move(name);
  return o;
}

/// Every diagnostic as "where: reason", for compact assertions.
std::vector<std::string> lines_of(const error& e) {
  std::vector<std::string> out;
  for (const auto& x : e.diagnostics()) out.push_back(x.where + ": " + x.reason);
  return out;
}

std::vector<std::string> ingest_errors(measurement_store& s, std::string_view text, ingest_options o = named()) {
  try {
    ingest_csv(s, text, o);
  } catch (const error& e) {
    return lines_of(e);
  }
  ADD_FAILURE() << "expected the batch to be rejected";
  return {};
}

/// The store's rows as text, one per row: indicator|date|coords...|value|status|source|recorded|revision|note.
std::vector<std::string> dump(const measurement_store& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto r = s.row(i);
    std::string line = std::string(r.indicator) + "|" + format_date(r.when);
    for (std::size_t k = 0; k < s.dimensions().size(); ++k) line += "|" + std::string(s.coordinate(i, k));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", r.value);
    line += std::string("|") + buf + "|" + std::string(to_string(r.status)) + "|" + std::string(r.source) + "|" +
            (r.recorded_at ? format_date(*r.recorded_at) : "") + "|" + std::to_string(r.revision) + "|" +
            std::string(r.note);
    out.push_back(line);
  }
  return out;
}

}  // namespace

TEST(Ingest, ReadsRowsDimensionsAndProvenance) {
  measurement_store s;
  const auto sum = ingest_csv(s,
                              "indicator,date,municipality,value,status,source,recorded_at,revision,note\n"
                              "jobs,2021-03-31,Emmen,12,final,CBS,2021-04-10,1,first count\n"
                              "jobs,2021-06-30,Assen,-3.5e1,provisional,,,,\n"
                              "homes,2020-02-29,Emmen,+.25,,,,,\n",
                              named());
  EXPECT_EQ(sum.rows, 3u);
  EXPECT_THAT(s.dimensions(), ElementsAre("municipality"));
  EXPECT_THAT(dump(s), ElementsAre("jobs|2021-03-31|Emmen|12|final|CBS|2021-04-10|1|first count",
                                   "jobs|2021-06-30|Assen|-35|provisional|||0|", "homes|2020-02-29|Emmen|0.25||||0|"));
  EXPECT_EQ(s.indicator_count(), 2u);
  EXPECT_EQ(s.series_count(), 3u);
  EXPECT_EQ(s.min_day(), d("2020-02-29").day_number());
  EXPECT_EQ(s.max_day(), d("2021-06-30").day_number());
  EXPECT_TRUE(s.has_status() && s.has_source() && s.has_recorded_at() && s.has_revision() && s.has_note());
}

TEST(Ingest, ProvenanceColumnsExistOnlyWhenGiven) {
  measurement_store s;
  ingest_csv(s, "date,value,indicator\n2021-01-01,1,a\n", named());
  EXPECT_FALSE(s.has_status() || s.has_source() || s.has_recorded_at() || s.has_revision() || s.has_note());
  EXPECT_TRUE(s.statuses().empty());
  EXPECT_TRUE(s.dimensions().empty());
  // A later batch that has them backfills "unknown" for the earlier rows.
  ingest_csv(s, "indicator,date,value,revision\na,2021-01-01,2,3\n", named());
  EXPECT_THAT(s.revisions(), ElementsAre(0u, 3u));
}

TEST(Ingest, Rfc4180QuotingCrlfAndBom) {
  measurement_store s;
  ingest_csv(s,
             "\xEF\xBB\xBF"
             "indicator,\"date\",region,value,note\r\n"
             "\"a,b\",2021-01-01,\"Aa en Hunze\",1,\"she said \"\"hi\"\"\"\r\n"
             "c,2021-01-02,\"two\nlines\",2,\"\"\r\n"
             "\r\n"
             "\"\"\"q\"\"\",2021-01-03,x,3,\"\"",
             named());
  EXPECT_THAT(s.dimensions(), ElementsAre("region"));
  EXPECT_THAT(dump(s), ElementsAre("a,b|2021-01-01|Aa en Hunze|1||||0|she said \"hi\"",
                                   "c|2021-01-02|two\nlines|2||||0|", "\"q\"|2021-01-03|x|3||||0|"));
}

TEST(Ingest, RejectsTheWholeBatchListingEveryError) {
  measurement_store s;
  ingest_csv(s, "indicator,date,value\nkeep,2020-01-01,1\n", named());
  const auto before = dump(s);
  const auto errors = ingest_errors(s,
                                    "indicator,date,region,value\n"
                                    "a,2021-02-29,x,1\n"         // line 2: not a leap year
                                    "a,2021-01-01,x,abc\n"       // line 3: value
                                    "a,2021-01-01,x\n"           // line 4: too few fields
                                    ",2021-01-01,x,1\n"          // line 5: empty indicator
                                    "a,2021-01-01,x,1,9\n"       // line 6: too many
                                    "a,2021-01-01,\"x\"y,1\n"    // line 7: text after a quote
                                    "a,2021-01-01,x\"y,1\n"      // line 8: quote inside a field
                                    "a,2021-01-01,x,\n"          // line 9: empty value
                                    "a,2021-01-01,x,inf\n"       // line 10: not decimal
                                    "b,2021-01-01,x,1\n"         // fine
                                    "a,2021-01-01,\"open,1\n");  // line 12: unterminated
  EXPECT_THAT(
      errors,
      ElementsAre(
          "m.csv:2:3: \"2021-02-29\" is not a valid date: 2021 is not a leap year, February has 28 days",
          "m.csv:3:16: \"abc\" is not a decimal number", "m.csv:4:15: this row has 3 fields, the header has 4",
          "m.csv:5:1: the indicator is empty", "m.csv:6:18: this row has 5 fields, the header has 4",
          "m.csv:7:17: unexpected \"y\" after a closing quote (a quote inside a quoted field is written twice: \"\")",
          "m.csv:8:15: a quote inside an unquoted field (quote the whole field and double the quote)",
          "m.csv:9:16: the value is empty", "m.csv:10:16: \"inf\" is not a decimal number",
          "m.csv:12:14: the quoted field that starts here is never closed (a missing '\"')"));
  EXPECT_EQ(dump(s), before);
  EXPECT_EQ(s.indicator_count(), 1u);
  EXPECT_EQ(s.dimensions().size(), 0u);
}

TEST(Ingest, ErrorColumnsCountCharactersAndFollowEmbeddedLineBreaks) {
  measurement_store s;
  EXPECT_THAT(ingest_errors(s, "indicator,region,date,value\n\"é\",\"a\nbé\",2021-13-01,1\n"),
              ElementsAre("m.csv:3:5: \"2021-13-01\" is not a valid date: the month must be 01 to 12"));
  EXPECT_THAT(
      ingest_errors(s, "indicator,date,value\na,2021-01-01,1\rb,2021-01-01,1\n"),
      ElementsAre("m.csv:2:15: a carriage return that is not followed by a line feed (lines end in LF or CRLF)"));
}

TEST(Ingest, InvalidUtf8IsRefusedAtTheFirstBadByte) {
  measurement_store s;
  ingest_csv(s, "indicator,date,value\nkeep,2020-01-01,1\n", named());
  const auto before = dump(s);
  const std::string bad = "the byte \\xe9 is not valid UTF-8 (the file must be UTF-8)";
  // Latin-1 "Caf\xe9" in a dimension (line 2, column 17 after "a,2021-01-01,Caf"); in a quoted note
  // on its second line (line 4: "x" then the byte, column 2); in a CRLF file (the tokenizer's general
  // path); in a row longer than a 16-byte block with the byte in its third block (column 34); and the
  // rows between them, with valid multi-byte members, stay unflagged.
  EXPECT_THAT(ingest_errors(s,
                            "indicator,date,region,value,note\n"
                            "a,2021-01-01,Caf\xe9,1,\n"
                            "a,2021-01-01,S\u00fadwest-Frysl\u00e2n,1,\"two\n"
                            "x\xe9\"\n"
                            "a,2021-01-01,\u00c6r\u00f8,1,\r\n"
                            "a,2021-01-01,r,1,\xe9\r\n"
                            "a,2021-01-01,r,1,0123456789abcdef\xe9\n"),
              ElementsAre("m.csv:2:17: " + bad, "m.csv:4:2: " + bad, "m.csv:6:18: " + bad, "m.csv:7:34: " + bad));
  EXPECT_EQ(dump(s), before);
  // Overlong, surrogate and truncated sequences; the header is checked too.
  EXPECT_THAT(ingest_errors(s,
                            "indicator,date,value\na\xc0\xaf,2021-01-01,1\nb\xed\xa0\x80,2021-01-01,1\n"
                            "c\xe2\x82,2021-01-01,1\n"),
              ElementsAre("m.csv:2:2: the byte \\xc0 is not valid UTF-8 (the file must be UTF-8)",
                          "m.csv:3:2: the byte \\xed is not valid UTF-8 (the file must be UTF-8)",
                          "m.csv:4:2: the byte \\xe2 is not valid UTF-8 (the file must be UTF-8)"));
  EXPECT_THAT(ingest_errors(s, "indicator,date,value,r\xe9gion\na,2021-01-01,1,x\n"),
              ElementsAre("m.csv:1:23: " + bad));
  EXPECT_EQ(dump(s), before);
  // Valid multi-byte text is kept as it was written.
  ingest_csv(
      s, "indicator,date,region,value\nw,2021-01-01,S\u00fadwest-Frysl\u00e2n,1\nw,2021-01-01,\"\u00c6r\u00f8\",2\n",
      named());
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.coordinate(1, 0), "S\u00fadwest-Frysl\u00e2n");
  EXPECT_EQ(s.coordinate(2, 0), "\u00c6r\u00f8");
}

TEST(Ingest, HeaderProblems) {
  measurement_store s;
  EXPECT_THAT(ingest_errors(s, ""), ElementsAre("m.csv: the input is empty: expected a header row"));
  EXPECT_THAT(ingest_errors(s, "indicator,date,date,,x\n"),
              ElementsAre("m.csv:1:16: \"date\" names column 2 too", "m.csv:1:21: column 4 has an empty name",
                          "m.csv:1:1: the header has no \"value\" column (required: indicator, date, value)"));
}

TEST(Ingest, ValuesAreDecimalsWithOptionalSignAndExponent) {
  const std::vector<std::pair<std::string, double>> good{{"0", 0},          {"-0.5", -0.5}, {"+2", 2}, {"1e3", 1000},
                                                         {"1.5E-2", 0.015}, {".5", 0.5},    {"7.", 7}};
  for (const auto& [text, want] : good) {
    measurement_store s;
    ingest_csv(s, "indicator,date,value\na,2021-01-01," + text + "\n", named());
    EXPECT_EQ(s.values()[0], want) << text;
  }
  for (const std::string bad : {"nan", "-inf", "0x10", " 1", "1 ", "1,5", "--1", "+-1", "1e", "e5", "1e999", "\"\""}) {
    measurement_store s;
    EXPECT_EQ(ingest_errors(s, "indicator,date,value\na,2021-01-01," + bad + "\n").size(), 1u) << bad;
  }
}

TEST(Ingest, ProvenanceValuesAreChecked) {
  measurement_store s;
  EXPECT_THAT(ingest_errors(s,
                            "indicator,date,value,status,recorded_at,revision\n"
                            "a,2021-01-01,1,done,2021-01-32,-1\n"),
              ElementsAre("m.csv:2:16: \"done\" is not a status: use provisional, final or estimated",
                          "m.csv:2:21: \"2021-01-32\" is not a valid date: that month has 31 days",
                          "m.csv:2:32: \"-1\" is not a revision number (a whole number 0 or more)"));
}

TEST(Ingest, ErrorsStopAtTheCap) {
  measurement_store s;
  std::string text = "indicator,date,value\n";
  for (int i = 0; i < 10; ++i) text += "a,bad,1\n";
  auto o = named();
  o.max_errors = 3;
  const auto errors = ingest_errors(s, text, o);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[2], "m.csv:4:3: \"bad\" is not a valid date: expected YYYY-MM-DD");
  EXPECT_EQ(errors[3], "m.csv: more errors not listed (at most 3)");
}

TEST(Ingest, ErrorCodesSaySyntaxOrRule) {
  measurement_store s;
  try {
    ingest_csv(s, "indicator,date,value\na,x,1\n");
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::parse_error);
    EXPECT_EQ(e.diagnostics()[0].where, "<input>:2:3");
  }
}

namespace {

/// A random but valid CSV with quoted fields, embedded line breaks and CRLF rows.
std::string random_csv(std::size_t rows, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out = "indicator,date,region,sector,value\n";
  const char* regions[] = {"Emmen", "\"Aa en\nHunze\"", "\"Borger, Odoorn\"", "Assen"};
  for (std::size_t i = 0; i < rows; ++i) {
    out += "ind" + std::to_string(rng() % 50) + ",";
    out += format_date(date::from_day_number(17000 + static_cast<std::int32_t>(rng() % 2000))) + ",";
    out += regions[rng() % 4];
    out += ",s" + std::to_string(rng() % 3) + ",";
    out += std::to_string(static_cast<int>(rng() % 20001) - 10000) + "e-2";
    out += rng() % 7 == 0 ? "\r\n" : "\n";
  }
  return out;
}

}  // namespace

TEST(Ingest, ParallelPartsGiveTheSameStoreAsOneThread) {
  // Quoted line breaks make some split points fall inside a field: those parses must be redone.
  for (unsigned seed = 1; seed <= 4; ++seed) {
    const std::string text = random_csv(5000, seed);
    measurement_store one, many;
    auto o1 = named();
    o1.threads = 1;
    ingest_csv(one, text, o1);
    auto o8 = named();
    o8.threads = 8;
    ingest_csv(many, text, o8);
    ASSERT_EQ(one.size(), 5000u);
    EXPECT_EQ(dump(one), dump(many)) << seed;
  }
}

TEST(Ingest, ParallelPartsReportErrorsWithTrueLineNumbers) {
  std::string text = "indicator,date,value\n";
  for (int i = 0; i < 3000; ++i) text += i == 2500 || i == 100 ? "a,2021-01-01,x\n" : "a,2021-01-01,1\n";
  measurement_store s;
  auto o = named();
  o.threads = 4;
  EXPECT_THAT(ingest_errors(s, text, o), ElementsAre("m.csv:102:14: \"x\" is not a decimal number",
                                                     "m.csv:2502:14: \"x\" is not a decimal number"));
  EXPECT_EQ(s.size(), 0u);
}

TEST(Ingest, FileIngestMatchesTextIngest) {
  const std::string text = random_csv(3000, 9);
  const auto path = std::filesystem::temp_directory_path() / ("ingest_test_" + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream f(path, std::ios::binary);
    f << text;
  }
  measurement_store a, b;
  ingest_csv(a, text, named());
  auto o = named("");
  o.threads = 3;
  ingest_csv_file(b, path.string(), o);
  EXPECT_EQ(dump(a), dump(b));
  std::filesystem::remove(path);
  try {
    ingest_csv_file(b, path.string());
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::io_error);
    EXPECT_THAT(e.what(), ::testing::HasSubstr(path.string()));
  }
}

TEST(Ingest, ProgressAndCancellation) {
  const std::string text = random_csv(20000, 3);
  measurement_store s;
  auto o = named();
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  o.progress = [&](std::uint64_t done, std::uint64_t total) { calls.emplace_back(done, total); };
  ingest_csv(s, text, o);
  ASSERT_FALSE(calls.empty());
  for (const auto& [done, total] : calls) {
    EXPECT_LE(done, total);
    EXPECT_EQ(total, text.size());
  }
  EXPECT_EQ(calls.back().first, text.size());

  measurement_store c;
  std::atomic<bool> stop{true};
  o.cancel = &stop;
  try {
    ingest_csv(c, text, o);
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::cancelled);
  }
  EXPECT_EQ(c.size(), 0u);
}

TEST(Ingest, SecondBatchWithANewDimension) {
  measurement_store s;
  ingest_csv(s, "indicator,date,region,value\na,2021-01-01,x,1\n", named());
  ingest_csv(s, "indicator,sector,date,value\na,zorg,2021-01-02,2\n", named());
  EXPECT_THAT(s.dimensions(), ElementsAre("region", "sector"));
  EXPECT_THAT(dump(s), ElementsAre("a|2021-01-01|x||1||||0|", "a|2021-01-02||zorg|2||||0|"));
  EXPECT_EQ(s.series_count(), 2u);
}

TEST(Store, AppendFromStructs) {
  measurement_store s;
  std::vector<measurement> rows{{.indicator = "jobs", .when = d("2021-03-31"), .coordinates = {"emmen"}, .value = 12},
                                {.indicator = "jobs",
                                 .when = d("2021-03-31"),
                                 .coordinates = {"emmen"},
                                 .value = 13,
                                 .status = measurement_status::final,
                                 .recorded_at = d("2021-05-01"),
                                 .revision = 2}};
  s.append({"region"}, rows);
  EXPECT_THAT(dump(s), ElementsAre("jobs|2021-03-31|emmen|12||||0|", "jobs|2021-03-31|emmen|13|final||2021-05-01|2|"));
  EXPECT_EQ(s.series_count(), 1u);
  std::vector<measurement> bad{{.indicator = "", .when = d("2021-01-01"), .coordinates = {}, .value = 1}};
  try {
    s.append({"region"}, bad);
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::validation_error);
    EXPECT_THAT(lines_of(e), ElementsAre("measurement 1: the indicator is empty",
                                         "measurement 1: has 0 coordinates for 1 dimensions"));
  }
  EXPECT_EQ(s.size(), 2u);
}

namespace {

programme small_programme() {
  programme p;
  p.id = "p";
  dimension region;
  region.id = "region";
  region.kind = dimension_kind::hierarchy;
  region.levels = {"province", "municipality"};
  region.members = {{.id = "drenthe", .level = "province"},
                    {.id = "emmen", .level = "municipality", .parent = "drenthe"},
                    {.id = "assen", .level = "municipality", .parent = "drenthe"}};
  p.dimensions.push_back(region);
  pillar pl;
  goal g;
  result r;
  indicator jobs;
  jobs.id = "jobs";
  jobs.kind = measure_kind::count;
  indicator share;
  share.id = "share";
  share.kind = measure_kind::percentage;
  indicator done;
  done.id = "done";
  done.kind = measure_kind::milestone;
  r.indicators = {jobs, share, done};
  g.results.push_back(r);
  pl.goals.push_back(g);
  p.pillars.push_back(pl);
  return p;
}

}  // namespace

TEST(Ingest, ProgrammeRules) {
  const programme p = small_programme();
  measurement_store s;
  auto o = named();
  o.programme = &p;
  try {
    ingest_csv(s,
               "indicator,date,region,value\n"
               "jobs,2021-01-01,emmen,3\n"
               "jobs,2021-01-01,emmen,-1\n"
               "nope,2021-01-01,emmen,1\n"
               "share,2021-01-01,hoogeveen,101\n"
               "done,2021-01-01,,0.5\n"
               "done,2021-01-01,,1\n",
               o);
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::validation_error);
    EXPECT_THAT(lines_of(e),
                ElementsAre("m.csv:3:23: the value -1 is negative, a count cannot be (indicator \"jobs\" is a count)",
                            "m.csv:4:1: \"nope\" is not an indicator of the programme",
                            "m.csv:5:28: the value 101 is outside 0..100, a percentage cannot be (indicator "
                            "\"share\" is a percentage)",
                            "m.csv:5:18: \"hoogeveen\" is not a member of dimension \"region\"",
                            "m.csv:6:18: the value 0.5 is neither 0 nor 1, a milestone is reached or not (indicator "
                            "\"done\" is a milestone)"));
  }
  EXPECT_EQ(s.size(), 0u);
  ingest_csv(s, "indicator,date,region,value\njobs,2021-01-01,emmen,3\ndone,2021-01-01,,1\n", o);
  EXPECT_EQ(s.size(), 2u);
}

namespace {

/// small_programme() with a text indicator "story" beside jobs, share and done.
programme programme_with_story() {
  programme p = small_programme();
  indicator story;
  story.id = "story";
  story.kind = measure_kind::text;
  p.pillars[0].goals[0].results[0].indicators.push_back(story);
  return p;
}

}  // namespace

TEST(Ingest, PartsWrittenInPlaceKeepEveryColumnOfEveryRow) {
  // Parts write their rows straight into the shared columns at the row their line feeds promise;
  // blank lines (no row) and CRLF rows make the promise too high, and the rows must close up. Every
  // column of row i is a function of i, checked here by hand, for 1, 2, 3 and 8 threads, and for an
  // append to a store that already holds rows.
  const programme p = programme_with_story();
  const char* statuses[] = {"provisional", "final", "estimated"};
  constexpr int rows = 6000;
  std::string text = "indicator,date,region,value,status,source,recorded_at,revision,note\n";
  const std::int32_t day0 = d("2021-01-01").day_number();
  for (int i = 0; i < rows; ++i) {
    const bool is_story = i % 5 == 0;
    text += std::string(is_story ? "story" : "jobs") + "," + format_date(date::from_day_number(day0 + i % 300)) + "," +
            (i % 2 == 0 ? "emmen" : "assen") + "," + (is_story ? "t" + std::to_string(i) : std::to_string(i)) + "," +
            statuses[i % 3] + ",src" + std::to_string(i % 7) + "," +
            (i % 4 == 0 ? "" : format_date(date::from_day_number(day0 + 400 + i % 10))) + "," + std::to_string(i % 3) +
            ",n" + std::to_string(i % 11) + (i % 13 == 0 ? "\r\n" : "\n");
    if (i % 97 == 0) text += i % 2 == 0 ? "\n" : "\r\n";  // blank lines
  }
  auto check_row = [&](const measurement_store& s, std::size_t at, int i) {
    const auto r = s.row(at);
    const bool is_story = i % 5 == 0;
    ASSERT_EQ(r.indicator, is_story ? "story" : "jobs") << i;
    ASSERT_EQ(r.when.day_number(), day0 + i % 300) << i;
    ASSERT_EQ(s.coordinate(at, 0), i % 2 == 0 ? "emmen" : "assen") << i;
    ASSERT_EQ(r.value, is_story ? 0.0 : static_cast<double>(i)) << i;
    ASSERT_EQ(r.text, is_story ? "t" + std::to_string(i) : "") << i;
    ASSERT_EQ(to_string(r.status), statuses[i % 3]) << i;
    ASSERT_EQ(r.source, "src" + std::to_string(i % 7)) << i;
    ASSERT_EQ(r.recorded_at.has_value(), i % 4 != 0) << i;
    if (r.recorded_at) {
      ASSERT_EQ(r.recorded_at->day_number(), day0 + 400 + i % 10) << i;
    }
    ASSERT_EQ(r.revision, static_cast<std::uint32_t>(i % 3)) << i;
    ASSERT_EQ(r.note, "n" + std::to_string(i % 11)) << i;
  };
  for (const bool append : {false, true}) {
    for (const unsigned threads : {1u, 2u, 3u, 8u}) {
      measurement_store s;
      auto o = named();
      o.programme = &p;
      if (append) ingest_csv(s, "indicator,date,region,value,note\njobs,2020-01-01,emmen,7,before\n", o);
      o.threads = threads;
      const ingest_summary sum = ingest_csv(s, text, o);
      const std::size_t base = append ? 1 : 0;
      ASSERT_EQ(sum.rows, static_cast<std::size_t>(rows));
      ASSERT_EQ(s.size(), base + rows) << threads;
      EXPECT_EQ(s.text_count(), static_cast<std::size_t>(rows / 5)) << threads;
      // story and jobs in emmen and assen (plus nothing new from the first batch's jobs/emmen).
      EXPECT_EQ(s.series_count(), 4u) << threads;
      if (append) {
        EXPECT_EQ(s.row(0).note, "before");
      }
      for (int i = 0; i < rows; ++i) {
        check_row(s, base + static_cast<std::size_t>(i), i);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

TEST(Ingest, TextIndicatorsCarryTextNumbersStayNumbers) {
  const programme p = programme_with_story();
  auto o = named();
  o.programme = &p;
  measurement_store s;
  ingest_csv(s,
             "indicator,date,region,value,revision\n"
             "story,2021-03-31,emmen,\"pilot running, 3 of 6 sites\",\n"
             "story,2021-06-30,emmen,2021,1\n"  // reads as a number, but a text indicator's value is text
             "jobs,2021-06-30,emmen,4,\n"
             "story,2021-06-30,emmen,\"pilot \"\"done\"\"\",\n",
             o);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s.text_count(), 3u);
  EXPECT_EQ(s.row(0).text, "pilot running, 3 of 6 sites");
  EXPECT_EQ(s.row(0).value, 0);
  EXPECT_EQ(s.row(1).text, "2021");
  EXPECT_EQ(s.row(2).text, "");
  EXPECT_EQ(s.row(2).value, 4);
  EXPECT_EQ(s.row(3).text, "pilot \"done\"");
  // 2021-06-30 has two texts: revision 1 ("2021") beats the later row of revision 0.
  auto t = s.latest_text("story", d("2021-06-30"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "2021");
  t = s.latest_text("story", d("2021-05-01"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "pilot running, 3 of 6 sites");
  EXPECT_EQ(t->when, d("2021-03-31"));

  // Text only for a text indicator, and only with a programme that says so.
  measurement_store e;
  EXPECT_THAT(ingest_errors(e, "indicator,date,region,value\njobs,2021-01-01,emmen,many\nstory,2021-01-01,emmen,\n", o),
              ElementsAre("m.csv:2:23: \"many\" is not a decimal number (only a text indicator's value may be text)",
                          "m.csv:3:24: the value is empty"));
  EXPECT_THAT(ingest_errors(e, "indicator,date,region,value\nstory,2021-01-01,emmen,pilot\n"),
              ElementsAre("m.csv:2:24: \"pilot\" is not a decimal number"));
  EXPECT_EQ(e.size(), 0u);
}

TEST(Ingest, ManyIndicatorsAndMembersLeaveTheDenseSeriesTable) {
  // 5,000 indicators x 3,000 members need more than 2^22 series slots: the reader switches from
  // its dense table to hashing mid-file. Every row must still read back as written.
  std::string text = "indicator,date,m,value\n";
  for (int i = 0; i < 30000; ++i)
    text += "i" + std::to_string(i % 5000) + ",2021-01-01,m" + std::to_string(i * 7 % 3000) + "," + std::to_string(i) +
            "\n";
  for (unsigned threads : {1u, 3u}) {
    measurement_store s;
    auto o = named();
    o.threads = threads;
    ingest_csv(s, text, o);
    ASSERT_EQ(s.size(), 30000u);
    for (std::size_t i = 0; i < s.size(); ++i) {
      ASSERT_EQ(s.row(i).indicator, "i" + std::to_string(i % 5000));
      ASSERT_EQ(s.coordinate(i, 0), "m" + std::to_string(i * 7 % 3000));
      ASSERT_EQ(s.values()[i], static_cast<double>(i));
    }
    EXPECT_EQ(s.series_count(), 15000u);  // (i mod 5000, 7i mod 3000) repeats every lcm(5000, 3000) rows
  }
}
