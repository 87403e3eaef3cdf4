// regiokpi: the wide paths of apportion() (include/regiokpi/money.hpp): decimal weights beyond 64
// bits and double weights whose exponents are far apart need 128-bit, 256-bit or arbitrary-precision
// products. Boost.Multiprecision is compiled here once, not in every user's translation unit.
#include <algorithm>
#include <bit>
#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "regiokpi/export.hpp"
#include "regiokpi/money.hpp"

REGIOKPI_BEGIN_NAMESPACE

namespace detail {
namespace {

using big_int = boost::multiprecision::cpp_int;
using uint256 = boost::multiprecision::uint256_t;  // fixed width: no allocation, unlike cpp_int

/// The middle path: weights that fit in 192 bits, so total * weight < 2^255 (and the sum of up to
/// 2^63 of them fits too). Aligned decimal weights always fit (< 2^63 * 10^18 < 2^123).
std::vector<std::int64_t> hamilton_256(std::int64_t total, const std::vector<uint256>& weights) {
  uint256 sum = 0;
  for (const auto& w : weights) sum += w;
  if (sum == 0) throw error(errc::invalid_argument, "apportion: all weights are zero");
  return hamilton<uint256, uint256>(total, std::span<const uint256>(weights), sum);
}

int bit_width_128(uint128 v) noexcept {
  const auto hi = static_cast<std::uint64_t>(v >> 64);
  return hi != 0 ? 64 + static_cast<int>(std::bit_width(hi))
                 : static_cast<int>(std::bit_width(static_cast<std::uint64_t>(v)));
}

/// Weights below 2^128: 128-bit arithmetic when total * weight and the sum fit (judged by the
/// actual bit widths), else the 256-bit path.
std::vector<std::int64_t> hamilton_128(std::int64_t total, const std::vector<uint128>& weights) {
  uint128 widest = 0;
  for (const auto& w : weights) widest = std::max(widest, w);
  const auto magnitude = static_cast<std::uint64_t>(
      total < 0 ? uint128(0) - static_cast<uint128>(static_cast<int128>(total)) : static_cast<uint128>(total));
  const int total_bits = static_cast<int>(std::bit_width(magnitude));
  const int weight_bits = bit_width_128(widest);
  const int count_bits = static_cast<int>(std::bit_width(weights.size()));
  if (total_bits + weight_bits <= 128 && weight_bits + count_bits <= 128) {
    uint128 sum = 0;
    for (const auto& w : weights) sum += w;
    if (sum == 0) throw error(errc::invalid_argument, "apportion: all weights are zero");
    return hamilton<uint128, uint128>(total, std::span<const uint128>(weights), sum);
  }
  std::vector<uint256> wide(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i)
    wide[i] =
        (uint256(static_cast<std::uint64_t>(weights[i] >> 64)) << 64) | uint256(static_cast<std::uint64_t>(weights[i]));
  return hamilton_256(total, wide);
}

std::vector<std::int64_t> hamilton_big(std::int64_t total, const std::vector<big_int>& weights) {
  big_int sum = 0;
  for (const auto& w : weights) sum += w;
  if (sum == 0) throw error(errc::invalid_argument, "apportion: all weights are zero");
  return hamilton<big_int, big_int>(total, std::span<const big_int>(weights), sum);
}

std::vector<amount> to_amounts(const std::vector<std::int64_t>& units, const amount& total) {
  std::vector<amount> out;
  out.reserve(units.size());
  for (auto u : units) out.push_back(amount::from_minor_units(u, total.currency(), total.scale()));
  return out;
}

}  // namespace
}  // namespace detail

/// Splits `total` by exact decimal weights ("0.1" is exactly one tenth): the weights are brought to
/// their largest scale as integers, so the quotas are exact. Same guarantees and errors as above.
std::vector<amount> apportion(const amount& total, std::span<const decimal> weights) {
  detail::check_members(weights.size());
  int scale = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i].is_negative())
      throw error(errc::invalid_argument,
                  "apportion: weight #" + std::to_string(i + 1) + " is negative (" + format_decimal(weights[i]) + ")");
    scale = std::max(scale, weights[i].scale());
  }
  std::vector<std::int64_t> scaled(weights.size());
  bool fits = true;
  for (std::size_t i = 0; i < weights.size() && fits; ++i)
    fits = !__builtin_mul_overflow(weights[i].coefficient(), detail::pow10(scale - weights[i].scale()), &scaled[i]);
  if (fits) return apportion(total, std::span<const std::int64_t>(scaled));
  // Aligned weights are below 2^63 * 10^18 < 2^123: they always fit in 128 bits.
  std::vector<detail::uint128> wide(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i)
    wide[i] = static_cast<detail::uint128>(weights[i].coefficient()) *
              static_cast<detail::uint128>(detail::pow10(scale - weights[i].scale()));
  return detail::to_amounts(detail::hamilton_128(total.minor_units(), wide), total);
}

/// Splits `total` by double weights, each taken at its exact binary value (0.1 is
/// 0.1000000000000000055511151231257827...), never rounded. NaN and infinite weights are errors.
std::vector<amount> apportion(const amount& total, std::span<const double> weights) {
  detail::check_members(weights.size());
  // w = mantissa * 2^exponent exactly, with an odd (or zero) 53-bit mantissa.
  std::vector<std::int64_t> mantissa(weights.size());
  std::vector<int> exponent(weights.size());
  int min_exp = std::numeric_limits<int>::max();
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double w = weights[i];
    if (!std::isfinite(w))
      throw error(errc::invalid_argument, "apportion: weight #" + std::to_string(i + 1) + " is not a finite number");
    if (w < 0) throw error(errc::invalid_argument, "apportion: weight #" + std::to_string(i + 1) + " is negative");
    if (w == 0) continue;
    int e = 0;
    const double f = std::frexp(w, &e);  // w = f * 2^e, 0.5 <= f < 1
    auto m = static_cast<std::int64_t>(std::ldexp(f, 53));
    e -= 53;
    while ((m & 1) == 0) {
      m >>= 1;
      ++e;
    }
    mantissa[i] = m;
    exponent[i] = e;
    min_exp = std::min(min_exp, e);
  }
  if (min_exp == std::numeric_limits<int>::max())
    throw error(errc::invalid_argument, "apportion: all weights are zero");
  // Aligned to the smallest exponent, how many bits does the widest weight need?
  int bits = 0;
  for (std::size_t i = 0; i < weights.size(); ++i)
    if (mantissa[i] != 0)
      bits = std::max(
          bits, exponent[i] - min_exp + static_cast<int>(std::bit_width(static_cast<std::uint64_t>(mantissa[i]))));
  if (bits <= 62) {
    std::vector<std::int64_t> scaled(weights.size());
    for (std::size_t i = 0; i < weights.size(); ++i)
      if (mantissa[i] != 0) scaled[i] = mantissa[i] << (exponent[i] - min_exp);
    return apportion(total, std::span<const std::int64_t>(scaled));
  }
  if (bits <= 127) {
    std::vector<detail::uint128> wide(weights.size());
    for (std::size_t i = 0; i < weights.size(); ++i)
      if (mantissa[i] != 0) wide[i] = static_cast<detail::uint128>(mantissa[i]) << (exponent[i] - min_exp);
    return detail::to_amounts(detail::hamilton_128(total.minor_units(), wide), total);
  }
  if (bits <= 192) {
    std::vector<detail::uint256> wide(weights.size());
    for (std::size_t i = 0; i < weights.size(); ++i)
      if (mantissa[i] != 0) wide[i] = detail::uint256(mantissa[i]) << (exponent[i] - min_exp);
    return detail::to_amounts(detail::hamilton_256(total.minor_units(), wide), total);
  }
  std::vector<detail::big_int> big(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i)
    if (mantissa[i] != 0) big[i] = detail::big_int(mantissa[i]) << (exponent[i] - min_exp);
  return detail::to_amounts(detail::hamilton_big(total.minor_units(), big), total);
}

REGIOKPI_END_NAMESPACE
