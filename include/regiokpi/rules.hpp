// regiokpi: the rules that combine measurements, shared by the programme model (an indicator's own
// rules) and the aggregation engine (a query's rules). DHIS2's order: first the time rule combines one
// series' values inside a period, then the space rule combines those results across members.
//   auto t = regiokpi::parse_time_rule("last");   // time_rule::last
//   auto s = regiokpi::parse_space_rule("sum");   // space_rule::sum
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// How the values of one series combine into one value per period: sum for flows, last for stocks.
/// All but `last` use the series' values inside the period only. `last` is the series' latest value
/// on or before the period's last day (DHIS2's LAST): a stock carries forward through periods without
/// a report; `last_in_period` is the latest value inside the period (DHIS2's LAST_IN_PERIOD).
/// first/last go by date; on equal dates, by input order (last: the later row wins).
/// (Appended values only: the C ABI numbers them.)
enum class time_rule : std::uint8_t { sum, avg, min, max, count, first, last, last_in_period };

/// How per-member results combine across the members not grouped by. weighted_avg weights each member
/// by an attribute (population, households); coverage counts the members meeting a threshold (or
/// their share). Both need a programme that defines the members and their attributes.
enum class space_rule : std::uint8_t { sum, avg, min, max, count, weighted_avg, coverage };

constexpr std::string_view to_string(time_rule r) noexcept {
  constexpr std::array<std::string_view, 8> names{"sum",   "avg",   "min",  "max",
                                                  "count", "first", "last", "last_in_period"};
  return names[static_cast<std::size_t>(r)];
}

constexpr std::string_view to_string(space_rule r) noexcept {
  constexpr std::array<std::string_view, 7> names{"sum", "avg", "min", "max", "count", "weighted_avg", "coverage"};
  return names[static_cast<std::size_t>(r)];
}

/// Parses a time rule by its to_string() name (or "average"/"mean" for avg); throws error(parse_error).
inline time_rule parse_time_rule(std::string_view name) {
  for (std::size_t i = 0; i < 8; ++i)
    if (to_string(static_cast<time_rule>(i)) == name) return static_cast<time_rule>(i);
  if (name == "average" || name == "mean") return time_rule::avg;
  throw error(errc::parse_error,
              quote(name) + " is not a time rule: use sum, avg, min, max, count, first, last or last_in_period");
}

/// Parses a space rule by its to_string() name (or "average"/"mean" for avg, "weighted_average" for
/// weighted_avg); throws error(parse_error).
inline space_rule parse_space_rule(std::string_view name) {
  for (std::size_t i = 0; i < 7; ++i)
    if (to_string(static_cast<space_rule>(i)) == name) return static_cast<space_rule>(i);
  if (name == "average" || name == "mean") return space_rule::avg;
  if (name == "weighted_average") return space_rule::weighted_avg;
  throw error(errc::parse_error,
              quote(name) + " is not a space rule: use sum, avg, min, max, count, weighted_avg or coverage");
}

REGIOKPI_END_NAMESPACE
