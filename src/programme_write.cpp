// Writing programme definitions in their canonical JSON form (programme_io.hpp).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "programme_detail.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/programme_io.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace {

using json = nlohmann::ordered_json;
using namespace programme_detail;

/// Integral values are written without a fraction ("400", not "400.0"); others in nlohmann's
/// shortest round-trip form. Both read back to the same double.
json number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9.0e15) return json(static_cast<std::int64_t>(v));
  return json(v);
}

json value_json(const indicator& i, double v) {
  if (i.kind == measure_kind::milestone && (v == 0 || v == 1)) return json(v == 1);
  if (i.kind == measure_kind::ordinal && v >= 0 && v < static_cast<double>(i.levels.size()) && v == std::floor(v))
    return json(i.levels[static_cast<std::size_t>(v)]);
  return number(v);
}

void put_tags(json& o, const std::vector<std::string>& tags) {
  if (!tags.empty()) o["tags"] = tags;
}

json thresholds_json(const thresholds& t) {
  json o = json::object();
  o["achieved"] = number(t.achieved);
  o["serious_failure"] = number(t.serious_failure);
  return o;
}

template <class Node>
json node_head(const Node& n) {
  json o = json::object();
  o["id"] = n.id;
  o["name"] = n.name;
  if (!n.description.empty()) o["description"] = n.description;
  put_tags(o, n.tags);
  if (n.weight != 1) o["weight"] = number(n.weight);
  return o;
}

json indicator_json(const indicator& i) {
  json o = json::object();
  o["id"] = i.id;
  o["name"] = i.name;
  if (!i.description.empty()) o["description"] = i.description;
  put_tags(o, i.tags);
  o["kind"] = std::string(to_string(i.kind));
  if (!i.unit.empty()) o["unit"] = i.unit;
  if (!i.levels.empty()) o["levels"] = i.levels;
  if (i.kind != measure_kind::text && i.kind != measure_kind::milestone)
    o["direction"] = std::string(to_string(i.direction));
  if (i.band) o["band"] = json{{"low", number(i.band->low)}, {"high", number(i.band->high)}};
  if (i.proxy) o["proxy"] = true;
  if (i.baseline) {
    json b = json::object();
    b["date"] = format_date(i.baseline->reference_date);
    b["value"] = value_json(i, i.baseline->value);
    b["source"] = i.baseline->source;
    o["baseline"] = std::move(b);
  }
  if (!i.targets.empty()) {
    json ts = json::array();
    for (const auto& t : i.targets) {
      json x = json::object();
      if (t.kind != target_kind::target) x["kind"] = std::string(to_string(t.kind));
      x["date"] = format_date(t.due);
      x["value"] = value_json(i, t.value);
      if (t.basis != target_basis::absolute) x["basis"] = std::string(to_string(t.basis));
      if (!t.note.empty()) x["note"] = t.note;
      if (!t.revisions.empty()) {
        json rs = json::array();
        for (const auto& r : t.revisions) {
          json y = json::object();
          y["revised_on"] = format_date(r.revised_on);
          y["date"] = format_date(r.due);
          y["value"] = value_json(i, r.value);
          if (r.basis != target_basis::absolute) y["basis"] = std::string(to_string(r.basis));
          y["reason"] = r.reason;
          rs.push_back(std::move(y));
        }
        x["revisions"] = std::move(rs);
      }
      ts.push_back(std::move(x));
    }
    o["targets"] = std::move(ts);
  }
  if (i.cumulative) o["cumulative"] = true;
  o["time_rule"] = std::string(to_string(i.time_rule));
  o["space_rule"] = std::string(to_string(i.space_rule));
  if (!i.weight_attribute.empty()) o["weight_attribute"] = i.weight_attribute;
  if (i.coverage) {
    json c = json::object();
    c["dimension"] = i.coverage->dimension;
    if (!i.coverage->level.empty()) c["level"] = i.coverage->level;
    c["threshold"] = number(i.coverage->threshold);
    if (i.coverage->share) c["share"] = true;
    o["coverage"] = std::move(c);
  }
  if (!i.breakdowns.empty()) {
    json bs = json::array();
    for (const auto& b : i.breakdowns) {
      json x = json::object();
      x["dimension"] = b.dimension;
      if (!b.level.empty()) x["level"] = b.level;
      bs.push_back(std::move(x));
    }
    o["breakdown"] = std::move(bs);
  }
  if (i.formula) {
    json f = json::object();
    f["numerator"] = i.formula->numerator;
    if (!i.formula->denominator.empty()) f["denominator"] = i.formula->denominator;
    if (i.formula->factor != 1) f["factor"] = number(i.formula->factor);
    o["formula"] = std::move(f);
  }
  if (i.weight != 1) o["weight"] = number(i.weight);
  if (i.thresholds) o["thresholds"] = thresholds_json(*i.thresholds);
  if (i.reporting) {
    json r = json::object();
    r["period"] = std::string(to_string(i.reporting->period));
    json by = json::array();
    for (const auto& b : i.reporting->by) {
      json x = json::object();
      x["dimension"] = b.dimension;
      if (!b.level.empty()) x["level"] = b.level;
      by.push_back(std::move(x));
    }
    r["by"] = std::move(by);
    if (i.reporting->due_days != 0) r["due_days"] = i.reporting->due_days;
    o["reporting"] = std::move(r);
  }
  if (i.min) o["min"] = value_json(i, *i.min);
  if (i.max) o["max"] = value_json(i, *i.max);
  return o;
}

json validation_rule_json(const validation_rule& r) {
  json o = json::object();
  o["id"] = r.id;
  o["name"] = r.name;
  o["left"] = expression_text(r.left);
  o["operator"] = std::string(to_string(r.op));
  o["right"] = expression_text(r.right);
  if (r.per != rule_scope::member) o["per"] = std::string(to_string(r.per));
  if (r.period) o["period"] = std::string(to_string(*r.period));
  if (r.importance != importance::medium) o["importance"] = std::string(to_string(r.importance));
  return o;
}

json funding_json(const programme_funding& f) {
  json o = json::object();
  o["currency"] = f.currency;
  if (f.plan.share_rounding != rounding::half_even) o["rounding"] = std::string(name_of(f.plan.share_rounding));
  json cs = json::array();
  for (const auto& c : f.plan.contributions) {
    json x = json::object();
    x["id"] = c.id;
    if (!c.name.empty()) x["name"] = c.name;
    if (const auto it = f.parties.find(c.id); it != f.parties.end()) x["party"] = it->second;
    x["kind"] = std::string(to_string(c.kind));
    if (std::find(f.pools.begin(), f.pools.end(), c.id) != f.pools.end()) x["pool"] = true;
    switch (c.kind) {
      case contribution_kind::fixed:
        x["amount"] = format_amount(c.fixed);
        break;
      case contribution_kind::share:
        x["of"] = c.of;
        x["share"] = std::to_string(c.share.numerator) + "/" + std::to_string(c.share.denominator);
        break;
      case contribution_kind::remainder:
        x["of"] = c.of;
        x["minus"] = c.minus;
        break;
    }
    if (const auto it = f.splits.find(c.id); it != f.splits.end()) {
      json sp = json::object();
      sp["dimension"] = it->second.dimension;
      if (!it->second.level.empty()) sp["level"] = it->second.level;
      sp["attribute"] = it->second.attribute;
      sp["date"] = format_date(it->second.as_of);
      x["split"] = std::move(sp);
    } else if (!c.members.empty()) {
      json ms = json::array();
      for (const auto& m : c.members) ms.push_back(json{{"member", m.member}, {"weight", format_decimal(m.weight)}});
      x["members"] = std::move(ms);
    }
    cs.push_back(std::move(x));
  }
  o["contributions"] = std::move(cs);
  return o;
}

json dimension_json(const dimension& d) {
  json o = json::object();
  o["id"] = d.id;
  o["name"] = d.name;
  if (!d.description.empty()) o["description"] = d.description;
  o["kind"] = std::string(to_string(d.kind));
  if (!d.levels.empty()) o["levels"] = d.levels;
  put_tags(o, d.tags);
  json ms = json::array();
  for (const auto& m : d.members) {
    json x = json::object();
    x["id"] = m.id;
    x["name"] = m.name;
    if (!m.level.empty()) x["level"] = m.level;
    if (!m.parent.empty()) x["parent"] = m.parent;
    put_tags(x, m.tags);
    if (!m.attributes.empty()) {
      json as = json::object();
      for (const auto& [name, values] : m.attributes) {
        json vs = json::array();
        for (const auto& v : values)
          vs.push_back(json{{"date", format_date(v.reference_date)}, {"value", number(v.value)}, {"source", v.source}});
        as[name] = std::move(vs);
      }
      x["attributes"] = std::move(as);
    }
    ms.push_back(std::move(x));
  }
  o["members"] = std::move(ms);
  return o;
}

}  // namespace

std::string write_programme(const programme& p) {
  json o = json::object();
  o["format"] = std::string(format_marker);
  o["id"] = p.id;
  o["name"] = p.name;
  if (!p.description.empty()) o["description"] = p.description;
  put_tags(o, p.tags);
  o["period"] = json{{"start", format_date(p.start)}, {"end", format_date(p.end)}};
  if (p.fy_first_month != 1) o["period"]["fy_first_month"] = p.fy_first_month;
  if (p.thresholds != thresholds{}) o["thresholds"] = thresholds_json(p.thresholds);
  if (p.rollup != rollup_method::weighted) o["rollup"] = std::string(to_string(p.rollup));
  if (p.stale_after_periods != 2) o["stale_after_periods"] = p.stale_after_periods;
  if (p.status_method != status_method::plan) o["status_method"] = std::string(to_string(p.status_method));
  if (!p.parties.empty()) {
    json ps = json::array();
    for (const auto& pa : p.parties) {
      json x = json::object();
      x["id"] = pa.id;
      x["name"] = pa.name;
      if (!pa.dimension.empty()) x["dimension"] = pa.dimension;
      if (!pa.member.empty()) x["member"] = pa.member;
      put_tags(x, pa.tags);
      ps.push_back(std::move(x));
    }
    o["parties"] = std::move(ps);
  }
  if (p.funding) o["funding"] = funding_json(*p.funding);
  if (!p.dimensions.empty()) {
    json ds = json::array();
    for (const auto& d : p.dimensions) ds.push_back(dimension_json(d));
    o["dimensions"] = std::move(ds);
  }
  json ps = json::array();
  for (const auto& pi : p.pillars) {
    json x = node_head(pi);
    json gs = json::array();
    for (const auto& go : pi.goals) {
      json y = node_head(go);
      json rs = json::array();
      for (const auto& re : go.results) {
        json z = node_head(re);
        json is = json::array();
        for (const auto& in : re.indicators) is.push_back(indicator_json(in));
        z["indicators"] = std::move(is);
        rs.push_back(std::move(z));
      }
      y["results"] = std::move(rs);
      gs.push_back(std::move(y));
    }
    x["goals"] = std::move(gs);
    ps.push_back(std::move(x));
  }
  o["pillars"] = std::move(ps);
  if (!p.validation_rules.empty()) {
    json vs = json::array();
    for (const auto& r : p.validation_rules) vs.push_back(validation_rule_json(r));
    o["validation_rules"] = std::move(vs);
  }
  return o.dump(2, ' ', false, json::error_handler_t::strict) + "\n";
}

REGIOKPI_END_NAMESPACE
