// regiokpi: the one error type. Every failure carries a stable numeric code (the same numbers the
// C ABI returns) and a message that names the place (file:line:column or JSON pointer) and reason.
//   try { regiokpi::parse_date("2021-02-29"); }
//   catch (const regiokpi::error& e) { e.code() == regiokpi::errc::parse_error; e.what(); }
#pragma once

#include <charconv>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// Stable error codes. Never renumber: the C ABI returns these values (0 is success).
enum class errc : int {
  ok = 0,
  invalid_argument = -1,  ///< a caller passed a value the API does not accept
  parse_error = -2,       ///< input text is malformed (a label, a number, CSV or JSON syntax)
  validation_error = -3,  ///< input is well-formed but breaks a rule of the model
  overflow = -4,          ///< an exact computation would not fit its type
  not_found = -5,         ///< a named thing (indicator, member, file) does not exist
  io_error = -6,          ///< reading or writing a file failed
  cancelled = -7,         ///< the caller asked to stop
  no_answer = -8,         ///< a numerical routine cannot answer (too few points, singular fit)
  internal = -99,         ///< a bug in regiokpi
};

/// A short name for an error code ("parse_error"); "unknown" for values not listed above.
constexpr std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::ok:
      return "ok";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::parse_error:
      return "parse_error";
    case errc::validation_error:
      return "validation_error";
    case errc::overflow:
      return "overflow";
    case errc::not_found:
      return "not_found";
    case errc::io_error:
      return "io_error";
    case errc::cancelled:
      return "cancelled";
    case errc::no_answer:
      return "no_answer";
    case errc::internal:
      return "internal";
  }
  return "unknown";
}

/// One problem in an input: where (file:line:column, or a JSON pointer) and why.
struct diagnostic {
  std::string where;
  std::string reason;
  friend bool operator==(const diagnostic&, const diagnostic&) = default;
};

/// The exception every regiokpi function throws. A batch operation that finds several problems
/// throws one error listing all of them in diagnostics(); what() joins them, one per line.
class REGIOKPI_EXPORT error : public std::runtime_error {
 public:
  error(errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  error(errc code, std::vector<diagnostic> diagnostics)
      : std::runtime_error(join(diagnostics)), code_(code), diagnostics_(std::move(diagnostics)) {}

  [[nodiscard]] errc code() const noexcept { return code_; }
  /// Every problem found, in input order; empty when the error has a single message only.
  [[nodiscard]] const std::vector<diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  static std::string join(const std::vector<diagnostic>& diagnostics) {
    std::string out;
    for (const auto& d : diagnostics) {
      if (!out.empty()) out += '\n';
      out += d.where.empty() ? d.reason : d.where + ": " + d.reason;
    }
    return out;
  }

  errc code_;
  std::vector<diagnostic> diagnostics_;
};

/// A number for a message: the shortest text that reads back to the same double ("7.05", "-1e+300",
/// "inf"), as the writers of every format use; never 17 digits of binary noise or 300 of fixed form.
inline std::string number_text(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, static_cast<std::size_t>(r.ptr - buf));
}

/// Quotes a piece of input for an error message, shortened and with control bytes escaped so
/// that a message stays one readable line whatever the input was.
inline std::string quote(std::string_view text, std::size_t max_chars = 60) {
  std::string out = "\"";
  std::size_t n = 0;
  for (char c : text) {
    if (n++ == max_chars) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

REGIOKPI_END_NAMESPACE
