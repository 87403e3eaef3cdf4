// Shorthands several suites share. They live here, once, so that suites compiled together (the CI
// build's unity test executable, REGIOKPI_UNITY_BUILD) do not define them twice.
#pragma once

#include <cstdint>
#include <string_view>

#include "regiokpi/calendar.hpp"
#include "regiokpi/money.hpp"

namespace regiokpi_test {

/// The date an ISO 8601 text names: d("2021-07-15").
inline regiokpi::date d(std::string_view iso) { return regiokpi::parse_date(iso); }

/// An amount in cents (of the default currency): eur(1050) is 10.50.
inline regiokpi::amount eur(std::int64_t cents) { return regiokpi::amount::from_minor_units(cents); }

}  // namespace regiokpi_test
