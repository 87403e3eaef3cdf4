// Private to the JSON writers (report.cpp, quality.cpp): a document written a member at a time in
// exactly the text nlohmann's dump(2) gives for the whole tree, so a large report (tens of MB) is never
// held as one tree of small allocations, and goes to its sink in pieces. Not installed.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "regiokpi/calendar.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

template <class T>
constexpr bool is_optional = false;
template <class T>
constexpr bool is_optional<std::optional<T>> = true;
template <class T>
constexpr bool is_vector = false;
template <class T>
constexpr bool is_vector<std::vector<T>> = true;

/// Open an object or array, add members (key, then a value or a nested open ... close) or elements,
/// close it. Pieces of about `piece_bytes` go to the sink as they fill, the rest at finish().
class json_stream {
 public:
  using json = nlohmann::ordered_json;
  using sink_type = std::function<void(std::string_view)>;

  json_stream(sink_type sink, std::size_t piece_bytes) : sink_(std::move(sink)), piece_(piece_bytes ? piece_bytes : 1) {
    out_.reserve(std::min<std::size_t>(piece_, 64 * 1024));
  }

  void open_object() { open('{'); }
  void open_array() { open('['); }
  void close() {
    const frame f = open_.back();
    open_.pop_back();
    if (f.has_child) {
      out_ += '\n';
      out_.append(2 * open_.size(), ' ');
    }
    out_ += f.closer;
    flush_if_full();
  }

  /// The next member's key (inside an object); its value follows.
  void key(std::string_view k) {
    next_child();
    string_text(k);
    out_ += ": ";
    keyed_ = true;
  }

  /// A whole value: the next element of an array, or the value of the key just given. Written as
  /// dump(2) writes it: strings escaped, a number that is not finite as null, dates as YYYY-MM-DD,
  /// an optional as its value or null, a vector as an array, and any other nlohmann value as its
  /// tree dumped (for the small, rare parts; the many fields go straight to text).
  template <class T>
  void value(const T& v) {
    begin_value();
    put(v);
    flush_if_full();
  }

  template <class T>
  void member(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

  /// Ends the document (a line break, as the report has always ended) and hands over what is left.
  void finish() {
    out_ += '\n';
    sink_(out_);
    out_.clear();
  }

 private:
  void begin_value() {
    if (!keyed_) next_child();
    keyed_ = false;
  }

  template <class T>
  void put(const T& v) {
    if constexpr (std::is_same_v<T, json>) {
      tree_text(v);
    } else if constexpr (std::is_same_v<T, bool>) {
      out_ += v ? "true" : "false";
    } else if constexpr (std::is_same_v<T, std::nullptr_t>) {
      out_ += "null";
    } else if constexpr (std::is_integral_v<T>) {
      char buf[24];
      out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    } else if constexpr (std::is_floating_point_v<T>) {
      number_text(static_cast<double>(v));
    } else if constexpr (std::is_same_v<T, date>) {
      string_text(format_date(v));
    } else if constexpr (is_optional<T>) {
      if (v)
        put(*v);
      else
        out_ += "null";
    } else if constexpr (is_vector<T>) {
      if (v.empty()) {
        out_ += "[]";
        return;
      }
      out_ += '[';
      open_.push_back({']', true});
      for (std::size_t k = 0; k < v.size(); ++k) {
        out_ += k == 0 ? "\n" : ",\n";
        out_.append(2 * open_.size(), ' ');
        put(v[k]);
      }
      open_.pop_back();
      out_ += '\n';
      out_.append(2 * open_.size(), ' ');
      out_ += ']';
    } else {
      static_assert(std::is_convertible_v<const T&, std::string_view>, "a type json_stream cannot write");
      string_text(v);
    }
  }

  /// As nlohmann's serializer: the shortest text that reads back to the same double, through its own
  /// to_chars (so "4000.0", not "4000"), null for NaN and infinities.
  void number_text(double v) {
    if (!std::isfinite(v)) {
      out_ += "null";
      return;
    }
    char buf[64];
    out_.append(buf, nlohmann::detail::to_chars(buf, buf + sizeof buf, v));
  }

  /// A string that needs no escaping is copied; any other goes through nlohmann's own escaping (and
  /// its UTF-8 check, which throws on bytes that are not UTF-8).
  void string_text(std::string_view v) {
    bool plain = true;
    for (const char c : v) {
      const auto b = static_cast<unsigned char>(c);
      plain = plain && b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
    }
    if (plain) {
      out_ += '"';
      out_ += v;
      out_ += '"';
    } else {
      out_ += json(v).dump(-1, ' ', false, json::error_handler_t::strict);
    }
  }

  void tree_text(const json& v) {
    const std::string text = v.dump(2, ' ', false, json::error_handler_t::strict);
    // dump(2) indents from column 0; JSON text has line breaks only between tokens (a string's own
    // are escaped), so indenting after each one places the value at this depth.
    const std::string indent(2 * open_.size(), ' ');
    std::size_t from = 0;
    for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', from)) {
      out_.append(text, from, nl + 1 - from);
      out_ += indent;
      from = nl + 1;
    }
    out_.append(text, from);
  }

  void open(char c) {
    begin_value();
    out_ += c;
    open_.push_back({c == '{' ? '}' : ']', false});
  }
  void next_child() {
    if (open_.empty()) return;
    out_ += open_.back().has_child ? ",\n" : "\n";
    open_.back().has_child = true;
    out_.append(2 * open_.size(), ' ');
  }
  void flush_if_full() {
    if (out_.size() < piece_) return;
    sink_(out_);
    out_.clear();
  }

  sink_type sink_;
  std::size_t piece_;
  std::string out_;
  struct frame {
    char closer;     ///< '}' or ']'
    bool has_child;  ///< whether a member or element was written yet
  };
  std::vector<frame> open_;  ///< the open containers, outermost first
  bool keyed_ = false;
};

}  // namespace detail

struct quality_report;
namespace detail {
/// The data-quality findings as the JSON value quality_to_json() writes (quality.cpp), at the
/// stream's current place: the whole document there, or the report's "data_quality" member.
void write_quality_json(const quality_report& q, json_stream& out);
}  // namespace detail
REGIOKPI_END_NAMESPACE
