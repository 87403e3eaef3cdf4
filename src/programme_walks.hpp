// Private: the graph walks of programme validation, as functions of their own so that tests can run
// them alone on chains of a million links (whole-programme validation costs some 20 us per
// indicator in a Debug build, far more than the walk). Not installed.
//   for (const auto& c : regiokpi::programme_detail::formula_cycles(p.all_indicators())) fail(c.at, c.path);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "regiokpi/export.hpp"
#include "regiokpi/indicator.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace programme_detail {

/// A cycle found by find_cycles(): the node whose edge closes it, and the path of names from where
/// the cycle starts back to it ("i0 -> i1 -> i0").
struct graph_cycle {
  std::size_t at;
  std::string path;
};

/// The cycles of a directed graph of `n` nodes, each reported once, where a depth-first walk from the
/// roots 0, 1, ... (those `is_root(k)` admits) meets it. `edges(k)` is the number of edges of node k,
/// `target(k, e)` the node its edge e leads to (nullopt: skip the edge), `name(k)` the node's name in a
/// path. Iterative (a chain of a million links must not exhaust the stack) and linear: each node is
/// entered once, each edge followed once, and a cycle's path is read off the explicit stack by its
/// recorded depth.
template <class IsRoot, class Edges, class Target, class Name>
std::vector<graph_cycle> find_cycles(std::size_t n, IsRoot is_root, Edges edges, Target target, Name name) {
  std::vector<graph_cycle> cycles;
  enum : std::uint8_t { fresh, active, done };
  std::vector<std::uint8_t> colour(n, fresh);
  std::vector<std::size_t> depth(n, 0);  // position on the stack while active
  std::vector<bool> reported(n, false);
  struct frame {
    std::size_t node;
    std::size_t next;  // the next edge to follow
  };
  std::vector<frame> stack;
  for (std::size_t root = 0; root < n; ++root) {
    if (colour[root] != fresh || !is_root(root)) continue;
    colour[root] = active;
    depth[root] = 0;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      const std::size_t node = stack.back().node;
      const std::size_t e = stack.back().next;
      if (e == edges(node)) {
        colour[node] = done;
        stack.pop_back();
        continue;
      }
      ++stack.back().next;
      const std::optional<std::size_t> v = target(node, e);
      if (!v) continue;
      if (colour[*v] == active) {
        if (!reported[*v]) {
          reported[*v] = true;
          std::string path;
          for (std::size_t s = depth[*v]; s < stack.size(); ++s) (path += name(stack[s].node)) += " -> ";
          path += name(*v);
          cycles.push_back({node, std::move(path)});
        }
      } else if (colour[*v] == fresh) {
        colour[*v] = active;
        depth[*v] = stack.size();
        stack.push_back({*v, 0});
      }
    }
  }
  return cycles;
}

/// Every cycle of "indicator uses indicator" edges among `all` (a programme's indicators), by
/// find_cycles(): an id that occurs twice means its first one (the others are no roots); unknown ids
/// and an indicator's use of itself are skipped, as they are reported elsewhere. `at` indexes `all`.
inline std::vector<graph_cycle> formula_cycles(const std::vector<const indicator*>& all) {
  std::unordered_map<std::string_view, std::size_t> number;  // id -> index in `all` (the first one)
  number.reserve(all.size());
  for (std::size_t k = 0; k < all.size(); ++k) number.emplace(all[k]->id, k);
  const auto term = [&](std::size_t k, std::size_t e) -> const std::string& {
    const auto& num = all[k]->formula->numerator;
    return e < num.size() ? num[e] : all[k]->formula->denominator[e - num.size()];
  };
  return find_cycles(
      all.size(), [&](std::size_t k) { return number.at(all[k]->id) == k; },
      [&](std::size_t k) {
        const auto& f = all[k]->formula;
        return f ? f->numerator.size() + f->denominator.size() : std::size_t{0};
      },
      [&](std::size_t k, std::size_t e) -> std::optional<std::size_t> {
        const std::string& u = term(k, e);
        const auto it = number.find(u);
        if (it == number.end() || u == all[k]->id) return std::nullopt;
        return it->second;
      },
      [&](std::size_t k) -> const std::string& { return all[k]->id; });
}

}  // namespace programme_detail
REGIOKPI_END_NAMESPACE
