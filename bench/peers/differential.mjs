// Differential test: random small measurement CSVs with edge cases (leap days, ISO week 53, year ends,
// quoted fields with commas, quotes and line breaks, CRLF, a BOM, negative and exponent values, ties on
// equal dates) aggregated by `regiokpi aggregate` and by DuckDB, for every time rule (sum, avg, min, max,
// count, first, last_in_period, and last carried forward: a calendar of periods joined to each series'
// latest row dated on or before the period's end), every space rule (sum, avg, min, max, count), every period
// type (day, ISO week, month, quarter, half-year, year, financial year) and several groupings, with
// and without --cumulative, --indicator and --from/--to. Results must agree (values within a
// float-rounding tolerance, labels and row order exactly).
//   node bench/peers/differential.mjs REGIOKPI_BINARY [--seed N] [--datasets N] [--keep DIR]
// Exit 0 when everything agrees, 1 on any mismatch (the data set and the query are printed).
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const binary = args[0];
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
if (!binary) {
  console.error('usage: node differential.mjs REGIOKPI_BINARY [--seed N] [--datasets N] [--keep DIR]');
  process.exit(2);
}
const seed0 = Number(opt('--seed', '20261127'));
const datasets = Number(opt('--datasets', '4'));
const workdir = opt('--keep', null) ?? fs.mkdtempSync(path.join(os.tmpdir(), 'regiokpi-differential-'));
fs.mkdirSync(workdir, { recursive: true });

// ---- deterministic randomness (mulberry32) ------------------------------------------------------------
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (xs) => xs[next.int(xs.length)];
  next.chance = (p) => next() < p;
  return next;
}

// ---- data ---------------------------------------------------------------------------------------------
const dayNumber = (iso) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86400000;
const isoOf = (n) => new Date(n * 86400000).toISOString().slice(0, 10);
const EDGE_DATES = [
  '2015-12-31', '2016-01-03', '2016-01-04', // 2015 has ISO week 53 (Dec 28 .. Jan 3)
  '2016-02-28', '2016-02-29', '2016-03-01', // leap day
  '2018-12-31', '2019-01-01', // 2018-12-31 is in 2019-W01
  '2019-12-29', '2019-12-30', '2019-12-31', '2020-01-01', // 2019-12-30 is in 2020-W01
  '2020-02-29', '2020-03-01', '2020-06-30', '2020-07-01', '2020-09-30', '2020-10-01',
  '2020-12-28', '2020-12-31', '2021-01-01', '2021-01-03', '2021-01-04', // 2020-W53 runs to 2021-01-03
  '2021-12-31', '2022-01-01', '2022-01-02', '2022-01-03', // 2022-01-02 is in 2021-W52
  '2023-12-31', '2024-01-01', '2024-02-29', '2024-12-30', // 2024-12-30 is in 2025-W01
  '2026-12-31', '2027-01-03', '2027-01-04', // 2026 has ISO week 53
];
const FIRST = dayNumber('2015-06-01');
const LAST = dayNumber('2027-03-31');

// Value texts in the forms the CSV allows: sign, decimals, exponent. Number() gives the same
// correctly rounded double as any correct decimal parser.
function valueText(r) {
  const sign = r.pick(['', '', '', '-', '+']);
  const digits = String(r.int(100000));
  const form = r.int(6);
  if (form === 0) return sign + digits;
  if (form <= 2) return `${sign}${digits}.${String(r.int(1000)).padStart(3, '0').slice(0, 1 + r.int(3))}`;
  if (form === 3) return `${sign}${digits.slice(0, 3)}e${r.pick(['', '+', '-'])}${r.int(4)}`;
  if (form === 4) return `${sign}${r.int(10)}.${r.int(100)}E${r.pick(['-', ''])}${r.int(3)}`;
  return `${sign}0.${String(r.int(100)).padStart(2, '0')}`;
}

const csvField = (s, r, forceQuote) =>
  forceQuote || /[",\r\n]/.test(s) || r.chance(0.1) ? `"${s.replaceAll('"', '""')}"` : s;

// A data set: its dimensions, its rows (logical values) and its CSV text (quirky on purpose).
function makeDataset(k) {
  const r = rng(seed0 + 7919 * k);
  const indicators = ['jobs', 'ind,comma', 'ind "quoted"', 'ïndicator-ü', 'z.last'].slice(0, 2 + r.int(4));
  const dims =
    k % 2 === 0
      ? [
          { name: 'municipality', members: ['Emmen', 'Coevorden, Zuid', 'De "Wolden"', 'Aa en Hunze', 'Borger-Odoorn'] },
          { name: 'sector', members: ['zorg', 'bouw', 'landbouw'] },
        ]
      : [{ name: 'gemeente', members: ['Assen', 'Hoogeveen', 'Meppel\nNoord', 'Tynaarlo'] }];
  const n = 150 + r.int(250);
  const rows = [];
  for (let i = 0; i < n; ++i) {
    let day;
    if (rows.length && r.chance(0.15)) {
      // same series and date as an earlier row: a tie that first/last break by input order
      const prev = r.pick(rows);
      rows.push({ ...prev, rn: i, text: valueText(r) });
      rows[i].value = Number(rows[i].text);
      continue;
    }
    day = r.chance(0.5) ? dayNumber(r.pick(EDGE_DATES)) : FIRST + r.int(LAST - FIRST + 1);
    const text = valueText(r);
    rows.push({
      rn: i,
      indicator: r.pick(indicators),
      date: isoOf(day),
      members: dims.map((d) => r.pick(d.members)),
      text,
      value: Number(text),
    });
  }
  // Column order varies; reserved provenance columns (note, source) ride along and do not aggregate.
  const cols = ['indicator', 'date', 'value', ...dims.map((d) => d.name), 'note'];
  if (k % 2 === 1) cols.push('source');
  for (let i = cols.length - 1; i > 0; --i) {
    const j = r.int(i + 1);
    [cols[i], cols[j]] = [cols[j], cols[i]];
  }
  const eol = k % 2 === 0 ? '\r\n' : '\n';
  const quoteAll = k === 3;
  let text = k % 4 === 2 ? '\ufeff' : '';
  text += cols.map((c) => csvField(c, r, quoteAll)).join(',') + eol;
  for (const row of rows) {
    const field = (c) => {
      if (c === 'indicator') return row.indicator;
      if (c === 'date') return row.date;
      if (c === 'value') return row.text;
      if (c === 'note') return r.pick(['', 'checked', 'says "ok", twice', 'two\r\nlines', 'x']);
      if (c === 'source') return r.pick(['CBS', 'gemeente, eigen telling', '']);
      return row.members[dims.findIndex((d) => d.name === c)];
    };
    text += cols.map((c) => csvField(field(c), r, quoteAll)).join(',') + eol;
  }
  if (r.chance(0.5)) text = text.slice(0, -eol.length); // no newline after the last row
  return { k, dims, indicators, rows, text, r };
}

// ---- DuckDB's answer ----------------------------------------------------------------------------------
const sqlStr = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;

// Period key (sortable integer, in time order) and label, as SQL over the column "date".
const PERIODS = {
  day: ["(date - DATE '1970-01-01')", "strftime(date, '%Y-%m-%d')"],
  iso_week: ['(isoyear(date) * 100 + week(date))', "printf('%04d-W%02d', isoyear(date), week(date))"],
  month: ['(year(date) * 12 + month(date) - 1)', "strftime(date, '%Y-%m')"],
  quarter: ['(year(date) * 4 + quarter(date) - 1)', "printf('%04d-Q%d', year(date), quarter(date))"],
  half_year: ['(year(date) * 2 + (month(date) > 6)::INT)', "printf('%04d-H%d', year(date), 1 + (month(date) > 6)::INT)"],
  year: ['year(date)', "printf('%04d', year(date))"],
};
// A financial year starting in month fs is named by the calendar year it starts in (FY2021).
function financialYear(fs) {
  const fy = `((year(date) * 12 + month(date) - 1 - ${fs - 1}) // 12)`;
  return [fy, `printf('FY%04d', ${fy})`];
}
// first/last: by date, then input order (rn), so the key is day * 2^20 + rn.
const ORDER_KEY = "((date - DATE '1970-01-01')::BIGINT * 1048576 + rn)";
const TIME = {
  sum: 'sum(value)',
  avg: 'avg(value)',
  min: 'min(value)',
  max: 'max(value)',
  count: 'count(*)::DOUBLE',
  first: `arg_min(value, ${ORDER_KEY})`,
  last_in_period: `arg_max(value, ${ORDER_KEY})`,
  last: null, // carried forward: carriedSql below
};
const SPACE = { sum: 'sum(tv)', avg: 'avg(tv)', min: 'min(tv)', max: 'max(tv)', count: 'count(tv)::DOUBLE' };

// time rule last, written from its definition (docs/aggregation.md): the periods run from the one
// holding max(first date, --from) to the one holding each indicator's latest row dated in
// [max(first date, --from), min(last date, --to)]; in each, a series' value is its latest row (by
// date, then input order) dated on or before the period's end, however early; nothing before its
// first row.
function carriedSql(ds, q, dims, pkey, plabel) {
  const lo = q.from ? `greatest(min(date), DATE ${sqlStr(q.from)})` : 'min(date)';
  const hi = q.to ? `least(max(date), DATE ${sqlStr(q.to)})` : 'max(date)';
  const only = q.indicators ? `indicator IN (${q.indicators.map(sqlStr).join(', ')})` : 'true';
  return `
    bounds AS (SELECT ${lo} AS lo, ${hi} AS hi FROM d),
    days AS (SELECT unnest(generate_series(lo, hi, INTERVAL 1 DAY))::DATE AS date FROM bounds WHERE lo <= hi),
    cal AS (SELECT ${pkey} AS pk, min(${plabel}) AS label, max(date) AS pend FROM days GROUP BY pk),
    ends AS (SELECT indicator, max(${pkey}) AS end_pk FROM d, bounds
             WHERE date BETWEEN lo AND hi AND ${only} GROUP BY indicator),
    series AS (SELECT DISTINCT indicator, ${dims.join(', ')} FROM d WHERE ${only}),
    grid AS (SELECT series.*, cal.pk, cal.label, cal.pend FROM series JOIN ends USING (indicator)
             JOIN cal ON cal.pk <= ends.end_pk),
    carried AS (
      SELECT g.indicator, ${dims.map((c) => 'g.' + c).join(', ')}, g.pk, g.label,
             (SELECT arg_max(x.value, ${ORDER_KEY.replaceAll('date', 'x.date').replaceAll('rn', 'x.rn')}) FROM d x
              WHERE x.indicator = g.indicator ${dims.map((c) => `AND x.${c} = g.${c}`).join(' ')}
                AND x.date <= g.pend) AS tv
      FROM grid g),
    t AS (SELECT * FROM carried WHERE tv IS NOT NULL),`;
}

function expectedSql(ds, q) {
  const dims = ds.dims.map((d) => ident(d.name));
  const by = q.by.map(ident);
  const [pkey, plabel] = q.period === 'financial_year' ? financialYear(q.fyStart) : PERIODS[q.period];
  const where = [];
  if (q.indicators) where.push(`indicator IN (${q.indicators.map(sqlStr).join(', ')})`);
  if (q.from) where.push(`date >= DATE ${sqlStr(q.from)}`);
  if (q.to) where.push(`date <= DATE ${sqlStr(q.to)}`);
  const value = q.cumulative
    ? `sum(v) OVER (PARTITION BY indicator${by.map((b) => ', ' + b).join('')} ORDER BY pk
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`
    : 'v';
  const t =
    q.time === 'last'
      ? carriedSql(ds, q, dims, pkey, plabel)
      : `t AS (
      SELECT indicator, ${dims.join(', ')}, ${pkey} AS pk, min(${plabel}) AS label, ${TIME[q.time]} AS tv
      FROM d ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      GROUP BY indicator, ${dims.join(', ')}, pk),`;
  return `
    WITH ${t}
    s AS (
      SELECT indicator, ${by.map((b) => b + ', ').join('')}pk, min(label) AS label, ${SPACE[q.space]} AS v
      FROM t GROUP BY indicator, ${by.map((b) => b + ', ').join('')}pk)
    SELECT indicator, ${by.map((b) => b + ', ').join('')}pk, label, ${value} AS value FROM s`;
}

// Rows in the order the issue prescribes: indicator, then the --by columns, in UTF-8 byte order; then
// the period in time order.
function sortRows(rows) {
  const cmpBytes = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  return rows.sort((a, b) => {
    for (let i = 0; i < a.keys.length; ++i) {
      const c = cmpBytes(a.keys[i], b.keys[i]);
      if (c) return c;
    }
    return a.pk - b.pk;
  });
}

// ---- regiokpi's answer --------------------------------------------------------------------------------
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (c === '"') (quoted = false), ++i;
      else (field += c), ++i;
    } else if (c === '"') (quoted = true), ++i;
    else if (c === ',') row.push(field), (field = ''), ++i;
    else if (c === '\n' || c === '\r') {
      row.push(field), rows.push(row), (row = []), (field = '');
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else (field += c), ++i;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}

const csvArg = (ids) => ids.map((s) => (/[",]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)).join(',');

function regiokpiArgs(file, q) {
  const a = ['aggregate', file, '--period', q.period, '--time', q.time, '--space', q.space];
  if (q.by.length) a.push('--by', q.by.join(','));
  if (q.cumulative) a.push('--cumulative');
  if (q.fyStart) a.push('--fy-start', String(q.fyStart));
  if (q.indicators) a.push('--indicator', csvArg(q.indicators));
  if (q.from) a.push('--from', q.from);
  if (q.to) a.push('--to', q.to);
  return a;
}

// ---- the comparison -----------------------------------------------------------------------------------
const close = (a, b) => a === b || Math.abs(a - b) <= 1e-6 + 1e-9 * Math.max(Math.abs(a), Math.abs(b));

function queriesFor(ds) {
  const r = rng(seed0 * 31 + ds.k);
  const names = ds.dims.map((d) => d.name);
  const groupings = ds.dims.length === 2 ? [[], [names[0]], [names[1], names[0]]] : [[], [names[0]]];
  const qs = [];
  // Every rule pair for each period type in the first two data sets; two period types in the others.
  let periods = ['month', 'quarter', 'iso_week', 'year', ...[['day', 'half_year'], ['financial_year']][ds.k] ?? []];
  if (ds.k >= 2) periods = [r.pick(periods.slice(0, 2)), r.pick(periods.slice(2))];
  for (const period of periods)
    for (const time of Object.keys(TIME))
      for (const space of Object.keys(SPACE)) {
        const q = { period, time, space, by: r.pick(groupings), cumulative: false };
        if (period === 'financial_year') q.fyStart = r.pick([1, 4, 7, 10, 12]);
        if (r.chance(0.2)) q.cumulative = true;
        if (r.chance(0.15)) q.indicators = ds.indicators.filter(() => r.chance(0.5)).slice(0, 3);
        if (q.indicators && !q.indicators.length) delete q.indicators;
        if (r.chance(0.15)) [q.from, q.to] = [r.pick(EDGE_DATES), r.pick(EDGE_DATES)].sort();
        qs.push(q);
      }
  return qs;
}

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
let passed = 0;
let failures = 0;
const report = (ds, file, q, what) => {
  ++failures;
  if (failures > 20) return;
  console.error(`MISMATCH in ${file}\n  regiokpi ${regiokpiArgs(file, q).map((x) => JSON.stringify(x)).join(' ')}\n  ${what}`);
};

for (let k = 0; k < datasets; ++k) {
  const ds = makeDataset(k);
  const file = path.join(workdir, `differential-${k}.csv`);
  fs.writeFileSync(file, ds.text);

  await con.run('DROP TABLE IF EXISTS d');
  const dimCols = ds.dims.map((d) => `${ident(d.name)} VARCHAR`).join(', ');
  await con.run(`CREATE TABLE d (rn INTEGER, indicator VARCHAR, date DATE, ${dimCols}, value DOUBLE)`);
  const values = ds.rows.map(
    (row) =>
      `(${row.rn}, ${sqlStr(row.indicator)}, DATE ${sqlStr(row.date)}, ${row.members.map(sqlStr).join(', ')}, ` +
      `${sqlStr(String(row.value))}::DOUBLE)`,
  );
  await con.run(`INSERT INTO d VALUES ${values.join(',\n')}`);

  for (const q of queriesFor(ds)) {
    const raw = (await con.runAndReadAll(expectedSql(ds, q))).getRows();
    const expected = sortRows(
      raw.map((x) => ({ keys: x.slice(0, 1 + q.by.length), pk: Number(x[1 + q.by.length]), label: x[2 + q.by.length], value: x[3 + q.by.length] })),
    );
    let out;
    try {
      out = execFileSync(binary, regiokpiArgs(file, q), {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 1 << 28, // carried forward by day over 12 years: many MB
      });
    } catch (e) {
      report(ds, file, q, `exited ${e.status}: ${String(e.stderr).trim()}`);
      continue;
    }
    const got = parseCsv(out);
    const header = ['indicator', ...q.by, 'period', 'value'];
    if (JSON.stringify(got[0]) !== JSON.stringify(header)) {
      report(ds, file, q, `header ${JSON.stringify(got[0])}, expected ${JSON.stringify(header)}`);
      continue;
    }
    const body = got.slice(1);
    const fmtRow = (x) => JSON.stringify([...x.keys, x.label, x.value]);
    let bad = body.length !== expected.length ? `${body.length} rows, expected ${expected.length}` : null;
    let at = 0;
    for (let i = 0; !bad && i < body.length; ++i, at = i) {
      const g = body[i];
      const e = expected[i];
      const same = [...e.keys, e.label].every((v, j) => v === g[j]);
      if (!same || !close(Number(g[g.length - 1]), e.value))
        bad = `row ${i + 1}: ${JSON.stringify(g)}, expected ${fmtRow(e)}`;
    }
    if (bad) {
      const shown = (rows, f) => rows.slice(Math.max(0, at - 3), at + 5).map(f).join('\n      ');
      report(ds, file, q, `${bad}\n    regiokpi (from row ${Math.max(0, at - 3) + 1}):\n      ${shown(body, (x) => JSON.stringify(x))}\n    DuckDB:\n      ${shown(expected, fmtRow)}`);
    } else ++passed;
  }
}

console.log(`${passed} passed, ${failures} failed`);
if (failures) {
  console.error(`data sets kept in ${workdir}`);
  process.exit(1);
}
if (!opt('--keep', null)) fs.rmSync(workdir, { recursive: true, force: true });
