#!/usr/bin/env bash
# The Python consumer (examples/python/, ctypes over the C ABI) against the C++ result: for every
# indicator of the Regio Deal example on 2022-12-31, the same status, actual, target, achievement and
# forecast as `regiokpi report --format json` (a NaN from the C ABI is None/null in both). Also: the
# table names every indicator, and a bad input file fails with the library's message naming the place.
# The shared library is the tests' libregiokpi_shared_check.so next to the CLI's build directory.
set -euo pipefail
bin=$1
src=$2
lib=$(dirname "$bin")/tests/libregiokpi_shared_check.so
ex=$src/examples/regio-deal-zod
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

command -v python3 >/dev/null || { echo "SKIPPED: python3 is not installed"; exit 0; }
[ -f "$lib" ] || { echo "SKIPPED: no shared library at $lib (target regiokpi_shared_check, Linux builds only)"; exit 0; }
# A sanitizer build's library needs its runtime preloaded into python3 (tests/cli/lib/preload.sh).
. "$src/tests/cli/lib/preload.sh"
rk_preload_sanitizers "$lib"

"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format json -o "$tmp/cpp.json"
python3 "$src/examples/python/status_table.py" "$lib" --json >"$tmp/py.json"
REGIOKPI_LIBRARY=$lib python3 "$src/examples/python/status_table.py" >"$tmp/table.txt"

python3 - "$tmp" <<'PY'
import json, math, sys
tmp = sys.argv[1]
cpp = json.load(open(f"{tmp}/cpp.json"))
py = json.load(open(f"{tmp}/py.json"))
table = open(f"{tmp}/table.txt").read().splitlines()
assert [i["id"] for i in py["indicators"]] == [i["id"] for i in cpp["indicators"]], "indicator lists differ"
assert len(py["indicators"]) == 21, len(py["indicators"])
nulls = 0
for p, c in zip(py["indicators"], cpp["indicators"]):
    want = {"status": c["status"], "actual": c["actual"], "target": c["target"],
            "achievement": c["achievement"], "forecast": (c.get("forecast") or {}).get("value")}
    for k, v in want.items():
        got = p[k]
        # Exact: both sides are the same double, printed round-trip by JSON on each side.
        if got != v:
            sys.exit(f"FAIL: {p['id']}.{k}: python {got!r} != C++ {v!r}")
        nulls += v is None
    line = next((l for l in table if l.split()[:1] == [p["id"]]), None)
    assert line is not None and line.split()[1] == p["status"], (p["id"], line)
assert nulls > 0, "the example has indicators without a target: NaN -> None was not exercised"
print(f"python consumer: {len(py['indicators'])} indicators agree with the C++ report ({nulls} nulls)")
PY

# A bad measurements file: the library's all-or-nothing error, naming file:line:column, exit 1.
printf 'indicator,date,value\nW-c1.assessments,2022-02-30,4\n' >"$tmp/bad.csv"
set +e
python3 "$src/examples/python/status_table.py" "$lib" --measurements "$tmp/bad.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "bad input: exit $rc, want 1"
grep -q "bad.csv:2:" "$tmp/err" || fail "bad input: message does not name bad.csv:2: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] || fail "bad input: something was printed on stdout"
echo "python consumer: OK"
