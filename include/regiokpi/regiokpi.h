/* regiokpi: the stable C ABI. Plain C11; every function returns an int status (0 success, a negative
 * RK_E_* code otherwise, the same numbers as the C++ regiokpi::errc) and sets a per-thread message read
 * with rk_last_error(). No C++ exception crosses this boundary.
 *
 *   rk_programme* prog = NULL;
 *   if (rk_programme_load_file(&prog, "programme.json") != RK_OK) fprintf(stderr, "%s\n", rk_last_error());
 *   ...
 *   rk_programme_destroy(prog);
 *
 * Conventions (docs/c-api.md): opaque handles; the out-parameter comes first; every create or load
 * has a destroy that accepts NULL; strings are UTF-8 and NUL-terminated unless a length is given;
 * pointers returned by the library are borrowed (valid until the handle they came from is destroyed)
 * unless the function says the caller frees them with rk_free(); dates are "YYYY-MM-DD" strings on the
 * way in and day numbers (days since 1970-01-01) or strings on the way out; a missing number is NaN.
 * Options structs start with a `version` field (set it to the RK_*_VERSION macro); the ABI grows by
 * adding functions and appending fields under a new version, never by changing what exists.
 */
#ifndef REGIOKPI_H
#define REGIOKPI_H

#include <stddef.h>
#include <stdint.h>

#include "regiokpi/arrow_abi.h"
#include "regiokpi/version.h" /* RK_VERSION_MAJOR, _MINOR, _PATCH, _NUMBER */

#if defined(_WIN32) && !defined(REGIOKPI_STATIC)
#if defined(REGIOKPI_BUILDING)
#define RK_API __declspec(dllexport)
#else
#define RK_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define RK_API __attribute__((visibility("default")))
#else
#define RK_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes (never renumbered; equal to regiokpi::errc) -------------------------------------- */
#define RK_OK 0
#define RK_E_INVALID_ARGUMENT (-1) /* a caller passed a value the API does not accept (NULL handle ...) */
#define RK_E_PARSE (-2)            /* malformed input text */
#define RK_E_VALIDATION (-3)       /* well-formed input that breaks a rule of the model */
#define RK_E_OVERFLOW (-4)         /* an exact computation would not fit */
#define RK_E_NOT_FOUND (-5)        /* a named thing does not exist */
#define RK_E_IO (-6)               /* a file could not be read or written */
#define RK_E_CANCELLED (-7)        /* the caller asked to stop */
#define RK_E_NO_ANSWER (-8)        /* a numerical routine cannot answer */
#define RK_E_INTERNAL (-99)        /* a bug in regiokpi */

/* ---- enumerations (values are stable) ------------------------------------------------------------ */
typedef enum rk_period_type {
  RK_PERIOD_DAY = 0,
  RK_PERIOD_ISO_WEEK = 1,
  RK_PERIOD_MONTH = 2,
  RK_PERIOD_QUARTER = 3,
  RK_PERIOD_HALF_YEAR = 4,
  RK_PERIOD_YEAR = 5,
  RK_PERIOD_FINANCIAL_YEAR = 6
} rk_period_type;

typedef enum rk_time_rule {
  RK_TIME_SUM = 0,
  RK_TIME_AVG = 1,
  RK_TIME_MIN = 2,
  RK_TIME_MAX = 3,
  RK_TIME_COUNT = 4,
  RK_TIME_FIRST = 5,
  RK_TIME_LAST = 6,          /* latest value on or before the period's end: carries forward */
  RK_TIME_LAST_IN_PERIOD = 7 /* latest value inside the period only (what RK_TIME_LAST was up to 0.1) */
} rk_time_rule;

typedef enum rk_space_rule {
  RK_SPACE_SUM = 0,
  RK_SPACE_AVG = 1,
  RK_SPACE_MIN = 2,
  RK_SPACE_MAX = 3,
  RK_SPACE_COUNT = 4,
  RK_SPACE_WEIGHTED_AVG = 5,
  RK_SPACE_COVERAGE = 6
} rk_space_rule;

typedef enum rk_status {
  RK_STATUS_ACHIEVED = 0,
  RK_STATUS_ON_TRACK = 1,
  RK_STATUS_AT_RISK = 2,
  RK_STATUS_OFF_TRACK = 3,
  RK_STATUS_NOT_STARTED = 4,
  RK_STATUS_NO_DATA = 5,
  RK_STATUS_NO_TARGET = 6 /* no target: a context figure, with a trend instead of a verdict */
} rk_status;

typedef enum rk_trajectory {
  RK_TRAJECTORY_LINEAR = 0,
  RK_TRAJECTORY_STEPWISE = 1,
  RK_TRAJECTORY_S_CURVE = 2,
  RK_TRAJECTORY_GROWTH = 3 /* geometric: baseline * (target / baseline)^f */
} rk_trajectory;

typedef enum rk_report_format {
  RK_FORMAT_JSON = 0,
  RK_FORMAT_CSV = 1,
  RK_FORMAT_MARKDOWN = 2,
  RK_FORMAT_HTML = 3,
  RK_FORMAT_XLSX = 4,    /* an Excel workbook: binary (zip) bytes, use *length; the trailing NUL is not part of it */
  RK_FORMAT_SDMX_CSV = 5 /* the indicators' series as SDMX-CSV 2.0, STRUCTURE_ID REGIOKPI:<programme id>(1.0) */
} rk_report_format;

/* ---- library ----------------------------------------------------------------------------------- */

/* The linked library's version, "MAJOR.MINOR.PATCH" (static storage). */
RK_API const char* rk_version(void);
/* The linked library's RK_VERSION_NUMBER, to compare with the header's at run time. */
RK_API int rk_version_number(void);
/* The message of this thread's last failed call ("" if none); never NULL. Valid until this thread's
 * next regiokpi call. */
RK_API const char* rk_last_error(void);
/* The short name of a status code ("parse_error"); never NULL. */
RK_API const char* rk_status_name(int status);
/* The name of a progress status ("on_track"); never NULL. */
RK_API const char* rk_progress_status_name(int status);
/* Frees memory the library allocated for the caller (rk_report_render's text ...). NULL is fine. */
RK_API void rk_free(void* p);

/* ---- money ------------------------------------------------------------------------------------- */

/* Splits total_minor (an amount in minor units, e.g. cents) over n weights by largest remainder:
 * shares_out[0..n) add up to total_minor exactly and each is within one unit of its exact quota; ties go
 * to the earlier member. Weights are decimal strings ("60766", "0.25") read exactly. Errors: NULL
 * pointers, n == 0, a weight that is not a non-negative decimal, all weights zero. */
RK_API int rk_apportion(int64_t* shares_out, int64_t total_minor, const char* const* weights, size_t n);

/* The same with binary doubles as weights, each taken at its exact binary value (NaN, infinities and
 * negative values are errors). */
RK_API int rk_apportion_double(int64_t* shares_out, int64_t total_minor, const double* weights, size_t n);

/* ---- programme --------------------------------------------------------------------------------- */

typedef struct rk_programme rk_programme;

/* Reads and validates a programme definition (docs/programme-format.md). On failure *out is NULL and
 * rk_last_error() lists every problem, one per line. */
RK_API int rk_programme_load_file(rk_programme** out, const char* path);
RK_API int rk_programme_load_json(rk_programme** out, const char* json, size_t length);
RK_API void rk_programme_destroy(rk_programme* programme);

/* Borrowed strings, valid while the programme lives. */
RK_API const char* rk_programme_id(const rk_programme* programme);
RK_API const char* rk_programme_name(const rk_programme* programme);
RK_API size_t rk_programme_indicator_count(const rk_programme* programme);
/* The id of the i-th indicator in tree order, or NULL when i is out of range. */
RK_API const char* rk_programme_indicator_id(const rk_programme* programme, size_t i);

/* The programme's funding plan, evaluated exactly, as an Arrow C stream (contribution utf8, party utf8,
 * member utf8, amount decimal128(38, S) with S the plan's number of decimals, 2 for euros): one row per
 * contribution with an empty member, then one row per member of a contribution split pro rata. Pools
 * (bases that nobody pays, such as the "regional" part the province and the municipalities share) are
 * left out, so the rows with an empty member add up to the programme's funding total exactly, and the
 * member rows of a contribution add up to its own row. A programme without funding gives no rows. The
 * stream owns its data; the programme may be destroyed before it. */
RK_API int rk_programme_funding_export_arrow(const rk_programme* programme, struct ArrowArrayStream* out);

/* ---- measurement store ------------------------------------------------------------------------- */

typedef struct rk_store rk_store;

RK_API int rk_store_create(rk_store** out);
RK_API void rk_store_destroy(rk_store* store);
RK_API size_t rk_store_size(const rk_store* store);

#define RK_INGEST_OPTIONS_VERSION 1
typedef struct rk_ingest_options {
  uint32_t version;              /* RK_INGEST_OPTIONS_VERSION */
  const rk_programme* programme; /* optional: validate indicators, members and values against it */
  const char* source_name;       /* optional: names the input in messages */
  size_t max_errors;             /* 0: the library default (100) */
} rk_ingest_options;

/* Ingests CSV measurements (docs/measurements-format.md), all or nothing: on failure the store is
 * unchanged and rk_last_error() lists every error as SOURCE:LINE:COLUMN: reason. options may be NULL. */
RK_API int rk_store_ingest_csv_file(rk_store* store, const char* path, const rk_ingest_options* options);
RK_API int rk_store_ingest_csv(rk_store* store, const char* text, size_t length, const rk_ingest_options* options);

/* One measurement for rk_store_append. Strings are copied. */
typedef struct rk_measurement {
  const char* indicator;
  const char* date;               /* "YYYY-MM-DD" */
  const char* const* coordinates; /* one member per dimension passed to rk_store_append */
  double value;
  const char* status;      /* NULL, "provisional", "final" or "estimated" */
  const char* source;      /* NULL or a source text */
  const char* recorded_at; /* NULL or "YYYY-MM-DD" */
  uint32_t revision;
} rk_measurement;

/* Appends rows from plain C structs, all or nothing. */
RK_API int rk_store_append(rk_store* store, const char* const* dimension_names, size_t dimension_count,
                           const rk_measurement* rows, size_t row_count);

/* The whole measurement table as an Arrow C stream (indicator utf8, date date32, one utf8 column per
 * dimension, value float64). The stream owns a snapshot; the store may be destroyed before it. */
RK_API int rk_store_export_arrow(const rk_store* store, struct ArrowArrayStream* out);

/* ---- aggregation ------------------------------------------------------------------------------- */

typedef struct rk_result rk_result;

#define RK_QUERY_VERSION 2 /* 2 added space_dimension */
typedef struct rk_query {
  uint32_t version;              /* RK_QUERY_VERSION */
  const char* const* indicators; /* NULL or indicator_count ids; none means all */
  size_t indicator_count;
  rk_period_type period;
  int fy_first_month;          /* 1..12; 0 means 1 */
  const char* from;            /* NULL or "YYYY-MM-DD" (included) */
  const char* to;              /* NULL or "YYYY-MM-DD" (included) */
  const char* const* group_by; /* dimension (or, with a programme, hierarchy level) names */
  size_t group_by_count;
  rk_time_rule time_rule;
  rk_space_rule space_rule;
  int cumulative;               /* non-zero: running total per group */
  const char* as_recorded_on;   /* NULL or "YYYY-MM-DD" */
  const char* weight_attribute; /* weighted_avg: member attribute, e.g. "population" */
  double coverage_threshold;    /* coverage: a member counts at or above this */
  /* version 2 */
  const char* space_dimension; /* weighted_avg/coverage: the dimension combined; NULL = the only one
                                  not grouped by */
} rk_query;

/* Runs a query (docs/aggregation.md). programme may be NULL unless the query needs one. */
RK_API int rk_aggregate(rk_result** out, const rk_store* store, const rk_query* query, const rk_programme* programme);
RK_API void rk_result_destroy(rk_result* result);
RK_API size_t rk_result_row_count(const rk_result* result);
RK_API size_t rk_result_group_by_count(const rk_result* result);

/* One result row; the strings are borrowed from the result. */
typedef struct rk_result_row {
  const char* indicator;
  const char* period;       /* label: "2021-Q3" */
  int32_t period_first_day; /* day number of the period's first day */
  double value;
} rk_result_row;

RK_API int rk_result_get_row(const rk_result* result, size_t row, rk_result_row* out);
/* The row's k-th group-by value (borrowed), or NULL when out of range. */
RK_API const char* rk_result_group_value(const rk_result* result, size_t row, size_t k);
/* The result as an Arrow C stream (indicator utf8, group-by columns utf8, period utf8, period_start
 * date32, value float64). The stream owns its data; the result may be destroyed before it. */
RK_API int rk_result_export_arrow(const rk_result* result, struct ArrowArrayStream* out);

/* ---- progress report --------------------------------------------------------------------------- */

typedef struct rk_report rk_report;

/* Forecasting methods (docs/forecast.md); AUTO is 2/3 theta + 1/3 drift. */
typedef enum rk_forecast_method {
  RK_FORECAST_AUTO = 0,
  RK_FORECAST_NAIVE = 1,
  RK_FORECAST_DRIFT = 2,
  RK_FORECAST_LINEAR = 3,
  RK_FORECAST_LOG_LINEAR = 4,
  RK_FORECAST_SES = 5,
  RK_FORECAST_DAMPED = 6,
  RK_FORECAST_THETA = 7
} rk_forecast_method;

#define RK_EVALUATE_OPTIONS_VERSION 2 /* 2 added forecast_method, forecast_at, fy_first_month */
typedef struct rk_evaluate_options {
  uint32_t version;           /* RK_EVALUATE_OPTIONS_VERSION */
  const char* as_of;          /* "YYYY-MM-DD", required */
  const char* as_recorded_on; /* NULL or "YYYY-MM-DD" */
  rk_trajectory trajectory;
  rk_period_type series_period; /* RK_PERIOD_QUARTER is the usual choice */
  double forecast_level;        /* 0: 0.9 */
  /* version 2 */
  rk_forecast_method forecast_method; /* RK_FORECAST_AUTO (0) is the default */
  const char* forecast_at;            /* NULL (each final target date) or "YYYY-MM-DD" */
  int32_t fy_first_month;             /* 1..12 for a financial-year series; 0 means 1 */
} rk_evaluate_options;

/* Evaluates every indicator of the programme on as_of and rolls the results up (docs/progress.md). */
RK_API int rk_evaluate(rk_report** out, const rk_programme* programme, const rk_store* store,
                       const rk_evaluate_options* options);
RK_API void rk_report_destroy(rk_report* report);
RK_API size_t rk_report_indicator_count(const rk_report* report);

/* One indicator's standing. Missing numbers are NaN, missing dates INT32_MIN; strings are borrowed. */
typedef struct rk_indicator_progress {
  const char* id;
  const char* name;
  const char* unit;
  double actual;
  double baseline;
  double target;      /* the next target on or after as_of (else the final one) */
  int32_t target_day; /* its due date, as a day number */
  double final_target;
  double achievement; /* (actual - baseline) / (target - baseline) */
  double final_achievement;
  double expected; /* on the planned trajectory at as_of */
  double gap;      /* actual - expected, positive = ahead of plan */
  rk_status status;
  double forecast_value; /* projected at the final target date */
  double forecast_low;
  double forecast_high;
  int32_t forecast_eta_day;
  int64_t coverage_met; /* -1 when not a coverage indicator */
  int64_t coverage_total;
} rk_indicator_progress;

RK_API int rk_report_get_indicator(const rk_report* report, size_t i, rk_indicator_progress* out);
/* An indicator's forecast (issue 11). Missing numbers are NaN, dates INT32_MIN; strings are borrowed
 * ("" when empty). */
typedef struct rk_indicator_forecast {
  const char* method; /* what was fitted: "auto (2/3 theta + 1/3 drift)", "theta, seasonally adjusted" ... */
  int32_t at_day;     /* the date projected to */
  double value;
  double low;
  double high;
  double p_reach; /* probability that the final target is met on its date */
  int32_t eta_day;
  const char* eta_status; /* "reached", "expected", "not_within_horizon", "never" or "" */
  const char* reason;     /* why numbers are missing */
} rk_indicator_forecast;
RK_API int rk_report_get_forecast(const rk_report* report, size_t i, rk_indicator_forecast* out);

#define RK_FORECAST_OPTIONS_VERSION 1
typedef struct rk_forecast_options {
  uint32_t version; /* RK_FORECAST_OPTIONS_VERSION */
  rk_forecast_method method;
  double level;       /* 0: 0.9 */
  int32_t season;     /* periods per year: 4 or 12 allow a seasonal adjustment; 0 or 1 none */
  int32_t cumulative; /* nonzero: values are running totals (forecast on the flows) */
  int32_t has_lower;  /* nonzero: values are >= lower (counts: 0) */
  double lower;
  int32_t has_upper; /* nonzero: values are <= upper (percentages: 100) */
  double upper;
} rk_forecast_options;
/* Forecasts `horizon` steps after values[0..n) (evenly spaced, oldest first) into mean[horizon] and,
 * unless NULL, low[horizon] / high[horizon] (NaN when too few values for an interval). RK_E_NO_ANSWER
 * (message: rk_last_error) when no forecast can be made. */
RK_API int rk_forecast(const double* values, size_t n, size_t horizon, const rk_forecast_options* options, double* mean,
                       double* low, double* high);

/* Trends of indicators without a target (RK_STATUS_NO_TARGET). */
typedef enum rk_trend {
  RK_TREND_NONE = -1,
  RK_TREND_IMPROVING = 0,
  RK_TREND_STABLE = 1,
  RK_TREND_WORSENING = 2
} rk_trend;

/* One indicator's standing, version 2: everything of rk_indicator_progress plus what issue 9 added.
 * Set `version` to RK_INDICATOR_PROGRESS_VERSION before calling rk_report_get_indicator_v2. */
#define RK_INDICATOR_PROGRESS_VERSION 2
typedef struct rk_indicator_progress_v2 {
  uint32_t version;         /* RK_INDICATOR_PROGRESS_VERSION */
  rk_indicator_progress v1; /* the version 1 fields */
  rk_trend trend;
  int32_t target_only;         /* 1: no baseline, achievement = actual / target (target / actual for decrease) */
  int32_t stale;               /* 1: the actual is older than the programme's stale_after_periods */
  const char* actual_status;   /* NULL, "final", "provisional" or "estimated" (borrowed, static) */
  int32_t actual_day;          /* the actual's date, INT32_MIN when none */
  double expected_achievement; /* the plan as a fraction of the way to the final target */
  double required_rate;        /* change per period still needed; NaN when unknown */
  double recent_rate;          /* mean change per period over the last four periods; NaN when unknown */
  rk_period_type rate_period;  /* the period of both rates (the series period) */
} rk_indicator_progress_v2;

RK_API int rk_report_get_indicator_v2(const rk_report* report, size_t i, rk_indicator_progress_v2* out);

/* A text indicator's latest text on or before the report's as-of date (docs/progress.md, rule 11):
 * *text is borrowed (valid while the report lives), NULL when the indicator has none (a number
 * indicator, or no text yet). */
RK_API int rk_report_get_text(const rk_report* report, size_t i, const char** text);
/* The store's latest text of `indicator` dated on or before `as_of` ("YYYY-MM-DD"), the latest
 * revision of it: *text is the caller's (free it with rk_free()), NULL when there is none (the
 * indicator is unknown, has no text rows, or none that early); *day its date as a day number
 * (INT32_MIN when none; `day` may be NULL). */
RK_API int rk_store_latest_text(char** text, int32_t* day, const rk_store* store, const char* indicator,
                                const char* as_of);

/* A result, goal, pillar or the programme (the last node), rolled up (docs/progress.md, rule 2). */
typedef struct rk_node_progress {
  const char* id;   /* borrowed */
  const char* kind; /* "result", "goal", "pillar" or "programme" (static) */
  rk_status status;
  double achievement; /* NaN when unknown */
  double expected_achievement;
  size_t children_total;
  size_t children_assessed;
  size_t indicator_counts[7]; /* indicators below the node, indexed by RK_STATUS_ACHIEVED..RK_STATUS_NO_TARGET */
} rk_node_progress;

RK_API size_t rk_report_node_count(const rk_report* report);
RK_API int rk_report_get_node(const rk_report* report, size_t i, rk_node_progress* out);
/* The programme's rolled-up status and achievement (NaN when unknown). */
RK_API int rk_report_programme_status(const rk_report* report, rk_status* status, double* achievement);
/* Renders the report; *text is NUL-terminated, *length excludes the NUL; free it with rk_free().
   RK_FORMAT_XLSX gives binary bytes (with NULs inside): read *length of them. */
RK_API int rk_report_render(char** text, size_t* length, const rk_report* report, rk_report_format format);

/* ---- data quality (docs/data-quality.md) ---------------------------------------------------- */

#define RK_CHECK_OPTIONS_VERSION 1
typedef struct rk_check_options {
  uint32_t version;         /* RK_CHECK_OPTIONS_VERSION */
  const char* as_of;        /* "YYYY-MM-DD", required: rows after it are ignored, reports due after it not expected */
  double outlier_threshold; /* modified z-score above which a change is an outlier; 0: 3.5 */
} rk_check_options;

/* Checks the store's data quality against the programme: completeness, timeliness, outliers, validation
 * rules and revisions. *json is the findings as `regiokpi check --format json` writes them
 * (docs/schema/check.schema.json), NUL-terminated, *length excludes the NUL; free it with rk_free(). */
RK_API int rk_check(char** json, size_t* length, const rk_programme* programme, const rk_store* store,
                    const rk_check_options* options);

/* The same findings as an Arrow stream, one row per finding, worst first: kind ("violation", "missing",
 * "late", "outlier"), importance ("high", "medium", "low"), subject (indicator id, or the rule id),
 * member, period, date (utf8; "" when none), value (float64: a violation's left side, the days late, an
 * outlier's value; NaN when none), detail (utf8). */
RK_API int rk_check_export_arrow(const rk_programme* programme, const rk_store* store, const rk_check_options* options,
                                 struct ArrowArrayStream* out);

/* ---- store directories (docs/store.md) ------------------------------------------------------- */

/* Opens a store directory read-only into a new store (*out; free it with rk_store_destroy): its Arrow
 * files are mapped, not parsed. With a programme (may be NULL) every row is checked against it as
 * rk_store_ingest_csv_file checks a CSV. RK_E_NOT_FOUND when the directory holds no store,
 * RK_E_PARSE naming a damaged file. */
RK_API int rk_store_open(rk_store** out, const char* dir, const rk_programme* programme);

/* Appends a CSV file to a store directory as one batch (creating the directory), all or nothing:
 * checked as rk_store_ingest_csv_file checks it (options may be NULL), written, synced, and published by
 * an atomic rename. wait != 0 waits while another process writes the store; wait == 0 fails with RK_E_IO
 * naming the writer. *rows (may be NULL) receives the rows added. */
RK_API int rk_store_import(const char* dir, const char* csv_path, const rk_ingest_options* options, int wait,
                           size_t* rows);

#ifdef __cplusplus
}
#endif

#endif /* REGIOKPI_H */
