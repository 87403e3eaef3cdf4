// libFuzzer target for the report path: programme + measurements + options -> evaluate -> every
// report format (what `regiokpi report` does). Layout of an input: byte 0 the options (bits 0-2 the
// series period, 3-4 the trajectory shape, 5-7 the forecast method), byte 1 the as-of date (16 days a
// step after the programme start; 255 also sets as_recorded_on to the day before), then the
// programme JSON, a NUL byte, and the measurements CSV. Whatever the bytes: reading, ingesting and
// evaluating return or throw regiokpi::error; each of the four writers returns valid UTF-8; the JSON
// parses; the CSV reads back with every record as wide as its header.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <regiokpi/csv.hpp>
#include <regiokpi/evaluate.hpp>
#include <regiokpi/ingest.hpp>
#include <regiokpi/programme_io.hpp>
#include <regiokpi/report.hpp>
#include <string>
#include <string_view>

namespace {

void check_text(const std::string& out) {
  if (regiokpi::detail::first_invalid_utf8(out) != out.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  const std::size_t nul = rest.find('\0');
  if (nul == std::string_view::npos) return 0;
  const std::string_view programme_text = rest.substr(0, nul);
  const std::string_view measurements = rest.substr(nul + 1);

  regiokpi::programme prog;
  try {
    prog = regiokpi::read_programme(programme_text, "fuzz.json");
  } catch (const regiokpi::error&) {
    return 0;
  }
  regiokpi::measurement_store store;
  regiokpi::ingest_options io;
  io.source_name = "fuzz.csv";
  io.programme = &prog;
  io.max_errors = 20;
  try {
    regiokpi::ingest_csv(store, measurements, io);
  } catch (const regiokpi::error& e) {
    if (store.size() != 0) std::abort();  // a rejected batch leaves the store as it was
    check_text(e.what());
    return 0;
  }

  static constexpr regiokpi::period_type periods[] = {
      regiokpi::period_type::quarter,   regiokpi::period_type::month,          regiokpi::period_type::year,
      regiokpi::period_type::half_year, regiokpi::period_type::financial_year, regiokpi::period_type::iso_week,
      regiokpi::period_type::day,       regiokpi::period_type::quarter};
  regiokpi::evaluation_settings s;
  s.series_period = periods[data[0] & 7];
  s.shape = static_cast<regiokpi::trajectory_shape>((data[0] >> 3) & 3);
  s.method = static_cast<regiokpi::forecast_method>((data[0] >> 5) & 7);
  s.as_of = prog.start + regiokpi::days{16 * static_cast<std::int32_t>(data[1])};
  if (data[1] == 255) s.as_recorded_on = s.as_of - regiokpi::days{1};
  regiokpi::programme_report rep;
  try {
    rep = regiokpi::evaluate_programme(prog, store, s);
  } catch (const regiokpi::error& e) {
    check_text(e.what());
    return 0;
  }
  if (rep.indicators.size() != prog.all_indicators().size()) std::abort();  // one entry per indicator

  const std::string json = regiokpi::report_to_json(rep);
  check_text(json);
  if (nlohmann::json::parse(json).is_discarded()) std::abort();  // parse throws (failing the run) if it is not JSON
  const std::string csv = regiokpi::report_to_csv(rep);
  check_text(csv);
  const auto records = regiokpi::read_csv(csv, "report.csv");
  if (records.empty()) std::abort();
  for (const auto& r : records)
    if (r.fields.size() != records.front().fields.size()) std::abort();
  check_text(regiokpi::report_to_markdown(rep));
  check_text(regiokpi::report_to_html(rep));
  return 0;
}
