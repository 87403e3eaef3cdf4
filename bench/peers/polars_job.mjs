// The benchmark job done by Polars (nodejs-polars, its Rust engine with default threads): load the
// measurement CSV, then Q1, Q2 and Q3 of issue 4, each materialised as a sorted DataFrame like
// regiokpi's result. Prints the time of each phase and a checksum of each result (README.md here).
//   node bench/peers/polars_job.mjs MEASUREMENTS.csv
import pl from 'nodejs-polars';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import os from 'node:os';

const path = process.argv[2];
if (!path) {
  console.error('usage: node polars_job.mjs MEASUREMENTS.csv');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const version = require('nodejs-polars/package.json').version;
console.log(`engine polars ${version} threads=${os.availableParallelism ? os.availableParallelism() : os.cpus().length}`);

function timed(phase, f) {
  const t0 = performance.now();
  const r = f();
  console.log(`time ${phase} ${((performance.now() - t0) / 1000).toFixed(3)}`);
  return r;
}

// Types given, not inferred: the same schema regiokpi reads; a row number keeps the input order that
// LAST uses to break ties on equal dates.
const m = timed('load', () =>
  pl.readCSV(path, {
    dtypes: { indicator: pl.Utf8, date: pl.Date, municipality: pl.Utf8, sector: pl.Utf8, value: pl.Float64 },
  }).withRowIndex('row'));

// Quarters since year 0, as calendar.hpp's index.
const quarter = pl.col('date').dt.year().cast(pl.Int64).mul(4)
  .add(pl.col('date').dt.month().cast(pl.Float64).sub(1).div(3).floor().cast(pl.Int64)).alias('period');

// Q1: SUM per indicator x municipality x quarter.
const q1 = timed('q1', () => m.select('indicator', 'municipality', quarter, 'value')
  .groupBy(['indicator', 'municipality', 'period']).agg(pl.col('value').sum())
  .sort(['indicator', 'municipality', 'period']));

// Q2: LAST of each series per quarter, by date and then input order, summed over the municipalities.
const q2 = timed('q2', () => m.select('indicator', 'municipality', 'sector', quarter, 'date', 'row', 'value')
  .sort(['date', 'row'])
  .groupBy(['indicator', 'municipality', 'sector', 'period']).agg(pl.col('value').last())
  .groupBy(['indicator', 'sector', 'period']).agg(pl.col('value').sum())
  .sort(['indicator', 'sector', 'period']));

// Q3: running total per indicator over the days that have data.
const q3 = timed('q3', () => m.groupBy(['indicator', 'date']).agg(pl.col('value').sum())
  .sort(['indicator', 'date'])
  .withColumns(pl.col('value').cumSum().over('indicator')));

// Checksums outside the timings: round(value x 1e6) summed modulo 2^64, and weighted by the period.
function checksum(name, df, ordinal) {
  const v = df.getColumn('value').toArray();
  const o = ordinal(df);
  let s = 0n, w = 0n;
  for (let i = 0; i < v.length; ++i) {
    const t = BigInt(Math.round(v[i] * 1e6));
    s += t;
    w += t * BigInt(o[i]);
  }
  console.log(`checksum ${name} rows=${v.length} sum=${BigInt.asUintN(64, s)} wsum=${BigInt.asUintN(64, w)}`);
}
const period = (df) => df.getColumn('period').toArray();
checksum('q1', q1, period);
checksum('q2', q2, period);
checksum('q3', q3, (df) => df.getColumn('date').cast(pl.Int32).toArray());
