// Option values shared by the subcommands (declared in command.hpp).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <string>
#include <system_error>
#include <vector>

#include "../csv_tokenizer.hpp"
#include "command.hpp"
#include "regiokpi/aggregate.hpp"
#include "regiokpi/calendar.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"
#include "regiokpi/ingest.hpp"
#include "regiokpi/programme_io.hpp"
#include "regiokpi/store_dir.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {

std::vector<std::string> split_list(const std::string& text, const char* option) {
  // One CSV row, read by the tokenizer every CSV reader of regiokpi uses (same quoting rules).
  std::string buf = text;
  buf.append(detail::csv_padding, '\0');
  const char* p = buf.data();
  const char* const end = p + text.size();
  const char* line_start = p;
  std::uint64_t line = 0;
  detail::csv_row row;
  auto fail = [&](std::uint64_t column, const std::string& reason) {
    throw usage_error(std::string(option) + " " + quote(text) + ": at character " + std::to_string(column) + ", " +
                      reason);
  };
  const detail::csv_step step = detail::tokenize_row(p, end, true, line, line_start, row, false);
  if (step == detail::csv_step::bad_row)
    fail(detail::column_of(buf.data(), row.problem.at), detail::csv_problem_message(row.problem));
  if (step != detail::csv_step::row) throw usage_error(std::string(option) + ": an empty list");
  if (p != end) fail(detail::column_of(buf.data(), p - 1), "a line break in the list (names are on one line)");
  const char* bad = nullptr;
  if (detail::field_with_invalid_utf8(row, bad) != nullptr)  // (not quoted back: the message stays UTF-8)
    throw usage_error(std::string(option) + ": at character " + std::to_string(detail::column_of(buf.data(), bad)) +
                      ", " + detail::invalid_utf8_message(*bad));
  std::vector<std::string> out;
  std::string scratch;
  for (const auto& f : row.fields) {
    out.emplace_back(detail::unescape(f, scratch));
    if (out.back().empty()) throw usage_error(std::string(option) + " " + quote(text) + ": an empty name in the list");
  }
  return out;
}

std::optional<date> date_option(const std::string& text, const char* option) {
  if (text.empty()) return std::nullopt;
  if (auto d = try_parse_date(text)) return d;
  try {
    (void)parse_date(text);
  } catch (const error& e) {
    throw usage_error(std::string(option) + ": " + e.what());
  }
  throw usage_error(std::string(option) + ": " + quote(text) + " is not a date");
}

query query_rules(const std::string& period, const std::string& time, const std::string& space) {
  query q;
  try {
    q.period = parse_period_type(period);
    q.time = parse_time_rule(time);
    q.space = parse_space_rule(space);
  } catch (const error& e) {
    throw usage_error(e.what());
  }
  return q;
}

namespace {

enum class input_kind { csv_file, store, other_directory };

input_kind kind_of_input(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return input_kind::csv_file;
  return std::filesystem::exists(std::filesystem::path(path) / "manifest.json", ec) ? input_kind::store
                                                                                    : input_kind::other_directory;
}

}  // namespace

measurement_store load_measurements(const std::string& path, const programme* prog,
                                    std::function<void(std::uint64_t, std::uint64_t)> progress) {
  switch (kind_of_input(path)) {
    case input_kind::store:
      return store_open(path, prog);
    case input_kind::other_directory:
      // One without a manifest is an input that cannot be read (exit 3), as any other directory
      // given for a file is.
      throw error(errc::io_error,
                  path + ": not a regular file, nor a store directory (no manifest.json; docs/store.md)");
    case input_kind::csv_file:
      break;
  }
  measurement_store store;
  ingest_options io;
  io.source_name = path;
  io.programme = prog;
  io.progress = std::move(progress);
  ingest_csv_file(store, path, io);
  return store;
}

programme_and_measurements load_programme_and_measurements(const std::string& programme_path,
                                                           const std::string& measurements_path,
                                                           std::function<void(std::uint64_t, std::uint64_t)> progress) {
  if (kind_of_input(measurements_path) != input_kind::store) {
    programme prog = read_programme_file(programme_path);
    measurement_store store = load_measurements(measurements_path, &prog, std::move(progress));
    return {std::move(prog), std::move(store)};
  }
  // Reading the programme (a parse) and opening the store (mapping and checking its files) take
  // about as long each on a large programme; side by side the command waits for the longer only.
  const auto read = [&] { return read_programme_file(programme_path); };
  std::future<programme> reading;
  try {
    reading = std::async(std::launch::async, read);
  } catch (const std::system_error&) {  // no thread to be had: one after the other
    reading = std::async(std::launch::deferred, read);
  }
  programme prog;
  try {
    measurement_store store = store_open(measurements_path, [&]() -> const programme* {
      prog = reading.get();
      return &prog;
    });
    return {std::move(prog), std::move(store)};
  } catch (...) {
    if (reading.valid()) reading.get();  // a bad programme is reported before a bad store, as in turn
    throw;
  }
}

}  // namespace cli
REGIOKPI_END_NAMESPACE
