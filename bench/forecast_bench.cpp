// Forecasting many indicators: fit a trend to each of 10,000 series of 40 points, project it to a
// target date with a 90 % interval and find the date it reaches its target. Reports series per second
// (the per-series time is 1 / that).
#include <benchmark/benchmark.h>

#include <random>
#include <regiokpi/forecast.hpp>
#include <vector>

namespace {

struct series_set {
  std::vector<regiokpi::date> dates;  // 40 per series, concatenated
  std::vector<double> values;
  std::size_t count = 0;
  static constexpr std::size_t length = 40;
};

const series_set& series() {
  static const series_set s = [] {
    // Monthly points from 2019-09 with a random level, trend and noise: a programme's indicators.
    series_set out;
    out.count = 10'000;
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> level(50, 5000);
    std::uniform_real_distribution<double> trend(-0.01, 0.03);  // relative change per month
    std::normal_distribution<double> noise(0, 0.02);
    const auto start = regiokpi::parse_date("2019-09-30");
    for (std::size_t k = 0; k < out.count; ++k) {
      const double l = level(rng);
      const double t = trend(rng);
      for (std::size_t i = 0; i < series_set::length; ++i) {
        out.dates.push_back(start + regiokpi::days{static_cast<std::int32_t>(i * 30 + i % 3)});
        out.values.push_back(l * (1 + t * static_cast<double>(i)) * (1 + noise(rng)));
      }
    }
    return out;
  }();
  return s;
}

void run(benchmark::State& state, regiokpi::trend_model model) {
  const auto& s = series();
  const auto target_date = regiokpi::parse_date("2026-12-31");
  const auto as_of = regiokpi::parse_date("2022-12-31");
  double sink = 0;
  for (auto _ : state) {
    for (std::size_t k = 0; k < s.count; ++k) {
      const std::span<const regiokpi::date> dates(s.dates.data() + k * series_set::length, series_set::length);
      const std::span<const double> values(s.values.data() + k * series_set::length, series_set::length);
      const auto fit = regiokpi::fit_trend(dates, values, model);
      const auto p = regiokpi::project(fit, target_date);
      const auto e =
          regiokpi::reach_date(fit, values[0] * 1.5, regiokpi::trend_direction::increase, as_of, target_date);
      sink += p.high.value_or(0) + static_cast<double>(e.when ? e.when->day_number() : 0);
    }
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(s.count));
}

void BM_fit_project_eta_linear(benchmark::State& state) { run(state, regiokpi::trend_model::linear); }
BENCHMARK(BM_fit_project_eta_linear)->Unit(benchmark::kMillisecond);

void BM_fit_project_eta_log_linear(benchmark::State& state) { run(state, regiokpi::trend_model::log_linear); }
BENCHMARK(BM_fit_project_eta_log_linear)->Unit(benchmark::kMillisecond);

// The t quantile alone, which project() computes once per call.
void BM_student_t_quantile(benchmark::State& state) {
  double dof = 1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(regiokpi::student_t_quantile(0.95, dof));
    dof = dof < 60 ? dof + 1 : 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_student_t_quantile);

}  // namespace
