// The C ABI (include/regiokpi/regiokpi.h): thin wrappers that catch every exception, store its
// message per thread and return its code. Handles are plain structs around the C++ objects.
#include "regiokpi/regiokpi.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include "regiokpi/aggregate.hpp"
#include "regiokpi/csv.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/evaluate.hpp"
#include "regiokpi/ingest.hpp"
#include "regiokpi/money.hpp"
#include "regiokpi/programme_io.hpp"
#include "regiokpi/quality.hpp"
#include "regiokpi/report.hpp"
#include "regiokpi/sdmx.hpp"
#include "regiokpi/store.hpp"
#include "regiokpi/store_dir.hpp"
#include "regiokpi/version.hpp"

struct rk_programme {
  regiokpi::programme value;
  std::vector<const regiokpi::indicator*> indicators;
};

struct rk_store {
  regiokpi::measurement_store value;
};

struct rk_result {
  regiokpi::aggregate_result value;
  std::vector<std::string> labels;  // period labels, made on demand
  std::vector<std::string> indicator_ids;
  std::vector<std::vector<std::string>> groups;
};

struct rk_report {
  regiokpi::programme_report value;
};

namespace {

thread_local std::string last_error;

int fail(int code, std::string message) {
  try {
    last_error = std::move(message);
  } catch (...) {
    last_error.clear();
  }
  return code;
}

/// Runs f, turning every exception into a status code and a per-thread message.
template <class F>
int guarded(F&& f) noexcept {
  try {
    last_error.clear();
    f();
    return RK_OK;
  } catch (const regiokpi::error& e) {
    return fail(static_cast<int>(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return fail(RK_E_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return fail(RK_E_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(RK_E_INTERNAL, "internal error: unknown exception");
  }
}

/// An enum argument as the integer the caller stored. A C caller may pass any int, and loading a
/// value outside the enumerators' range through the C++ enum type is undefined behaviour, so the
/// bytes are read as the underlying type and range-checked before any enum-typed use.
template <class E>
long long raw_enum(const E& e) {
  std::underlying_type_t<E> v;
  std::memcpy(&v, &e, sizeof v);
  return static_cast<long long>(v);
}

void require(bool ok, const char* what) {
  if (!ok) throw regiokpi::error(regiokpi::errc::invalid_argument, what);
}

/// The one check of a versioned struct: its `version` is at least `least` (0: not initialised).
/// `name` is the struct's C name, `macro` the version macro to set it to.
template <class Struct>
void require_version(const Struct* s, std::uint32_t least, std::string_view name, std::string_view macro) {
  if (s->version < least)
    throw regiokpi::error(regiokpi::errc::invalid_argument,
                          std::string(name) + ": version must be " + std::string(macro));
}

regiokpi::date date_arg(const char* text, const char* what) {
  require(text != nullptr, what);
  return regiokpi::parse_date(text);
}

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::int32_t no_day = std::numeric_limits<std::int32_t>::min();

double or_nan(const std::optional<double>& v) { return v ? *v : nan; }
std::int32_t or_no_day(const std::optional<regiokpi::date>& d) { return d ? d->day_number() : no_day; }

// ---- Arrow export --------------------------------------------------------------------------------

/// A column to export: utf8 strings, date32 day numbers, float64 values or decimal128 minor units.
struct arrow_column {
  std::string name;
  char kind = 'u';  // 'u' utf8, 'D' date32, 'g' float64, 'd' decimal128
  int decimal_scale = 2;
  std::vector<std::string> strings;
  std::vector<std::int32_t> days;
  std::vector<double> doubles;
  std::vector<std::int64_t> minor_units;
  [[nodiscard]] std::size_t size() const {
    return kind == 'u' ? strings.size() : kind == 'D' ? days.size() : kind == 'g' ? doubles.size() : minor_units.size();
  }
};

/// Owns one array's buffers; freed by its release callback.
struct array_private {
  std::vector<const void*> buffers;
  std::vector<std::int32_t> offsets;
  std::string data;
  std::vector<std::int32_t> days;
  std::vector<double> doubles;
  std::vector<std::int64_t> decimals;  // two int64 words per value, little-endian 128-bit
  std::vector<ArrowArray*> children;
};

void release_array(ArrowArray* a) {
  if (a == nullptr || a->release == nullptr) return;
  auto* p = static_cast<array_private*>(a->private_data);
  for (ArrowArray* c : p->children) {
    if (c->release) c->release(c);
    delete c;
  }
  delete p;
  a->release = nullptr;
}

void fill_column_array(ArrowArray* out, arrow_column& col) {
  auto p = std::make_unique<array_private>();  // freed if a column turns out too large
  const auto n = static_cast<std::int64_t>(col.size());
  p->buffers.push_back(nullptr);  // no validity bitmap: no nulls
  switch (col.kind) {
    case 'u': {
      p->offsets.reserve(col.strings.size() + 1);
      p->offsets.push_back(0);
      for (const auto& s : col.strings) {
        p->data += s;
        if (p->data.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
          throw regiokpi::error(regiokpi::errc::overflow, "Arrow export: a utf8 column exceeds 2 GiB");
        }
        p->offsets.push_back(static_cast<std::int32_t>(p->data.size()));
      }
      p->buffers.push_back(p->offsets.data());
      p->buffers.push_back(p->data.data());
      break;
    }
    case 'D':
      p->days = std::move(col.days);
      p->buffers.push_back(p->days.data());
      break;
    case 'g':
      p->doubles = std::move(col.doubles);
      p->buffers.push_back(p->doubles.data());
      break;
    default:
      p->decimals.reserve(col.minor_units.size() * 2);
      for (std::int64_t v : col.minor_units) {
        p->decimals.push_back(v);
        p->decimals.push_back(v < 0 ? -1 : 0);  // sign extension into the high word
      }
      p->buffers.push_back(p->decimals.data());
      break;
  }
  out->length = n;
  out->null_count = 0;
  out->offset = 0;
  out->n_buffers = static_cast<std::int64_t>(p->buffers.size());
  out->n_children = 0;
  out->buffers = p->buffers.data();
  out->children = nullptr;
  out->dictionary = nullptr;
  out->release = release_array;
  out->private_data = p.release();
}

struct schema_private {
  std::string format;
  std::string name;
  std::vector<ArrowSchema*> children;
};

void release_schema(ArrowSchema* s) {
  if (s == nullptr || s->release == nullptr) return;
  auto* p = static_cast<schema_private*>(s->private_data);
  for (ArrowSchema* c : p->children) {
    if (c->release) c->release(c);
    delete c;
  }
  delete p;
  s->release = nullptr;
}

void fill_schema(ArrowSchema* out, std::string format, std::string name, std::vector<ArrowSchema*> children,
                 std::int64_t flags) {
  auto* p = new schema_private{std::move(format), std::move(name), std::move(children)};
  out->format = p->format.c_str();
  out->name = p->name.c_str();
  out->metadata = nullptr;
  out->flags = flags;
  out->n_children = static_cast<std::int64_t>(p->children.size());
  out->children = p->children.empty() ? nullptr : p->children.data();
  out->dictionary = nullptr;
  out->release = release_schema;
  out->private_data = p;
}

/// A one-batch stream over a table of columns it owns.
struct stream_private {
  std::vector<arrow_column> columns;
  bool delivered = false;
  std::string error;
};

int stream_get_schema(ArrowArrayStream* s, ArrowSchema* out) {
  auto* p = static_cast<stream_private*>(s->private_data);
  try {
    std::vector<ArrowSchema*> kids;
    for (const auto& c : p->columns) {
      auto* k = new ArrowSchema;
      std::string format = c.kind == 'u'   ? "u"
                           : c.kind == 'D' ? "tdD"
                           : c.kind == 'g' ? "g"
                                           : "d:38," + std::to_string(c.decimal_scale);
      fill_schema(k, std::move(format), c.name, {}, 0);
      kids.push_back(k);
    }
    fill_schema(out, "+s", "", std::move(kids), 0);
    return 0;
  } catch (const std::exception& e) {
    p->error = e.what();
    return 12;  // ENOMEM
  }
}

int stream_get_next(ArrowArrayStream* s, ArrowArray* out) {
  auto* p = static_cast<stream_private*>(s->private_data);
  if (p->delivered) {
    out->release = nullptr;  // end of stream
    return 0;
  }
  array_private* top = nullptr;
  try {
    top = new array_private;
    top->buffers.push_back(nullptr);
    top->children.reserve(p->columns.size());
    std::int64_t length = 0;
    for (auto& c : p->columns) {
      // Owned by top before it is filled (release stays null until then), so a failure below (a utf8
      // column over 2 GiB, no memory) frees every child already built instead of leaking them.
      top->children.push_back(new ArrowArray{});
      length = static_cast<std::int64_t>(c.size());
      fill_column_array(top->children.back(), c);
    }
    out->length = length;
    out->null_count = 0;
    out->offset = 0;
    out->n_buffers = 1;
    out->n_children = static_cast<std::int64_t>(top->children.size());
    out->buffers = top->buffers.data();
    out->children = top->children.empty() ? nullptr : top->children.data();
    out->dictionary = nullptr;
    out->release = release_array;
    out->private_data = top;
    p->delivered = true;
    return 0;
  } catch (const std::exception& e) {
    if (top != nullptr) {
      ArrowArray partial{};
      partial.release = release_array;
      partial.private_data = top;
      release_array(&partial);
    }
    p->error = e.what();
    const auto* rk = dynamic_cast<const regiokpi::error*>(&e);
    return rk != nullptr && rk->code() == regiokpi::errc::overflow ? 75 : 12;  // EOVERFLOW, ENOMEM
  }
}

const char* stream_last_error(ArrowArrayStream* s) {
  auto* p = static_cast<stream_private*>(s->private_data);
  return p->error.empty() ? nullptr : p->error.c_str();
}

void stream_release(ArrowArrayStream* s) {
  if (s == nullptr || s->release == nullptr) return;
  delete static_cast<stream_private*>(s->private_data);
  s->release = nullptr;
}

void make_stream(ArrowArrayStream* out, std::vector<arrow_column> columns) {
  auto* p = new stream_private{std::move(columns), false, {}};
  out->get_schema = stream_get_schema;
  out->get_next = stream_get_next;
  out->get_last_error = stream_last_error;
  out->release = stream_release;
  out->private_data = p;
}

}  // namespace

extern "C" {

const char* rk_version(void) { return regiokpi::version(); }

int rk_version_number(void) { return REGIOKPI_VERSION; }

const char* rk_last_error(void) { return last_error.c_str(); }

const char* rk_status_name(int status) { return regiokpi::to_string(static_cast<regiokpi::errc>(status)).data(); }

const char* rk_progress_status_name(int status) {
  if (status < 0 || status > RK_STATUS_NO_TARGET) return "unknown";
  return regiokpi::to_string(static_cast<regiokpi::progress_status>(status)).data();
}

void rk_free(void* p) { std::free(p); }

int rk_apportion(int64_t* shares_out, int64_t total_minor, const char* const* weights, size_t n) {
  return guarded([&] {
    require(shares_out != nullptr && weights != nullptr, "rk_apportion: NULL argument");
    std::vector<regiokpi::decimal> w;
    w.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      require(weights[i] != nullptr, "rk_apportion: NULL weight");
      w.push_back(regiokpi::parse_decimal(weights[i]));
    }
    const auto total = regiokpi::amount::from_minor_units(total_minor);
    const auto shares = regiokpi::apportion(total, std::span<const regiokpi::decimal>(w));
    for (size_t i = 0; i < n; ++i) shares_out[i] = shares[i].minor_units();
  });
}

int rk_apportion_double(int64_t* shares_out, int64_t total_minor, const double* weights, size_t n) {
  return guarded([&] {
    require(shares_out != nullptr && weights != nullptr, "rk_apportion_double: NULL argument");
    const auto total = regiokpi::amount::from_minor_units(total_minor);
    const auto shares = regiokpi::apportion(total, std::span<const double>(weights, n));
    for (size_t i = 0; i < n; ++i) shares_out[i] = shares[i].minor_units();
  });
}

namespace {
void finish_programme(rk_programme* p) { p->indicators = p->value.all_indicators(); }
}  // namespace

int rk_programme_load_file(rk_programme** out, const char* path) {
  if (out) *out = nullptr;
  return guarded([&] {
    require(out != nullptr && path != nullptr, "rk_programme_load_file: NULL argument");
    auto p = std::make_unique<rk_programme>();
    p->value = regiokpi::read_programme_file(path);
    finish_programme(p.get());
    *out = p.release();
  });
}

int rk_programme_load_json(rk_programme** out, const char* json, size_t length) {
  if (out) *out = nullptr;
  return guarded([&] {
    require(out != nullptr && json != nullptr, "rk_programme_load_json: NULL argument");
    auto p = std::make_unique<rk_programme>();
    p->value = regiokpi::read_programme(std::string_view(json, length), "<memory>");
    finish_programme(p.get());
    *out = p.release();
  });
}

void rk_programme_destroy(rk_programme* programme) { delete programme; }

const char* rk_programme_id(const rk_programme* p) { return p ? p->value.id.c_str() : nullptr; }
const char* rk_programme_name(const rk_programme* p) { return p ? p->value.name.c_str() : nullptr; }
size_t rk_programme_indicator_count(const rk_programme* p) { return p ? p->indicators.size() : 0; }
const char* rk_programme_indicator_id(const rk_programme* p, size_t i) {
  return p && i < p->indicators.size() ? p->indicators[i]->id.c_str() : nullptr;
}

int rk_programme_funding_export_arrow(const rk_programme* programme, struct ArrowArrayStream* out) {
  return guarded([&] {
    require(programme != nullptr && out != nullptr, "rk_programme_funding_export_arrow: NULL argument");
    arrow_column contribution{"contribution", 'u'};
    arrow_column party{"party", 'u'};
    arrow_column member{"member", 'u'};
    arrow_column money{"amount", 'd'};
    if (const auto& f = programme->value.funding) {
      const regiokpi::evaluated_funding ef = regiokpi::evaluate_funding(*f);
      if (!ef.lines.empty()) money.decimal_scale = ef.total.scale();
      // Pools only define a base for others; leaving them out makes the rows add up to the total.
      for (const auto& l : ef.lines) {
        if (l.pool) continue;
        contribution.strings.push_back(l.contribution);
        party.strings.push_back(l.party);
        member.strings.push_back(l.member);
        money.minor_units.push_back(l.value.minor_units());
      }
    }
    std::vector<arrow_column> cols;
    cols.push_back(std::move(contribution));
    cols.push_back(std::move(party));
    cols.push_back(std::move(member));
    cols.push_back(std::move(money));
    make_stream(out, std::move(cols));
  });
}

int rk_store_create(rk_store** out) {
  if (out) *out = nullptr;
  return guarded([&] {
    require(out != nullptr, "rk_store_create: NULL argument");
    *out = new rk_store;
  });
}

void rk_store_destroy(rk_store* store) { delete store; }

size_t rk_store_size(const rk_store* store) { return store ? store->value.size() : 0; }

namespace {
regiokpi::ingest_options to_ingest_options(const rk_ingest_options* o, const char* default_name) {
  regiokpi::ingest_options io;
  io.source_name = default_name;
  if (o == nullptr) return io;
  require_version(o, 1, "rk_ingest_options", "RK_INGEST_OPTIONS_VERSION");
  if (o->programme) io.programme = &o->programme->value;
  if (o->source_name) io.source_name = o->source_name;
  if (o->max_errors) io.max_errors = o->max_errors;
  return io;
}
}  // namespace

int rk_store_ingest_csv_file(rk_store* store, const char* path, const rk_ingest_options* options) {
  return guarded([&] {
    require(store != nullptr && path != nullptr, "rk_store_ingest_csv_file: NULL argument");
    regiokpi::ingest_csv_file(store->value, path, to_ingest_options(options, path));
  });
}

int rk_store_ingest_csv(rk_store* store, const char* text, size_t length, const rk_ingest_options* options) {
  return guarded([&] {
    require(store != nullptr && (text != nullptr || length == 0), "rk_store_ingest_csv: NULL argument");
    regiokpi::ingest_csv(store->value, std::string_view(text ? text : "", length),
                         to_ingest_options(options, "<memory>"));
  });
}

int rk_store_open(rk_store** out, const char* dir, const rk_programme* programme) {
  if (out) *out = nullptr;
  return guarded([&] {
    require(out != nullptr && dir != nullptr, "rk_store_open: NULL argument");
    auto st = std::make_unique<rk_store>();
    st->value = regiokpi::store_open(dir, programme ? &programme->value : nullptr);
    *out = st.release();
  });
}

int rk_store_import(const char* dir, const char* csv_path, const rk_ingest_options* options, int wait, size_t* rows) {
  if (rows) *rows = 0;
  return guarded([&] {
    require(dir != nullptr && csv_path != nullptr, "rk_store_import: NULL argument");
    regiokpi::store_write_options w;
    w.wait = wait != 0;
    const regiokpi::ingest_summary s =
        regiokpi::store_import_csv(dir, csv_path, to_ingest_options(options, csv_path), w);
    if (rows) *rows = s.rows;
  });
}

using regiokpi::detail::utf8_problem;  // what measurement_store::append checks too

int rk_store_append(rk_store* store, const char* const* dimension_names, size_t dimension_count,
                    const rk_measurement* rows, size_t row_count) {
  return guarded([&] {
    require(store != nullptr && (rows != nullptr || row_count == 0), "rk_store_append: NULL argument");
    require(dimension_names != nullptr || dimension_count == 0, "rk_store_append: NULL dimension names");
    std::vector<std::string> dims;
    std::vector<regiokpi::diagnostic> problems;
    for (size_t d = 0; d < dimension_count; ++d) {
      require(dimension_names[d] != nullptr, "rk_store_append: NULL dimension name");
      dims.emplace_back(dimension_names[d]);
      if (auto bad = utf8_problem("dimension name", dims.back()); !bad.empty())
        problems.push_back({"dimension " + std::to_string(d + 1), std::move(bad)});
    }
    std::vector<regiokpi::measurement> ms;
    ms.reserve(row_count);
    for (size_t i = 0; i < row_count; ++i) {
      const rk_measurement& r = rows[i];
      // Named as measurement_store::append names them (1-based), so one bad row has one name.
      const std::string where = "measurement " + std::to_string(i + 1);
      if (r.indicator == nullptr || r.date == nullptr || (dimension_count && r.coordinates == nullptr)) {
        problems.push_back({where, "indicator, date and coordinates are required"});
        continue;
      }
      const auto when = regiokpi::try_parse_date(r.date);
      if (!when) {
        problems.push_back({where, regiokpi::quote(r.date) + " is not a valid date (YYYY-MM-DD)"});
        continue;
      }
      std::string bad = utf8_problem("indicator", r.indicator);
      for (size_t d = 0; d < dimension_count && bad.empty(); ++d)
        if (r.coordinates[d]) bad = utf8_problem("coordinate " + std::to_string(d + 1), r.coordinates[d]);
      if (bad.empty() && r.source) bad = utf8_problem("source", r.source);
      if (!bad.empty()) {
        problems.push_back({where, std::move(bad)});
        continue;
      }
      regiokpi::measurement m;
      m.indicator = r.indicator;
      m.when = *when;
      for (size_t d = 0; d < dimension_count; ++d) m.coordinates.emplace_back(r.coordinates[d] ? r.coordinates[d] : "");
      m.value = r.value;
      if (r.status) {
        const auto st = regiokpi::parse_measurement_status(r.status);
        if (!st) {
          problems.push_back({where, regiokpi::quote(r.status) + " is not a status (provisional, final, estimated)"});
          continue;
        }
        m.status = *st;
      }
      if (r.source) m.source = r.source;
      if (r.recorded_at) {
        const auto rec = regiokpi::try_parse_date(r.recorded_at);
        if (!rec) {
          problems.push_back({where, regiokpi::quote(r.recorded_at) + " is not a valid recorded_at date"});
          continue;
        }
        m.recorded_at = *rec;
      }
      m.revision = r.revision;
      ms.push_back(std::move(m));
    }
    if (!problems.empty()) throw regiokpi::error(regiokpi::errc::parse_error, std::move(problems));
    store->value.append(dims, ms);
  });
}

int rk_store_export_arrow(const rk_store* store, struct ArrowArrayStream* out) {
  return guarded([&] {
    require(store != nullptr && out != nullptr, "rk_store_export_arrow: NULL argument");
    const auto& s = store->value;
    std::vector<arrow_column> cols;
    arrow_column ind{"indicator", 'u'};
    arrow_column day{"date", 'D'};
    arrow_column val{"value", 'g'};
    std::vector<arrow_column> dims;
    for (const auto& d : s.dimensions()) dims.push_back(arrow_column{d, 'u'});
    const std::size_t n = s.size();
    ind.strings.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto series = s.series_ids()[i];
      ind.strings.emplace_back(s.indicator_name(s.series_indicator(series)));
      for (std::size_t d = 0; d < dims.size(); ++d) dims[d].strings.emplace_back(s.coordinate(i, d));
    }
    day.days.assign(s.day_numbers().begin(), s.day_numbers().end());
    val.doubles.assign(s.values().begin(), s.values().end());
    cols.push_back(std::move(ind));
    cols.push_back(std::move(day));
    for (auto& d : dims) cols.push_back(std::move(d));
    cols.push_back(std::move(val));
    make_stream(out, std::move(cols));
  });
}

namespace {
std::vector<std::string> strings_of(const char* const* items, size_t n, const char* what) {
  require(items != nullptr || n == 0, what);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    require(items[i] != nullptr, what);
    out.emplace_back(items[i]);
  }
  return out;
}
}  // namespace

int rk_aggregate(rk_result** out, const rk_store* store, const rk_query* q, const rk_programme* programme) {
  if (out) *out = nullptr;
  return guarded([&] {
    require(out != nullptr && store != nullptr && q != nullptr, "rk_aggregate: NULL argument");
    require_version(q, 1, "rk_query", "RK_QUERY_VERSION");
    require(raw_enum(q->period) >= RK_PERIOD_DAY && raw_enum(q->period) <= RK_PERIOD_FINANCIAL_YEAR,
            "rk_query: unknown period type");
    require(raw_enum(q->time_rule) >= RK_TIME_SUM && raw_enum(q->time_rule) <= RK_TIME_LAST_IN_PERIOD,
            "rk_query: unknown time rule");
    require(raw_enum(q->space_rule) >= RK_SPACE_SUM && raw_enum(q->space_rule) <= RK_SPACE_COVERAGE,
            "rk_query: unknown space rule");
    regiokpi::query cq;
    cq.indicators = strings_of(q->indicators, q->indicator_count, "rk_query: NULL indicator id");
    cq.period = static_cast<regiokpi::period_type>(q->period);
    cq.fy_first_month = q->fy_first_month == 0 ? 1 : q->fy_first_month;
    if (q->from) cq.from = date_arg(q->from, "rk_query: from");
    if (q->to) cq.to = date_arg(q->to, "rk_query: to");
    cq.group_by = strings_of(q->group_by, q->group_by_count, "rk_query: NULL group_by name");
    cq.time = static_cast<regiokpi::time_rule>(q->time_rule);
    cq.space = static_cast<regiokpi::space_rule>(q->space_rule);
    cq.cumulative = q->cumulative != 0;
    if (q->as_recorded_on) cq.as_recorded_on = date_arg(q->as_recorded_on, "rk_query: as_recorded_on");
    if (q->weight_attribute) cq.weight_attribute = q->weight_attribute;
    cq.coverage_threshold = q->coverage_threshold;
    // Fields appended in later versions are read only when the caller's struct has them.
    if (q->version >= 2 && q->space_dimension) cq.space_dimension = q->space_dimension;
    auto r = std::make_unique<rk_result>();
    r->value = regiokpi::aggregate(store->value, cq, programme ? &programme->value : nullptr);
    const auto& v = r->value;
    r->labels.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) r->labels.push_back(v.period_of(i).label());
    r->indicator_ids.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) r->indicator_ids.emplace_back(v.indicator(i));
    r->groups.resize(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
      for (std::size_t k = 0; k < v.group_by.size(); ++k) r->groups[i].emplace_back(v.group_value(i, k));
    *out = r.release();
  });
}

void rk_result_destroy(rk_result* result) { delete result; }
size_t rk_result_row_count(const rk_result* r) { return r ? r->value.size() : 0; }
size_t rk_result_group_by_count(const rk_result* r) { return r ? r->value.group_by.size() : 0; }

int rk_result_get_row(const rk_result* r, size_t row, rk_result_row* out) {
  return guarded([&] {
    require(r != nullptr && out != nullptr, "rk_result_get_row: NULL argument");
    if (row >= r->value.size())
      throw regiokpi::error(regiokpi::errc::invalid_argument,
                            "rk_result_get_row: row " + std::to_string(row) + " is out of range");
    out->indicator = r->indicator_ids[row].c_str();
    out->period = r->labels[row].c_str();
    out->period_first_day = r->value.period_of(row).first_day().day_number();
    out->value = r->value.value(row);
  });
}

const char* rk_result_group_value(const rk_result* r, size_t row, size_t k) {
  if (!r || row >= r->groups.size() || k >= r->groups[row].size()) return nullptr;
  return r->groups[row][k].c_str();
}

int rk_result_export_arrow(const rk_result* r, struct ArrowArrayStream* out) {
  return guarded([&] {
    require(r != nullptr && out != nullptr, "rk_result_export_arrow: NULL argument");
    std::vector<arrow_column> cols;
    arrow_column ind{"indicator", 'u'};
    ind.strings = r->indicator_ids;
    cols.push_back(std::move(ind));
    for (std::size_t k = 0; k < r->value.group_by.size(); ++k) {
      arrow_column g{r->value.group_by[k], 'u'};
      for (const auto& row : r->groups) g.strings.push_back(row[k]);
      cols.push_back(std::move(g));
    }
    arrow_column label{"period", 'u'};
    label.strings = r->labels;
    arrow_column start{"period_start", 'D'};
    arrow_column val{"value", 'g'};
    for (std::size_t i = 0; i < r->value.size(); ++i) {
      start.days.push_back(r->value.period_of(i).first_day().day_number());
      val.doubles.push_back(r->value.value(i));
    }
    cols.push_back(std::move(label));
    cols.push_back(std::move(start));
    cols.push_back(std::move(val));
    make_stream(out, std::move(cols));
  });
}

int rk_evaluate(rk_report** out, const rk_programme* programme, const rk_store* store, const rk_evaluate_options* o) {
  if (out) *out = nullptr;
  return guarded([&] {
    require(out != nullptr && programme != nullptr && store != nullptr && o != nullptr, "rk_evaluate: NULL argument");
    require_version(o, 1, "rk_evaluate_options", "RK_EVALUATE_OPTIONS_VERSION");
    require(raw_enum(o->trajectory) >= RK_TRAJECTORY_LINEAR && raw_enum(o->trajectory) <= RK_TRAJECTORY_GROWTH,
            "rk_evaluate_options: unknown trajectory");
    require(raw_enum(o->series_period) >= RK_PERIOD_DAY && raw_enum(o->series_period) <= RK_PERIOD_FINANCIAL_YEAR,
            "rk_evaluate_options: unknown period type");
    regiokpi::evaluation_settings s;
    s.as_of = date_arg(o->as_of, "rk_evaluate_options: as_of is required");
    if (o->as_recorded_on) s.as_recorded_on = date_arg(o->as_recorded_on, "as_recorded_on");
    s.shape = static_cast<regiokpi::trajectory_shape>(o->trajectory);
    s.series_period = static_cast<regiokpi::period_type>(o->series_period);
    if (o->forecast_level != 0) {
      require(o->forecast_level > 0 && o->forecast_level < 1, "rk_evaluate_options: forecast_level must be in (0, 1)");
      s.forecast_level = o->forecast_level;
    }
    if (o->version >= 2) {  // issue 11
      require(raw_enum(o->forecast_method) >= RK_FORECAST_AUTO && raw_enum(o->forecast_method) <= RK_FORECAST_THETA,
              "rk_evaluate_options: unknown forecast_method");
      s.method = static_cast<regiokpi::forecast_method>(o->forecast_method);
      if (o->forecast_at) s.forecast_at = date_arg(o->forecast_at, "forecast_at");
    }
    if (o->version >= 2 && o->fy_first_month != 0) {
      require(o->fy_first_month >= 1 && o->fy_first_month <= 12, "rk_evaluate_options: fy_first_month must be 1..12");
      s.fy_first_month = o->fy_first_month;
    }
    auto r = std::make_unique<rk_report>();
    r->value = regiokpi::evaluate_programme(programme->value, store->value, s);
    *out = r.release();
  });
}

void rk_report_destroy(rk_report* report) { delete report; }
size_t rk_report_indicator_count(const rk_report* r) { return r ? r->value.indicators.size() : 0; }

int rk_report_get_indicator(const rk_report* r, size_t i, rk_indicator_progress* out) {
  return guarded([&] {
    require(r != nullptr && out != nullptr, "rk_report_get_indicator: NULL argument");
    if (i >= r->value.indicators.size())
      throw regiokpi::error(regiokpi::errc::invalid_argument,
                            "rk_report_get_indicator: indicator " + std::to_string(i) + " is out of range");
    const auto& ir = r->value.indicators[i];
    const auto& p = ir.progress;
    out->id = ir.id.c_str();
    out->name = ir.name.c_str();
    out->unit = ir.unit.c_str();
    out->actual = or_nan(p.actual);
    out->baseline = or_nan(p.baseline);
    out->target = or_nan(p.target);
    out->target_day = or_no_day(p.target_date);
    out->final_target = or_nan(p.final_target);
    out->achievement = or_nan(p.achievement);
    out->final_achievement = or_nan(p.final_achievement);
    out->expected = or_nan(p.expected);
    out->gap = or_nan(p.gap);
    out->status = static_cast<rk_status>(p.status);
    out->forecast_value = or_nan(ir.forecast.value);
    out->forecast_low = or_nan(ir.forecast.low);
    out->forecast_high = or_nan(ir.forecast.high);
    out->forecast_eta_day = or_no_day(ir.forecast.eta);
    out->coverage_met = p.coverage ? static_cast<int64_t>(p.coverage->met) : -1;
    out->coverage_total = p.coverage ? static_cast<int64_t>(p.coverage->total) : -1;
  });
}

int rk_report_get_forecast(const rk_report* r, size_t i, rk_indicator_forecast* out) {
  return guarded([&] {
    require(r != nullptr && out != nullptr, "rk_report_get_forecast: NULL argument");
    if (i >= r->value.indicators.size())
      throw regiokpi::error(regiokpi::errc::invalid_argument,
                            "rk_report_get_forecast: indicator " + std::to_string(i) + " is out of range");
    const auto& f = r->value.indicators[i].forecast;
    out->method = f.method.c_str();
    out->at_day = or_no_day(f.at);
    out->value = or_nan(f.value);
    out->low = or_nan(f.low);
    out->high = or_nan(f.high);
    out->p_reach = or_nan(f.p_reach);
    out->eta_day = or_no_day(f.eta);
    out->eta_status = f.eta_status ? regiokpi::report_name(*f.eta_status).data() : "";
    out->reason = f.reason.c_str();
  });
}

int rk_forecast(const double* values, size_t n, size_t horizon, const rk_forecast_options* o, double* mean, double* low,
                double* high) {
  return guarded([&] {
    require((values != nullptr || n == 0) && o != nullptr && mean != nullptr, "rk_forecast: NULL argument");
    require_version(o, 1, "rk_forecast_options", "RK_FORECAST_OPTIONS_VERSION");
    require(raw_enum(o->method) >= RK_FORECAST_AUTO && raw_enum(o->method) <= RK_FORECAST_THETA,
            "rk_forecast_options: unknown method");
    regiokpi::series_forecast_options so;
    so.method = static_cast<regiokpi::forecast_method>(o->method);
    if (o->level != 0) so.level = o->level;
    so.season = o->season;
    if (o->has_lower) so.domain.lower = o->lower;
    if (o->has_upper) so.domain.upper = o->upper;
    so.domain.cumulative = o->cumulative != 0;
    if (so.domain.cumulative && o->has_lower && o->lower >= 0) so.domain.flow_lower = 0;
    const auto f = regiokpi::forecast_series(std::span<const double>(values, n), horizon, so);
    if (f.info == regiokpi::forecast_info::invalid_argument)
      throw regiokpi::error(regiokpi::errc::invalid_argument, "rk_forecast: " + f.message);
    if (!f.ok())
      throw regiokpi::error(regiokpi::errc::no_answer,
                            "rk_forecast: " + std::string(regiokpi::to_string(f.info)) + ": " + f.message);
    for (size_t k = 0; k < horizon; ++k) {
      mean[k] = f.mean[k];
      if (low) low[k] = f.has_interval() ? f.low[k] : std::numeric_limits<double>::quiet_NaN();
      if (high) high[k] = f.has_interval() ? f.high[k] : std::numeric_limits<double>::quiet_NaN();
    }
  });
}

int rk_report_get_indicator_v2(const rk_report* r, size_t i, rk_indicator_progress_v2* out) {
  const int rc = rk_report_get_indicator(r, i, out ? &out->v1 : nullptr);
  if (rc != 0) return rc;
  return guarded([&] {
    require_version(out, 2, "rk_indicator_progress_v2", "RK_INDICATOR_PROGRESS_VERSION");
    const auto& ir = r->value.indicators[i];
    const auto& p = ir.progress;
    out->trend = p.trend ? static_cast<rk_trend>(*p.trend) : RK_TREND_NONE;
    out->target_only = p.achievement_basis == regiokpi::achievement_basis::target_only ? 1 : 0;
    out->stale = p.stale ? 1 : 0;
    out->actual_status = ir.actual_status && *ir.actual_status != regiokpi::measurement_status::unspecified
                             ? regiokpi::to_string(*ir.actual_status).data()
                             : nullptr;
    out->actual_day = or_no_day(p.actual_date);
    out->expected_achievement = or_nan(p.expected_achievement);
    out->required_rate = p.required_rate ? p.required_rate->value : or_nan(std::nullopt);
    out->recent_rate = p.recent_rate ? p.recent_rate->value : or_nan(std::nullopt);
    out->rate_period = static_cast<rk_period_type>(r->value.series_period);
  });
}

int rk_report_get_text(const rk_report* r, size_t i, const char** text) {
  if (text) *text = nullptr;
  return guarded([&] {
    require(r != nullptr && text != nullptr, "rk_report_get_text: NULL argument");
    if (i >= r->value.indicators.size())
      throw regiokpi::error(regiokpi::errc::invalid_argument,
                            "rk_report_get_text: indicator " + std::to_string(i) + " is out of range");
    const auto& t = r->value.indicators[i].actual_text;
    if (t) *text = t->c_str();
  });
}

int rk_store_latest_text(char** text, int32_t* day, const rk_store* store, const char* indicator, const char* as_of) {
  if (text) *text = nullptr;
  if (day) *day = no_day;
  return guarded([&] {
    require(text != nullptr && store != nullptr && indicator != nullptr, "rk_store_latest_text: NULL argument");
    const regiokpi::date when = date_arg(as_of, "rk_store_latest_text: NULL as_of");
    const auto t = store->value.latest_text(indicator, when);
    if (!t) return;
    // The store's texts are not NUL-terminated: the caller gets its own copy.
    char* buf = static_cast<char*>(std::malloc(t->text.size() + 1));
    if (buf == nullptr) throw std::bad_alloc();
    std::memcpy(buf, t->text.data(), t->text.size());
    buf[t->text.size()] = '\0';
    *text = buf;
    if (day) *day = t->when.day_number();
  });
}

size_t rk_report_node_count(const rk_report* r) { return r ? r->value.nodes.size() : 0; }

int rk_report_get_node(const rk_report* r, size_t i, rk_node_progress* out) {
  return guarded([&] {
    require(r != nullptr && out != nullptr, "rk_report_get_node: NULL argument");
    if (i >= r->value.nodes.size())
      throw regiokpi::error(regiokpi::errc::invalid_argument,
                            "rk_report_get_node: node " + std::to_string(i) + " is out of range");
    const auto& n = r->value.nodes[i];
    out->id = n.id.c_str();
    out->kind = regiokpi::to_string(n.kind).data();
    out->status = static_cast<rk_status>(n.status);
    out->achievement = or_nan(n.achievement);
    out->expected_achievement = or_nan(n.expected_achievement);
    out->children_total = n.children_total;
    out->children_assessed = n.children_assessed;
    static_assert(sizeof out->indicator_counts / sizeof out->indicator_counts[0] == regiokpi::progress_status_count);
    for (std::size_t k = 0; k < regiokpi::progress_status_count; ++k) out->indicator_counts[k] = n.indicator_counts[k];
  });
}

int rk_report_programme_status(const rk_report* r, rk_status* status, double* achievement) {
  return guarded([&] {
    require(r != nullptr && status != nullptr && achievement != nullptr, "rk_report_programme_status: NULL argument");
    require(!r->value.nodes.empty(), "rk_report_programme_status: the report has no nodes");
    const auto& top = r->value.nodes.back();
    *status = static_cast<rk_status>(top.status);
    *achievement = or_nan(top.achievement);
  });
}

int rk_report_render(char** text, size_t* length, const rk_report* r, rk_report_format format) {
  if (text) *text = nullptr;
  if (length) *length = 0;
  return guarded([&] {
    require(text != nullptr && r != nullptr, "rk_report_render: NULL argument");
    std::string s;
    switch (raw_enum(format)) {
      case RK_FORMAT_JSON:
        s = regiokpi::report_to_json(r->value);
        break;
      case RK_FORMAT_CSV:
        s = regiokpi::report_to_csv(r->value);
        break;
      case RK_FORMAT_MARKDOWN:
        s = regiokpi::report_to_markdown(r->value);
        break;
      case RK_FORMAT_HTML:
        s = regiokpi::report_to_html(r->value);
        break;
      case RK_FORMAT_XLSX:
        s = regiokpi::report_to_xlsx(r->value);
        break;
      case RK_FORMAT_SDMX_CSV:
        s = regiokpi::report_to_sdmx_csv(r->value);
        break;
      default:
        throw regiokpi::error(regiokpi::errc::invalid_argument, "rk_report_render: unknown format");
    }
    char* buf = static_cast<char*>(std::malloc(s.size() + 1));
    if (buf == nullptr) throw std::bad_alloc();
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    *text = buf;
    if (length) *length = s.size();
  });
}

}  // extern "C"

// ---- data quality (issue 12) -----------------------------------------------------------------------

namespace {

regiokpi::quality_report check_with(const rk_programme* programme, const rk_store* store, const rk_check_options* o,
                                    const char* who) {
  require(programme != nullptr && store != nullptr && o != nullptr, who);
  require(o->version >= 1, "rk_check_options: version must be RK_CHECK_OPTIONS_VERSION");
  regiokpi::quality_settings qs;
  qs.as_of = date_arg(o->as_of, "rk_check_options: as_of is required");
  if (o->outlier_threshold != 0) qs.outlier_threshold = o->outlier_threshold;
  return regiokpi::check_quality(programme->value, store->value, qs);
}

}  // namespace

int rk_check(char** json, size_t* length, const rk_programme* programme, const rk_store* store,
             const rk_check_options* options) {
  if (json) *json = nullptr;
  if (length) *length = 0;
  return guarded([&] {
    require(json != nullptr, "rk_check: NULL argument");
    const std::string s = regiokpi::quality_to_json(check_with(programme, store, options, "rk_check: NULL argument"));
    char* buf = static_cast<char*>(std::malloc(s.size() + 1));
    if (buf == nullptr) throw std::bad_alloc();
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    *json = buf;
    if (length) *length = s.size();
  });
}

int rk_check_export_arrow(const rk_programme* programme, const rk_store* store, const rk_check_options* options,
                          struct ArrowArrayStream* out) {
  return guarded([&] {
    require(out != nullptr, "rk_check_export_arrow: NULL argument");
    const regiokpi::quality_report q = check_with(programme, store, options, "rk_check_export_arrow: NULL argument");
    arrow_column kind{"kind", 'u'}, importance{"importance", 'u'}, subject{"subject", 'u'}, member{"member", 'u'},
        period{"period", 'u'}, day{"date", 'u'}, value{"value", 'g'}, detail{"detail", 'u'};
    const double none = std::numeric_limits<double>::quiet_NaN();
    const auto add = [&](std::string_view k, regiokpi::importance level, const std::string& s, const std::string& m,
                         const std::string& p, const std::string& d, double v, const std::string& why) {
      kind.strings.emplace_back(k);
      importance.strings.emplace_back(regiokpi::to_string(level));
      subject.strings.push_back(s);
      member.strings.push_back(m);
      period.strings.push_back(p);
      day.strings.push_back(d);
      value.doubles.push_back(v);
      detail.strings.push_back(why);
    };
    for (const auto level : {regiokpi::importance::high, regiokpi::importance::medium, regiokpi::importance::low}) {
      for (const auto& v : q.violations)
        if (v.importance == level)
          add("violation", level, v.rule, v.member, v.period.label(), "", v.left,
              "right side " + regiokpi::number_text(v.right));
      if (level == regiokpi::importance::medium)
        for (const auto& m : q.completeness.missing)
          add("missing", level, m.indicator, m.member, m.period.label(), "", none, "");
      if (level == regiokpi::importance::low) {
        for (const auto& l : q.timeliness.late)
          add("late", level, l.indicator, l.member, l.period.label(), regiokpi::format_date(l.recorded), l.days_late,
              "days after " + regiokpi::format_date(l.due));
        for (const auto& x : q.outliers)
          add("outlier", level, x.indicator, x.member, "", regiokpi::format_date(x.when), x.value, x.reason);
      }
    }
    std::vector<arrow_column> cols;
    for (auto* c : {&kind, &importance, &subject, &member, &period, &day, &value, &detail})
      cols.push_back(std::move(*c));
    make_stream(out, std::move(cols));
  });
}
