// Data quality over 10 M measurements: 2,000 count indicators reported quarterly by 100 regions (a
// `reporting` block due 20 days after the quarter), one row per region and month for 50 months with a
// recorded_at (every 97th row late, every 89th without one), every 1,000th a revision, and 200 validation
// rules (one per pair of neighbouring indicators, per member). The programme and the store are built once
// outside the timed loop. Reports the time per check and, as items per second, per row; the cost should
// grow linearly with the rows (docs/data-quality.md). Run: build/<preset>/bench/quality_bench.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <regiokpi/quality.hpp>
#include <string>
#include <vector>

namespace {

constexpr int n_indicators = 2'000;  // 20 pillars x 10 goals x 10 results
constexpr int n_regions = 100;
constexpr int n_months = 50;  // 2019-01 .. 2023-02
constexpr int n_rules = 200;

std::string indicator_id(int k) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "I%05d", k);
  return buf;
}

std::string region_id(int r) { return "r" + std::to_string(r); }

regiokpi::programme make_programme() {
  using namespace regiokpi;
  programme p;
  p.id = "bench";
  p.name = "Quality bench";
  p.start = parse_date("2019-01-01");
  p.end = parse_date("2026-12-31");
  dimension d;
  d.id = "region";
  d.name = "Region";
  d.kind = dimension_kind::category;
  for (int r = 0; r < n_regions; ++r) d.members.push_back({region_id(r), region_id(r), "", "", {}, {}});
  p.dimensions.push_back(std::move(d));
  int k = 0;
  for (int a = 0; a < 20; ++a) {
    pillar pi{"P" + std::to_string(a), "P", "", {}, 1, {}};
    for (int b = 0; b < 10; ++b) {
      goal g{pi.id + "G" + std::to_string(b), "G", "", {}, 1, {}};
      for (int c = 0; c < 10; ++c) {
        result re{g.id + "R" + std::to_string(c), "R", "", {}, 1, {}};
        indicator i;
        i.id = indicator_id(k++);
        i.name = "indicator " + i.id;
        i.unit = "companies";
        i.time_rule = time_rule::sum;
        i.space_rule = space_rule::sum;
        i.cumulative = true;
        i.breakdowns = {{"region", ""}};
        i.reporting = reporting_rule{period_type::quarter, {{"region", ""}}, 20};
        i.max = 60;
        re.indicators.push_back(std::move(i));
        g.results.push_back(std::move(re));
      }
      pi.goals.push_back(std::move(g));
    }
    p.pillars.push_back(std::move(pi));
  }
  for (int r = 0; r < n_rules; ++r) {
    validation_rule v;
    v.id = "rule" + std::to_string(r);
    v.name = "rule";
    v.left = {{1, indicator_id(2 * r + 1)}};
    v.right = {{2, indicator_id(2 * r)}};
    p.validation_rules.push_back(std::move(v));
  }
  return p;
}

regiokpi::measurement_store make_store() {
  using namespace regiokpi;
  measurement_store store;
  std::vector<std::string> ids, regions;
  for (int k = 0; k < n_indicators; ++k) ids.push_back(indicator_id(k));
  for (int r = 0; r < n_regions; ++r) regions.push_back(region_id(r));
  std::vector<date> month_end;
  for (int m = 0; m < n_months; ++m) {
    const int y = 2019 + m / 12;
    const int mo = m % 12 + 1;
    month_end.push_back(date::from_ymd(y + (mo == 12 ? 1 : 0), mo % 12 + 1, 1) - days{1});
  }
  std::vector<measurement> batch;
  std::uint64_t n = 0;
  for (int k = 0; k < n_indicators; ++k) {
    batch.clear();
    for (int r = 0; r < n_regions; ++r)
      for (int m = 0; m < n_months; ++m, ++n) {
        measurement x;
        x.indicator = ids[static_cast<std::size_t>(k)];
        x.when = month_end[static_cast<std::size_t>(m)];
        x.coordinates = {regions[static_cast<std::size_t>(r)]};
        x.value = static_cast<double>((n * 2654435761u) % 7);
        if (n % 89 != 0) x.recorded_at = x.when + days{n % 97 == 0 ? 120 : 10};
        if (n % 1000 == 0) x.revision = 1;
        batch.push_back(std::move(x));
      }
    store.append({"region"}, batch);
  }
  return store;
}

void BM_CheckQuality(benchmark::State& state) {
  static const regiokpi::programme prog = make_programme();
  static const regiokpi::measurement_store store = make_store();
  const regiokpi::quality_settings settings{.as_of = regiokpi::parse_date("2022-12-31")};
  std::size_t findings = 0;
  for (auto _ : state) {
    const regiokpi::quality_report q = regiokpi::check_quality(prog, store, settings);
    findings = q.findings_at_least(regiokpi::importance::low);
    benchmark::DoNotOptimize(findings);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(store.size()));
  state.counters["rows"] = static_cast<double>(store.size());
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_CheckQuality)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
