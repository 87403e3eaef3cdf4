#!/usr/bin/env bash
# examples/analyst-report against `regiokpi report --format json` on the bundled Regio Deal example: the
# example must list exactly the indicators the JSON report marks at_risk or off_track, with the same
# status, actual, expected, final target, due date, forecast and shortfall (to the printed 0.1).
#   bash tests/cli/analyst_report.sh <path-to-regiokpi> <source-dir>
set -euo pipefail
bin=$1
src=$2
example="$(dirname "$bin")/examples/example-analyst-report"
ex=$src/examples/regio-deal-zod
[ -x "$example" ] || { echo "SKIPPED: $example is not built (REGIOKPI_BUILD_EXAMPLES is off)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for as_of in 2022-12-31 2021-06-30; do
  "$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of "$as_of" --format json -o "$tmp/r.json"
  "$example" "$ex/programme.json" "$ex/measurements.csv" "$as_of" >"$tmp/table.txt"
  # The defaults are the bundled example on 2022-12-31, read from the source directory.
  if [ "$as_of" = 2022-12-31 ]; then
    (cd "$src" && "$example") >"$tmp/default.txt"
    cmp -s "$tmp/table.txt" "$tmp/default.txt" || { echo "FAIL: the defaults give another table"; exit 1; }
  fi
  python3 - "$tmp/r.json" "$tmp/table.txt" "$as_of" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
as_of = sys.argv[3]
head = [i for i, l in enumerate(lines) if l.split()[:2] == ["indicator", "status"]]
assert len(head) == 1, "no table header"
rows = {}
for l in lines[head[0] + 1:]:
    if not l.strip():
        break
    cells = l.split()
    assert len(cells) == 8, f"row with {len(cells)} cells: {l!r}"
    rows[cells[0]] = cells[1:]
behind = [i for i in rep["indicators"] if i["status"] in ("at_risk", "off_track")]
want = {i["id"] for i in behind}
assert set(rows) == want, f"example lists {sorted(rows)}, report says {sorted(want)}"
def same(printed, value, what, ident):
    if value is None:
        assert printed == "-", f"{ident} {what}: printed {printed!r} for null"
    else:
        assert printed != "-", f"{ident} {what}: printed '-' for {value}"
        assert abs(float(printed) - value) <= 0.05 + 1e-9 * abs(value), f"{ident} {what}: {printed} vs {value}"
for i in behind:
    status, actual, expected, target, due, forecast, shortfall = rows[i["id"]]
    assert status == i["status"], (i["id"], status, i["status"])
    same(actual, i["actual"], "actual", i["id"])
    same(expected, i["expected"], "expected", i["id"])
    same(target, i["final_target"], "target", i["id"])
    assert due == (i["final_target_date"] or "-"), (i["id"], due)
    same(forecast, i["forecast"]["value"], "forecast", i["id"])
    same(shortfall, i["forecast"]["shortfall"], "shortfall", i["id"])
footer = f"{len(behind)} of {len(rep['indicators'])} indicators behind schedule"
assert footer in lines, f"missing footer {footer!r}"
print(f"{as_of}: {len(behind)} indicators behind schedule, all agree with the JSON report")
PY
done

# A bad date is a clear error, exit 1, nothing on stdout.
if "$example" "$ex/programme.json" "$ex/measurements.csv" 2022-02-30 >"$tmp/out" 2>"$tmp/err"; then
  echo "FAIL: an impossible date was accepted"; exit 1
fi
[ ! -s "$tmp/out" ] && grep -q '2022-02-30' "$tmp/err" || { echo "FAIL: unclear error"; cat "$tmp/err"; exit 1; }
echo "PASSED"
