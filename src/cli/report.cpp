// regiokpi report PROGRAMME.json MEASUREMENTS.csv --as-of DATE [--format json|csv|md|html|sdmx-csv|xlsx]
//  [--dataflow AGENCY:ID(VERSION)] [--output FILE]
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <regiokpi/evaluate.hpp>
#include <regiokpi/export.hpp>
#include <regiokpi/programme_io.hpp>
#include <regiokpi/report.hpp>
#include <regiokpi/sdmx.hpp>
#include <string>
#include <vector>

#include "command.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {
namespace report_command {

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
class progress_bar {
 public:
  progress_bar() : enabled_(::isatty(2) == 1) {}
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;
  ~progress_bar() { finish(); }
  void show(const char* what, std::size_t done, std::size_t total) {
    if (!enabled_ || total == 0) return;
    const std::size_t width = 30;
    const std::size_t filled = done * width / total;
    std::fprintf(stderr, "\r%-12s [%-*s] %3zu%%", what, static_cast<int>(width), std::string(filled, '#').c_str(),
                 done * 100 / total);
    std::fflush(stderr);
    drawn_ = true;
  }
  void finish() {
    if (drawn_) std::fprintf(stderr, "\r%*s\r", 60, "");
    drawn_ = false;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
};

struct options {
  std::string programme_path;
  std::string measurements_path;
  std::string as_of;
  std::string as_recorded_on;
  std::string format = "md";
  std::string output = "-";
  std::string trajectory = "linear";
  std::string period = "quarter";
  std::string trend;
  std::string method = "auto";
  std::string forecast_at;
  double level = 0.9;
  int fy_first_month = 1;
  std::string status_method;
  std::string dataflow;  ///< sdmx-csv: the STRUCTURE_ID; empty: REGIOKPI:<programme id>(1.0)
};

int run(const options& o) {
  evaluation_settings s;
  try {
    s.as_of = parse_date(o.as_of);
    if (!o.as_recorded_on.empty()) s.as_recorded_on = parse_date(o.as_recorded_on);
    s.series_period = parse_period_type(o.period);
  } catch (const regiokpi::error& e) {
    throw usage_error(e.what());
  }
  if (o.trajectory == "linear")
    s.shape = trajectory_shape::linear;
  else if (o.trajectory == "stepwise")
    s.shape = trajectory_shape::stepwise;
  else if (o.trajectory == "s_curve" || o.trajectory == "s-curve")
    s.shape = trajectory_shape::s_curve;
  else if (o.trajectory == "growth")
    s.shape = trajectory_shape::growth;
  else
    throw usage_error("--trajectory: " + o.trajectory + " is not linear, stepwise, s_curve or growth");
  if (o.fy_first_month < 1 || o.fy_first_month > 12) throw usage_error("--fy-first-month must be 1..12");
  s.fy_first_month = o.fy_first_month;
  if (o.format == "xlsx" && o.output == "-" && ::isatty(1) == 1)
    throw usage_error("--format xlsx writes a binary workbook: give --output FILE.xlsx (or redirect standard output)");
  if (!o.dataflow.empty() && o.format != "sdmx-csv") throw usage_error("--dataflow needs --format sdmx-csv");
  if (o.format == "sdmx-csv") {
    try {
      if (!o.dataflow.empty()) check_sdmx_dataflow(o.dataflow);
    } catch (const regiokpi::error& e) {
      throw usage_error(std::string("--dataflow: ") + e.what());
    }
    if (s.series_period == period_type::financial_year && s.fy_first_month != 1)
      throw usage_error("--format sdmx-csv: a financial year starting in month " + std::to_string(s.fy_first_month) +
                        " has no SDMX period form; use --fy-first-month 1 (the calendar year) or another --period");
  }
  if (o.status_method == "growth_ratio")
    s.status_method = status_method::growth_ratio;
  else if (o.status_method == "plan")
    s.status_method = status_method::plan;
  else if (!o.status_method.empty())
    throw usage_error("--status-method: " + o.status_method + " is not plan or growth_ratio");
  // --trend (before issue 11) names a method too: linear or log_linear.
  const std::string method = o.trend.empty() ? o.method : (o.trend == "log-linear" ? "log_linear" : o.trend);
  if (const auto m = parse_forecast_method(method))
    s.method = *m;
  else
    throw usage_error("--method: " + method + " is not auto, naive, drift, linear, log_linear, ses, damped or theta");
  if (!o.forecast_at.empty()) {
    const auto d = try_parse_date(o.forecast_at);
    if (!d) throw usage_error("--forecast-at: " + o.forecast_at + " is not a date (YYYY-MM-DD)");
    s.forecast_at = *d;
  }
  if (!(o.level > 0 && o.level < 1)) throw usage_error("--level must be between 0 and 1");
  s.forecast_level = o.level;

  progress_bar bar;
  const auto [prog, store] = load_programme_and_measurements(
      o.programme_path, o.measurements_path, [&bar](std::uint64_t done, std::uint64_t total) {
        bar.show("reading", static_cast<std::size_t>(done), static_cast<std::size_t>(total));
      });
  s.progress = [&bar](std::size_t done, std::size_t total) { bar.show("evaluating", done, total); };
  const programme_report rep = evaluate_programme(prog, store, s);
  bar.finish();

  if (o.format == "json") {
    write_output(o.output, [&](const output_sink& put) { write_report_json(rep, put); });
    return exit_ok;
  }
  std::string out;
  if (o.format == "csv")
    out = report_to_csv(rep);
  else if (o.format == "sdmx-csv")
    out = report_to_sdmx_csv(rep, o.dataflow);
  else if (o.format == "xlsx")
    out = report_to_xlsx(rep);
  else if (o.format == "md" || o.format == "markdown")
    out = report_to_markdown(rep);
  else
    out = report_to_html(rep);
  write_output(o.output, out);
  return exit_ok;
}

const bool registered = register_command(
    {"report", "Evaluate a programme against its measurements on a date and write the report",
     [](CLI::App& app) -> std::function<int()> {
       auto o = std::make_shared<options>();
       app.add_option("programme", o->programme_path, "Programme definition (JSON)")->required();
       app.add_option("measurements", o->measurements_path, "Measurements: a CSV file or a store directory")
           ->required();
       app.add_option("--as-of", o->as_of, "Evaluate on this date (YYYY-MM-DD)")->required();
       app.add_option("--as-recorded-on", o->as_recorded_on,
                      "Use only what was recorded on or before this date (YYYY-MM-DD)");
       app.add_option("--format", o->format,
                      "json, csv, md, html, sdmx-csv (the series, docs/sdmx.md) or xlsx (an Excel workbook)")
           ->check(CLI::IsMember({"json", "csv", "md", "markdown", "html", "sdmx-csv", "xlsx"}))
           ->capture_default_str();
       app.add_option("--dataflow", o->dataflow,
                      "sdmx-csv: the STRUCTURE_ID, AGENCY:ID(VERSION) (default REGIOKPI:<programme id>(1.0))");
       app.add_option("--output,-o", o->output, "Output file (written atomically); - for stdout")
           ->capture_default_str();
       app.add_option("--status-method", o->status_method,
                      "plan (against the planned trajectory) or growth_ratio (Open SDG's progress measure)");
       app.add_option("--fy-first-month", o->fy_first_month,
                      "First month (1..12) of the financial year, for --period financial_year")
           ->capture_default_str();
       app.add_option("--trajectory", o->trajectory, "Planned path: linear, stepwise, s_curve or growth")
           ->capture_default_str();
       app.add_option("--period", o->period, "Period of the series: month, quarter, half_year, year ...")
           ->capture_default_str();
       app.add_option("--method", o->method,
                      "Forecast method: auto, naive, drift, linear, log_linear, ses, damped, theta")
           ->capture_default_str();
       app.add_option("--trend", o->trend, "Forecast method linear or log_linear (older name of --method)");
       app.add_option("--forecast-at", o->forecast_at,
                      "Project forecasts to this date (YYYY-MM-DD; default: each indicator's final target date)");
       app.add_option("--level", o->level, "Prediction interval level")->capture_default_str();
       return [o] { return run(*o); };
     }});

}  // namespace report_command
}  // namespace cli
REGIOKPI_END_NAMESPACE
