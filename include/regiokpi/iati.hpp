// regiokpi: IATI 2.03 results in and out (docs/iati.md). IATI is the open standard in which donors and
// programmes publish their activities and results (Akvo RSR and most donors write it).
//   std::string xml = regiokpi::export_iati(prog, store, {.as_of = parse_date("2022-12-31"),
//                                                         .reporting_org = "NL-KVK-01234567"});
//   regiokpi::iati_import imp = regiokpi::import_iati(xml_text, "activities.xml");
//   // imp.programme_json and imp.measurements_csv are what `validate` and `report` read.
// The export writes one iati-activity for the programme: its results and indicators with baselines,
// a period per reporting period up to the as-of date with the actual (total, and per member of the
// indicator's breakdowns: location references for hierarchy members, dimension for categories), and
// the periods of the targets and milestones, each with its target. The import reads the results part
// of an iati-activity back; whatever it cannot carry is listed, with its XPath, never dropped silently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/store.hpp"

REGIOKPI_BEGIN_NAMESPACE

struct programme;

/// The namespace of the elements the export adds for what IATI has no field for (an indicator's id, kind,
/// unit and direction; the programme's id), where IATI allows elements of other namespaces.
inline constexpr std::string_view iati_extension_namespace = "urn:x-regiokpi:iati:1";

struct iati_export_options {
  date as_of;                      ///< actuals of the reporting periods that end on or before this day
  std::string reporting_org;       ///< the publisher's IATI organisation identifier; the activity is REF-<programme id>
  std::string reporting_org_name;  ///< its name; empty: the identifier
  /// IATI OrganisationType code of the reporting organisation (10 government, 15 other public sector ...).
  std::string reporting_org_type = "10";
  /// The reporting period when an indicator has no reporting rule of its own (docs/iati.md).
  period_type period = period_type::quarter;
  std::optional<date> as_recorded_on;  ///< only rows recorded on or before this day count
};

/// The programme and its measurements as an `iati-activities` document, version 2.03, valid against
/// the official activity schema. Throws error(invalid_argument) for an empty reporting_org, or a
/// programme id that yields an identifier with spaces or control characters.
REGIOKPI_EXPORT std::string export_iati(const programme& prog, const measurement_store& store,
                                        const iati_export_options& options);

/// What import_iati() read.
struct iati_import {
  std::string activity;          ///< the iati-identifier of the activity read
  std::string programme_json;    ///< a programme definition (docs/programme-format.md)
  std::string measurements_csv;  ///< its measurements, with a period_start column (docs/measurements-format.md)
  /// What the programme and the measurements cannot carry, one entry each: where = its XPath
  /// (/iati-activities/iati-activity[1]/result[2]/indicator[1]/period[3]/actual[1]/@value), reason = why.
  std::vector<diagnostic> not_carried;
};

/// Reads the results of one iati-activity (the only one, or the one whose iati-identifier is `activity`).
/// Throws error(parse_error) naming source:line:column for XML that is not well formed (no DTD, entity
/// or network access: the parser resolves nothing outside the text), and error(invalid_argument) when
/// the document holds several activities and `activity` is empty or names none of them (the message
/// lists their identifiers), or an element the programme needs is missing (its XPath).
REGIOKPI_EXPORT iati_import import_iati(std::string_view xml, std::string_view source_name = {},
                                        std::string_view activity = {});

REGIOKPI_END_NAMESPACE
