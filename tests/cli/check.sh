#!/usr/bin/env bash
# `regiokpi check`: the Regio Deal example's planted findings (examples/regio-deal-zod/generate_measurements.py
# plants three missing reports, two late ones, one without recorded_at and one outlier), the JSON against
# docs/schema/check.schema.json, CSV one row per finding, and the exit codes (0 ran, 5 --fail-on, 1 bad
# input, 2 bad usage, 3 a missing file).
#   bash tests/cli/check.sh <path-to-regiokpi> <source-dir>
set -uo pipefail
bin=$1
src=$2
ex=$src/examples/regio-deal-zod
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" check "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format json -o "$tmp/q.json" ||
  fail "check did not run (exit $?)"
python3 - "$src" "$tmp/q.json" "$ex/measurements.csv" <<'PY' || exit 1
import csv, datetime as dt, json, sys
import jsonschema
src, path, measurements = sys.argv[1:]
q = json.load(open(path))
jsonschema.Draft202012Validator(json.load(open(f"{src}/docs/schema/check.schema.json"))).validate(q)
# Independent count from the CSV: W-c1..W-c3 are due quarterly from 2019-Q2 (the baseline 2019-06-01)
# to 2022-Q3 (2022-Q4's reports fall due on 2023-01-20): 14 quarters x 6 municipalities x 3 indicators.
munis = ["aa-en-hunze", "borger-odoorn", "coevorden", "emmen", "hardenberg", "hoogeveen"]
quarters = [(y, k) for y in range(2019, 2023) for k in range(1, 5) if (2019, 2) <= (y, k) <= (2022, 3)]
rows = list(csv.DictReader(open(measurements)))
inds = ["W-c1.assessments", "W-c2.plans", "W-c3.plans"]
def q_of(d):
    d = dt.date.fromisoformat(d)
    return (d.year, (d.month - 1) // 3 + 1)
cells = {}
for r in rows:
    if r["indicator"] in inds and r["region"] in munis and q_of(r["date"]) in quarters:
        cells.setdefault((r["indicator"], r["region"], q_of(r["date"])), []).append(r["recorded_at"])
expected = len(quarters) * len(munis) * len(inds)
assert q["completeness"]["expected"] == expected == 252, q["completeness"]["expected"]
assert q["completeness"]["reported"] == len(cells), (q["completeness"]["reported"], len(cells))
missing = sorted((i, m, f"{y}-Q{k}") for i in inds for m in munis for (y, k) in quarters if (i, m, (y, k)) not in cells)
got = sorted((x["indicator"], x["member"], x["period"]) for x in q["completeness"]["missing"])
assert got == missing and len(got) == 3, (got, missing)
late = []
unknown = 0
for (i, m, (y, k)), rec in cells.items():
    known = [d for d in rec if d]
    if not known:
        unknown += 1
        continue
    end = dt.date(y + (k == 4), k * 3 % 12 + 1, 1) - dt.timedelta(days=1)
    delay = (dt.date.fromisoformat(min(known)) - (end + dt.timedelta(days=20))).days
    if delay > 0:
        late.append((i, m, f"{y}-Q{k}", delay))
got_late = sorted((x["indicator"], x["member"], x["period"], x["days_late"]) for x in q["timeliness"]["late"])
assert got_late == sorted(late) and len(late) == 2, (got_late, late)
assert q["timeliness"]["unknown"] == unknown == 1
assert [(o["indicator"], o["member"], o["date"]) for o in q["outliers"]] == [("W-c1.assessments", "emmen", "2022-03-31")], q["outliers"]
assert q["outliers"][0]["score"] > 3.5
rules = {r["rule"]: r for r in q["rules"]}
assert rules["plans-within-assessments"]["violated"] == 0, rules
assert all(v["rule"] == "workplaces-within-environments" and v["left"] > v["right"] for v in q["violations"])
assert q["summary"]["high"] == 0 and q["summary"]["medium"] == 3 + len(q["violations"])
PY

# CSV: one row per finding plus the header.
"$bin" check "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format csv -o "$tmp/q.csv" || fail "csv"
n=$(python3 -c "import json; q=json.load(open('$tmp/q.json')); print(len(q['completeness']['missing'])+len(q['timeliness']['late'])+len(q['outliers'])+len(q['violations']))")
[ "$(($(wc -l <"$tmp/q.csv") - 1))" = "$n" ] || fail "CSV has $(wc -l <"$tmp/q.csv") lines for $n findings"
head -1 "$tmp/q.csv" | grep -qx "kind,importance,subject,member,period,date,value,detail" || fail "CSV header"

# Text: the summary line first.
"$bin" check "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 >"$tmp/q.txt" || fail "text"
head -1 "$tmp/q.txt" | grep -q "^Data quality on 2022-12-31: completeness 98.8 % (249 of 252 reports)" || fail "summary: $(head -1 "$tmp/q.txt")"

# --fail-on: nothing high (exit 0), medium findings exist (exit 5), and low includes them.
"$bin" check "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --fail-on high >/dev/null
[ $? = 0 ] || fail "--fail-on high should exit 0"
"$bin" check "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --fail-on medium >/dev/null
[ $? = 5 ] || fail "--fail-on medium should exit 5"
"$bin" check "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --fail-on low -o "$tmp/out.txt"
[ $? = 5 ] || fail "--fail-on low should exit 5"
[ -s "$tmp/out.txt" ] || fail "--fail-on must still write the findings"
# Before the programme's first report was due nothing is expected.
"$bin" check "$ex/programme.json" "$ex/measurements.csv" --as-of 2019-07-01 --fail-on medium >/dev/null
[ $? = 0 ] || fail "nothing was due on 2019-07-01"

# Errors: bad usage 2, missing file 3, bad programme 1; nothing written.
"$bin" check "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-02-30 -o "$tmp/x" 2>"$tmp/err"
[ $? = 2 ] || fail "a bad --as-of should exit 2"
grep -q "2022-02-30" "$tmp/err" || fail "the error does not quote the date"
"$bin" check "$ex/programme.json" "$ex/measurements.csv" --fail-on severe 2>/dev/null
[ $? = 2 ] || fail "--fail-on severe should exit 2"
"$bin" check "$ex/programme.json" "$tmp/none.csv" --as-of 2022-12-31 -o "$tmp/x" 2>/dev/null
[ $? = 3 ] || fail "a missing file should exit 3"
python3 - "$ex/programme.json" "$tmp/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["validation_rules"][0]["left"] = "W-c9.plans"
json.dump(d, open(sys.argv[2], "w"))
PY
"$bin" check "$tmp/bad.json" "$ex/measurements.csv" --as-of 2022-12-31 -o "$tmp/x" 2>"$tmp/err"
[ $? = 1 ] || fail "an unknown indicator in a rule should exit 1"
grep -q '^/validation_rules/0/left: "W-c9.plans" is not an indicator' "$tmp/err" || fail "error: $(cat "$tmp/err")"
[ ! -e "$tmp/x" ] || fail "an error left output behind"
# --as-recorded-on 2021-11-01: Hardenberg's late 2021-Q3 report (recorded 2021-11-15) was not known yet.
"$bin" check "$ex/programme.json" "$ex/measurements.csv" --as-of 2021-10-31 --as-recorded-on 2021-11-01 --format json \
  -o "$tmp/early.json" || fail "--as-recorded-on"
python3 - "$tmp/early.json" <<'PY' || exit 1
import json, sys
q = json.load(open(sys.argv[1]))
assert ["W-c1.assessments", "hardenberg", "2021-Q3"] in [[m["indicator"], m["member"], m["period"]] for m in q["completeness"]["missing"]], q["completeness"]["missing"]
PY

# The report carries the same findings: JSON data_quality, a Markdown section, HTML heatmaps.
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format json -o "$tmp/r.json" || fail "report"
python3 - "$tmp/r.json" "$tmp/q.json" <<'PY' || exit 1
import json, sys
r, q = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert r["data_quality"] == q, "report data_quality differs from regiokpi check"
PY
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format md -o "$tmp/r.md" || fail "report md"
grep -q "^## Data quality" "$tmp/r.md" || fail "no data-quality section in Markdown"
grep -q "^| Industrial companies supported in making a digitalisation plan.*(incomplete: 2 reports missing)" "$tmp/r.md" ||
  fail "W-c3's actual does not say it rests on incomplete reports"
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format html -o "$tmp/r.html" || fail "report html"
[ "$(grep -c '<svg [^>]*id="completeness-' "$tmp/r.html")" = 3 ] || fail "expected three completeness heatmaps"
grep -q 'class="cell missing"' "$tmp/r.html" || fail "no missing cell in the heatmap"
echo "ok check"
