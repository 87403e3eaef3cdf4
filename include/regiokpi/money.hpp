// regiokpi: exact money. An amount is an integer number of minor units with a currency and a scale
// (EUR cents by default); arithmetic detects overflow; apportion() splits a total by weights with
// the largest-remainder (Hamilton) method so that the shares always add up to the total exactly.
//   auto total = regiokpi::parse_amount("10000000.00");                  // 10,000,000.00 EUR
//   auto shares = regiokpi::apportion(total, std::vector<std::int64_t>{25390, 107192, 55586});
//   regiokpi::format_amount(shares[0], regiokpi::dutch_format);           // "1.345...."
// Never binary floating point for money: products and quotas are exact integers (__int128 in the
// common case; a fixed 256-bit integer or Boost.Multiprecision cpp_int when they do not fit, in the
// library's src/money.cpp, so that no user's translation unit compiles the multiprecision code).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE

namespace detail {

__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

inline constexpr int max_decimal_scale = 18;  // 10^18 is the largest power of ten in an int64

constexpr std::int64_t pow10(int n) noexcept {
  std::int64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

inline std::string to_string(int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  uint128 u = negative ? uint128(0) - static_cast<uint128>(v) : static_cast<uint128>(v);
  std::string s;
  while (u != 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (negative) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}

/// The digits of a decimal number as written: sign, coefficient and number of decimals.
struct parsed_decimal {
  std::int64_t coefficient = 0;
  int scale = 0;
};

/// Parses [+-]digits[.digits] exactly; `what` names the kind of number for the message.
inline parsed_decimal parse_decimal_text(std::string_view text, std::string_view what) {
  auto fail = [&](const std::string& why) {
    throw error(errc::parse_error, quote(text) + " is not " + std::string(what) + ": " + why);
  };
  if (text.empty()) fail("it is empty");
  std::size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  uint128 magnitude = 0;
  int scale = 0;
  std::size_t int_digits = 0;
  std::size_t frac_digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (seen_point) fail("it has a second decimal point");
      if (int_digits == 0) fail("a digit must come before the decimal point");
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') {
      fail("unexpected character " + quote(std::string_view(&text[i], 1)) + " at position " + std::to_string(i + 1) +
           " (write digits with an optional '-' and '.' as the decimal point, e.g. -1234.50)");
    }
    (seen_point ? frac_digits : int_digits) += 1;
    if (seen_point && frac_digits > static_cast<std::size_t>(max_decimal_scale))
      fail("it has more than " + std::to_string(max_decimal_scale) + " decimals");
    magnitude = magnitude * 10 + static_cast<uint128>(c - '0');
    if (magnitude > static_cast<uint128>(std::numeric_limits<std::int64_t>::max()) + 1)
      throw error(errc::overflow, quote(text) + " is too large: at most 18 significant digits fit");
  }
  if (int_digits == 0) fail("it has no digits");
  if (seen_point && frac_digits == 0) fail("a digit must follow the decimal point");
  scale = static_cast<int>(frac_digits);
  const int128 signed_value = negative ? -static_cast<int128>(magnitude) : static_cast<int128>(magnitude);
  if (signed_value > std::numeric_limits<std::int64_t>::max() ||
      signed_value < std::numeric_limits<std::int64_t>::min())
    throw error(errc::overflow, quote(text) + " is too large: at most 18 significant digits fit");
  return {static_cast<std::int64_t>(signed_value), scale};
}

/// Inserts `separator` between groups of three digits of a run of ASCII digits.
inline std::string group_thousands(std::string_view digits, char separator) {
  if (separator == '\0' || digits.size() <= 3) return std::string(digits);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  const std::size_t lead = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  out.append(digits.substr(0, lead));
  for (std::size_t i = lead; i < digits.size(); i += 3) {
    out.push_back(separator);
    out.append(digits.substr(i, 3));
  }
  return out;
}

/// Formats coefficient / 10^scale with the given decimal point and thousands separator.
inline std::string format_scaled(std::int64_t coefficient, int scale, char decimal_point, char separator) {
  const bool negative = coefficient < 0;
  const uint128 magnitude = negative ? uint128(0) - static_cast<uint128>(static_cast<int128>(coefficient))
                                     : static_cast<uint128>(coefficient);
  std::string digits = to_string(static_cast<int128>(magnitude));
  if (digits.size() <= static_cast<std::size_t>(scale))
    digits.insert(0, static_cast<std::size_t>(scale) + 1 - digits.size(), '0');
  const std::size_t int_len = digits.size() - static_cast<std::size_t>(scale);
  std::string out = negative ? "-" : "";
  out += group_thousands(std::string_view(digits).substr(0, int_len), separator);
  if (scale > 0) {
    out.push_back(decimal_point);
    out.append(digits, int_len, std::string::npos);
  }
  return out;
}

}  // namespace detail

/// An ISO 4217-style currency code: three upper-case ASCII letters, EUR by default.
class currency {
 public:
  constexpr currency() noexcept = default;
  /// Throws error(invalid_argument) unless `code` is three upper-case letters A-Z.
  constexpr explicit currency(std::string_view code) {
    if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
      throw error(errc::invalid_argument,
                  quote(code) + " is not a currency code: use three capital letters such as EUR");
    code_ = {code[0], code[1], code[2]};
  }
  [[nodiscard]] constexpr std::string_view code() const noexcept { return {code_.data(), code_.size()}; }
  friend constexpr auto operator<=>(const currency&, const currency&) = default;

 private:
  std::array<char, 3> code_{'E', 'U', 'R'};
};

/// How a non-exact quotient is rounded to a whole number of minor units.
enum class rounding : std::uint8_t {
  half_even,            ///< to nearest; exact halves to the even neighbour (banker's rounding, the default)
  half_away_from_zero,  ///< to nearest; exact halves away from zero (commercial rounding)
  toward_zero,          ///< truncate
};

namespace detail {

/// n / d rounded by `mode`, for d > 0.
inline int128 divide_rounded(int128 n, int128 d, rounding mode) {
  int128 q = n / d;
  int128 r = n % d;
  if (r < 0) {  // make it floor division with 0 <= r < d
    q -= 1;
    r += d;
  }
  if (r == 0) return q;
  switch (mode) {
    case rounding::half_even:
      if (2 * r > d || (2 * r == d && q % 2 != 0)) return q + 1;
      return q;
    case rounding::half_away_from_zero:
      // floor already moved a negative exact half away from zero
      if (2 * r > d || (2 * r == d && n > 0)) return q + 1;
      return q;
    case rounding::toward_zero:
      return n < 0 ? q + 1 : q;
  }
  return q;
}

}  // namespace detail

/// An exact amount of money: an integer number of minor units (minor_units / 10^scale currency
/// units). Comparing (<, <=>) or adding amounts of different currency or scale throws
/// error(invalid_argument); == is plain equality of all three parts. Overflow throws error(overflow).
class amount {
 public:
  static constexpr int max_scale = detail::max_decimal_scale;

  /// Zero EUR with two decimals.
  constexpr amount() noexcept = default;

  /// minor_units / 10^scale units of `cur`; throws error(invalid_argument) for a scale outside 0..18.
  static constexpr amount from_minor_units(std::int64_t minor_units, regiokpi::currency cur = {}, int scale = 2) {
    check_scale(scale);
    amount a;
    a.minor_ = minor_units;
    a.currency_ = cur;
    a.scale_ = static_cast<std::uint8_t>(scale);
    return a;
  }

  /// A whole number of units (20'000'000 EUR); throws error(overflow) if it does not fit.
  static constexpr amount from_units(std::int64_t units, regiokpi::currency cur = {}, int scale = 2) {
    check_scale(scale);
    std::int64_t minor = 0;
    if (__builtin_mul_overflow(units, detail::pow10(scale), &minor))
      throw error(errc::overflow, std::to_string(units) + " " + std::string(cur.code()) + " does not fit in " +
                                      std::to_string(scale) + "-decimal minor units");
    return from_minor_units(minor, cur, scale);
  }

  [[nodiscard]] constexpr std::int64_t minor_units() const noexcept { return minor_; }
  [[nodiscard]] constexpr regiokpi::currency currency() const noexcept { return currency_; }
  [[nodiscard]] constexpr int scale() const noexcept { return scale_; }
  [[nodiscard]] constexpr bool is_zero() const noexcept { return minor_ == 0; }
  [[nodiscard]] constexpr bool is_negative() const noexcept { return minor_ < 0; }

  /// The same value with another number of decimals; throws error(invalid_argument) if that would
  /// drop non-zero digits (use fraction_of to round), error(overflow) if it does not fit.
  [[nodiscard]] amount rescaled(int new_scale) const {
    check_scale(new_scale);
    if (new_scale >= scale_) {
      std::int64_t minor = 0;
      if (__builtin_mul_overflow(minor_, detail::pow10(new_scale - scale_), &minor))
        throw error(errc::overflow, to_text() + " does not fit with " + std::to_string(new_scale) + " decimals");
      return from_minor_units(minor, currency_, new_scale);
    }
    const std::int64_t divisor = detail::pow10(scale_ - new_scale);
    if (minor_ % divisor != 0)
      throw error(errc::invalid_argument, to_text() + " cannot be written with " + std::to_string(new_scale) +
                                              " decimals without losing digits");
    return from_minor_units(minor_ / divisor, currency_, new_scale);
  }

  friend constexpr bool operator==(const amount&, const amount&) = default;
  friend std::strong_ordering operator<=>(const amount& a, const amount& b) {
    check_same(a, b, "compare");
    return a.minor_ <=> b.minor_;
  }

  friend amount operator+(const amount& a, const amount& b) {
    check_same(a, b, "add");
    std::int64_t r = 0;
    if (__builtin_add_overflow(a.minor_, b.minor_, &r))
      throw error(errc::overflow, a.to_text() + " + " + b.to_text() + " overflows");
    return from_minor_units(r, a.currency_, a.scale_);
  }
  friend amount operator-(const amount& a, const amount& b) {
    check_same(a, b, "subtract");
    std::int64_t r = 0;
    if (__builtin_sub_overflow(a.minor_, b.minor_, &r))
      throw error(errc::overflow, a.to_text() + " - " + b.to_text() + " overflows");
    return from_minor_units(r, a.currency_, a.scale_);
  }
  friend amount operator-(const amount& a) {
    std::int64_t r = 0;
    if (__builtin_sub_overflow(std::int64_t{0}, a.minor_, &r))
      throw error(errc::overflow, "-(" + a.to_text() + ") overflows");
    return from_minor_units(r, a.currency_, a.scale_);
  }
  friend amount operator*(const amount& a, std::int64_t k) {
    std::int64_t r = 0;
    if (__builtin_mul_overflow(a.minor_, k, &r))
      throw error(errc::overflow, a.to_text() + " * " + std::to_string(k) + " overflows");
    return from_minor_units(r, a.currency_, a.scale_);
  }
  friend amount operator*(std::int64_t k, const amount& a) { return a * k; }
  amount& operator+=(const amount& b) { return *this = *this + b; }
  amount& operator-=(const amount& b) { return *this = *this - b; }
  amount& operator*=(std::int64_t k) { return *this = *this * k; }

  /// "10000000.00 EUR": plain digits, '.' as the decimal point, then the currency code.
  [[nodiscard]] std::string to_text() const {
    return detail::format_scaled(minor_, scale_, '.', '\0') + " " + std::string(currency_.code());
  }
  friend std::ostream& operator<<(std::ostream& os, const amount& a) { return os << a.to_text(); }

 private:
  static constexpr void check_scale(int scale) {
    if (scale < 0 || scale > max_scale)
      throw error(errc::invalid_argument, "a scale of " + std::to_string(scale) +
                                              " decimals is out of range: use 0 to " + std::to_string(max_scale));
  }
  static void check_same(const amount& a, const amount& b, const char* verb) {
    if (a.currency_ != b.currency_ || a.scale_ != b.scale_)
      throw error(errc::invalid_argument, std::string("cannot ") + verb + " " + a.to_text() + " and " + b.to_text() +
                                              ": currency and number of decimals must match (rescale first)");
  }

  std::int64_t minor_ = 0;
  regiokpi::currency currency_{};
  std::uint8_t scale_ = 2;
};

/// `a` times numerator/denominator, rounded to a whole minor unit by `mode` (half-even by default).
/// Throws error(invalid_argument) for a denominator <= 0, error(overflow) if the result does not fit.
inline amount fraction_of(const amount& a, std::int64_t numerator, std::int64_t denominator,
                          rounding mode = rounding::half_even) {
  if (denominator <= 0)
    throw error(errc::invalid_argument, "the fraction " + std::to_string(numerator) + "/" +
                                            std::to_string(denominator) + " needs a positive denominator");
  const detail::int128 product = static_cast<detail::int128>(a.minor_units()) * numerator;  // exact: < 2^126
  const detail::int128 q = detail::divide_rounded(product, denominator, mode);
  if (q > std::numeric_limits<std::int64_t>::max() || q < std::numeric_limits<std::int64_t>::min())
    throw error(errc::overflow,
                std::to_string(numerator) + "/" + std::to_string(denominator) + " of " + a.to_text() + " overflows");
  return amount::from_minor_units(static_cast<std::int64_t>(q), a.currency(), a.scale());
}

/// Separators for formatting: plain_format "10000000.00", grouped_format "10,000,000.00",
/// dutch_format "10.000.000,00". thousands_separator '\0' means no grouping.
struct number_format {
  char decimal_point = '.';
  char thousands_separator = '\0';
};
inline constexpr number_format plain_format{'.', '\0'};
inline constexpr number_format grouped_format{'.', ','};
inline constexpr number_format dutch_format{',', '.'};

/// The number of an amount, without the currency code: "-1234.50", "10,000,000.00", "10.000.000,00".
inline std::string format_amount(const amount& a, number_format f = plain_format) {
  return detail::format_scaled(a.minor_units(), a.scale(), f.decimal_point, f.thousands_separator);
}

/// "10000000.00 EUR".
inline std::string to_string(const amount& a) { return a.to_text(); }

/// Parses "10000000", "10000000.00", "-1234.5" ('.' as the decimal point, no separators), keeping
/// the number of decimals as written (0 to 18). Throws error(parse_error) quoting the text.
inline amount parse_amount(std::string_view text, currency cur = {}) {
  const auto d = detail::parse_decimal_text(text, "an amount");
  return amount::from_minor_units(d.coefficient, cur, d.scale);
}

/// Parses an amount and converts it exactly to `scale` decimals ("12.5" -> 12.50 at scale 2);
/// throws error(parse_error) if the text has non-zero digits beyond `scale` ("1.234" at scale 2).
inline amount parse_amount(std::string_view text, int scale, currency cur = {}) {
  const amount a = parse_amount(text, cur);
  try {
    return a.rescaled(scale);
  } catch (const error& e) {
    if (e.code() == errc::invalid_argument)
      throw error(errc::parse_error, quote(text) + " has more decimals than the " + std::to_string(scale) +
                                         " allowed here, and dropping them would change the amount");
    throw;
  }
}

/// An exact non-negative or negative decimal number (coefficient / 10^scale), e.g. a weight parsed
/// from text: "0.1" is exactly one tenth. Compares by value (0.10 == 0.1).
class decimal {
 public:
  constexpr decimal() noexcept = default;
  /// An integer.
  constexpr explicit decimal(std::int64_t integer) noexcept : coefficient_(integer) {}
  /// coefficient / 10^scale; throws error(invalid_argument) for a scale outside 0..18.
  static constexpr decimal from_coefficient(std::int64_t coefficient, int scale) {
    if (scale < 0 || scale > detail::max_decimal_scale)
      throw error(errc::invalid_argument, "a decimal scale of " + std::to_string(scale) + " is out of range 0..18");
    decimal d;
    d.coefficient_ = coefficient;
    d.scale_ = static_cast<std::uint8_t>(scale);
    return d;
  }
  [[nodiscard]] constexpr std::int64_t coefficient() const noexcept { return coefficient_; }
  [[nodiscard]] constexpr int scale() const noexcept { return scale_; }
  [[nodiscard]] constexpr bool is_zero() const noexcept { return coefficient_ == 0; }
  [[nodiscard]] constexpr bool is_negative() const noexcept { return coefficient_ < 0; }

  friend constexpr bool operator==(const decimal& a, const decimal& b) noexcept { return (a <=> b) == 0; }
  friend constexpr std::strong_ordering operator<=>(const decimal& a, const decimal& b) noexcept {
    // Both sides at the larger scale: |coefficient| * 10^18 < 2^127, so the comparison is exact.
    const int s = std::max(a.scale_, b.scale_);
    const detail::int128 x = static_cast<detail::int128>(a.coefficient_) * detail::pow10(s - a.scale_);
    const detail::int128 y = static_cast<detail::int128>(b.coefficient_) * detail::pow10(s - b.scale_);
    return x < y ? std::strong_ordering::less : (y < x ? std::strong_ordering::greater : std::strong_ordering::equal);
  }
  friend std::ostream& operator<<(std::ostream& os, const decimal& d) {
    return os << detail::format_scaled(d.coefficient_, d.scale_, '.', '\0');
  }

 private:
  std::int64_t coefficient_ = 0;
  std::uint8_t scale_ = 0;
};

/// Parses "12", "0.1", "-3.25" exactly (up to 18 significant digits and 18 decimals); throws
/// error(parse_error) quoting the text, error(overflow) when it has too many digits.
inline decimal parse_decimal(std::string_view text) {
  const auto d = detail::parse_decimal_text(text, "a decimal number");
  return decimal::from_coefficient(d.coefficient, d.scale);
}

/// The decimal as written: coefficient with `scale` decimals ("0.10"), optionally grouped.
inline std::string format_decimal(const decimal& d, number_format f = plain_format) {
  return detail::format_scaled(d.coefficient(), d.scale(), f.decimal_point, f.thousands_separator);
}

namespace detail {

/// Largest-remainder shares of `total` minor units by non-negative integer weights summing to
/// `sum` > 0. Wide holds total * weight exactly. Every share is floor(quota) or floor(quota) + 1;
/// the leftover units go to the largest remainders, ties to the member listed first. A negative
/// total is split as its magnitude and negated, so the rule is symmetric.
template <class Wide, class Weight>
std::vector<std::int64_t> hamilton(std::int64_t total, std::span<const Weight> weights, const Wide& sum) {
  const bool negative = total < 0;
  const uint128 magnitude =
      negative ? uint128(0) - static_cast<uint128>(static_cast<int128>(total)) : static_cast<uint128>(total);
  const Wide t = static_cast<Wide>(static_cast<std::uint64_t>(magnitude));  // |total| <= 2^63
  const std::size_t n = weights.size();
  std::vector<std::int64_t> shares(n);
  std::vector<Wide> remainders(n);
  uint128 given = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Wide product = t * static_cast<Wide>(weights[i]);
    const Wide q = product / sum;
    remainders[i] = product - q * sum;
    const auto uq = static_cast<uint128>(static_cast<std::uint64_t>(q));  // q <= |total| <= 2^63
    given += uq;
    shares[i] = negative ? static_cast<std::int64_t>(uint128(0) - uq) : static_cast<std::int64_t>(uq);
  }
  const auto leftover = static_cast<std::size_t>(magnitude - given);  // < n: each floor lost less than one
  if (leftover == 0) return shares;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto before = [&](std::size_t a, std::size_t b) {
    return remainders[a] > remainders[b] || (remainders[a] == remainders[b] && a < b);
  };
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(leftover - 1), order.end(), before);
  for (std::size_t k = 0; k < leftover; ++k) shares[order[k]] += negative ? -1 : 1;
  return shares;
}

inline void check_members(std::size_t n) {
  if (n == 0) throw error(errc::invalid_argument, "apportion: there are no members to apportion among");
}

}  // namespace detail

/// Splits `total` minor units by non-negative integer weights: largest remainder (Hamilton), the
/// shares add up to `total` exactly, each is within one unit of its exact quota total * w / sum(w),
/// ties go to the member listed first. Throws error(invalid_argument) for no members, a negative
/// weight, or weights that are all zero.
inline std::vector<std::int64_t> apportion_minor_units(std::int64_t total, std::span<const std::int64_t> weights) {
  detail::check_members(weights.size());
  detail::uint128 sum = 0;
  std::int64_t max_weight = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] < 0)
      throw error(errc::invalid_argument,
                  "apportion: weight #" + std::to_string(i + 1) + " is negative (" + std::to_string(weights[i]) + ")");
    sum += static_cast<detail::uint128>(weights[i]);
    max_weight = std::max(max_weight, weights[i]);
  }
  if (sum == 0) throw error(errc::invalid_argument, "apportion: all weights are zero");
  const detail::uint128 magnitude =
      total < 0 ? detail::uint128(0) - static_cast<detail::uint128>(static_cast<detail::int128>(total))
                : static_cast<detail::uint128>(total);
  // Fast path: every product total * weight and the sum fit in 64 bits (the usual case: euros in
  // cents times populations), so the loop is one 64-bit multiply and divide per member.
  constexpr auto u64max = std::numeric_limits<std::uint64_t>::max();
  if (sum <= u64max && magnitude * static_cast<detail::uint128>(max_weight) <= u64max)
    return detail::hamilton<std::uint64_t, std::int64_t>(total, weights, static_cast<std::uint64_t>(sum));
  // Otherwise 128 bits always suffice: total * weight < 2^63 * 2^63 = 2^126.
  return detail::hamilton<detail::uint128, std::int64_t>(total, weights, sum);
}

/// apportion_minor_units on an amount: the shares keep the total's currency and scale.
inline std::vector<amount> apportion(const amount& total, std::span<const std::int64_t> weights) {
  const auto units = apportion_minor_units(total.minor_units(), weights);
  std::vector<amount> out;
  out.reserve(units.size());
  for (auto u : units) out.push_back(amount::from_minor_units(u, total.currency(), total.scale()));
  return out;
}

/// Splits `total` by exact decimal weights ("0.1" is exactly one tenth): the weights are brought to
/// their largest scale as integers, so the quotas are exact. Same guarantees and errors as above.
/// (Compiled in the library: weights beyond 64 bits take a 128- or 256-bit path.)
REGIOKPI_EXPORT std::vector<amount> apportion(const amount& total, std::span<const decimal> weights);

/// Splits `total` by double weights, each taken at its exact binary value (0.1 is
/// 0.1000000000000000055511151231257827...), never rounded. NaN and infinite weights are errors.
/// (Compiled in the library: widely spread exponents take a multiprecision path.)
REGIOKPI_EXPORT std::vector<amount> apportion(const amount& total, std::span<const double> weights);

REGIOKPI_END_NAMESPACE
