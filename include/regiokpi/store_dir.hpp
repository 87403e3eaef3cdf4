// regiokpi: a store directory, measurements kept between runs (layout: docs/store.md). Each import
// appends one batch, all or nothing, as Arrow IPC files that any Arrow reader opens; a JSON manifest
// lists the batches and is replaced atomically, so readers see the old or the new state, never a mix.
//   regiokpi::store_import_csv("store", "2024-q1.csv", {.programme = &prog});   // creates "store"
//   regiokpi::measurement_store st = regiokpi::store_open("store");              // mapped, read-only files
//   regiokpi::aggregate(st, q, &prog);
// A store directory has one writer at a time (an advisory lock on DIR/lock); readers take no lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "regiokpi/calendar.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/ingest.hpp"
#include "regiokpi/store.hpp"

REGIOKPI_BEGIN_NAMESPACE

struct programme;

/// One batch of a store directory as its manifest describes it.
struct store_batch {
  std::string file;         ///< its Arrow file, relative to the store directory
  std::string source;       ///< what it was imported from (the CSV's name), or "compact" for a merge
  std::string imported_at;  ///< UTC, "2026-12-04T01:30:00Z"
  std::size_t rows = 0;
  std::optional<date> first, last;  ///< earliest and latest measurement date (none when empty)
  std::uint64_t bytes = 0;
  std::string checksum;  ///< 16 hex digits (docs/store.md)
  /// For a batch `store compact` made: the batches it merged, in order (their sources, rows, dates).
  std::vector<store_batch> merged;
};

/// A store directory's manifest: its batches, in row order, and the dictionary files.
struct store_summary {
  std::string path;
  std::uint64_t generation = 0;  ///< how many times the manifest was replaced
  std::vector<std::string> dimensions;
  std::size_t rows = 0;
  std::size_t series = 0;
  std::vector<store_batch> batches;
  /// The series and strings files (store_batch with rows = their row counts).
  std::vector<store_batch> dictionaries;
};

/// How a writer behaves.
struct store_write_options {
  /// When another process writes the store: wait for it (true) or fail naming it (false).
  bool wait = false;
  /// The batch's source as recorded in the manifest; store_import_csv defaults it to the CSV's path.
  std::string source_name;
};

/// Opens a store directory read-only. A store of one batch is used in place: its columns are the
/// mapped files (nothing parsed, only checked: ids in range, dates in years 1..9999, values
/// finite); several batches are copied into one set of columns (`store compact` merges them).
/// error(not_found) when DIR holds no store, error(parse_error) naming the damaged file.
/// With a programme, every row is checked against it as ingest checks a CSV (indicators, members,
/// values that suit the kind): error(validation_error) listing the rows, by file and row.
REGIOKPI_EXPORT measurement_store store_open(const std::string& dir, const programme* prog = nullptr,
                                             std::size_t max_errors = 100);
/// As store_open(dir, prog), for a caller still reading the programme: the files are mapped and
/// checked first (failing as store_open(dir) fails, before `programme` is called), then `programme`
/// is called once (it may wait, on a shared_future say) and the rows are checked against what it
/// returns (nothing more for nullptr). Its exceptions pass through. The command line reads a
/// programme on one thread while this opens the store on another.
REGIOKPI_EXPORT measurement_store store_open(const std::string& dir, const std::function<const programme*()>& programme,
                                             std::size_t max_errors = 100);

/// Appends the rows of a CSV file to a store directory as one batch, creating the directory when
/// it does not exist: every row is checked as ingest_csv_file checks it (against the programme in
/// options when given) together with the rows already stored; on any error nothing is written.
/// The batch's files are written and fsynced, then published by an atomic rename of the manifest.
/// error(io_error) when another process holds the store's lock (naming it) and !write.wait.
REGIOKPI_EXPORT ingest_summary store_import_csv(const std::string& dir, const std::string& csv_path,
                                                const ingest_options& options = {},
                                                const store_write_options& write = {});

/// Writes an in-memory store as a new store directory of one batch (DIR must not hold a store).
REGIOKPI_EXPORT void store_save(const measurement_store& store, const std::string& dir,
                                const store_write_options& write = {});

/// The manifest of a store directory (no data file is read). error(not_found) without a store.
REGIOKPI_EXPORT store_summary store_describe(const std::string& dir);

/// A summary as JSON, as `regiokpi store info --format json` prints it: the manifest's counts,
/// dimensions, batches and dictionaries, and "store" (the directory).
REGIOKPI_EXPORT std::string store_summary_to_json(const store_summary& s);

/// Checks a store: the manifest's own checksum, then every file it names (size, checksum, Arrow
/// structure, ids). One diagnostic per damaged file (where: the file's path); empty when sound.
/// Files no manifest names (left by an interrupted import) are not damage: the next writer removes them.
REGIOKPI_EXPORT std::vector<diagnostic> store_verify(const std::string& dir);

/// Merges all batches into one (rows, their order and every provenance column kept, so revisions and
/// as-recorded-on queries answer as before; the manifest records what was merged). Returns the new
/// manifest. A store of one batch is left as it is.
REGIOKPI_EXPORT store_summary store_compact(const std::string& dir, const store_write_options& write = {});

REGIOKPI_END_NAMESPACE
