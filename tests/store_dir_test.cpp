#include "regiokpi/store_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "regiokpi/aggregate.hpp"
#include "regiokpi/ingest.hpp"
#include "regiokpi/programme.hpp"

using namespace regiokpi;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string t = (fs::temp_directory_path() / "rk-store-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~temp_dir() { fs::remove_all(path); }
  [[nodiscard]] std::string operator/(const std::string& name) const { return (path / name).string(); }
};

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> rows_of(const measurement_store& st) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < st.size(); ++i) {
    const stored_measurement m = st.row(i);
    std::string r = std::string(m.indicator) + "|" + format_date(m.when) + "|";
    for (std::size_t d = 0; d < st.dimensions().size(); ++d) r += std::string(st.coordinate(i, d)) + "|";
    r += number_text(m.value) + "|" + std::string(to_string(m.status)) + "|" + std::string(m.source) + "|" +
         (m.recorded_at ? format_date(*m.recorded_at) : "-") + "|" + std::to_string(m.revision) + "|" +
         std::string(m.note) + "|" + std::string(m.text);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

TEST(StoreDir, SaveAndOpenKeepEveryColumn) {
  measurement_store st;
  std::vector<measurement> rows = {
      {.indicator = "jobs",
       .when = parse_date("2021-03-31"),
       .coordinates = {"emmen", "zorg"},
       .value = 12.5,
       .status = measurement_status::final,
       .source = "CBS",
       .recorded_at = parse_date("2021-04-20"),
       .note = "n1"},
      {.indicator = "jobs",
       .when = parse_date("2021-03-31"),
       .coordinates = {"emmen", "zorg"},
       .value = 13,
       .status = measurement_status::provisional,
       .source = "CBS",
       .revision = 1},
      {.indicator = "pilot",
       .when = parse_date("2021-06-30"),
       .coordinates = {"", ""},
       .value = 0,
       .text = "running in 3 of 6"},
      {.indicator = "jobs", .when = parse_date("2020-01-01"), .coordinates = {"assen", ""}, .value = -4}};
  st.append({"region", "sector"}, rows);
  temp_dir t;
  store_save(st, t / "s");
  const measurement_store back = store_open(t / "s");
  EXPECT_EQ(back.dimensions(), st.dimensions());
  EXPECT_EQ(back.series_count(), 3u);
  EXPECT_EQ(rows_of(back), rows_of(st));
  EXPECT_THAT(rows_of(back)[0], "jobs|2021-03-31|emmen|zorg|12.5|final|CBS|2021-04-20|0|n1|");
  EXPECT_THAT(rows_of(back)[2], "pilot|2021-06-30|||0|||-|0||running in 3 of 6");
  EXPECT_EQ(back.min_day(), parse_date("2020-01-01").day_number());
  EXPECT_EQ(back.max_day(), parse_date("2021-06-30").day_number());
  ASSERT_TRUE(back.latest_text("pilot", parse_date("2022-01-01")));
  EXPECT_EQ(back.latest_text("pilot", parse_date("2022-01-01"))->text, "running in 3 of 6");
  EXPECT_THROW(store_save(st, t / "s"), error);  // a store is there already
  EXPECT_TRUE(store_verify(t / "s").empty());
}

TEST(StoreDir, AnOpenedStoreGrowsIntoItsOwnMemoryAndLeavesTheFilesAlone) {
  temp_dir t;
  write(t / "a.csv", "indicator,date,region,value\njobs,2021-01-31,emmen,1\njobs,2021-02-28,emmen,2\n");
  store_import_csv(t / "s", t / "a.csv");
  const std::string before = read(t / "s/batch-000001.arrow");
  measurement_store st = store_open(t / "s");
  write(t / "b.csv", "indicator,date,region,value\njobs,2021-03-31,assen,4\n");
  ingest_csv_file(st, t / "b.csv");
  EXPECT_EQ(st.size(), 3u);
  EXPECT_EQ(st.values()[0], 1.0);
  EXPECT_EQ(st.values()[2], 4.0);
  EXPECT_EQ(read(t / "s/batch-000001.arrow"), before);
  EXPECT_TRUE(store_verify(t / "s").empty());
}

TEST(StoreDir, BatchesWithNewDimensionsAndProvenanceLineUp) {
  temp_dir t;
  // The second batch brings a dimension (sector) and a column (source) the first did not have.
  write(t / "a.csv", "indicator,date,region,value\njobs,2021-01-31,emmen,1\n");
  write(t / "b.csv", "indicator,date,region,sector,value,source\njobs,2021-02-28,assen,zorg,2,CBS\n");
  store_import_csv(t / "s", t / "a.csv");
  store_import_csv(t / "s", t / "b.csv");
  const store_summary s = store_describe(t / "s");
  ASSERT_EQ(s.batches.size(), 2u);
  EXPECT_EQ(s.rows, 2u);
  EXPECT_THAT(s.dimensions, ::testing::ElementsAre("region", "sector"));
  const measurement_store st = store_open(t / "s");
  EXPECT_THAT(rows_of(st),
              ::testing::ElementsAre("jobs|2021-01-31|emmen||1|||-|0||", "jobs|2021-02-28|assen|zorg|2||CBS|-|0||"));
  // The same as one in-memory store fed both files.
  measurement_store mem;
  ingest_csv_file(mem, t / "a.csv");
  ingest_csv_file(mem, t / "b.csv");
  EXPECT_EQ(rows_of(st), rows_of(mem));
  const store_summary c = store_compact(t / "s");
  ASSERT_EQ(c.batches.size(), 1u);
  ASSERT_EQ(c.batches[0].merged.size(), 2u);
  EXPECT_EQ(c.batches[0].merged[1].rows, 1u);
  EXPECT_EQ(rows_of(store_open(t / "s")), rows_of(mem));
}

TEST(StoreDir, ARejectedBatchWritesNothing) {
  temp_dir t;
  write(t / "a.csv", "indicator,date,value\njobs,2021-01-31,1\n");
  write(t / "bad.csv", "indicator,date,value\njobs,2021-02-30,1\n");
  store_import_csv(t / "s", t / "a.csv");
  const std::string manifest = read(t / "s/manifest.json");
  EXPECT_THROW(store_import_csv(t / "s", t / "bad.csv"), error);
  EXPECT_EQ(read(t / "s/manifest.json"), manifest);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(t.path / "s")) ++files;
  EXPECT_EQ(files, 5u);  // manifest, lock, batch, series, strings
  EXPECT_EQ(store_open(t / "s").size(), 1u);
}

TEST(StoreDir, NoStoreIsNotFound) {
  temp_dir t;
  try {
    (void)store_open(t / "");
    FAIL();
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::not_found);
  }
}

// Every single-byte change of every Arrow file either opens (the byte was padding or a value) or
// fails with a regiokpi::error: never a crash or an out-of-bounds read (the sanitizer build runs this).
TEST(StoreDir, DamagedFilesFailCleanly) {
  temp_dir t;
  write(t / "a.csv",
        "indicator,date,region,value,source,recorded_at\njobs,2021-01-31,emmen,1,CBS,2021-02-01\n"
        "pilot,2021-02-28,,2,,\n");
  store_import_csv(t / "s", t / "a.csv");
  std::size_t opened = 0, refused = 0;
  for (const char* name : {"batch-000001.arrow", "series-000001.arrow", "strings-000001.arrow"}) {
    const std::string path = t / (std::string("s/") + name);
    const std::string good = read(path);
    for (std::size_t i = 0; i < good.size(); ++i) {
      {
        const int flip = i % 3 == 0 ? 0xFF : i % 3 == 1 ? 0x01 : 0x80;  // all bits, the lowest, the highest
        std::string bad = good;
        bad[i] = static_cast<char>(bad[i] ^ flip);
        write(path, bad);
        try {
          const measurement_store st = store_open(t / "s");
          (void)aggregate(st, {.period = period_type::year});
          ++opened;
        } catch (const error&) {
          ++refused;
        }
      }
    }
    write(path, good);
    // Truncated at every length.
    for (std::size_t n = 0; n < good.size(); n += 7) {
      write(path, good.substr(0, n));
      EXPECT_THROW((void)store_open(t / "s"), error) << name << " cut at " << n;
    }
    write(path, good);
    EXPECT_TRUE(store_verify(t / "s").empty());
    std::string changed = good;
    changed[changed.size() / 2] = static_cast<char>(changed[changed.size() / 2] ^ 0x5A);
    write(path, changed);
    const auto problems = store_verify(t / "s");
    ASSERT_EQ(problems.size(), 1u) << name;
    EXPECT_THAT(problems[0].where, ::testing::EndsWith(name));
    write(path, good);
  }
  EXPECT_GT(refused, 0u);
  EXPECT_GT(opened, 0u);
}

// The programme arrives after the files are open (the command line reads it meanwhile): the rows are
// checked against what the callback returns, and its exception passes through.
TEST(StoreDir, OpenAsksForTheProgrammeOnceTheFilesAreRead) {
  temp_dir t;
  measurement_store mem;
  const std::vector<measurement> rows{
      {.indicator = "jobs", .when = parse_date("2021-03-31"), .coordinates = {"emmen"}, .value = 12},
      {.indicator = "visits", .when = parse_date("2021-03-31"), .coordinates = {"emmen"}, .value = 3}};
  mem.append({"region"}, rows);
  store_save(mem, t / "s");

  programme p;
  p.id = "p";
  dimension region;
  region.id = "region";
  region.members = {{.id = "emmen"}};
  p.dimensions.push_back(region);
  indicator jobs;
  jobs.id = "jobs";
  jobs.kind = measure_kind::count;
  result r;
  r.indicators = {jobs};
  goal g;
  g.results = {r};
  pillar pl;
  pl.goals = {g};
  p.pillars = {pl};

  int calls = 0;
  try {
    (void)store_open(t / "s", [&]() -> const programme* {
      ++calls;
      return &p;
    });
    FAIL() << "visits is not an indicator of the programme";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::validation_error);
    EXPECT_THAT(e.what(), ::testing::HasSubstr("\"visits\" is not an indicator of the programme"));
  }
  EXPECT_EQ(calls, 1);

  // nullptr: nothing more is checked, as store_open(dir) does.
  EXPECT_EQ(rows_of(store_open(t / "s", [&]() -> const programme* { return nullptr; })), rows_of(mem));

  EXPECT_THROW((void)store_open(t / "s", []() -> const programme* { throw std::runtime_error("bad programme"); }),
               std::runtime_error);

  // No store: that is found before the programme is asked for.
  calls = 0;
  EXPECT_THROW((void)store_open(t / "none",
                                [&]() -> const programme* {
                                  ++calls;
                                  return &p;
                                }),
               error);
  EXPECT_EQ(calls, 0);
}
