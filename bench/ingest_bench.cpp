// CSV ingest into the measurement store: bytes and rows per second, one thread and all threads.
// Data: the shape of bench/peers/generate.py (2,000 indicators, 12 municipalities, 6 sectors, dates
// 2019-2023 in random order, two-decimal values), 1 M rows generated in memory.
//   build/release/bench/ingest_bench --benchmark_filter=BM_ingest
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <regiokpi/ingest.hpp>
#include <string>

namespace {

const std::string& csv() {
  static const std::string text = [] {
    static const char* const munis[] = {"Aa en Hunze",    "Assen",       "Borger-Odoorn", "Coevorden",
                                        "De Wolden",      "Emmen",       "Hoogeveen",     "Meppel",
                                        "Midden-Drenthe", "Noordenveld", "Tynaarlo",      "Westerveld"};
    static const char* const sectors[] = {"landbouw", "industrie", "bouw", "handel", "zorg", "onderwijs"};
    std::mt19937_64 rng(4);
    const std::int32_t first = regiokpi::parse_date("2019-01-01").day_number();
    std::string out = "indicator,date,municipality,sector,value\n";
    char line[128];
    for (int i = 0; i < 1'000'000; ++i) {
      const auto cents = static_cast<long>(rng() % 100'000);
      const int n = std::snprintf(
          line, sizeof line, "rd%04d,%s,%s,%s,%s%ld.%02ld\n", static_cast<int>(rng() % 2000) + 1,
          regiokpi::format_date(regiokpi::date::from_day_number(first + static_cast<std::int32_t>(rng() % 1826)))
              .c_str(),
          munis[rng() % 12], sectors[rng() % 6], rng() % 50 == 0 ? "-" : "", cents / 100, cents % 100);
      out.append(line, static_cast<std::size_t>(n));
    }
    return out;
  }();
  return text;
}

void BM_ingest(benchmark::State& state) {
  const std::string& text = csv();
  regiokpi::ingest_options o;
  o.threads = static_cast<unsigned>(state.range(0));
  std::size_t rows = 0;
  for (auto _ : state) {
    regiokpi::measurement_store store;
    rows = regiokpi::ingest_csv(store, text, o).rows;
    benchmark::DoNotOptimize(store.size());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows) * static_cast<double>(state.iterations()),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ingest)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
