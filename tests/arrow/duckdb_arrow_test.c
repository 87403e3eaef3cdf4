/* regiokpi's Arrow C streams read by a consumer nobody here wrote: DuckDB's shared library, loaded with
 * dlopen() (so nothing in the build depends on it), scans each stream with duckdb_arrow_scan and sums
 * its columns in SQL; the sums must equal the library's own answer and the figures this program knows
 * from the data it generated. Every stream is wrapped so that the test also sees DuckDB release every
 * array it was given, and releases the schemas DuckDB keeps without releasing (see the wrapper);
 * under ASan a missing or double release in regiokpi's callbacks shows up as a leak or a
 * use-after-free.
 *   duckdb_arrow_test LIBDUCKDB.so SOURCE_DIR   -> exit 0 pass, 1 fail, 77 DuckDB unusable (skip)
 * tests/cli/arrow_duckdb.sh builds and runs it. */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regiokpi/regiokpi.h"

/* ---- the few DuckDB C API declarations used (duckdb.h, v1.x; the npm package ships no header) ---- */
typedef uint64_t idx_t;
typedef void* duckdb_database;
typedef void* duckdb_connection;
typedef struct {
  idx_t deprecated_column_count;
  idx_t deprecated_row_count;
  idx_t deprecated_rows_changed;
  void* deprecated_columns;
  char* deprecated_error_message;
  void* internal_data;
} duckdb_result;
enum { DuckDBSuccess = 0 };

static struct {
  int (*open)(const char* path, duckdb_database* out);
  int (*connect)(duckdb_database db, duckdb_connection* out);
  int (*arrow_scan)(duckdb_connection con, const char* table_name, void* arrow_stream);
  int (*query)(duckdb_connection con, const char* sql, duckdb_result* out);
  const char* (*result_error)(duckdb_result* result);
  double (*value_double)(duckdb_result* result, idx_t col, idx_t row);
  int64_t (*value_int64)(duckdb_result* result, idx_t col, idx_t row);
  char* (*value_varchar)(duckdb_result* result, idx_t col, idx_t row);
  void (*free)(void* p);
  void (*destroy_result)(duckdb_result* result);
  void (*disconnect)(duckdb_connection* con);
  void (*close)(duckdb_database* db);
} duck;

static int load_duckdb(const char* path) {
  void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    printf("SKIPPED: cannot load %s: %s\n", path, dlerror());
    return 0;
  }
#define RK_SYM(field, name)                                 \
  if ((*(void**)& duck.field = dlsym(lib, name)) == NULL) { \
    printf("SKIPPED: %s has no %s\n", path, name);          \
    return 0;                                               \
  }
  RK_SYM(open, "duckdb_open")
  RK_SYM(connect, "duckdb_connect")
  RK_SYM(arrow_scan, "duckdb_arrow_scan")
  RK_SYM(query, "duckdb_query")
  RK_SYM(result_error, "duckdb_result_error")
  RK_SYM(value_double, "duckdb_value_double")
  RK_SYM(value_int64, "duckdb_value_int64")
  RK_SYM(value_varchar, "duckdb_value_varchar")
  RK_SYM(free, "duckdb_free")
  RK_SYM(destroy_result, "duckdb_destroy_result")
  RK_SYM(disconnect, "duckdb_disconnect")
  RK_SYM(close, "duckdb_close")
#undef RK_SYM
  /* The library stays loaded until exit: DuckDB's threads and atexit handlers may still need it. */
  return 1;
}

static int passed = 0, failed = 0;

#define CHECK(cond)                                                                                                \
  do {                                                                                                             \
    if (cond) {                                                                                                    \
      ++passed;                                                                                                    \
    } else {                                                                                                       \
      ++failed;                                                                                                    \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; rk_last_error: %s\n", __FILE__, __LINE__, #cond, rk_last_error()); \
    }                                                                                                              \
  } while (0)

/* ---- a counting wrapper around a producer's stream ----------------------------------------------- */
/* It forwards every call and swaps each schema's and array's release callback for one that counts and
 * then calls the producer's. A consumer may move the structs (copy them and mark the source released);
 * private_data travels with them, so the wrapper finds the original either way.
 * duckdb_arrow_scan keeps the root schemas it asks for without ever releasing them (its source says
 * they are "the caller's responsibility": it nulls their release callback), so the wrapper remembers
 * every schema it hands out and, when it is itself released (after the database is closed), releases
 * those DuckDB abandoned. Arrays DuckDB must release itself, and it does. */
typedef struct counts {
  int schemas_given, schemas_released, schemas_abandoned, arrays_given, arrays_released;
} counts;

typedef struct wrapped_schema {
  struct ArrowSchema original; /* the producer's struct as handed out */
  int released;
  counts* tally;
  struct wrapped_schema* next;
} wrapped_schema;

typedef struct wrapped_array {
  void (*release)(struct ArrowArray*);
  void* private_data;
  counts* tally;
} wrapped_array;

typedef struct wrapper {
  struct ArrowArrayStream inner;
  counts* tally;
  wrapped_schema* schemas; /* every schema handed out, newest first */
} wrapper;

static void counted_schema_release(struct ArrowSchema* s) {
  wrapped_schema* w = (wrapped_schema*)s->private_data;
  s->release = NULL;
  w->released = 1;
  ++w->tally->schemas_released;
  w->original.release(&w->original);
}

static void counted_array_release(struct ArrowArray* a) {
  wrapped_array* w = (wrapped_array*)a->private_data;
  a->release = w->release;
  a->private_data = w->private_data;
  ++w->tally->arrays_released;
  free(w);
  a->release(a);
}

static int wrapper_get_schema(struct ArrowArrayStream* s, struct ArrowSchema* out) {
  wrapper* w = (wrapper*)s->private_data;
  const int rc = w->inner.get_schema(&w->inner, out);
  if (rc == 0 && out->release != NULL) {
    wrapped_schema* ws = (wrapped_schema*)calloc(1, sizeof *ws);
    if (ws == NULL) abort();
    ws->original = *out;
    ws->tally = w->tally;
    ws->next = w->schemas;
    w->schemas = ws;
    out->release = counted_schema_release;
    out->private_data = ws;
    ++w->tally->schemas_given;
  }
  return rc;
}

static int wrapper_get_next(struct ArrowArrayStream* s, struct ArrowArray* out) {
  wrapper* w = (wrapper*)s->private_data;
  const int rc = w->inner.get_next(&w->inner, out);
  if (rc == 0 && out->release != NULL) {
    wrapped_array* wa = (wrapped_array*)malloc(sizeof *wa);
    if (wa == NULL) abort();
    wa->release = out->release;
    wa->private_data = out->private_data;
    wa->tally = w->tally;
    out->release = counted_array_release;
    out->private_data = wa;
    ++w->tally->arrays_given;
  }
  return rc;
}

static const char* wrapper_last_error(struct ArrowArrayStream* s) {
  wrapper* w = (wrapper*)s->private_data;
  return w->inner.get_last_error(&w->inner);
}

static void wrapper_release(struct ArrowArrayStream* s) {
  wrapper* w = (wrapper*)s->private_data;
  while (w->schemas != NULL) {
    wrapped_schema* ws = w->schemas;
    w->schemas = ws->next;
    if (!ws->released) {
      ++w->tally->schemas_abandoned;
      ws->original.release(&ws->original);
    }
    free(ws);
  }
  w->inner.release(&w->inner);
  free(w);
  s->release = NULL;
}

/* Takes over *inner (marking it released) and makes *out a counting stream around it. */
static void wrap_stream(struct ArrowArrayStream* out, struct ArrowArrayStream* inner, counts* tally) {
  wrapper* w = (wrapper*)calloc(1, sizeof *w);
  if (w == NULL) abort();
  w->inner = *inner;
  w->tally = tally;
  inner->release = NULL;
  out->get_schema = wrapper_get_schema;
  out->get_next = wrapper_get_next;
  out->get_last_error = wrapper_last_error;
  out->release = wrapper_release;
  out->private_data = w;
}

/* ---- running SQL over a stream ------------------------------------------------------------------- */

/* Registers the stream as view `name` and runs `sql` (one row expected) into *result; the caller reads
 * the row and destroys the result. DuckDB borrows the stream: main() releases it after duckdb_close. */
static int scan_and_query(duckdb_connection con, const char* name, struct ArrowArrayStream* stream, const char* sql,
                          duckdb_result* result) {
  if (duck.arrow_scan(con, name, stream) != DuckDBSuccess) {
    fprintf(stderr, "duckdb_arrow_scan(%s) failed\n", name);
    return 0;
  }
  if (duck.query(con, sql, result) != DuckDBSuccess) {
    fprintf(stderr, "DuckDB: %s\n  in: %s\n", duck.result_error(result), sql);
    duck.destroy_result(result);
    return 0;
  }
  return 1;
}

/* The text of a cell ("" on failure), copied into buf. */
static const char* cell(duckdb_result* r, idx_t col, char* buf, size_t size) {
  char* s = duck.value_varchar(r, col, 0);
  snprintf(buf, size, "%s", s ? s : "");
  duck.free(s);
  return buf;
}

/* ---- the data ------------------------------------------------------------------------------------ */

static const char* const indicators[] = {"jobs", "visits", "hectares"};
static const char* const regions[] = {"emmen", "hoogeveen", "coevorden", "aa-en-hunze"};
enum { n_indicators = 3, n_regions = 4, first_year = 2019, last_year = 2022 };

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Values are multiples of 0.25 below 25, so every sum here is exact in binary floating point whatever
 * order DuckDB or the library adds in: the comparisons can be exact. */
static double value_of(int day_index, int i, int r) { return (double)((day_index * 31 + i * 17 + r * 5) % 97) * 0.25; }

typedef struct expected {
  double total;      /* every value */
  double emmen_jobs; /* indicator jobs, region emmen */
  int64_t rows;
} expected;

/* One measurement per indicator, region and day from 2019-01-01 to 2022-12-31. */
static char* make_csv(expected* e) {
  const size_t cap = 64u * 1024u * 1024u;
  char* text = (char*)malloc(cap);
  if (text == NULL) abort();
  size_t len = (size_t)snprintf(text, cap, "indicator,date,region,value\n");
  static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  memset(e, 0, sizeof *e);
  int day_index = 0;
  for (int y = first_year; y <= last_year; ++y)
    for (int m = 1; m <= 12; ++m)
      for (int d = 1; d <= month_days[m - 1] + (m == 2 && leap(y)); ++d, ++day_index)
        for (int i = 0; i < n_indicators; ++i)
          for (int r = 0; r < n_regions; ++r) {
            const double v = value_of(day_index, i, r);
            len += (size_t)snprintf(text + len, cap - len, "%s,%04d-%02d-%02d,%s,%.2f\n", indicators[i], y, m, d,
                                    regions[r], v);
            e->total += v;
            if (i == 0 && r == 0) e->emmen_jobs += v;
            ++e->rows;
          }
  return text;
}

/* What each stream gave DuckDB. Arrays are released when the query's result is destroyed; schemas
 * may be kept with the view until the database closes, so they are checked after duckdb_close. */
static counts store_tally, query_tally, funding_tally;
/* The streams DuckDB scans; duckdb_arrow_scan borrows them, so they live until the database is closed. */
static struct ArrowArrayStream store_stream, query_stream, funding_stream;

/* ---- the tests ----------------------------------------------------------------------------------- */

static void test_store(duckdb_connection con, const rk_store* store, const expected* e) {
  struct ArrowArrayStream raw;
  counts* tally = &store_tally;
  CHECK(rk_store_export_arrow(store, &raw) == RK_OK);
  wrap_stream(&store_stream, &raw, tally);
  duckdb_result res;
  const char* sql =
      "SELECT sum(value), count(*), CAST(min(date) AS VARCHAR), CAST(max(date) AS VARCHAR), "
      "sum(value) FILTER (WHERE indicator = 'jobs' AND region = 'emmen'), count(DISTINCT region), "
      "any_value(typeof(date)), any_value(typeof(value)), any_value(typeof(indicator)) FROM measurements";
  if (scan_and_query(con, "measurements", &store_stream, sql, &res)) {
    char buf[4][64];
    printf("store: DuckDB sum %.2f, rows %" PRId64 ", dates %s..%s\n", duck.value_double(&res, 0, 0),
           duck.value_int64(&res, 1, 0), cell(&res, 2, buf[0], sizeof buf[0]), cell(&res, 3, buf[1], sizeof buf[1]));
    CHECK(duck.value_double(&res, 0, 0) == e->total);
    CHECK(duck.value_int64(&res, 1, 0) == e->rows);
    CHECK(duck.value_int64(&res, 1, 0) == (int64_t)rk_store_size(store));
    CHECK(strcmp(cell(&res, 2, buf[0], sizeof buf[0]), "2019-01-01") == 0);
    CHECK(strcmp(cell(&res, 3, buf[0], sizeof buf[0]), "2022-12-31") == 0);
    CHECK(duck.value_double(&res, 4, 0) == e->emmen_jobs);
    CHECK(duck.value_int64(&res, 5, 0) == n_regions);
    CHECK(strcmp(cell(&res, 6, buf[0], sizeof buf[0]), "DATE") == 0);
    CHECK(strcmp(cell(&res, 7, buf[0], sizeof buf[0]), "DOUBLE") == 0);
    CHECK(strcmp(cell(&res, 8, buf[0], sizeof buf[0]), "VARCHAR") == 0);
    duck.destroy_result(&res);
  } else {
    CHECK(!"the store stream could not be queried");
  }
  CHECK(tally->arrays_given >= 1 && tally->arrays_released == tally->arrays_given);
}

static void test_query(duckdb_connection con, const rk_store* store, const expected* e) {
  /* SUM per quarter and region: 3 indicators x 4 regions x 16 quarters. */
  rk_query q;
  memset(&q, 0, sizeof q);
  q.version = RK_QUERY_VERSION;
  q.period = RK_PERIOD_QUARTER;
  q.time_rule = RK_TIME_SUM;
  q.space_rule = RK_SPACE_SUM;
  const char* by[] = {"region"};
  q.group_by = by;
  q.group_by_count = 1;
  rk_result* result = NULL;
  CHECK(rk_aggregate(&result, store, &q, NULL) == RK_OK);
  if (result == NULL) return;
  double own_sum = 0;
  for (size_t i = 0; i < rk_result_row_count(result); ++i) {
    rk_result_row row;
    CHECK(rk_result_get_row(result, i, &row) == RK_OK);
    own_sum += row.value;
  }
  CHECK(own_sum == e->total);
  CHECK(rk_result_row_count(result) == n_indicators * n_regions * 16);

  struct ArrowArrayStream raw;
  counts* tally = &query_tally;
  CHECK(rk_result_export_arrow(result, &raw) == RK_OK);
  const size_t own_rows = rk_result_row_count(result);
  rk_result_destroy(result); /* the stream owns its data */
  wrap_stream(&query_stream, &raw, tally);
  duckdb_result res;
  const char* sql =
      "SELECT sum(value), count(*), CAST(min(period_start) AS VARCHAR), CAST(max(period_start) AS VARCHAR), "
      "sum(value) FILTER (WHERE indicator = 'jobs' AND region = 'emmen'), "
      "count(*) FILTER (WHERE period = '2020-Q3' AND period_start = DATE '2020-07-01') FROM quarterly";
  if (scan_and_query(con, "quarterly", &query_stream, sql, &res)) {
    char buf[2][64];
    printf("query: DuckDB sum %.2f, library sum %.2f, rows %" PRId64 ", periods %s..%s\n",
           duck.value_double(&res, 0, 0), own_sum, duck.value_int64(&res, 1, 0), cell(&res, 2, buf[0], sizeof buf[0]),
           cell(&res, 3, buf[1], sizeof buf[1]));
    CHECK(duck.value_double(&res, 0, 0) == own_sum);
    CHECK(duck.value_int64(&res, 1, 0) == (int64_t)own_rows);
    CHECK(strcmp(cell(&res, 2, buf[0], sizeof buf[0]), "2019-01-01") == 0);
    CHECK(strcmp(cell(&res, 3, buf[0], sizeof buf[0]), "2022-10-01") == 0);
    CHECK(duck.value_double(&res, 4, 0) == e->emmen_jobs);
    CHECK(duck.value_int64(&res, 5, 0) == n_indicators * n_regions);
    duck.destroy_result(&res);
  } else {
    CHECK(!"the query stream could not be queried");
  }
  CHECK(tally->arrays_given >= 1 && tally->arrays_released == tally->arrays_given);
}

/* The Regio Deal funding plan: the seed's 40,000,000.00 EUR (Rijk 20 M, province 10 M, municipalities
 * 10 M split over six municipalities), summed by DuckDB as DECIMAL(38,2), exactly. */
static void test_funding(duckdb_connection con, const char* source_dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/examples/regio-deal-zod/programme.json", source_dir);
  rk_programme* prog = NULL;
  CHECK(rk_programme_load_file(&prog, path) == RK_OK);
  if (prog == NULL) return;
  struct ArrowArrayStream raw;
  counts* tally = &funding_tally;
  CHECK(rk_programme_funding_export_arrow(prog, &raw) == RK_OK);
  rk_programme_destroy(prog);
  wrap_stream(&funding_stream, &raw, tally);
  duckdb_result res;
  const char* sql =
      "SELECT CAST(sum(amount) FILTER (WHERE member = '') AS VARCHAR), "
      "CAST(sum(amount) FILTER (WHERE member <> '') AS VARCHAR), "
      "count(*) FILTER (WHERE contribution = 'municipalities' AND member <> ''), "
      "CAST(sum(amount) FILTER (WHERE party = 'rijk') AS VARCHAR), any_value(typeof(amount)), count(*) "
      "FROM funding";
  if (scan_and_query(con, "funding", &funding_stream, sql, &res)) {
    char buf[64];
    printf("funding: DuckDB total %s", cell(&res, 0, buf, sizeof buf));
    printf(" as %s\n", cell(&res, 4, buf, sizeof buf));
    CHECK(strcmp(cell(&res, 0, buf, sizeof buf), "40000000.00") == 0);
    CHECK(strcmp(cell(&res, 1, buf, sizeof buf), "10000000.00") == 0);
    CHECK(duck.value_int64(&res, 2, 0) == 6);
    CHECK(strcmp(cell(&res, 3, buf, sizeof buf), "20000000.00") == 0);
    CHECK(strcmp(cell(&res, 4, buf, sizeof buf), "DECIMAL(38,2)") == 0);
    CHECK(duck.value_int64(&res, 5, 0) == 9);
    duck.destroy_result(&res);
  } else {
    CHECK(!"the funding stream could not be queried");
  }
  CHECK(tally->arrays_given >= 1 && tally->arrays_released == tally->arrays_given);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: duckdb_arrow_test LIBDUCKDB.so SOURCE_DIR\n");
    return 2;
  }
  if (!load_duckdb(argv[1])) return 77;
  duckdb_database db = NULL;
  duckdb_connection con = NULL;
  if (duck.open(NULL, &db) != DuckDBSuccess || duck.connect(db, &con) != DuckDBSuccess) {
    printf("SKIPPED: DuckDB could not open an in-memory database\n");
    return 77;
  }

  expected e;
  char* csv = make_csv(&e);
  rk_store* store = NULL;
  CHECK(rk_store_create(&store) == RK_OK);
  CHECK(rk_store_ingest_csv(store, csv, strlen(csv), NULL) == RK_OK);
  free(csv);
  CHECK(rk_store_size(store) == (size_t)e.rows);

  test_store(con, store, &e);
  test_query(con, store, &e);
  rk_store_destroy(store);
  test_funding(con, argv[2]);

  duck.disconnect(&con);
  duck.close(&db);
  struct ArrowArrayStream* streams[] = {&store_stream, &query_stream, &funding_stream};
  const counts* all[] = {&store_tally, &query_tally, &funding_tally};
  const char* names[] = {"store", "query", "funding"};
  for (int k = 0; k < 3; ++k) {
    if (streams[k]->release != NULL) streams[k]->release(streams[k]);
    printf(
        "%s stream: %d arrays given, %d released by DuckDB; %d schemas given, %d released by DuckDB, %d "
        "abandoned by it and released here\n",
        names[k], all[k]->arrays_given, all[k]->arrays_released, all[k]->schemas_given, all[k]->schemas_released,
        all[k]->schemas_abandoned);
    CHECK(all[k]->arrays_given >= 1 && all[k]->arrays_released == all[k]->arrays_given);
    CHECK(all[k]->schemas_given >= 1 && all[k]->schemas_released + all[k]->schemas_abandoned == all[k]->schemas_given);
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
