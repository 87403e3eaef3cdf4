#include "regiokpi/money.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <type_traits>

using namespace regiokpi;

// Value-type traits: regular, cheap, comparable; an amount is not a number.
static_assert(std::regular<amount> && std::totally_ordered<amount>);
static_assert(std::regular<decimal> && std::totally_ordered<decimal>);
static_assert(std::regular<currency> && std::totally_ordered<currency>);
static_assert(std::is_trivially_copyable_v<amount> && std::is_trivially_copyable_v<decimal>);
static_assert(sizeof(amount) == 16);
static_assert(!std::is_convertible_v<std::int64_t, amount> && !std::is_convertible_v<double, amount>);
static_assert(!std::is_constructible_v<amount, double>);
static_assert(!std::is_convertible_v<std::int64_t, decimal>);
static_assert(amount{}.scale() == 2 && amount{}.currency().code() == "EUR" && amount{}.minor_units() == 0);
static_assert(amount::from_minor_units(1234).minor_units() == 1234);

namespace {

using regiokpi_test::eur;

template <class F>
errc code_of(F&& f) {
  try {
    f();
  } catch (const error& e) {
    return e.code();
  }
  return errc::ok;
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const error& e) {
    return e.what();
  }
  return "no error";
}

std::vector<std::int64_t> units(const std::vector<amount>& v) {
  std::vector<std::int64_t> out;
  for (const auto& a : v) out.push_back(a.minor_units());
  return out;
}

std::vector<std::int64_t> split(std::int64_t total, std::vector<std::int64_t> weights) {
  return apportion_minor_units(total, std::span<const std::int64_t>(weights));
}

using big_rational = boost::multiprecision::cpp_rational;
using big_int = boost::multiprecision::cpp_int;

// Reference Hamilton apportionment, written from the definition with exact rationals and a stable
// sort: floors of the quotas, then one more unit to the largest fractional parts, first listed first.
std::vector<std::int64_t> reference_hamilton(std::int64_t total, const std::vector<big_int>& weights) {
  big_int sum = 0;
  for (const auto& w : weights) sum += w;
  const bool negative = total < 0;
  const big_int t = negative ? -big_int(total) : big_int(total);
  std::vector<big_int> floors;
  std::vector<big_rational> fractions;
  big_int given = 0;
  for (const auto& w : weights) {
    const big_rational q(t * w, sum);
    const big_int f = numerator(q) / denominator(q);
    floors.push_back(f);
    fractions.push_back(q - big_rational(f));
    given += f;
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return fractions[a] > fractions[b]; });
  const auto leftover = static_cast<std::size_t>(t - given);
  for (std::size_t k = 0; k < leftover; ++k) floors[order[k]] += 1;
  std::vector<std::int64_t> out;
  for (const auto& f : floors) out.push_back(negative ? -static_cast<std::int64_t>(f) : static_cast<std::int64_t>(f));
  return out;
}

// The quota property: every share is within one unit of total * w / sum(w).
void expect_within_one_of_quota(std::int64_t total, const std::vector<big_int>& weights,
                                const std::vector<std::int64_t>& shares) {
  big_int sum = 0;
  for (const auto& w : weights) sum += w;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const big_rational quota(big_int(total) * weights[i], sum);
    const big_rational diff = big_rational(shares[i]) - quota;
    ASSERT_LT(abs(diff), 1) << "member " << i;
  }
}

}  // namespace

TEST(Currency, IsThreeCapitalLetters) {
  EXPECT_EQ(currency().code(), "EUR");
  EXPECT_EQ(currency("USD").code(), "USD");
  EXPECT_EQ(code_of([] { currency("eur"); }), errc::invalid_argument);
  EXPECT_EQ(code_of([] { currency("EURO"); }), errc::invalid_argument);
  EXPECT_EQ(message_of([] { currency("E1"); }), "\"E1\" is not a currency code: use three capital letters such as EUR");
}

TEST(Amount, ParsesKeepingTheDecimalsAsWritten) {
  const amount a = parse_amount("10000000");
  EXPECT_EQ(a.minor_units(), 10000000);
  EXPECT_EQ(a.scale(), 0);
  const amount b = parse_amount("10000000.00");
  EXPECT_EQ(b.minor_units(), 1000000000);
  EXPECT_EQ(b.scale(), 2);
  const amount c = parse_amount("-1234.5");
  EXPECT_EQ(c.minor_units(), -12345);
  EXPECT_EQ(c.scale(), 1);
  EXPECT_EQ(parse_amount("+7").minor_units(), 7);
  EXPECT_EQ(parse_amount("0.000000000000000001").scale(), 18);
  EXPECT_EQ(parse_amount("9223372036854775807").minor_units(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_amount("-9223372036854775808").minor_units(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(parse_amount("12.30", currency("USD")).currency().code(), "USD");
}

TEST(Amount, ParseErrorsQuoteTheTextAndSayWhy) {
  EXPECT_EQ(message_of([] { parse_amount(""); }), "\"\" is not an amount: it is empty");
  EXPECT_EQ(message_of([] { parse_amount("1."); }), "\"1.\" is not an amount: a digit must follow the decimal point");
  EXPECT_EQ(message_of([] { parse_amount(".5"); }),
            "\".5\" is not an amount: a digit must come before the decimal point");
  EXPECT_EQ(message_of([] { parse_amount("1.2.3"); }), "\"1.2.3\" is not an amount: it has a second decimal point");
  EXPECT_EQ(message_of([] { parse_amount("-"); }), "\"-\" is not an amount: it has no digits");
  EXPECT_EQ(message_of([] { parse_amount("1,000.00"); }),
            "\"1,000.00\" is not an amount: unexpected character \",\" at position 2 (write digits with an optional "
            "'-' and '.' as the decimal point, e.g. -1234.50)");
  for (const char* bad : {" 1", "1 ", "--1", "1e5", "0x10", "12a", "€5", "nan"})
    EXPECT_EQ(code_of([&] { parse_amount(bad); }), errc::parse_error) << bad;
  EXPECT_EQ(code_of([] { parse_amount("9223372036854775808"); }), errc::overflow);
  EXPECT_EQ(code_of([] { parse_amount("123456789012345678901234567890"); }), errc::overflow);
  EXPECT_EQ(message_of([] { parse_amount("0.1234567890123456789"); }),
            "\"0.1234567890123456789\" is not an amount: it has more than 18 decimals");
}

TEST(Amount, ParsesToARequestedScaleExactly) {
  EXPECT_EQ(parse_amount("12.5", 2), eur(1250));
  EXPECT_EQ(parse_amount("1.230", 2), eur(123));  // a trailing zero loses nothing
  EXPECT_EQ(parse_amount("10000000", 2), eur(1000000000));
  EXPECT_EQ(parse_amount("3", 0), amount::from_minor_units(3, {}, 0));
  EXPECT_EQ(message_of([] { parse_amount("1.234", 2); }),
            "\"1.234\" has more decimals than the 2 allowed here, and dropping them would change the amount");
  EXPECT_EQ(code_of([] { parse_amount("1.234", 2); }), errc::parse_error);
  EXPECT_EQ(code_of([] { parse_amount("99999999999999999", 3); }), errc::overflow);
}

TEST(Amount, FormatsPlainGroupedAndDutch) {
  const amount ten_million = parse_amount("10000000.00");
  EXPECT_EQ(format_amount(ten_million), "10000000.00");
  EXPECT_EQ(format_amount(ten_million, grouped_format), "10,000,000.00");
  EXPECT_EQ(format_amount(ten_million, dutch_format), "10.000.000,00");
  EXPECT_EQ(format_amount(parse_amount("-1234.5"), grouped_format), "-1,234.5");
  EXPECT_EQ(format_amount(parse_amount("-1234.5"), dutch_format), "-1.234,5");
  EXPECT_EQ(format_amount(eur(5)), "0.05");
  EXPECT_EQ(format_amount(eur(-5)), "-0.05");
  EXPECT_EQ(format_amount(eur(0)), "0.00");
  EXPECT_EQ(format_amount(parse_amount("999"), grouped_format), "999");
  EXPECT_EQ(format_amount(parse_amount("1000"), grouped_format), "1,000");
  EXPECT_EQ(format_amount(parse_amount("100000"), grouped_format), "100,000");
  EXPECT_EQ(format_amount(amount::from_minor_units(std::numeric_limits<std::int64_t>::min(), {}, 0), grouped_format),
            "-9,223,372,036,854,775,808");
  EXPECT_EQ(format_amount(amount::from_minor_units(1, {}, 18)), "0.000000000000000001");
  EXPECT_EQ(to_string(ten_million), "10000000.00 EUR");
  // Round trip through text for a spread of values and scales.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const auto v = static_cast<std::int64_t>(rng());
    const int scale = static_cast<int>(rng() % 19);
    const amount a = amount::from_minor_units(v, {}, scale);
    ASSERT_EQ(parse_amount(format_amount(a)), a);
  }
}

TEST(Amount, ArithmeticIsExactAndDetectsOverflow) {
  EXPECT_EQ(eur(150) + eur(275), eur(425));
  EXPECT_EQ(eur(150) - eur(275), eur(-125));
  EXPECT_EQ(-eur(150), eur(-150));
  EXPECT_EQ(eur(150) * 3, eur(450));
  EXPECT_EQ(3 * eur(150), eur(450));
  amount a = eur(100);
  a += eur(1);
  a -= eur(2);
  a *= -2;
  EXPECT_EQ(a, eur(-198));
  const amount max = eur(std::numeric_limits<std::int64_t>::max());
  const amount min = eur(std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(code_of([&] { (void)(max + eur(1)); }), errc::overflow);
  EXPECT_EQ(code_of([&] { (void)(min - eur(1)); }), errc::overflow);
  EXPECT_EQ(code_of([&] { (void)(-min); }), errc::overflow);
  EXPECT_EQ(code_of([&] { (void)(max * 2); }), errc::overflow);
  EXPECT_EQ(code_of([&] { (void)(min * -1); }), errc::overflow);
  EXPECT_EQ(code_of([] { (void)amount::from_units(std::numeric_limits<std::int64_t>::max() / 10); }), errc::overflow);
  EXPECT_EQ(amount::from_units(20'000'000), eur(2'000'000'000));
  EXPECT_EQ(code_of([] { (void)amount::from_minor_units(1, {}, 19); }), errc::invalid_argument);
}

TEST(Amount, MixingCurrenciesOrScalesIsAnError) {
  const amount cents = eur(100);
  const amount whole = amount::from_minor_units(1, {}, 0);
  const amount dollars = amount::from_minor_units(100, currency("USD"));
  EXPECT_EQ(code_of([&] { (void)(cents + whole); }), errc::invalid_argument);
  EXPECT_EQ(code_of([&] { (void)(cents - dollars); }), errc::invalid_argument);
  EXPECT_EQ(code_of([&] { (void)(cents < dollars); }), errc::invalid_argument);
  EXPECT_EQ(message_of([&] { (void)(cents < whole); }),
            "cannot compare 1.00 EUR and 1 EUR: currency and number of decimals must match (rescale first)");
  EXPECT_NE(cents, whole);  // equality is plain: different scale, different value representation
  EXPECT_EQ(cents, whole.rescaled(2));
  EXPECT_LT(eur(-1), eur(0));
  EXPECT_GT(eur(10), eur(9));
}

TEST(Amount, RescalesOnlyWhenNoDigitIsLost) {
  EXPECT_EQ(eur(1250).rescaled(4), amount::from_minor_units(125000, {}, 4));
  EXPECT_EQ(eur(1200).rescaled(0), amount::from_minor_units(12, {}, 0));
  EXPECT_EQ(code_of([] { (void)eur(1250).rescaled(0); }), errc::invalid_argument);
  EXPECT_EQ(code_of([] { (void)eur(std::numeric_limits<std::int64_t>::max()).rescaled(3); }), errc::overflow);
}

TEST(Amount, FractionOfRoundsAsAsked) {
  EXPECT_EQ(fraction_of(eur(100), 1, 3), eur(33));  // 33.33... cents
  EXPECT_EQ(fraction_of(eur(100), 2, 3), eur(67));  // 66.66... cents
  EXPECT_EQ(fraction_of(eur(2000), 1, 2), eur(1000));
  // Exact halves: 0.5 cent, 1.5 cents, 2.5 cents and their negatives.
  EXPECT_EQ(fraction_of(eur(1), 1, 2), eur(0));
  EXPECT_EQ(fraction_of(eur(3), 1, 2), eur(2));
  EXPECT_EQ(fraction_of(eur(5), 1, 2), eur(2));
  EXPECT_EQ(fraction_of(eur(-5), 1, 2), eur(-2));
  EXPECT_EQ(fraction_of(eur(5), 1, 2, rounding::half_away_from_zero), eur(3));
  EXPECT_EQ(fraction_of(eur(-5), 1, 2, rounding::half_away_from_zero), eur(-3));
  EXPECT_EQ(fraction_of(eur(5), 1, 2, rounding::toward_zero), eur(2));
  EXPECT_EQ(fraction_of(eur(-5), 1, 2, rounding::toward_zero), eur(-2));
  EXPECT_EQ(fraction_of(eur(-100), 2, 3, rounding::toward_zero), eur(-66));
  EXPECT_EQ(fraction_of(eur(-100), 2, 3), eur(-67));
  // The product is exact even when it does not fit in 64 bits.
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(fraction_of(eur(big), big, big), eur(big));
  EXPECT_EQ(code_of([&] { (void)fraction_of(eur(big), 2, 1); }), errc::overflow);
  EXPECT_EQ(code_of([] { (void)fraction_of(eur(1), 1, 0); }), errc::invalid_argument);
}

TEST(Decimal, ParsesExactlyAndComparesByValue) {
  const decimal tenth = parse_decimal("0.1");
  EXPECT_EQ(tenth.coefficient(), 1);
  EXPECT_EQ(tenth.scale(), 1);
  EXPECT_EQ(parse_decimal("0.10"), tenth);
  EXPECT_LT(parse_decimal("0.09"), tenth);
  EXPECT_GT(parse_decimal("25390"), parse_decimal("25389.999999999999"));
  EXPECT_EQ(decimal{3}, parse_decimal("3.000"));
  EXPECT_EQ(format_decimal(parse_decimal("0.10")), "0.10");
  EXPECT_EQ(format_decimal(parse_decimal("107192"), grouped_format), "107,192");
  EXPECT_EQ(message_of([] { parse_decimal("1,5"); }),
            "\"1,5\" is not a decimal number: unexpected character \",\" at position 2 (write digits with an optional "
            "'-' and '.' as the decimal point, e.g. -1234.50)");
}

TEST(Apportion, HandComputedSplits) {
  EXPECT_EQ(split(10, {1, 1, 1}), (std::vector<std::int64_t>{4, 3, 3}));  // tie: the first listed
  EXPECT_EQ(split(100, {1, 1, 1, 1, 1, 1, 1}), (std::vector<std::int64_t>{15, 15, 14, 14, 14, 14, 14}));
  // quotas 6, 3.5, 0.5: the tie between 3.5 and 0.5 goes to the member listed first
  EXPECT_EQ(split(10, {12, 7, 1}), (std::vector<std::int64_t>{6, 4, 0}));
  // quotas 1.43, 2.86, 5.71: the two leftover units go to the remainders .86 and .71
  EXPECT_EQ(split(10, {1, 2, 4}), (std::vector<std::int64_t>{1, 3, 6}));
  EXPECT_EQ(split(0, {3, 5}), (std::vector<std::int64_t>{0, 0}));
  EXPECT_EQ(split(7, {0, 2, 0, 1}), (std::vector<std::int64_t>{0, 5, 0, 2}));  // quotas 4.67, 2.33
  EXPECT_EQ(split(12345, {9}), (std::vector<std::int64_t>{12345}));
  EXPECT_EQ(split(-10, {1, 1, 1}), (std::vector<std::int64_t>{-4, -3, -3}));  // the mirror image of 10
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const std::int64_t min = std::numeric_limits<std::int64_t>::min();
  // Products beyond 64 bits (the __int128 path): max * 1 / 2 = 4611686018427387903.5
  EXPECT_EQ(split(max, {1, 1}), (std::vector<std::int64_t>{max / 2 + 1, max / 2}));
  EXPECT_EQ(split(min, {max, max}), (std::vector<std::int64_t>{min / 2, min / 2}));
  EXPECT_EQ(split(3, {max, max, max}), (std::vector<std::int64_t>{1, 1, 1}));
}

TEST(Apportion, AmountsKeepCurrencyAndScale) {
  const amount total = amount::from_minor_units(1000, currency("USD"), 3);
  const auto parts = apportion(total, std::vector<std::int64_t>{1, 2});
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], amount::from_minor_units(333, currency("USD"), 3));
  EXPECT_EQ(parts[1], amount::from_minor_units(667, currency("USD"), 3));
}

TEST(Apportion, BadWeightsAreErrors) {
  EXPECT_EQ(message_of([] { split(10, {}); }), "apportion: there are no members to apportion among");
  EXPECT_EQ(message_of([] { split(10, {1, -2}); }), "apportion: weight #2 is negative (-2)");
  EXPECT_EQ(message_of([] { split(10, {0, 0}); }), "apportion: all weights are zero");
  EXPECT_EQ(code_of([] { split(0, {0}); }), errc::invalid_argument);
  const amount t = eur(100);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(message_of([&] {
              apportion(t, std::vector<double>{1.0, nan});
            }),
            "apportion: weight #2 is not a finite number");
  EXPECT_EQ(code_of([&] { apportion(t, std::vector<double>{inf}); }), errc::invalid_argument);
  EXPECT_EQ(code_of([&] { apportion(t, std::vector<double>{-inf, 1.0}); }), errc::invalid_argument);
  EXPECT_EQ(message_of([&] { apportion(t, std::vector<double>{1.0, -0.5}); }), "apportion: weight #2 is negative");
  EXPECT_EQ(code_of([&] { apportion(t, std::vector<double>{0.0, -0.0}); }), errc::invalid_argument);
  EXPECT_EQ(message_of([&] { apportion(t, std::vector<decimal>{parse_decimal("-0.1")}); }),
            "apportion: weight #1 is negative (-0.1)");
  EXPECT_EQ(code_of([&] { apportion(t, std::vector<decimal>{decimal{0}}); }), errc::invalid_argument);
}

TEST(Apportion, DecimalWeightsAreExact) {
  // One tenth, two tenths, seven tenths of 100: no rounding at all.
  const std::vector<decimal> tenths{parse_decimal("0.1"), parse_decimal("0.2"), parse_decimal("0.7")};
  EXPECT_EQ(units(apportion(parse_amount("100"), tenths)), (std::vector<std::int64_t>{10, 20, 70}));
  // 33.3 and 66.7 cents: the leftover cent goes to the larger remainder .7
  const std::vector<decimal> thirds{parse_decimal("0.333"), parse_decimal("0.667")};
  EXPECT_EQ(units(apportion(eur(100), thirds)), (std::vector<std::int64_t>{33, 67}));
  // Mixed scales are compared exactly: 1.5 and 1.50 are the same weight.
  const std::vector<decimal> mixed{parse_decimal("1.5"), parse_decimal("1.50"), parse_decimal("3")};
  EXPECT_EQ(units(apportion(eur(7), mixed)), (std::vector<std::int64_t>{2, 2, 3}));  // 1.75, 1.75, 3.5
  // Beyond 64 bits at the common scale (9e17 * 10^18): the cpp_int path.
  const std::vector<decimal> wide{parse_decimal("500000000000000000"), parse_decimal("500000000000000000"),
                                  parse_decimal("0.000000000000000001")};
  EXPECT_EQ(units(apportion(eur(1), wide)), (std::vector<std::int64_t>{1, 0, 0}));
  EXPECT_EQ(units(apportion(eur(3), wide)), (std::vector<std::int64_t>{2, 1, 0}));
}

TEST(Apportion, DoubleWeightsAreTakenAtTheirExactBinaryValue) {
  // 0.1, 0.2 and 0.7 are not exactly tenths in binary; every quota is a hair under 10, 20 and 70
  // (0.1 / (0.1 + 0.2 + 0.7) = 0.0999999999999999944...), so all three floors are short and all
  // three get a leftover cent.
  EXPECT_EQ(units(apportion(eur(100), std::vector<double>{0.1, 0.2, 0.7})), (std::vector<std::int64_t>{10, 20, 70}));
  EXPECT_EQ(units(apportion(eur(100), std::vector<double>{1.0, 3.0})), (std::vector<std::int64_t>{25, 75}));
  // 300 orders of magnitude apart: exact big-integer weights, not a rounded ratio.
  EXPECT_EQ(units(apportion(eur(-100), std::vector<double>{1e300, 1e-300, 1.0})),
            (std::vector<std::int64_t>{-100, 0, 0}));
  const double tiny = std::numeric_limits<double>::denorm_min();
  EXPECT_EQ(units(apportion(eur(3), std::vector<double>{tiny, tiny, 2 * tiny})), (std::vector<std::int64_t>{1, 1, 1}));
  // 2^62 and 1 (128-bit path), 2^150 and 1 (256-bit path): quotas a hair under 3, and about 0
  EXPECT_EQ(units(apportion(eur(3), std::vector<double>{std::ldexp(1.0, 150), 1.0})),
            (std::vector<std::int64_t>{3, 0}));
  EXPECT_EQ(units(apportion(eur(3), std::vector<double>{std::ldexp(1.0, 62), 1.0})), (std::vector<std::int64_t>{3, 0}));
}

TEST(Apportion, PublishedSeedSplitAddsUpAndStaysWithinOneEuro) {
  // The Regio Deal ZOD's published municipal contributions add up to 10,000,001 EUR; split
  // 10,000,000.00 EUR by the same proportions. Quotas (cents) = 10^9 * w / 10,000,001:
  // 81886791.81, 81986991.80, 114234688.58, 346231565.38, 195975980.40, 179683982.03; the floors
  // leave 3 cents, which go to the remainders .81, .80 and .58.
  const std::vector<std::int64_t> published{818868, 819870, 1142347, 3462316, 1959760, 1796840};
  EXPECT_EQ(std::accumulate(published.begin(), published.end(), std::int64_t{0}), 10'000'001);
  const auto parts = apportion(parse_amount("10000000.00"), published);
  EXPECT_EQ(units(parts), (std::vector<std::int64_t>{81886792, 81986992, 114234689, 346231565, 195975980, 179683982}));
  amount sum;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    sum += parts[i];
    EXPECT_LE(std::abs(parts[i].minor_units() - published[i] * 100), 100) << "member " << i;
  }
  EXPECT_EQ(sum, parse_amount("10000000.00"));
}

TEST(Apportion, PropertyRandomWeightsMatchTheReferenceAndTheQuota) {
  std::mt19937_64 rng(20190401);
  for (int round = 0; round < 400; ++round) {
    const std::size_t n = 1 + rng() % 40;
    // Three regimes: small weights (the 64-bit path), weights up to 2^62 (__int128), many ties.
    const int regime = round % 3;
    std::vector<std::int64_t> w(n);
    for (auto& x : w) {
      if (regime == 0) x = static_cast<std::int64_t>(rng() % 1000);
      if (regime == 1) x = static_cast<std::int64_t>(rng() >> 2);
      if (regime == 2) x = static_cast<std::int64_t>(rng() % 3);
    }
    if (std::all_of(w.begin(), w.end(), [](std::int64_t x) { return x == 0; })) w[0] = 1;
    auto total = static_cast<std::int64_t>(rng() % 2 ? rng() % 100000 : rng() >> 1);
    if (rng() % 4 == 0) total = -total;
    const auto shares = split(total, w);
    const std::vector<big_int> bw(w.begin(), w.end());
    ASSERT_EQ(shares, reference_hamilton(total, bw)) << "round " << round;
    big_int sum = 0;
    for (auto s : shares) sum += s;
    ASSERT_EQ(sum, big_int(total));
    expect_within_one_of_quota(total, bw, shares);
  }
}

TEST(Apportion, PropertyDecimalAndDoubleWeightsMatchTheReference) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    const std::size_t n = 1 + rng() % 20;
    std::vector<decimal> dw;
    std::vector<double> fw;
    std::vector<big_int> dref;
    std::vector<big_rational> fexact;
    for (std::size_t i = 0; i < n; ++i) {
      const auto scale = static_cast<int>(rng() % 19);
      const auto coefficient = static_cast<std::int64_t>(rng() % 1'000'000'000'000ULL);
      dw.push_back(decimal::from_coefficient(coefficient, scale));
      // w * 10^18 is an integer for every scale up to 18: the reference weight.
      dref.push_back(big_int(coefficient) * boost::multiprecision::pow(big_int(10), static_cast<unsigned>(18 - scale)));
      const double f = std::ldexp(static_cast<double>(rng() % 1000000), static_cast<int>(rng() % 200) - 100);
      fw.push_back(f);
    }
    if (std::all_of(dw.begin(), dw.end(), [](const decimal& d) { return d.is_zero(); })) {
      dw[0] = decimal{1};
      dref[0] = boost::multiprecision::pow(big_int(10), 18);
    }
    if (std::all_of(fw.begin(), fw.end(), [](double d) { return d == 0; })) fw[0] = 1;
    const auto total = static_cast<std::int64_t>(rng() % 10'000'000'000ULL);
    const amount t = eur(total);
    ASSERT_EQ(units(apportion(t, dw)), reference_hamilton(total, dref)) << "round " << round;
    // Double reference: each weight f = m * 2^e; scale all by 2^(100 + 53) into integers.
    std::vector<big_int> fref;
    for (double f : fw) {
      int e = 0;
      const double m = std::frexp(f, &e);
      const auto mi = static_cast<std::int64_t>(std::ldexp(m, 53));
      fref.push_back(big_int(mi) << static_cast<unsigned>(e - 53 + 300));
    }
    ASSERT_EQ(units(apportion(t, fw)), reference_hamilton(total, fref)) << "round " << round;
  }
}

TEST(Apportion, AMillionMembers) {
  const std::size_t n = 1'000'000;
  std::vector<std::int64_t> w(n);
  for (std::size_t i = 0; i < n; ++i) w[i] = static_cast<std::int64_t>(i % 997 + 1);
  const std::int64_t total = 123'456'789'012;
  const auto shares = split(total, w);
  ASSERT_EQ(shares.size(), n);
  EXPECT_EQ(std::accumulate(shares.begin(), shares.end(), std::int64_t{0}), total);
  // Every member with the same weight gets the floor or the floor + 1 of the same quota.
  const std::int64_t sum = std::accumulate(w.begin(), w.end(), std::int64_t{0});
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t q = total * w[i] / sum;  // < 1.3e14: exact in 64 bits
    ASSERT_TRUE(shares[i] == q || shares[i] == q + 1) << i;
  }
}
