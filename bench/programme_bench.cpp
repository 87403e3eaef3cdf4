// Loading a large programme definition: a generated programme of 1,000 indicators (10 pillars x 5 goals
// x 4 results x 5 indicators, a fifth of them derived by formulas), 400 municipalities with yearly
// population and household figures, and a funding plan split pro rata over them.
//   cmake --build build/release --target programme_bench && build/release/bench/programme_bench
#include <benchmark/benchmark.h>

#include <regiokpi/programme_io.hpp>
#include <string>

namespace {

// prefix + number without `"literal" + std::string&&`, which trips GCC 12's -Wrestrict false positive.
std::string name(std::string prefix, int n) {
  prefix += std::to_string(n);
  return prefix;
}

regiokpi::programme generated(int pillars, int goals, int results, int indicators, int municipalities) {
  using namespace regiokpi;
  programme p;
  p.id = "generated";
  p.name = "Generated programme";
  p.start = parse_date("2021-01-01");
  p.end = parse_date("2029-12-31");
  dimension region;
  region.id = "region";
  region.name = "Region";
  region.kind = dimension_kind::hierarchy;
  region.levels = {"province", "municipality"};
  for (int v = 0; v < 12; ++v)
    region.members.push_back({name("prov", v), name("Province ", v), "province", "", {}, {}});
  for (int m = 0; m < municipalities; ++m) {
    member x{name("m", m), name("Municipality ", m), "municipality", name("prov", m % 12), {}, {}};
    for (int y = 2019; y <= 2023; ++y) {
      x.attributes["population"].push_back({date::from_ymd(y, 1, 1), 10000.0 + m * 37 + y, "generated"});
      x.attributes["households"].push_back({date::from_ymd(y, 1, 1), 4500.0 + m * 17 + y, "generated"});
    }
    region.members.push_back(std::move(x));
  }
  p.dimensions.push_back(std::move(region));
  programme_funding f;
  f.plan.contributions = {fixed_contribution("national", amount::from_units(50'000'000)),
                          share_contribution("regional", "national", {1, 1}),
                          share_contribution("province", "regional", {1, 2}),
                          remainder_contribution("municipalities", "regional", {"province"})};
  f.pools = {"regional"};
  f.splits["municipalities"] = {"region", "municipality", "population", parse_date("2021-01-01")};
  for (int m = 0; m < municipalities; ++m)
    f.plan.contributions[3].members.push_back(
        {name("m", m), decimal{10000 + m * 37 + 2021}});  // what the split gives for 2021
  p.funding = std::move(f);
  int n = 0;
  for (int a = 0; a < pillars; ++a) {
    pillar pi{name("P", a), name("Pillar ", a), "", {}, 1, {}};
    for (int b = 0; b < goals; ++b) {
      goal g{pi.id + name(".G", b), "Goal", "", {}, 1, {}};
      for (int c = 0; c < results; ++c) {
        result r{g.id + name(".R", c), "Result", "A result measured by five indicators", {"generated"}, 1, {}};
        for (int d = 0; d < indicators; ++d, ++n) {
          indicator i;
          i.id = name("I", n);
          i.name = name("Indicator ", n);
          i.kind = measure_kind::count;
          i.unit = "companies";
          i.direction = direction::increase;
          i.baseline = baseline{parse_date("2021-01-01"), 10, "generated"};
          i.targets = {{target_kind::milestone, parse_date("2024-12-31"), 50, target_basis::absolute, "", {}},
                       {target_kind::target, parse_date("2029-12-31"), 100, target_basis::absolute, "", {}}};
          i.time_rule = time_rule::sum;
          i.cumulative = true;
          i.breakdowns = {{"region", "municipality"}};
          if (d == 4) {  // the fifth of each result: per 1,000 of the sum of the other four
            i.kind = measure_kind::ratio;
            i.unit = "per 1,000";
            i.cumulative = false;
            i.time_rule = time_rule::last;
            i.space_rule = space_rule::weighted_avg;
            i.weight_attribute = "households";
            i.targets.clear();
            i.formula = formula{{name("I", n - 4), name("I", n - 3)}, {name("I", n - 2), name("I", n - 1)}, 1000};
          }
          r.indicators.push_back(std::move(i));
        }
        g.results.push_back(std::move(r));
      }
      pi.goals.push_back(std::move(g));
    }
    p.pillars.push_back(std::move(pi));
  }
  return p;
}

const std::string& thousand_indicator_text() {
  static const std::string text = regiokpi::write_programme(generated(10, 5, 4, 5, 400));
  return text;
}

void BM_ReadProgramme1000Indicators(benchmark::State& state) {
  const std::string& text = thousand_indicator_text();
  for (auto _ : state) {
    regiokpi::programme p = regiokpi::read_programme(text);
    benchmark::DoNotOptimize(p);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
  state.counters["indicators"] = 1000;
  state.counters["json_bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_ReadProgramme1000Indicators)->Unit(benchmark::kMillisecond);

void BM_WriteProgramme1000Indicators(benchmark::State& state) {
  const regiokpi::programme p = regiokpi::read_programme(thousand_indicator_text());
  for (auto _ : state) {
    std::string text = regiokpi::write_programme(p);
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_WriteProgramme1000Indicators)->Unit(benchmark::kMillisecond);

void BM_ValidateProgramme1000Indicators(benchmark::State& state) {
  const regiokpi::programme p = regiokpi::read_programme(thousand_indicator_text());
  for (auto _ : state) regiokpi::validate_programme(p);
}
BENCHMARK(BM_ValidateProgramme1000Indicators)->Unit(benchmark::kMillisecond);

void BM_FindIndicator(benchmark::State& state) {
  const regiokpi::programme p = regiokpi::read_programme(thousand_indicator_text());
  int k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(p.find_indicator(name("I", k)));
    k = (k + 1) % 1000;
  }
}
BENCHMARK(BM_FindIndicator);

}  // namespace
