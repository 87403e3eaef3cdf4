/* Exercises every function of the C ABI from C, on small data and on the bundled Regio Deal example.
 * Usage: c_api_test SOURCE_DIR. Prints "N passed, N failed" and exits non-zero on any failure. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regiokpi/regiokpi.h"

static int passed = 0, failed = 0;

#define CHECK(cond)                                                                                             \
  do {                                                                                                          \
    if (cond) {                                                                                                 \
      ++passed;                                                                                                 \
    } else {                                                                                                    \
      ++failed;                                                                                                 \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond, rk_last_error()); \
    }                                                                                                           \
  } while (0)

static void test_library(void) {
  CHECK(strcmp(rk_version(), "0.1.0") == 0 || RK_VERSION_MAJOR != 0);
  CHECK(rk_version_number() == RK_VERSION_NUMBER);
  CHECK(rk_last_error() != NULL);
  CHECK(strcmp(rk_status_name(RK_E_PARSE), "parse_error") == 0);
  CHECK(strcmp(rk_status_name(RK_OK), "ok") == 0);
  CHECK(strcmp(rk_progress_status_name(RK_STATUS_AT_RISK), "at_risk") == 0);
  CHECK(strcmp(rk_progress_status_name(42), "unknown") == 0);
  rk_free(NULL);
}

static void test_apportion(void) {
  /* 10.00 over weights 1:1:1 -> 3.34, 3.33, 3.33 (ties to the first listed). */
  const char* w[] = {"1", "1", "1"};
  int64_t shares[3] = {0, 0, 0};
  CHECK(rk_apportion(shares, 1000, w, 3) == RK_OK);
  CHECK(shares[0] == 334 && shares[1] == 333 && shares[2] == 333);
  /* The seed's published contributions as weights: 10,000,000.00 EUR splits exactly. */
  const char* seed[] = {"818868", "819870", "1142347", "3462316", "1959760", "1796840"};
  int64_t parts[6];
  CHECK(rk_apportion(parts, 1000000000, seed, 6) == RK_OK);
  int64_t sum = 0;
  for (int i = 0; i < 6; ++i) sum += parts[i];
  CHECK(sum == 1000000000);
  const double dw[] = {0.25, 0.75};
  int64_t two[2];
  CHECK(rk_apportion_double(two, 101, dw, 2) == RK_OK);
  CHECK(two[0] == 25 && two[1] == 76); /* quotas 25.25 and 75.75: the larger remainder gets the cent */
  const char* bad[] = {"1", "-2"};
  CHECK(rk_apportion(shares, 100, bad, 2) == RK_E_INVALID_ARGUMENT || rk_apportion(shares, 100, bad, 2) == RK_E_PARSE);
  CHECK(strlen(rk_last_error()) > 0);
  const char* zeros[] = {"0", "0"};
  CHECK(rk_apportion(shares, 100, zeros, 2) != RK_OK);
  const double nan_w[] = {1.0, NAN};
  CHECK(rk_apportion_double(two, 100, nan_w, 2) != RK_OK);
  CHECK(rk_apportion(NULL, 100, w, 3) == RK_E_INVALID_ARGUMENT);
}

static const char* csv =
    "indicator,date,region,value\n"
    "jobs,2021-01-15,emmen,10\n"
    "jobs,2021-02-15,emmen,5\n"
    "jobs,2021-04-01,hoogeveen,7\n"
    "visits,2021-03-31,emmen,2.5\n";

static void consume_stream(struct ArrowArrayStream* s, int64_t* rows, double* value_sum, int value_column) {
  struct ArrowSchema schema;
  CHECK(s->get_schema(s, &schema) == 0);
  CHECK(strcmp(schema.format, "+s") == 0);
  CHECK(schema.n_children > value_column);
  CHECK(strcmp(schema.children[value_column]->format, "g") == 0);
  struct ArrowArray batch;
  *rows = 0;
  *value_sum = 0;
  while (s->get_next(s, &batch) == 0 && batch.release != NULL) {
    *rows += batch.length;
    const double* v = (const double*)batch.children[value_column]->buffers[1];
    for (int64_t i = 0; i < batch.length; ++i) *value_sum += v[i];
    batch.release(&batch);
    CHECK(batch.release == NULL);
  }
  schema.release(&schema);
  CHECK(schema.release == NULL);
  s->release(s);
  CHECK(s->release == NULL);
}

static void test_store_and_query(void) {
  rk_store* store = NULL;
  CHECK(rk_store_create(&store) == RK_OK && store != NULL);
  CHECK(rk_store_ingest_csv(store, csv, strlen(csv), NULL) == RK_OK);
  CHECK(rk_store_size(store) == 4);

  /* A bad batch is rejected whole, with the place named; the store is unchanged. */
  const char* bad = "indicator,date,region,value\njobs,2021-02-30,emmen,1\njobs,2021-03-01,emmen,x\n";
  rk_ingest_options io = {RK_INGEST_OPTIONS_VERSION, NULL, "bad.csv", 0};
  CHECK(rk_store_ingest_csv(store, bad, strlen(bad), &io) != RK_OK);
  CHECK(strstr(rk_last_error(), "bad.csv:2:") != NULL);
  CHECK(strstr(rk_last_error(), "bad.csv:3:") != NULL);
  CHECK(rk_store_size(store) == 4);

  /* Appending plain structs. */
  const char* dims[] = {"region"};
  const char* emmen[] = {"emmen"};
  rk_measurement m[2] = {{"jobs", "2021-05-01", emmen, 3.0, "provisional", "test", NULL, 0},
                         {"jobs", "2021-05-02", emmen, 4.0, NULL, NULL, "2021-06-01", 0}};
  CHECK(rk_store_append(store, dims, 1, m, 2) == RK_OK);
  CHECK(rk_store_size(store) == 6);
  rk_measurement wrong = {"jobs", "2021-13-01", emmen, 1.0, NULL, NULL, NULL, 0};
  CHECK(rk_store_append(store, dims, 1, &wrong, 1) == RK_E_PARSE);
  CHECK(rk_store_size(store) == 6);
  /* One bad row has one name, whichever check finds it: the date here, the value in the store (issue 10). */
  CHECK(strstr(rk_last_error(), "measurement 1: ") != NULL);
  rk_measurement infinite[2] = {{"jobs", "2021-05-01", emmen, 1.0, NULL, NULL, NULL, 0},
                                {"jobs", "2021-05-01", emmen, INFINITY, NULL, NULL, NULL, 0}};
  CHECK(rk_store_append(store, dims, 1, infinite, 2) != RK_OK);
  CHECK(strstr(rk_last_error(), "measurement 2: the value is not a finite number") != NULL);
  CHECK(rk_store_size(store) == 6);

  /* Text must be UTF-8 (it is exported as Arrow utf8): Latin-1 "Caf\xe9" in row 2's coordinate is refused
   * with the row, the field and the byte (C=1 a=2 f=3, the bad byte is the 4th); valid multi-byte text
   * ("\xc3\x86r\xc3\xb8", Aero with its ligature and slashed o) is kept. */
  const char* latin1[] = {"Caf\xe9"};
  const char* aero[] = {"\xc3\x86r\xc3\xb8"};
  rk_measurement mixed[2] = {{"jobs", "2021-05-03", aero, 1.0, NULL, NULL, NULL, 0},
                             {"jobs", "2021-05-03", latin1, 1.0, NULL, NULL, NULL, 0}};
  CHECK(rk_store_append(store, dims, 1, mixed, 2) == RK_E_PARSE);
  CHECK(strstr(rk_last_error(), "measurement 2: coordinate 1, byte 4: the byte \\xe9 is not valid UTF-8") != NULL);
  CHECK(rk_store_size(store) == 6);
  rk_measurement overlong = {"jobs\xc0\xaf", "2021-05-03", aero, 1.0, NULL, NULL, NULL, 0};
  CHECK(rk_store_append(store, dims, 1, &overlong, 1) == RK_E_PARSE);
  CHECK(strstr(rk_last_error(), "measurement 1: indicator, byte 5: the byte \\xc0 is not valid UTF-8") != NULL);
  /* The CSV ingest says file:line:column: line 2, after the 19 characters "jobs,2021-05-03,Caf", column 20. */
  const char* not_utf8 = "indicator,date,region,value\njobs,2021-05-03,Caf\xe9,1\n";
  rk_ingest_options named = {RK_INGEST_OPTIONS_VERSION, NULL, "latin1.csv", 0};
  CHECK(rk_store_ingest_csv(store, not_utf8, strlen(not_utf8), &named) == RK_E_PARSE);
  CHECK(strstr(rk_last_error(), "latin1.csv:2:20: the byte \\xe9 is not valid UTF-8") != NULL);
  CHECK(rk_store_size(store) == 6);

  /* SUM per quarter: jobs 2021-Q1 = 15, 2021-Q2 = 7 + 3 + 4 = 14; visits 2021-Q1 = 2.5. */
  rk_query q;
  memset(&q, 0, sizeof q);
  q.version = RK_QUERY_VERSION;
  q.period = RK_PERIOD_QUARTER;
  q.time_rule = RK_TIME_SUM;
  q.space_rule = RK_SPACE_SUM;
  rk_result* r = NULL;
  CHECK(rk_aggregate(&r, store, &q, NULL) == RK_OK);
  CHECK(rk_result_row_count(r) == 3);
  CHECK(rk_result_group_by_count(r) == 0);
  rk_result_row row;
  CHECK(rk_result_get_row(r, 0, &row) == RK_OK);
  CHECK(strcmp(row.indicator, "jobs") == 0 && strcmp(row.period, "2021-Q1") == 0 && row.value == 15.0);
  CHECK(row.period_first_day == 18628); /* 2021-01-01 */
  CHECK(rk_result_get_row(r, 1, &row) == RK_OK && row.value == 14.0);
  CHECK(rk_result_get_row(r, 2, &row) == RK_OK && strcmp(row.indicator, "visits") == 0 && row.value == 2.5);
  CHECK(rk_result_get_row(r, 3, &row) == RK_E_INVALID_ARGUMENT);
  CHECK(rk_result_group_value(r, 0, 0) == NULL);

  struct ArrowArrayStream stream;
  CHECK(rk_result_export_arrow(r, &stream) == RK_OK);
  int64_t rows = 0;
  double total = 0;
  consume_stream(&stream, &rows, &total, 3); /* indicator, period, period_start, value */
  CHECK(rows == 3 && total == 31.5);
  rk_result_destroy(r);

  /* 1e308 + 1e308 is past the largest double: the query fails with the group named, never an inf row. */
  rk_store* huge = NULL;
  CHECK(rk_store_create(&huge) == RK_OK);
  const char* huge_csv = "indicator,date,value\njobs,2021-01-10,1e308\njobs,2021-02-10,1e308\n";
  CHECK(rk_store_ingest_csv(huge, huge_csv, strlen(huge_csv), NULL) == RK_OK);
  CHECK(rk_aggregate(&r, huge, &q, NULL) == RK_E_OVERFLOW && r == NULL);
  CHECK(strstr(rk_last_error(), "indicator \"jobs\", period 2021-Q1: the result is not a finite number") != NULL);
  rk_store_destroy(huge);

  /* Grouped by region, the last value inside each month. */
  const char* by[] = {"region"};
  const char* only[] = {"jobs"};
  q.group_by = by;
  q.group_by_count = 1;
  q.indicators = only;
  q.indicator_count = 1;
  q.time_rule = RK_TIME_LAST_IN_PERIOD;
  q.period = RK_PERIOD_MONTH;
  q.from = "2021-02-01";
  CHECK(rk_aggregate(&r, store, &q, NULL) == RK_OK);
  CHECK(rk_result_row_count(r) == 3); /* emmen 2021-02 (5), emmen 2021-05 (4), hoogeveen 2021-04 (7) */
  CHECK(rk_result_get_row(r, 1, &row) == RK_OK && row.value == 4.0 && strcmp(row.period, "2021-05") == 0);
  CHECK(strcmp(rk_result_group_value(r, 2, 0), "hoogeveen") == 0);
  rk_result_destroy(r);
  /* RK_TIME_LAST carries forward to jobs' latest month (May): emmen 02 (5), 03 (5), 04 (5), 05 (4);
     hoogeveen 04 (7), 05 (7). */
  q.time_rule = RK_TIME_LAST;
  CHECK(rk_aggregate(&r, store, &q, NULL) == RK_OK);
  CHECK(rk_result_row_count(r) == 6);
  CHECK(rk_result_get_row(r, 1, &row) == RK_OK && row.value == 5.0 && strcmp(row.period, "2021-03") == 0);
  CHECK(rk_result_get_row(r, 5, &row) == RK_OK && row.value == 7.0 && strcmp(row.period, "2021-05") == 0);
  CHECK(strcmp(rk_result_group_value(r, 5, 0), "hoogeveen") == 0);
  q.time_rule = (rk_time_rule)8; /* one past the last rule */
  rk_result* none = NULL;
  CHECK(rk_aggregate(&none, store, &q, NULL) == RK_E_INVALID_ARGUMENT && none == NULL);
  q.time_rule = RK_TIME_LAST;
  rk_result_destroy(r);
  q.from = "not a date";
  CHECK(rk_aggregate(&r, store, &q, NULL) == RK_E_PARSE && r == NULL);
  q.from = NULL;
  q.period = (rk_period_type)99;
  CHECK(rk_aggregate(&r, store, &q, NULL) == RK_E_INVALID_ARGUMENT);

  CHECK(rk_store_export_arrow(store, &stream) == RK_OK);
  consume_stream(&stream, &rows, &total, 3); /* indicator, date, region, value */
  CHECK(rows == 6 && total == 31.5);
  rk_store_destroy(store);
}

static void test_programme_and_report(const char* source_dir) {
  char path[4096];
  rk_programme* prog = NULL;
  CHECK(rk_programme_load_file(&prog, "/nonexistent/programme.json") == RK_E_IO && prog == NULL);
  CHECK(rk_programme_load_json(&prog, "{\"format\":", 10) == RK_E_PARSE && prog == NULL);
  /* A directory is not a programme file: an I/O error, not a syntax error (issue 10). */
  snprintf(path, sizeof path, "%s/examples", source_dir);
  CHECK(rk_programme_load_file(&prog, path) == RK_E_IO && prog == NULL);
  snprintf(path, sizeof path, "%s/examples/regio-deal-zod/programme.json", source_dir);
  CHECK(rk_programme_load_file(&prog, path) == RK_OK && prog != NULL);
  CHECK(strcmp(rk_programme_id(prog), "regio-deal-zod") == 0);
  CHECK(strlen(rk_programme_name(prog)) > 0);
  const size_t n = rk_programme_indicator_count(prog);
  CHECK(n >= 11);
  CHECK(rk_programme_indicator_id(prog, 0) != NULL);
  CHECK(rk_programme_indicator_id(prog, n) == NULL);

  rk_store* store = NULL;
  CHECK(rk_store_create(&store) == RK_OK);
  snprintf(path, sizeof path, "%s/examples/regio-deal-zod/measurements.csv", source_dir);
  rk_ingest_options io = {RK_INGEST_OPTIONS_VERSION, prog, NULL, 0};
  CHECK(rk_store_ingest_csv_file(store, path, &io) == RK_OK);
  CHECK(rk_store_size(store) > 100);

  /* rk_query version 2: a population-weighted average over the region while the store also has the sector
   * and environment-kind dimensions. Checked against the per-municipality values weighted here by the
   * populations in programme.json. Version 1 cannot name the dimension and gets an error. */
  {
    const char* ids[] = {"Z-d.starting-qualification"};
    const char* by[] = {"region"};
    const char* names[] = {"aa-en-hunze", "borger-odoorn", "coevorden", "emmen", "hardenberg", "hoogeveen"};
    const double population[] = {25390, 25351, 35297, 107192, 60619, 55677};
    rk_query q;
    memset(&q, 0, sizeof q);
    q.version = RK_QUERY_VERSION;
    q.indicators = ids;
    q.indicator_count = 1;
    q.period = RK_PERIOD_YEAR;
    q.from = "2022-01-01";
    q.time_rule = RK_TIME_LAST;
    q.space_rule = RK_SPACE_SUM;
    q.group_by = by;
    q.group_by_count = 1;
    rk_result* per = NULL;
    CHECK(rk_aggregate(&per, store, &q, prog) == RK_OK && rk_result_row_count(per) == 6);
    double num = 0, den = 0;
    for (size_t i = 0; per && i < rk_result_row_count(per); ++i) {
      rk_result_row row;
      CHECK(rk_result_get_row(per, i, &row) == RK_OK);
      for (int m = 0; m < 6; ++m)
        if (strcmp(rk_result_group_value(per, i, 0), names[m]) == 0) {
          num += population[m] * row.value;
          den += population[m];
        }
    }
    rk_result_destroy(per);
    CHECK(den == 309526);
    q.group_by = NULL;
    q.group_by_count = 0;
    q.space_rule = RK_SPACE_WEIGHTED_AVG;
    q.weight_attribute = "population";
    q.space_dimension = "region";
    rk_result* w = NULL;
    CHECK(rk_aggregate(&w, store, &q, prog) == RK_OK && rk_result_row_count(w) == 1);
    rk_result_row row;
    CHECK(w && rk_result_get_row(w, 0, &row) == RK_OK && fabs(row.value - num / den) < 1e-9);
    rk_result_destroy(w);
    q.version = 1; /* an older caller: space_dimension is not read, so the dimension is ambiguous */
    CHECK(rk_aggregate(&w, store, &q, prog) == RK_E_INVALID_ARGUMENT && w == NULL);
  }

  rk_evaluate_options eo = {RK_EVALUATE_OPTIONS_VERSION,
                            "2022-12-31",
                            NULL,
                            RK_TRAJECTORY_LINEAR,
                            RK_PERIOD_QUARTER,
                            0.9,
                            RK_FORECAST_AUTO,
                            NULL,
                            0};
  rk_report* rep = NULL;
  CHECK(rk_evaluate(&rep, prog, store, &eo) == RK_OK && rep != NULL);
  CHECK(rk_report_indicator_count(rep) == n);
  int found = 0;
  for (size_t i = 0; i < rk_report_indicator_count(rep); ++i) {
    rk_indicator_progress ip;
    CHECK(rk_report_get_indicator(rep, i, &ip) == RK_OK);
    if (strcmp(ip.id, "W-c1.assessments") == 0) {
      found = 1;
      CHECK(ip.target == 400.0);
      CHECK(ip.baseline == 0.0);
      CHECK(!isnan(ip.actual) && ip.actual > 0);
      CHECK(fabs(ip.achievement - ip.actual / 400.0) < 1e-12); /* baseline 0: achievement = actual / target */
      CHECK(ip.coverage_met == -1);
    }
  }
  CHECK(found);
  /* Issue 11: every indicator's forecast; a count with a target has p_reach in [0, 1] and a method. */
  for (size_t i = 0; i < rk_report_indicator_count(rep); ++i) {
    rk_indicator_progress ipi;
    rk_indicator_forecast fc;
    CHECK(rk_report_get_indicator(rep, i, &ipi) == RK_OK && rk_report_get_forecast(rep, i, &fc) == RK_OK);
    if (strcmp(ipi.id, "W-c1.assessments") == 0) {
      CHECK(fc.p_reach >= 0 && fc.p_reach <= 1);
      CHECK(strncmp(fc.method, "auto", 4) == 0);
      CHECK(fc.low >= 0 && fc.low <= fc.value && fc.value <= fc.high);
    }
  }
  {
    rk_indicator_forecast fc;
    CHECK(rk_report_get_forecast(rep, n, &fc) == RK_E_INVALID_ARGUMENT);
  }
  {
    /* rk_forecast, naive on 3, 5, 4, 6: 6 at both steps (docs/forecast.md); a count falling by 3 a
       period stays at 0 with drift (1 - 3 < 0); horizon 0 is an invalid argument. */
    const double y[] = {3, 5, 4, 6}, fall[] = {10, 7, 4, 1};
    double mean[2], low[2], high[2];
    rk_forecast_options fo = {RK_FORECAST_OPTIONS_VERSION, RK_FORECAST_NAIVE, 0.9, 1, 0, 0, 0, 0, 0};
    CHECK(rk_forecast(y, 4, 2, &fo, mean, low, high) == RK_OK && mean[0] == 6 && mean[1] == 6);
    CHECK(low[0] < 6 && high[0] > 6);
    fo.method = RK_FORECAST_DRIFT;
    fo.has_lower = 1;
    CHECK(rk_forecast(fall, 4, 2, &fo, mean, NULL, NULL) == RK_OK && mean[0] == 0 && mean[1] == 0);
    CHECK(rk_forecast(y, 4, 0, &fo, mean, NULL, NULL) == RK_E_INVALID_ARGUMENT);
    fo.method = RK_FORECAST_DAMPED;
    CHECK(rk_forecast(y, 2, 1, &fo, mean, NULL, NULL) == RK_E_NO_ANSWER); /* damped needs 6 values */
    fo.method = (rk_forecast_method)99;
    CHECK(rk_forecast(y, 4, 1, &fo, mean, NULL, NULL) == RK_E_INVALID_ARGUMENT);
  }
  /* version 2 of the indicator struct: a context figure without a target reads no_target with a trend
   * slot, never a progress verdict; an unset version is refused. */
  {
    size_t no_target = 0;
    for (size_t i = 0; i < rk_report_indicator_count(rep); ++i) {
      rk_indicator_progress_v2 v2;
      memset(&v2, 0, sizeof v2);
      v2.version = RK_INDICATOR_PROGRESS_VERSION;
      CHECK(rk_report_get_indicator_v2(rep, i, &v2) == RK_OK);
      CHECK(v2.rate_period == RK_PERIOD_QUARTER);
      if (v2.v1.status == RK_STATUS_NO_TARGET) {
        ++no_target;
        CHECK(isnan(v2.v1.final_achievement));
        CHECK(v2.trend >= RK_TREND_NONE && v2.trend <= RK_TREND_WORSENING);
      }
    }
    CHECK(no_target > 0);
    CHECK(strcmp(rk_progress_status_name(RK_STATUS_NO_TARGET), "no_target") == 0);
    rk_indicator_progress_v2 old;
    memset(&old, 0, sizeof old);
    CHECK(rk_report_get_indicator_v2(rep, 0, &old) == RK_E_INVALID_ARGUMENT);
    /* nodes: the last is the programme; assessed never exceeds the total, counts add up to all indicators */
    const size_t nn = rk_report_node_count(rep);
    CHECK(nn > 0);
    rk_node_progress top;
    CHECK(rk_report_get_node(rep, nn - 1, &top) == RK_OK && strcmp(top.kind, "programme") == 0);
    CHECK(top.children_assessed <= top.children_total);
    size_t sum = 0;
    for (int k = 0; k < 7; ++k) sum += top.indicator_counts[k];
    CHECK(sum == n);
    CHECK(rk_report_get_node(rep, nn, &top) == RK_E_INVALID_ARGUMENT);
  }
  rk_indicator_progress ip;
  CHECK(rk_report_get_indicator(rep, n, &ip) == RK_E_INVALID_ARGUMENT);
  rk_status st;
  double ach;
  CHECK(rk_report_programme_status(rep, &st, &ach) == RK_OK);
  CHECK(st >= RK_STATUS_ACHIEVED && st <= RK_STATUS_NO_TARGET);
  const int formats[] = {RK_FORMAT_JSON, RK_FORMAT_CSV, RK_FORMAT_MARKDOWN, RK_FORMAT_HTML};
  for (int f = 0; f < 4; ++f) {
    char* text = NULL;
    size_t len = 0;
    CHECK(rk_report_render(&text, &len, rep, (rk_report_format)formats[f]) == RK_OK);
    CHECK(text != NULL && len > 100 && strlen(text) == len);
    rk_free(text);
  }
  {
    /* The workbook is a zip (local file header "PK\3\4") with NULs inside: *length counts its bytes. */
    char* xlsx = NULL;
    size_t len = 0;
    CHECK(rk_report_render(&xlsx, &len, rep, RK_FORMAT_XLSX) == RK_OK);
    CHECK(xlsx != NULL && len > 1000 && memcmp(xlsx, "PK\3\4", 4) == 0 && strlen(xlsx) < len);
    rk_free(xlsx);
    char* sdmx = NULL;
    CHECK(rk_report_render(&sdmx, &len, rep, RK_FORMAT_SDMX_CSV) == RK_OK);
    CHECK(sdmx != NULL && strncmp(sdmx, "STRUCTURE,STRUCTURE_ID,ACTION,", 30) == 0 && strlen(sdmx) == len);
    rk_free(sdmx);
  }
  char* text = NULL;
  CHECK(rk_report_render(&text, NULL, rep, (rk_report_format)7) == RK_E_INVALID_ARGUMENT && text == NULL);
  eo.as_of = "2022-02-30";
  rk_report* none = NULL;
  CHECK(rk_evaluate(&none, prog, store, &eo) == RK_E_PARSE && none == NULL);
  rk_report_destroy(rep);
  rk_store_destroy(store);
  rk_programme_destroy(prog);
  /* Every destroy accepts NULL. */
  rk_report_destroy(NULL);
  rk_store_destroy(NULL);
  rk_programme_destroy(NULL);
  rk_result_destroy(NULL);
}

/* The Regio Deal funding plan as an Arrow stream. Expected figures from the seed (README): the Rijk
 * pays 20,000,000.00, the province half of the matching regional 20 M (10,000,000.00) and the six
 * municipalities the rest (10,000,000.00) split by population; the "regional" pool is not a row. */
static void test_funding_export(const char* source_dir) {
  char path[4096];
  rk_programme* prog = NULL;
  snprintf(path, sizeof path, "%s/examples/regio-deal-zod/programme.json", source_dir);
  CHECK(rk_programme_load_file(&prog, path) == RK_OK);
  struct ArrowArrayStream stream;
  CHECK(rk_programme_funding_export_arrow(prog, &stream) == RK_OK);
  rk_programme_destroy(prog); /* the stream owns a copy */
  struct ArrowSchema schema;
  CHECK(stream.get_schema(&stream, &schema) == 0);
  CHECK(schema.n_children == 4);
  const char* names[] = {"contribution", "party", "member", "amount"};
  const char* formats[] = {"u", "u", "u", "d:38,2"};
  for (int c = 0; c < 4 && c < schema.n_children; ++c) {
    CHECK(strcmp(schema.children[c]->name, names[c]) == 0);
    CHECK(strcmp(schema.children[c]->format, formats[c]) == 0);
  }
  schema.release(&schema);
  struct ArrowArray batch;
  CHECK(stream.get_next(&stream, &batch) == 0 && batch.release != NULL);
  CHECK(batch.length == 9); /* rijk, province, municipalities and its six members */
  int64_t own_rows = 0, member_rows = 0, municipal_members = 0, rijk = -1, pools = 0;
  for (int64_t i = 0; i < batch.length; ++i) {
    const int32_t* off[3];
    const char* data[3];
    for (int c = 0; c < 3; ++c) {
      off[c] = (const int32_t*)batch.children[c]->buffers[1];
      data[c] = (const char*)batch.children[c]->buffers[2];
    }
    const int64_t* words = (const int64_t*)batch.children[3]->buffers[1];
    const int64_t low = words[2 * i], high = words[2 * i + 1];
    CHECK(high == (low < 0 ? -1 : 0)); /* the 128-bit value is the sign-extended 64-bit one */
    const int contribution_len = off[0][i + 1] - off[0][i];
    const int member_len = off[2][i + 1] - off[2][i];
    const char* contribution = data[0] + off[0][i];
    if (contribution_len == 8 && memcmp(contribution, "regional", 8) == 0) ++pools;
    if (member_len == 0) {
      own_rows += low;
      if (contribution_len == 4 && memcmp(contribution, "rijk", 4) == 0) {
        rijk = low;
        CHECK(off[1][i + 1] - off[1][i] == 4 && memcmp(data[1] + off[1][i], "rijk", 4) == 0); /* its party */
      }
    } else {
      member_rows += low;
      if (contribution_len == 14 && memcmp(contribution, "municipalities", 14) == 0) ++municipal_members;
    }
  }
  CHECK(own_rows == INT64_C(4000000000)); /* 40,000,000.00 EUR in cents */
  CHECK(member_rows == INT64_C(1000000000));
  CHECK(municipal_members == 6);
  CHECK(rijk == INT64_C(2000000000));
  CHECK(pools == 0);
  batch.release(&batch);
  CHECK(batch.release == NULL);
  CHECK(stream.get_next(&stream, &batch) == 0 && batch.release == NULL); /* end of stream */
  stream.release(&stream);
  CHECK(stream.release == NULL);

  /* A programme without funding exports an empty table; NULL arguments are refused. */
  snprintf(path, sizeof path, "%s/tests/data/programme_valid_minimal.json", source_dir);
  CHECK(rk_programme_load_file(&prog, path) == RK_OK);
  CHECK(rk_programme_funding_export_arrow(prog, &stream) == RK_OK);
  rk_programme_destroy(prog);
  CHECK(stream.get_schema(&stream, &schema) == 0 && schema.n_children == 4);
  schema.release(&schema);
  CHECK(stream.get_next(&stream, &batch) == 0 && batch.release != NULL && batch.length == 0);
  batch.release(&batch);
  stream.release(&stream);
  CHECK(rk_programme_funding_export_arrow(NULL, &stream) == RK_E_INVALID_ARGUMENT);
  CHECK(strlen(rk_last_error()) > 0);
}

/* Text indicators (rule 11): the ERDF-style example's "lessons" is one. Day numbers count from
 * 1970-01-01: 2021-12-31 is 52 * 365 + 13 leap days - 1 = 18992, 2022-12-31 is 18992 + 365 = 19357. */
static void test_text(const char* source_dir) {
  char path[4096];
  rk_programme* prog = NULL;
  snprintf(path, sizeof path, "%s/examples/erdf-style/programme.json", source_dir);
  CHECK(rk_programme_load_file(&prog, path) == RK_OK);
  rk_store* store = NULL;
  CHECK(rk_store_create(&store) == RK_OK);
  const char* rows =
      "indicator,date,value\n"
      "lessons,2021-12-31,\"Calls were oversubscribed, 3 to 1\"\n"
      "lessons,2022-12-31,2023\n"; /* a text indicator's value stays text even when it reads as a number */
  rk_ingest_options io = {RK_INGEST_OPTIONS_VERSION, prog, "lessons.csv", 0};
  CHECK(rk_store_ingest_csv(store, rows, strlen(rows), &io) == RK_OK);
  char* text = NULL;
  int32_t day = 0;
  CHECK(rk_store_latest_text(&text, &day, store, "lessons", "2022-06-30") == RK_OK);
  CHECK(text != NULL && strcmp(text, "Calls were oversubscribed, 3 to 1") == 0 && day == 18992);
  rk_free(text);
  CHECK(rk_store_latest_text(&text, NULL, store, "lessons", "2023-01-31") == RK_OK);
  CHECK(text != NULL && strcmp(text, "2023") == 0);
  rk_free(text);
  CHECK(rk_store_latest_text(&text, &day, store, "lessons", "2021-12-30") == RK_OK && text == NULL);
  CHECK(day == INT32_MIN);
  CHECK(rk_store_latest_text(&text, &day, store, "nope", "2023-01-31") == RK_OK && text == NULL);
  CHECK(rk_store_latest_text(&text, &day, store, "lessons", "2023-02-30") == RK_E_PARSE && text == NULL);
  CHECK(rk_store_latest_text(&text, &day, NULL, "lessons", "2023-01-31") == RK_E_INVALID_ARGUMENT);

  rk_evaluate_options eo;
  memset(&eo, 0, sizeof eo);
  eo.version = RK_EVALUATE_OPTIONS_VERSION;
  eo.as_of = "2022-06-30";
  eo.trajectory = RK_TRAJECTORY_LINEAR;
  eo.series_period = RK_PERIOD_QUARTER;
  eo.forecast_level = 0.9;
  rk_report* rep = NULL;
  CHECK(rk_evaluate(&rep, prog, store, &eo) == RK_OK && rep != NULL);
  int found = 0;
  for (size_t i = 0; rep && i < rk_report_indicator_count(rep); ++i) {
    rk_indicator_progress ip;
    const char* t = "unset";
    CHECK(rk_report_get_indicator(rep, i, &ip) == RK_OK && rk_report_get_text(rep, i, &t) == RK_OK);
    if (strcmp(ip.id, "lessons") == 0) {
      found = 1;
      CHECK(t != NULL && strcmp(t, "Calls were oversubscribed, 3 to 1") == 0); /* the 2022 text is after as_of */
    } else {
      CHECK(t == NULL);
    }
  }
  CHECK(found);
  const char* t = "unset";
  CHECK(rep && rk_report_get_text(rep, rk_report_indicator_count(rep), &t) == RK_E_INVALID_ARGUMENT && t == NULL);
  rk_report_destroy(rep);
  rk_store_destroy(store);
  rk_programme_destroy(prog);
}

/* A utf8 column's value in row i of a batch (the column's buffers: validity, offsets, data). */
static int utf8_is(const struct ArrowArray* batch, int col, int64_t i, const char* want) {
  const struct ArrowArray* c = batch->children[col];
  const int32_t* off = (const int32_t*)c->buffers[1];
  const char* data = (const char*)c->buffers[2];
  const size_t n = (size_t)(off[i + 1] - off[i]);
  return n == strlen(want) && memcmp(data + off[i], want, n) == 0;
}

/* rk_check on the Regio Deal example (docs/data-quality.md): W-c1..W-c3 are due quarterly from six
 * municipalities from 2019-Q2 to 2022-Q3, 14 x 6 x 3 = 252 reports; generate_measurements.py plants 3
 * missing, 2 late and 1 outlier, and 4 quarters break the workplaces rule (tests/cli/check.sh derives
 * the same from the CSV). */
static void test_check(const char* source_dir) {
  char path[4096];
  rk_programme* prog = NULL;
  snprintf(path, sizeof path, "%s/examples/regio-deal-zod/programme.json", source_dir);
  CHECK(rk_programme_load_file(&prog, path) == RK_OK);
  rk_store* store = NULL;
  CHECK(rk_store_create(&store) == RK_OK);
  snprintf(path, sizeof path, "%s/examples/regio-deal-zod/measurements.csv", source_dir);
  rk_ingest_options io = {RK_INGEST_OPTIONS_VERSION, prog, NULL, 0};
  CHECK(rk_store_ingest_csv_file(store, path, &io) == RK_OK);
  rk_check_options co = {RK_CHECK_OPTIONS_VERSION, "2022-12-31", 0};
  char* json = NULL;
  size_t len = 0;
  CHECK(rk_check(&json, &len, prog, store, &co) == RK_OK && json != NULL && strlen(json) == len);
  CHECK(json != NULL && strstr(json, "\"expected\": 252") != NULL && strstr(json, "\"reported\": 249") != NULL);
  rk_free(json);
  struct ArrowArrayStream stream;
  CHECK(rk_check_export_arrow(prog, store, &co, &stream) == RK_OK);
  struct ArrowSchema schema;
  CHECK(stream.get_schema(&stream, &schema) == 0);
  const char* names[] = {"kind", "importance", "subject", "member", "period", "date", "value", "detail"};
  CHECK(schema.n_children == 8);
  for (int c = 0; c < 8 && c < schema.n_children; ++c) {
    CHECK(strcmp(schema.children[c]->name, names[c]) == 0);
    CHECK(strcmp(schema.children[c]->format, c == 6 ? "g" : "u") == 0);
  }
  schema.release(&schema);
  struct ArrowArray batch;
  CHECK(stream.get_next(&stream, &batch) == 0 && batch.release != NULL);
  CHECK(batch.length == 4 + 3 + 2 + 1);
  if (batch.length == 10) {
    /* worst first: the medium violations, then the missing reports, then late and the outlier */
    CHECK(utf8_is(&batch, 0, 0, "violation") && utf8_is(&batch, 1, 0, "medium"));
    CHECK(utf8_is(&batch, 0, 4, "missing") && utf8_is(&batch, 2, 4, "W-c2.plans"));
    CHECK(utf8_is(&batch, 0, 9, "outlier") && utf8_is(&batch, 3, 9, "emmen") && utf8_is(&batch, 1, 9, "low"));
    const double* late_days = (const double*)batch.children[6]->buffers[1];
    CHECK(utf8_is(&batch, 0, 7, "late") && late_days[7] == 26); /* due 2021-10-20, recorded 2021-11-15 */
  }
  batch.release(&batch);
  stream.release(&stream);
  CHECK(rk_check(&json, &len, prog, store, NULL) == RK_E_INVALID_ARGUMENT && json == NULL);
  co.as_of = "2022-02-30";
  CHECK(rk_check(&json, NULL, prog, store, &co) == RK_E_PARSE && json == NULL);
  rk_store_destroy(store);
  rk_programme_destroy(prog);
}

/* A store directory: import the example's CSV twice-split into a fresh directory, open it, and find the
 * same rows and the same aggregate as the CSV ingested in memory. */
static void test_store_dir(const char* source_dir) {
  char dir[] = "/tmp/rk-c-store-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char store_dir[64], csv_path[512];
  snprintf(store_dir, sizeof store_dir, "%s/st", dir);
  snprintf(csv_path, sizeof csv_path, "%s/examples/regio-deal-zod/measurements.csv", source_dir);
  size_t rows = 0;
  CHECK(rk_store_import(store_dir, csv_path, NULL, 0, &rows) == RK_OK);
  CHECK(rows == 935); /* the example's data rows (wc -l: 936 lines with the header) */
  rk_store* opened = NULL;
  CHECK(rk_store_open(&opened, store_dir, NULL) == RK_OK && opened != NULL);
  CHECK(rk_store_size(opened) == 935);
  rk_store* mem = NULL;
  CHECK(rk_store_create(&mem) == RK_OK);
  CHECK(rk_store_ingest_csv_file(mem, csv_path, NULL) == RK_OK);
  rk_query q;
  memset(&q, 0, sizeof q);
  q.version = RK_QUERY_VERSION;
  q.period = RK_PERIOD_YEAR;
  q.time_rule = RK_TIME_SUM;
  q.space_rule = RK_SPACE_SUM;
  rk_result *a = NULL, *b = NULL;
  CHECK(rk_aggregate(&a, opened, &q, NULL) == RK_OK && rk_aggregate(&b, mem, &q, NULL) == RK_OK);
  CHECK(a && b && rk_result_row_count(a) == rk_result_row_count(b) && rk_result_row_count(a) > 0);
  for (size_t i = 0; a && b && i < rk_result_row_count(a); ++i) {
    rk_result_row ra, rb;
    CHECK(rk_result_get_row(a, i, &ra) == RK_OK && rk_result_get_row(b, i, &rb) == RK_OK);
    CHECK(strcmp(ra.indicator, rb.indicator) == 0 && strcmp(ra.period, rb.period) == 0 && ra.value == rb.value);
  }
  rk_result_destroy(a);
  rk_result_destroy(b);
  rk_store_destroy(mem);
  rk_store_destroy(opened);
  /* No store there: not found, the directory named. */
  rk_store* none = NULL;
  CHECK(rk_store_open(&none, dir, NULL) == RK_E_NOT_FOUND && none == NULL);
  CHECK(strstr(rk_last_error(), dir) != NULL);
  CHECK(rk_store_import(NULL, csv_path, NULL, 0, NULL) == RK_E_INVALID_ARGUMENT);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: c_api_test SOURCE_DIR\n");
    return 2;
  }
  test_library();
  test_apportion();
  test_store_and_query();
  test_programme_and_report(argv[1]);
  test_funding_export(argv[1]);
  test_text(argv[1]);
  test_check(argv[1]);
  test_store_dir(argv[1]);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
