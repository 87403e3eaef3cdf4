// Reads every *.arrow file of a store directory with Polars (nodejs-polars, an Arrow implementation
// independent of regiokpi's) and checks it against the CSV the store was imported from, then computes
// Q1 (SUM per indicator x municipality x quarter) from the store's files with Polars' lazy scanIPC and
// prints it as CSV (indicator,municipality,period,value) for store_polars.sh to compare with
// `regiokpi aggregate STORE`.
//   node store_polars.mjs PEERS_DIR STORE_DIR MEASUREMENTS.csv > q1.csv
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [peers, store, csv] = process.argv.slice(2);
const require = createRequire(path.resolve(peers, 'package.json'));
const pl = require('nodejs-polars');
const fail = (why) => { console.error(`FAIL ${why}`); process.exit(1); };

const manifest = JSON.parse(fs.readFileSync(path.join(store, 'manifest.json'), 'utf8'));
const files = fs.readdirSync(store).filter((f) => f.endsWith('.arrow')).sort();
const named = new Map([...manifest.batches, ...manifest.dictionaries].map((b) => [b.file, b]));
if (files.length !== named.size) fail(`${files.length} .arrow files, the manifest names ${named.size}`);
const frames = {};
for (const f of files) {
  const df = pl.readIPC(fs.readFileSync(path.join(store, f)));
  if (!named.has(f)) fail(`${f} is not in the manifest`);
  if (df.height !== named.get(f).rows) fail(`${f}: ${df.height} rows, the manifest says ${named.get(f).rows}`);
  frames[f] = df;
}
const batches = manifest.batches.map((b) => frames[b.file]);
const series = frames[manifest.dictionaries[0].file];
if (!series.columns.includes('indicator') || !series.columns.includes('municipality'))
  fail(`series file columns: ${series.columns}`);
const schema = batches[0].schema;
if (!schema.value.equals(pl.Float64) || !schema.date.equals(pl.Date)) fail(`batch schema: ${JSON.stringify(schema)}`);

// Rows: the batches in order, their series resolved to text, equal to the CSV's rows.
const rows = pl.concat(batches.map((b) => b.select('series', 'date', 'value')))
  .join(series.select('series', 'indicator', 'municipality', 'sector'), { on: 'series', how: 'left' })
  .select('indicator', 'date', 'municipality', 'sector', 'value');
const want = pl.readCSV(csv, {
  dtypes: { indicator: pl.Utf8, date: pl.Date, municipality: pl.Utf8, sector: pl.Utf8, value: pl.Float64 },
});
const keys = ['indicator', 'date', 'municipality', 'sector', 'value'];
if (!rows.sort(keys).frameEqual(want.sort(keys))) fail('the store\'s rows differ from the CSV\'s');
console.error(`polars read ${files.length} files, ${rows.height} rows equal to the CSV`);

// Q1 lazily from the files, as another engine would take a store over.
const quarter = pl.col('date').dt.year().cast(pl.Utf8)
  .add(pl.lit('-Q'))
  .add(pl.col('date').dt.month().cast(pl.Float64).sub(1).div(3).floor().add(1).cast(pl.Int32).cast(pl.Utf8))
  .alias('period');
const lazy = manifest.batches.map((b) => pl.scanIPC(path.join(store, b.file)));
const q1 = pl.concat(lazy)
  .join(pl.scanIPC(path.join(store, manifest.dictionaries[0].file)).select('series', 'indicator', 'municipality'),
    { on: 'series', how: 'left' })
  .select('indicator', 'municipality', quarter, 'value')
  .groupBy(['indicator', 'municipality', 'period']).agg(pl.col('value').sum())
  .sort(['indicator', 'municipality', 'period'])
  .collectSync();
const ind = q1.getColumn('indicator').toArray(), mun = q1.getColumn('municipality').toArray();
const per = q1.getColumn('period').toArray(), val = q1.getColumn('value').toArray();
let out = 'indicator,municipality,period,value\n';
for (let i = 0; i < q1.height; ++i) out += `${ind[i]},${mun[i]},${per[i]},${val[i].toFixed(6)}\n`;
process.stdout.write(out);
