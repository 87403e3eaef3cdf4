// Apportioning among a million members, per weight type and arithmetic path, and amount text I/O.
//   cmake --preset release -B build/rel && cmake --build build/rel --target money_bench
//   build/rel/bench/money_bench --benchmark_filter=Apportion
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <regiokpi/money.hpp>
#include <string>
#include <vector>

using namespace regiokpi;

namespace {

constexpr std::size_t million = 1'000'000;
constexpr std::int64_t million_items = 1'000'000;

std::vector<std::int64_t> populations(std::size_t n, std::int64_t max) {
  std::mt19937_64 rng(2019);
  std::vector<std::int64_t> w(n);
  for (auto& x : w) x = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(max));
  return w;
}

// Euros in cents times populations: every product fits in 64 bits (the fast path).
void BM_ApportionMillionInt64(benchmark::State& state) {
  const auto w = populations(million, 1'000'000);
  const amount total = parse_amount("123456789.01");
  for (auto _ : state) benchmark::DoNotOptimize(apportion_minor_units(total.minor_units(), w));
  state.SetItemsProcessed(state.iterations() * million_items);
}
BENCHMARK(BM_ApportionMillionInt64)->Unit(benchmark::kMillisecond);

// Weights up to 2^40 and a large total: the products need 128 bits.
void BM_ApportionMillionInt128(benchmark::State& state) {
  const auto w = populations(million, std::int64_t{1} << 40);
  const std::int64_t total = std::int64_t{1} << 60;
  for (auto _ : state) benchmark::DoNotOptimize(apportion_minor_units(total, w));
  state.SetItemsProcessed(state.iterations() * million_items);
}
BENCHMARK(BM_ApportionMillionInt128)->Unit(benchmark::kMillisecond);

// Exact decimal weights with up to three decimals (aligned to one scale, then the int64 path).
void BM_ApportionMillionDecimal(benchmark::State& state) {
  const auto p = populations(million, 1'000'000);
  std::vector<decimal> w;
  w.reserve(million);
  for (std::size_t i = 0; i < million; ++i) w.push_back(decimal::from_coefficient(p[i], static_cast<int>(i % 4)));
  const amount total = parse_amount("123456789.01");
  for (auto _ : state) benchmark::DoNotOptimize(apportion(total, w));
  state.SetItemsProcessed(state.iterations() * million_items);
}
BENCHMARK(BM_ApportionMillionDecimal)->Unit(benchmark::kMillisecond);

// Double weights taken at their exact binary values.
void BM_ApportionMillionDouble(benchmark::State& state) {
  const auto p = populations(million, 1'000'000);
  std::vector<double> w(p.begin(), p.end());
  for (auto& x : w) x /= 7.0;
  const amount total = parse_amount("123456789.01");
  for (auto _ : state) benchmark::DoNotOptimize(apportion(total, w));
  state.SetItemsProcessed(state.iterations() * million_items);
}
BENCHMARK(BM_ApportionMillionDouble)->Unit(benchmark::kMillisecond);

// The cpp_int fallback: double weights 300 binary orders of magnitude apart.
void BM_ApportionBigIntFallback(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto p = populations(n, 1'000'000);
  std::vector<double> w;
  for (std::size_t i = 0; i < n; ++i) w.push_back(std::ldexp(static_cast<double>(p[i]), i % 2 ? 150 : -150));
  const amount total = parse_amount("123456789.01");
  for (auto _ : state) benchmark::DoNotOptimize(apportion(total, w));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ApportionBigIntFallback)->Arg(10'000)->Unit(benchmark::kMillisecond);

void BM_ParseAmount(benchmark::State& state) {
  const std::string text = "-1234567.89";
  for (auto _ : state) benchmark::DoNotOptimize(parse_amount(text));
}
BENCHMARK(BM_ParseAmount);

void BM_FormatAmountGrouped(benchmark::State& state) {
  const amount a = parse_amount("-1234567.89");
  for (auto _ : state) benchmark::DoNotOptimize(format_amount(a, grouped_format));
}
BENCHMARK(BM_FormatAmountGrouped);

}  // namespace
