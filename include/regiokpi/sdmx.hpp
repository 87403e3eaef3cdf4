// regiokpi: SDMX-CSV 2.0 output (docs/sdmx.md), the layout statistics offices (CBS, Eurostat) exchange
// series in: STRUCTURE,STRUCTURE_ID,ACTION, one column per dimension (INDICATOR first), TIME_PERIOD in
// SDMX's reporting-period forms, OBS_VALUE and OBS_STATUS.
//   regiokpi::aggregate_result r = regiokpi::aggregate(store, q);
//   std::string csv = regiokpi::to_sdmx_csv(r, "CBS:REGIO_JOBS(1.0)");
#pragma once

#include <string>
#include <string_view>

#include "regiokpi/aggregate.hpp"
#include "regiokpi/calendar.hpp"
#include "regiokpi/evaluate.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/store.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// The STRUCTURE_ID an aggregate writes when none is given.
inline constexpr std::string_view sdmx_default_aggregate_dataflow = "REGIOKPI:AGGREGATE(1.0)";

/// The period in SDMX's reporting-period form: "2021" (year), "2021-S1" (half year), "2021-Q3",
/// "2021-M07", "2021-W05" (ISO week), "2021-07-15" (day). A financial year starting in January is
/// the calendar year ("2021"); one starting in another month has no SDMX form without a reporting-year
/// start attribute, so it throws error(invalid_argument).
REGIOKPI_EXPORT std::string sdmx_time_period(const period& p);

/// OBS_STATUS for a measurement status: "A" final, "P" provisional, "E" estimated, "" unspecified.
REGIOKPI_EXPORT std::string_view sdmx_obs_status(measurement_status s) noexcept;

/// Throws error(invalid_argument) unless `dataflow` reads AGENCY:ID(VERSION): agency and id of letters,
/// digits, '_', '-' (the agency also '.'), version of digits separated by '.'.
REGIOKPI_EXPORT void check_sdmx_dataflow(std::string_view dataflow);

/// The aggregate as SDMX-CSV 2.0: STRUCTURE "dataflow", STRUCTURE_ID `dataflow`, ACTION "I", then
/// INDICATOR and the group-by columns (named as in the query), TIME_PERIOD, OBS_VALUE (the shortest
/// form that reads back to the same double, as to_csv) and OBS_STATUS, left empty: an aggregated cell
/// keeps no status. Row order as to_csv. Throws as sdmx_time_period and check_sdmx_dataflow.
REGIOKPI_EXPORT std::string to_sdmx_csv(const aggregate_result& result,
                                        std::string_view dataflow = sdmx_default_aggregate_dataflow);

/// The indicators' series as SDMX-CSV 2.0 (dimensions INDICATOR only), one row per series point in
/// programme order, the period being the report's series period that contains the point. OBS_STATUS
/// is the indicator's actual_status on the point in the actual's period, empty elsewhere. An empty
/// `dataflow` means "REGIOKPI:<programme id>(1.0)".
REGIOKPI_EXPORT std::string report_to_sdmx_csv(const programme_report& r, std::string_view dataflow = {});

REGIOKPI_END_NAMESPACE
