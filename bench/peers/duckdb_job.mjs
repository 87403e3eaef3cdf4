// The benchmark job done by DuckDB (through @duckdb/node-api, default settings and threads): load the
// measurement CSV, then Q1, Q2 and Q3 of issue 4, each materialised as a sorted table like regiokpi's
// result. Prints the time of each phase and a checksum of each result (see README.md here).
//   node bench/peers/duckdb_job.mjs MEASUREMENTS.csv
import { DuckDBInstance, version } from '@duckdb/node-api';
import { performance } from 'node:perf_hooks';

const path = process.argv[2];
if (!path) {
  console.error('usage: node duckdb_job.mjs MEASUREMENTS.csv');
  process.exit(2);
}

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const threads = (await con.runAndReadAll("SELECT current_setting('threads') AS t")).getRowObjects()[0].t;
console.log(`engine duckdb ${version()} threads=${threads}`);

async function timed(phase, sql) {
  const t0 = performance.now();
  await con.run(sql);
  console.log(`time ${phase} ${((performance.now() - t0) / 1000).toFixed(3)}`);
}

const quarter = 'year(date) * 4 + quarter(date) - 1';  // quarters since year 0, as calendar.hpp's index
const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

// Types given, not sniffed: the same schema regiokpi reads. A table keeps insertion (file) order, so
// rowid is the input row number that first/last use to break ties on equal dates.
await timed('load', `CREATE TABLE m AS SELECT * FROM read_csv(${sqlString(path)}, header = true, columns = {
    'indicator': 'VARCHAR', 'date': 'DATE', 'municipality': 'VARCHAR', 'sector': 'VARCHAR', 'value': 'DOUBLE'})`);

// Q1: SUM per indicator x municipality x quarter.
await timed('q1', `CREATE TABLE q1 AS
  SELECT indicator, municipality, ${quarter} AS period, sum(value) AS value
  FROM m GROUP BY ALL ORDER BY indicator, municipality, period`);

// Q2: LAST of each series (indicator, municipality, sector) per quarter, by date and then input
// order, summed over the municipalities: per indicator x sector x quarter.
await timed('q2', `CREATE TABLE q2 AS
  SELECT indicator, sector, period, sum(value) AS value FROM (
    SELECT indicator, municipality, sector, ${quarter} AS period,
           arg_max(value, (date - DATE '1970-01-01') * 4294967296 + rowid) AS value
    FROM m GROUP BY ALL)
  GROUP BY ALL ORDER BY indicator, sector, period`);

// Q3: running total per indicator over the days that have data.
await timed('q3', `CREATE TABLE q3 AS
  SELECT indicator, date, sum(sum(value)) OVER (PARTITION BY indicator ORDER BY date
                                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS value
  FROM m GROUP BY indicator, date ORDER BY indicator, date`);

const ordinals = { q1: 'period', q2: 'period', q3: "(date - DATE '1970-01-01')" };
for (const [q, ord] of Object.entries(ordinals)) {
  const r = (await con.runAndReadAll(`SELECT count(*) AS n, sum(round(value * 1e6)::HUGEINT) AS s,
      sum(round(value * 1e6)::HUGEINT * ${ord}) AS w FROM ${q}`)).getRowObjects()[0];
  const u = (x) => BigInt.asUintN(64, BigInt(x ?? 0));
  console.log(`checksum ${q} rows=${r.n} sum=${u(r.s)} wsum=${u(r.w)}`);
}
