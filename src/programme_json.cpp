// Reading and writing programme definitions (programme_io.hpp). nlohmann-json stays private to this file.
//
// Reading has two phases, both collecting every problem instead of stopping at the first:
//  1. structure: JSON syntax (own SAX builder: depth limit, duplicate keys), field types, unknown
//     fields with a did-you-mean, enum names, dates; it fills the model.
//  2. rules (validate_programme): ids, references, formulas, targets against direction and period.
// Diagnostics of phase 2 under a pointer that already failed in phase 1 are dropped: a bad date
// must not also be reported as "outside the programme period".
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

#include "regiokpi/programme_io.hpp"

namespace regiokpi {
namespace {

using json = nlohmann::ordered_json;

/// The format marker every programme file starts with; bump the number on incompatible changes.
constexpr std::string_view format_marker = "regiokpi-programme/1";

/// Deeper than any valid programme (about 16 levels); keeps hostile input from exhausting the stack.
constexpr std::size_t max_depth = 64;

// ---- JSON pointers ---------------------------------------------------------------------------------

std::string escape_pointer_token(std::string_view token) {
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

std::string child(const std::string& ptr, std::string_view key) { return ptr + "/" + escape_pointer_token(key); }
std::string child(const std::string& ptr, std::size_t index) { return ptr + "/" + std::to_string(index); }

/// Whether `ptr` is `prefix` or lies below it.
bool within(std::string_view ptr, std::string_view prefix) {
  return ptr.substr(0, prefix.size()) == prefix && (ptr.size() == prefix.size() || ptr[prefix.size()] == '/');
}

/// Escapes bytes outside printable ASCII so that a message about invalid UTF-8 stays valid text.
std::string printable(std::string_view text) {
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

// ---- phase 0: syntax -------------------------------------------------------------------------------

/// Builds an ordered_json while tracking the JSON pointer of the value being read, so duplicate
/// keys can be reported where they are, and refusing to nest deeper than max_depth.
class dom_builder {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  explicit dom_builder(std::vector<diagnostic>& diags) : diags_(diags) {}

  json root;
  bool too_deep = false;
  std::size_t error_position = 0;
  std::string error_reason;

  bool null() { return put(json(nullptr)) != nullptr; }
  bool boolean(bool v) { return put(json(v)) != nullptr; }
  bool number_integer(number_integer_t v) { return put(json(v)) != nullptr; }
  bool number_unsigned(number_unsigned_t v) { return put(json(v)) != nullptr; }
  bool number_float(number_float_t v, const string_t&) { return put(json(v)) != nullptr; }
  bool string(string_t& v) { return put(json(std::move(v))) != nullptr; }
  bool binary(binary_t&) { return false; }
  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(string_t& k) {
    key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    error_position = position;
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..." -> the reason.
    const auto colon = what.find(": ");
    const auto bracket = what.find("] ");
    if (colon != std::string::npos)
      what = what.substr(colon + 2);
    else if (bracket != std::string::npos)
      what = what.substr(bracket + 2);
    error_reason = printable(what);
    return false;
  }

 private:
  json* put(json v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    if (top.contains(key_)) {
      diags_.push_back({child(path(), key_), "duplicate key " + quote(key_) + " (a later value would override)"});
    }
    json& slot = top[key_];
    slot = std::move(v);
    return &slot;
  }

  bool open(json v) {
    if (stack_.size() >= max_depth) {
      too_deep = true;
      return false;
    }
    std::string seg;
    if (!stack_.empty()) seg = stack_.back()->is_array() ? std::to_string(stack_.back()->size()) : key_;
    json* p = put(std::move(v));
    stack_.push_back(p);
    segments_.push_back(std::move(seg));
    return true;
  }

  bool close() {
    stack_.pop_back();
    segments_.pop_back();
    return true;
  }

  std::string path() const {
    std::string out;
    for (std::size_t i = 1; i < segments_.size(); ++i) out = child(out, segments_[i]);
    return out;
  }

  std::vector<diagnostic>& diags_;
  std::vector<json*> stack_;
  std::vector<std::string> segments_;
  std::string key_;
};

std::string line_column(std::string_view text, std::size_t byte_offset) {
  std::size_t line = 1;
  std::size_t column = 1;
  const std::size_t end = std::min(byte_offset > 0 ? byte_offset - 1 : 0, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

json parse_json(std::string_view text, std::string_view source_name) {
  std::vector<diagnostic> diags;
  dom_builder builder(diags);
  const std::string prefix = source_name.empty() ? std::string() : std::string(source_name) + ":";
  bool ok = false;
  try {
    ok = json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json, true, false);
  } catch (const nlohmann::json::exception& e) {
    throw error(errc::parse_error, {{prefix.empty() ? "JSON" : std::string(source_name), printable(e.what())}});
  }
  if (builder.too_deep)
    throw error(errc::parse_error, std::vector<diagnostic>{{source_name.empty() ? "JSON" : std::string(source_name),
                                                            "nested deeper than " + std::to_string(max_depth) +
                                                                " levels (no programme is); not read any further"}});
  if (!ok) {
    throw error(errc::parse_error,
                std::vector<diagnostic>{{prefix + line_column(text, builder.error_position), builder.error_reason}});
  }
  if (!diags.empty()) throw error(errc::parse_error, std::move(diags));
  return std::move(builder.root);
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

// ---- phase 1: structure ----------------------------------------------------------------------------

std::size_t edit_distance(std::string_view a, std::string_view b) {
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

std::string did_you_mean(std::string_view word, std::initializer_list<std::string_view> candidates) {
  return did_you_mean<std::initializer_list<std::string_view>>(word, candidates);
}

std::string type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    default:
      return "binary data";
  }
}

/// Problems found while reading the structure, and for each the place it makes unreliable: rule
/// checks under a shadowed place are not reported (a bad date is not also "outside the period").
struct sink {
  std::vector<diagnostic> list;
  std::vector<std::string> shadows;
  void fail(const std::string& where, std::string reason, const std::string& shadow) {
    list.push_back({where, std::move(reason)});
    shadows.push_back(shadow);
  }
};

/// Reads the fields of one JSON object, recording problems by JSON pointer.
class object_reader {
 public:
  object_reader(sink& diags, const json& j, std::string ptr, std::initializer_list<std::string_view> allowed)
      : diags_(diags), j_(j), ptr_(std::move(ptr)) {
    if (!j.is_object()) {
      fail(ptr_, "must be an object, not " + type_name(j));
      ok_ = false;
      return;
    }
    for (const auto& [k, v] : j.items()) {
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
        fail(child(ptr_, k), "unknown field " + quote(k) + did_you_mean(k, allowed));
    }
  }

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const std::string& ptr() const { return ptr_; }
  [[nodiscard]] std::string at(std::string_view key) const { return child(ptr_, key); }

  /// The field's value, or nullptr if absent (reporting it when required).
  const json* get(std::string_view key, bool required) {
    if (!ok_) return nullptr;
    const auto it = j_.find(std::string(key));
    if (it == j_.end()) {
      if (required) diags_.fail(ptr_, "missing required field " + quote(key), at(key));
      return nullptr;
    }
    return &*it;
  }

  std::string str(std::string_view key, bool required) {
    const json* v = get(key, required);
    if (!v) return {};
    if (!v->is_string()) {
      fail(at(key), "must be a string, not " + type_name(*v));
      return {};
    }
    return v->get<std::string>();
  }

  bool boolean(std::string_view key, bool fallback) {
    const json* v = get(key, false);
    if (!v) return fallback;
    if (!v->is_boolean()) {
      fail(at(key), "must be true or false, not " + type_name(*v));
      return fallback;
    }
    return v->get<bool>();
  }

  std::optional<double> number(std::string_view key, bool required) {
    const json* v = get(key, required);
    if (!v) return std::nullopt;
    return number_at(*v, at(key));
  }

  std::optional<double> number_at(const json& v, const std::string& where) {
    if (!v.is_number()) {
      fail(where, "must be a number, not " + type_name(v));
      return std::nullopt;
    }
    return v.get<double>();
  }

  std::optional<date> date_field(std::string_view key, bool required) {
    const json* v = get(key, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      fail(at(key), "must be a date string YYYY-MM-DD, not " + type_name(*v));
      return std::nullopt;
    }
    const auto s = v->get<std::string>();
    const auto d = try_parse_date(s);
    if (!d || s.size() != 10) {
      fail(at(key), quote(s) + " is not a date (YYYY-MM-DD)");
      return std::nullopt;
    }
    return d;
  }

  std::vector<std::string> strings(std::string_view key) {
    std::vector<std::string> out;
    const json* v = get(key, false);
    if (!v) return out;
    if (!v->is_array()) {
      fail(at(key), "must be an array of strings, not " + type_name(*v));
      return out;
    }
    for (std::size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      if (!e.is_string())
        fail(child(at(key), i), "must be a string, not " + type_name(e));
      else
        out.push_back(e.get<std::string>());
    }
    return out;
  }

  /// Calls f(element, pointer) for each element of an array field.
  void each(std::string_view key, bool required, const std::function<void(const json&, const std::string&)>& f) {
    const json* v = get(key, required);
    if (!v) return;
    if (!v->is_array()) {
      fail(at(key), "must be an array, not " + type_name(*v));
      return;
    }
    for (std::size_t i = 0; i < v->size(); ++i) f((*v)[i], child(at(key), i));
  }

  /// An enum field by its to_string() names.
  template <class E, std::size_t N>
  std::optional<E> enumerated(std::string_view key, bool required, const std::array<E, N>& values) {
    const json* v = get(key, required);
    if (!v) return std::nullopt;
    std::string names;
    for (E e : values) names += (names.empty() ? "" : ", ") + std::string(name_of(e));
    if (v->is_string()) {
      const auto s = v->get<std::string>();
      std::vector<std::string_view> all;
      for (E e : values) {
        if (name_of(e) == s) return e;
        all.push_back(name_of(e));
      }
      fail(at(key), quote(s) + " is not one of " + names + did_you_mean(s, all));
    } else {
      fail(at(key), "must be one of " + names + ", not " + type_name(*v));
    }
    return std::nullopt;
  }

  void fail(const std::string& where, std::string reason) { diags_.fail(where, std::move(reason), where); }
  /// A problem that makes everything under `shadow` unreliable for the rule checks.
  void fail(const std::string& where, std::string reason, const std::string& shadow) {
    diags_.fail(where, std::move(reason), shadow);
  }

 private:
  sink& diags_;
  const json& j_;
  std::string ptr_;
  bool ok_ = true;
};

constexpr std::array all_kinds{measure_kind::count, measure_kind::amount,    measure_kind::percentage,
                               measure_kind::ratio, measure_kind::milestone, measure_kind::ordinal,
                               measure_kind::text};
constexpr std::array all_directions{direction::increase, direction::decrease, direction::maintain};
constexpr std::array all_bases{target_basis::absolute, target_basis::change, target_basis::percent_change};
constexpr std::array all_target_kinds{target_kind::target, target_kind::milestone};
constexpr std::array all_dimension_kinds{dimension_kind::hierarchy, dimension_kind::category};
constexpr std::array all_time_rules{time_rule::sum,   time_rule::avg,   time_rule::min, time_rule::max,
                                    time_rule::count, time_rule::first, time_rule::last};
constexpr std::array all_contribution_kinds{contribution_kind::fixed, contribution_kind::share,
                                            contribution_kind::remainder};
constexpr std::array all_roundings{rounding::half_even, rounding::half_away_from_zero, rounding::toward_zero};
constexpr std::array all_space_rules{space_rule::sum,   space_rule::avg,          space_rule::min,     space_rule::max,
                                     space_rule::count, space_rule::weighted_avg, space_rule::coverage};

class structure_reader {
 public:
  sink diags;

 private:
  bool kind_known_ = true;  // of the indicator being read

 public:
  programme read(const json& j) {
    programme p;
    object_reader o(diags, j, "",
                    {"format", "id", "name", "description", "tags", "period", "thresholds", "parties", "funding",
                     "dimensions", "pillars", "rollup", "stale_after_periods"});
    if (!o.ok()) {
      diags.shadows.back() = "";  // nothing was read: no rule can be checked
      return p;
    }
    const std::string format = o.str("format", true);
    if (o.get("format", false) && o.get("format", false)->is_string() && format != format_marker)
      o.fail(o.at("format"), quote(format) + " is not a known format; expected " + quote(format_marker));
    p.id = o.str("id", true);
    p.name = o.str("name", true);
    p.description = o.str("description", false);
    p.tags = o.strings("tags");
    if (const json* per = o.get("period", true)) {
      object_reader po(diags, *per, o.at("period"), {"start", "end"});
      if (auto d = po.date_field("start", true)) p.start = *d;
      if (auto d = po.date_field("end", true)) p.end = *d;
    }
    if (const json* t = o.get("thresholds", false)) p.thresholds = read_thresholds(*t, o.at("thresholds"));
    // issue 9: how nodes roll up, and when an actual is stale
    constexpr std::array all_rollups{rollup_method::weighted, rollup_method::worst,
                                     rollup_method::eu_performance_framework};
    if (auto m = o.enumerated("rollup", false, all_rollups)) p.rollup = *m;
    if (auto n = o.number("stale_after_periods", false)) {
      if (*n >= 0 && *n <= 1000 && std::floor(*n) == *n)
        p.stale_after_periods = static_cast<int>(*n);
      else
        o.fail(o.at("stale_after_periods"), "must be a whole number of periods from 0 to 1000");
    }
    if (const json* f = o.get("funding", false)) p.funding = read_funding(*f, o.at("funding"));
    o.each("parties", false, [&](const json& e, const std::string& ptr) { p.parties.push_back(read_party(e, ptr)); });
    o.each("dimensions", false,
           [&](const json& e, const std::string& ptr) { p.dimensions.push_back(read_dimension(e, ptr)); });
    o.each("pillars", true, [&](const json& e, const std::string& ptr) { p.pillars.push_back(read_pillar(e, ptr)); });
    return p;
  }

 private:
  programme_funding read_funding(const json& j, const std::string& ptr) {
    programme_funding f;
    object_reader o(diags, j, ptr, {"currency", "rounding", "contributions"});
    if (!o.ok()) return f;
    f.currency = o.get("currency", false) ? o.str("currency", false) : "EUR";
    std::optional<currency> cur;
    try {
      cur = currency(f.currency);
    } catch (const error& e) {
      o.fail(o.at("currency"), e.what());
    }
    if (auto r = o.enumerated("rounding", false, all_roundings)) f.plan.share_rounding = *r;
    o.each("contributions", true, [&](const json& entry, const std::string& q) {
      object_reader co(diags, entry, q,
                       {"id", "name", "party", "kind", "pool", "amount", "of", "share", "minus", "split", "members"});
      contribution c;
      c.id = co.str("id", true);
      c.name = co.str("name", false);
      if (co.get("party", false)) f.parties[c.id] = co.str("party", false);
      if (co.boolean("pool", false)) f.pools.push_back(c.id);
      if (auto k = co.enumerated("kind", true, all_contribution_kinds)) c.kind = *k;
      const bool fixed = c.kind == contribution_kind::fixed;
      const bool share = c.kind == contribution_kind::share;
      const bool remainder = c.kind == contribution_kind::remainder;
      const std::string kind(to_string(c.kind));
      auto only = [&](std::string_view key, bool allowed) {
        if (!allowed && co.get(key, false)) co.fail(co.at(key), "a " + kind + " contribution has no " + quote(key));
        return allowed;
      };
      if (only("amount", fixed)) {
        const std::string text = co.str("amount", true);
        if (!text.empty() && cur) {
          try {
            c.fixed = parse_amount(text, *cur);
          } catch (const error& e) {
            co.fail(co.at("amount"), e.what());
          }
        }
      }
      if (only("of", share || remainder)) c.of = co.str("of", true);
      if (only("share", share)) {
        const std::string text = co.str("share", true);
        if (!text.empty() && !parse_fraction(text, c.share))
          co.fail(co.at("share"), quote(text) + " is not a fraction: write it as \"1/2\" (numerator/denominator)");
      }
      if (only("minus", remainder)) c.minus = co.strings("minus");
      if (const json* sp = co.get("split", false)) {
        object_reader so(diags, *sp, co.at("split"), {"dimension", "level", "attribute", "date"});
        funding_split s;
        s.dimension = so.str("dimension", true);
        s.level = so.str("level", false);
        s.attribute = so.str("attribute", true);
        if (auto d = so.date_field("date", true)) s.as_of = *d;
        f.splits[c.id] = s;
        if (co.get("members", false)) co.fail(co.at("members"), "give either \"split\" or \"members\", not both");
      } else {
        co.each("members", false, [&](const json& me, const std::string& mq) {
          object_reader mo(diags, me, mq, {"member", "weight"});
          member_weight w;
          w.member = mo.str("member", true);
          const std::string text = mo.str("weight", true);
          if (!text.empty()) {
            try {
              w.weight = parse_decimal(text);
            } catch (const error& e) {
              mo.fail(mo.at("weight"), e.what());
            }
          }
          c.members.push_back(std::move(w));
        });
      }
      f.plan.contributions.push_back(std::move(c));
    });
    return f;
  }

  static bool parse_fraction(std::string_view text, fraction& out) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) return false;
    auto digits = [](std::string_view d, std::int64_t& v) {
      if (d.empty() || d.size() > 18) return false;
      v = 0;
      for (char c : d) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
      }
      return true;
    };
    return digits(text.substr(0, slash), out.numerator) && digits(text.substr(slash + 1), out.denominator) &&
           out.denominator > 0;
  }

  thresholds read_thresholds(const json& j, const std::string& ptr) {
    thresholds t;
    object_reader o(diags, j, ptr, {"achieved", "serious_failure"});
    if (auto v = o.number("achieved", true)) t.achieved = *v;
    if (auto v = o.number("serious_failure", true)) t.serious_failure = *v;
    return t;
  }

  party read_party(const json& j, const std::string& ptr) {
    party p;
    object_reader o(diags, j, ptr, {"id", "name", "dimension", "member", "tags"});
    p.id = o.str("id", true);
    p.name = o.str("name", true);
    p.dimension = o.str("dimension", false);
    p.member = o.str("member", false);
    p.tags = o.strings("tags");
    return p;
  }

  dimension read_dimension(const json& j, const std::string& ptr) {
    dimension d;
    object_reader o(diags, j, ptr, {"id", "name", "description", "kind", "levels", "tags", "members"});
    d.id = o.str("id", true);
    d.name = o.str("name", true);
    d.description = o.str("description", false);
    if (auto k = o.enumerated("kind", true, all_dimension_kinds)) d.kind = *k;
    d.levels = o.strings("levels");
    d.tags = o.strings("tags");
    o.each("members", true, [&](const json& e, const std::string& p) { d.members.push_back(read_member(e, p)); });
    return d;
  }

  member read_member(const json& j, const std::string& ptr) {
    member m;
    object_reader o(diags, j, ptr, {"id", "name", "level", "parent", "tags", "attributes"});
    m.id = o.str("id", true);
    m.name = o.str("name", true);
    m.level = o.str("level", false);
    m.parent = o.str("parent", false);
    m.tags = o.strings("tags");
    if (const json* a = o.get("attributes", false)) {
      if (!a->is_object()) {
        o.fail(o.at("attributes"), "must be an object of attribute name -> dated values, not " + type_name(*a));
      } else {
        for (const auto& [name, values] : a->items()) {
          const std::string aptr = child(o.at("attributes"), name);
          auto& out = m.attributes[name];
          if (!values.is_array()) {
            o.fail(aptr, "must be an array of {date, value, source}, not " + type_name(values));
            continue;
          }
          for (std::size_t i = 0; i < values.size(); ++i) {
            object_reader vo(diags, values[i], child(aptr, i), {"date", "value", "source"});
            attribute_value v;
            if (auto d = vo.date_field("date", true)) v.reference_date = *d;
            if (auto x = vo.number("value", true)) v.value = *x;
            v.source = vo.str("source", true);
            out.push_back(std::move(v));
          }
        }
      }
    }
    return m;
  }

  pillar read_pillar(const json& j, const std::string& ptr) {
    pillar p;
    object_reader o(diags, j, ptr, {"id", "name", "description", "tags", "weight", "goals"});
    read_node(o, p);
    o.each("goals", true, [&](const json& e, const std::string& q) { p.goals.push_back(read_goal(e, q)); });
    return p;
  }

  goal read_goal(const json& j, const std::string& ptr) {
    goal g;
    object_reader o(diags, j, ptr, {"id", "name", "description", "tags", "weight", "results"});
    read_node(o, g);
    o.each("results", true, [&](const json& e, const std::string& q) { g.results.push_back(read_result(e, q)); });
    return g;
  }

  result read_result(const json& j, const std::string& ptr) {
    result r;
    object_reader o(diags, j, ptr, {"id", "name", "description", "tags", "weight", "indicators"});
    read_node(o, r);
    o.each("indicators", true,
           [&](const json& e, const std::string& q) { r.indicators.push_back(read_indicator(e, q)); });
    return r;
  }

  template <class Node>
  void read_node(object_reader& o, Node& n) {
    n.id = o.str("id", true);
    n.name = o.str("name", true);
    n.description = o.str("description", false);
    n.tags = o.strings("tags");
    if (auto w = o.number("weight", false)) n.weight = *w;
  }

  /// A value in an indicator's terms: a number, true/false for a milestone, a level name for an ordinal.
  std::optional<double> read_value(object_reader& o, std::string_view key, bool required, const indicator& i) {
    const json* v = o.get(key, required);
    if (!v || !kind_known_) return std::nullopt;  // without a kind the value's form cannot be judged
    if (i.kind == measure_kind::milestone) {
      if (v->is_boolean()) return v->get<bool>() ? 1.0 : 0.0;
      o.fail(o.at(key), "a milestone indicator's value must be true or false, not " + type_name(*v));
      return std::nullopt;
    }
    if (i.kind == measure_kind::ordinal) {
      if (v->is_string()) {
        const auto s = v->get<std::string>();
        for (std::size_t k = 0; k < i.levels.size(); ++k)
          if (i.levels[k] == s) return static_cast<double>(k);
        o.fail(o.at(key), quote(s) + " is not one of the indicator's levels");
        return std::nullopt;
      }
      o.fail(o.at(key), "an ordinal indicator's value must be one of its level names, not " + type_name(*v));
      return std::nullopt;
    }
    return o.number_at(*v, o.at(key));
  }

  indicator read_indicator(const json& j, const std::string& ptr) {
    indicator i;
    object_reader o(
        diags, j, ptr,
        {"id",       "name",      "description", "tags",    "kind",       "unit",      "levels",     "direction",
         "band",     "proxy",     "baseline",    "targets", "cumulative", "time_rule", "space_rule", "weight_attribute",
         "coverage", "breakdown", "formula",     "weight",  "thresholds"});
    if (!o.ok()) return i;
    i.id = o.str("id", true);
    i.name = o.str("name", true);
    i.description = o.str("description", false);
    i.tags = o.strings("tags");
    const auto kind = o.enumerated("kind", true, all_kinds);
    kind_known_ = kind.has_value();
    if (kind) {
      i.kind = *kind;
    } else {
      // Without a kind nothing else about the indicator can be judged.
      diags.shadows.push_back(ptr);
    }
    i.unit = o.str("unit", false);
    i.levels = o.strings("levels");
    // Text and milestone indicators have no direction to choose: a milestone can only be delivered.
    const bool directed = i.kind != measure_kind::text && i.kind != measure_kind::milestone;
    if (directed || !kind) {
      if (auto d = o.enumerated("direction", kind.has_value(), all_directions)) i.direction = *d;
    } else if (o.get("direction", false)) {
      o.fail(o.at("direction"), "a " + std::string(to_string(i.kind)) + " indicator has no direction");
    }
    if (const json* b = o.get("band", false)) {
      object_reader bo(diags, *b, o.at("band"), {"low", "high"});
      band x;
      if (auto v = bo.number("low", true)) x.low = *v;
      if (auto v = bo.number("high", true)) x.high = *v;
      i.band = x;
    }
    i.proxy = o.boolean("proxy", false);
    if (const json* b = o.get("baseline", false)) {
      object_reader bo(diags, *b, o.at("baseline"), {"date", "value", "source"});
      baseline x;
      if (auto d = bo.date_field("date", true)) x.reference_date = *d;
      if (auto v = read_value(bo, "value", true, i)) x.value = *v;
      x.source = bo.str("source", true);
      i.baseline = x;
    }
    o.each("targets", false, [&](const json& e, const std::string& q) { i.targets.push_back(read_target(e, q, i)); });
    i.cumulative = o.boolean("cumulative", false);
    if (i.kind == measure_kind::text) {
      i.time_rule = time_rule::last;
      i.space_rule = space_rule::count;
    }
    const bool rules_required = kind && i.kind != measure_kind::text;
    if (auto r = o.enumerated("time_rule", rules_required, all_time_rules)) i.time_rule = *r;
    if (auto r = o.enumerated("space_rule", rules_required, all_space_rules)) i.space_rule = *r;
    i.weight_attribute = o.str("weight_attribute", false);
    if (const json* c = o.get("coverage", false)) {
      object_reader co(diags, *c, o.at("coverage"), {"dimension", "level", "threshold", "share"});
      coverage_rule x;
      x.dimension = co.str("dimension", true);
      x.level = co.str("level", false);
      if (auto v = co.number("threshold", true)) x.threshold = *v;
      x.share = co.boolean("share", false);
      i.coverage = x;
    }
    o.each("breakdown", false, [&](const json& e, const std::string& q) {
      object_reader bo(diags, e, q, {"dimension", "level"});
      breakdown b;
      b.dimension = bo.str("dimension", true);
      b.level = bo.str("level", false);
      i.breakdowns.push_back(std::move(b));
    });
    if (const json* f = o.get("formula", false)) {
      object_reader fo(diags, *f, o.at("formula"), {"numerator", "denominator", "factor"});
      formula x;
      if (fo.get("numerator", true)) x.numerator = fo.strings("numerator");
      x.denominator = fo.strings("denominator");
      if (auto v = fo.number("factor", false)) x.factor = *v;
      i.formula = x;
    }
    if (auto w = o.number("weight", false)) i.weight = *w;
    if (const json* t = o.get("thresholds", false)) i.thresholds = read_thresholds(*t, o.at("thresholds"));
    return i;
  }

  target read_target(const json& j, const std::string& ptr, const indicator& i) {
    target t;
    object_reader o(diags, j, ptr, {"kind", "date", "value", "basis", "note", "revisions"});
    if (auto k = o.enumerated("kind", false, all_target_kinds)) t.kind = *k;
    if (auto d = o.date_field("date", true)) t.due = *d;
    if (auto b = o.enumerated("basis", false, all_bases)) t.basis = *b;
    if (auto v = read_value(o, "value", true, i)) t.value = *v;
    t.note = o.str("note", false);
    o.each("revisions", false, [&](const json& e, const std::string& q) {
      object_reader ro(diags, e, q, {"revised_on", "date", "value", "basis", "reason"});
      target_revision r;
      if (auto d = ro.date_field("revised_on", true)) r.revised_on = *d;
      if (auto d = ro.date_field("date", true)) r.due = *d;
      if (auto b = ro.enumerated("basis", false, all_bases)) r.basis = *b;
      if (auto v = read_value(ro, "value", true, i)) r.value = *v;
      r.reason = ro.str("reason", true);
      t.revisions.push_back(std::move(r));
    });
    return t;
  }
};

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

/// Fills the members of every split contribution from the dimension; problems are left to the rules.
void fill_split_members(programme& p) {
  if (!p.funding) return;
  for (auto& c : p.funding->plan.contributions) {
    const auto it = p.funding->splits.find(c.id);
    if (it == p.funding->splits.end()) continue;
    std::string why;
    c.members = split_weights(p, it->second, why);
  }
}

// ---- phase 2: rules --------------------------------------------------------------------------------

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 200) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

std::string number_text(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
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
      std::set<std::string> levels;
      for (std::size_t l = 0; l < dim.levels.size(); ++l) {
        check_id(dim.levels[l], child(ptr + "/levels", l));
        if (!levels.insert(dim.levels[l]).second)
          fail(child(ptr + "/levels", l), "duplicate level " + quote(dim.levels[l]));
      }
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
          const auto lvl = std::find(dim.levels.begin(), dim.levels.end(), mem.level);
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
              const auto plvl = std::find(dim.levels.begin(), dim.levels.end(), dim.members[it->second].level);
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
      (void)evaluate(f.plan);
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
        const indicator* t = p_.find_indicator(terms[k]);
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
    // Depth-first search with colours over "indicator uses indicator" edges.
    std::unordered_map<std::string, int> colour;  // 0 new, 1 on the stack, 2 done
    std::unordered_map<std::string, const indicator*> by_id;
    for (const indicator* i : p_.all_indicators()) by_id.emplace(i->id, i);
    std::set<std::string> reported;
    std::vector<std::string> stack;
    std::function<void(const indicator&)> visit = [&](const indicator& i) {
      colour[i.id] = 1;
      stack.push_back(i.id);
      if (i.formula) {
        std::vector<std::string> uses = i.formula->numerator;
        uses.insert(uses.end(), i.formula->denominator.begin(), i.formula->denominator.end());
        for (const auto& u : uses) {
          const auto it = by_id.find(u);
          if (it == by_id.end() || u == i.id) continue;  // reported elsewhere
          if (colour[u] == 1) {
            std::string path;
            for (auto s = std::find(stack.begin(), stack.end(), u); s != stack.end(); ++s) path += *s + " -> ";
            path += u;
            if (reported.insert(u).second) fail(pointers_.at(i.id) + "/formula", "formula cycle: " + path);
          } else if (colour[u] == 0) {
            visit(*it->second);
          }
        }
      }
      stack.pop_back();
      colour[i.id] = 2;
    };
    for (const indicator* i : p_.all_indicators())
      if (colour[i->id] == 0) visit(*i);
  }

  const programme& p_;
  bool period_known_ = true;
  bool period_ok_ = true;
  std::unordered_map<std::string, std::string> pointers_;  // indicator id -> JSON pointer (first one)
};

// ---- writing ---------------------------------------------------------------------------------------

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

programme read_programme(std::string_view json_text, std::string_view source_name) {
  const json j = parse_json(json_text, source_name);
  structure_reader reader;
  programme p = reader.read(j);
  fill_split_members(p);
  const auto& shadows = reader.diags.shadows;
  const bool period_known = std::none_of(shadows.begin(), shadows.end(), [](const std::string& s) {
    return within("/period", s) || within(s, "/period");
  });
  rule_checker rules(p, period_known);
  rules.run();
  std::vector<diagnostic> all = std::move(reader.diags.list);
  for (auto& d : rules.diags) {
    const bool shadowed =
        std::any_of(shadows.begin(), shadows.end(), [&](const std::string& s) { return within(d.where, s); });
    if (!shadowed) all.push_back(std::move(d));
  }
  if (!all.empty()) throw error(errc::validation_error, std::move(all));
  return p;
}

programme read_programme_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::io_error, path + ": cannot open for reading");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw error(errc::io_error, path + ": read failed");
  return read_programme(ss.str(), path);
}

void validate_programme(const programme& p) {
  rule_checker rules(p);
  rules.run();
  if (!rules.diags.empty()) throw error(errc::validation_error, std::move(rules.diags));
}

std::string write_programme(const programme& p) {
  json o = json::object();
  o["format"] = std::string(format_marker);
  o["id"] = p.id;
  o["name"] = p.name;
  if (!p.description.empty()) o["description"] = p.description;
  put_tags(o, p.tags);
  o["period"] = json{{"start", format_date(p.start)}, {"end", format_date(p.end)}};
  if (p.thresholds != thresholds{}) o["thresholds"] = thresholds_json(p.thresholds);
  if (p.rollup != rollup_method::weighted) o["rollup"] = std::string(to_string(p.rollup));
  if (p.stale_after_periods != 2) o["stale_after_periods"] = p.stale_after_periods;
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
  return o.dump(2, ' ', false, json::error_handler_t::strict) + "\n";
}

}  // namespace regiokpi
