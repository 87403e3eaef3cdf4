// The rules of a programme (docs/programme-format.md, "Rules"), checked on the model: phase 2 of
// read_programme() and validate_programme() for programmes built in code. Each problem is reported
// with the JSON pointer it has in the programme's written form.
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
#include "programme_walks.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/programme_io.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace programme_detail {
namespace {

/// A member attribute as an exact decimal weight: the double's shortest round-trip text, read exactly.
std::optional<decimal> decimal_of(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (r.ec != std::errc()) return std::nullopt;
  try {
    return parse_decimal(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
  } catch (const error&) {
    return std::nullopt;
  }
}

}  // namespace

/// The member weights a split stands for, or why there are none.
std::vector<member_weight> split_weights(const programme& p, const funding_split& s, std::string& why) {
  std::vector<member_weight> out;
  const dimension* d = p.find_dimension(s.dimension);
  if (!d) {
    why = "/dimension: " + quote(s.dimension) + " is not a dimension";
    return {};
  }
  if (d->kind == dimension_kind::hierarchy && s.level.empty()) {
    why = ": missing required field \"level\" (which level of " + quote(s.dimension) + " shares the contribution)";
    return {};
  }
  const auto members = d->members_at_level(s.level);
  if (members.empty()) {
    why = "/level: " + quote(s.dimension) + " has no members at level " + quote(s.level);
    return {};
  }
  for (const member* m : members) {
    const attribute_value* v = m->find_attribute(s.attribute, s.as_of);
    if (!v) {
      why = "/attribute: member " + quote(m->id) + " has no " + quote(s.attribute) + " dated on or before " +
            format_date(s.as_of);
      return {};
    }
    const auto w = decimal_of(v->value);
    if (!w || w->is_negative()) {
      why = "/attribute: member " + quote(m->id) + "'s " + quote(s.attribute) + " is not a usable weight";
      return {};
    }
    out.push_back({m->id, *w});
  }
  return out;
}

namespace {

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 200) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

class rule_checker {
 public:
  /// `period_known`: false when the period could not be read, so target dates cannot be judged.
  explicit rule_checker(const programme& p, bool period_known = true) : p_(p), period_known_(period_known) {}
  std::vector<diagnostic> diags;

  void run() {
    check_id(p_.id, "/id");
    check_name(p_.name, "/name");
    period_ok_ = period_known_ && p_.start <= p_.end;
    if (period_known_ && !period_ok_)
      fail("/period/end", format_date(p_.end) + " is before the programme start " + format_date(p_.start));
    check_thresholds(p_.thresholds, "/thresholds");
    check_dimensions();
    check_parties();
    check_funding();
    check_tree();
    check_validation_rules();
  }

 private:
  void fail(std::string where, std::string reason) { diags.push_back({std::move(where), std::move(reason)}); }

  std::string dimension_hint(std::string_view id) const {
    std::vector<std::string_view> ids;
    for (const auto& d : p_.dimensions) ids.push_back(d.id);
    return did_you_mean(id, ids);
  }
  static std::string member_hint(const dimension& d, std::string_view id) {
    std::vector<std::string_view> ids;
    for (const auto& m : d.members) ids.push_back(m.id);
    return did_you_mean(id, ids);
  }

  void check_id(std::string_view id, const std::string& where) {
    if (!valid_id(id)) fail(where, quote(id) + " is not an id: use 1 to 200 letters, digits, '-', '_', '.' or ':'");
  }
  void check_name(std::string_view name, const std::string& where) {
    if (name.empty()) fail(where, "must not be empty");
  }
  void check_finite(double v, const std::string& where) {
    if (!std::isfinite(v)) fail(where, "must be a finite number");
  }
  void check_weight(double w, const std::string& where) {
    if (!std::isfinite(w) || w < 0) fail(where, number_text(w) + " is not a weight: use a finite number >= 0");
  }
  void check_thresholds(const thresholds& t, const std::string& where) {
    if (!(t.achieved > 0 && t.achieved <= 10))
      fail(where + "/achieved", number_text(t.achieved) + " is not a threshold: use a fraction in (0, 10], e.g. 0.85");
    if (!(t.serious_failure >= 0 && t.serious_failure <= t.achieved))
      fail(where + "/serious_failure", number_text(t.serious_failure) + " must lie in [0, achieved]");
  }

  void check_dimensions() {
    std::set<std::string> ids;
    for (std::size_t d = 0; d < p_.dimensions.size(); ++d) {
      const dimension& dim = p_.dimensions[d];
      const std::string ptr = child("/dimensions", d);
      check_id(dim.id, ptr + "/id");
      check_name(dim.name, ptr + "/name");
      if (!ids.insert(dim.id).second) fail(ptr + "/id", "duplicate dimension id " + quote(dim.id));
      std::unordered_map<std::string_view, std::size_t> levels;  // level -> index (the first one)
      for (std::size_t l = 0; l < dim.levels.size(); ++l) {
        check_id(dim.levels[l], child(ptr + "/levels", l));
        if (!levels.emplace(dim.levels[l], l).second)
          fail(child(ptr + "/levels", l), "duplicate level " + quote(dim.levels[l]));
      }
      const auto level_of = [&](const std::string& name) {
        const auto it = levels.find(name);
        return it == levels.end() ? dim.levels.end() : dim.levels.begin() + static_cast<std::ptrdiff_t>(it->second);
      };
      if (dim.kind == dimension_kind::hierarchy && dim.levels.empty())
        fail(ptr + "/levels", "a hierarchy needs its levels, top first (country, province, municipality)");
      if (dim.kind == dimension_kind::category && !dim.levels.empty())
        fail(ptr + "/levels", "a category has no levels");
      if (dim.members.empty()) fail(ptr + "/members", "a dimension needs at least one member");
      std::unordered_map<std::string, std::size_t> seen;  // member id -> index
      for (std::size_t m = 0; m < dim.members.size(); ++m) {
        const member& mem = dim.members[m];
        const std::string mptr = child(ptr + "/members", m);
        check_id(mem.id, mptr + "/id");
        check_name(mem.name, mptr + "/name");
        if (seen.count(mem.id)) fail(mptr + "/id", "duplicate member id " + quote(mem.id) + " in " + quote(dim.id));
        if (dim.kind == dimension_kind::category) {
          if (!mem.level.empty()) fail(mptr + "/level", "a category member has no level");
          if (!mem.parent.empty()) fail(mptr + "/parent", "a category member has no parent");
        } else {
          const auto lvl = level_of(mem.level);
          if (mem.level.empty())
            fail(mptr, "missing required field \"level\" (a hierarchy member sits at one of its levels)");
          else if (lvl == dim.levels.end())
            fail(mptr + "/level",
                 quote(mem.level) + " is not a level of " + quote(dim.id) + did_you_mean(mem.level, dim.levels));
          if (!mem.parent.empty()) {
            const auto it = seen.find(mem.parent);
            if (it == seen.end()) {
              fail(mptr + "/parent",
                   quote(mem.parent) + (dim.find_member(mem.parent) ? " must be listed before its children"
                                                                    : " is not a member of " + quote(dim.id)));
            } else if (lvl != dim.levels.end()) {
              const auto plvl = level_of(dim.members[it->second].level);
              if (plvl != dim.levels.end() && plvl >= lvl)
                fail(mptr + "/parent", "parent " + quote(mem.parent) + " (" + *plvl + ") is not above " +
                                           quote(mem.id) + " (" + *lvl + ")");
            }
          }
        }
        for (const auto& [name, values] : mem.attributes) {
          const std::string aptr = child(mptr + "/attributes", name);
          if (!valid_id(name)) check_id(name, aptr);
          if (values.empty()) fail(aptr, "an attribute needs at least one dated value");
          for (std::size_t v = 0; v < values.size(); ++v) {
            check_finite(values[v].value, child(aptr, v) + "/value");
            if (values[v].source.empty())
              fail(child(aptr, v) + "/source", "must name the source, or say \"illustrative\"");
            if (v > 0 && !(values[v - 1].reference_date < values[v].reference_date))
              fail(child(aptr, v) + "/date", "values must be in increasing date order, each date once");
          }
        }
        seen.emplace(mem.id, m);
      }
    }
  }

  void check_parties() {
    std::set<std::string> ids;
    for (std::size_t i = 0; i < p_.parties.size(); ++i) {
      const party& pa = p_.parties[i];
      const std::string ptr = child("/parties", i);
      check_id(pa.id, ptr + "/id");
      check_name(pa.name, ptr + "/name");
      if (!ids.insert(pa.id).second) fail(ptr + "/id", "duplicate party id " + quote(pa.id));
      if (pa.dimension.empty() != pa.member.empty()) {
        fail(ptr, "a party stands for a member with both \"dimension\" and \"member\", or neither");
      } else if (!pa.dimension.empty()) {
        const dimension* d = p_.find_dimension(pa.dimension);
        if (!d)
          fail(ptr + "/dimension", quote(pa.dimension) + " is not a dimension" + dimension_hint(pa.dimension));
        else if (!d->find_member(pa.member))
          fail(ptr + "/member",
               quote(pa.member) + " is not a member of " + quote(pa.dimension) + member_hint(*d, pa.member));
      }
    }
  }

  void check_funding() {
    if (!p_.funding) return;
    const programme_funding& f = *p_.funding;
    const auto& cs = f.plan.contributions;
    auto index_of = [&](std::string_view id) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < cs.size(); ++i)
        if (cs[i].id == id) return i;
      return std::nullopt;
    };
    auto cptr = [](std::size_t i) { return child("/funding/contributions", i); };
    std::optional<currency> cur;
    try {
      cur = currency(f.currency);
    } catch (const error& e) {
      fail("/funding/currency", e.what());
    }
    for (std::size_t i = 0; i < cs.size(); ++i) {
      check_id(cs[i].id, cptr(i) + "/id");
      if (cur && cs[i].kind == contribution_kind::fixed && cs[i].fixed.currency() != *cur)
        fail(cptr(i) + "/amount", cs[i].fixed.to_text() + " is not in the plan's currency " + f.currency);
    }
    for (const auto& entry : f.parties) {
      const std::string& id = entry.first;
      const std::string& party_id = entry.second;  // a named reference: clang cannot capture a binding
      const auto i = index_of(id);
      if (!i)
        fail("/funding", "a party is given for " + quote(id) + ", which is not a contribution");
      else if (std::none_of(p_.parties.begin(), p_.parties.end(), [&](const party& x) { return x.id == party_id; }))
        fail(cptr(*i) + "/party", quote(party_id) + " is not a party of the programme");
    }
    for (const auto& id : f.pools)
      if (!index_of(id)) fail("/funding", quote(id) + " is marked a pool but is not a contribution");
    for (const auto& [id, split] : f.splits) {
      const auto i = index_of(id);
      if (!i) {
        fail("/funding", "a split is given for " + quote(id) + ", which is not a contribution");
        continue;
      }
      std::string why;
      const auto weights = split_weights(p_, split, why);
      if (!why.empty()) {
        const auto colon = why.find(": ");
        fail(cptr(*i) + "/split" + why.substr(0, colon), why.substr(colon + 2));
      } else if (weights != cs[*i].members) {
        fail(cptr(*i) + "/members", "the members and weights differ from what the split gives");
      }
    }
    try {
      // The whole funding walk, total included: an overflowing total is found here, with the
      // contribution that makes it overflow, rather than by every later report.
      evaluate_funding(f);
    } catch (const error& e) {
      if (e.diagnostics().empty())
        fail("/funding", e.what());
      else
        for (const auto& d : e.diagnostics()) fail("/funding" + d.where, d.reason);
    }
  }

  template <class Node>
  void check_node(const Node& n, const std::string& ptr, std::set<std::string>& ids, std::string_view what) {
    check_id(n.id, ptr + "/id");
    check_name(n.name, ptr + "/name");
    check_weight(n.weight, ptr + "/weight");
    if (!n.id.empty() && !ids.insert(n.id).second)
      fail(ptr + "/id", "duplicate " + std::string(what) + " id " + quote(n.id));
  }

  void check_tree() {
    index_ = p_.indicator_index();
    std::set<std::string> pillar_ids, goal_ids, result_ids, indicator_ids;
    if (p_.pillars.empty()) fail("/pillars", "a programme needs at least one pillar");
    for (std::size_t a = 0; a < p_.pillars.size(); ++a) {
      const pillar& pi = p_.pillars[a];
      const std::string pptr = child("/pillars", a);
      check_node(pi, pptr, pillar_ids, "pillar");
      for (std::size_t b = 0; b < pi.goals.size(); ++b) {
        const goal& go = pi.goals[b];
        const std::string gptr = child(pptr + "/goals", b);
        check_node(go, gptr, goal_ids, "goal");
        for (std::size_t c = 0; c < go.results.size(); ++c) {
          const result& re = go.results[c];
          const std::string rptr = child(gptr + "/results", c);
          check_node(re, rptr, result_ids, "result");
          for (std::size_t d = 0; d < re.indicators.size(); ++d) {
            const std::string iptr = child(rptr + "/indicators", d);
            check_node(re.indicators[d], iptr, indicator_ids, "indicator");
            pointers_.emplace(re.indicators[d].id, iptr);
          }
        }
      }
    }
    for (const auto& pi : p_.pillars)
      for (const auto& go : pi.goals)
        for (const auto& re : go.results)
          for (const auto& in : re.indicators) check_indicator(in, pointers_.at(in.id));
    check_formula_cycles();
  }

  void check_value(const indicator& i, double v, const std::string& where) {
    if (!std::isfinite(v)) {
      fail(where, "must be a finite number");
    } else if (i.kind == measure_kind::milestone && v != 0 && v != 1) {
      fail(where, "a milestone value is 0 or 1 (false or true)");
    } else if (i.kind == measure_kind::ordinal &&
               (v < 0 || v >= static_cast<double>(i.levels.size()) || v != std::floor(v))) {
      fail(where, "an ordinal value is the index of one of its levels");
    }
  }

  void check_indicator(const indicator& i, const std::string& ptr) {
    const std::string kind(to_string(i.kind));
    const bool quantity = is_quantity(i.kind);
    if (quantity && i.unit.empty()) fail(ptr, "missing required field \"unit\" (a " + kind + " needs a unit)");
    if (i.kind == measure_kind::ordinal) {
      if (i.levels.size() < 2) fail(ptr + "/levels", "an ordinal indicator needs at least two levels, lowest first");
      std::set<std::string> seen;
      for (std::size_t l = 0; l < i.levels.size(); ++l)
        if (i.levels[l].empty() || !seen.insert(i.levels[l]).second)
          fail(child(ptr + "/levels", l), "level names must be non-empty and distinct");
    } else if (!i.levels.empty()) {
      fail(ptr + "/levels", "only an ordinal indicator has levels");
    }
    if (!quantity && i.kind != measure_kind::ordinal && i.direction != direction::increase)
      fail(ptr + "/direction", "a " + kind + " indicator has no direction");
    if (i.direction == direction::maintain) {
      if (!i.band)
        fail(ptr, "missing required field \"band\" (a maintain indicator stays inside a band)");
      else if (!(std::isfinite(i.band->low) && std::isfinite(i.band->high) && i.band->low <= i.band->high))
        fail(ptr + "/band", "needs finite bounds with low <= high");
    } else if (i.band) {
      fail(ptr + "/band", "only a maintain indicator has a band");
    }
    if (i.kind == measure_kind::text && (i.baseline || !i.targets.empty()))
      fail(i.baseline ? ptr + "/baseline" : ptr + "/targets", "a text indicator has no baseline or targets");
    if (i.baseline) check_value(i, i.baseline->value, ptr + "/baseline/value");
    if (i.baseline && i.baseline->source.empty())
      fail(ptr + "/baseline/source", "must name the source, or say \"illustrative\"");
    check_targets(i, ptr);
    check_rules(i, ptr);
    check_breakdowns(i, ptr);
    check_weight(i.weight, ptr + "/weight");
    if (i.thresholds) check_thresholds(*i.thresholds, ptr + "/thresholds");
    if (i.formula) check_formula(i, ptr);
    check_quality_fields(i, ptr);
  }

  // ---- issue 12: data quality --------------------------------------------------------------------

  void check_quality_fields(const indicator& i, const std::string& ptr) {
    if ((i.min || i.max) && !is_quantity(i.kind))
      fail(ptr + (i.min ? "/min" : "/max"), "only a quantity indicator (count, amount, percentage, ratio) has a range");
    if (i.min) check_finite(*i.min, ptr + "/min");
    if (i.max) check_finite(*i.max, ptr + "/max");
    if (i.min && i.max && std::isfinite(*i.min) && std::isfinite(*i.max) && *i.min > *i.max)
      fail(ptr + "/max", number_text(*i.max) + " is below min " + number_text(*i.min));
    if (!i.reporting) return;
    const std::string rptr = ptr + "/reporting";
    if (i.reporting->by.empty()) fail(rptr + "/by", "name at least one dimension whose members report");
    std::set<std::string> seen;
    for (std::size_t k = 0; k < i.reporting->by.size(); ++k) {
      const breakdown& b = i.reporting->by[k];
      const std::string bptr = child(rptr + "/by", k);
      const dimension* d = p_.find_dimension(b.dimension);
      if (!d) {
        fail(bptr + "/dimension", quote(b.dimension) + " is not a dimension" + dimension_hint(b.dimension));
        continue;
      }
      if (!seen.insert(b.dimension).second) fail(bptr + "/dimension", "names " + quote(b.dimension) + " twice");
      check_level(*d, b.level, bptr + "/level");
      if (d->kind == dimension_kind::hierarchy && b.level.empty())
        fail(bptr + "/level", "name the level whose members report (" + quote(d->id) + " is a hierarchy)");
      if (std::find(i.breakdowns.begin(), i.breakdowns.end(), b) == i.breakdowns.end())
        fail(bptr, "the indicator is not broken down by " + quote(b.dimension) +
                       (b.level.empty() ? std::string() : " at level " + quote(b.level)));
    }
  }

  void check_validation_rules() {
    std::set<std::string> ids;
    std::vector<std::string_view> known;
    for (const auto& [id, _] : index_) known.push_back(id);
    std::sort(known.begin(), known.end());
    for (std::size_t k = 0; k < p_.validation_rules.size(); ++k) {
      const validation_rule& r = p_.validation_rules[k];
      const std::string ptr = child("/validation_rules", k);
      check_id(r.id, ptr + "/id");
      if (!r.id.empty() && !ids.insert(r.id).second) fail(ptr + "/id", "duplicate validation rule id " + quote(r.id));
      check_name(r.name, ptr + "/name");
      bool all_known = true;
      for (const auto& [side, key] : {std::pair{&r.left, "/left"}, std::pair{&r.right, "/right"}}) {
        if (side->empty()) fail(ptr + key, "needs at least one indicator");
        for (const auto& t : *side) {
          const auto it = index_.find(t.indicator);
          if (it == index_.end()) {
            all_known = false;
            fail(ptr + key, quote(t.indicator) + " is not an indicator" + did_you_mean(t.indicator, known));
          } else if (!is_quantity(it->second->kind) || it->second->formula) {
            all_known = false;
            fail(ptr + key, quote(t.indicator) + " is not a measured quantity (count, amount, percentage, ratio)");
          }
        }
      }
      if (all_known && !r.left.empty() && !r.right.empty() && r.per == rule_scope::member &&
          common_breakdown(p_, r).empty())
        fail(ptr + "/per", "the rule's indicators share no breakdown to check per member; use \"per\": \"total\"");
    }
  }

  void check_target_value(const indicator& i, double value, target_basis basis, const std::string& ptr,
                          const std::string& value_ptr) {
    check_value(i, value, value_ptr);
    if (basis != target_basis::absolute) {
      if (!is_quantity(i.kind)) {
        fail(ptr + "/basis", "a relative target needs a quantity indicator (count, amount, percentage, ratio)");
        return;
      }
      if (!i.baseline) {
        fail(ptr + "/basis", "a target relative to the baseline needs a baseline");
        return;
      }
    }
    if (!std::isfinite(value)) return;
    const double goal = resolved_value(value, basis, i.baseline);
    if (i.direction == direction::maintain && i.band && (goal < i.band->low || goal > i.band->high)) {
      fail(value_ptr, "a maintain target " + number_text(goal) + " lies outside the band [" + number_text(i.band->low) +
                          ", " + number_text(i.band->high) + "]");
    }
    // A target already met at the baseline (an increase target below it, a decrease target above it:
    // "maternal deaths at most 70" from 7.05) is valid; the indicator is achieved while it holds.
  }

  void check_targets(const indicator& i, const std::string& ptr) {
    for (std::size_t k = 0; k < i.targets.size(); ++k) {
      const target& t = i.targets[k];
      const std::string tptr = child(ptr + "/targets", k);
      if (period_ok_ && (t.due < p_.start || t.due > p_.end))
        fail(tptr + "/date", format_date(t.due) + " is outside the programme period " + format_date(p_.start) + " .. " +
                                 format_date(p_.end));
      if (k > 0 && t.due < i.targets[k - 1].due) fail(tptr + "/date", "targets must be in date order");
      check_target_value(i, t.value, t.basis, tptr, tptr + "/value");
      for (std::size_t r = 0; r < t.revisions.size(); ++r) {
        const target_revision& rev = t.revisions[r];
        const std::string rptr = child(tptr + "/revisions", r);
        check_value(i, rev.value, rptr + "/value");
        if (rev.basis != target_basis::absolute && (!i.baseline || !is_quantity(i.kind)))
          fail(rptr + "/basis", "a relative target needs a quantity indicator with a baseline");
        if (rev.reason.empty()) fail(rptr + "/reason", "a revision must say why");
        if (r > 0 && rev.revised_on < t.revisions[r - 1].revised_on)
          fail(rptr + "/revised_on", "revisions must be in date order, oldest first");
      }
    }
  }

  void check_rules(const indicator& i, const std::string& ptr) {
    const std::string kind(to_string(i.kind));
    const bool quantity = is_quantity(i.kind);
    if (!quantity && i.time_rule == time_rule::sum)
      fail(ptr + "/time_rule", "a " + kind + " indicator's values cannot be summed");
    if (!quantity && i.space_rule == space_rule::sum)
      fail(ptr + "/space_rule", "a " + kind + " indicator's values cannot be summed");
    if ((i.kind == measure_kind::ordinal || i.kind == measure_kind::text) &&
        (i.time_rule == time_rule::avg || i.space_rule == space_rule::avg || i.space_rule == space_rule::weighted_avg))
      fail(ptr, "a " + kind + " indicator's values cannot be averaged");
    if (i.kind == measure_kind::text &&
        (i.time_rule == time_rule::min || i.time_rule == time_rule::max || i.space_rule != space_rule::count))
      fail(ptr, "a text indicator combines by time_rule first, last or count and space_rule count");
    if (i.cumulative && (!quantity || i.time_rule != time_rule::sum))
      fail(ptr + "/cumulative", "a running total needs a quantity indicator with time_rule sum");
    if (i.space_rule == space_rule::weighted_avg) {
      if (i.weight_attribute.empty()) {
        fail(ptr, "missing required field \"weight_attribute\" (space_rule weighted_avg weights members by it)");
      } else {
        bool found = false;
        for (const auto& b : i.breakdowns)
          if (const dimension* d = p_.find_dimension(b.dimension))
            for (const auto& m : d->members) found = found || m.attributes.count(i.weight_attribute) > 0;
        if (!found)
          fail(ptr + "/weight_attribute",
               "no member of the indicator's breakdown dimensions has attribute " + quote(i.weight_attribute));
      }
    } else if (!i.weight_attribute.empty()) {
      fail(ptr + "/weight_attribute", "only space_rule weighted_avg uses a weight attribute");
    }
    if (i.space_rule == space_rule::coverage) {
      if (!i.coverage) {
        fail(ptr, "missing required field \"coverage\" (space_rule coverage counts members meeting a threshold)");
      } else {
        const coverage_rule& c = *i.coverage;
        const std::string cptr = ptr + "/coverage";
        check_finite(c.threshold, cptr + "/threshold");
        const dimension* d = p_.find_dimension(c.dimension);
        if (!d) {
          fail(cptr + "/dimension", quote(c.dimension) + " is not a dimension" + dimension_hint(c.dimension));
        } else {
          check_level(*d, c.level, cptr + "/level");
          const bool broken_down = std::any_of(i.breakdowns.begin(), i.breakdowns.end(),
                                               [&](const breakdown& b) { return b.dimension == c.dimension; });
          if (!broken_down)
            fail(cptr + "/dimension", "coverage over " + quote(c.dimension) +
                                          " needs the indicator broken down by it (add it to \"breakdown\")");
        }
      }
    } else if (i.coverage) {
      fail(ptr + "/coverage", "only space_rule coverage uses a coverage rule");
    }
  }

  void check_level(const dimension& d, const std::string& level, const std::string& where) {
    if (d.kind == dimension_kind::category) {
      if (!level.empty()) fail(where, quote(d.id) + " is a category and has no levels");
    } else if (!level.empty() && std::find(d.levels.begin(), d.levels.end(), level) == d.levels.end()) {
      fail(where, quote(level) + " is not a level of " + quote(d.id) + did_you_mean(level, d.levels));
    }
  }

  void check_breakdowns(const indicator& i, const std::string& ptr) {
    std::set<std::string> seen;
    for (std::size_t k = 0; k < i.breakdowns.size(); ++k) {
      const breakdown& b = i.breakdowns[k];
      const std::string bptr = child(ptr + "/breakdown", k);
      const dimension* d = p_.find_dimension(b.dimension);
      if (!d) {
        fail(bptr + "/dimension", quote(b.dimension) + " is not a dimension" + dimension_hint(b.dimension));
        continue;
      }
      if (!seen.insert(b.dimension).second)
        fail(bptr + "/dimension", "breaks down by " + quote(b.dimension) + " twice");
      check_level(*d, b.level, bptr + "/level");
    }
  }

  void check_formula(const indicator& i, const std::string& ptr) {
    const formula& f = *i.formula;
    const std::string fptr = ptr + "/formula";
    if (!is_quantity(i.kind))
      fail(fptr, "only a quantity indicator (count, amount, percentage, ratio) can be derived by a formula");
    if (f.numerator.empty()) fail(fptr + "/numerator", "needs at least one indicator");
    if (!std::isfinite(f.factor) || f.factor == 0) fail(fptr + "/factor", "must be a finite, non-zero number");
    auto terms_unit = [&](const std::vector<std::string>& terms,
                          const std::string& tptr) -> std::optional<std::string> {
      std::optional<std::string> unit;
      bool ok = true;
      for (std::size_t k = 0; k < terms.size(); ++k) {
        const std::string where = child(tptr, k);
        const auto found = index_.find(terms[k]);
        const indicator* t = found == index_.end() ? nullptr : found->second;
        if (!t) {
          std::vector<std::string_view> ids;
          for (const indicator* x : p_.all_indicators()) ids.push_back(x->id);
          fail(where, quote(terms[k]) + " is not an indicator" + did_you_mean(terms[k], ids));
          ok = false;
          continue;
        }
        if (t->id == i.id) {
          fail(where, "a formula cannot use its own indicator");
          ok = false;
          continue;
        }
        if (!is_quantity(t->kind)) {
          fail(where, quote(t->id) + " is a " + std::string(to_string(t->kind)) + " indicator, not a quantity");
          ok = false;
          continue;
        }
        if (!unit) {
          unit = t->unit;
        } else if (*unit != t->unit) {
          fail(where, "unit mismatch: " + quote(t->id) + " is in " + quote(t->unit) + ", the earlier terms in " +
                          quote(*unit));
          ok = false;
        }
      }
      return ok ? unit : std::nullopt;
    };
    const auto num = terms_unit(f.numerator, fptr + "/numerator");
    const auto den = terms_unit(f.denominator, fptr + "/denominator");
    if (num && f.denominator.empty() && *num != i.unit)
      fail(ptr + "/unit",
           "unit mismatch: the formula sums " + quote(*num) + " but the indicator is in " + quote(i.unit));
    if (num && den && i.kind == measure_kind::percentage && *num != *den)
      fail(fptr + "/denominator",
           "unit mismatch: a percentage divides like by like, but " + quote(*num) + " / " + quote(*den));
  }

  void check_formula_cycles() {
    const auto all = p_.all_indicators();
    for (const auto& c : formula_cycles(all))
      fail(pointers_.at(all[c.at]->id) + "/formula", "formula cycle: " + c.path);
  }

  const programme& p_;
  bool period_known_ = true;
  bool period_ok_ = true;
  std::unordered_map<std::string, std::string> pointers_;         // indicator id -> JSON pointer (first one)
  std::unordered_map<std::string_view, const indicator*> index_;  // indicator id -> indicator (the first one)
};

}  // namespace

std::vector<diagnostic> check_rules(const programme& p, bool period_known) {
  rule_checker rules(p, period_known);
  rules.run();
  name_root(rules.diags);
  return std::move(rules.diags);
}

}  // namespace programme_detail

void validate_programme(const programme& p) {
  auto diags = programme_detail::check_rules(p);
  if (!diags.empty()) throw error(errc::validation_error, std::move(diags));
}

std::vector<diagnostic> programme_warnings(const programme& p) {
  std::vector<diagnostic> out;
  for (std::size_t a = 0; a < p.pillars.size(); ++a)
    for (std::size_t b = 0; b < p.pillars[a].goals.size(); ++b)
      for (std::size_t c = 0; c < p.pillars[a].goals[b].results.size(); ++c) {
        const auto& inds = p.pillars[a].goals[b].results[c].indicators;
        for (std::size_t d = 0; d < inds.size(); ++d) {
          const indicator& i = inds[d];
          if (!i.baseline || i.direction == direction::maintain) continue;
          for (std::size_t k = 0; k < i.targets.size(); ++k) {
            const double goal = resolved_value(i.targets[k], i.baseline);
            const double base = i.baseline->value;
            if (!std::isfinite(goal) || (i.direction == direction::increase ? goal > base : goal < base)) continue;
            out.push_back({"/pillars/" + std::to_string(a) + "/goals/" + std::to_string(b) + "/results/" +
                               std::to_string(c) + "/indicators/" + std::to_string(d) + "/targets/" +
                               std::to_string(k) + "/value",
                           "the target " + number_text(goal) + " is already met at the baseline " + number_text(base) +
                               " (" + std::string(i.direction == direction::increase ? "at least" : "at most") +
                               "): the indicator reads achieved while the actual meets it"});
          }
        }
      }
  return out;
}

REGIOKPI_END_NAMESPACE
