// libFuzzer target for the measurements CSV reader (src/ingest.cpp). Whatever the bytes, ingest must
// not crash, must either add every row or leave the store exactly as it was, must give the same
// answer (rows or diagnostics) with one thread as with several (the speculative split), and a store
// it accepted must aggregate (a sum into at most one result row per row).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "regiokpi/aggregate.hpp"
#include "regiokpi/ingest.hpp"

namespace {

struct outcome {
  bool ok = false;
  std::size_t rows = 0;
  std::vector<regiokpi::diagnostic> diagnostics;
  regiokpi::errc code = regiokpi::errc::ok;
};

outcome ingest(regiokpi::measurement_store& store, std::string_view text, unsigned threads) {
  regiokpi::ingest_options o;
  o.source_name = "fuzz.csv";
  o.max_errors = 20;
  o.threads = threads;
  outcome r;
  const std::size_t before = store.size();
  try {
    regiokpi::ingest_csv(store, text, o);
    r.ok = true;
  } catch (const regiokpi::error& e) {
    r.code = e.code();
    r.diagnostics = e.diagnostics();
    if (store.size() != before) std::abort();  // a rejected batch changed the store
    if (e.diagnostics().empty() && e.code() != regiokpi::errc::io_error) std::abort();  // every error is listed
  }
  r.rows = store.size() - before;
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  regiokpi::measurement_store one, many;
  const outcome a = ingest(one, text, 1);
  const outcome b = ingest(many, text, 4);
  if (a.ok != b.ok || a.rows != b.rows || a.code != b.code || a.diagnostics != b.diagnostics) std::abort();
  for (std::size_t i = 0; i < one.size(); ++i) {
    const auto x = one.row(i), y = many.row(i);
    if (x.indicator != y.indicator || x.when != y.when || !(x.value == y.value)) std::abort();
  }
  if (a.ok && one.size() > 0) {
    // A sum per quarter: every row lands in one (group, period), so at most one result row per row.
    regiokpi::query q;
    q.period = regiokpi::period_type::quarter;
    q.time = regiokpi::time_rule::sum;
    q.space = regiokpi::space_rule::avg;
    const auto sums = regiokpi::aggregate(one, q);
    if (sums.size() == 0 || sums.size() > one.size()) std::abort();
    (void)regiokpi::to_csv(sums);
    // `last` carries each series forward to the last period with data (docs/aggregation.md), so a
    // result may have more rows than the input (found by this target: two rows 7,700 years apart),
    // but at most one per series and quarter between the first date and the last.
    q.time = regiokpi::time_rule::last;
    q.cumulative = true;
    const auto days = one.day_numbers();
    const auto [lo, hi] = std::minmax_element(days.begin(), days.end());
    const auto quarters = static_cast<std::size_t>(regiokpi::period_index(regiokpi::period_type::quarter, *hi) -
                                                   regiokpi::period_index(regiokpi::period_type::quarter, *lo) + 1);
    const auto r = regiokpi::aggregate(one, q);
    if (r.size() == 0 || r.size() > one.series_count() * quarters) std::abort();
    (void)regiokpi::to_csv(r);
  }
  return 0;
}
