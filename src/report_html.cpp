// The HTML report: one self-contained file (inline CSS and SVG; no scripts, fonts or images fetched).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "regiokpi/export.hpp"
#include "regiokpi/report.hpp"
#include "regiokpi/svg.hpp"
#include "report_detail.hpp"

REGIOKPI_BEGIN_NAMESPACE

namespace {

using svg::escape_xml;

std::string number(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return "&#8211;";
  const double a = std::abs(*v);
  if (a >= 1000) {
    std::string digits = fmt::format("{:.0f}", a);
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
      grouped += digits[i];
    }
    return (*v < 0 ? "-" : "") + grouped;
  }
  if (std::floor(a) == a) return fmt::format("{:.0f}", *v);
  return fmt::format("{:.{}f}", *v, a >= 100 ? 0 : 2);
}

std::string percent(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return "&#8211;";
  return fmt::format("{:.0f}&#160;%", *v * 100);
}

std::string day(const std::optional<date>& d) { return d ? format_date(*d) : "&#8211;"; }

std::string badge(progress_status s) {
  return fmt::format("<span class=\"badge {}\">{}</span>", to_string(s), display_name(s));
}

/// The badge, and for an indicator without a target its trend.
std::string status_badge(const indicator_progress& p) {
  std::string out = badge(p.status);
  if (p.status == progress_status::no_target)
    out += fmt::format(" <span class=\"trend\">{}</span>", p.trend ? to_string(*p.trend) : "trend unknown");
  return out;
}

/// Badge colours, one rule per status, from the one status table (style_of).
std::string status_css() {
  std::string out;
  for (std::size_t k = 0; k < progress_status_count; ++k) {
    const auto st = style_of(static_cast<progress_status>(k));
    out += fmt::format(".{}{{background:{}}}", st.name, st.colour);
  }
  return out + "\n";
}

/// "3 on track, 1 off track": the non-zero counts, as badges.
std::string counts_html(const std::array<std::size_t, progress_status_count>& counts) {
  std::string out;
  for (std::size_t k = 0; k < progress_status_count; ++k)
    if (counts[k] > 0) out += fmt::format("{} {} ", counts[k], badge(static_cast<progress_status>(k)));
  if (!out.empty()) out.pop_back();
  return out.empty() ? "none" : out;
}

std::string assessed(const node_progress& n) {
  return fmt::format("{} of {} {} assessed ({})", n.children_assessed, n.children_total,
                     report_detail::child_word(n.kind), counts_html(n.children_counts));
}

/// The actual with its delivery status and staleness.
std::string actual_html(const indicator_report& ir) {
  const report_detail::actual_view a = report_detail::actual_of(ir);
  if (a.text) return escape_xml(*a.text);
  std::string out = a.met ? fmt::format("{} of {}", *a.met, a.total) : number(a.value);
  if (!a.weak_status.empty()) out += fmt::format(" <span class=\"flag\">{}</span>", a.weak_status);
  if (a.stale) out += " <span class=\"flag stale\">stale</span>";
  return out;
}

/// A flag beside an actual that rests on incomplete reports (issue 12).
std::string incomplete_flag(const report_detail::missing_counts& missing, const std::string& indicator) {
  const std::string w = missing.words(indicator);
  return w.empty() ? w : " <span class=\"flag incomplete\">" + w + "</span>";
}

/// The data-quality section: a summary, a heatmap per indicator with reporting, the worst findings.
std::string quality_html(const quality_report& q) {
  const auto pct = [](const std::optional<double>& v) { return v ? fmt::format("{:.1f} %", *v * 100) : "&#8211;"; };
  std::string out = "<section id=\"data-quality\">\n<h2>Data quality</h2>\n";
  out += "<p>" + report_detail::quality_summary(q, pct, [](const std::string& v) { return "<b>" + v + "</b>"; }) +
         "</p>\n";
  for (const auto& m : q.completeness.matrices) {
    if (m.periods.empty()) continue;
    svg::completeness_chart c;
    c.id = m.indicator;
    c.title = m.indicator + ": reports by member and period";
    c.row_heading = "member";
    c.rows = m.members;
    for (const auto& p : m.periods) c.columns.push_back(p.label());
    for (const auto st : m.cells) {
      std::string state(to_string(st));
      std::replace(state.begin(), state.end(), '_', '-');
      c.states.push_back(std::move(state));
    }
    out += svg::render(c) + "\n";
  }
  const auto all = findings(q);
  if (!all.empty()) {
    constexpr std::size_t shown = 12;
    out += "<h3>Worst findings</h3>\n<ul class=\"findings\">\n";
    for (std::size_t k = 0; k < all.size() && k < shown; ++k)
      out += fmt::format("<li><b>{}</b> {}: {}</li>\n", to_string(all[k].level), escape_xml(all[k].kind),
                         escape_xml(all[k].text));
    if (all.size() > shown)
      out += fmt::format("<li>... and {} more (<code>regiokpi check</code> lists them all)</li>\n", all.size() - shown);
    out += "</ul>\n";
  }
  out += "</section>\n";
  return out;
}

svg::time_series_chart chart_of(const indicator_report& ir, const programme_report& r) {
  svg::time_series_chart c;
  c.id = ir.id;
  c.title = ir.name.empty() ? ir.id : ir.name;
  c.unit = ir.unit;
  for (const auto& s : ir.series) c.measured.push_back({s.when, s.value});
  for (const auto& t : ir.trajectory) c.planned.push_back({t.when, t.value});
  c.planned_stepwise = r.trajectory == trajectory_shape::stepwise;
  c.fy_first_month = r.fy_first_month;
  for (const auto& t : ir.checks) c.milestones.push_back({t.due, t.value, format_date(t.due), t.met});
  const auto& f = ir.forecast;
  if (f.value && f.at && !ir.series.empty()) {
    const auto& last = ir.series.back();
    c.projected = {{last.when, last.value}, {*f.at, *f.value}};
    if (f.low && f.high) c.forecast_band = {{last.when, last.value, last.value}, {*f.at, *f.low, *f.high}};
  }
  c.as_of = r.as_of;
  c.status = std::string(to_string(ir.progress.status));
  c.status_label = std::string(display_name(ir.progress.status));
  c.status_colour = std::string(style_of(ir.progress.status).colour);
  c.description =
      fmt::format("{}: status {}; actual {} against target {} by {}.", c.title, display_name(ir.progress.status),
                  ir.progress.actual ? fmt::format("{:g}", *ir.progress.actual) : "unknown",
                  ir.progress.final_target ? fmt::format("{:g}", *ir.progress.final_target) : "none",
                  ir.progress.final_target_date ? format_date(*ir.progress.final_target_date) : "no date");
  return c;
}

constexpr std::string_view style = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1100px;padding:1.5rem;color:#1d2733;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #d7dee6;padding-bottom:.3rem}
h3{font-size:1.05rem;margin:1.4rem 0 .3rem}.meta{color:#5a6878}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1rem;font-size:.92rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e8ee;vertical-align:top}
td.date{white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.08rem .5rem;border-radius:.7rem;font-size:.8rem;font-weight:600;color:#fff}
.flag{font-size:.75rem;color:#8a4b00;border:1px solid #d9b27c;border-radius:.3rem;padding:0 .25rem}.trend{font-size:.8rem;color:#3d4b5a}
.counts{font-size:.85rem;color:#3d4b5a}
.indicator{border:1px solid #e3e8ee;border-radius:8px;padding:.8rem 1rem;margin:1rem 0}
.indicator svg{max-width:100%;height:auto}.proxy{font-size:.8rem;color:#5a6878}
.summary{display:flex;gap:1rem;flex-wrap:wrap}.summary div{background:#f3f6f9;border-radius:8px;padding:.6rem 1rem}
)";

}  // namespace

std::string report_to_html(const programme_report& r) {
  std::string out;
  const report_detail::missing_counts missing(r);
  out.reserve(64 * 1024);
  const std::string title = fmt::format("{} — progress on {}", r.programme_name, format_date(r.as_of));
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"regiokpi\">\n";
  out += "<title>" + escape_xml(title) + "</title>\n<style>" + std::string(style) + status_css() +
         "</style>\n</head>\n<body>\n";
  out += "<header>\n<h1>" + escape_xml(r.programme_name) + "</h1>\n";
  out += fmt::format("<p class=\"meta\">Progress on {}{}; trajectory {}; series by {}.</p>\n", format_date(r.as_of),
                     r.as_recorded_on ? ", as recorded on " + format_date(*r.as_recorded_on) : "",
                     to_string(r.trajectory), to_string(r.series_period));
  if (!r.nodes.empty()) {
    const auto& top = r.nodes.back();
    out += "<div class=\"summary\">";
    out += fmt::format(
        "<div>Programme {}<br>{}; achievement <b>{}</b> (planned by now {})<br><span class=\"counts\">indicators: "
        "{}</span></div>",
        badge(top.status), assessed(top), percent(top.achievement), percent(top.expected_achievement),
        counts_html(top.indicator_counts));
    for (const auto& n : r.nodes)
      if (n.kind == node_kind::pillar)
        out += fmt::format("<div>{} {}<br>{}; {} (planned {})<br><span class=\"counts\">indicators: {}</span></div>",
                           escape_xml(n.name.empty() ? n.id : n.name), badge(n.status), assessed(n),
                           percent(n.achievement), percent(n.expected_achievement), counts_html(n.indicator_counts));
    out += "</div>\n";
  }
  out += "</header>\n<main>\n";

  for (const auto& pillar : r.nodes) {
    if (pillar.kind != node_kind::pillar) continue;
    out += fmt::format(
        "<section class=\"pillar\" id=\"pillar-{}\">\n<h2>{} {}</h2>\n<p class=\"counts\">{}; indicators: {}</p>\n",
        svg::id_fragment(pillar.id), escape_xml(pillar.name.empty() ? pillar.id : pillar.name), badge(pillar.status),
        assessed(pillar), counts_html(pillar.indicator_counts));
    out +=
        "<table>\n<thead><tr><th>indicator</th><th>status</th><th class=\"num\">actual</th><th "
        "class=\"num\">target</th>"
        "<th>due</th><th class=\"num\">achieved</th><th class=\"num\">planned</th><th "
        "class=\"num\">forecast</th></tr></thead>\n<tbody>\n";
    for (const auto& ir : r.indicators) {
      if (ir.pillar != pillar.id) continue;
      const auto& p = ir.progress;
      out += fmt::format(
          "<tr><td><a href=\"#ind-{}\">{}</a></td><td>{}</td><td class=\"num\">{}</td><td "
          "class=\"num\">{}</td><td class=\"date\">{}</td>"
          "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
          svg::id_fragment(ir.id), escape_xml(ir.name.empty() ? ir.id : ir.name), status_badge(p),
          actual_html(ir) + incomplete_flag(missing, ir.id), number(p.final_target), day(p.final_target_date),
          percent(p.final_achievement), percent(p.expected_achievement), number(ir.forecast.value));
    }
    out += "</tbody>\n</table>\n";
    for (const auto& ir : r.indicators) {
      if (ir.pillar != pillar.id) continue;
      const auto& p = ir.progress;
      out += fmt::format("<article class=\"indicator\" id=\"ind-{}\">\n<h3>{} {}</h3>\n", svg::id_fragment(ir.id),
                         escape_xml(ir.name.empty() ? ir.id : ir.name), status_badge(p));
      if (ir.proxy) out += "<p class=\"proxy\">A proxy: it measures the result indirectly.</p>\n";
      out += fmt::format("<p class=\"meta\">{} · {} · result {}</p>\n", escape_xml(ir.id), escape_xml(ir.unit),
                         escape_xml(ir.result));
      out += svg::render(chart_of(ir, r));
      out += "\n";
      for (const auto& h : ir.revisions) {
        out += fmt::format("<p class=\"meta\">Target {} by {} was revised:</p>\n<ul class=\"meta\">\n", number(h.value),
                           format_date(h.due));
        for (const auto& rv : h.revisions)
          out += fmt::format("<li>until {}: {} by {} ({})</li>\n", format_date(rv.revised_on), number(rv.value),
                             format_date(rv.due), escape_xml(rv.reason));
        out += "</ul>\n";
      }
      if (!ir.incomplete_members.empty()) {
        std::string ms;
        for (const auto& m : ir.incomplete_members) ms += (ms.empty() ? "" : ", ") + escape_xml(m);
        out += "<p class=\"meta\">Left out where a part of the formula is missing: " + ms + ".</p>\n";
      }
      out += "<table>\n<tbody>\n";
      out += fmt::format("<tr><th>actual</th><td class=\"num\">{}</td><td>{}</td></tr>\n", actual_html(ir),
                         day(p.actual_date));
      out += fmt::format("<tr><th>baseline</th><td class=\"num\">{}</td><td>{}</td></tr>\n", number(p.baseline),
                         day(p.baseline_date));
      out += fmt::format("<tr><th>next target</th><td class=\"num\">{}</td><td>{}</td></tr>\n", number(p.target),
                         day(p.target_date));
      out += fmt::format("<tr><th>expected then</th><td class=\"num\">{}</td><td>gap {}</td></tr>\n",
                         number(p.expected), number(p.gap));
      if (p.required_rate || p.recent_rate)
        out += fmt::format("<tr><th>what it takes</th><td class=\"num\">{}</td><td>{}</td></tr>\n",
                           p.required_rate ? "needs " + number(p.required_rate->value) + " a " +
                                                 std::string(to_string(p.required_rate->per))
                                           : "&#8211;",
                           p.recent_rate ? "recently " + number(p.recent_rate->value) + " a " +
                                               std::string(to_string(p.recent_rate->per))
                                         : "");
      if (p.achievement_basis == achievement_basis::target_only)
        out += "<tr><th>achievement</th><td colspan=\"2\">no baseline: measured against the target alone</td></tr>\n";
      if (ir.forecast.value)
        out += fmt::format(
            "<tr><th>forecast at {}</th><td class=\"num\">{}</td><td>{:.0f}&#160;% interval {} to {}; target "
            "{}</td></tr>\n",
            day(ir.forecast.at), number(ir.forecast.value), ir.forecast.level * 100, number(ir.forecast.low),
            number(ir.forecast.high),
            (ir.forecast.eta          ? "expected on " + format_date(*ir.forecast.eta)
             : ir.forecast.eta_status ? std::string(report_name(*ir.forecast.eta_status))
                                      : std::string("-")) +
                // issue 11: how likely the final target is, and by which method
                (ir.forecast.p_reach && p.final_target_date
                     ? fmt::format("; {:.0f}&#160;% likely by {}", *ir.forecast.p_reach * 100,
                                   format_date(*p.final_target_date))
                     : std::string()) +
                (ir.forecast.method.empty() ? std::string() : "; method " + escape_xml(ir.forecast.method)));
      else if (!ir.forecast.reason.empty())
        out += "<tr><th>forecast</th><td colspan=\"2\">" + escape_xml(ir.forecast.reason) + "</td></tr>\n";
      if (p.milestone)
        out += fmt::format("<tr><th>milestone</th><td colspan=\"2\">{}{}</td></tr>\n",
                           p.milestone->delivered ? "delivered " + day(p.milestone->delivered_on) : "not delivered",
                           p.milestone->late ? " (late)" : "");
      if (p.coverage) {
        std::string unmet;
        for (const auto& m : p.coverage->unmet) unmet += (unmet.empty() ? "" : ", ") + escape_xml(m);
        out += fmt::format("<tr><th>coverage</th><td class=\"num\">{} of {}</td><td>{}</td></tr>\n", p.coverage->met,
                           p.coverage->total, unmet.empty() ? "every member meets the threshold" : "not yet: " + unmet);
      }
      out += "</tbody>\n</table>\n";
      if (ir.matrix) {
        const auto& m = *ir.matrix;
        svg::coverage_chart cc;
        cc.id = ir.id;
        cc.title = (ir.name.empty() ? ir.id : ir.name) + ": " + m.row_dimension + " x " + m.column_dimension;
        cc.row_heading = m.row_dimension;
        cc.column_heading = m.column_dimension;
        cc.rows = m.rows;
        cc.columns = m.columns;
        for (const auto& v : m.cells) {
          cc.met.push_back(v ? std::optional<bool>(*v >= m.threshold) : std::nullopt);
          cc.cell_text.push_back(v ? fmt::format("{:g}", *v) : "");
        }
        out += svg::render(cc);
        out += "\n";
      }
      out += "</article>\n";
    }
    out += "</section>\n";
  }

  if (r.data_quality) out += quality_html(*r.data_quality);
  if (!r.funding.empty()) {
    out +=
        "<section id=\"funding\">\n<h2>Funding plan</h2>\n<table>\n<thead><tr><th>contribution</th><th>party</th>"
        "<th class=\"num\">amount</th><th></th></tr></thead>\n<tbody>\n";
    for (const auto& f : r.funding)
      out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n", escape_xml(f.id),
                         escape_xml(f.party), format_amount(f.amount, grouped_format), escape_xml(f.note));
    out += fmt::format("<tr><th colspan=\"2\">total paid by the parties</th><th class=\"num\">{}</th><th></th></tr>\n",
                       r.funding_total ? format_amount(*r.funding_total, grouped_format) + " " +
                                             std::string(r.funding_total->currency().code())
                                       : std::string("&#8211;"));
    out +=
        "</tbody>\n</table>\n<p class=\"meta\">Amounts are exact; split shares add up to their pool to the cent "
        "(largest-remainder apportionment).</p>\n</section>\n";
  }
  out +=
      "</main>\n<footer class=\"meta\"><p>Made with regiokpi. Status rules: "
      "docs/progress.md.</p></footer>\n</body>\n</html>\n";
  return out;
}

REGIOKPI_END_NAMESPACE
