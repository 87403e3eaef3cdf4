// Reading programme definitions (programme_io.hpp). nlohmann-json stays private to the programme sources.
//
// Reading has two phases, both collecting every problem instead of stopping at the first:
//  1. structure: JSON syntax (own SAX builder: depth limit, duplicate keys), field types, unknown
//     fields with a did-you-mean, enum names, dates; it fills the model.
//  2. rules (programme_validate.cpp): ids, references, formulas, targets against direction and period.
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

#include "file_io.hpp"
#include "programme_detail.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/programme_io.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace {

using json = nlohmann::ordered_json;
using namespace programme_detail;

/// Deeper than any valid programme (about 16 levels); keeps hostile input from exhausting the stack.
constexpr std::size_t max_depth = 64;

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

// ---- phase 1: structure ----------------------------------------------------------------------------
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
constexpr std::array all_period_types{period_type::day,           period_type::iso_week,  period_type::month,
                                      period_type::quarter,       period_type::half_year, period_type::year,
                                      period_type::financial_year};
constexpr std::array all_directions{direction::increase, direction::decrease, direction::maintain};
constexpr std::array all_bases{target_basis::absolute, target_basis::change, target_basis::percent_change};
constexpr std::array all_target_kinds{target_kind::target, target_kind::milestone};
constexpr std::array all_dimension_kinds{dimension_kind::hierarchy, dimension_kind::category};
constexpr std::array all_time_rules{time_rule::sum,   time_rule::avg,   time_rule::min,  time_rule::max,
                                    time_rule::count, time_rule::first, time_rule::last, time_rule::last_in_period};
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
                     "dimensions", "pillars", "rollup", "stale_after_periods", "status_method", "validation_rules"});
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
      object_reader po(diags, *per, o.at("period"), {"start", "end", "fy_first_month"});
      if (auto d = po.date_field("start", true)) p.start = *d;
      if (auto d = po.date_field("end", true)) p.end = *d;
      if (auto m = po.number("fy_first_month", false)) {
        if (*m >= 1 && *m <= 12 && *m == static_cast<int>(*m))
          p.fy_first_month = static_cast<std::int32_t>(*m);
        else
          po.fail(po.at("fy_first_month"), "the first month of the financial year must be a whole number 1..12");
      }
    }
    if (const json* t = o.get("thresholds", false)) p.thresholds = read_thresholds(*t, o.at("thresholds"));
    // issue 9: how nodes roll up, and when an actual is stale
    constexpr std::array all_rollups{rollup_method::weighted, rollup_method::worst,
                                     rollup_method::eu_performance_framework};
    if (auto m = o.enumerated("rollup", false, all_rollups)) p.rollup = *m;
    constexpr std::array all_status_methods{status_method::plan, status_method::growth_ratio};
    if (auto m = o.enumerated("status_method", false, all_status_methods)) p.status_method = *m;
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
    o.each("validation_rules", false,
           [&](const json& e, const std::string& ptr) { p.validation_rules.push_back(read_validation_rule(e, ptr)); });
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
        if (!text.empty() && !parse_fraction(text, c.share)) co.fail(co.at("share"), fraction_problem(text));
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

  /// Why parse_fraction() refused `text`: too many digits to fit, or not the form "1/2".
  static std::string fraction_problem(std::string_view text) {
    const auto slash = text.find('/');
    const auto all_digits = [](std::string_view d) {
      return !d.empty() && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (slash != std::string_view::npos && all_digits(text.substr(0, slash)) && all_digits(text.substr(slash + 1))) {
      if (slash > 18 || text.size() - slash - 1 > 18)
        return quote(text) + " is too large: the numerator and the denominator have at most 18 digits";
      return quote(text) + " has a zero denominator";
    }
    return quote(text) + " is not a fraction: write it as \"1/2\" (numerator/denominator)";
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

  // ---- issue 12: data quality --------------------------------------------------------------------

  /// A side of a validation rule: terms separated by '+', each "id" or "number * id".
  std::vector<rule_term> read_expression(object_reader& o, std::string_view key) {
    std::vector<rule_term> out;
    const std::string text = o.str(key, true);
    if (!o.get(key, false) || !o.get(key, false)->is_string()) return out;
    const auto trim = [](std::string_view s) {
      while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
      while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
      return s;
    };
    std::string_view rest = text;
    for (std::size_t n = 1;; ++n) {
      const auto plus = rest.find('+');
      const std::string_view part = trim(rest.substr(0, plus));
      rule_term t;
      std::string_view id = part;
      if (const auto star = part.find('*'); star != std::string_view::npos) {
        const std::string_view num = trim(part.substr(0, star));
        id = trim(part.substr(star + 1));
        const auto r = std::from_chars(num.data(), num.data() + num.size(), t.factor);
        if (num.empty() || r.ec != std::errc() || r.ptr != num.data() + num.size() || !std::isfinite(t.factor)) {
          o.fail(o.at(key), "term " + std::to_string(n) + ": " + quote(num) + " is not a number (write \"0.5 * id\")");
          return {};
        }
      }
      if (id.empty() || id.find_first_of(" *") != std::string_view::npos) {
        o.fail(o.at(key), "term " + std::to_string(n) + ": " + quote(part) +
                              " is not an indicator id or \"number * id\" (terms are joined by '+')");
        return {};
      }
      t.indicator = std::string(id);
      out.push_back(std::move(t));
      if (plus == std::string_view::npos) break;
      rest = rest.substr(plus + 1);
    }
    return out;
  }

  validation_rule read_validation_rule(const json& j, const std::string& ptr) {
    validation_rule r;
    object_reader o(diags, j, ptr, {"id", "name", "left", "operator", "right", "per", "period", "importance"});
    if (!o.ok()) return r;
    r.id = o.str("id", true);
    r.name = o.str("name", true);
    r.left = read_expression(o, "left");
    r.right = read_expression(o, "right");
    constexpr std::array all_comparisons{comparison::less_equal, comparison::less,          comparison::equal,
                                         comparison::not_equal,  comparison::greater_equal, comparison::greater};
    if (auto c = o.enumerated("operator", true, all_comparisons)) r.op = *c;
    constexpr std::array all_scopes{rule_scope::member, rule_scope::total};
    if (auto s = o.enumerated("per", false, all_scopes)) r.per = *s;
    if (auto t = o.enumerated("period", false, all_period_types)) r.period = *t;
    constexpr std::array all_importances{importance::high, importance::medium, importance::low};
    if (auto i = o.enumerated("importance", false, all_importances)) r.importance = *i;
    return r;
  }

  reporting_rule read_reporting(const json& j, const std::string& ptr) {
    reporting_rule r;
    object_reader o(diags, j, ptr, {"period", "by", "due_days"});
    if (auto t = o.enumerated("period", true, all_period_types)) r.period = *t;
    o.each("by", true, [&](const json& e, const std::string& q) {
      object_reader bo(diags, e, q, {"dimension", "level"});
      breakdown b;
      b.dimension = bo.str("dimension", true);
      b.level = bo.str("level", false);
      r.by.push_back(std::move(b));
    });
    if (auto n = o.number("due_days", false)) {
      if (*n >= 0 && *n <= 3660 && std::floor(*n) == *n)
        r.due_days = static_cast<std::int32_t>(*n);
      else
        o.fail(o.at("due_days"), "must be a whole number of days from 0 to 3660");
    }
    return r;
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
         "coverage", "breakdown", "formula",     "weight",  "thresholds", "reporting", "min",        "max"});
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
    if (const json* r = o.get("reporting", false)) i.reporting = read_reporting(*r, o.at("reporting"));
    i.min = read_value(o, "min", false, i);
    i.max = read_value(o, "max", false, i);
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
  std::vector<diagnostic> all = std::move(reader.diags.list);
  for (auto& d : check_rules(p, period_known)) {
    const bool shadowed =
        std::any_of(shadows.begin(), shadows.end(), [&](const std::string& s) { return within(d.where, s); });
    if (!shadowed) all.push_back(std::move(d));
  }
  name_root(all);
  if (!all.empty()) throw error(errc::validation_error, std::move(all));
  return p;
}

programme read_programme_file(const std::string& path) { return read_programme(detail::read_text_file(path), path); }

REGIOKPI_END_NAMESPACE
