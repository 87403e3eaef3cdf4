// libFuzzer target for the C ABI (include/regiokpi/regiokpi.h): the input is read as a program of up
// to 64 calls with arguments taken from the following bytes, on a few handle slots that may be empty
// (NULL): load/destroy programmes, create/ingest/append/export/destroy stores, aggregate with any
// query fields (unknown enum values, NULL arrays, bad dates), evaluate, read, render, export Arrow
// streams and consume, move and release them in any order, apportion. Whatever the sequence, no
// call may crash, leak or break the ABI's promises (checked with abort(): a failed create leaves
// *out NULL, a failed ingest or append leaves the store unchanged, rk_last_error() is never NULL and
// empty after success, status codes are documented ones).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <string>
#include <vector>

#include "regiokpi/regiokpi.h"

namespace {

// A small valid programme: a two-level region hierarchy with populations, a funding plan with a pool
// and a pro-rata split, a count and a milestone.
constexpr const char* tiny_programme = R"({"format": "regiokpi-programme/1", "id": "tiny", "name": "Tiny",
 "period": {"start": "2020-01-01", "end": "2023-12-31"},
 "parties": [{"id": "state", "name": "State"}, {"id": "prov", "name": "Province", "dimension": "region", "member": "p"}],
 "funding": {"currency": "EUR", "contributions": [
   {"id": "state", "name": "State", "party": "state", "kind": "fixed", "amount": "1000.01"},
   {"id": "match", "name": "Matching", "kind": "share", "pool": true, "of": "state", "share": "1/1"},
   {"id": "prov", "name": "Province", "party": "prov", "kind": "share", "of": "match", "share": "1/3"},
   {"id": "towns", "name": "Towns", "kind": "remainder", "of": "match", "minus": ["prov"],
    "split": {"dimension": "region", "level": "municipality", "attribute": "population", "date": "2019-01-01"}}]},
 "dimensions": [{"id": "region", "name": "Region", "kind": "hierarchy", "levels": ["province", "municipality"],
   "members": [{"id": "p", "name": "P", "level": "province"},
     {"id": "a", "name": "A", "level": "municipality", "parent": "p",
      "attributes": {"population": [{"date": "2019-01-01", "value": 1000, "source": "made up"}]}},
     {"id": "b", "name": "B", "level": "municipality", "parent": "p",
      "attributes": {"population": [{"date": "2019-01-01", "value": 3000, "source": "made up"}]}}]}],
 "pillars": [{"id": "P", "name": "Pillar", "goals": [{"id": "G", "name": "Goal", "results": [{"id": "R", "name": "R",
   "indicators": [
    {"id": "companies", "name": "Companies", "kind": "count", "unit": "companies", "direction": "increase",
     "baseline": {"date": "2020-01-01", "value": 0, "source": "start"},
     "targets": [{"date": "2021-12-31", "value": 40}, {"date": "2023-12-31", "value": 100}],
     "cumulative": true, "time_rule": "sum", "space_rule": "sum",
     "breakdown": [{"dimension": "region", "level": "municipality"}]},
    {"id": "plan", "name": "Plan", "kind": "milestone", "targets": [{"date": "2022-12-31", "value": true}],
     "time_rule": "last", "space_rule": "min"}]}]}]}]})";

constexpr const char* csv_header = "indicator,date,region,value,status,recorded_at,revision\n";
constexpr const char* good_rows =
    "companies,2020-03-31,a,5,final,2020-04-10,\n"
    "companies,2020-06-30,b,7,,,\n"
    "companies,2021-01-15,a,3,provisional,2021-02-01,0\n"
    "companies,2021-01-15,a,4,final,2021-03-01,1\n"
    "plan,2022-11-30,,1,final,,\n";

const char* const date_pool[] = {"2020-01-01", "2021-06-30", "2022-12-31", "2019-02-29", "2020-02-29",
                                 "2023-12-31", "",           "1-1-1",      "9999-12-31", "0001-01-01"};
const char* const name_pool[] = {"region", "province", "municipality", "companies", "plan", "population", "a",
                                 "b",      "p",        "nope",         ""};
const char* const weight_pool[] = {
    "1", "0", "2.5", "-1", "1e3", "0.000000000000000000001", "abc", "99999999999999999999999999", "", " 1"};

constexpr int slots = 3;
constexpr int max_calls = 64;

void ensure(bool ok) {
  if (!ok) std::abort();
}

/// With RK_FUZZ_TRACE set, prints each call and its status (to see what a corpus file does).
int trace(const char* call, int status) {
  static const bool on = std::getenv("RK_FUZZ_TRACE") != nullptr;
  if (on) std::fprintf(stderr, "%s -> %d %s\n", call, status, rk_last_error());
  return status;
}

/// With RK_FUZZ_TRACE set, prints an input text, escaped.
void trace_text(const char* what, const std::string& text) {
  static const bool on = std::getenv("RK_FUZZ_TRACE") != nullptr;
  if (!on) return;
  std::fprintf(stderr, "  %s: \"", what);
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"')
      std::fprintf(stderr, "\\%c", c);
    else if (u >= 0x20 && u < 0x7f)
      std::fputc(c, stderr);
    else
      std::fprintf(stderr, "\\x%02x", u);
  }
  std::fprintf(stderr, "\"\n");
}

bool documented_status(int s) { return s == RK_OK || (s <= -1 && s >= -8) || s == RK_E_INTERNAL; }

/// Checks the promises every status-returning call makes.
int checked(const char* call, int status) {
  trace(call, status);
  ensure(documented_status(status));
  const char* msg = rk_last_error();
  ensure(msg != nullptr);
  if (status == RK_OK) ensure(msg[0] == '\0');
  ensure(rk_status_name(status) != nullptr);
  return status;
}

/// Reads the fuzz input front to back; past its end every read is 0.
class reader {
 public:
  reader(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
  [[nodiscard]] bool done() const { return p_ >= end_; }
  std::uint8_t byte() { return p_ < end_ ? *p_++ : 0; }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : byte() % n; }
  bool flip() { return (byte() & 1) != 0; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
    return v;
  }
  std::int64_t i64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
    return static_cast<std::int64_t>(v);
  }
  /// A double from a short menu (NaN, infinities, edges) or 8 raw bytes.
  double number() {
    switch (below(8)) {
      case 0:
        return std::numeric_limits<double>::quiet_NaN();
      case 1:
        return std::numeric_limits<double>::infinity();
      case 2:
        return -1;
      case 3:
        return 0;
      case 4:
        return 0.5;
      case 5:
        return static_cast<double>(byte());
      case 6: {
        double d = 0;
        const std::uint64_t bits = static_cast<std::uint64_t>(i64());
        std::memcpy(&d, &bits, sizeof d);
        return d;
      }
      default:
        return 1e300;
    }
  }
  /// Up to max bytes of the input as a string (may contain NULs and invalid UTF-8).
  std::string text(std::size_t max) {
    const std::size_t n = std::min<std::size_t>(below(max + 1), static_cast<std::size_t>(end_ - std::min(p_, end_)));
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

/// Strings the calls point into; kept alive until the input is done.
struct arena {
  std::deque<std::string> strings;  // a deque: growing it does not move the strings handed out
  const char* keep(std::string s) {
    strings.push_back(std::move(s));
    return strings.back().c_str();
  }
};

/// A string argument: NULL, a pool entry or fuzz bytes (NUL-terminated at the first NUL).
const char* string_arg(reader& in, arena& a, const char* const* pool, std::size_t pool_size) {
  switch (in.below(4)) {
    case 0:
      return nullptr;
    case 1:
      return a.keep(in.text(16));
    default:
      return pool[in.below(pool_size)];
  }
}

template <std::size_t N>
const char* pick(reader& in, arena& a, const char* const (&pool)[N]) {
  return string_arg(in, a, pool, N);
}

struct state {
  rk_programme* programmes[slots] = {};
  rk_store* stores[slots] = {};
  rk_result* results[slots] = {};
  rk_report* reports[slots] = {};
  // Arrays and schemas taken from streams, released later (they may outlive their stream).
  std::vector<ArrowArray> arrays;
  std::vector<ArrowSchema> schemas;
  ~state() {
    // Released in an order unrelated to creation: arrays and schemas after their streams' handles.
    for (auto& r : reports) rk_report_destroy(r);
    for (auto& r : results) rk_result_destroy(r);
    for (auto& s : stores) rk_store_destroy(s);
    for (auto& p : programmes) rk_programme_destroy(p);
    for (auto& arr : arrays)
      if (arr.release) arr.release(&arr);
    for (auto& sch : schemas)
      if (sch.release) sch.release(&sch);
  }
};

/// Reads every buffer an array claims to have, recursively, so ASan sees a short buffer.
void touch_array(const ArrowArray& a, const ArrowSchema& s) {
  ensure(a.n_children == s.n_children);
  volatile std::uint8_t sink = 0;
  const char* f = s.format;
  if (std::strcmp(f, "u") == 0) {
    ensure(a.n_buffers == 3);
    const auto* off = static_cast<const std::int32_t*>(a.buffers[1]);
    const auto* data = static_cast<const char*>(a.buffers[2]);
    ensure(off[0] == 0);
    for (std::int64_t i = 0; i < a.length; ++i) {
      ensure(off[i + 1] >= off[i]);
      for (std::int32_t k = off[i]; k < off[i + 1]; ++k) sink = sink ^ static_cast<std::uint8_t>(data[k]);
    }
  } else if (std::strcmp(f, "tdD") == 0 || std::strcmp(f, "g") == 0 || std::strncmp(f, "d:", 2) == 0) {
    ensure(a.n_buffers == 2);
    const std::size_t width = f[0] == 't' ? 4 : f[0] == 'g' ? 8 : 16;
    const auto* data = static_cast<const std::uint8_t*>(a.buffers[1]);
    for (std::int64_t i = 0; i < a.length * static_cast<std::int64_t>(width); ++i) sink = sink ^ data[i];
  } else {
    ensure(std::strcmp(f, "+s") == 0);
    for (std::int64_t c = 0; c < a.n_children; ++c) {
      ensure(a.children[c]->length == a.length);
      touch_array(*a.children[c], *s.children[c]);
    }
  }
  (void)sink;
}

/// Consumes (part of) a stream, keeping some arrays and schemas for later release, possibly moved.
void consume(reader& in, state& st, ArrowArrayStream& s) {
  ArrowSchema schema{};
  const bool with_schema = in.below(4) != 0;
  if (with_schema) {
    ensure(s.get_schema(&s, &schema) == 0);
    ensure(schema.release != nullptr && std::strcmp(schema.format, "+s") == 0);
  }
  const int batches = static_cast<int>(in.below(4));
  for (int b = 0; b < batches; ++b) {
    ArrowArray a{};
    if (s.get_next(&s, &a) != 0) break;
    if (a.release == nullptr) {
      // The end of the stream; asking again must say the same.
      ArrowArray again{};
      ensure(s.get_next(&s, &again) == 0 && again.release == nullptr);
      break;
    }
    if (with_schema) touch_array(a, schema);
    if (in.flip()) {
      // Move semantics: the struct may be copied bitwise and the source marked released.
      st.arrays.push_back(a);
      a.release = nullptr;
    } else {
      a.release(&a);
      ensure(a.release == nullptr);
    }
  }
  if (with_schema) {
    if (in.flip()) {
      st.schemas.push_back(schema);
    } else {
      schema.release(&schema);
      ensure(schema.release == nullptr);
    }
  }
  (void)s.get_last_error(&s);
  s.release(&s);
  ensure(s.release == nullptr);
}

void load_programme(reader& in, state& st, arena& a) {
  rk_programme*& slot = st.programmes[in.below(slots)];
  rk_programme_destroy(slot);
  slot = reinterpret_cast<rk_programme*>(std::uintptr_t{1});  // must be overwritten with NULL on failure
  int s = 0;
  switch (in.below(4)) {
    case 0:
      s = checked("rk_programme_load_json", rk_programme_load_json(&slot, tiny_programme, std::strlen(tiny_programme)));
      ensure(s == RK_OK);
      break;
    case 1: {
      // The tiny programme with a fuzzed slice spliced in.
      std::string json = tiny_programme;
      const std::size_t at = in.below(json.size());
      json.replace(at, in.below(8), in.text(12));
      s = checked("rk_programme_load_json", rk_programme_load_json(&slot, json.data(), json.size()));
      break;
    }
    case 2: {
      const std::string json = in.text(200);
      s = checked("rk_programme_load_json", rk_programme_load_json(&slot, json.data(), json.size()));
      break;
    }
    default:
      s = checked("rk_programme_load_file",
                  rk_programme_load_file(&slot, in.flip() ? nullptr : "/nonexistent/regiokpi-fuzz.json"));
      ensure(s != RK_OK);
      break;
  }
  ensure((s == RK_OK) == (slot != nullptr));
  (void)a;
}

rk_ingest_options* ingest_options(reader& in, state& st, arena& a, rk_ingest_options& o) {
  if (in.below(3) == 0) return nullptr;
  o.version = in.below(4) == 0 ? in.u32() : RK_INGEST_OPTIONS_VERSION;
  o.programme = st.programmes[in.below(slots)];
  o.source_name = pick(in, a, name_pool);
  o.max_errors = in.below(4);
  return &o;
}

void ingest(reader& in, state& st, arena& a) {
  rk_store* store = st.stores[in.below(slots)];
  std::string csv;
  switch (in.below(3)) {
    case 0:
      csv = std::string(csv_header) + good_rows;
      break;
    case 1:
      csv = std::string(csv_header) + in.text(120);
      break;
    default:
      csv = in.text(160);
      break;
  }
  trace_text("csv", csv);
  rk_ingest_options o{};
  rk_ingest_options* opts = ingest_options(in, st, a, o);
  const std::size_t before = rk_store_size(store);
  int s = 0;
  if (in.below(8) == 0)
    s = checked("rk_store_ingest_csv_file",
                rk_store_ingest_csv_file(store, in.flip() ? nullptr : "/nonexistent/m.csv", opts));
  else
    s = checked("rk_store_ingest_csv",
                rk_store_ingest_csv(store, in.below(8) == 0 ? nullptr : csv.data(), csv.size(), opts));
  if (s != RK_OK) ensure(rk_store_size(store) == before);
  if (store == nullptr) ensure(s == RK_E_INVALID_ARGUMENT);
}

void append(reader& in, state& st, arena& a) {
  rk_store* store = st.stores[in.below(slots)];
  const std::size_t dims = in.below(3);
  std::vector<const char*> names(dims + 1, nullptr);
  for (std::size_t d = 0; d < dims; ++d)
    names[d] = in.below(4) == 0 ? pick(in, a, name_pool) : (d == 0 ? "region" : "sector");
  const std::size_t n = in.below(5);
  std::vector<std::vector<const char*>> coords(n);
  std::vector<rk_measurement> rows(n);
  for (std::size_t i = 0; i < n; ++i) {
    coords[i].assign(dims + 1, nullptr);
    for (std::size_t d = 0; d < dims; ++d) coords[i][d] = pick(in, a, name_pool);
    rk_measurement& m = rows[i];
    m.indicator = in.below(3) == 0 ? pick(in, a, name_pool) : "companies";
    m.date = pick(in, a, date_pool);
    m.coordinates = in.below(6) == 0 ? nullptr : coords[i].data();
    m.value = in.number();
    const char* statuses[] = {"provisional", "final", "estimated", "bogus"};
    m.status = in.flip() ? nullptr : statuses[in.below(4)];
    m.source = in.flip() ? nullptr : a.keep(in.text(8));
    m.recorded_at = in.flip() ? nullptr : pick(in, a, date_pool);
    m.revision = in.below(3);
  }
  const std::size_t before = rk_store_size(store);
  // Arguments are read into locals first: the order of evaluation of call arguments is unspecified,
  // and a corpus file must mean the same calls under every compiler.
  const char* const* names_arg = in.below(6) == 0 ? nullptr : names.data();
  const rk_measurement* rows_arg = in.below(6) == 0 ? nullptr : rows.data();
  const int s = checked("rk_store_append", rk_store_append(store, names_arg, dims, rows_arg, n));
  if (s != RK_OK)
    ensure(rk_store_size(store) == before);
  else
    ensure(rk_store_size(store) == before + n);
}

void aggregate(reader& in, state& st, arena& a) {
  rk_result*& slot = st.results[in.below(slots)];
  rk_result_destroy(slot);
  slot = nullptr;
  std::vector<const char*> indicators;
  for (std::size_t i = in.below(3); i > 0; --i)
    indicators.push_back(in.below(4) == 0 ? pick(in, a, name_pool) : "companies");
  std::vector<const char*> group_by;
  for (std::size_t i = in.below(3); i > 0; --i) group_by.push_back(pick(in, a, name_pool));
  rk_query q{};
  q.version = in.below(6) == 0 ? in.u32() : RK_QUERY_VERSION;
  q.indicators = indicators.empty() || in.below(8) == 0 ? nullptr : indicators.data();
  q.indicator_count = indicators.size();
  // Enum fields get any int now and then: the ABI must reject unknown values, not trust them.
  q.period = static_cast<rk_period_type>(in.below(5) == 0 ? static_cast<int>(in.u32()) : static_cast<int>(in.below(7)));
  q.fy_first_month = in.below(4) == 0 ? static_cast<int>(in.u32()) : static_cast<int>(in.below(13));
  q.from = pick(in, a, date_pool);
  q.to = pick(in, a, date_pool);
  q.group_by = group_by.empty() || in.below(8) == 0 ? nullptr : group_by.data();
  q.group_by_count = group_by.size();
  q.time_rule =
      static_cast<rk_time_rule>(in.below(5) == 0 ? static_cast<int>(in.u32()) : static_cast<int>(in.below(7)));
  q.space_rule =
      static_cast<rk_space_rule>(in.below(5) == 0 ? static_cast<int>(in.u32()) : static_cast<int>(in.below(7)));
  q.cumulative = static_cast<int>(in.below(3));
  q.as_recorded_on = pick(in, a, date_pool);
  q.weight_attribute = pick(in, a, name_pool);
  q.coverage_threshold = in.number();
  rk_result** out = in.below(10) == 0 ? nullptr : &slot;
  const rk_store* store = st.stores[in.below(slots)];
  const rk_query* qp = in.below(10) == 0 ? nullptr : &q;
  const rk_programme* prog = st.programmes[in.below(slots)];
  const int s = checked("rk_aggregate", rk_aggregate(out, store, qp, prog));
  ensure((s == RK_OK) == (slot != nullptr));
}

void read_result(reader& in, state& st) {
  const rk_result* r = st.results[in.below(slots)];
  const std::size_t rows = rk_result_row_count(r);
  const std::size_t groups = rk_result_group_by_count(r);
  rk_result_row row{};
  const std::size_t i = in.below(rows + 2);
  const int s = checked("rk_result_get_row", rk_result_get_row(r, i, in.below(8) == 0 ? nullptr : &row));
  if (s == RK_OK) ensure(row.indicator != nullptr && row.period != nullptr && std::strlen(row.period) > 0);
  for (std::size_t k = 0; k <= groups; ++k) {
    const char* g = rk_result_group_value(r, i, k);
    ensure((g != nullptr) == (i < rows && k < groups));
    if (g) (void)std::strlen(g);
  }
}

void evaluate(reader& in, state& st, arena& a) {
  rk_report*& slot = st.reports[in.below(slots)];
  rk_report_destroy(slot);
  slot = nullptr;
  rk_evaluate_options o{};
  o.version = in.below(6) == 0 ? in.u32() : RK_EVALUATE_OPTIONS_VERSION;
  o.as_of = in.below(6) == 0 ? pick(in, a, date_pool) : date_pool[in.below(3)];
  o.as_recorded_on = in.flip() ? nullptr : pick(in, a, date_pool);
  o.trajectory =
      static_cast<rk_trajectory>(in.below(5) == 0 ? static_cast<int>(in.u32()) : static_cast<int>(in.below(3)));
  // Day-by-day series are allowed but not over the whole calendar: the pool's dates are bounded.
  o.series_period =
      static_cast<rk_period_type>(in.below(5) == 0 ? static_cast<int>(in.u32()) : static_cast<int>(in.below(7)));
  o.forecast_level = in.flip() ? 0 : in.number();
  rk_report** out = in.below(10) == 0 ? nullptr : &slot;
  const rk_programme* prog = st.programmes[in.below(slots)];
  const rk_store* store = st.stores[in.below(slots)];
  const rk_evaluate_options* op = in.below(10) == 0 ? nullptr : &o;
  const int s = checked("rk_evaluate", rk_evaluate(out, prog, store, op));
  ensure((s == RK_OK) == (slot != nullptr));
}

void read_report(reader& in, state& st) {
  const rk_report* r = st.reports[in.below(slots)];
  const std::size_t n = rk_report_indicator_count(r);
  rk_indicator_progress p{};
  const std::size_t i = in.below(n + 2);
  rk_indicator_progress* out = in.below(8) == 0 ? nullptr : &p;
  const int s = checked("rk_report_get_indicator", rk_report_get_indicator(r, i, out));
  if (s == RK_OK) {
    ensure(p.id != nullptr && p.name != nullptr && p.unit != nullptr);
    ensure(std::strlen(rk_progress_status_name(p.status)) > 0);
  }
  rk_status status = RK_STATUS_NO_DATA;
  double achievement = 0;
  (void)checked("rk_report_programme_status",
                rk_report_programme_status(r, in.below(8) == 0 ? nullptr : &status, &achievement));
}

void render(reader& in, state& st) {
  const rk_report* r = st.reports[in.below(slots)];
  char* text = reinterpret_cast<char*>(std::uintptr_t{1});
  std::size_t length = 7;
  const int format = in.below(4) == 0 ? static_cast<int>(in.u32()) : static_cast<int>(in.below(4));
  const bool with_text = in.below(8) != 0;
  const bool with_length = in.below(4) != 0;
  const int s =
      checked("rk_report_render", rk_report_render(with_text ? &text : nullptr, with_length ? &length : nullptr, r,
                                                   static_cast<rk_report_format>(format)));
  if (!with_text) return;
  if (s == RK_OK) {
    ensure(text != nullptr);
    if (with_length) ensure(std::strlen(text) == length);
  } else {
    ensure(text == nullptr);
  }
  rk_free(text);
}

void export_arrow(reader& in, state& st) {
  ArrowArrayStream stream{};
  const bool to_null = in.below(10) == 0;
  int s = 0;
  ArrowArrayStream* out = to_null ? nullptr : &stream;
  switch (in.below(3)) {
    case 0:
      s = checked("rk_result_export_arrow", rk_result_export_arrow(st.results[in.below(slots)], out));
      break;
    case 1:
      s = checked("rk_store_export_arrow", rk_store_export_arrow(st.stores[in.below(slots)], out));
      break;
    default:
      s = checked("rk_programme_funding_export_arrow",
                  rk_programme_funding_export_arrow(st.programmes[in.below(slots)], out));
      break;
  }
  if (s != RK_OK) return;
  ensure(stream.release != nullptr);
  // The stream owns a snapshot: destroying its source first must be fine.
  if (in.below(4) == 0) {
    if (in.flip()) {
      rk_store_destroy(st.stores[0]);
      st.stores[0] = nullptr;
      rk_programme_destroy(st.programmes[0]);
      st.programmes[0] = nullptr;
    } else {
      rk_result_destroy(st.results[0]);
      st.results[0] = nullptr;
    }
  }
  consume(in, st, stream);
}

void apportion(reader& in, arena& a) {
  const std::size_t n = in.below(6);
  std::vector<const char*> w(n + 1, nullptr);
  std::vector<double> dw(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    w[i] = pick(in, a, weight_pool);
    dw[i] = in.number();
  }
  std::vector<std::int64_t> shares(n + 1, 0);
  const std::int64_t total = in.flip() ? static_cast<std::int64_t>(in.below(100000)) : in.i64();
  const bool exact = in.flip();
  std::int64_t* out = in.below(8) == 0 ? nullptr : shares.data();
  const bool null_weights = in.below(8) == 0;
  const int s =
      exact ? checked("rk_apportion", rk_apportion(out, total, null_weights ? nullptr : w.data(), n))
            : checked("rk_apportion_double", rk_apportion_double(out, total, null_weights ? nullptr : dw.data(), n));
  if (s == RK_OK) {
    // The shares add up to the total exactly.
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += shares[i];
    ensure(sum == total);
  }
}

void misc(reader& in, state& st) {
  ensure(rk_version() != nullptr && rk_version_number() == RK_VERSION_NUMBER);
  ensure(rk_status_name(static_cast<int>(in.u32())) != nullptr);
  ensure(rk_progress_status_name(static_cast<int>(in.u32())) != nullptr);
  const rk_programme* p = st.programmes[in.below(slots)];
  const std::size_t n = rk_programme_indicator_count(p);
  const std::size_t i = in.below(n + 2);
  ensure((rk_programme_indicator_id(p, i) != nullptr) == (i < n));
  ensure((rk_programme_id(p) != nullptr) == (p != nullptr));
  ensure((rk_programme_name(p) != nullptr) == (p != nullptr));
  (void)rk_store_size(st.stores[in.below(slots)]);
  rk_free(nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  reader in(data, size);
  state st;
  arena a;
  for (int call = 0; call < max_calls && !in.done(); ++call) {
    switch (in.below(16)) {
      case 0:
        load_programme(in, st, a);
        break;
      case 1: {
        rk_programme*& p = st.programmes[in.below(slots)];
        rk_programme_destroy(p);
        p = nullptr;
        break;
      }
      case 2: {
        rk_store*& s = st.stores[in.below(slots)];
        rk_store_destroy(s);
        s = reinterpret_cast<rk_store*>(std::uintptr_t{1});
        ensure(checked("rk_store_create", rk_store_create(&s)) == RK_OK && s != nullptr);
        break;
      }
      case 3: {
        rk_store*& s = st.stores[in.below(slots)];
        rk_store_destroy(s);
        s = nullptr;
        break;
      }
      case 4:
      case 5:
        ingest(in, st, a);
        break;
      case 6:
        append(in, st, a);
        break;
      case 7:
        aggregate(in, st, a);
        break;
      case 8:
        read_result(in, st);
        break;
      case 9: {
        rk_result*& r = st.results[in.below(slots)];
        rk_result_destroy(r);
        r = nullptr;
        break;
      }
      case 10:
        evaluate(in, st, a);
        break;
      case 11:
        read_report(in, st);
        break;
      case 12:
        render(in, st);
        break;
      case 13:
        export_arrow(in, st);
        break;
      case 14:
        apportion(in, a);
        break;
      default:
        misc(in, st);
        break;
    }
  }
  return 0;
}
