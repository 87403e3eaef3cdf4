// Which indicators are behind schedule, and by how much will they miss their target? The program an
// analyst writes with regiokpi: load a programme and its measurements, evaluate on an as-of date, and
// list the indicators at risk or off track with the forecast at their final target date.
//   example-analyst-report [PROGRAMME.json [MEASUREMENTS.csv [AS_OF]]]   (default: the Regio Deal, 2022-12-31)
#include <cstdio>
#include <optional>
#include <regiokpi/evaluate.hpp>
#include <regiokpi/ingest.hpp>
#include <regiokpi/programme_io.hpp>
#include <string>

namespace {

// Missing numbers stay visibly missing ("-"): the library never makes one up, neither should we.
std::string number(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", *v);
  return buf;
}

std::string day(const std::optional<regiokpi::date>& d) { return d ? regiokpi::format_date(*d) : "-"; }

}  // namespace

int main(int argc, char** argv) {
  const std::string programme_path = argc > 1 ? argv[1] : "examples/regio-deal-zod/programme.json";
  const std::string measurements_path = argc > 2 ? argv[2] : "examples/regio-deal-zod/measurements.csv";
  const std::string as_of = argc > 3 ? argv[3] : "2022-12-31";
  try {
    const regiokpi::programme prog = regiokpi::read_programme_file(programme_path);
    regiokpi::measurement_store store;
    regiokpi::ingest_options io;
    io.programme = &prog;  // rows naming unknown indicators or members are errors, not silently ignored
    regiokpi::ingest_csv_file(store, measurements_path, io);

    regiokpi::evaluation_settings settings;
    settings.as_of = regiokpi::parse_date(as_of);
    const regiokpi::programme_report report = regiokpi::evaluate_programme(prog, store, settings);

    std::printf("%s on %s: indicators behind schedule\n\n", report.programme_name.c_str(), as_of.c_str());
    std::printf("%-34s %-9s %10s %10s %10s %10s %10s %10s\n", "indicator", "status", "actual", "expected", "target",
                "due", "forecast", "shortfall");
    std::size_t behind = 0;
    for (const regiokpi::indicator_report& i : report.indicators) {
      const regiokpi::indicator_progress& p = i.progress;
      if (p.status != regiokpi::progress_status::at_risk && p.status != regiokpi::progress_status::off_track) continue;
      ++behind;
      // expected: where the planned trajectory says the indicator should be by now; forecast: the
      // trend projected to the final target date; shortfall: how far that misses the target (> 0 misses).
      std::printf("%-34s %-9s %10s %10s %10s %10s %10s %10s\n", i.id.c_str(),
                  std::string(regiokpi::to_string(p.status)).c_str(), number(p.actual).c_str(),
                  number(p.expected).c_str(), number(p.final_target).c_str(), day(p.final_target_date).c_str(),
                  number(i.forecast.value).c_str(), number(i.forecast.shortfall).c_str());
    }
    std::printf("\n%zu of %zu indicators behind schedule\n", behind, report.indicators.size());
  } catch (const regiokpi::error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
