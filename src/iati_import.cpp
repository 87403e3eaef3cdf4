// IATI 2.03 import (docs/iati.md): the results of one iati-activity as a programme definition and its
// measurements. Parsed with libxml2 without network, DTD loading or entity substitution; a document
// with a DTD is refused. The tree is walked by fixed loops over the known levels (activity, result,
// indicator, period, target/actual), never by recursion, and everything the walk does not carry is
// listed with its XPath.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/csv.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/iati.hpp"
#include "regiokpi/programme.hpp"
#include "regiokpi/programme_io.hpp"

REGIOKPI_BEGIN_NAMESPACE

namespace {

std::string_view name_of(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

bool is(const xmlNode* n, std::string_view name) {
  return n->type == XML_ELEMENT_NODE && n->ns == nullptr && name_of(n) == name;
}

bool is_extension(const xmlNode* n, std::string_view name) {
  return n->type == XML_ELEMENT_NODE && n->ns != nullptr && n->ns->href != nullptr &&
         std::string_view(reinterpret_cast<const char*>(n->ns->href)) == iati_extension_namespace && name_of(n) == name;
}

std::optional<std::string> attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetNoNsProp(n, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

std::string text_of(const xmlNode* n) {
  xmlChar* v = xmlNodeGetContent(n);
  if (v == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  // trim
  const auto b = out.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = out.find_last_not_of(" \t\r\n");
  return out.substr(b, e - b + 1);
}

std::vector<const xmlNode*> children(const xmlNode* n) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next)
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  return out;
}

/// XPath steps: "name[k]" with k counted among the siblings of the same name, 1-based.
std::string step(const xmlNode* n) {
  std::size_t k = 1;
  for (const xmlNode* s = n->prev; s != nullptr; s = s->prev)
    if (s->type == XML_ELEMENT_NODE && xmlStrEqual(s->name, n->name) && s->ns == n->ns) ++k;
  std::string prefix;
  if (n->ns != nullptr && n->ns->prefix != nullptr)
    prefix = std::string(reinterpret_cast<const char*>(n->ns->prefix)) + ":";
  return "/" + prefix + std::string(name_of(n)) + "[" + std::to_string(k) + "]";
}

/// A decimal number as the measurements CSV reads it (no inf, nan, hex, spaces).
std::optional<double> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const char* b = s.data();
  if (*b == '+') ++b;
  double v = 0;
  const auto r = std::from_chars(b, s.data() + s.size(), v, std::chars_format::general);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

/// An id the programme accepts: letters, digits, '-', '_', '.', ':'; others become '-'.
std::string to_id(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == ':' ? c : '-';
  }
  if (out.empty()) out = "x";
  if (out.size() > 200) out.resize(200);
  return out;
}

struct importer {
  std::vector<diagnostic>& lost;

  void drop(const std::string& xpath, std::string reason) { lost.push_back({xpath, std::move(reason)}); }

  /// The first narrative of a text element (title, description, comment); the others are listed.
  std::string narrative(const xmlNode* parent, const std::string& xpath) {
    std::string first;
    bool have = false;
    for (const xmlNode* c : children(parent)) {
      const std::string x = xpath + step(c);
      if (!is(c, "narrative")) {
        drop(x, "only narratives are read here");
        continue;
      }
      if (have) {
        const auto lang = attr(c, "lang");
        drop(x, "a second narrative" + (lang ? " (xml:lang " + *lang + ")" : std::string()) +
                    "; the programme keeps one text");
        continue;
      }
      first = text_of(c);
      have = true;
    }
    return first;
  }
};

/// One measurement row for the CSV.
struct row {
  std::string indicator;
  date when;
  date start;
  std::vector<std::pair<std::string, std::string>> coordinates;  // column, member
  std::string value;                                             // the number's text, or a text value
};

/// Structured-error capture for one parse (libxml2 reports through a thread-local handler).
struct error_capture {
  std::string message;
  int line = 0;
  int column = 0;
  bool set = false;
  static void handler(void* self, const xmlError* e) {
    auto* c = static_cast<error_capture*>(self);
    if (c->set || e == nullptr || e->level < XML_ERR_ERROR) return;
    c->set = true;
    c->message = e->message != nullptr ? e->message : "not well-formed XML";
    while (!c->message.empty() && (c->message.back() == '\n' || c->message.back() == ' ')) c->message.pop_back();
    c->line = e->line;
    c->column = e->int2;
  }
};

}  // namespace

iati_import import_iati(std::string_view xml, std::string_view source_name, std::string_view activity_id) {
  const std::string name = source_name.empty() ? std::string("<iati>") : std::string(source_name);
  if (xml.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw error(errc::parse_error, name + ": the document is larger than 2 GiB");
  error_capture cap;
  xmlSetStructuredErrorFunc(&cap, reinterpret_cast<xmlStructuredErrorFunc>(&error_capture::handler));
  const std::unique_ptr<xmlDoc, void (*)(xmlDoc*)> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), name.c_str(), nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR),
      xmlFreeDoc);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  if (!doc || cap.set)
    throw error(errc::parse_error, std::vector<diagnostic>{{name + ":" + std::to_string(std::max(cap.line, 1)) + ":" +
                                                                std::to_string(std::max(cap.column, 1)),
                                                            cap.set ? cap.message : "not well-formed XML"}});
  if (doc->intSubset != nullptr || doc->extSubset != nullptr)
    throw error(errc::parse_error, std::vector<diagnostic>{{name + ":1:1",
                                                            "a document type declaration (DTD) is not accepted: IATI "
                                                            "documents have none, and entities are not expanded"}});
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr || !is(root, "iati-activities"))
    throw error(errc::parse_error,
                std::vector<diagnostic>{{name + ": /" + (root ? std::string(name_of(root)) : std::string()),
                                         "the root element is not iati-activities"}});

  iati_import out;
  importer im{out.not_carried};
  if (const auto v = attr(root, "version"); v && *v != "2.03")
    im.drop("/iati-activities[1]/@version", "version " + *v + ": read as 2.03");

  // Pick the activity.
  std::vector<const xmlNode*> acts;
  std::vector<std::string> ids;
  for (const xmlNode* c : children(root))
    if (is(c, "iati-activity")) {
      acts.push_back(c);
      const xmlNode* idn = nullptr;
      for (const xmlNode* cc : children(c))
        if (is(cc, "iati-identifier")) idn = cc;
      ids.push_back(idn ? text_of(idn) : std::string());
    }
  if (acts.empty())
    throw error(errc::parse_error,
                std::vector<diagnostic>{{name + ": /iati-activities[1]", "no iati-activity in the document"}});
  std::size_t pick = 0;
  if (!activity_id.empty()) {
    const auto it = std::find(ids.begin(), ids.end(), activity_id);
    if (it == ids.end()) {
      std::string list;
      for (const auto& i : ids) list += (list.empty() ? "" : ", ") + i;
      throw error(errc::not_found,
                  std::vector<diagnostic>{{name + ": /iati-activities[1]", "no activity \"" + std::string(activity_id) +
                                                                               "\"; the document holds: " + list}});
    }
    pick = static_cast<std::size_t>(it - ids.begin());
  } else if (acts.size() > 1) {
    std::string list;
    for (const auto& i : ids) list += (list.empty() ? "" : ", ") + i;
    throw error(errc::invalid_argument,
                std::vector<diagnostic>{
                    {name + ": /iati-activities[1]",
                     std::to_string(acts.size()) + " activities: choose one with --activity (" + list + ")"}});
  }
  for (const xmlNode* c : children(root))
    if (!is(c, "iati-activity")) im.drop("/iati-activities[1]" + step(c), "not an iati-activity");
  const xmlNode* act = acts[pick];
  const std::string ax = "/iati-activities[1]" + step(act);
  out.activity = ids[pick];

  programme p;
  std::string reporting_ref;
  std::optional<date> planned_start, actual_start, planned_end, actual_end;
  std::vector<const xmlNode*> results;
  std::string programme_id;
  for (const xmlNode* c : children(act)) {
    const std::string x = ax + step(c);
    if (is(c, "iati-identifier")) continue;
    if (is(c, "reporting-org")) {
      reporting_ref = attr(c, "ref").value_or("");
    } else if (is(c, "title")) {
      p.name = im.narrative(c, x);
    } else if (is(c, "description")) {
      if (p.description.empty())
        p.description = im.narrative(c, x);
      else
        im.drop(x, "the programme keeps one description");
    } else if (is(c, "activity-date")) {
      const auto t = attr(c, "type").value_or("");
      const auto d = try_parse_date(attr(c, "iso-date").value_or(""));
      if (!d) {
        im.drop(x + "/@iso-date", "not a date (YYYY-MM-DD)");
        continue;
      }
      if (t == "1")
        planned_start = d;
      else if (t == "2")
        actual_start = d;
      else if (t == "3")
        planned_end = d;
      else if (t == "4")
        actual_end = d;
      else
        im.drop(x + "/@type", "activity-date type " + t + " is not 1-4");
    } else if (is(c, "result")) {
      results.push_back(c);
    } else if (is(c, "location")) {
      // read below: its name names the members that reference it
    } else if (is_extension(c, "programme")) {
      programme_id = attr(c, "id").value_or("");
    } else {
      im.drop(x, "the programme takes the activity's title, description, dates and results");
    }
  }
  // The programme's id: regiokpi's own (the export writes it), else the identifier without REF-.
  if (programme_id.empty()) {
    programme_id = out.activity;
    if (!reporting_ref.empty() && programme_id.rfind(reporting_ref + "-", 0) == 0)
      programme_id = programme_id.substr(reporting_ref.size() + 1);
  }
  p.id = to_id(programme_id.empty() ? std::string("iati-activity") : programme_id);
  if (p.name.empty()) p.name = out.activity.empty() ? p.id : out.activity;

  // Dimensions found on the actuals: column -> members (id -> name).
  std::map<std::string, std::map<std::string, std::string>> dims;
  std::map<std::string, std::string> location_names;
  for (const xmlNode* c : children(act))
    if (is(c, "location")) {
      const auto ref = attr(c, "ref");
      if (!ref) continue;
      for (const xmlNode* cc : children(c))
        if (is(cc, "name")) {
          std::vector<diagnostic> ignore;
          importer quiet{ignore};
          location_names[*ref] = quiet.narrative(cc, "");
        }
    }
  // A location reference "dimension:member" (as the export writes it) or any other ref (dimension "location").
  auto location_column = [](const std::string& ref) -> std::pair<std::string, std::string> {
    const auto colon = ref.find(':');
    if (colon != std::string::npos && colon > 0 && colon + 1 < ref.size())
      return {to_id(ref.substr(0, colon)), to_id(ref.substr(colon + 1))};
    return {"location", to_id(ref)};
  };

  pillar pil;
  pil.id = "iati";
  pil.name = "Results (IATI)";
  goal gl;
  gl.id = "iati.results";
  gl.name = "Results of " + (out.activity.empty() ? p.id : out.activity);
  std::vector<row> rows;
  std::set<std::string> indicator_ids;
  std::optional<date> first_day, last_day;
  auto see = [&](date d) {
    if (!first_day || d < *first_day) first_day = d;
    if (!last_day || d > *last_day) last_day = d;
  };

  std::size_t rk = 0;
  for (const xmlNode* rn : results) {
    ++rk;
    const std::string rx = ax + step(rn);
    result res;
    res.id = "R" + std::to_string(rk);
    const auto type = attr(rn, "type").value_or("1");
    if (type == "2") res.tags.push_back("outcome");
    if (type == "3") res.tags.push_back("impact");
    if (type == "9") res.tags.push_back("other");
    std::size_t ik = 0;
    for (const xmlNode* c : children(rn)) {
      const std::string x = rx + step(c);
      if (is(c, "title")) {
        res.name = im.narrative(c, x);
        continue;
      }
      if (is(c, "description")) {
        res.description = im.narrative(c, x);
        continue;
      }
      if (!is(c, "indicator")) {
        im.drop(x, "a result keeps its title, description and indicators");
        continue;
      }
      ++ik;
      indicator ind;
      std::string own_id;
      std::string measure = attr(c, "measure").value_or("1");
      const auto asc = attr(c, "ascending");
      ind.direction = asc && (*asc == "0" || *asc == "false") ? direction::decrease : direction::increase;
      std::optional<std::string> kind_ext, unit_ext, direction_ext;
      // The indicator's own data first (the extension element comes last in the document).
      for (const xmlNode* cc : children(c))
        if (is_extension(cc, "indicator")) {
          own_id = attr(cc, "id").value_or("");
          kind_ext = attr(cc, "kind");
          unit_ext = attr(cc, "unit");
          direction_ext = attr(cc, "direction");
        }
      // IndicatorMeasure: 1 unit, 2 percentage, 3 nominal, 4 ordinal, 5 qualitative.
      if (measure == "2") {
        ind.kind = measure_kind::percentage;
        ind.unit = "%";
      } else if (measure == "5") {
        ind.kind = measure_kind::text;
      } else {
        ind.kind = measure == "3" ? measure_kind::milestone : measure_kind::count;
        ind.unit = "units";
        if (measure == "4")
          im.drop(x + "/@measure", "an ordinal measure (4) without its levels: read as a count");
        else if (measure != "1" && measure != "3")
          im.drop(x + "/@measure", "measure " + measure + " is not 1-5: read as a count (unit)");
      }
      if (kind_ext) {
        for (const auto k : {measure_kind::count, measure_kind::amount, measure_kind::percentage, measure_kind::ratio,
                             measure_kind::milestone, measure_kind::text})
          if (to_string(k) == *kind_ext) ind.kind = k;
      }
      if (unit_ext) ind.unit = *unit_ext;
      if (direction_ext) {
        for (const auto d : {direction::increase, direction::decrease, direction::maintain})
          if (to_string(d) == *direction_ext) ind.direction = d;
      }
      if (ind.direction == direction::maintain) ind.direction = direction::increase;  // no band in IATI
      if (!is_quantity(ind.kind)) ind.unit.clear();
      if (ind.kind == measure_kind::milestone) ind.space_rule = space_rule::min;
      ind.time_rule = time_rule::last;
      std::set<std::string> breakdown_columns;
      std::vector<std::pair<std::string, const xmlNode*>> periods;
      for (const xmlNode* cc : children(c)) {
        const std::string y = x + step(cc);
        if (is(cc, "title")) {
          ind.name = im.narrative(cc, y);
        } else if (is(cc, "description")) {
          ind.description = im.narrative(cc, y);
        } else if (is(cc, "reference")) {
          const auto voc = attr(cc, "vocabulary").value_or("");
          const auto code = attr(cc, "code").value_or("");
          // The export's own reference (vocabulary 99, regiokpi's id) is the id; others are kept as tags.
          if (!(voc == "99" && !own_id.empty() && code == own_id)) ind.tags.push_back("ref:" + voc + ":" + code);
          if (attr(cc, "indicator-uri")) im.drop(y + "/@indicator-uri", "the reference's URI");
        } else if (is(cc, "baseline")) {
          if (ind.baseline) {
            im.drop(y, "a second baseline (the programme keeps one, the total)");
            continue;
          }
          bool located = false;
          for (const xmlNode* b : children(cc))
            if (is(b, "location") || is(b, "dimension")) located = true;
          if (located) {
            im.drop(y, "a baseline of one location or dimension member (the programme keeps the total)");
            continue;
          }
          const auto v = number(attr(cc, "value").value_or(""));
          if (!v) {
            if (attr(cc, "value")) im.drop(y + "/@value", "not a number: \"" + attr(cc, "value").value_or("") + "\"");
            continue;
          }
          baseline b;
          if (const auto d = try_parse_date(attr(cc, "iso-date").value_or("")))
            b.reference_date = *d;
          else if (const auto yr = number(attr(cc, "year").value_or("")); yr && *yr >= 1 && *yr <= 9999)
            b.reference_date = date::from_ymd(static_cast<std::int32_t>(*yr), 1, 1);
          else {
            im.drop(y + "/@year", "no usable year or iso-date");
            continue;
          }
          b.value = *v;
          for (const xmlNode* bc : children(cc)) {
            if (is(bc, "comment"))
              b.source = im.narrative(bc, y + step(bc));
            else
              im.drop(y + step(bc), "not read by the import");
          }
          ind.baseline = b;
        } else if (is(cc, "period")) {
          periods.emplace_back(y, cc);
        } else if (is_extension(cc, "indicator")) {
          // read above
        } else {
          im.drop(y, "an indicator keeps its title, description, references, baseline and periods");
        }
      }
      if (ind.name.empty()) ind.name = own_id.empty() ? res.id + ".I" + std::to_string(ik) : own_id;
      ind.id = to_id(own_id.empty() ? res.id + ".I" + std::to_string(ik) : own_id);
      if (indicator_ids.count(ind.id)) ind.id = to_id(res.id + ".I" + std::to_string(ik));
      indicator_ids.insert(ind.id);

      for (const auto& [y, pn] : periods) {
        std::optional<date> ps, pe;
        for (const xmlNode* e : children(pn)) {
          if (is(e, "period-start")) ps = try_parse_date(attr(e, "iso-date").value_or(""));
          if (is(e, "period-end")) pe = try_parse_date(attr(e, "iso-date").value_or(""));
        }
        if (!ps || !pe || *pe < *ps) {
          im.drop(y, "the period has no valid period-start and period-end");
          continue;
        }
        see(*ps);
        see(*pe);
        for (const xmlNode* e : children(pn)) {
          const std::string z = y + step(e);
          if (is(e, "period-start") || is(e, "period-end")) continue;
          const bool is_target = is(e, "target");
          if (!is_target && !is(e, "actual")) {
            im.drop(z, "not read by the import");
            continue;
          }
          std::vector<std::pair<std::string, std::string>> coords;
          std::string comment;
          for (const xmlNode* t : children(e)) {
            const std::string w = z + step(t);
            if (is(t, "location")) {
              const auto ref = attr(t, "ref");
              if (!ref) {
                im.drop(w, "a location without ref");
                continue;
              }
              // Named, not a structured binding: Clang 14 cannot capture one in the lambda below.
              const auto location = location_column(*ref);
              const auto& col = location.first;
              const auto& mem = location.second;
              if (std::any_of(coords.begin(), coords.end(), [&](const auto& have) { return have.first == col; })) {
                im.drop(w,
                        "a second location of the same kind on one value: a measurement has one member per "
                        "dimension");
                continue;
              }
              coords.emplace_back(col, mem);
              const auto nm = location_names.find(*ref);
              dims[col].emplace(mem, nm != location_names.end() && !nm->second.empty() ? nm->second : mem);
            } else if (is(t, "dimension")) {
              const auto dn = attr(t, "name").value_or("");
              const auto dv = attr(t, "value").value_or("");
              if (dn.empty() || dv.empty()) {
                im.drop(w, "a dimension needs a name and a value");
                continue;
              }
              if (std::any_of(coords.begin(), coords.end(),
                              [&](const auto& have) { return have.first == to_id(dn); })) {
                im.drop(w, "a second member of dimension " + dn + " on one value");
                continue;
              }
              coords.emplace_back(to_id(dn), to_id(dv));
              dims[to_id(dn)].emplace(to_id(dv), dv);
            } else if (is(t, "comment")) {
              comment = im.narrative(t, w);
            } else {
              im.drop(w, "not read by the import");
            }
          }
          const auto value_text = attr(e, "value");
          if (is_target) {
            if (!coords.empty()) {
              im.drop(z, "a target of one location or dimension member (the programme's targets are totals)");
              continue;
            }
            const auto v = number(value_text.value_or(""));
            if (!v) {
              im.drop(value_text ? z + "/@value" : z,
                      value_text ? "not a number: \"" + *value_text + "\"" : "a target without a value");
              continue;
            }
            target t;
            t.kind = comment.rfind("milestone", 0) == 0 ? target_kind::milestone : target_kind::target;
            t.due = *pe;
            // "target due 2023-06-15: note" (the export's comment) keeps the exact due date and the note.
            std::string_view rest = comment;
            for (const std::string_view lead : {"milestone due ", "target due "})
              if (rest.rfind(lead, 0) == 0 && rest.size() >= lead.size() + 10) {
                if (const auto d = try_parse_date(rest.substr(lead.size(), 10))) t.due = *d;
                rest = rest.substr(lead.size() + 10);
                if (rest.rfind(": ", 0) == 0) rest.remove_prefix(2);
                comment = std::string(rest);
                break;
              }
            t.note = comment;
            t.value = *v;
            ind.targets.push_back(std::move(t));
            continue;
          }
          // An actual: a measurement at the period's end, its start kept.
          row r;
          r.indicator = ind.id;
          r.when = *pe;
          r.start = *ps;
          r.coordinates = coords;
          if (ind.kind == measure_kind::text) {
            if (comment.empty()) {
              im.drop(z, "a qualitative actual without a comment");
              continue;
            }
            r.value = comment;
          } else {
            const auto v = number(value_text.value_or(""));
            if (!v) {
              im.drop(value_text ? z + "/@value" : z,
                      value_text ? "not a number: \"" + *value_text + "\"" : "an actual without a value");
              continue;
            }
            r.value = *value_text;
            if (r.value.front() == '+') r.value.erase(0, 1);
            if (!comment.empty()) im.drop(z + "/comment[1]", "an actual's comment");
          }
          for (const auto& [col, mem] : coords) breakdown_columns.insert(col);
          rows.push_back(std::move(r));
        }
      }
      std::sort(ind.targets.begin(), ind.targets.end(), [](const target& a, const target& b) { return a.due < b.due; });
      for (const auto& col : breakdown_columns) ind.breakdowns.push_back({col, {}});
      res.indicators.push_back(std::move(ind));
    }
    if (res.name.empty()) res.name = res.id;
    if (!res.indicators.empty()) gl.results.push_back(std::move(res));
  }
  pil.goals.push_back(std::move(gl));
  p.pillars.push_back(std::move(pil));
  for (const auto& [col, members] : dims) {
    dimension d;
    d.id = col;
    d.name = col;
    d.kind = dimension_kind::category;
    for (const auto& [id, nm] : members) d.members.push_back({id, nm, {}, {}, {}, {}});
    p.dimensions.push_back(std::move(d));
  }
  // The period: the activity's dates (actual before planned), else the span of the result periods.
  p.start = actual_start    ? *actual_start
            : planned_start ? *planned_start
                            : first_day.value_or(date::from_ymd(2000, 1, 1));
  p.end = actual_end ? *actual_end : planned_end ? *planned_end : last_day.value_or(p.start);
  if (p.end < p.start) p.end = p.start;
  validate_programme(p);  // what `regiokpi validate` will check: fail here, not later
  out.programme_json = write_programme(p);

  // The measurements: one column per dimension seen; rows in document order.
  std::vector<std::string> cols;
  for (const auto& [col, m] : dims) cols.push_back(col);
  std::string csv = "indicator,date,period_start";
  for (const auto& c : cols) csv += "," + csv_escape(c);
  csv += ",value\n";
  for (const auto& r : rows) {
    csv += csv_escape(r.indicator) + "," + format_date(r.when) + "," + format_date(r.start);
    for (const auto& c : cols) {
      csv += ',';
      for (const auto& [col, mem] : r.coordinates)
        if (col == c) csv += csv_escape(mem);
    }
    csv += "," + csv_escape(r.value) + "\n";
  }
  out.measurements_csv = std::move(csv);
  return out;
}

REGIOKPI_END_NAMESPACE
