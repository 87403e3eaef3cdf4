// regiokpi: a programme: pillars -> goals -> results -> indicators, its period, parties, funding plan
// and the dimensions its measurements are broken down by. A plain, comparable data structure; read
// and validate one with read_programme() (programme_io.hpp).
//   regiokpi::programme p = regiokpi::read_programme_file("examples/regio-deal-zod/programme.json");
//   const regiokpi::indicator* i = p.find_indicator("W-c1.assessments");
//   const regiokpi::dimension* region = p.find_dimension("region");
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/dimension.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/funding.hpp"
#include "regiokpi/indicator.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// An intended result (W-c1: "400 companies completed a digitalisation assessment"), measured by
/// one or more indicators.
struct result {
  std::string id;
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  double weight = 1;  ///< weight in its goal's roll-up
  std::vector<indicator> indicators;
  friend bool operator==(const result&, const result&) = default;
};

/// A goal of a pillar.
struct goal {
  std::string id;
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  double weight = 1;  ///< weight in its pillar's roll-up
  std::vector<result> results;
  friend bool operator==(const goal&, const goal&) = default;
};

/// A pillar (WERKEN, WONEN, WELZIJN).
struct pillar {
  std::string id;
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  double weight = 1;  ///< weight in the programme's roll-up
  std::vector<goal> goals;
  friend bool operator==(const pillar&, const pillar&) = default;
};

/// A party to the programme (a government, a fund), optionally standing for a dimension member
/// (the municipality of Emmen is member "emmen" of dimension "region").
struct party {
  std::string id;
  std::string name;
  std::string dimension;  ///< empty, or the dimension of `member`
  std::string member;
  std::vector<std::string> tags;
  friend bool operator==(const party&, const party&) = default;
};

/// Where a pro-rata contribution's member weights come from: an attribute (population) of the members
/// of one level of a dimension, taken by "latest reference date on or before `as_of`".
struct funding_split {
  std::string dimension;
  std::string level;      ///< empty: every member (a category)
  std::string attribute;  ///< "population"
  date as_of;
  friend bool operator==(const funding_split&, const funding_split&) = default;
};

/// A programme's funding: the money layer's plan plus what ties it to the programme. Contributions
/// with a split have their plan members filled from the dimension when the programme is read.
struct programme_funding {
  std::string currency = "EUR";
  funding_plan plan;
  std::map<std::string, funding_split, std::less<>> splits;  ///< contribution id -> where its weights come from
  std::map<std::string, std::string, std::less<>> parties;   ///< contribution id -> the party that pays it
  std::vector<std::string> pools;  ///< contributions that only define a base for others; nobody pays them
  friend bool operator==(const programme_funding&, const programme_funding&) = default;
};

/// Where an indicator sits in the tree: indices into pillars, goals, results and indicators.
struct indicator_path {
  std::size_t pillar = 0;
  std::size_t goal = 0;
  std::size_t result = 0;
  std::size_t indicator = 0;
  friend bool operator==(const indicator_path&, const indicator_path&) = default;
};

/// How a node's status follows from its children's (the programme's "rollup" field).
/// weighted: the weighted mean achievement against the weighted mean plan; worst: the worst assessed
/// child's status; eu_performance_framework: the EU cohesion funds' rule (Regulation (EU) 2021/1060,
/// art. 18 and annex I/II practice: all children at the achieved threshold, one of three or more may
/// reach only 75 %; two or more below the serious-failure threshold are a serious failure).
enum class rollup_method : std::uint8_t { weighted, worst, eu_performance_framework };

constexpr std::string_view to_string(rollup_method m) noexcept {
  constexpr std::array<std::string_view, 3> names{"weighted", "worst", "eu_performance_framework"};
  return names[static_cast<std::size_t>(m)];
}

/// How an indicator's status is decided: `plan` (against the planned trajectory, the default) or
/// `growth_ratio` (Open SDG and the UN SDG progress chart: observed vs required compound annual growth).
enum class status_method : std::uint8_t { plan, growth_ratio };

constexpr std::string_view to_string(status_method m) noexcept {
  return m == status_method::plan ? "plan" : "growth_ratio";
}

/// How much a data-quality finding matters (DHIS2's validation rule importance).
enum class importance : std::uint8_t { high, medium, low };

constexpr std::string_view to_string(importance i) noexcept {
  constexpr std::array<std::string_view, 3> names{"high", "medium", "low"};
  return names[static_cast<std::size_t>(i)];
}

/// A validation rule's comparison.
enum class comparison : std::uint8_t { less_equal, less, equal, not_equal, greater_equal, greater };

constexpr std::string_view to_string(comparison c) noexcept {
  constexpr std::array<std::string_view, 6> names{"<=", "<", "==", "!=", ">=", ">"};
  return names[static_cast<std::size_t>(c)];
}

/// Whether `left op right` holds.
constexpr bool compare(double left, comparison op, double right) noexcept {
  switch (op) {
    case comparison::less_equal:
      return left <= right;
    case comparison::less:
      return left < right;
    case comparison::equal:
      return left == right;
    case comparison::not_equal:
      return left != right;
    case comparison::greater_equal:
      return left >= right;
    case comparison::greater:
      return left > right;
  }
  return false;
}

/// One term of a validation rule side: factor x an indicator's value.
struct rule_term {
  double factor = 1;
  std::string indicator;
  friend bool operator==(const rule_term&, const rule_term&) = default;
};

/// Where a validation rule is checked: for each member of its indicators' common breakdown, or on totals.
enum class rule_scope : std::uint8_t { member, total };

constexpr std::string_view to_string(rule_scope s) noexcept { return s == rule_scope::member ? "member" : "total"; }

/// A DHIS2-style validation rule: sum(left) op sum(right) per period (and per member); a side with a
/// missing value skips the comparison. JSON sides are expressions: "0.5 * W-c1.assessments + Z-a.x".
struct validation_rule {
  std::string id;
  std::string name;
  std::vector<rule_term> left;
  comparison op = comparison::less_equal;
  std::vector<rule_term> right;
  rule_scope per = rule_scope::member;
  std::optional<period_type> period;  ///< none: the left side's first indicator's reporting period, else quarter
  regiokpi::importance importance = regiokpi::importance::medium;
  friend bool operator==(const validation_rule&, const validation_rule&) = default;
};

/// A side's expression text as the format writes it: "W-c2.plans", "0.5 * W-c1.assessments + Z-a.x".
inline std::string expression_text(const std::vector<rule_term>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += " + ";
    if (t.factor != 1) out += number_text(t.factor) + " * ";
    out += t.indicator;
  }
  return out;
}

/// A whole programme definition.
struct programme {
  std::string id;
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  date start;  ///< first day of the programme period
  date end;    ///< last day of the programme period (included)
  /// First month of the programme's financial year (1..12): what its financial_year series and
  /// aggregations use (query::fy_first_month). JSON: period.fy_first_month, default 1.
  std::int32_t fy_first_month = 1;
  std::vector<party> parties;
  std::optional<programme_funding> funding;
  std::vector<dimension> dimensions;
  std::vector<pillar> pillars;
  regiokpi::thresholds thresholds;                 ///< default achievement thresholds for every indicator
  rollup_method rollup = rollup_method::weighted;  ///< how nodes combine their children ("rollup")
  /// An actual older than this many periods of its series before the as-of date is stale.
  int stale_after_periods = 2;
  /// How indicators' statuses are decided ("status_method"); evaluation_settings::status_method overrides it.
  regiokpi::status_method status_method = regiokpi::status_method::plan;
  /// Data-quality rules between indicators' values ("validation_rules", issue 12).
  std::vector<validation_rule> validation_rules;

  /// The indicator with this id, or nullptr. Linear in the number of indicators; for many lookups
  /// build indicator_index() once.
  [[nodiscard]] const indicator* find_indicator(std::string_view indicator_id) const {
    for (const auto& p : pillars)
      for (const auto& g : p.goals)
        for (const auto& r : g.results)
          for (const auto& i : r.indicators)
            if (i.id == indicator_id) return &i;
    return nullptr;
  }

  /// The dimension with this id, or nullptr.
  [[nodiscard]] const dimension* find_dimension(std::string_view dimension_id) const {
    for (const auto& d : dimensions)
      if (d.id == dimension_id) return &d;
    return nullptr;
  }

  /// The result with this id, or nullptr.
  [[nodiscard]] const result* find_result(std::string_view result_id) const {
    for (const auto& p : pillars)
      for (const auto& g : p.goals)
        for (const auto& r : g.results)
          if (r.id == result_id) return &r;
    return nullptr;
  }

  /// Every indicator in tree order (pillar, goal, result, indicator).
  [[nodiscard]] std::vector<const indicator*> all_indicators() const {
    std::vector<const indicator*> out;
    for (const auto& p : pillars)
      for (const auto& g : p.goals)
        for (const auto& r : g.results)
          for (const auto& i : r.indicators) out.push_back(&i);
    return out;
  }

  /// Id -> indicator for fast repeated lookups. The pointers and keys borrow from this programme:
  /// valid while it lives and is not modified.
  [[nodiscard]] std::unordered_map<std::string_view, const indicator*> indicator_index() const {
    std::unordered_map<std::string_view, const indicator*> out;
    for (const indicator* i : all_indicators()) out.emplace(i->id, i);
    return out;
  }

  /// Id -> position in the tree (pillar, goal, result, indicator indices).
  [[nodiscard]] std::unordered_map<std::string, indicator_path> indicator_paths() const {
    std::unordered_map<std::string, indicator_path> out;
    for (std::size_t p = 0; p < pillars.size(); ++p)
      for (std::size_t g = 0; g < pillars[p].goals.size(); ++g)
        for (std::size_t r = 0; r < pillars[p].goals[g].results.size(); ++r)
          for (std::size_t i = 0; i < pillars[p].goals[g].results[r].indicators.size(); ++i)
            out.emplace(pillars[p].goals[g].results[r].indicators[i].id, indicator_path{p, g, r, i});
    return out;
  }

  /// The thresholds that apply to an indicator: its own, else the programme's.
  [[nodiscard]] const regiokpi::thresholds& thresholds_for(const indicator& i) const noexcept {
    return i.thresholds ? *i.thresholds : thresholds;
  }

  friend bool operator==(const programme&, const programme&) = default;
};

/// The breakdowns (dimension and level) every indicator of a validation rule shares, in the order of
/// the left side's first indicator: what a `per: member` rule is checked for. Unknown ids share nothing.
inline std::vector<breakdown> common_breakdown(const programme& p, const validation_rule& r) {
  std::vector<const indicator*> inds;
  for (const auto* side : {&r.left, &r.right})
    for (const auto& t : *side) inds.push_back(p.find_indicator(t.indicator));
  if (inds.empty() || !inds.front()) return {};
  std::vector<breakdown> out;
  for (const auto& b : inds.front()->breakdowns) {
    const bool shared = std::all_of(inds.begin(), inds.end(), [&](const indicator* i) {
      return i && std::find(i->breakdowns.begin(), i->breakdowns.end(), b) != i->breakdowns.end();
    });
    if (shared) out.push_back(b);
  }
  return out;
}

/// A programme's funding evaluated once: what the report, the C ABI's export and validation read.
struct evaluated_funding {
  /// One line: a contribution, or one member's part of a split one.
  struct line {
    std::string contribution;  ///< the contribution's id
    std::string member;        ///< empty for the contribution itself; else the member whose part this is
    std::string party;         ///< the party that pays the contribution (programme_funding::parties), or empty
    amount value;
    bool pool = false;  ///< the contribution is a pool: it defines a base for others, nobody pays it
    friend bool operator==(const line&, const line&) = default;
  };
  /// Every contribution in plan order, each followed by its members' parts (which add up to it).
  std::vector<line> lines;
  /// What the parties pay: every contribution except the pools (the seed's 40 M: Rijk 20 M, province
  /// 10 M, municipalities 10 M, not the "regional" 20 M pool). In the plan's currency and scale.
  amount total;
};

/// The one funding walk: evaluates the plan (funding.hpp's evaluate, references first), ties each
/// contribution to its party and pool flag, and adds up the total. Throws like evaluate(plan), and
/// error(overflow) naming /contributions/N when adding contribution N makes the total overflow.
inline evaluated_funding evaluate_funding(const programme_funding& f) {
  const funding_result r = evaluate(f.plan);
  const std::set<std::string_view, std::less<>> pools(f.pools.begin(), f.pools.end());  // n log n, not n * pools
  evaluated_funding out;
  out.lines.reserve(r.contributions.size());
  out.total = r.contributions.empty() ? amount::from_minor_units(0, currency(f.currency), 2)
                                      : amount::from_minor_units(0, r.contributions.front().value.currency(),
                                                                 r.contributions.front().value.scale());
  for (std::size_t k = 0; k < r.contributions.size(); ++k) {
    const contribution_amount& c = r.contributions[k];
    const auto payer = f.parties.find(c.id);
    const std::string party = payer == f.parties.end() ? std::string() : payer->second;
    const bool pool = pools.contains(c.id);
    out.lines.push_back({c.id, std::string(), party, c.value, pool});
    for (const auto& m : c.members) out.lines.push_back({c.id, m.member, party, m.value, pool});
    if (pool) continue;
    try {
      out.total += c.value;
    } catch (const error& e) {
      throw error(e.code(), std::vector<diagnostic>{{detail::contribution_path(k),
                                                     "the funding total overflows when this contribution (" +
                                                         c.value.to_text() + ") is added to the ones before it (" +
                                                         out.total.to_text() + "): " + e.what()}});
    }
  }
  return out;
}

/// The total the parties pay (evaluated_funding::total). Throws like evaluate_funding().
inline amount funding_total(const programme_funding& f) { return evaluate_funding(f).total; }

REGIOKPI_END_NAMESPACE
