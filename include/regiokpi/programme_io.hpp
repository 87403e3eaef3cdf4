// regiokpi: reading and writing a programme definition in its JSON format (docs/programme-format.md,
// schema docs/schema/programme.schema.json). Reading validates everything and reports every problem at
// once; writing is canonical, so read -> write -> read gives an equal model and byte-identical text.
//   regiokpi::programme p = regiokpi::read_programme_file("programme.json");   // throws regiokpi::error
//   std::string canonical = regiokpi::write_programme(p);
#pragma once

#include <string>
#include <string_view>

#include "regiokpi/export.hpp"
#include "regiokpi/programme.hpp"

REGIOKPI_BEGIN_NAMESPACE

/// Parses and validates a programme definition. Throws error(parse_error) for JSON syntax (naming
/// line and column) and error(validation_error) listing every rule broken, each with its JSON pointer
/// in diagnostic::where. `source_name` (a file name) prefixes syntax-error locations.
REGIOKPI_EXPORT programme read_programme(std::string_view json_text, std::string_view source_name = {});

/// read_programme() of a file's contents; throws error(io_error) if the file cannot be read.
REGIOKPI_EXPORT programme read_programme_file(const std::string& path);

/// Checks the rules read_programme() checks on a programme built in code; throws
/// error(validation_error) listing every problem, with JSON pointers into its written form.
REGIOKPI_EXPORT void validate_programme(const programme& p);

/// What is valid but worth a second look, each with its JSON pointer: a target already met at the
/// baseline (docs/progress.md, rule 5). `regiokpi validate` prints them on stderr.
REGIOKPI_EXPORT std::vector<diagnostic> programme_warnings(const programme& p);

/// The canonical JSON text of a programme: fixed key order, two-space indent, numbers in their
/// shortest round-trip form, a final newline.
REGIOKPI_EXPORT std::string write_programme(const programme& p);

REGIOKPI_END_NAMESPACE
