// Private to the programme reader, writer and validator: JSON pointers, the format marker, enum
// names as the format writes them, and "did you mean" hints. Not installed.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/funding.hpp"
#include "regiokpi/programme.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace programme_detail {

/// The format marker every programme file starts with; bump the number on incompatible changes.
inline constexpr std::string_view format_marker = "regiokpi-programme/1";

// ---- JSON pointers ---------------------------------------------------------------------------------

inline std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

inline std::string child(const std::string& ptr, std::string_view key) { return ptr + "/" + escape_pointer_token(key); }
inline std::string child(const std::string& ptr, std::size_t index) { return ptr + "/" + std::to_string(index); }

/// How messages name the document root: the JSON pointer of the root is the empty string, which
/// reads as no place at all, so diagnostics about the root say "/" (as docs/programme-format.md does).
inline constexpr std::string_view root_pointer = "/";

/// Gives diagnostics about the document root the place root_pointer.
inline void name_root(std::vector<diagnostic>& diags) {
  for (auto& d : diags)
    if (d.where.empty()) d.where = std::string(root_pointer);
}

/// Whether `ptr` is `prefix` or lies below it.
inline bool within(std::string_view ptr, std::string_view prefix) {
  return ptr.substr(0, prefix.size()) == prefix && (ptr.size() == prefix.size() || ptr[prefix.size()] == '/');
}

/// Escapes bytes outside printable ASCII so that a message about invalid UTF-8 stays valid text.
inline std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

/// Enum names as the JSON writes them: to_string() where the enum's header has one.
template <class E>
constexpr std::string_view name_of(E e) noexcept {
  return to_string(e);
}
constexpr std::string_view name_of(rounding r) noexcept {
  return r == rounding::half_even             ? "half_even"
         : r == rounding::half_away_from_zero ? "half_away_from_zero"
                                              : "toward_zero";
}

inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0U : 1U)});
      diag = up;
    }
  }
  return row[b.size()];
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo ("; did you mean ...?").
template <class Range>
std::string did_you_mean(std::string_view word, const Range& candidates) {
  if (word.size() > 64) return {};  // not a typo of a name; and keeps hostile input cheap
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;  // at most a third wrong
  for (const auto& c : candidates) {
    const std::string_view cv(c);
    if (cv.size() > word.size() + best_distance) continue;  // too long to be close
    const std::size_t dist = edit_distance(word, cv);
    if (dist < best_distance) {
      best_distance = dist;
      best = cv;
    }
  }
  return best.empty() ? std::string() : "; did you mean " + quote(best) + "?";
}

inline std::string did_you_mean(std::string_view word, std::initializer_list<std::string_view> candidates) {
  return did_you_mean<std::initializer_list<std::string_view>>(word, candidates);
}

/// The member weights a funding split stands for, or why there are none (`why` is "<sub-pointer>: reason").
std::vector<member_weight> split_weights(const programme& p, const funding_split& s, std::string& why);

/// The rules of docs/programme-format.md on a programme's model (phase 2 of reading; validate_programme).
/// `period_known`: false when the period could not be read, so target dates cannot be judged.
std::vector<diagnostic> check_rules(const programme& p, bool period_known = true);

}  // namespace programme_detail
REGIOKPI_END_NAMESPACE
