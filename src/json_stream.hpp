// Private to the JSON writers (report.cpp, quality.cpp): a document written a member at a time in
// exactly the text nlohmann's dump(2) gives for the whole tree, so a large report (tens of MB) is never
// held as one tree of small allocations, and goes to its sink in pieces. Not installed.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

/// Open an object or array, add members (key, then a value or a nested open ... close) or elements,
/// close it. A value is any nlohmann tree, usually a small one (one indicator), written re-indented to
/// its depth. Pieces of about `piece_bytes` go to the sink as they fill, the rest at finish().
class json_stream {
 public:
  using json = nlohmann::ordered_json;
  using sink_type = std::function<void(std::string_view)>;

  json_stream(const sink_type& sink, std::size_t piece_bytes) : sink_(sink), piece_(piece_bytes ? piece_bytes : 1) {
    out_.reserve(piece_ + 4096);
  }

  void open_object() { open('{'); }
  void open_array() { open('['); }
  void close() {
    const bool had_children = open_.back();
    open_.pop_back();
    if (had_children) {
      out_ += '\n';
      out_.append(2 * open_.size(), ' ');
    }
    out_ += closers_.back();
    closers_.pop_back();
    flush_if_full();
  }

  /// The next member's key (inside an object); its value follows.
  void key(std::string_view k) {
    next_child();
    out_ += json(k).dump(-1, ' ', false, json::error_handler_t::strict);
    out_ += ": ";
    keyed_ = true;
  }

  /// A whole value: the next element of an array, or the value of the key just given.
  void value(const json& v) {
    if (!keyed_) next_child();
    keyed_ = false;
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
    flush_if_full();
  }

  void member(std::string_view k, const json& v) {
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
  void open(char c) {
    if (!keyed_) next_child();
    keyed_ = false;
    out_ += c;
    open_.push_back(false);
    closers_ += c == '{' ? '}' : ']';
  }
  void next_child() {
    if (open_.empty()) return;
    out_ += open_.back() ? ",\n" : "\n";
    open_.back() = true;
    out_.append(2 * open_.size(), ' ');
  }
  void flush_if_full() {
    if (out_.size() < piece_) return;
    sink_(out_);
    out_.clear();
  }

  const sink_type& sink_;
  std::size_t piece_;
  std::string out_;
  std::vector<bool> open_;  ///< per open container: has it a child yet
  std::string closers_;
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
