// A translation unit that includes only the umbrella header: every public name is reachable through
// it, and none of the library's private machinery is (tests/umbrella_check.cmake checks the list).
#include "regiokpi/regiokpi.hpp"

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <type_traits>
#include <vector>

// The column memory calls live in src/column.cpp: no public header may pull in <sys/mman.h>.
#if defined(MAP_FAILED) || defined(PROT_READ) || defined(_SYS_MMAN_H)
#error "<sys/mman.h> is reachable from regiokpi/regiokpi.hpp"
#endif
// apportion's wide paths live in src/money.cpp: Boost.Multiprecision is not compiled by users.
#if defined(BOOST_MP_CPP_INT_HPP)
#error "Boost.Multiprecision is reachable from regiokpi/regiokpi.hpp"
#endif

// The inline ABI namespace: regiokpi::x is regiokpi::v0::x, and user code keeps writing regiokpi::x.
static_assert(std::is_same_v<regiokpi::amount, regiokpi::v0::amount>);
static_assert(std::is_same_v<regiokpi::detail::column<int>, regiokpi::v0::detail::column<int>>);
static_assert(std::is_same_v<regiokpi::svg::linear_scale, regiokpi::v0::svg::linear_scale>);

namespace {

TEST(umbrella, reaches_every_layer) {
  // money.hpp: 10.00 split 1:1:1 by largest remainder is 3.34, 3.33, 3.33 (ties to the first).
  const auto total = regiokpi::parse_amount("10.00");
  const std::vector<regiokpi::decimal> w{regiokpi::decimal{1}, regiokpi::decimal{1}, regiokpi::decimal{1}};
  const auto shares = regiokpi::apportion(total, std::span<const regiokpi::decimal>(w));
  ASSERT_EQ(shares.size(), 3U);
  EXPECT_EQ(shares[0].minor_units(), 334);
  EXPECT_EQ(shares[1].minor_units(), 333);
  // store.hpp through the library's compiled append.
  regiokpi::measurement_store store;
  const std::vector<regiokpi::measurement> rows{
      {.indicator = "jobs", .when = regiokpi::parse_date("2021-03-31"), .coordinates = {"emmen"}, .value = 12}};
  store.append({"region"}, rows);
  EXPECT_EQ(store.size(), 1U);
  EXPECT_EQ(store.row(0).indicator, "jobs");
  // version.hpp, evaluate.hpp, report.hpp, progress.hpp, indicator_forecast.hpp: named types exist.
  EXPECT_NE(regiokpi::version(), nullptr);
  [[maybe_unused]] regiokpi::programme_report report;
  [[maybe_unused]] regiokpi::forecast_summary forecast;
  [[maybe_unused]] regiokpi::evaluation_options options;
  EXPECT_NE(&regiokpi::report_to_json, nullptr);
}

}  // namespace
