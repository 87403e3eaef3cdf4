// Report writers: JSON (the contract), CSV and Markdown. HTML lives in report_html.cpp.
#include "regiokpi/report.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "json_stream.hpp"
#include "regiokpi/csv.hpp"
#include "regiokpi/export.hpp"
#include "report_detail.hpp"

REGIOKPI_BEGIN_NAMESPACE

namespace {

/// An enum's name, or nothing.
template <class E>
std::optional<std::string_view> name_of(const std::optional<E>& e) {
  return e ? std::optional<std::string_view>(to_string(*e)) : std::nullopt;
}

std::optional<std::string_view> text_or_null(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string_view>(s);
}

void write_forecast(detail::json_stream& out, const forecast_summary& f) {
  out.open_object();
  out.member("model", name_of(f.model));
  out.member("method", text_or_null(f.method));
  out.member("p_reach", f.p_reach);
  out.member("level", f.level);
  out.member("at", f.at);
  out.member("value", f.value);
  out.member("low", f.low);
  out.member("high", f.high);
  out.member("eta", f.eta);
  out.member("eta_status", f.eta_status ? std::optional<std::string_view>(report_name(*f.eta_status)) : std::nullopt);
  out.member("shortfall", f.shortfall);
  out.member("reason", text_or_null(f.reason));
  out.close();
}

void write_rate(detail::json_stream& out, const std::optional<period_rate>& r) {
  if (!r || !std::isfinite(r->value)) return out.value(nullptr);
  out.open_object();
  out.member("value", r->value);
  out.member("per", to_string(r->per));
  out.close();
}

void write_indicator(detail::json_stream& out, const indicator_report& i) {
  const auto& p = i.progress;
  out.open_object();
  out.member("id", i.id);
  out.member("name", i.name);
  out.member("unit", i.unit);
  out.member("kind", to_string(i.kind));
  out.member("direction", to_string(i.direction));
  out.member("proxy", i.proxy);
  out.member("pillar", i.pillar);
  out.member("goal", i.goal);
  out.member("result", i.result);
  out.member("baseline", p.baseline);
  out.member("baseline_date", p.baseline_date);
  out.member("target", p.target);
  out.member("target_date", p.target_date);
  out.member("final_target", p.final_target);
  out.member("final_target_date", p.final_target_date);
  out.member("actual", p.actual);
  out.member("actual_date", p.actual_date);
  out.member("achievement", p.achievement);
  out.member("final_achievement", p.final_achievement);
  out.member("expected", p.expected);
  out.member("expected_achievement", p.expected_achievement);
  out.member("gap", p.gap);
  out.member("status", to_string(p.status));
  out.member("achievement_basis", to_string(p.achievement_basis));
  out.member("trend", name_of(p.trend));
  out.member("actual_status", i.actual_status && *i.actual_status != measurement_status::unspecified
                                  ? name_of(i.actual_status)
                                  : std::nullopt);
  out.member("stale", p.stale);
  out.member("actual_text", i.actual_text);
  out.member("progress_label", name_of(p.progress_label));
  out.key("required_rate");
  write_rate(out, p.required_rate);
  out.key("recent_rate");
  write_rate(out, p.recent_rate);
  out.key("forecast");
  write_forecast(out, i.forecast);
  if (i.derived) out.member("incomplete_members", i.incomplete_members);
  out.key("revisions");
  out.open_array();
  for (const auto& h : i.revisions) {
    out.open_object();
    out.member("due", h.due);
    out.member("value", h.value);
    out.key("revisions");
    out.open_array();
    for (const auto& rv : h.revisions) {
      out.open_object();
      out.member("revised_on", rv.revised_on);
      out.member("due", rv.due);
      out.member("value", rv.value);
      out.member("basis", to_string(rv.basis));
      out.member("reason", rv.reason);
      out.close();
    }
    out.close();
    out.close();
  }
  out.close();
  if (p.coverage) {
    out.key("coverage");
    out.open_object();
    out.member("met", p.coverage->met);
    out.member("total", p.coverage->total);
    out.member("unmet", p.coverage->unmet);
    out.close();
  }
  if (p.milestone) {
    out.key("milestone");
    out.open_object();
    out.member("delivered", p.milestone->delivered);
    out.member("delivered_on", p.milestone->delivered_on);
    out.member("due", p.milestone->due);
    out.member("late", p.milestone->late);
    out.close();
  }
  out.key("series");
  out.open_array();
  for (const auto& pt : i.series) {
    out.open_array();
    out.value(pt.when);
    out.value(pt.value);
    out.close();
  }
  out.close();
  out.close();
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

/// "3 on track, 1 off track, 2 no target": the non-zero counts in status order.
std::string count_text(const std::array<std::size_t, progress_status_count>& counts, bool upper) {
  std::string out;
  for (std::size_t k = 0; k < progress_status_count; ++k) {
    if (counts[k] == 0) continue;
    const auto st = static_cast<progress_status>(k);
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", counts[k], upper ? status_mark(st) : display_name(st));
  }
  return out.empty() ? "none" : out;
}

/// The status cell: the verdict, and for an indicator without a target its trend.
std::string status_cell(const indicator_progress& p) {
  std::string out = status_mark(p.status);
  if (p.status == progress_status::no_target)
    out += p.trend ? fmt::format(", {}", to_string(*p.trend)) : std::string(", trend unknown");
  return out;
}

/// "12 (2022-12-31, provisional, STALE)": the actual with what it stands on.
std::string actual_cell(const indicator_report& i) {
  const report_detail::actual_view a = report_detail::actual_of(i);
  if (a.text) return md_cell(*a.text);
  if (a.met) return fmt::format("{} of {}", *a.met, a.total) + (a.stale ? " (STALE)" : "");
  std::string out = readable(*a.value);
  std::string notes = a.when ? format_date(*a.when) : "";
  if (!a.weak_status.empty()) notes += std::string(notes.empty() ? "" : ", ") + std::string(a.weak_status);
  if (a.stale) notes += std::string(notes.empty() ? "" : ", ") + "STALE";
  return notes.empty() ? out : out + " (" + notes + ")";
}

std::string rate_text(const std::optional<period_rate>& r) {
  return fmt::format("{} a {}", readable(r->value), to_string(r->per));
}

/// " (2 reports missing)" beside an actual that rests on incomplete reports (issue 12).
/// " (incomplete: N reports missing)" beside an actual that rests on incomplete reports (issue 12).
std::string incomplete_note(const report_detail::missing_counts& missing, const std::string& indicator) {
  const std::string w = missing.words(indicator);
  return w.empty() ? w : " (" + w + ")";
}

/// The Markdown data-quality section: a summary, each indicator's completeness matrix, the worst findings.
std::string quality_markdown(const quality_report& q) {
  const auto pct = [](const std::optional<double>& v) { return v ? fmt::format("{:.1f} %", *v * 100) : "n/a"; };
  std::string out = "\n## Data quality\n\n";
  out += report_detail::quality_summary(q, pct, [](std::string v) { return v; }) + "\n";
  for (const auto& m : q.completeness.matrices) {
    if (m.periods.empty()) continue;
    out += fmt::format("\n### {}: reports\n\n| member |", md_cell(m.indicator));
    for (const auto& p : m.periods) out += fmt::format(" {} |", p.label());  // not " " + string&&: GCC 12 -Wrestrict
    out += "\n|---|";
    for (std::size_t k = 0; k < m.periods.size(); ++k) out += ":-:|";
    out += "\n";
    for (std::size_t i = 0; i < m.members.size(); ++i) {
      out += "| " + md_cell(m.members[i]) + " |";
      for (std::size_t k = 0; k < m.periods.size(); ++k) {
        constexpr std::array<std::string_view, 4> marks{"✓", "late", "?", "**✗**"};
        out += fmt::format(" {} |", marks[static_cast<std::size_t>(m.at(i, k))]);
      }
      out += "\n";
    }
  }
  if (!q.completeness.matrices.empty())
    out += "\n✓ on time, late: recorded after the due date, ?: reported without a recording date, ✗ missing.\n";
  for (const auto& r : q.rules)
    out += fmt::format("{}Rule {}: {} checked, {} violated, {} skipped (a side without a value).\n",
                       &r == &q.rules.front() ? "\n" : "", md_cell(r.rule), r.checked, r.violated, r.skipped);
  const auto all = findings(q);
  if (!all.empty()) {
    constexpr std::size_t shown = 12;
    out += "\n### Worst findings\n\n";
    for (std::size_t k = 0; k < all.size() && k < shown; ++k)
      out += fmt::format("- **{}** {}: {}\n", to_string(all[k].level), all[k].kind, md_cell(all[k].text));
    if (all.size() > shown)
      out += fmt::format("- ... and {} more (`regiokpi check` lists them all).\n", all.size() - shown);
  }
  return out;
}

}  // namespace

void write_report_json(const programme_report& r, const std::function<void(std::string_view)>& sink,
                       std::size_t piece_bytes) {
  // Straight to text, a field at a time: a tree of a 10,000-indicator report (millions of small
  // allocations) and its destruction cost more than the formatting (docs/benchmarks.md).
  detail::json_stream out(sink, piece_bytes);
  out.open_object();
  out.member("format", "regiokpi-report");
  out.member("format_version", 2);
  out.key("programme");
  out.open_object();
  out.member("id", r.programme_id);
  out.member("name", r.programme_name);
  out.close();
  out.member("as_of", r.as_of);
  out.member("as_recorded_on", r.as_recorded_on);
  out.member("trajectory", to_string(r.trajectory));
  out.member("series_period", to_string(r.series_period));
  out.member("rollup", to_string(r.rollup));
  out.key("indicators");
  out.open_array();
  for (const auto& i : r.indicators) write_indicator(out, i);
  out.close();
  out.key("nodes");
  out.open_array();
  for (const auto& n : r.nodes) {
    out.open_object();
    out.member("id", n.id);
    out.member("name", n.name);
    out.member("kind", to_string(n.kind));
    out.member("weight", n.weight);
    out.member("status", to_string(n.status));
    out.member("achievement", n.achievement);
    out.member("expected_achievement", n.expected_achievement);
    out.member("children", n.children);
    out.member("children_total", n.children_total);
    out.member("children_assessed", n.children_assessed);
    out.member("children_without_data", n.children_without_data);
    const auto counts = [&out](std::string_view name, const auto& by_status) {
      out.key(name);
      out.open_object();
      for (std::size_t k = 0; k < progress_status_count; ++k)
        out.member(to_string(static_cast<progress_status>(k)), by_status[k]);
      out.close();
    };
    counts("indicator_counts", n.indicator_counts);
    counts("children_counts", n.children_counts);
    out.close();
  }
  out.close();
  if (r.data_quality) {
    out.key("data_quality");
    detail::write_quality_json(*r.data_quality, out);
  }
  out.close();
  out.finish();
}

std::string report_to_json(const programme_report& r) {
  std::string text;
  write_report_json(r, [&text](std::string_view piece) { text += piece; });
  return text;
}

namespace report_detail {

std::array<cell, indicator_columns.size()> indicator_cells(const programme_report& r, const indicator_report& i) {
  const auto& p = i.progress;
  const auto& f = i.forecast;
  auto n = [](const std::optional<double>& v) -> cell {
    if (v && std::isfinite(*v)) return *v;
    return {};
  };
  auto d = [](const std::optional<date>& x) -> cell {
    if (x) return *x;
    return {};
  };
  auto t = [](std::string_view s) -> cell {
    if (s.empty()) return {};
    return std::string(s);
  };
  const auto per = p.required_rate ? p.required_rate->per : p.recent_rate ? p.recent_rate->per : r.series_period;
  return {
      t(i.id),
      t(i.name),
      t(i.unit),
      t(i.pillar),
      t(i.goal),
      t(i.result),
      n(p.baseline),
      n(p.target),
      d(p.target_date),
      n(p.final_target),
      d(p.final_target_date),
      n(p.actual),
      d(p.actual_date),
      n(p.achievement),
      n(p.final_achievement),
      n(p.expected),
      n(p.gap),
      t(to_string(p.status)),
      n(f.value),
      n(f.low),
      n(f.high),
      d(f.eta),
      f.eta_status ? t(report_name(*f.eta_status)) : cell{},
      p.coverage ? cell{p.coverage->met} : cell{},
      p.coverage ? cell{p.coverage->total} : cell{},
      p.trend ? t(to_string(*p.trend)) : cell{},
      t(to_string(p.achievement_basis)),
      i.actual_status && *i.actual_status != measurement_status::unspecified ? t(to_string(*i.actual_status)) : cell{},
      cell{p.stale},
      p.required_rate ? n(p.required_rate->value) : cell{},
      p.recent_rate ? n(p.recent_rate->value) : cell{},
      p.required_rate || p.recent_rate ? t(to_string(per)) : cell{},
      t(f.method),
      n(f.p_reach)};
}

}  // namespace report_detail

std::string report_to_csv(const programme_report& r) {
  std::string out;
  for (const auto& name : report_detail::indicator_columns) {
    if (!out.empty()) out += ',';
    out += name;
  }
  out += '\n';
  struct text_of {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(const std::string& s) const { return csv_escape(s); }
    std::string operator()(double v) const { return shortest(v); }
    std::string operator()(date d) const { return format_date(d); }
    std::string operator()(std::size_t n) const { return std::to_string(n); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
  };
  for (const auto& i : r.indicators) {
    bool first = true;
    for (const auto& c : report_detail::indicator_cells(r, i)) {
      if (!first) out += ',';
      out += std::visit(text_of{}, c);
      first = false;
    }
    out += '\n';
  }
  return out;
}

std::string report_to_markdown(const programme_report& r) {
  std::string out;
  const report_detail::missing_counts missing(r);
  const node_progress* top = r.nodes.empty() ? nullptr : &r.nodes.back();
  out += fmt::format("# {} — progress on {}\n\n", md_cell(r.programme_name), format_date(r.as_of));
  if (r.as_recorded_on) out += fmt::format("As recorded on {}.\n\n", format_date(*r.as_recorded_on));
  if (top) {
    out +=
        fmt::format("Programme: **{}**, {} of {} {} assessed ({})", status_mark(top->status), top->children_assessed,
                    top->children_total, report_detail::child_word(top->kind), count_text(top->children_counts, true));
    if (top->achievement)
      out += fmt::format("; achievement {} (planned by now: {})", fmt_pct(top->achievement),
                         top->expected_achievement ? fmt_pct(top->expected_achievement) : "n/a");
    out += fmt::format(" (roll-up: {}).\n\n", to_string(r.rollup));
  }
  std::array<std::size_t, progress_status_count> counts{};
  for (const auto& i : r.indicators) ++counts[static_cast<std::size_t>(i.progress.status)];
  out += fmt::format("{} indicators: {}.\n", r.indicators.size(), count_text(counts, true));
  for (const auto& n : r.nodes) {
    if (n.kind != node_kind::pillar) continue;
    out += fmt::format("\n## {} — {}, {} of {} {} assessed ({})", md_cell(n.name.empty() ? n.id : n.name),
                       status_mark(n.status), n.children_assessed, n.children_total, report_detail::child_word(n.kind),
                       count_text(n.children_counts, true));
    if (n.achievement) out += fmt::format(", {} (planned {})", fmt_pct(n.achievement), fmt_pct(n.expected_achievement));
    out += fmt::format("\n\nIndicators: {}.\n", count_text(n.indicator_counts, true));
    out +=
        "\n| indicator | status | actual | target | achieved | planned by then | what it takes | forecast at target "
        "date |\n";
    out += "|---|---|---:|---:|---:|---:|---|---|\n";
    std::string notes;
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
      std::string takes;
      if (p.required_rate) takes = "needs " + rate_text(p.required_rate);
      if (p.recent_rate) takes += (takes.empty() ? "recently " : ", recently ") + rate_text(p.recent_rate);
      const std::string name =
          md_cell(i.name) + (i.proxy ? " (proxy)" : "") + (i.unit.empty() ? "" : ", " + md_cell(i.unit));
      const std::string actual =
          (p.actual || p.coverage || i.actual_text ? actual_cell(i) : "") + incomplete_note(missing, i.id);
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", name, status_cell(p), actual,
                         value_with_date(p.final_target, p.final_target_date), fmt_pct(p.final_achievement),
                         fmt_pct(p.expected_achievement), takes, forecast);
      if (!i.incomplete_members.empty()) {
        std::string ms;
        for (const auto& m : i.incomplete_members) ms += (ms.empty() ? "" : ", ") + md_cell(m);
        notes += fmt::format("- {}: left out where a part of the formula is missing: {}.\n", md_cell(i.name), ms);
      }
      if (p.achievement_basis == achievement_basis::target_only && p.final_achievement)
        notes += fmt::format("- {}: no baseline; achieved is measured against the target alone.\n", md_cell(i.name));
    }
    if (!notes.empty()) out += "\n" + notes;
  }
  if (r.data_quality) out += quality_markdown(*r.data_quality);
  return out;
}

REGIOKPI_END_NAMESPACE
