#!/usr/bin/env bash
# IATI 2.03 (docs/iati.md): `export iati` validated against the official activity schema (vendored in
# tests/data/iati, xmllint --nonet --schema from Debian's libxml2-utils), its values read back with
# xmllint --xpath and compared with figures worked out by hand for tests/data/iati/small; `import iati`
# of the schema's own results test file (IATI-Schemas tests/activity-tests/should-pass/24-results.xml)
# and of every should-fail result file; a round trip export -> import -> report of the Regio Deal
# example keeps every indicator's baseline, targets and actual; hostile XML is refused with its place.
# Run as: bash iati.sh <regiokpi> <source-dir>
set -u
bin=$1
src=$2
data=$src/tests/data/iati
ex=$src/examples/regio-deal-zod
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
  echo "FAIL $*"
  fails=$((fails + 1))
}
if ! command -v xmllint >/dev/null; then
  echo "FAIL: xmllint is not installed (Debian's libxml2-utils: run scripts/install-deps.sh test)" >&2
  exit 1
fi
valid() { xmllint --nonet --noout --schema "$data/iati-activities-schema.xsd" "$1" 2>"$tmp/xsd.err" || {
  fail "$1 is not valid IATI 2.03: $(head -5 "$tmp/xsd.err")"
}; }
x() { xmllint --nonet --xpath "$2" "$1" 2>/dev/null; }
expect() {  # expect FILE XPATH VALUE
  local got
  got=$(x "$1" "$2")
  [[ "$got" == "$3" ]] || fail "$2 = '$got', expected '$3'"
}

# --- export of the small programme, on 2021-09-30, checked value by value ---------------------------
"$bin" export iati "$data/small/programme.json" "$data/small/measurements.csv" --as-of 2021-09-30 \
  --reporting-org XM-TEST --reporting-org-name "Test & Co" -o "$tmp/small.xml" || fail "export small rc"
valid "$tmp/small.xml"
s=$tmp/small.xml
A=/iati-activities/iati-activity
expect "$s" "string($A/iati-identifier)" "XM-TEST-small"
expect "$s" "string($A/reporting-org/narrative)" "Test & Co"
expect "$s" "string($A/title/narrative)" "Small & <checked> programme"
expect "$s" "count($A/participating-org[@role='1'])" "3"
expect "$s" "string($A/activity-date[@type='1']/@iso-date)" "2021-01-01"
expect "$s" "string($A/activity-date[@type='3']/@iso-date)" "2022-12-31"
expect "$s" "string($A/activity-status/@code)" "2"
expect "$s" "string($A/budget/value)" "1500.00"
# The municipalities' 500.00 split 2:1 by largest remainder: 333.33 and 166.67 (the left-over cent goes
# to the larger remainder, 0.666... of Beta's 166.666...).
expect "$s" "string($A/planned-disbursement[provider-org/narrative='Gemeente A']/value)" "333.33"
expect "$s" "string($A/planned-disbursement[provider-org/narrative='Gemeente B']/value)" "166.67"
expect "$s" "string($A/planned-disbursement[provider-org/narrative='Het Rijk']/value)" "1000.00"
expect "$s" "string($A/location[@ref='region:a']/name/narrative)" "Alpha"
C="$A/result[1]/indicator[1]"
expect "$s" "string($A/result[1]/@type)" "2"
expect "$s" "string($C/@measure)" "1"
expect "$s" "string($C/@ascending)" "1"
expect "$s" "string($C/@aggregation-status)" "1"
expect "$s" "string($C/reference[@vocabulary='SDG']/@code)" "8.3.1"
expect "$s" "string($C/baseline/@year)" "2021"
expect "$s" "string($C/baseline/@value)" "0"
expect "$s" "string($C/baseline/comment/narrative)" "start"
# A cumulative count: 2 (a, agri) + 3 (b, tech) in Q1 = 5; + 4 (a, tech) = 9 by Q2; + 1 (b, agri) = 10 by Q3.
expect "$s" "string($C/period[period-end/@iso-date='2021-03-31']/actual[not(*)]/@value)" "5"
expect "$s" "string($C/period[period-end/@iso-date='2021-06-30']/actual[not(*)]/@value)" "9"
expect "$s" "string($C/period[period-end/@iso-date='2021-09-30']/actual[not(*)]/@value)" "10"
# Per member, running totals too: Alpha 2 then 2 + 4 = 6; Beta 3 then 3 + 1 = 4; agri 2 + 1 = 3 by Q3.
expect "$s" "string($C/period[period-end/@iso-date='2021-06-30']/actual[location/@ref='region:a']/@value)" "6"
expect "$s" "string($C/period[period-end/@iso-date='2021-09-30']/actual[location/@ref='region:b']/@value)" "4"
expect "$s" "string($C/period[period-end/@iso-date='2021-09-30']/actual[dimension/@value='agri']/@value)" "3"
# No period after the as-of date has an actual; the targets' periods are there (Q4 2021, Q4 2022).
expect "$s" "count($C/period[period-start/@iso-date > '2021-09-30']/actual)" "0"
expect "$s" "string($C/period[period-end/@iso-date='2021-12-31']/target/@value)" "10"
expect "$s" "string($C/period[period-end/@iso-date='2022-12-31']/target/@value)" "30"
S="$A/result[1]/indicator[2]"
expect "$s" "string($S/@measure)" "2"
expect "$s" "string($S/@ascending)" "0"
expect "$s" "string($S/period[period-end/@iso-date='2021-06-30']/actual/@value)" "47.5"
expect "$s" "string($A/result[2]/indicator[1]/@measure)" "3"
expect "$s" "string($A/result[2]/indicator[1]/period[period-end/@iso-date='2022-06-30']/target/@value)" "1"

# --- export of the Regio Deal example: valid -------------------------------------------------------
"$bin" export iati "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --reporting-org NL-KVK-01234567 \
  -o "$tmp/zod.xml" || fail "export example rc"
valid "$tmp/zod.xml"

# --- round trip: export, import, report keeps baselines, targets and actuals -----------------------
"$bin" import iati "$tmp/zod.xml" --output-dir "$tmp/zod" 2>"$tmp/zod.err" || fail "import example rc: $(cat "$tmp/zod.err")"
"$bin" validate "$tmp/zod/programme.json" >/dev/null || fail "imported programme does not validate"
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format json -o "$tmp/a.json" || fail "report a"
"$bin" report "$tmp/zod/programme.json" "$tmp/zod/measurements.csv" --as-of 2022-12-31 --format json -o "$tmp/b.json" ||
  fail "report of the imported files"
python3 - "$tmp/a.json" "$tmp/b.json" <<'PY' || fail "round trip"
import json, sys
a = {i["id"]: i for i in json.load(open(sys.argv[1]))["indicators"]}
b = {i["id"]: i for i in json.load(open(sys.argv[2]))["indicators"]}
bad = []
if set(a) != set(b):
    bad.append(f"indicators differ: {set(a) ^ set(b)}")
for k in a.keys() & b.keys():
    for f in ("baseline", "baseline_date", "target", "target_date", "final_target", "final_target_date",
              "actual", "actual_date", "kind", "unit", "direction"):
        if a[k][f] != b[k][f]:
            bad.append(f"{k}.{f}: {a[k][f]!r} -> {b[k][f]!r}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
# Every line of the import's list names an XPath; the funding elements are listed, not dropped.
grep -q "not carried: /iati-activities\[1\]/iati-activity\[1\]/planned-disbursement\[1\]:" "$tmp/zod.err" ||
  fail "planned-disbursement not listed: $(head -3 "$tmp/zod.err")"

# --- import of IATI's own results test file --------------------------------------------------------
"$bin" import iati "$data/activity-tests/24-results.xml" --output-dir "$tmp/t24" 2>"$tmp/t24.err" ||
  fail "import 24-results rc: $(cat "$tmp/t24.err")"
"$bin" validate "$tmp/t24/programme.json" >/dev/null || fail "24-results: programme does not validate"
python3 - "$tmp/t24" "$tmp/t24.err" <<'PY' || fail "24-results contents"
import csv, json, sys
d, err = sys.argv[1], open(sys.argv[2]).read()
p = json.load(open(f"{d}/programme.json"))
results = p["pillars"][0]["goals"][0]["results"]
bad = []
# The file has 13 results with 14 indicators (result 3 has two); its only numeric actual is 111 in
# 2009 at location AF-KAN and dimension xxx=yyy (result 13); every "N=..;P=.." value is not a number.
if len(results) != 13: bad.append(f"{len(results)} results")
if sum(len(r["indicators"]) for r in results) != 14: bad.append("indicator count")
rows = list(csv.DictReader(open(f"{d}/measurements.csv")))
if rows != [{"indicator": "R13.I1", "date": "2009-12-31", "period_start": "2009-01-01", "location": "AF-KAN",
             "xxx": "yyy", "value": "111"}]:
    bad.append(f"rows {rows}")
r13 = results[12]["indicators"][0]
if r13["tags"] != ["ref:99:B1"]: bad.append(f"reference {r13.get('tags')}")
for xpath in ("result[3]/indicator[1]/baseline[1]/@value: not a number: \"N=35;P=55\"",
              "result[3]/title[1]/narrative[2]: a second narrative",
              "result[13]/indicator[1]/period[1]/actual[1]/location[2]: a second location",
              "result[13]/indicator[1]/period[1]/target[1]: a target of one location"):
    if "/iati-activities[1]/iati-activity[1]/" + xpath not in err: bad.append(f"not listed: {xpath}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY

# --- should-fail files of the schema's tests: import what is there, or refuse with a place ----------
for f in "$data"/activity-tests/should-fail/*.xml; do
  out=$tmp/sf/$(basename "$f" .xml)
  "$bin" import iati "$f" --output-dir "$out" 2>"$tmp/sf.err"
  rc=$?
  case $rc in
    0) "$bin" validate "$out/programme.json" >/dev/null || fail "$(basename "$f"): imported but does not validate" ;;
    1) grep -q "$(basename "$f")\|/iati-activities" "$tmp/sf.err" || fail "$(basename "$f"): error names no place" ;;
    *) fail "$(basename "$f"): rc $rc $(head -2 "$tmp/sf.err")" ;;
  esac
done

# --- hostile and wrong input -----------------------------------------------------------------------
printf '<?xml version="1.0"?>\n<iati-activities version="2.03">\n <iati-activity>\n  <title>\n</iati-activities>\n' >"$tmp/bad.xml"
"$bin" import iati "$tmp/bad.xml" --output-dir "$tmp/bad" 2>"$tmp/err"
rc=$?
[[ $rc -eq 1 ]] || fail "malformed: rc $rc"
grep -q "bad.xml:5:[0-9]*: " "$tmp/err" || fail "malformed: no file:line:column ($(cat "$tmp/err"))"
[[ ! -e "$tmp/bad" ]] || fail "malformed: the output directory was created"
cat >"$tmp/dtd.xml" <<'XML'
<?xml version="1.0"?>
<!DOCTYPE iati-activities [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x SYSTEM "file:///etc/passwd">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&b;&x;</iati-identifier></iati-activity></iati-activities>
XML
"$bin" import iati "$tmp/dtd.xml" --output-dir "$tmp/dtd" 2>"$tmp/err"
rc=$?
[[ $rc -eq 1 ]] || fail "DTD: rc $rc"
grep -q "DTD" "$tmp/err" || fail "DTD: message $(cat "$tmp/err")"
python3 -c "print('<iati-activities version=\"2.03\"><iati-activity>' + '<a>' * 100000 + '</a>' * 100000 + '</iati-activity></iati-activities>')" >"$tmp/deep.xml"
"$bin" import iati "$tmp/deep.xml" --output-dir "$tmp/deep" 2>"$tmp/err"
rc=$?
[[ $rc -eq 1 ]] || fail "deep nesting: rc $rc $(head -c 300 "$tmp/err")"
# Two activities: choose one; the message lists them.
sed 's|</iati-activities>||' "$tmp/small.xml" >"$tmp/two.xml"
sed -n '/<iati-activity /,/<\/iati-activity>/p' "$tmp/small.xml" | sed 's|XM-TEST-small|XM-TEST-other|' >>"$tmp/two.xml"
echo '</iati-activities>' >>"$tmp/two.xml"
"$bin" import iati "$tmp/two.xml" --output-dir "$tmp/two" 2>"$tmp/err"
rc=$?
[[ $rc -eq 2 ]] || fail "two activities: rc $rc"
grep -q "XM-TEST-small, XM-TEST-other" "$tmp/err" || fail "two activities: message $(cat "$tmp/err")"
"$bin" import iati "$tmp/two.xml" --output-dir "$tmp/two" --activity XM-TEST-other 2>/dev/null || fail "--activity rc"
"$bin" import iati "$tmp/two.xml" --output-dir "$tmp/two" --activity nope 2>"$tmp/err"
[[ $? -eq 1 ]] && grep -q "no activity \"nope\"" "$tmp/err" || fail "--activity nope: $(cat "$tmp/err")"
# Both files or neither: measurements.csv cannot be written (a directory of that name), so programme.json
# is not written either.
mkdir -p "$tmp/half/measurements.csv"
"$bin" import iati "$tmp/small.xml" --output-dir "$tmp/half" 2>"$tmp/err"
rc=$?
[[ $rc -eq 3 ]] || fail "half: rc $rc $(cat "$tmp/err")"
[[ ! -e "$tmp/half/programme.json" ]] || fail "half: programme.json written although measurements.csv failed"
[[ -z "$(ls -A "$tmp/half" | grep -v '^measurements.csv$')" ]] || fail "half: left $(ls -A "$tmp/half")"
# Usage: --reporting-org is required; --period financial_year has no IATI form.
"$bin" export iati "$data/small/programme.json" "$data/small/measurements.csv" --as-of 2021-09-30 >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "no --reporting-org: not a usage error"
"$bin" export iati "$data/small/programme.json" "$data/small/measurements.csv" --as-of 2021-09-30 \
  --reporting-org X --period financial_year >/dev/null 2>&1
[[ $? -eq 2 ]] || fail "financial_year: not a usage error"

# period_start in the measurements CSV: a checked column, not a dimension.
printf 'indicator,date,period_start,value\nx,2021-03-31,2021-01-01,1\nx,2021-06-30,,2\n' >"$tmp/ps.csv"
"$bin" aggregate "$tmp/ps.csv" --period year >"$tmp/ps.out" || fail "period_start: aggregate rc"
[[ "$(tail -1 "$tmp/ps.out")" == "x,2021,3" ]] || fail "period_start: $(cat "$tmp/ps.out")"
printf 'indicator,date,period_start,value\nx,2021-03-31,2021-04-01,1\n' >"$tmp/ps2.csv"
"$bin" aggregate "$tmp/ps2.csv" --period year >/dev/null 2>"$tmp/err"
[[ $? -eq 1 ]] && grep -q "ps2.csv:2:.*period start 2021-04-01 is after the date 2021-03-31" "$tmp/err" ||
  fail "period_start after date: $(cat "$tmp/err")"

if ((fails)); then
  echo "$fails failure(s)"
  exit 1
fi
echo "iati: all passed"
