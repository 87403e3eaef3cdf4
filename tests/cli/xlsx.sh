#!/usr/bin/env bash
# --format xlsx (docs/report-format.md, "Excel workbook"): the Regio Deal report as a workbook, read
# back with Debian's python3-openpyxl (an independent reader) and compared cell by cell with the JSON
# report of the same inputs; number cells numeric with a number format, date cells dates, status cells
# filled with the colour the HTML report gives the status (read from the HTML's own style sheet); frozen
# header rows and autofilters; the funding amounts against the seed's published figures (the Rijk 20 M,
# the province 10 M, the municipalities 10 M) and, for the municipalities, against `regiokpi allocate`
# of the same weights. A failed write leaves nothing behind and exits 3.
# Run as: bash xlsx.sh <regiokpi> <source-dir>
set -u
bin=$1
src=$2
ex=$src/examples/regio-deal-zod
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
# Debian's python3 has python3-openpyxl (scripts/install-deps.sh test); a python3 earlier on the PATH may not.
py=/usr/bin/python3
[[ -x $py ]] || py=python3
fail() {
  echo "FAIL $*"
  fails=$((fails + 1))
}

args=("$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31)
"$bin" report "${args[@]}" --format xlsx --output "$tmp/r.xlsx" || fail "xlsx rc"
"$bin" report "${args[@]}" --format json --output "$tmp/r.json" || fail "json rc"
"$bin" report "${args[@]}" --format csv --output "$tmp/r.csv" || fail "csv rc"
"$bin" report "${args[@]}" --format html --output "$tmp/r.html" || fail "html rc"
"$bin" allocate --total 10000000.00 "$ex/municipality-weights.csv" --format csv >"$tmp/alloc.csv" || fail "allocate rc"

"$py" - "$tmp" <<'PY' || fail "workbook contents"
import csv, datetime, json, re, sys
from decimal import Decimal
import openpyxl

tmp = sys.argv[1]
wb = openpyxl.load_workbook(f"{tmp}/r.xlsx")
rep = json.load(open(f"{tmp}/r.json"))
problems = []
def check(cond, what):
    if not cond:
        problems.append(what)

check(wb.sheetnames[:4] == ["Summary", "Indicators", "Series", "Funding"], f"sheets {wb.sheetnames}")
check(("Data quality" in wb.sheetnames) == (rep.get("data_quality") is not None), "data quality sheet")

# Every table sheet: a frozen header row and an autofilter over header + data rows.
for name in wb.sheetnames:
    ws = wb[name]
    check(ws.freeze_panes == "A2", f"{name}: freeze panes {ws.freeze_panes}")
    ref = ws.auto_filter.ref
    check(ref is not None and ref.startswith("A1:"), f"{name}: autofilter {ref}")

# Indicators: the CSV report's columns, one row per indicator, values equal to the JSON report's.
ws = wb["Indicators"]
rows = list(ws.iter_rows(values_only=False))
header = [c.value for c in rows[0]]
csv_header = next(csv.reader(open(f"{tmp}/r.csv")))
check(header == csv_header, "Indicators header differs from the CSV report's")
col = {h: k for k, h in enumerate(header)}
inds = rep["indicators"]
check(len(rows) - 1 == len(inds), f"{len(rows) - 1} indicator rows, {len(inds)} in the JSON report")
check(ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{len(inds) + 1}",
      f"Indicators autofilter {ws.auto_filter.ref}")

# The HTML report's status colours, from its style sheet: .on_track{background:#2f8f5b}
html = open(f"{tmp}/r.html").read()
colours = {m.group(1): m.group(2).upper() for m in re.finditer(r"\.([a-z_]+)\{background:#([0-9a-fA-F]{6})\}", html)}
check("on_track" in colours and "off_track" in colours, f"HTML colours {colours}")

def num(cell, expected, what):
    if expected is None:
        check(cell.value is None, f"{what}: {cell.value!r}, expected empty")
        return
    check(cell.data_type == "n" and isinstance(cell.value, (int, float)), f"{what}: not a number ({cell.value!r})")
    check(cell.number_format != "General", f"{what}: no number format")
    if isinstance(cell.value, (int, float)):
        check(abs(cell.value - expected) <= 1e-12 * max(1, abs(expected)), f"{what}: {cell.value} != {expected}")

def day(cell, expected, what):
    if expected is None:
        check(cell.value is None, f"{what}: {cell.value!r}, expected empty")
        return
    check(isinstance(cell.value, datetime.datetime), f"{what}: not a date ({cell.value!r})")
    check(cell.is_date, f"{what}: no date format")
    if isinstance(cell.value, datetime.datetime):
        check(cell.value.date().isoformat() == expected, f"{what}: {cell.value} != {expected}")

def text(cell, expected, what):
    check((cell.value or "") == (expected or ""), f"{what}: {cell.value!r} != {expected!r}")

for r, i in zip(rows[1:], inds):
    w = i["id"]
    for k in ("id", "name", "unit", "pillar", "goal", "result", "status", "achievement_basis"):
        text(r[col[k]], i[k], f"{w}.{k}")
    for k in ("baseline", "target", "final_target", "actual", "achievement", "final_achievement", "expected", "gap"):
        num(r[col[k]], i[k], f"{w}.{k}")
    for k in ("target_date", "final_target_date", "actual_date"):
        day(r[col[k]], i[k], f"{w}.{k}")
    f = i["forecast"]
    num(r[col["forecast_value"]], f["value"], f"{w}.forecast_value")
    num(r[col["forecast_low"]], f["low"], f"{w}.forecast_low")
    num(r[col["forecast_high"]], f["high"], f"{w}.forecast_high")
    num(r[col["forecast_p_reach"]], f["p_reach"], f"{w}.forecast_p_reach")
    day(r[col["forecast_eta"]], f["eta"], f"{w}.forecast_eta")
    text(r[col["forecast_eta_status"]], f["eta_status"], f"{w}.forecast_eta_status")
    text(r[col["forecast_method"]], f["method"], f"{w}.forecast_method")
    text(r[col["trend"]], i["trend"], f"{w}.trend")
    text(r[col["actual_status"]], i["actual_status"], f"{w}.actual_status")
    check(r[col["stale"]].value is i["stale"], f"{w}.stale")
    cov = i.get("coverage")
    num(r[col["coverage_met"]], cov["met"] if cov else None, f"{w}.coverage_met")
    num(r[col["coverage_total"]], cov["total"] if cov else None, f"{w}.coverage_total")
    for k, rate in (("required_rate", i["required_rate"]), ("recent_rate", i["recent_rate"])):
        num(r[col[k]], rate["value"] if rate else None, f"{w}.{k}")
    s = r[col["status"]]
    want = colours.get(i["status"])
    got = (s.fill.fgColor.rgb or "")[-6:].upper() if s.fill and s.fill.fill_type == "solid" else None
    check(got == want, f"{w}.status fill {got}, the HTML's {i['status']} colour is {want}")

# Series: long format, every point of every indicator's series.
ws = wb["Series"]
series = [(i["id"], d, v) for i in inds for d, v in i["series"]]
got = [(r[0], r[1], r[2]) for r in ws.iter_rows(min_row=2, values_only=True)]
check(len(got) == len(series), f"Series: {len(got)} rows, {len(series)} points in the JSON report")
for (gi, gd, gv), (ei, ed, ev) in zip(got, series):
    # A cell carries 16 significant digits (libxlsxwriter's %.16G; Excel itself keeps 15).
    if gi != ei or not isinstance(gd, datetime.datetime) or gd.date().isoformat() != ed or \
            abs(gv - ev) > 1e-15 * abs(ev):
        check(False, f"Series row {gi} {gd} {gv} != {ei} {ed} {ev}")
        break

# Summary: the programme first (its status as people read it), then every pillar.
ws = wb["Summary"]
head = [c.value for c in ws[1]]
srows = []
for r in ws.iter_rows(min_row=2, values_only=True):
    if not r[0]:
        break  # the table ends at the first empty row; notes follow
    srows.append(dict(zip(head, r)))
nodes = rep["nodes"]
prog = nodes[-1]
pillars = [n for n in nodes if n["kind"] == "pillar"]
check(srows[0]["level"] == "programme" and srows[0]["status"] == prog["status"].replace("_", " "),
      f"Summary programme row {srows[0]}")
check([r["id"] for r in srows[1:]] == [p["id"] for p in pillars], "Summary pillars")
for r, p in zip(srows[1:], pillars):
    check(r["status"] == p["status"].replace("_", " "), f"Summary {p['id']} status {r['status']}")
    if p["achievement"] is not None:
        check(abs(r["achievement"] - p["achievement"]) < 1e-12, f"Summary {p['id']} achievement")

# Funding: the seed's published split, exact to the cent, numbers with two decimals.
ws = wb["Funding"]
lines = [r for r in ws.iter_rows(min_row=2, values_only=False) if r[0].value]
cents = {}
for r in lines:
    check(r[2].data_type == "n" and r[2].number_format == "#,##0.00", f"Funding {r[0].value}: format")
    cents[r[0].value] = round(Decimal(repr(r[2].value)) * 100)
parties = {k: v for k, v in cents.items() if "/" not in k}
members = {k.split("/", 1)[1]: v for k, v in cents.items() if "/" in k}
# README of the seed: the Rijk pays 20,000,000.00 matching the regional 20 M (a pool: a base nobody pays);
# the province half of the regional 20 M; the municipalities the other 10 M by population.
check(parties == {"rijk": 2_000_000_000, "regional": 2_000_000_000, "province": 1_000_000_000,
                  "municipalities": 1_000_000_000}, f"Funding parties {parties}")
notes = {r[0].value: r[4].value for r in lines}
check("pool" in (notes.get("regional") or ""), "the regional pool is not marked as a pool")
total = [r for r in ws.iter_rows(min_row=len(lines) + 2, values_only=True) if r[1]]
check(total and round(Decimal(repr(total[0][2])) * 100) == 4_000_000_000,
      f"total paid by the parties {total}")
check(sum(members.values()) == 1_000_000_000, f"municipal shares add up to {sum(members.values())} cents")
alloc = {row["member"].lower().replace(" ", "-"): round(Decimal(row["amount"]) * 100) for row in csv.DictReader(open(f"{tmp}/alloc.csv"))}
check(members == alloc, f"municipal shares {members} != allocate {alloc}")

if problems:
    print("\n".join(problems[:30]))
    sys.exit(1)
PY

# A write that cannot happen: exit 3, no file and no temporary left behind.
mkdir -p "$tmp/ro"
"$bin" report "${args[@]}" --format xlsx --output "$tmp/missing-dir/r.xlsx" 2>"$tmp/err"
rc=$?
[[ $rc -eq 3 ]] || fail "unwritable target: rc $rc"
[[ ! -e "$tmp/missing-dir" ]] || fail "unwritable target: something was created"
# The workbook's temporary file goes to $TMPDIR and is removed afterwards.
TMPDIR=$tmp/ro "$bin" report "${args[@]}" --format xlsx --output "$tmp/r2.xlsx" || fail "TMPDIR rc"
[[ -z "$(ls -A "$tmp/ro")" ]] || fail "temporary files left in TMPDIR: $(ls -A "$tmp/ro")"
# An unusable TMPDIR is an I/O error naming it, and the target is not touched.
echo old >"$tmp/keep.xlsx"
TMPDIR=$tmp/nowhere "$bin" report "${args[@]}" --format xlsx --output "$tmp/keep.xlsx" 2>"$tmp/err"
rc=$?
[[ $rc -eq 3 ]] || fail "bad TMPDIR: rc $rc"
grep -q "nowhere" "$tmp/err" || fail "bad TMPDIR: message $(cat "$tmp/err")"
[[ "$(cat "$tmp/keep.xlsx")" == old ]] || fail "bad TMPDIR: the target changed"

if ((fails)); then
  echo "$fails failure(s)"
  exit 1
fi
echo "xlsx: all passed"
