// regiokpi: the writers of the report people and tools read: a typed evaluation (evaluate.hpp) written
// as JSON (the contract other tools read, docs/report-format.md), CSV, Markdown, one self-contained
// HTML file with SVG charts or an Excel workbook. Writers only format: every verdict is decided in the evaluation.
//   regiokpi::programme_report r = regiokpi::evaluate_programme(prog, store, {.as_of = parse_date("2022-12-31")});
//   std::string md = regiokpi::report_to_markdown(r);
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "regiokpi/evaluate.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// JSON report (docs/report-format.md, docs/schema/report.schema.json). Missing numbers are null.
REGIOKPI_EXPORT std::string report_to_json(const programme_report& r);

/// The same text as report_to_json(r), handed to `sink` in order in pieces of about `piece_bytes`
/// each (never empty), so that a large report goes to a file or a socket without first being held
/// whole in memory, or as one tree of JSON values. A sink that throws stops the writing; the
/// exception passes through.
REGIOKPI_EXPORT void write_report_json(const programme_report& r, const std::function<void(std::string_view)>& sink,
                                       std::size_t piece_bytes = std::size_t{1} << 20);

/// CSV: one row per indicator with the same scalar fields as the JSON report.
REGIOKPI_EXPORT std::string report_to_csv(const programme_report& r);

/// Markdown: a headline for the programme, then one table per pillar.
REGIOKPI_EXPORT std::string report_to_markdown(const programme_report& r);

/// One self-contained HTML file (no scripts, fonts or images fetched from anywhere) with an SVG
/// chart per indicator, coverage matrices and the funding plan.
REGIOKPI_EXPORT std::string report_to_html(const programme_report& r);

/// An Excel workbook (.xlsx bytes; docs/report-format.md, "Excel workbook"): sheets Summary, Indicators
/// (the CSV report's columns, typed: numbers, dates, status cells in the HTML colours), Series, Funding
/// and, when the report has them, Data quality. Frozen header rows and autofilters. Written with
/// libxlsxwriter through a private temporary file in $TMPDIR (or /tmp), removed before returning; throws
/// error(io_error) when that file cannot be written.
REGIOKPI_EXPORT std::string report_to_xlsx(const programme_report& r);

REGIOKPI_END_NAMESPACE
