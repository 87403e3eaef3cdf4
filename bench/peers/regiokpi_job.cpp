// The side-by-side benchmark job done by regiokpi's library: load the measurement CSV, then Q1, Q2 and
// Q3 of issue 4. Prints the time of each phase and a checksum of each result in the same form as
// duckdb_job.mjs and pandas_job.py (see README.md here), and its own peak RSS.
//   regiokpi_job MEASUREMENTS.csv
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>

#include "regiokpi/aggregate.hpp"
#include "regiokpi/ingest.hpp"
#include "regiokpi/store.hpp"
#include "regiokpi/version.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

void print_time(const char* phase, clock_type::time_point start) {
  std::printf("time %s %.3f\n", phase, std::chrono::duration<double>(clock_type::now() - start).count());
}

// Row count; sum of round(value * 1e6) and the same weighted by the period index, modulo 2^64 (unsigned
// arithmetic wraps exactly like the other engines' reductions).
void print_checksum(const char* name, const regiokpi::aggregate_result& r) {
  std::uint64_t sum = 0;
  std::uint64_t weighted = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const auto rounded = static_cast<std::uint64_t>(std::llround(r.value(i) * 1e6));
    sum += rounded;
    weighted += rounded * static_cast<std::uint64_t>(static_cast<std::int64_t>(r.period_index(i)));
  }
  std::printf("checksum %s rows=%zu sum=%llu wsum=%llu\n", name, r.size(), static_cast<unsigned long long>(sum),
              static_cast<unsigned long long>(weighted));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MEASUREMENTS.csv\n", argv[0]);
    return 2;
  }
  try {
    std::printf("engine regiokpi %s threads=%u\n", regiokpi::version(), std::thread::hardware_concurrency());

    auto start = clock_type::now();
    regiokpi::measurement_store store;
    regiokpi::ingest_csv_file(store, argv[1]);
    print_time("load", start);

    // Q1: SUM per indicator x municipality x quarter (sum over the sectors of each municipality).
    start = clock_type::now();
    const auto q1 = regiokpi::aggregate(store, {.period = regiokpi::period_type::quarter,
                                                .group_by = {"municipality"},
                                                .time = regiokpi::time_rule::sum,
                                                .space = regiokpi::space_rule::sum});
    print_time("q1", start);

    // Q2: LAST of each series (indicator, municipality, sector) inside each quarter (last_in_period, no
    // carrying forward: what DuckDB's arg_max per quarter computes), SUM over the municipalities.
    start = clock_type::now();
    const auto q2 = regiokpi::aggregate(store, {.period = regiokpi::period_type::quarter,
                                                .group_by = {"sector"},
                                                .time = regiokpi::time_rule::last_in_period,
                                                .space = regiokpi::space_rule::sum});
    print_time("q2", start);

    // Q3: running total per indicator over the days that have data.
    start = clock_type::now();
    const auto q3 = regiokpi::aggregate(store, {.period = regiokpi::period_type::day,
                                                .time = regiokpi::time_rule::sum,
                                                .space = regiokpi::space_rule::sum,
                                                .cumulative = true});
    print_time("q3", start);

    print_checksum("q1", q1);
    print_checksum("q2", q2);
    print_checksum("q3", q3);

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("peak_rss_kib %ld\n", usage.ru_maxrss);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "regiokpi_job: %s\n", e.what());
    return 1;
  }
}
