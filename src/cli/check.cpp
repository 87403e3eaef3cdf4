// `regiokpi check PROGRAMME.json MEASUREMENTS.csv [--as-of DATE] [--format text|json|csv]
// [--fail-on high|medium|low] [--output FILE]`: the data-quality findings (quality.hpp,
// docs/data-quality.md). Exit 0 when the check ran; 5 with --fail-on when a finding of that importance
// or worse exists.
#include <chrono>
#include <regiokpi/export.hpp>
#include <regiokpi/programme_io.hpp>
#include <regiokpi/quality.hpp>

#include "command.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {
namespace check_command {

struct options {
  std::string programme_path;
  std::string measurements_path;
  std::string as_of;
  std::string as_recorded_on;
  std::string format = "text";
  std::string fail_on;
  std::string output = "-";
  double threshold = 3.5;
};

date today() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return date::from_day_number(static_cast<std::int32_t>(now.time_since_epoch().count()));
}

int run(const options& o) {
  quality_settings qs;
  qs.as_of = date_option(o.as_of, "--as-of").value_or(today());
  qs.as_recorded_on = date_option(o.as_recorded_on, "--as-recorded-on");
  if (!(o.threshold > 0)) throw usage_error("--outlier-threshold must be a positive number");
  qs.outlier_threshold = o.threshold;
  std::optional<importance> fail_on;
  if (o.fail_on == "high")
    fail_on = importance::high;
  else if (o.fail_on == "medium")
    fail_on = importance::medium;
  else if (o.fail_on == "low")
    fail_on = importance::low;

  const auto [prog, store] = load_programme_and_measurements(o.programme_path, o.measurements_path);
  const quality_report q = check_quality(prog, store, qs);
  const std::string out = o.format == "json"  ? quality_to_json(q)
                          : o.format == "csv" ? quality_to_csv(q)
                                              : quality_to_text(q);
  write_output(o.output, out);
  return fail_on && q.findings_at_least(*fail_on) > 0 ? exit_findings : exit_ok;
}

const bool registered = register_command(
    {"check", "Check the measurements' quality: completeness, timeliness, outliers, validation rules, revisions",
     [](CLI::App& app) -> std::function<int()> {
       auto o = std::make_shared<options>();
       app.add_option("programme", o->programme_path, "Programme definition (JSON)")->required();
       app.add_option("measurements", o->measurements_path, "Measurements: a CSV file or a store directory")
           ->required();
       app.add_option("--as-of", o->as_of, "Check on this date (YYYY-MM-DD; default today)");
       app.add_option("--as-recorded-on", o->as_recorded_on,
                      "Use only what was recorded on or before this date (YYYY-MM-DD)");
       app.add_option("--format", o->format, "text, json or csv")
           ->check(CLI::IsMember({"text", "json", "csv"}))
           ->capture_default_str();
       app.add_option("--fail-on", o->fail_on, "Exit 5 when a finding of this importance or worse exists")
           ->check(CLI::IsMember({"high", "medium", "low"}));
       app.add_option("--outlier-threshold", o->threshold, "Modified z-score above which a change is an outlier")
           ->capture_default_str();
       app.add_option("--output,-o", o->output, "Output file (written atomically); - for stdout")
           ->capture_default_str();
       return [o] { return run(*o); };
     }});

}  // namespace check_command
}  // namespace cli
REGIOKPI_END_NAMESPACE
