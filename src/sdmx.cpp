// SDMX-CSV 2.0 writers (docs/sdmx.md): the aggregate and the report's series.
#include "regiokpi/sdmx.hpp"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "regiokpi/csv.hpp"
#include "regiokpi/error.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace {

bool id_char(char c, bool dot) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         (dot && c == '.');
}

void put_number(std::string& out, double v) {
  char num[32];
  if (v == 0) v = 0;  // no "-0"
  const auto res = std::to_chars(num, num + sizeof num, v);
  out.append(num, res.ptr);
}

/// "dataflow,<id>,I," : the three leading fields every row shares.
std::string row_prefix(std::string_view dataflow) {
  std::string out = "dataflow,";
  csv_append_field(out, dataflow);
  out += ",I,";
  return out;
}

}  // namespace

std::string sdmx_time_period(const period& p) {
  std::string label = p.label();
  switch (p.type()) {
    case period_type::day:
    case period_type::iso_week:
    case period_type::quarter:
    case period_type::year:
      return label;  // 2021-07-15, 2021-W05, 2021-Q3, 2021
    case period_type::month:
      return label.insert(5, 1, 'M');  // 2021-07 -> 2021-M07
    case period_type::half_year:
      label[5] = 'S';  // 2021-H1 -> 2021-S1
      return label;
    case period_type::financial_year:
      if (p.fy_first_month() != 1)
        throw error(errc::invalid_argument,
                    "SDMX-CSV: a financial year starting in month " + std::to_string(p.fy_first_month()) +
                        " has no SDMX period form (only one starting in January, the calendar year)");
      return label.substr(2);  // FY2021 starting in January: the year 2021
  }
  return label;
}

std::string_view sdmx_obs_status(measurement_status s) noexcept {
  switch (s) {
    case measurement_status::final:
      return "A";
    case measurement_status::provisional:
      return "P";
    case measurement_status::estimated:
      return "E";
    case measurement_status::unspecified:
      break;
  }
  return "";
}

void check_sdmx_dataflow(std::string_view d) {
  const auto bad = [d](const char* why) {
    throw error(errc::invalid_argument, "SDMX dataflow " + quote(d) + " is not AGENCY:ID(VERSION): " + why);
  };
  const auto colon = d.find(':');
  const auto open = d.find('(');
  if (colon == std::string_view::npos || colon == 0) bad("no agency before ':'");
  if (open == std::string_view::npos || open <= colon + 1) bad("no id between ':' and '('");
  if (d.back() != ')' || open + 2 >= d.size()) bad("no version in parentheses at the end");
  for (char c : d.substr(0, colon))
    if (!id_char(c, true)) bad("the agency may hold letters, digits, '_', '-' and '.'");
  for (char c : d.substr(colon + 1, open - colon - 1))
    if (!id_char(c, false)) bad("the id may hold letters, digits, '_' and '-'");
  const std::string_view v = d.substr(open + 1, d.size() - open - 2);
  bool digit = false;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '.' && digit) {
      digit = false;
    } else {
      bad("the version is digits separated by '.' (1.0)");
    }
  }
  if (!digit) bad("the version is digits separated by '.' (1.0)");
}

std::string to_sdmx_csv(const aggregate_result& r, std::string_view dataflow) {
  check_sdmx_dataflow(dataflow);
  std::string out = "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR";
  for (const auto& g : r.group_by) csv_append_field(out += ',', g);
  out += ",TIME_PERIOD,OBS_VALUE,OBS_STATUS\n";
  out.reserve(out.size() + r.size() * (48 + dataflow.size()));
  const std::string lead = row_prefix(dataflow);
  std::unordered_map<std::int32_t, std::string> labels;  // each label made once
  std::optional<std::uint32_t> group;
  std::string prefix;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.group_of(i) != group) {
      group = r.group_of(i);
      prefix = lead;
      csv_append_field(prefix, r.indicator(i));
      for (std::size_t k = 0; k < r.group_by.size(); ++k) csv_append_field(prefix += ',', r.group_value(i, k));
      prefix += ',';
    }
    out += prefix;
    auto it = labels.find(r.period_index(i));
    if (it == labels.end()) it = labels.emplace(r.period_index(i), sdmx_time_period(r.period_of(i))).first;
    out += it->second;
    out += ',';
    put_number(out, r.value(i));
    out += ",\n";  // OBS_STATUS: empty
  }
  return out;
}

std::string report_to_sdmx_csv(const programme_report& r, std::string_view dataflow) {
  const std::string flow = dataflow.empty() ? "REGIOKPI:" + r.programme_id + "(1.0)" : std::string(dataflow);
  if (!dataflow.empty()) check_sdmx_dataflow(flow);
  std::string out = "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n";
  const std::string lead = row_prefix(flow);
  for (const auto& ind : r.indicators) {
    std::optional<period> actual_period;
    if (ind.progress.actual_date)
      actual_period = period::containing(r.series_period, *ind.progress.actual_date, r.fy_first_month);
    const std::string_view status = ind.actual_status ? sdmx_obs_status(*ind.actual_status) : std::string_view{};
    for (const auto& pt : ind.series) {
      const period p = period::containing(r.series_period, pt.when, r.fy_first_month);
      out += lead;
      csv_append_field(out, ind.id);
      out += ',';
      out += sdmx_time_period(p);
      out += ',';
      put_number(out, pt.value);
      out += ',';
      if (actual_period && p == *actual_period) out += status;
      out += '\n';
    }
  }
  return out;
}

REGIOKPI_END_NAMESPACE
