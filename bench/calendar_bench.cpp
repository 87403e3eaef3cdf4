// Assigning dates to periods: the hot path of every aggregation. Reports dates per second.
#include <benchmark/benchmark.h>

#include <random>
#include <regiokpi/calendar.hpp>
#include <vector>

namespace {

const std::vector<std::int32_t>& dates() {
  static const std::vector<std::int32_t> v = [] {
    // 10 million random dates in 2019..2023, the span of a programme.
    std::mt19937 rng(42);
    std::uniform_int_distribution<std::int32_t> dist(regiokpi::parse_date("2019-01-01").day_number(),
                                                     regiokpi::parse_date("2023-12-31").day_number());
    std::vector<std::int32_t> out(10'000'000);
    for (auto& x : out) x = dist(rng);
    return out;
  }();
  return v;
}

void BM_assign_periods(benchmark::State& state) {
  const auto type = static_cast<regiokpi::period_type>(state.range(0));
  const auto& in = dates();
  std::vector<std::int32_t> out(in.size());
  for (auto _ : state) {
    regiokpi::assign_periods(type, in, out, 4);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(in.size()));
  state.SetLabel(std::string(regiokpi::to_string(type)));
}
BENCHMARK(BM_assign_periods)->DenseRange(0, 6)->Unit(benchmark::kMillisecond);

// The Boost.Gregorian way, for comparison: what the hot path avoids.
void BM_assign_quarters_via_boost(benchmark::State& state) {
  const auto& in = dates();
  std::vector<std::int32_t> out(1'000'000);
  const boost::gregorian::date epoch(1970, 1, 1);
  for (auto _ : state) {
    for (std::size_t i = 0; i < out.size(); ++i) {
      const auto g = epoch + boost::gregorian::days(in[i]);
      out[i] = static_cast<std::int32_t>(g.year()) * 4 + (g.month().as_number() - 1) / 3;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(out.size()));
}
BENCHMARK(BM_assign_quarters_via_boost)->Unit(benchmark::kMillisecond);

}  // namespace
