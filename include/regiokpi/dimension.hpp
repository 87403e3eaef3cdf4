// regiokpi: dimensions a programme's measurements are broken down by. A hierarchy (country -> province ->
// municipality) has members with parents and dated attributes (population, households); a category
// (the six focus sectors) is a flat list of members.
//   const regiokpi::member* emmen = region.find_member("emmen");
//   std::optional<double> pop = emmen->attribute("population", regiokpi::parse_date("2019-06-01"));
//   const regiokpi::member* drenthe = region.ancestor_at_level(*emmen, "province");
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// One dated value of a member attribute (the population on 2019-01-01), with where it comes from.
/// A source of "illustrative" marks a made-up figure.
struct attribute_value {
  date reference_date;
  double value = 0;
  std::string source;
  friend bool operator==(const attribute_value&, const attribute_value&) = default;
};

/// A member of a dimension: a region (Emmen) or a category (HTSM).
struct member {
  std::string id;
  std::string name;
  std::string level;   ///< the hierarchy level it sits at ("municipality"); empty in a category
  std::string parent;  ///< id of the parent member; empty for a root or in a category
  std::vector<std::string> tags;
  /// Attribute name -> values, sorted by reference date (the reader enforces it; unique dates).
  std::map<std::string, std::vector<attribute_value>, std::less<>> attributes;

  /// The value with the latest reference date on or before `as_of`; nullptr if there is none
  /// (unknown attribute, or every value is dated after `as_of`).
  [[nodiscard]] const attribute_value* find_attribute(std::string_view attribute_name, date as_of) const {
    const auto it = attributes.find(attribute_name);
    if (it == attributes.end()) return nullptr;
    const auto& values = it->second;
    // First value dated after as_of; the one before it is the answer.
    const auto after = std::upper_bound(values.begin(), values.end(), as_of,
                                        [](date d, const attribute_value& v) { return d < v.reference_date; });
    return after == values.begin() ? nullptr : &*(after - 1);
  }

  /// The attribute's value by "latest reference date on or before `as_of`"; nullopt if none.
  [[nodiscard]] std::optional<double> attribute(std::string_view attribute_name, date as_of) const {
    const attribute_value* v = find_attribute(attribute_name, as_of);
    return v ? std::optional<double>(v->value) : std::nullopt;
  }

  friend bool operator==(const member&, const member&) = default;
};

/// Whether a dimension is a tree of regions or a flat list of categories.
enum class dimension_kind : std::uint8_t { hierarchy, category };

constexpr std::string_view to_string(dimension_kind k) noexcept {
  return k == dimension_kind::hierarchy ? "hierarchy" : "category";
}

/// A dimension: its levels (top first: country, province, municipality) and its members, parents
/// listed before their children.
struct dimension {
  std::string id;
  std::string name;
  std::string description;
  dimension_kind kind = dimension_kind::category;
  std::vector<std::string> levels;  ///< top first; empty for a category
  std::vector<member> members;
  std::vector<std::string> tags;

  /// The member with this id, or nullptr. Linear: dimensions are small (tens to hundreds of members).
  [[nodiscard]] const member* find_member(std::string_view member_id) const {
    for (const auto& m : members)
      if (m.id == member_id) return &m;
    return nullptr;
  }

  /// The members at one level ("municipality"), in definition order; every member for a category
  /// when `level` is empty.
  [[nodiscard]] std::vector<const member*> members_at_level(std::string_view level) const {
    std::vector<const member*> out;
    for (const auto& m : members)
      if (m.level == level) out.push_back(&m);
    return out;
  }

  /// The direct children of a member, in definition order.
  [[nodiscard]] std::vector<const member*> children(std::string_view member_id) const {
    std::vector<const member*> out;
    for (const auto& m : members)
      if (m.parent == member_id && !member_id.empty()) out.push_back(&m);
    return out;
  }

  /// The member itself or its nearest ancestor at `level` (Emmen -> Drenthe for "province"),
  /// or nullptr if there is none. Linear in the members, however deep the hierarchy (walk_up).
  [[nodiscard]] const member* ancestor_at_level(const member& m, std::string_view level) const {
    const member* found = nullptr;
    walk_up(m, [&](const member& x) { return x.level == level ? (found = &x, true) : false; });
    return found;
  }

  /// Whether `m` is `ancestor_id` or lies below it. Linear in the members (walk_up).
  [[nodiscard]] bool is_within(const member& m, std::string_view ancestor_id) const {
    return walk_up(m, [&](const member& x) { return x.id == ancestor_id; });
  }

  /// Calls stop(x) on `m`, then on each ancestor, until it returns true (then true; false at the top).
  /// Parents are listed before their children, so each parent is found by scanning down from the
  /// child's position and the whole walk is one sweep over the members: linear, not depth x members
  /// (a million-level chain takes a million steps). A hand-built dimension out of that order is still
  /// answered (a parent not below is searched everywhere), and a cycle ends after members.size() steps.
  template <class Stop>
  bool walk_up(const member& m, Stop&& stop) const {
    const std::less<const member*> before;
    const member* const first = members.data();
    const member* const end = first + members.size();
    std::size_t at = members.size();  // the walk's position; m not one of ours: scan from the end
    if (!before(&m, first) && before(&m, end)) at = static_cast<std::size_t>(&m - first);
    const member* cur = &m;
    for (std::size_t steps = 0; cur != nullptr && steps <= members.size(); ++steps) {
      if (stop(*cur)) return true;
      if (cur->parent.empty()) return false;
      std::size_t k = at;
      while (k > 0 && members[k - 1].id != cur->parent) --k;
      if (k > 0) {
        at = k - 1;
        cur = &members[at];
      } else {
        cur = find_member(cur->parent);
        if (cur != nullptr) at = static_cast<std::size_t>(cur - first);
      }
    }
    return false;
  }

  friend bool operator==(const dimension&, const dimension&) = default;
};

REGIOKPI_END_NAMESPACE
