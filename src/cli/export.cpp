// regiokpi export iati PROGRAMME.json MEASUREMENTS.csv --as-of DATE --reporting-org REF
//  [--reporting-org-name NAME] [--reporting-org-type CODE] [--period quarter] [--as-recorded-on DATE]
//  [--output FILE]   (docs/iati.md)
#include <memory>
#include <regiokpi/iati.hpp>
#include <regiokpi/programme_io.hpp>
#include <string>

#include "command.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {
namespace export_command {

struct options {
  std::string programme_path;
  std::string measurements_path;
  std::string as_of;
  std::string as_recorded_on;
  std::string reporting_org;
  std::string reporting_org_name;
  std::string reporting_org_type = "10";
  std::string period = "quarter";
  std::string output = "-";
};

int run(const options& o) {
  iati_export_options e;
  try {
    e.as_of = parse_date(o.as_of);
    e.period = parse_period_type(o.period);
  } catch (const regiokpi::error& err) {
    throw usage_error(err.what());
  }
  e.as_recorded_on = date_option(o.as_recorded_on, "--as-recorded-on");
  if (e.period == period_type::financial_year)
    throw usage_error(
        "--period financial_year: IATI periods are calendar dates; use year, half_year, quarter or month");
  if (o.reporting_org.empty()) throw usage_error("--reporting-org must not be empty");
  e.reporting_org = o.reporting_org;
  e.reporting_org_name = o.reporting_org_name;
  e.reporting_org_type = o.reporting_org_type;
  const auto [prog, store] = load_programme_and_measurements(o.programme_path, o.measurements_path);
  write_output(o.output, export_iati(prog, store, e));
  return exit_ok;
}

const bool registered = register_command(
    {"export", "Write a programme and its measurements in an open standard (export iati: IATI 2.03 results)",
     [](CLI::App& app) -> std::function<int()> {
       app.require_subcommand(1);
       CLI::App* iati =
           app.add_subcommand("iati", "IATI 2.03 activity XML: results, indicators, periods (docs/iati.md)");
       auto o = std::make_shared<options>();
       iati->add_option("programme", o->programme_path, "Programme definition (JSON)")->required();
       iati->add_option("measurements", o->measurements_path, "Measurements: a CSV file or a store directory")
           ->required();
       iati->add_option("--as-of", o->as_of, "Actuals of the periods that end on or before this date")->required();
       iati->add_option("--reporting-org", o->reporting_org,
                        "The publisher's IATI organisation identifier (the activity is REF-<programme id>)")
           ->required();
       iati->add_option("--reporting-org-name", o->reporting_org_name,
                        "The publisher's name (default: the identifier)");
       iati->add_option("--reporting-org-type", o->reporting_org_type,
                        "IATI OrganisationType code (10 government, 15 other public sector ...)")
           ->capture_default_str();
       iati->add_option("--period", o->period, "Reporting period: year, half_year, quarter or month")
           ->capture_default_str();
       iati->add_option("--as-recorded-on", o->as_recorded_on,
                        "Use only what was recorded on or before this date (YYYY-MM-DD)");
       iati->add_option("--output,-o", o->output, "Output file (written atomically); - for stdout")
           ->capture_default_str();
       return [o] { return run(*o); };
     }});

}  // namespace export_command
}  // namespace cli
REGIOKPI_END_NAMESPACE
