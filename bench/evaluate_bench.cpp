// Evaluating a large programme: 10,000 indicators of mixed kinds and rules (cumulative counts,
// averaged percentages, amounts that should fall, ratios, coverage over 20 regions, derived ratios)
// over a store of 10.1 M measurements, on one as-of date, with a forecast per indicator. Setup (the
// programme and the store) is built once outside the timed loop. Reports the time per evaluation and,
// as items per second, per indicator.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regiokpi/evaluate.hpp>
#include <regiokpi/programme_io.hpp>
#include <regiokpi/store_dir.hpp>
#include <string>
#include <vector>

namespace {

constexpr int n_indicators = 10'000;  // 10 pillars x 10 goals x 10 results x 10 indicators
constexpr int n_regions = 20;
constexpr int n_months = 51;  // 2019-01 .. 2023-03, so rows after the as-of date exist too

std::string indicator_id(int k) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "I%05d", k);
  return buf;
}

bool is_formula(int k) { return k % 100 == 98; }  // 1 %: derived, no rows of their own
bool is_coverage(int k) { return k % 50 == 49; }  // 2 %: members at or above a threshold

regiokpi::indicator make_indicator(int k) {
  using namespace regiokpi;
  indicator i;
  i.id = indicator_id(k);
  i.name = "indicator " + i.id;
  const date start = parse_date("2019-01-01");
  const date end = parse_date("2026-12-31");
  const date mid = parse_date("2022-12-31");
  if (is_formula(k)) {
    i.kind = measure_kind::ratio;
    i.unit = "per unit";
    i.formula = formula{{indicator_id(k - 1)}, {indicator_id(k - 2)}, 1};
    i.time_rule = time_rule::last;
    i.space_rule = space_rule::sum;
    i.baseline = baseline{start, 1.0, "illustrative"};
    i.targets = {target{target_kind::target, end, 1.5, target_basis::absolute, "", {}}};
    return i;
  }
  if (is_coverage(k)) {
    i.kind = measure_kind::percentage;
    i.unit = "%";
    i.time_rule = time_rule::last;
    i.space_rule = space_rule::coverage;
    i.coverage = coverage_rule{"region", "", 50, false};
    i.breakdowns = {breakdown{"region", ""}};
    i.baseline = baseline{start, 0, "illustrative"};
    i.targets = {target{target_kind::target, end, double{n_regions}, target_basis::absolute, "", {}}};
    return i;
  }
  switch (k % 4) {
    case 0:  // a count that accumulates: companies reached, jobs created
      i.kind = measure_kind::count;
      i.unit = "companies";
      i.cumulative = true;
      i.time_rule = time_rule::sum;
      i.space_rule = space_rule::sum;
      i.targets = {target{target_kind::milestone, mid, 4'000, target_basis::absolute, "", {}},
                   target{target_kind::target, end, 10'000, target_basis::absolute, "", {}}};
      break;
    case 1:  // a percentage averaged over the period and the regions
      i.kind = measure_kind::percentage;
      i.unit = "%";
      i.time_rule = time_rule::avg;
      i.space_rule = space_rule::avg;
      i.baseline = baseline{start, 40, "illustrative"};
      i.targets = {target{target_kind::target, end, 60, target_basis::absolute, "", {}}};
      break;
    case 2:  // an amount that should fall
      i.kind = measure_kind::amount;
      i.unit = "EUR";
      i.direction = direction::decrease;
      i.time_rule = time_rule::sum;
      i.space_rule = space_rule::sum;
      i.baseline = baseline{start, 20'000, "illustrative"};
      i.targets = {target{target_kind::target, end, -20, target_basis::percent_change, "", {}}};
      break;
    default:  // a ratio: the last value of the period, the best region
      i.kind = measure_kind::ratio;
      i.unit = "ratio";
      i.time_rule = time_rule::last;
      i.space_rule = space_rule::max;
      i.baseline = baseline{start, 1, "illustrative"};
      i.targets = {target{target_kind::target, end, 2, target_basis::absolute, "", {}}};
      break;
  }
  return i;
}

struct fixture {
  regiokpi::programme prog;
  regiokpi::measurement_store store;
};

// REGIOKPI_BENCH_WRITE=DIR writes the programme (DIR/programme.json) and the measurements as a store
// directory (DIR/store) and exits, for timing `regiokpi report` on them (bench/report_cli.sh).
void write_and_exit(const fixture& f, const char* dir) {
  const std::string d = dir;
  std::filesystem::create_directories(d);
  std::ofstream(d + "/programme.json") << regiokpi::write_programme(f.prog);
  regiokpi::store_save(f.store, d + "/store");
  std::printf("wrote %s/programme.json (%d indicators) and %s/store (%zu rows)\n", dir, n_indicators, dir,
              f.store.size());
  std::exit(0);
}

const fixture& data() {
  static const fixture f = [] {
    using namespace regiokpi;
    fixture out;
    programme& p = out.prog;
    p.id = "bench";
    p.name = "Evaluation benchmark";
    p.start = parse_date("2019-01-01");
    p.end = parse_date("2026-12-31");
    dimension region;
    region.id = "region";
    region.name = "Region";
    region.kind = dimension_kind::category;
    std::vector<std::string> members;
    for (int r = 0; r < n_regions; ++r) {
      members.push_back("r" + std::to_string(r));
      region.members.push_back(member{members.back(), members.back(), "", "", {}, {}});
    }
    p.dimensions.push_back(region);
    int k = 0;
    for (int a = 0; a < 10; ++a) {
      pillar pi{"P" + std::to_string(a), "pillar", "", {}, 1, {}};
      for (int b = 0; b < 10; ++b) {
        goal g{pi.id + "G" + std::to_string(b), "goal", "", {}, 1, {}};
        for (int c = 0; c < 10; ++c) {
          result r{g.id + "R" + std::to_string(c), "result", "", {}, 1, {}};
          for (int d = 0; d < 10; ++d) r.indicators.push_back(make_indicator(k++));
          g.results.push_back(std::move(r));
        }
        pi.goals.push_back(std::move(g));
      }
      p.pillars.push_back(std::move(pi));
    }

    // Month-end values per indicator and region: a level and a trend drawn per indicator, so some
    // indicators are ahead of plan and some behind, with noise.
    std::vector<date> months;
    for (int m = 0; m < n_months; ++m) {
      const int y = 2019 + m / 12;
      const int mo = m % 12 + 1;
      months.push_back(date::from_ymd(y, mo, detail::days_in_month(y, mo)));
    }
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> unit(0, 1);
    std::normal_distribution<double> noise(0, 0.05);
    const std::vector<std::string> dims{"region"};
    std::vector<std::string> ids;
    for (int i = 0; i < n_indicators; ++i) ids.push_back(indicator_id(i));
    std::vector<measurement> batch;
    batch.reserve(1'100'000);
    for (int i = 0; i < n_indicators; ++i) {
      if (is_formula(i)) continue;
      const double level = is_coverage(i) ? 30 : 10 + 90 * unit(rng);
      const double trend = (unit(rng) - 0.3) * 0.04;  // relative change per month
      for (int m = 0; m < n_months; ++m)
        for (int r = 0; r < n_regions; ++r) {
          double v = std::max(0.0, level * (1 + trend * m) * (1 + noise(rng)));
          if (is_coverage(i) || i % 4 == 1) v = std::min(v, 100.0);  // a percentage (make_indicator)
          batch.push_back(measurement{ids[static_cast<std::size_t>(i)],
                                      months[static_cast<std::size_t>(m)],
                                      {members[static_cast<std::size_t>(r)]},
                                      v});
        }
      if (batch.size() >= 1'000'000) {
        out.store.append(dims, batch);
        batch.clear();
      }
    }
    out.store.append(dims, batch);
    return out;
  }();
  if (const char* dir = std::getenv("REGIOKPI_BENCH_WRITE")) write_and_exit(f, dir);
  return f;
}

/// Argument 1: with the data-quality check (the report's default), 0: the evaluation alone.
void BM_evaluate_programme(benchmark::State& state) {
  const fixture& f = data();
  regiokpi::evaluation_settings s;
  s.as_of = regiokpi::parse_date("2022-12-31");
  s.data_quality = state.range(0) != 0;
  std::size_t forecasts = 0;
  for (auto _ : state) {
    const regiokpi::programme_report r = regiokpi::evaluate_programme(f.prog, f.store, s);
    forecasts = 0;
    for (const auto& i : r.indicators) forecasts += i.forecast.value.has_value();
    benchmark::DoNotOptimize(r.nodes.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * n_indicators);
  state.counters["rows"] = static_cast<double>(f.store.size());
  state.counters["indicators"] = n_indicators;
  state.counters["forecasts"] = static_cast<double>(forecasts);
}

}  // namespace

BENCHMARK(BM_evaluate_programme)
    ->ArgName("data_quality")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->MinTime(5.0);
