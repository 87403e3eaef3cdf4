#!/usr/bin/env node
// The Regio Deal Zuid- en Oost-Drenthe status table through regiokpi's C ABI from Node.js (koffi).
//
//   cmake --preset release -DBUILD_SHARED_LIBS=ON && cmake --build build/release --target regiokpi
//   (cd examples/node && npm ci)
//   REGIOKPI_LIBRARY=build/release/libregiokpi.so node examples/node/status_table.js [--json]
//
// The declarations below mirror include/regiokpi/regiokpi.h; handles are opaque pointers that this
// script destroys in `finally` blocks, and the strings in rk_indicator_progress are borrowed from the
// report, so they are copied (decoded to JS strings) before rk_report_destroy.
'use strict';

const path = require('node:path');
const koffi = require('koffi');

const RK_OK = 0;
const RK_INGEST_OPTIONS_VERSION = 1;
const RK_EVALUATE_OPTIONS_VERSION = 1;
const RK_TRAJECTORY_LINEAR = 0;
const RK_PERIOD_QUARTER = 3;
const NO_DAY = -2147483648; // INT32_MIN: a missing date

function usage(message) {
  console.error(`status_table: ${message}\n` +
    'usage: node status_table.js [LIBRARY] [--json] [--programme FILE] [--measurements FILE] [--as-of DATE]\n' +
    '(LIBRARY defaults to $REGIOKPI_LIBRARY)');
  process.exit(2);
}

function parseArgs(argv) {
  const example = path.join(__dirname, '..', 'regio-deal-zod');
  const o = {
    library: process.env.REGIOKPI_LIBRARY || null,
    programme: path.join(example, 'programme.json'),
    measurements: path.join(example, 'measurements.csv'),
    asOf: '2022-12-31',
    json: false,
  };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--json') o.json = true;
    else if (a === '--programme') o.programme = value();
    else if (a === '--measurements') o.measurements = value();
    else if (a === '--as-of') o.asOf = value();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else o.library = a;
  }
  if (!o.library) usage('give the path of libregiokpi.so as an argument or in REGIOKPI_LIBRARY');
  return o;
}

function bind(libraryPath) {
  const lib = koffi.load(libraryPath);
  koffi.opaque('rk_programme');
  koffi.opaque('rk_store');
  koffi.opaque('rk_report');
  koffi.struct('rk_ingest_options', {
    version: 'uint32_t',
    programme: 'const rk_programme *',
    source_name: 'const char *',
    max_errors: 'size_t',
  });
  koffi.struct('rk_evaluate_options', {
    version: 'uint32_t',
    as_of: 'const char *',
    as_recorded_on: 'const char *',
    trajectory: 'int', // C enums are int-sized
    series_period: 'int',
    forecast_level: 'double',
  });
  koffi.struct('rk_indicator_progress', {
    id: 'const char *',
    name: 'const char *',
    unit: 'const char *',
    actual: 'double',
    baseline: 'double',
    target: 'double',
    target_day: 'int32_t',
    final_target: 'double',
    achievement: 'double',
    final_achievement: 'double',
    expected: 'double',
    gap: 'double',
    status: 'int',
    forecast_value: 'double',
    forecast_low: 'double',
    forecast_high: 'double',
    forecast_eta_day: 'int32_t',
    coverage_met: 'int64_t',
    coverage_total: 'int64_t',
  });
  return {
    version: lib.func('const char *rk_version(void)'),
    lastError: lib.func('const char *rk_last_error(void)'),
    statusName: lib.func('const char *rk_status_name(int status)'),
    progressStatusName: lib.func('const char *rk_progress_status_name(int status)'),
    programmeLoadFile: lib.func('int rk_programme_load_file(_Out_ rk_programme **out, const char *path)'),
    programmeDestroy: lib.func('void rk_programme_destroy(rk_programme *programme)'),
    programmeId: lib.func('const char *rk_programme_id(const rk_programme *programme)'),
    programmeName: lib.func('const char *rk_programme_name(const rk_programme *programme)'),
    storeCreate: lib.func('int rk_store_create(_Out_ rk_store **out)'),
    storeDestroy: lib.func('void rk_store_destroy(rk_store *store)'),
    storeSize: lib.func('size_t rk_store_size(const rk_store *store)'),
    storeIngestCsvFile: lib.func(
      'int rk_store_ingest_csv_file(rk_store *store, const char *path, const rk_ingest_options *options)'),
    evaluate: lib.func('int rk_evaluate(_Out_ rk_report **out, const rk_programme *programme, ' +
      'const rk_store *store, const rk_evaluate_options *options)'),
    reportDestroy: lib.func('void rk_report_destroy(rk_report *report)'),
    reportIndicatorCount: lib.func('size_t rk_report_indicator_count(const rk_report *report)'),
    reportGetIndicator: lib.func(
      'int rk_report_get_indicator(const rk_report *report, size_t i, _Out_ rk_indicator_progress *out)'),
  };
}

class RegiokpiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Throws for a non-zero status, with this thread's rk_last_error() (read before any other rk_ call).
function check(rk, status) {
  if (status !== RK_OK) throw new RegiokpiError(status, `${rk.statusName(status)} (${status}): ${rk.lastError()}`);
}

const number = (x) => (Number.isNaN(x) ? null : x); // the C ABI's NaN is JSON's null
const isoDay = (d) => (d === NO_DAY ? null : new Date(d * 86400000).toISOString().slice(0, 10));

function evaluateExample(rk, o) {
  const prog = [null];
  const store = [null];
  const report = [null];
  try {
    check(rk, rk.programmeLoadFile(prog, o.programme));
    check(rk, rk.storeCreate(store));
    check(rk, rk.storeIngestCsvFile(store[0], o.measurements,
      { version: RK_INGEST_OPTIONS_VERSION, programme: prog[0], source_name: null, max_errors: 0 }));
    check(rk, rk.evaluate(report, prog[0], store[0], {
      version: RK_EVALUATE_OPTIONS_VERSION, as_of: o.asOf, as_recorded_on: null,
      trajectory: RK_TRAJECTORY_LINEAR, series_period: RK_PERIOD_QUARTER, forecast_level: 0,
    }));
    const rows = [];
    const n = Number(rk.reportIndicatorCount(report[0]));
    for (let i = 0; i < n; ++i) {
      const p = {};
      check(rk, rk.reportGetIndicator(report[0], i, p));
      rows.push({
        id: p.id,
        name: p.name,
        unit: p.unit,
        status: rk.progressStatusName(p.status),
        actual: number(p.actual),
        target: number(p.target),
        target_date: isoDay(p.target_day),
        achievement: number(p.achievement),
        forecast: number(p.forecast_value),
        forecast_low: number(p.forecast_low),
        forecast_high: number(p.forecast_high),
        forecast_eta: isoDay(p.forecast_eta_day),
      });
    }
    const title = `${rk.programmeName(prog[0])} (${rk.programmeId(prog[0])}), ` +
      `${rk.storeSize(store[0])} measurements, as of ${o.asOf}`;
    return { title, rows };
  } finally {
    // Every destroy accepts NULL, so a half-built state is cleaned up the same way.
    rk.reportDestroy(report[0]);
    rk.storeDestroy(store[0]);
    rk.programmeDestroy(prog[0]);
  }
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  let rk;
  try {
    rk = bind(o.library);
  } catch (e) {
    console.error(`status_table: cannot load ${o.library}: ${e.message}`);
    return 3;
  }
  let result;
  try {
    result = evaluateExample(rk, o);
  } catch (e) {
    if (!(e instanceof RegiokpiError)) throw e;
    console.error(`status_table: ${e.message}`);
    return 1;
  }
  if (o.json) {
    console.log(JSON.stringify({ library: rk.version(), as_of: o.asOf, indicators: result.rows }, null, 1));
    return 0;
  }
  const fmt = (x, width, suffix = '') => (x === null ? '-' : x.toFixed(2) + suffix).padStart(width);
  const width = Math.max(...result.rows.map((r) => r.id.length));
  console.log(result.title);
  console.log(`regiokpi ${rk.version()}`);
  console.log(`${'indicator'.padEnd(width)}  ${'status'.padEnd(11)} ${'actual'.padStart(10)} ` +
    `${'target'.padStart(10)} ${'achieved'.padStart(9)} ${'forecast'.padStart(10)}`);
  for (const r of result.rows) {
    const ach = r.achievement === null ? null : 100 * r.achievement;
    console.log(`${r.id.padEnd(width)}  ${r.status.padEnd(11)} ${fmt(r.actual, 10)} ${fmt(r.target, 10)} ` +
      `${fmt(ach, 9, '%')} ${fmt(r.forecast, 10)}`);
  }
  return 0;
}

process.exitCode = main();
