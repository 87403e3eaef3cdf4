#!/usr/bin/env bash
# regiokpi report on the bundled Regio Deal example: every format, the JSON against its schema, figures
# recomputed independently from the CSV in Python, as-recorded-on, and errors that write nothing.
set -euo pipefail
bin=$1
src=$2
ex=$src/examples/regio-deal-zod
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for f in json csv md html; do
  "$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format "$f" -o "$tmp/r.$f"
  [ -s "$tmp/r.$f" ] || fail "empty $f report"
done
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2021-05-01 --as-recorded-on 2021-05-01 \
  --format json -o "$tmp/early.json"

python3 - "$src" "$tmp" <<'PY'
import csv, datetime as dt, json, sys
import jsonschema
src, tmp = sys.argv[1], sys.argv[2]
schema = json.load(open(f"{src}/docs/schema/report.schema.json"))
jsonschema.Draft202012Validator.check_schema(schema)
rep = json.load(open(f"{tmp}/r.json"))
jsonschema.Draft202012Validator(schema).validate(rep)
early = json.load(open(f"{tmp}/early.json"))
jsonschema.Draft202012Validator(schema).validate(early)
prog = json.load(open(f"{src}/examples/regio-deal-zod/programme.json"))
n_ind = sum(len(r["indicators"]) for p in prog["pillars"] for g in p["goals"] for r in g["results"])
assert len(rep["indicators"]) == n_ind, (len(rep["indicators"]), n_ind)
assert rep["nodes"][-1]["kind"] == "programme"

# Independent reference: W-c1 is a cumulative count; a row with a higher revision replaces the rows
# with a lower one for the same (indicator, date, coordinates); as-recorded-on D keeps rows recorded <= D.
rows = list(csv.DictReader(open(f"{src}/examples/regio-deal-zod/measurements.csv")))
def total(indicator, as_of, recorded_on=None):
    keep = [r for r in rows if r["indicator"] == indicator and r["date"] <= as_of
            and (recorded_on is None or r["recorded_at"] <= recorded_on)]
    best = {}
    for r in keep:
        k = (r["date"], r["region"], r["sector"], r["environment-kind"])
        best[k] = max(best.get(k, 0), int(r["revision"] or 0))
    return sum(float(r["value"]) for r in keep
               if int(r["revision"] or 0) == best[(r["date"], r["region"], r["sector"], r["environment-kind"])])
def ind(report, id_):
    return next(i for i in report["indicators"] if i["id"] == id_)
a = ind(rep, "W-c1.assessments")
want = total("W-c1.assessments", "2022-12-31")
assert abs(a["actual"] - want) < 1e-9, (a["actual"], want)
assert abs(a["achievement"] - want / 400) < 1e-12
d0, d1, d = dt.date(2019, 6, 1), dt.date(2023, 12, 31), dt.date(2022, 12, 31)
expected = 400 * (d - d0).days / (d1 - d0).days
assert abs(a["expected"] - expected) < 1e-9, (a["expected"], expected)
status = "on_track" if a["achievement"] / (expected / 400) >= 1 else "at_risk"
assert a["status"] == status, (a["status"], status)
e = ind(early, "W-c1.assessments")
want_early = total("W-c1.assessments", "2021-05-01", "2021-05-01")
assert abs(e["actual"] - want_early) < 1e-9, (e["actual"], want_early)
assert early["as_recorded_on"] == "2021-05-01"
# Coverage: which municipalities have an innovation environment.
w = ind(rep, "W-b.innovation-environments")
have = {r["region"] for r in rows if r["indicator"] == "W-b.innovation-environments" and float(r["value"]) >= 1}
assert w["coverage"]["met"] == len(have) and w["coverage"]["total"] == 6, w["coverage"]
assert sorted(w["coverage"]["unmet"]) == sorted({"aa-en-hunze", "borger-odoorn", "coevorden", "emmen", "hardenberg", "hoogeveen"} - have)
# A milestone delivered on the first quarter-end with value 1.
h = ind(rep, "H-b.plan")
first = min(r["date"] for r in rows if r["indicator"] == "H-b.plan" and float(r["value"]) == 1)
assert h["milestone"]["delivered"] and h["milestone"]["delivered_on"] == first and h["status"] == "achieved"
# CSV: a header and one row per indicator, same statuses as the JSON.
with open(f"{tmp}/r.csv") as f:
    crow = list(csv.DictReader(f))
assert [r["id"] for r in crow] == [i["id"] for i in rep["indicators"]]
assert [r["status"] for r in crow] == [i["status"] for i in rep["indicators"]]
# Issue 9: an indicator without any target (a context figure) never carries a progress verdict and has
# no invented baseline; every node says how many children it stands on, and the counts add up.
by_id = {i["id"]: i for p in prog["pillars"] for g in p["goals"] for r in g["results"] for i in r["indicators"]}
for i in rep["indicators"]:
    if not by_id[i["id"]].get("targets") and i["kind"] != "milestone":
        assert i["status"] == "no_target", (i["id"], i["status"])
        assert by_id[i["id"]].get("baseline") or i["baseline"] is None, (i["id"], i["baseline"])
for n in rep["nodes"]:
    assert 0 <= n["children_assessed"] <= n["children_total"] == len(n["children"]), n["id"]
    assert sum(n["children_counts"].values()) == n["children_total"], n["id"]
top = rep["nodes"][-1]
assert sum(top["indicator_counts"].values()) == n_ind
# The correction "double-counted companies removed" lowers the figure it corrects.
rows = list(csv.DictReader(open(f"{src}/examples/regio-deal-zod/measurements.csv")))
for c in (r for r in rows if r["note"] == "double-counted companies removed"):
    orig = [r for r in rows if (r["indicator"], r["date"], r["region"], r["revision"]) == (c["indicator"], c["date"], c["region"], "")]
    assert orig and float(c["value"]) < float(orig[0]["value"]), (c, orig)
print("report figures agree with an independent computation")
PY

# The progress bar is drawn on stderr only when stderr is a terminal: none here (a pipe), one under a pty.
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 -o "$tmp/quiet.md" 2>"$tmp/quiet.err"
[ ! -s "$tmp/quiet.err" ] || fail "stderr is not a terminal, yet something was printed: $(cat "$tmp/quiet.err")"
if command -v script >/dev/null; then
  script -qec "'$bin' report '$ex/programme.json' '$ex/measurements.csv' --as-of 2022-12-31 -o '$tmp/tty.md'" /dev/null \
    >"$tmp/tty.out" </dev/null
  grep -q "evaluating" "$tmp/tty.out" || fail "no progress bar on a terminal"
  cmp -s "$tmp/tty.md" "$tmp/quiet.md" || fail "the report differs with a progress bar"
fi

# Markdown: one section per pillar.
for p in WERKEN WONEN WELZIJN; do grep -q "^## $p" "$tmp/r.md" || fail "no $p section in Markdown"; done
# Every pillar and the programme say what they stand on ("n of m ... assessed").
[ "$(grep -cE '^(## .*|Programme: .*)[0-9]+ of [0-9]+ (pillars|goals) assessed' "$tmp/r.md")" = 4 ] ||
  fail "a headline without n of m assessed"
grep -q "no target, " "$tmp/r.md" || fail "context figures not shown as no target with a trend"

# HTML: self-contained (nothing fetched), every chart's SVG well-formed XML.
if grep -Eiq '<script|<link|@import|url\(|(src|href)="(https?:)?//' "$tmp/r.html"; then fail "the HTML fetches something"; fi
python3 - "$tmp/r.html" "$tmp/r.json" <<'PY'
import json, re, sys, xml.etree.ElementTree as ET
html = open(sys.argv[1]).read()
rep = json.load(open(sys.argv[2]))
svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
for s in svgs:
    ET.fromstring(s)
charts = re.findall(r'<svg[^>]*\bid="chart-([^"]+)"', html)
assert len(charts) == len(rep["indicators"]), (len(charts), len(rep["indicators"]))
assert re.search(r'<svg[^>]*\bid="coverage-', html), "no coverage matrix"
print(f"{len(svgs)} SVG elements, all well-formed; {len(charts)} indicator charts")
PY

# Errors: bad usage exits 2, bad data exits 1; neither touches an existing output file.
echo keep > "$tmp/out.json"
set +e
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-02-30 -o "$tmp/out.json" 2>"$tmp/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "a bad --as-of gave exit $rc, not 2"
grep -q '"2022-02-30"' "$tmp/err" || fail "the error does not quote the bad date"
printf 'indicator,date,region,value\nW-c1.assessments,2021-01-31,emmen,-3\nW-c1.assessments,2021-02-31,emmen,1\n' > "$tmp/bad.csv"
set +e
"$bin" report "$ex/programme.json" "$tmp/bad.csv" --as-of 2022-12-31 -o "$tmp/out.json" 2>"$tmp/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "bad measurements gave exit $rc, not 1"
grep -q "bad.csv:2:" "$tmp/err" && grep -q "bad.csv:3:" "$tmp/err" || fail "errors do not name every line: $(cat "$tmp/err")"
[ "$(cat "$tmp/out.json")" = keep ] || fail "the output file was touched"
[ -z "$(ls "$tmp" | grep '\.tmp-' || true)" ] || fail "a temporary file was left behind"
echo "report: all checks passed"
