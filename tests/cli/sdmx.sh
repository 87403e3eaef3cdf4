#!/usr/bin/env bash
# --format sdmx-csv (docs/sdmx.md): `aggregate` and `report` written as SDMX-CSV 2.0, read back with
# python3's csv module and compared with the plain output of the same query (aggregate: --format csv;
# report: the JSON report's series), the period labels converted to SDMX's forms here, independently of
# the tool. Usage errors exit 2 and write nothing. Run as: bash sdmx.sh <regiokpi> <source-dir>
set -u
bin=$1
src=$2
data=$src/tests/data
ex=$src/examples/regio-deal-zod
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
  echo "FAIL $*"
  fails=$((fails + 1))
}

compare_aggregate() {  # compare_aggregate NAME EXPECTED_STRUCTURE_ID MEASUREMENTS ARGS...
  local name=$1 flow=$2 input=$3
  shift 3
  local extra=()
  [[ "$flow" != "REGIOKPI:AGGREGATE(1.0)" ]] && extra=(--dataflow "$flow")
  "$bin" aggregate "$input" "$@" --format csv -o "$tmp/plain.csv" || { fail "$name: plain rc"; return; }
  "$bin" aggregate "$input" "$@" --format sdmx-csv "${extra[@]}" -o "$tmp/sdmx.csv" || {
    fail "$name: sdmx rc"
    return
  }
  python3 - "$tmp/plain.csv" "$tmp/sdmx.csv" "$flow" <<'PY' || fail "$name: contents"
import csv, re, sys

def sdmx_period(label):
    # The plain CSV's labels (docs/calendar.md) to SDMX reporting periods (docs/sdmx.md).
    if re.fullmatch(r"\d{4}-\d{2}", label):
        return label[:5] + "M" + label[5:]          # 2021-07 -> 2021-M07
    if re.fullmatch(r"\d{4}-H[12]", label):
        return label[:5] + "S" + label[6:]          # 2021-H1 -> 2021-S1
    if re.fullmatch(r"FY\d{4}", label):
        return label[2:]                            # FY2021 (starting in January) -> 2021
    assert re.fullmatch(r"\d{4}|\d{4}-Q[1-4]|\d{4}-W\d{2}|\d{4}-\d{2}-\d{2}", label), label
    return label

plain = list(csv.reader(open(sys.argv[1], newline="")))
sdmx = list(csv.reader(open(sys.argv[2], newline="")))
flow = sys.argv[3]
ph, sh = plain[0], sdmx[0]
dims = ph[1:-2]
want_head = ["STRUCTURE", "STRUCTURE_ID", "ACTION", "INDICATOR"] + dims + ["TIME_PERIOD", "OBS_VALUE", "OBS_STATUS"]
if sh != want_head:
    sys.exit(f"header {sh} != {want_head}")
if len(plain) != len(sdmx):
    sys.exit(f"{len(plain) - 1} plain rows, {len(sdmx) - 1} SDMX rows")
if len(plain) < 2:
    sys.exit("no rows to compare")
for p, s in zip(plain[1:], sdmx[1:]):
    if s[:3] != ["dataflow", flow, "I"]:
        sys.exit(f"leading fields {s[:3]}")
    if s[-1] != "":
        sys.exit(f"OBS_STATUS {s[-1]!r}: aggregate leaves it empty")
    want = p[:-2] + [sdmx_period(p[-2]), p[-1]]
    if s[3:-1] != want:
        sys.exit(f"row {s} != {want}")
    if float(s[-2]) != float(p[-1]):
        sys.exit(f"value {s[-2]} != {p[-1]}")
PY
}

# Every period type, over a file whose indicator "homes, new" needs quoting.
for period in day week month quarter half_year year financial_year; do
  compare_aggregate "small $period" "REGIOKPI:AGGREGATE(1.0)" "$data/measurements_small.csv" --period "$period" \
    --by municipality,sector
done
# The bundled example, two dimensions, a custom dataflow, averages (non-integer values).
compare_aggregate "example by region" "CBS:REGIO_ZOD(1.2)" "$ex/measurements.csv" --period quarter --by region \
  --time avg
compare_aggregate "example by month" "ESTAT.NL:X-1(2.0)" "$ex/measurements.csv" --period month --time last \
  --space avg
compare_aggregate "example by week" "REGIOKPI:AGGREGATE(1.0)" "$ex/measurements.csv" --period week --by region,sector

# Hand-checked: Q1 2021 jobs in measurements_small.csv are 5+7+8+2+10+3 = 35; homes, new 4 in Q2.
"$bin" aggregate "$data/measurements_small.csv" --period quarter --format sdmx-csv >"$tmp/hand.csv"
want='STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS
dataflow,REGIOKPI:AGGREGATE(1.0),I,"homes, new",2021-Q2,4,
dataflow,REGIOKPI:AGGREGATE(1.0),I,jobs,2021-Q1,35,
dataflow,REGIOKPI:AGGREGATE(1.0),I,jobs,2021-Q2,1,'
[[ "$(cat "$tmp/hand.csv")" == "$want" ]] || { fail "hand-checked quarter"; cat "$tmp/hand.csv"; }

# Usage errors: exit 2, a message naming the option, no output file.
usage() {  # usage NAME EXPECTED_STDERR_PART ARGS...
  local name=$1 part=$2
  shift 2
  rm -f "$tmp/none.csv"
  "$bin" "$@" -o "$tmp/none.csv" 2>"$tmp/err"
  local rc=$?
  [[ $rc == 2 ]] || fail "$name: rc $rc"
  grep -qF -- "$part" "$tmp/err" || { fail "$name: stderr"; cat "$tmp/err"; }
  [[ ! -e "$tmp/none.csv" ]] || fail "$name: wrote output"
}
usage "bad dataflow" "--dataflow" aggregate "$data/measurements_small.csv" --period month --format sdmx-csv \
  --dataflow "REGIOKPI:AGG"
usage "dataflow without sdmx" "--dataflow needs --format sdmx-csv" aggregate "$data/measurements_small.csv" \
  --period month --dataflow "A:B(1.0)"
usage "financial year from April" "financial year starting in month 4" aggregate "$data/measurements_small.csv" \
  --period financial_year --fy-start 4 --format sdmx-csv
usage "report financial year from July" "financial year starting in month 7" report "$ex/programme.json" \
  "$ex/measurements.csv" --as-of 2022-12-31 --period financial_year --fy-first-month 7 --format sdmx-csv
usage "report bad dataflow" "--dataflow" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 \
  --format sdmx-csv --dataflow "A:B(x)"

# report: the series of the JSON report, period by period; OBS_STATUS on the actual's period.
for period in quarter month half_year; do
  "$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --period "$period" --format json \
    -o "$tmp/r.json" || fail "report json $period"
  "$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --period "$period" \
    --format sdmx-csv -o "$tmp/r.csv" || fail "report sdmx $period"
  python3 - "$tmp/r.json" "$tmp/r.csv" "$period" <<'PY' || fail "report $period: contents"
import csv, json, sys

rep = json.load(open(sys.argv[1]))
rows = list(csv.reader(open(sys.argv[2], newline="")))
per = sys.argv[3]

def sdmx_period(day):  # a series point's date (its period's last day, or the as-of date)
    y, m = int(day[:4]), int(day[5:7])
    return {"quarter": f"{y}-Q{(m - 1) // 3 + 1}", "month": f"{y}-M{m:02d}", "half_year": f"{y}-S{1 if m <= 6 else 2}"}[per]

code = {"final": "A", "provisional": "P", "estimated": "E", None: ""}
if rows[0] != ["STRUCTURE", "STRUCTURE_ID", "ACTION", "INDICATOR", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS"]:
    sys.exit(f"header {rows[0]}")
want = []
statuses = set()
for ind in rep["indicators"]:
    act = ind.get("actual_date")
    for day, value in ind["series"]:
        st = code[ind.get("actual_status")] if act and sdmx_period(act) == sdmx_period(day) else ""
        statuses.add(st)
        want.append(["dataflow", f"REGIOKPI:{rep['programme']['id']}(1.0)", "I", ind["id"], sdmx_period(day), value, st])
got = rows[1:]
if len(got) != len(want) or not want:
    sys.exit(f"{len(got)} rows, want {len(want)}")
for g, w in zip(got, want):
    if g[:5] != w[:5] or float(g[5]) != float(w[5]) or g[6] != w[6]:
        sys.exit(f"row {g} != {w}")
if "A" not in statuses:
    sys.exit("no final status in the example's series")
PY
done

if ((fails)); then
  echo "$fails failure(s)"
  exit 1
fi
echo "all sdmx checks passed"
