// regiokpi: funding plans with co-financing rules. A plan is a list of named contributions: fixed
// ("the Rijk pays 20 M"), a share of another ("the province pays 1/2 of the regional part"; 1/1 is
// matching) or a remainder ("the municipalities pay the regional part minus the province's"); any
// contribution may be split among members pro rata by their weights (population).
//   funding_plan p;
//   p.contributions = {fixed_contribution("rijk", amount::from_units(20'000'000)),
//                      share_contribution("regional", "rijk", {1, 1}),   // matches the Rijk
//                      share_contribution("province", "regional", {1, 2}),
//                      remainder_contribution("municipalities", "regional", {"province"})};
//   p.contributions[3].members = {{"Emmen", decimal{107192}}, ...};     // split by population
//   funding_result r = evaluate(p);  // r.amount_of("province") == 10,000,000.00 EUR
// The plan is plain data (ids, kinds, references, integer fractions, member weights) so it maps
// one to one onto the programme JSON.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/money.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// How a contribution's amount is determined.
enum class contribution_kind : std::uint8_t {
  fixed,      ///< a set amount (`fixed`)
  share,      ///< `share` (a fraction) of the contribution `of`; 1/1 is matching
  remainder,  ///< the contribution `of` minus the contributions listed in `minus`
};

/// "fixed", "share" or "remainder": the names the programme JSON uses.
constexpr std::string_view to_string(contribution_kind k) noexcept {
  switch (k) {
    case contribution_kind::fixed:
      return "fixed";
    case contribution_kind::share:
      return "share";
    case contribution_kind::remainder:
      return "remainder";
  }
  return "unknown";
}

/// Parses a contribution kind by its to_string() name; throws error(parse_error).
inline contribution_kind parse_contribution_kind(std::string_view name) {
  for (auto k : {contribution_kind::fixed, contribution_kind::share, contribution_kind::remainder})
    if (to_string(k) == name) return k;
  throw error(errc::parse_error, quote(name) + " is not a contribution kind: use fixed, share or remainder");
}

/// An exact fraction numerator/denominator (denominator > 0, numerator >= 0 in a plan).
struct fraction {
  std::int64_t numerator = 1;
  std::int64_t denominator = 1;
  friend bool operator==(const fraction&, const fraction&) = default;
};

/// One member's weight in a pro-rata split (a municipality and its population).
struct member_weight {
  std::string member;
  decimal weight;
  friend bool operator==(const member_weight&, const member_weight&) = default;
};

/// One party's contribution, or a pool that others are defined against (the "regional" 20 M).
struct contribution {
  std::string id;    ///< unique key that other contributions refer to
  std::string name;  ///< optional display name ("Provincie Drenthe")
  contribution_kind kind = contribution_kind::fixed;
  amount fixed;                        ///< kind fixed: the amount (>= 0)
  std::string of;                      ///< kind share: the base; kind remainder: the whole
  fraction share;                      ///< kind share: the fraction of `of`
  std::vector<std::string> minus;      ///< kind remainder: the parts taken out of `of`
  std::vector<member_weight> members;  ///< optional: split this contribution pro rata by these weights
  friend bool operator==(const contribution&, const contribution&) = default;
};

/// A fixed contribution: `id` pays `value`.
inline contribution fixed_contribution(std::string id, amount value) {
  contribution c;
  c.id = std::move(id);
  c.kind = contribution_kind::fixed;
  c.fixed = value;
  return c;
}

/// A share: `id` pays `share` of contribution `of` ({1, 1} matches it).
inline contribution share_contribution(std::string id, std::string of, fraction share) {
  contribution c;
  c.id = std::move(id);
  c.kind = contribution_kind::share;
  c.of = std::move(of);
  c.share = share;
  return c;
}

/// A remainder: `id` pays contribution `of` minus the contributions in `minus`.
inline contribution remainder_contribution(std::string id, std::string of, std::vector<std::string> minus) {
  contribution c;
  c.id = std::move(id);
  c.kind = contribution_kind::remainder;
  c.of = std::move(of);
  c.minus = std::move(minus);
  return c;
}

/// A funding plan: contributions in any order (evaluation follows the references). Every fixed
/// amount must have the same currency and number of decimals; shares that are not a whole number
/// of minor units are rounded by `share_rounding` (half-even by default).
struct funding_plan {
  std::vector<contribution> contributions;
  rounding share_rounding = rounding::half_even;
  friend bool operator==(const funding_plan&, const funding_plan&) = default;
};

/// One member's part of a split contribution.
struct member_amount {
  std::string member;
  amount value;
  friend bool operator==(const member_amount&, const member_amount&) = default;
};

/// The evaluated amount of one contribution and, when it is split, every member's part (in the
/// plan's member order; the parts add up to `value` exactly).
struct contribution_amount {
  std::string id;
  amount value;
  std::vector<member_amount> members;
  friend bool operator==(const contribution_amount&, const contribution_amount&) = default;
};

/// Every contribution's amount, in plan order.
struct funding_result {
  std::vector<contribution_amount> contributions;

  /// The contribution with this id; throws error(not_found).
  [[nodiscard]] const contribution_amount& at(std::string_view id) const {
    for (const auto& c : contributions)
      if (c.id == id) return c;
    throw error(errc::not_found, "the funding plan has no contribution " + quote(id));
  }
  /// The amount of the contribution with this id; throws error(not_found).
  [[nodiscard]] amount amount_of(std::string_view id) const { return at(id).value; }
};

namespace detail {

inline std::string contribution_path(std::size_t i) { return "/contributions/" + std::to_string(i); }

/// Structural checks of a plan; appends one diagnostic per problem. Returns the index of each id.
inline std::map<std::string, std::size_t, std::less<>> check_plan(const funding_plan& plan,
                                                                  std::vector<diagnostic>& problems) {
  std::map<std::string, std::size_t, std::less<>> index;
  const auto& cs = plan.contributions;
  for (std::size_t i = 0; i < cs.size(); ++i) {
    const std::string at = contribution_path(i);
    if (cs[i].id.empty()) {
      problems.push_back({at + "/id", "a contribution needs an id"});
    } else if (!index.emplace(cs[i].id, i).second) {
      problems.push_back({at + "/id", "duplicate contribution id " + quote(cs[i].id) + " (first at " +
                                          contribution_path(index.at(cs[i].id)) + ")"});
    }
  }
  const amount* unit = nullptr;  // the first fixed amount sets currency and scale
  for (std::size_t i = 0; i < cs.size(); ++i) {
    const contribution& c = cs[i];
    const std::string at = contribution_path(i);
    auto ref = [&](const std::string& target, const std::string& where) {
      if (target.empty())
        problems.push_back({where, "a " + std::string(to_string(c.kind)) + " contribution must name another one"});
      else if (!index.contains(target))
        problems.push_back({where, "refers to " + quote(target) + ", which is not a contribution in this plan"});
      else if (target == c.id)
        problems.push_back({where, "a contribution cannot be defined in terms of itself"});
    };
    switch (c.kind) {
      case contribution_kind::fixed:
        if (c.fixed.is_negative())
          problems.push_back({at + "/amount", "a fixed contribution cannot be negative (" + c.fixed.to_text() + ")"});
        if (unit == nullptr) {
          unit = &c.fixed;
        } else if (unit->currency() != c.fixed.currency() || unit->scale() != c.fixed.scale()) {
          problems.push_back({at + "/amount", c.fixed.to_text() + " does not match the plan's currency and decimals (" +
                                                  unit->to_text() + ")"});
        }
        break;
      case contribution_kind::share:
        ref(c.of, at + "/of");
        if (c.share.denominator <= 0 || c.share.numerator < 0)
          problems.push_back({at + "/share", "the fraction " + std::to_string(c.share.numerator) + "/" +
                                                 std::to_string(c.share.denominator) +
                                                 " must have a numerator >= 0 and a denominator > 0"});
        break;
      case contribution_kind::remainder:
        ref(c.of, at + "/of");
        for (std::size_t k = 0; k < c.minus.size(); ++k) ref(c.minus[k], at + "/minus/" + std::to_string(k));
        break;
    }
    std::set<std::string_view> seen;
    bool any_positive = false;
    for (std::size_t k = 0; k < c.members.size(); ++k) {
      const std::string mat = at + "/members/" + std::to_string(k);
      if (c.members[k].member.empty()) problems.push_back({mat + "/member", "a member needs a name"});
      if (!seen.insert(c.members[k].member).second)
        problems.push_back({mat + "/member", "duplicate member " + quote(c.members[k].member)});
      if (c.members[k].weight.is_negative())
        problems.push_back(
            {mat + "/weight", "a weight cannot be negative (" + format_decimal(c.members[k].weight) + ")"});
      any_positive = any_positive || c.members[k].weight > decimal{0};
    }
    if (!c.members.empty() && !any_positive)
      problems.push_back({at + "/members", "all member weights are zero: nothing to split by"});
  }
  if (unit == nullptr && !cs.empty())
    problems.push_back({"/contributions", "the plan needs at least one fixed contribution to start from"});
  return index;
}

/// Evaluation order (references first); reports each cycle once, as a path of ids.
inline std::vector<std::size_t> evaluation_order(const funding_plan& plan,
                                                 const std::map<std::string, std::size_t, std::less<>>& index,
                                                 std::vector<diagnostic>& problems) {
  const auto& cs = plan.contributions;
  enum class state : std::uint8_t { unvisited, active, done };
  std::vector<state> st(cs.size(), state::unvisited);
  std::vector<std::size_t> order;
  // Depth-first, iterative (a chain of a million references must not exhaust the stack, nor a
  // host thread's small one through the C ABI) and linear: each contribution is entered once, each
  // reference followed once; a cycle's path is read off the explicit stack by its recorded depth.
  struct frame {
    std::size_t node;
    std::size_t next;  // next reference slot: 0 is `of`, 1.. are `minus`
  };
  std::vector<frame> stack;
  std::vector<std::size_t> depth(cs.size(), 0);
  // The contribution slot `k` of `i` refers to, if any (unknown ids and self-references are checked elsewhere).
  const auto slots = [&](std::size_t i) {
    return (cs[i].kind != contribution_kind::fixed ? std::size_t{1} : std::size_t{0}) +
           (cs[i].kind == contribution_kind::remainder ? cs[i].minus.size() : std::size_t{0});
  };
  const auto target = [&](std::size_t i, std::size_t k) -> std::optional<std::size_t> {
    const std::string& id = k == 0 ? cs[i].of : cs[i].minus[k - 1];
    const auto it = index.find(id);
    if (it == index.end() || it->second == i) return std::nullopt;
    return it->second;
  };
  for (std::size_t root = 0; root < cs.size(); ++root) {
    if (st[root] != state::unvisited) continue;
    st[root] = state::active;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      const std::size_t i = stack.back().node;
      const std::size_t k = stack.back().next;
      if (k == slots(i)) {
        stack.pop_back();
        st[i] = state::done;
        order.push_back(i);
        continue;
      }
      ++stack.back().next;
      const auto d = target(i, k);
      if (!d || st[*d] == state::done) continue;
      if (st[*d] == state::active) {
        std::string path;
        for (std::size_t s = depth[*d]; s < stack.size(); ++s) path += quote(cs[stack[s].node].id) + " -> ";
        path += quote(cs[*d].id);
        problems.push_back({contribution_path(*d), "the contributions refer to each other in a cycle: " + path});
        continue;
      }
      st[*d] = state::active;
      depth[*d] = stack.size();
      stack.push_back({*d, 0});
    }
  }
  return order;
}

}  // namespace detail

/// Checks a plan without evaluating it: ids unique and non-empty, references known and acyclic,
/// fractions valid, one currency and scale, member names unique and weights non-negative, not all
/// zero. Throws one error(validation_error) listing every problem (JSON-pointer places).
inline void validate(const funding_plan& plan) {
  std::vector<diagnostic> problems;
  const auto index = detail::check_plan(plan, problems);
  detail::evaluation_order(plan, index, problems);
  if (!problems.empty()) throw error(errc::validation_error, std::move(problems));
}

/// Evaluates every contribution exactly, references first: shares are rounded to a minor unit by
/// plan.share_rounding; a remainder is exact; a split contribution is apportioned among its members
/// by largest remainder, so the members' parts always add up to it exactly. Throws
/// error(validation_error) for a bad plan (see validate) or a negative remainder, error(overflow).
inline funding_result evaluate(const funding_plan& plan) {
  std::vector<diagnostic> problems;
  const auto index = detail::check_plan(plan, problems);
  const auto order = detail::evaluation_order(plan, index, problems);
  if (!problems.empty()) throw error(errc::validation_error, std::move(problems));

  const auto& cs = plan.contributions;
  std::vector<amount> value(cs.size());
  for (std::size_t i : order) {
    const contribution& c = cs[i];
    switch (c.kind) {
      case contribution_kind::fixed:
        value[i] = c.fixed;
        break;
      case contribution_kind::share:
        value[i] =
            fraction_of(value[index.find(c.of)->second], c.share.numerator, c.share.denominator, plan.share_rounding);
        break;
      case contribution_kind::remainder: {
        amount v = value[index.find(c.of)->second];
        for (const auto& m : c.minus) v -= value[index.find(m)->second];
        if (v.is_negative()) {
          std::string parts;
          for (const auto& m : c.minus) parts += (parts.empty() ? "" : " + ") + quote(m);
          throw error(errc::validation_error,
                      std::vector<diagnostic>{
                          {detail::contribution_path(i), quote(c.of) + " minus " + parts + " is negative (" +
                                                             v.to_text() + "): the parts are larger than the whole"}});
        }
        value[i] = v;
        break;
      }
    }
  }

  funding_result result;
  result.contributions.reserve(cs.size());
  for (std::size_t i = 0; i < cs.size(); ++i) {
    contribution_amount out{cs[i].id, value[i], {}};
    if (!cs[i].members.empty()) {
      std::vector<decimal> weights;
      weights.reserve(cs[i].members.size());
      for (const auto& m : cs[i].members) weights.push_back(m.weight);
      const auto parts = apportion(value[i], std::span<const decimal>(weights));
      amount sum = amount::from_minor_units(0, value[i].currency(), value[i].scale());
      for (std::size_t k = 0; k < parts.size(); ++k) {
        out.members.push_back({cs[i].members[k].member, parts[k]});
        sum += parts[k];
      }
      if (sum != value[i])  // apportion guarantees this; a failure here is a bug, not bad input
        throw error(errc::internal, "the members of " + quote(cs[i].id) + " do not add up to " + value[i].to_text());
    }
    result.contributions.push_back(std::move(out));
  }
  return result;
}

REGIOKPI_END_NAMESPACE
