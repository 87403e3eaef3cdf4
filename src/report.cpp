// Report writers: JSON (the contract), CSV and Markdown. HTML lives in report_html.cpp.
#include "regiokpi/report.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "regiokpi/csv.hpp"

namespace regiokpi {

namespace {

using json = nlohmann::ordered_json;

json num(const std::optional<double>& v) { return v && std::isfinite(*v) ? json(*v) : json(nullptr); }
json day(const std::optional<date>& d) { return d ? json(format_date(*d)) : json(nullptr); }

json forecast_json(const forecast_summary& f) {
  json j;
  j["model"] = f.model.empty() ? json(nullptr) : json(f.model);
  j["method"] = f.method.empty() ? json(nullptr) : json(f.method);  // issue 11
  j["p_reach"] = num(f.p_reach);                                    // issue 11
  j["level"] = f.level;
  j["at"] = day(f.at);
  j["value"] = num(f.value);
  j["low"] = num(f.low);
  j["high"] = num(f.high);
  j["eta"] = day(f.eta);
  j["eta_status"] = f.eta_status.empty() ? json(nullptr) : json(f.eta_status);
  j["shortfall"] = num(f.shortfall);
  j["reason"] = f.reason.empty() ? json(nullptr) : json(f.reason);
  return j;
}

json indicator_json(const indicator_report& i) {
  const auto& p = i.progress;
  json j;
  j["id"] = i.id;
  j["name"] = i.name;
  j["unit"] = i.unit;
  j["kind"] = i.kind;
  j["direction"] = i.direction;
  j["proxy"] = i.proxy;
  j["pillar"] = i.pillar;
  j["goal"] = i.goal;
  j["result"] = i.result;
  j["baseline"] = num(p.baseline);
  j["baseline_date"] = day(p.baseline_date);
  j["target"] = num(p.target);
  j["target_date"] = day(p.target_date);
  j["final_target"] = num(p.final_target);
  j["final_target_date"] = day(p.final_target_date);
  j["actual"] = num(p.actual);
  j["actual_date"] = day(p.actual_date);
  j["achievement"] = num(p.achievement);
  j["final_achievement"] = num(p.final_achievement);
  j["expected"] = num(p.expected);
  j["expected_achievement"] = num(p.expected_achievement);
  j["gap"] = num(p.gap);
  j["status"] = std::string(to_string(p.status));
  j["forecast"] = forecast_json(i.forecast);
  if (p.coverage) {
    json c;
    c["met"] = p.coverage->met;
    c["total"] = p.coverage->total;
    c["unmet"] = p.coverage->unmet;
    j["coverage"] = c;
  }
  if (p.milestone) {
    json m;
    m["delivered"] = p.milestone->delivered;
    m["delivered_on"] = day(p.milestone->delivered_on);
    m["due"] = day(p.milestone->due);
    m["late"] = p.milestone->late;
    j["milestone"] = m;
  }
  json series = json::array();
  for (const auto& s : i.series) series.push_back(json::array({format_date(s.when), s.value}));
  j["series"] = series;
  return j;
}

std::string fmt_pct(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return "";
  return fmt::format("{:.0f} %", *v * 100);
}

// Shortest text that reads back to the same double.
std::string shortest(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return "";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, *v);
  return std::string(buf, r.ptr);
}

std::string md_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

/// The status for Markdown: the two that need attention in capitals, so they stand out in a table.
std::string status_mark(progress_status s) {
  std::string name(display_name(s));
  if (s == progress_status::at_risk || s == progress_status::off_track)
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

/// A readable number: whole numbers without decimals, others with two (none from 100 up).
std::string readable(double v) {
  if (std::floor(v) == v && std::abs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{:.{}f}", v, std::abs(v) >= 100 ? 0 : 2);
}

std::string value_with_date(const std::optional<double>& v, const std::optional<date>& d) {
  if (!v) return "";
  std::string out = readable(*v);
  if (d) out += " (" + format_date(*d) + ")";
  return out;
}

}  // namespace

std::string report_to_json(const programme_report& r) {
  json j;
  j["format"] = "regiokpi-report";
  j["format_version"] = 1;
  j["programme"] = {{"id", r.programme_id}, {"name", r.programme_name}};
  j["as_of"] = format_date(r.as_of);
  j["as_recorded_on"] = day(r.as_recorded_on);
  j["trajectory"] = r.trajectory;
  j["series_period"] = std::string(to_string(r.series_period));
  json inds = json::array();
  for (const auto& i : r.indicators) inds.push_back(indicator_json(i));
  j["indicators"] = inds;
  json nodes = json::array();
  for (const auto& n : r.nodes) {
    json o;
    o["id"] = n.id;
    o["name"] = n.name;
    o["kind"] = std::string(to_string(n.kind));
    o["weight"] = n.weight;
    o["status"] = std::string(to_string(n.status));
    o["achievement"] = num(n.achievement);
    o["expected_achievement"] = num(n.expected_achievement);
    o["children"] = n.children;
    o["children_without_data"] = n.children_without_data;
    nodes.push_back(o);
  }
  j["nodes"] = nodes;
  return j.dump(2) + "\n";
}

std::string report_to_csv(const programme_report& r) {
  std::string out =
      "id,name,unit,pillar,goal,result,baseline,target,target_date,final_target,final_target_date,actual,"
      "actual_date,achievement,final_achievement,expected,gap,status,forecast_value,forecast_low,forecast_high,"
      "forecast_eta,forecast_eta_status,coverage_met,coverage_total,forecast_method,forecast_p_reach\n";
  auto d = [](const std::optional<date>& x) { return x ? format_date(*x) : std::string(); };
  for (const auto& i : r.indicators) {
    const auto& p = i.progress;
    const auto& f = i.forecast;
    const std::string fields[] = {csv_escape(i.id),
                                  csv_escape(i.name),
                                  csv_escape(i.unit),
                                  csv_escape(i.pillar),
                                  csv_escape(i.goal),
                                  csv_escape(i.result),
                                  shortest(p.baseline),
                                  shortest(p.target),
                                  d(p.target_date),
                                  shortest(p.final_target),
                                  d(p.final_target_date),
                                  shortest(p.actual),
                                  d(p.actual_date),
                                  shortest(p.achievement),
                                  shortest(p.final_achievement),
                                  shortest(p.expected),
                                  shortest(p.gap),
                                  std::string(to_string(p.status)),
                                  shortest(f.value),
                                  shortest(f.low),
                                  shortest(f.high),
                                  d(f.eta),
                                  f.eta_status,
                                  p.coverage ? std::to_string(p.coverage->met) : std::string(),
                                  p.coverage ? std::to_string(p.coverage->total) : std::string(),
                                  csv_field(f.method),  // issue 11
                                  shortest(f.p_reach)};
    bool first = true;
    for (const auto& field : fields) {
      if (!first) out += ',';
      out += field;
      first = false;
    }
    out += '\n';
  }
  return out;
}

std::string report_to_markdown(const programme_report& r) {
  std::string out;
  const node_progress* top = r.nodes.empty() ? nullptr : &r.nodes.back();
  out += fmt::format("# {} — progress on {}\n\n", md_cell(r.programme_name), format_date(r.as_of));
  if (r.as_recorded_on) out += fmt::format("As recorded on {}.\n\n", format_date(*r.as_recorded_on));
  if (top) {
    out += fmt::format("Programme: **{}**, achievement {} (planned by now: {}).", status_mark(top->status),
                       top->achievement ? fmt_pct(top->achievement) : "n/a",
                       top->expected_achievement ? fmt_pct(top->expected_achievement) : "n/a");
    if (top->children_without_data) out += fmt::format(" {} pillar(s) without data.", top->children_without_data);
    out += "\n\n";
  }
  std::size_t counts[6] = {};
  for (const auto& i : r.indicators) ++counts[static_cast<std::size_t>(i.progress.status)];
  out += fmt::format(
      "{} indicators: {} achieved, {} on track, {} at risk, {} off track, {} not started, {} without data.\n",
      r.indicators.size(), counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
  for (const auto& n : r.nodes) {
    if (n.kind != node_kind::pillar) continue;
    out += fmt::format("\n## {} — {}", md_cell(n.name.empty() ? n.id : n.name), status_mark(n.status));
    if (n.achievement) out += fmt::format(", {} (planned {})", fmt_pct(n.achievement), fmt_pct(n.expected_achievement));
    out += "\n\n| indicator | status | actual | target | achieved | planned by now | forecast at target date |\n";
    out += "|---|---|---:|---:|---:|---:|---|\n";
    for (const auto& i : r.indicators) {
      if (i.pillar != n.id) continue;
      const auto& p = i.progress;
      std::string forecast;
      if (i.forecast.value) {
        forecast = readable(*i.forecast.value);
        if (i.forecast.low && i.forecast.high)
          forecast += fmt::format(" [{}, {}]", readable(*i.forecast.low), readable(*i.forecast.high));
        if (i.forecast.shortfall && *i.forecast.shortfall > 0)
          forecast += fmt::format(", short by {}", readable(*i.forecast.shortfall));
      }
      if (i.forecast.p_reach && p.final_target_date) {  // issue 11: "62 % likely by 2023-12-31"
        if (!forecast.empty()) forecast += "; ";
        forecast += fmt::format("{:.0f} % likely by {}", *i.forecast.p_reach * 100, format_date(*p.final_target_date));
      } else if (p.milestone) {
        forecast = p.milestone->delivered
                       ? "delivered " + (p.milestone->delivered_on ? format_date(*p.milestone->delivered_on) : "") +
                             (p.milestone->late ? " (late)" : "")
                       : (p.milestone->late ? "overdue" : "open");
      }
      std::string actual = value_with_date(p.actual, p.actual_date);
      if (p.coverage) actual = fmt::format("{} of {}", p.coverage->met, p.coverage->total);
      const std::string name =
          md_cell(i.name) + (i.proxy ? " (proxy)" : "") + (i.unit.empty() ? "" : ", " + md_cell(i.unit));
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", name, status_mark(p.status), actual,
                         value_with_date(p.final_target, p.final_target_date), fmt_pct(p.final_achievement),
                         fmt_pct(p.expected_achievement), forecast);
    }
  }
  return out;
}

}  // namespace regiokpi
