// `regiokpi aggregate MEASUREMENTS.csv --period P [--by COL,...] [--time RULE] [--space RULE] [--cumulative]
//  [--indicator ID,...] [--from DATE] [--to DATE] [--output FILE]`: time rule per series and period, space
// rule across the members not grouped by, written as CSV (indicator,<by...>,period,value) or, with
// --format sdmx-csv [--dataflow AGENCY:ID(VERSION)], as SDMX-CSV 2.0 (docs/sdmx.md).
#include <cmath>
#include <memory>
#include <optional>
#include <regiokpi/aggregate.hpp>
#include <regiokpi/export.hpp>
#include <regiokpi/programme_io.hpp>
#include <regiokpi/sdmx.hpp>
#include <string>
#include <vector>

#include "command.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {
namespace aggregate_command {

struct options {
  std::string input, period = "month", by, time = "sum", space = "sum", indicators, from, to, output = "-";
  std::string programme, as_recorded_on, weight, space_dimension, coverage_level;
  std::string format = "csv", dataflow;
  bool cumulative = false, share = false;
  int fy_first_month = 1;
  double threshold = 0;
};

int run(const options& o) {
  query q = query_rules(o.period, o.time, o.space);
  if (o.fy_first_month < 1 || o.fy_first_month > 12) throw usage_error("--fy-start must be a month 1..12");
  q.fy_first_month = o.fy_first_month;
  const bool sdmx = o.format == "sdmx-csv";
  if (!o.dataflow.empty() && !sdmx) throw usage_error("--dataflow needs --format sdmx-csv");
  const std::string dataflow = o.dataflow.empty() ? std::string(sdmx_default_aggregate_dataflow) : o.dataflow;
  if (sdmx) {
    try {
      check_sdmx_dataflow(dataflow);
    } catch (const error& e) {
      throw usage_error(std::string("--dataflow: ") + e.what());
    }
    if (q.period == period_type::financial_year && q.fy_first_month != 1)
      throw usage_error("--format sdmx-csv: a financial year starting in month " + std::to_string(q.fy_first_month) +
                        " has no SDMX period form; use --fy-start 1 (the calendar year) or another --period");
  }
  q.from = date_option(o.from, "--from");
  q.to = date_option(o.to, "--to");
  q.as_recorded_on = date_option(o.as_recorded_on, "--as-recorded-on");
  if (!o.by.empty()) q.group_by = split_list(o.by, "--by");
  if (!o.indicators.empty()) q.indicators = split_list(o.indicators, "--indicator");
  q.cumulative = o.cumulative;
  q.weight_attribute = o.weight;
  if (!std::isfinite(o.threshold)) throw usage_error("--threshold: must be a finite number");
  q.coverage_threshold = o.threshold;
  q.coverage_level = o.coverage_level;
  q.coverage_share = o.share;
  q.space_dimension = o.space_dimension;
  std::optional<programme> prog;
  if (!o.programme.empty()) prog = read_programme(read_file(o.programme), o.programme);
  if ((q.space == space_rule::weighted_avg || q.space == space_rule::coverage) && !prog)
    throw usage_error("--space " + o.space + " needs --programme (the members and their attributes)");
  if (q.space == space_rule::weighted_avg && prog && !q.weight_attribute.empty()) {
    // An attribute no member has is a typo on the command line: one line, exit 2, rather than one
    // complaint per member and period.
    bool known = false;
    for (const auto& d : prog->dimensions)
      for (const auto& m : d.members) known = known || m.attributes.count(q.weight_attribute) > 0;
    if (!known)
      throw usage_error("--weight: " + quote(q.weight_attribute) + " is an attribute of no member of " +
                        quote(o.programme) + "'s dimensions");
  }

  const measurement_store store = load_measurements(o.input, prog ? &*prog : nullptr);
  // A --by column that is not in the file is a usage error (checked by aggregate: invalid_argument).
  const aggregate_result r = aggregate(store, q, prog ? &*prog : nullptr);
  if (sdmx)
    write_output(o.output, to_sdmx_csv(r, dataflow));
  else
    write_output(o.output, [&](const output_sink& put) { write_csv(r, put); });
  return exit_ok;
}

const bool registered = register_command({
    "aggregate",
    "Aggregate measurements (CSV) by period, time rule and space rule",
    [](CLI::App& app) -> std::function<int()> {
      auto o = std::make_shared<options>();
      app.add_option("measurements", o->input,
                     "Measurements: a CSV file (indicator,date,value and dimension columns) or a store directory")
          ->required();
      app.add_option("--period", o->period, "Period type: day, week, month, quarter, half_year, year, financial_year")
          ->required();
      app.add_option("--by", o->by, "Dimensions to group by, comma-separated (a hierarchy level with --programme)");
      app.add_option(
          "--time", o->time,
          "Time rule: sum, avg, min, max, count, first, last (carried forward), last_in_period (default sum)");
      app.add_option("--space", o->space,
                     "Space rule: sum, avg, min, max, count, weighted_avg, coverage (default sum)");
      app.add_flag("--cumulative", o->cumulative, "Running total over each group's periods");
      app.add_option("--indicator", o->indicators, "Indicator ids, comma-separated (CSV quoting for commas)");
      app.add_option("--from", o->from, "First day included (YYYY-MM-DD)");
      app.add_option("--to", o->to, "Last day included (YYYY-MM-DD)");
      app.add_option("--as-recorded-on", o->as_recorded_on, "Only what was recorded on or before this day");
      app.add_option("--fy-start", o->fy_first_month, "First month of the financial year (1..12, default 1)");
      app.add_option("--programme", o->programme,
                     "Programme definition (JSON): checks the measurements; enables levels, weighted_avg, coverage");
      app.add_option("--weight", o->weight, "weighted_avg: the member attribute that weighs (population)");
      app.add_option("--threshold", o->threshold, "coverage: a member counts when its value is at least this");
      app.add_option("--space-dimension", o->space_dimension, "weighted_avg/coverage: the dimension combined");
      app.add_option("--coverage-level", o->coverage_level,
                     "coverage: the hierarchy level whose members are expected (default: the lowest)");
      app.add_flag("--share", o->share, "coverage: the share of the members expected (0..1), not their number");
      app.add_option("--format", o->format, "csv (default) or sdmx-csv (SDMX-CSV 2.0, docs/sdmx.md)")
          ->check(CLI::IsMember({"csv", "sdmx-csv"}));
      app.add_option("--dataflow", o->dataflow,
                     "sdmx-csv: the STRUCTURE_ID, AGENCY:ID(VERSION) (default REGIOKPI:AGGREGATE(1.0))");
      app.add_option("--output,-o", o->output, "Output file (default: stdout)");
      return [o] { return run(*o); };
    },
});

}  // namespace aggregate_command
}  // namespace cli
REGIOKPI_END_NAMESPACE
