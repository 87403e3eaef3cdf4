#!/usr/bin/env bash
# regiokpi forecast: CSV shape, hand-checked values (naive, drift), domains with a programme, the
# bundled report's forecasts all possible with p_reach, and errors that write nothing.
set -euo pipefail
bin=$1
src=$2
ex=$src/examples/regio-deal-zod
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A yearly series 10, 12, 13, 17 (two regions summed): naive says 17, drift 17 + (17 - 10)/3 = 19.333...
cat > "$tmp/m.csv" <<'CSV'
indicator,date,value,region
jobs,2019-06-30,4,north
jobs,2019-06-30,6,south
jobs,2020-06-30,12,north
jobs,2021-06-30,13,north
jobs,2022-06-30,17,north
CSV
"$bin" forecast "$tmp/m.csv" --period year --horizon 2 --method naive -o "$tmp/naive.csv"
head -1 "$tmp/naive.csv" | grep -qx 'indicator,period,value,low,high,method' || fail "header: $(head -1 "$tmp/naive.csv")"
[ "$(sed -n 2p "$tmp/naive.csv" | cut -d, -f1-3)" = "jobs,2023,17" ] || fail "naive: $(sed -n 2p "$tmp/naive.csv")"
[ "$(sed -n 3p "$tmp/naive.csv" | cut -d, -f1-3)" = "jobs,2024,17" ] || fail "naive step 2"
[ "$(sed -n 2p "$tmp/naive.csv" | cut -d, -f6)" = "naive" ] || fail "method column"
"$bin" forecast "$tmp/m.csv" --period year --horizon 1 --method drift -o "$tmp/drift.csv"
python3 - "$tmp/drift.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 1, rows
v = float(rows[0]["value"])
assert abs(v - (17 + 7 / 3)) < 1e-9, v
assert float(rows[0]["low"]) < v < float(rows[0]["high"]), rows
PY
# --by keeps the groups: north has 4 years, south 1 (naive: 6, no interval).
"$bin" forecast "$tmp/m.csv" --period year --horizon 1 --by region --method naive -o "$tmp/by.csv"
head -1 "$tmp/by.csv" | grep -qx 'indicator,region,period,value,low,high,method' || fail "by header"
grep -qx 'jobs,south,2020,6,,,naive' "$tmp/by.csv" || fail "south: $(cat "$tmp/by.csv")"

# Usage errors (exit 2) write nothing.
for h in 0 -1 2.5 x "" 10001; do
  set +e
  "$bin" forecast "$tmp/m.csv" --period year --horizon "$h" -o "$tmp/bad.csv" 2>"$tmp/err"
  rc=$?
  set -e
  [ $rc -eq 2 ] || fail "--horizon '$h': exit $rc"
  [ ! -e "$tmp/bad.csv" ] || fail "--horizon '$h' wrote output"
done
set +e
"$bin" forecast "$tmp/m.csv" --period year --horizon 1 --method arima -o "$tmp/bad.csv" 2>"$tmp/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "arima" "$tmp/err" || fail "--method arima: exit $rc"
# A log-linear forecast over a 0 cannot be made: bad input (exit 1), nothing written.
printf 'indicator,date,value\nx,2020-01-01,0\nx,2021-01-01,2\nx,2022-01-01,3\n' > "$tmp/z.csv"
set +e
"$bin" forecast "$tmp/z.csv" --period year --horizon 1 --method log_linear -o "$tmp/bad.csv" 2>"$tmp/err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "non_positive_value" "$tmp/err" || fail "log_linear over 0: exit $rc $(cat "$tmp/err")"
[ ! -e "$tmp/bad.csv" ] || fail "log_linear wrote output"
set +e
"$bin" forecast "$tmp/missing.csv" --period year --horizon 1 2>/dev/null; rc=$?
set -e
[ $rc -eq 3 ] || fail "missing file: exit $rc"

# With the programme: every indicator's own rules and domain; no impossible value.
"$bin" forecast "$ex/measurements.csv" --programme "$ex/programme.json" --period quarter --horizon 8 \
  -o "$tmp/zod.csv"
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format json -o "$tmp/r.json"
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format md -o "$tmp/r.md"
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --forecast-at 2023-06-30 \
  --method theta --format json -o "$tmp/r2.json"
python3 - "$src" "$tmp" <<'PY'
import csv, json, sys
src, tmp = sys.argv[1], sys.argv[2]
prog = json.load(open(f"{src}/examples/regio-deal-zod/programme.json"))
inds = {i["id"]: i for p in prog["pillars"] for g in p["goals"] for r in g["results"] for i in r["indicators"]}
def bounds(ind, members=None):
    kind = ind.get("kind", "count")
    lo, hi = (0, 100) if kind == "percentage" else (0, float("inf"))
    cov = ind.get("coverage")
    if cov:
        hi = 1 if cov.get("share") else (members if members is not None else hi)
    return lo, hi
rows = list(csv.DictReader(open(f"{tmp}/zod.csv")))
assert rows, "no forecasts"
for r in rows:
    ind = inds[r["indicator"]]
    assert ind.get("kind", "count") != "milestone", r
    lo, hi = bounds(ind)
    for k in ("value", "low", "high"):
        if r[k] != "":
            assert lo <= float(r[k]) <= hi, (r, lo, hi)
rep = json.load(open(f"{tmp}/r.json"))
md = open(f"{tmp}/r.md").read()
for i in rep["indicators"]:
    f = i["forecast"]
    members = i["coverage"]["total"] if i.get("coverage") else None
    lo, hi = bounds(inds[i["id"]], members)
    for k in ("value", "low", "high"):
        if f[k] is not None:
            assert lo - 1e-9 <= f[k] <= hi + 1e-9, (i["id"], k, f[k], lo, hi)
    if inds[i["id"]].get("cumulative") and f["low"] is not None and i["actual"] is not None:
        assert f["low"] >= i["actual"] - 1e-9, (i["id"], f["low"], i["actual"])  # a running total never falls
    if i["kind"] == "milestone":
        assert f["value"] is None and f["p_reach"] is None, i["id"]
    elif i["final_target"] is not None and i["final_target_date"] is not None and i["direction"] != "maintain":
        assert f["p_reach"] is not None and 0 <= f["p_reach"] <= 1, (i["id"], f)
        assert f["method"], i["id"]
        pct = f"{f['p_reach'] * 100:.0f} % likely by {i['final_target_date']}"
        assert pct in md, (i["id"], pct)
    if f["eta_status"] == "reached":
        up = i["direction"] != "decrease"
        assert (i["actual"] >= i["final_target"]) if up else (i["actual"] <= i["final_target"]), i["id"]
r2 = json.load(open(f"{tmp}/r2.json"))
for i in r2["indicators"]:
    if i["forecast"]["value"] is not None:
        assert i["forecast"]["at"] == "2023-06-30" and i["forecast"]["model"] == "theta", i["forecast"]
PY
echo "forecast CLI: ok"
