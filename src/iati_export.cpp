// IATI 2.03 export (docs/iati.md): the programme, its funding plan and its indicators' results as one
// iati-activity. Elements follow the xsd:sequence of the official activity schema (tests/data/iati/),
// which the tests validate every exported document against.
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/aggregate.hpp"
#include "regiokpi/evaluate.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/iati.hpp"
#include "regiokpi/money.hpp"
#include "regiokpi/programme.hpp"
#include "regiokpi/svg.hpp"
#include "regiokpi/version.hpp"

REGIOKPI_BEGIN_NAMESPACE

namespace {

/// Text for XML character data and attribute values: svg.hpp's escape_xml (control characters XML 1.0
/// cannot carry become U+FFFD). `what` names the field for the reader of this code only.
std::string esc(std::string_view s, std::string_view /*what*/) { return svg::escape_xml(s); }

/// The shortest decimal text that reads back to the same double.
std::string num(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

/// <tag><narrative>text</narrative></tag>, or nothing for empty text when `optional`.
std::string narrative_element(std::string_view tag, std::string_view text, std::string_view what, int indent,
                              std::string_view attributes = {}) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  return pad + "<" + std::string(tag) + std::string(attributes) + "><narrative>" + esc(text, what) + "</narrative></" +
         std::string(tag) + ">\n";
}

/// IATI IndicatorMeasure: 1 unit, 2 percentage, 3 nominal, 4 ordinal, 5 qualitative.
std::string_view measure_code(measure_kind k) {
  switch (k) {
    case measure_kind::percentage:
      return "2";
    case measure_kind::milestone:
      return "3";
    case measure_kind::ordinal:
      return "4";
    case measure_kind::text:
      return "5";
    default:
      return "1";  // count, amount, ratio
  }
}

/// IATI ResultType: 1 output, 2 outcome, 3 impact, 9 other; from a result tag, default output.
std::string_view result_type(const result& r) {
  for (const auto& t : r.tags) {
    if (t == "outcome") return "2";
    if (t == "impact") return "3";
    if (t == "other") return "9";
  }
  return "1";
}

/// Per-member actuals of one period: (kind of reference, reference, value).
struct member_actual {
  bool location = false;  ///< a hierarchy member: a location reference; else a dimension name/value
  std::string name;       ///< dimension id (dimension) or location ref
  std::string value;      ///< member id (dimension)
  double number = 0;
};

struct period_entry {
  std::vector<std::pair<const target*, double>> targets;  ///< with the resolved value
  std::optional<double> actual;
  std::vector<member_actual> members;
  std::string text;  ///< qualitative: the actual's text
};

}  // namespace

std::string export_iati(const programme& prog, const measurement_store& store, const iati_export_options& o) {
  if (o.reporting_org.empty()) throw error(errc::invalid_argument, "export iati: the reporting organisation is empty");
  const std::string identifier = o.reporting_org + "-" + prog.id;
  for (const char c : identifier)
    if (static_cast<unsigned char>(c) <= 0x20)
      throw error(errc::invalid_argument,
                  "export iati: the activity identifier \"" + identifier + "\" holds a space or control character");

  evaluation_settings s;
  s.as_of = o.as_of;
  s.as_recorded_on = o.as_recorded_on;
  s.series_period = o.period;
  s.data_quality = false;
  const programme_report rep = evaluate_programme(prog, store, s);
  std::map<std::string_view, const indicator_report*> by_id;
  for (const auto& ir : rep.indicators) by_id.emplace(ir.id, &ir);

  // Locations referenced by the results, declared once on the activity: "<dimension>:<member>".
  std::map<std::string, std::string> locations;  // ref -> name
  const std::string currency = prog.funding ? prog.funding->currency : std::string("EUR");

  std::string results;
  for (const auto& pil : prog.pillars)
    for (const auto& g : pil.goals)
      for (const auto& res : g.results) {
        if (res.indicators.empty()) continue;  // IATI needs at least one indicator per result
        results += std::string("  <result type=\"") + std::string(result_type(res)) + "\" aggregation-status=\"0\">\n";
        results += narrative_element("title", res.name.empty() ? res.id : res.name, "result " + res.id + " name", 3);
        if (!res.description.empty())
          results += narrative_element("description", res.description, "result " + res.id + " description", 3);
        for (const auto& ind : res.indicators) {
          const auto found = by_id.find(ind.id);
          const indicator_report* ir = found != by_id.end() ? found->second : nullptr;
          const bool qualitative = ind.kind == measure_kind::text;
          const bool summable = (ind.kind == measure_kind::count || ind.kind == measure_kind::amount) &&
                                ind.space_rule == space_rule::sum && !ind.formula;
          results += std::string("   <indicator measure=\"") + std::string(measure_code(ind.kind)) + "\"";
          if (ind.direction != direction::maintain)
            results += std::string(" ascending=\"") + (ind.direction == direction::increase ? "1" : "0") + "\"";
          results += std::string(" aggregation-status=\"") + (summable ? "1" : "0") + "\">\n";
          results +=
              narrative_element("title", ind.name.empty() ? ind.id : ind.name, "indicator " + ind.id + " name", 4);
          if (!ind.description.empty())
            results += narrative_element("description", ind.description, "indicator " + ind.id + " description", 4);
          // The indicator's id, so an import finds it again; other references from tags "ref:VOCABULARY:CODE".
          results += "    <reference vocabulary=\"99\" code=\"" + esc(ind.id, "indicator id") + "\"/>\n";
          for (const auto& t : ind.tags) {
            if (t.rfind("ref:", 0) != 0) continue;
            const auto colon = t.find(':', 4);
            if (colon == std::string::npos || colon == 4 || colon + 1 == t.size()) continue;
            results += "    <reference vocabulary=\"" + esc(t.substr(4, colon - 4), "indicator tag") + "\" code=\"" +
                       esc(t.substr(colon + 1), "indicator tag") + "\"/>\n";
          }
          if (ind.baseline) {
            const auto& b = *ind.baseline;
            results += "    <baseline year=\"" + std::to_string(b.reference_date.year()) + "\" iso-date=\"" +
                       format_date(b.reference_date) + "\"";
            if (qualitative) {
              results += "/>\n";
            } else {
              results += " value=\"" + num(b.value) + "\"";
              if (b.source.empty())
                results += "/>\n";
              else
                results += ">\n" + narrative_element("comment", b.source, "baseline source of " + ind.id, 5) +
                           "    </baseline>\n";
            }
          }

          // Periods: every complete reporting period up to the as-of date with an actual, and the
          // period of every target and milestone (future ones too), keyed by period index.
          std::map<std::int32_t, period_entry> periods;
          for (const auto& t : ind.targets) {
            double v = t.value;
            try {
              v = resolved_value(t, ind.baseline);
            } catch (const error&) {
              // a relative target without a baseline: validation rejects it; keep the stated value
            }
            periods[period::containing(o.period, t.due).index()].targets.emplace_back(&t, v);
          }
          if (ir != nullptr && !qualitative) {
            for (const auto& pt : ir->series) {
              const period p = period::containing(o.period, pt.when);
              if (p.last_day() > o.as_of) continue;  // the running period: not complete yet
              periods[p.index()].actual = pt.value;
            }
          }
          if (ir != nullptr && qualitative && ir->actual_text && ir->progress.actual_date) {
            const period p = period::containing(o.period, *ir->progress.actual_date);
            periods[p.index()].text = *ir->actual_text;
          }
          // Per-member actuals for the breakdowns of a plain indicator.
          if (ir != nullptr && !qualitative && !ind.formula && ind.space_rule != space_rule::coverage) {
            for (const auto& b : ind.breakdowns) {
              const dimension* dim = prog.find_dimension(b.dimension);
              if (dim == nullptr) continue;
              std::string column;
              if (!b.level.empty() && store.find_dimension(b.level))
                column = b.level;
              else if (store.find_dimension(b.dimension))
                column = b.dimension;
              else
                continue;
              query q;
              q.indicators = {ind.id};
              q.period = o.period;
              q.to = o.as_of;
              q.as_recorded_on = o.as_recorded_on;
              q.group_by = {column};
              q.time = ind.time_rule;
              q.space = ind.space_rule == space_rule::weighted_avg ? space_rule::sum : ind.space_rule;
              q.cumulative = ind.cumulative;
              const aggregate_result r = aggregate(store, q, &prog);
              for (std::size_t row = 0; row < r.size(); ++row) {
                const std::string member_id(r.group_value(row, 0));
                if (member_id.empty()) continue;  // the total: the period's actual itself
                const period p = r.period_of(row);
                if (p.last_day() > o.as_of) continue;
                member_actual m;
                m.number = r.value(row);
                if (dim->kind == dimension_kind::hierarchy) {
                  m.location = true;
                  m.name = dim->id + ":" + member_id;
                  const regiokpi::member* mem = dim->find_member(member_id);
                  locations.emplace(m.name, mem != nullptr && !mem->name.empty() ? mem->name : member_id);
                } else {
                  m.name = dim->id;
                  m.value = member_id;
                }
                periods[p.index()].members.push_back(std::move(m));
              }
            }
          }
          for (const auto& [index, e] : periods) {
            const period p = period::from_index(o.period, index);
            results += "    <period>\n     <period-start iso-date=\"" + format_date(p.first_day()) +
                       "\"/>\n     <period-end iso-date=\"" + format_date(p.last_day()) + "\"/>\n";
            for (const auto& [t, v] : e.targets) {
              results += "     <target";
              if (!qualitative) results += " value=\"" + num(v) + "\"";
              results += ">\n";
              std::string comment = t->kind == target_kind::milestone ? "milestone" : "target";
              comment += " due " + format_date(t->due);
              if (!t->note.empty()) comment += ": " + t->note;
              results += narrative_element("comment", comment, "target note of " + ind.id, 6);
              results += "     </target>\n";
            }
            if (e.actual) results += "     <actual value=\"" + num(*e.actual) + "\"/>\n";
            if (!e.text.empty())
              results +=
                  "     <actual>\n" + narrative_element("comment", e.text, "text of " + ind.id, 6) + "     </actual>\n";
            for (const auto& m : e.members) {
              results += "     <actual value=\"" + num(m.number) + "\">\n";
              if (m.location)
                results += "      <location ref=\"" + esc(m.name, "location") + "\"/>\n";
              else
                results += "      <dimension name=\"" + esc(m.name, "dimension") + "\" value=\"" +
                           esc(m.value, "dimension member") + "\"/>\n";
              results += "     </actual>\n";
            }
            results += "    </period>\n";
          }
          // What IATI has no field for, in regiokpi's own namespace (IATI allows other namespaces here).
          results += "    <rk:indicator id=\"" + esc(ind.id, "indicator id") + "\" kind=\"" +
                     std::string(to_string(ind.kind)) + "\" direction=\"" + std::string(to_string(ind.direction)) +
                     "\"";
          if (!ind.unit.empty()) results += " unit=\"" + esc(ind.unit, "indicator unit") + "\"";
          results += "/>\n   </indicator>\n";
        }
        results += "  </result>\n";
      }

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<!-- written by regiokpi " + std::string(version()) + " (docs/iati.md) -->\n";
  out += "<iati-activities version=\"2.03\" xmlns:rk=\"" + std::string(iati_extension_namespace) + "\">\n";
  out += " <iati-activity default-currency=\"" + esc(currency, "currency") + "\">\n";
  out += "  <iati-identifier>" + esc(identifier, "identifier") + "</iati-identifier>\n";
  out += narrative_element("reporting-org", o.reporting_org_name.empty() ? o.reporting_org : o.reporting_org_name,
                           "reporting organisation", 2,
                           " ref=\"" + esc(o.reporting_org, "reporting organisation") + "\" type=\"" +
                               esc(o.reporting_org_type, "reporting organisation type") + "\"");
  out += narrative_element("title", prog.name.empty() ? prog.id : prog.name, "programme name", 2);
  out += narrative_element("description", prog.description.empty() ? prog.name : prog.description,
                           "programme description", 2, " type=\"1\"");

  // Funding: every party that pays (a contribution's party, or the party of a member's share).
  std::optional<evaluated_funding> ef;
  if (prog.funding) ef = evaluate_funding(*prog.funding);
  auto party_name = [&](std::string_view id) -> std::string {
    for (const auto& p : prog.parties)
      if (p.id == id) return p.name.empty() ? p.id : p.name;
    return std::string(id);
  };
  auto member_party = [&](std::string_view member) -> std::string {
    for (const auto& p : prog.parties)
      if (p.member == member) return p.id;
    return {};
  };
  struct payer {
    std::string party;  ///< party id, or empty (then `name` only)
    std::string name;
    amount value;
  };
  std::vector<payer> payers;
  if (ef) {
    // A contribution that is split among members is paid by the members' parties, not as a whole.
    std::set<std::string> split;
    for (const auto& l : ef->lines)
      if (!l.member.empty()) split.insert(l.contribution);
    for (const auto& l : ef->lines) {
      if (l.pool) continue;
      if (l.member.empty()) {
        if (split.count(l.contribution)) continue;
        payers.push_back({l.party, l.party.empty() ? l.contribution : party_name(l.party), l.value});
      } else {
        const std::string p = member_party(l.member);
        payers.push_back({p, p.empty() ? l.member : party_name(p), l.value});
      }
    }
  }
  std::set<std::string> listed;
  for (const auto& p : payers)
    if (listed.insert(p.name).second)
      out += narrative_element("participating-org", p.name, "party name", 2, " role=\"1\"");
  if (payers.empty())  // IATI needs one participating organisation: the reporting one, accountable
    out += narrative_element("participating-org", o.reporting_org_name.empty() ? o.reporting_org : o.reporting_org_name,
                             "reporting organisation", 2,
                             " role=\"2\" ref=\"" + esc(o.reporting_org, "reporting organisation") + "\"");
  // ActivityStatus: 1 pipeline, 2 implementation, 3 finalisation (the period is over).
  const char* status = o.as_of < prog.start ? "1" : o.as_of <= prog.end ? "2" : "3";
  out += std::string("  <activity-status code=\"") + status + "\"/>\n";
  out += "  <activity-date type=\"1\" iso-date=\"" + format_date(prog.start) + "\"/>\n";
  if (o.as_of >= prog.start) out += "  <activity-date type=\"2\" iso-date=\"" + format_date(prog.start) + "\"/>\n";
  out += "  <activity-date type=\"3\" iso-date=\"" + format_date(prog.end) + "\"/>\n";
  for (const auto& [ref, name] : locations)
    out += "  <location ref=\"" + esc(ref, "location") + "\">\n" + narrative_element("name", name, "member name", 3) +
           "  </location>\n";
  if (ef) {
    // One budget for the programme period: the plan has no yearly breakdown (docs/iati.md).
    out += "  <budget type=\"1\" status=\"1\">\n   <period-start iso-date=\"" + format_date(prog.start) +
           "\"/>\n   <period-end iso-date=\"" + format_date(prog.end) + "\"/>\n   <value currency=\"" +
           esc(currency, "currency") + "\" value-date=\"" + format_date(prog.start) + "\">" + format_amount(ef->total) +
           "</value>\n  </budget>\n";
    for (const auto& p : payers) {
      out += "  <planned-disbursement type=\"1\">\n   <period-start iso-date=\"" + format_date(prog.start) +
             "\"/>\n   <period-end iso-date=\"" + format_date(prog.end) + "\"/>\n   <value currency=\"" +
             esc(currency, "currency") + "\" value-date=\"" + format_date(prog.start) + "\">" + format_amount(p.value) +
             "</value>\n";
      out += narrative_element("provider-org", p.name, "party name", 3);
      out += "  </planned-disbursement>\n";
    }
  }
  out += results;
  out += "  <rk:programme id=\"" + esc(prog.id, "programme id") + "\"/>\n";
  out += " </iati-activity>\n</iati-activities>\n";
  return out;
}

REGIOKPI_END_NAMESPACE
