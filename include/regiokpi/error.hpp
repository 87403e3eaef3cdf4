// regiokpi: the one error type. Every failure carries a stable numeric code (the same numbers the
// C ABI returns) and a message that names the place (file:line:column or JSON pointer) and reason.
//   try { regiokpi::parse_date("2021-02-29"); }
//   catch (const regiokpi::error& e) { e.code() == regiokpi::errc::parse_error; e.what(); }
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
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

namespace detail {

/// The length of the well-formed UTF-8 sequence (RFC 3629) at p, of `avail` bytes, or 0 if there is
/// none: no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF, no truncated sequence.
constexpr std::size_t utf8_sequence_length(const char* p, std::size_t avail) noexcept {
  const auto b = static_cast<unsigned char>(p[0]);
  if (b < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    if (b == 0xE0) lo = 0xA0;  // E0 80..9F would be overlong
    if (b == 0xED) hi = 0x9F;  // ED A0..BF would be a UTF-16 surrogate
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    if (b == 0xF0) lo = 0x90;  // F0 80..8F would be overlong
    if (b == 0xF4) hi = 0x8F;  // F4 90.. would be above U+10FFFF
  } else {
    return 0;  // a continuation byte, C0/C1 (overlong) or F5..FF
  }
  if (avail < len) return 0;
  const auto b1 = static_cast<unsigned char>(p[1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if ((static_cast<unsigned char>(p[k]) & 0xC0) != 0x80) return 0;
  return len;
}

/// The offset of the first byte that is not part of well-formed UTF-8, or text.size() if all of it
/// is. The one UTF-8 check of every text regiokpi reads (CSV files and the measurements ingest, the
/// C ABI's strings) and of what quote() echoes; ASCII runs are skipped eight bytes at a time.
inline std::size_t first_invalid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    if (n - i >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const std::size_t len = utf8_sequence_length(text.data() + i, n - i);
    if (len == 0) return i;
    i += len;
  }
  return n;
}

/// A byte written for a message: "\\xe9".
inline std::string byte_text(char c) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto b = static_cast<unsigned char>(c);
  return std::string("\\x") + hex[b >> 4] + hex[b & 15];
}

/// The one message for a byte that is not UTF-8: "the byte \\xe9 is not valid UTF-8".
inline std::string invalid_utf8_message(char c) { return "the byte " + byte_text(c) + " is not valid UTF-8"; }

/// Why `text` (named `what`: "indicator", "coordinate 2") is not UTF-8, with the bad byte's 1-based
/// offset ("indicator, byte 5: the byte \xc0 is not valid UTF-8"); empty when it is UTF-8.
inline std::string utf8_problem(std::string_view what, std::string_view text) {
  const std::size_t bad = first_invalid_utf8(text);
  if (bad == text.size()) return {};
  return std::string(what) + ", byte " + std::to_string(bad + 1) + ": " + invalid_utf8_message(text[bad]);
}

}  // namespace detail

/// A number for a message: the shortest text that reads back to the same double ("7.05", "-1e+300",
/// "inf"), as the writers of every format use; never 17 digits of binary noise or 300 of fixed form.
inline std::string number_text(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, static_cast<std::size_t>(r.ptr - buf));
}

/// Quotes a piece of input for an error message, shortened (to max_chars characters, never inside
/// one) and with control bytes and bytes that are not UTF-8 escaped (\\xNN), so that a message stays
/// one readable line of valid text whatever the input was.
inline std::string quote(std::string_view text, std::size_t max_chars = 60) {
  std::string out = "\"";
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (n++ == max_chars) {
      out += "...";
      break;
    }
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += detail::byte_text(c);
    } else if (u >= 0x80) {
      const std::size_t len = detail::utf8_sequence_length(text.data() + i, text.size() - i);
      if (len == 0) {
        out += detail::byte_text(c);
      } else {
        out.append(text.data() + i, len);
        i += len;
        continue;
      }
    } else {
      out += c;
    }
    ++i;
  }
  out += '"';
  return out;
}

REGIOKPI_END_NAMESPACE
