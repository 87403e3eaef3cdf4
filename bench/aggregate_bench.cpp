// The aggregation engine on 1 M generated rows (the shape of bench/peers/generate.py; set
// REGIOKPI_BENCH_ROWS for another count), one benchmark per query shape and thread count (1, 2):
// the side-by-side Q1/Q2/Q3 and the other rule paths. Rows per second.
//   build/release/bench/aggregate_bench
//   REGIOKPI_BENCH_ROWS=10000000 build/release/bench/aggregate_bench --benchmark_filter='q[123]'
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <regiokpi/aggregate.hpp>
#include <string>
#include <vector>

namespace {

const regiokpi::measurement_store& store() {
  static const regiokpi::measurement_store s = [] {
    regiokpi::measurement_store out;
    std::mt19937_64 rng(4);
    const std::int32_t first = regiokpi::parse_date("2019-01-01").day_number();
    std::vector<std::string> ids;
    for (int i = 1; i <= 2000; ++i) ids.push_back("rd" + std::to_string(i));
    const char* const munis[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};
    const char* const sectors[] = {"s1", "s2", "s3", "s4", "s5", "s6"};
    const char* const env = std::getenv("REGIOKPI_BENCH_ROWS");
    const long total = env != nullptr && std::atol(env) > 0 ? std::atol(env) : 1'000'000;
    std::vector<regiokpi::measurement> rows;
    for (long done = 0; done < total;) {  // appended a million at a time
      rows.clear();
      for (; done < total && rows.size() < 1'000'000; ++done) {
        regiokpi::measurement m;
        m.indicator = ids[rng() % 2000];
        m.when = regiokpi::date::from_day_number(first + static_cast<std::int32_t>(rng() % 1826));
        m.coordinates = {munis[rng() % 12], sectors[rng() % 6]};
        m.value = static_cast<double>(static_cast<long>(rng() % 100'000)) / 100;
        rows.push_back(std::move(m));
      }
      out.append({"municipality", "sector"}, rows);
    }
    return out;
  }();
  return s;
}

void run(benchmark::State& state, regiokpi::query q) {
  const auto& s = store();
  q.threads = static_cast<unsigned>(state.range(0));
  std::size_t out = 0;
  for (auto _ : state) out = regiokpi::aggregate(s, q).size();
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(s.size()) * static_cast<double>(state.iterations()),
                                                benchmark::Counter::kIsRate);
  state.counters["result_rows"] = static_cast<double>(out);
}

using regiokpi::period_type;
using regiokpi::space_rule;
using regiokpi::time_rule;

void BM_q1_sum_by_municipality_quarter(benchmark::State& st) {
  run(st, {.period = period_type::quarter, .group_by = {"municipality"}});
}
void BM_q2_last_then_sum_quarter(benchmark::State& st) {
  run(st, {.period = period_type::quarter, .group_by = {"sector"}, .time = time_rule::last_in_period});
}
void BM_last_carried_then_sum_quarter(benchmark::State& st) {
  // Q2 with carrying forward: every series gets every quarter from its first report on.
  run(st, {.period = period_type::quarter, .group_by = {"sector"}, .time = time_rule::last});
}
void BM_q3_running_total_by_day(benchmark::State& st) { run(st, {.period = period_type::day, .cumulative = true}); }
void BM_avg_then_max_month(benchmark::State& st) {
  run(st, {.period = period_type::month, .time = time_rule::avg, .space = space_rule::max});
}
void BM_first_then_count_week(benchmark::State& st) {
  run(st,
      {.period = period_type::iso_week, .group_by = {"sector"}, .time = time_rule::first, .space = space_rule::count});
}
void BM_last_by_series_day_hashed(benchmark::State& st) {
  // 144 k series x 1,826 days is too many dense cells: the hash-table path.
  run(st, {.period = period_type::day, .time = time_rule::last_in_period, .space = space_rule::avg});
}

#define RK_SHAPE(name) BENCHMARK(name)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime()
RK_SHAPE(BM_q1_sum_by_municipality_quarter);
RK_SHAPE(BM_q2_last_then_sum_quarter);
RK_SHAPE(BM_last_carried_then_sum_quarter);
RK_SHAPE(BM_q3_running_total_by_day);
RK_SHAPE(BM_avg_then_max_month);
RK_SHAPE(BM_first_then_count_week);
RK_SHAPE(BM_last_by_series_day_hashed);

}  // namespace
