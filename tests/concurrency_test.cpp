// Concurrent read-only use of one store and one programme: several threads run aggregate(),
// evaluate_programme(), the report writers and the C ABI's rk_aggregate/rk_evaluate/render/Arrow
// export on the same objects at once, and every answer must equal the single-thread answer.
// Under the tsan preset this is the ThreadSanitizer check (docs/c-api.md, "Threading"):
//   cmake --preset tsan -B build/tsan && cmake --build build/tsan --target concurrency_test
//   build/tsan/tests/concurrency_test
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "regiokpi/aggregate.hpp"
#include "regiokpi/evaluate.hpp"
#include "regiokpi/ingest.hpp"
#include "regiokpi/programme_io.hpp"
#include "regiokpi/regiokpi.h"
#include "regiokpi/report.hpp"
#include "regiokpi/store.hpp"

using namespace regiokpi;

namespace {

const std::string example_dir = std::string(REGIOKPI_SOURCE_DIR) + "/examples/regio-deal-zod";
const std::string programme_path = example_dir + "/programme.json";
const std::string measurements_path = example_dir + "/measurements.csv";

constexpr int thread_count = 4;
constexpr int rounds = 3;

/// One result row in comparable form; values compared bit for bit (NaN included).
using row = std::tuple<std::string, std::vector<std::string>, std::int32_t, std::uint64_t>;

std::vector<row> rows_of(const aggregate_result& r) {
  std::vector<row> out;
  for (std::size_t i = 0; i < r.size(); ++i) {
    std::vector<std::string> groups;
    for (std::size_t k = 0; k < r.group_by.size(); ++k) groups.emplace_back(r.group_value(i, k));
    out.emplace_back(std::string(r.indicator(i)), std::move(groups), r.period_of(i).first_day().day_number(),
                     std::bit_cast<std::uint64_t>(r.value(i)));
  }
  return out;
}

/// The Regio Deal example, loaded once before any thread starts and never modified afterwards.
struct example {
  programme prog;
  measurement_store store;
};

const example& shared_example() {
  static const example e = [] {
    example x;
    x.prog = read_programme_file(programme_path);
    ingest_options io;
    io.source_name = "measurements.csv";
    io.programme = &x.prog;
    ingest_csv_file(x.store, measurements_path, io);
    return x;
  }();
  return e;
}

/// The queries the threads run: every time and space rule family, hierarchy levels, revisions,
/// cumulative totals, and the multi-threaded pass inside aggregate() itself (threads = 2).
std::vector<query> read_queries() {
  std::vector<query> qs;
  query all;
  all.period = period_type::quarter;
  qs.push_back(all);

  query by_region;
  by_region.period = period_type::year;
  by_region.group_by = {"region"};
  by_region.time = time_rule::last;
  by_region.threads = 2;
  qs.push_back(by_region);

  query running;
  running.indicators = {"W-c1.assessments", "W-c2.plans", "W-c3.plans"};
  running.period = period_type::month;
  running.cumulative = true;
  running.threads = 2;
  qs.push_back(running);

  query by_province;
  by_province.period = period_type::half_year;
  by_province.group_by = {"province"};
  by_province.time = time_rule::last;
  qs.push_back(by_province);

  query early;
  early.period = period_type::quarter;
  early.as_recorded_on = parse_date("2021-05-01");
  qs.push_back(early);

  query weighted;
  weighted.indicators = {"Z-d.starting-qualification", "Z-d.youth-care-use"};
  weighted.period = period_type::year;
  weighted.group_by = {"province"};
  weighted.time = time_rule::last;
  weighted.space = space_rule::weighted_avg;
  weighted.weight_attribute = "population";
  weighted.space_dimension = "region";
  qs.push_back(weighted);

  query fy;
  fy.period = period_type::financial_year;
  fy.fy_first_month = 4;
  fy.from = parse_date("2020-01-01");
  fy.to = parse_date("2022-12-31");
  fy.time = time_rule::avg;
  fy.space = space_rule::max;
  qs.push_back(fy);
  return qs;
}

std::vector<evaluation_settings> read_settings() {
  std::vector<evaluation_settings> out;
  for (const char* day : {"2021-06-30", "2022-12-31", "2024-06-30"}) {
    evaluation_settings s;
    s.as_of = parse_date(day);
    out.push_back(s);
  }
  evaluation_settings known_then;
  known_then.as_of = parse_date("2021-05-01");
  known_then.as_recorded_on = parse_date("2021-05-01");
  known_then.shape = trajectory_shape::s_curve;
  out.push_back(known_then);
  return out;
}

/// Runs body(t) on thread_count threads released together; returns every failure message.
std::vector<std::string> run_threads(const std::function<void(int, std::vector<std::string>&)>& body) {
  std::latch start(thread_count);
  std::vector<std::vector<std::string>> failures(thread_count);
  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      try {
        body(t, failures[static_cast<std::size_t>(t)]);
      } catch (const std::exception& e) {
        failures[static_cast<std::size_t>(t)].push_back(std::string("thread threw: ") + e.what());
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<std::string> all;
  for (auto& f : failures) all.insert(all.end(), f.begin(), f.end());
  return all;
}

TEST(Concurrency, AggregateAndEvaluateOnOneStoreMatchTheSingleThreadAnswers) {
  const example& ex = shared_example();
  ASSERT_GT(ex.store.size(), 800u);
  const auto queries = read_queries();
  const auto settings = read_settings();

  std::vector<std::vector<row>> want_rows;
  for (const auto& q : queries) {
    want_rows.push_back(rows_of(aggregate(ex.store, q, &ex.prog)));
    ASSERT_FALSE(want_rows.back().empty()) << "query " << want_rows.size() - 1 << " has no rows to compare";
  }
  std::vector<std::string> want_json;
  std::vector<std::string> want_csv;
  for (const auto& s : settings) {
    const auto rep = evaluate_programme(ex.prog, ex.store, s);
    want_json.push_back(report_to_json(rep));
    want_csv.push_back(report_to_csv(rep));
  }

  const auto failures = run_threads([&](int t, std::vector<std::string>& fail) {
    for (int r = 0; r < rounds; ++r) {
      // Each thread walks the work in its own rotation, so different calls overlap.
      const std::size_t n = queries.size() + settings.size();
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t k = (j + static_cast<std::size_t>(t) * 3) % n;
        if (k < queries.size()) {
          if (rows_of(aggregate(ex.store, queries[k], &ex.prog)) != want_rows[k])
            fail.push_back("thread " + std::to_string(t) + ": query " + std::to_string(k) + " differs");
        } else {
          const std::size_t s = k - queries.size();
          const auto rep = evaluate_programme(ex.prog, ex.store, settings[s]);
          if (report_to_json(rep) != want_json[s] || report_to_csv(rep) != want_csv[s])
            fail.push_back("thread " + std::to_string(t) + ": report " + std::to_string(s) + " differs");
        }
      }
    }
  });
  EXPECT_TRUE(failures.empty()) << failures.size() << " mismatches, first: " << failures.front();
}

TEST(Concurrency, OneReportIsRenderedByManyThreadsAtOnce) {
  const example& ex = shared_example();
  evaluation_settings s;
  s.as_of = parse_date("2022-12-31");
  const auto rep = evaluate_programme(ex.prog, ex.store, s);
  const std::string json = report_to_json(rep);
  const std::string md = report_to_markdown(rep);
  const std::string html = report_to_html(rep);
  const auto failures = run_threads([&](int t, std::vector<std::string>& fail) {
    for (int r = 0; r < rounds; ++r) {
      if (report_to_json(rep) != json || report_to_markdown(rep) != md || report_to_html(rep) != html)
        fail.push_back("thread " + std::to_string(t) + ": a rendering differs");
    }
  });
  EXPECT_TRUE(failures.empty()) << failures.front();
}

// ---- the C ABI -------------------------------------------------------------------------------------

struct c_example {
  rk_programme* prog = nullptr;
  rk_store* store = nullptr;
  c_example() {
    if (rk_programme_load_file(&prog, programme_path.c_str()) != RK_OK) throw std::runtime_error(rk_last_error());
    if (rk_store_create(&store) != RK_OK) throw std::runtime_error(rk_last_error());
    rk_ingest_options io{RK_INGEST_OPTIONS_VERSION, prog, "measurements.csv", 0};
    if (rk_store_ingest_csv_file(store, measurements_path.c_str(), &io) != RK_OK)
      throw std::runtime_error(rk_last_error());
  }
  ~c_example() {
    rk_store_destroy(store);
    rk_programme_destroy(prog);
  }
  c_example(const c_example&) = delete;
  c_example& operator=(const c_example&) = delete;
};

/// A C query with its own storage for the string arrays it points to (so: not copyable).
struct c_query {
  std::vector<const char*> indicators;
  std::vector<const char*> group_by;
  rk_query q{};
  c_query() = default;
  c_query(const c_query&) = delete;
  c_query& operator=(const c_query&) = delete;
  c_query(c_query&&) = delete;
  c_query& operator=(c_query&&) = delete;
  void finish() {
    q.version = RK_QUERY_VERSION;
    q.indicators = indicators.empty() ? nullptr : indicators.data();
    q.indicator_count = indicators.size();
    q.group_by = group_by.empty() ? nullptr : group_by.data();
    q.group_by_count = group_by.size();
  }
};

std::vector<c_query> c_queries() {
  std::vector<c_query> qs(4);
  qs[0].q.period = RK_PERIOD_QUARTER;  // the same as read_queries()[0]
  qs[1].group_by = {"region"};
  qs[1].q.period = RK_PERIOD_YEAR;
  qs[1].q.time_rule = RK_TIME_LAST;
  qs[2].indicators = {"W-c1.assessments"};
  qs[2].q.period = RK_PERIOD_MONTH;
  qs[2].q.cumulative = 1;
  qs[3].group_by = {"province"};
  qs[3].q.period = RK_PERIOD_HALF_YEAR;
  qs[3].q.time_rule = RK_TIME_LAST;
  qs[3].q.as_recorded_on = "2022-06-30";
  for (auto& q : qs) q.finish();
  return qs;
}

/// Runs a C query and reads every row (strings copied); records a failure message on error.
std::vector<row> c_rows(const rk_store* store, const rk_query& q, const rk_programme* prog, std::string& error) {
  std::vector<row> out;
  rk_result* r = nullptr;
  if (rk_aggregate(&r, store, &q, prog) != RK_OK) {
    error = rk_last_error();
    return out;
  }
  const std::size_t groups = rk_result_group_by_count(r);
  for (std::size_t i = 0; i < rk_result_row_count(r); ++i) {
    rk_result_row rr{};
    if (rk_result_get_row(r, i, &rr) != RK_OK) error = rk_last_error();
    std::vector<std::string> g;
    for (std::size_t k = 0; k < groups; ++k) g.emplace_back(rk_result_group_value(r, i, k));
    out.emplace_back(rr.indicator, std::move(g), rr.period_first_day, std::bit_cast<std::uint64_t>(rr.value));
  }
  rk_result_destroy(r);
  return out;
}

/// The evaluated indicators in comparable form: id, status, and the numbers bit for bit.
std::vector<std::string> c_progress(const rk_programme* prog, const rk_store* store, const char* as_of,
                                    std::string& error) {
  std::vector<std::string> out;
  rk_evaluate_options o{RK_EVALUATE_OPTIONS_VERSION, as_of, nullptr, RK_TRAJECTORY_LINEAR, RK_PERIOD_QUARTER, 0};
  rk_report* rep = nullptr;
  if (rk_evaluate(&rep, prog, store, &o) != RK_OK) {
    error = rk_last_error();
    return out;
  }
  for (std::size_t i = 0; i < rk_report_indicator_count(rep); ++i) {
    rk_indicator_progress p{};
    if (rk_report_get_indicator(rep, i, &p) != RK_OK) error = rk_last_error();
    std::string line = std::string(p.id) + " " + rk_progress_status_name(p.status);
    for (double v : {p.actual, p.target, p.achievement, p.expected, p.forecast_value, p.forecast_low, p.forecast_high})
      line += " " + std::to_string(std::bit_cast<std::uint64_t>(v));
    line += " " + std::to_string(p.forecast_eta_day) + " " + std::to_string(p.coverage_met);
    out.push_back(std::move(line));
  }
  rk_report_destroy(rep);
  return out;
}

TEST(Concurrency, CAbiQueriesOnOneStoreFromManyThreads) {
  const c_example ex;
  const auto queries = c_queries();
  std::vector<std::vector<row>> want;
  for (const auto& q : queries) {
    std::string error;
    want.push_back(c_rows(ex.store, q.q, ex.prog, error));
    ASSERT_TRUE(error.empty()) << error;
    ASSERT_FALSE(want.back().empty());
  }
  // The C ABI and the C++ API answer the same quarterly query identically.
  EXPECT_EQ(want[0], rows_of(aggregate(shared_example().store, read_queries()[0], &shared_example().prog)));

  const char* days[] = {"2021-06-30", "2022-12-31", "2024-06-30"};
  std::vector<std::vector<std::string>> want_progress;
  for (const char* d : days) {
    std::string error;
    want_progress.push_back(c_progress(ex.prog, ex.store, d, error));
    ASSERT_TRUE(error.empty()) << error;
    ASSERT_EQ(want_progress.back().size(), 21u);
  }

  const auto failures = run_threads([&](int t, std::vector<std::string>& fail) {
    const std::string who = "thread " + std::to_string(t) + ": ";
    for (int r = 0; r < rounds; ++r) {
      for (std::size_t j = 0; j < queries.size() + 3; ++j) {
        const std::size_t k = (j + static_cast<std::size_t>(t)) % (queries.size() + 3);
        std::string error;
        if (k < queries.size()) {
          if (c_rows(ex.store, queries[k].q, ex.prog, error) != want[k] || !error.empty())
            fail.push_back(who + "rk_aggregate " + std::to_string(k) + " differs " + error);
        } else {
          const std::size_t d = k - queries.size();
          if (c_progress(ex.prog, ex.store, days[d], error) != want_progress[d] || !error.empty())
            fail.push_back(who + "rk_evaluate " + days[d] + " differs " + error);
        }
        // A successful call leaves this thread's message empty, whatever the others do.
        if (std::strlen(rk_last_error()) != 0) fail.push_back(who + "rk_last_error not empty: " + rk_last_error());
      }
    }
  });
  EXPECT_TRUE(failures.empty()) << failures.size() << " mismatches, first: " << failures.front();
}

TEST(Concurrency, CAbiRenderAndArrowExportOfSharedHandles) {
  const c_example ex;
  rk_evaluate_options o{RK_EVALUATE_OPTIONS_VERSION, "2022-12-31", nullptr, RK_TRAJECTORY_LINEAR, RK_PERIOD_QUARTER, 0};
  rk_report* rep = nullptr;
  ASSERT_EQ(rk_evaluate(&rep, ex.prog, ex.store, &o), RK_OK) << rk_last_error();
  char* text = nullptr;
  std::size_t length = 0;
  ASSERT_EQ(rk_report_render(&text, &length, rep, RK_FORMAT_JSON), RK_OK);
  const std::string json(text, length);
  rk_free(text);

  const auto queries = c_queries();  // owns the arrays its rk_query structs point to
  rk_result* res = nullptr;
  ASSERT_EQ(rk_aggregate(&res, ex.store, &queries[1].q, ex.prog), RK_OK) << rk_last_error();
  // Reference sum of the value column, from the row accessors.
  double want_sum = 0;
  for (std::size_t i = 0; i < rk_result_row_count(res); ++i) {
    rk_result_row rr{};
    ASSERT_EQ(rk_result_get_row(res, i, &rr), RK_OK);
    want_sum += rr.value;
  }
  const auto want_rows = static_cast<std::int64_t>(rk_result_row_count(res));
  const auto store_rows = static_cast<std::int64_t>(rk_store_size(ex.store));

  /// Consumes a stream: rows and the sum of the last (value) column; releases everything.
  auto consume = [](ArrowArrayStream& s, std::int64_t& rows, double& sum) {
    ArrowSchema schema{};
    if (s.get_schema(&s, &schema) != 0) return false;
    const auto value_col = schema.n_children - 1;
    const bool ok = std::strcmp(schema.children[value_col]->format, "g") == 0;
    schema.release(&schema);
    ArrowArray batch{};
    rows = 0;
    sum = 0;
    while (s.get_next(&s, &batch) == 0 && batch.release != nullptr) {
      rows += batch.length;
      const auto* v = static_cast<const double*>(batch.children[value_col]->buffers[1]);
      for (std::int64_t i = 0; i < batch.length; ++i) sum += v[i];
      batch.release(&batch);
    }
    s.release(&s);
    return ok;
  };

  const auto failures = run_threads([&](int t, std::vector<std::string>& fail) {
    const std::string who = "thread " + std::to_string(t) + ": ";
    for (int r = 0; r < rounds; ++r) {
      char* mine = nullptr;
      std::size_t n = 0;
      if (rk_report_render(&mine, &n, rep, RK_FORMAT_JSON) != RK_OK || std::string(mine, n) != json)
        fail.push_back(who + "rk_report_render differs");
      rk_free(mine);

      ArrowArrayStream s{};
      std::int64_t rows = 0;
      double sum = 0;
      if (rk_result_export_arrow(res, &s) != RK_OK || !consume(s, rows, sum) || rows != want_rows || sum != want_sum)
        fail.push_back(who + "rk_result_export_arrow differs");
      ArrowArrayStream st{};
      if (rk_store_export_arrow(ex.store, &st) != RK_OK || !consume(st, rows, sum) || rows != store_rows)
        fail.push_back(who + "rk_store_export_arrow differs");
    }
  });
  rk_result_destroy(res);
  rk_report_destroy(rep);
  EXPECT_TRUE(failures.empty()) << failures.size() << " mismatches, first: " << failures.front();
}

TEST(Concurrency, LastErrorIsPerThread) {
  // Every thread fails on its own input while the others fail on theirs; each must read its own
  // message (naming its source and line) and never another thread's.
  const auto failures = run_threads([&](int t, std::vector<std::string>& fail) {
    rk_store* store = nullptr;
    if (rk_store_create(&store) != RK_OK) {
      fail.push_back("rk_store_create failed");
      return;
    }
    const std::string name = "thread-" + std::to_string(t) + ".csv";
    // Thread t's bad row is on line t + 2, so the line number also tells the threads apart.
    std::string csv = "indicator,date,value\n";
    for (int i = 0; i < t; ++i) csv += "jobs,2021-01-0" + std::to_string(i + 1) + ",1\n";
    csv += "jobs,2021-02-30,1\n";
    rk_ingest_options io{RK_INGEST_OPTIONS_VERSION, nullptr, name.c_str(), 0};
    const std::string want = name + ":" + std::to_string(t + 2) + ":";
    for (int r = 0; r < 50; ++r) {
      if (rk_store_ingest_csv(store, csv.data(), csv.size(), &io) != RK_E_PARSE)
        fail.push_back(name + ": not a parse error");
      const std::string got = rk_last_error();
      if (got.find(want) == std::string::npos) fail.push_back(name + ": got " + got);
      if (rk_store_size(store) != 0) fail.push_back(name + ": a failed ingest changed the store");
    }
    rk_store_destroy(store);
  });
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures, first: " << failures.front();
}

}  // namespace
