// The regiokpi command line: each subcommand lives in its own src/cli/<name>.cpp and registers
// itself here, so adding one does not mean editing main.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <regiokpi/aggregate.hpp>
#include <regiokpi/calendar.hpp>
#include <regiokpi/export.hpp>
#include <regiokpi/programme.hpp>
#include <regiokpi/store.hpp>
#include <string>
#include <string_view>
#include <vector>

REGIOKPI_BEGIN_NAMESPACE
namespace cli {

/// Exit codes every subcommand uses, so scripts can rely on them.
enum exit_code : int {
  exit_ok = 0,
  exit_bad_input = 1,  ///< the input data is wrong (a file that does not parse or validate)
  exit_bad_usage = 2,  ///< the command line is wrong (unknown option, rule or column)
  exit_io = 3,         ///< a file could not be read or written
  exit_internal = 4,   ///< a bug in regiokpi
  exit_findings = 5,   ///< `check --fail-on LEVEL` found a finding of that importance or worse
};

/// A subcommand: `setup` declares its options on the CLI11 subcommand and returns the action to
/// run once parsing succeeded. The action returns an exit code; it may throw regiokpi::error,
/// which main() reports and maps to an exit code.
struct command {
  std::string name;
  std::string description;
  std::function<std::function<int()>(CLI::App&)> setup;
};

std::vector<command>& commands();

/// Registers a command at static-initialisation time: `static const bool r = register_command({...});`
bool register_command(command c);

/// Thrown for command-line problems that CLI11 cannot see (an unknown rule name, a --by column
/// that is not in the file); main() prints it and exits with exit_bad_usage.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Writes `contents` to an output path (docs/output-files.md): "-" is standard output; a regular
/// file (or a symbolic link to one) is replaced atomically, keeping its mode and owner; a device,
/// FIFO or /dev/stdout is written in place. Every write is checked: error(io_error) names the path
/// and the system's reason, and a failure leaves the old file as it was.
void write_output(const std::string& path, std::string_view contents);

/// Where an output_producer hands its text, piece by piece, in order.
using output_sink = std::function<void(std::string_view)>;
/// Writes a whole output by calling the sink as often as it likes (regiokpi::write_csv does).
using output_producer = std::function<void(const output_sink&)>;

/// write_output for text made in pieces (a large aggregate): each piece is written as it comes, so
/// the whole text is never held in memory; the same promises, and if the producer throws, the
/// temporary file is removed and the old file stays (standard output and devices keep what was
/// written before the failure).
void write_output(const std::string& path, const output_producer& contents);

/// Writes to standard output and flushes it (std::cout first); error(io_error) if anything is lost.
void write_stdout(std::string_view contents);
void write_stdout(const output_producer& contents);

/// Splits a comma-separated list written in CSV quoting (--by, --indicator): a,"b,c" -> {a, b,c};
/// usage_error naming `option` for an unclosed quote, text after a closing quote or an empty name.
std::vector<std::string> split_list(const std::string& text, const char* option);

/// An optional date option (--from, --as-recorded-on ...): nullopt when empty; usage_error naming the
/// option and the reason when it is not a date.
std::optional<regiokpi::date> date_option(const std::string& text, const char* option);

/// A query with its period type and time and space rules parsed from their option texts; usage_error
/// (exit 2) for an unknown name.
regiokpi::query query_rules(const std::string& period, const std::string& time, const std::string& space);

/// Reads a whole regular file; throws regiokpi::error(io_error) naming the file and the reason.
std::string read_file(const std::string& path);

/// The measurements every reading subcommand takes: a store directory (store_open, docs/store.md)
/// or a CSV file (ingest_csv_file), checked against the programme when one is given. `progress`
/// reports a CSV's bytes read.
regiokpi::measurement_store load_measurements(const std::string& path, const regiokpi::programme* prog,
                                              std::function<void(std::uint64_t, std::uint64_t)> progress = {});

/// A programme and the measurements checked against it.
struct programme_and_measurements {
  regiokpi::programme prog;
  regiokpi::measurement_store store;
};

/// read_programme_file, then load_measurements against it, with the same results and errors (the
/// programme's first). A store directory is opened on a second thread while the programme is read,
/// since neither needs the other until the rows are checked against the programme.
programme_and_measurements load_programme_and_measurements(
    const std::string& programme_path, const std::string& measurements_path,
    std::function<void(std::uint64_t, std::uint64_t)> progress = {});

}  // namespace cli
REGIOKPI_END_NAMESPACE
