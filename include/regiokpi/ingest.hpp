// regiokpi: reading measurements from CSV into a measurement_store (format: docs/measurements-format.md).
// A batch goes in whole or not at all: any bad row rejects it, with every error listed as
// FILE:LINE:COLUMN: reason (up to max_errors), and the store is left as it was.
//   regiokpi::measurement_store store;
//   regiokpi::ingest_csv_file(store, "measurements.csv", {.source_name = "measurements.csv"});
// Large files are read in reused 1 MiB chunks and parsed by several threads; the library never prints.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "regiokpi/export.hpp"
#include "regiokpi/store.hpp"

REGIOKPI_BEGIN_NAMESPACE

struct programme;

/// How to ingest a batch.
struct ingest_options {
  /// Names the input in messages ("measurements.csv:12:7: ..."); ingest_csv_file defaults it to the path.
  std::string source_name;
  /// When set, indicators and members must exist in it and values must suit the measure kind.
  const regiokpi::programme* programme = nullptr;
  /// At most this many errors are listed; the batch is rejected either way.
  std::size_t max_errors = 100;
  /// Called now and then with bytes done and total, on the calling thread.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  /// When it becomes true, ingest stops with error(cancelled) and leaves the store unchanged.
  std::atomic<bool>* cancel = nullptr;
  /// Parsing threads; 0 picks by input size and hardware.
  unsigned threads = 0;
};

/// What an ingest added.
struct ingest_summary {
  std::size_t rows = 0;
  std::size_t bytes = 0;
};

/// Parses CSV text and appends its rows to the store, all or nothing. Throws error(parse_error) or
/// error(validation_error) with one diagnostic per problem, or error(cancelled).
REGIOKPI_EXPORT ingest_summary ingest_csv(measurement_store& store, std::string_view text,
                                          const ingest_options& options = {});

/// The same for a file, read in chunks; error(io_error) if it cannot be read.
REGIOKPI_EXPORT ingest_summary ingest_csv_file(measurement_store& store, const std::string& path,
                                               const ingest_options& options = {});

REGIOKPI_END_NAMESPACE
