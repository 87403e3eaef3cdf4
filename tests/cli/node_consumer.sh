#!/usr/bin/env bash
# The Node.js consumer (examples/node/, koffi over the C ABI) against the C++ result: for every
# indicator of the Regio Deal example on 2022-12-31, the same status, actual, target, achievement and
# forecast as `regiokpi report --format json` (NaN <-> null), the table names every indicator, and a bad
# input file fails with the library's message naming the place. koffi (pinned in package-lock.json) is
# installed into examples/node/node_modules with `npm ci` when missing; no registry -> SKIPPED.
set -euo pipefail
bin=$1
src=$2
lib=$(dirname "$bin")/tests/libregiokpi_shared_check.so
ex=$src/examples/regio-deal-zod
app=$src/examples/node
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

command -v node >/dev/null || { echo "SKIPPED: node is not installed"; exit 0; }
command -v python3 >/dev/null || { echo "SKIPPED: python3 (used to compare the results) is not installed"; exit 0; }
[ -f "$lib" ] || { echo "SKIPPED: no shared library at $lib (target regiokpi_shared_check, Linux builds only)"; exit 0; }
# A sanitizer build's library cannot be hosted by koffi, which calls C on a stack of its own that
# AddressSanitizer cannot follow through a C++ throw; such a build makes a plain copy for this test.
if nm -D "$lib" 2>/dev/null | grep -E '__(asan|tsan|msan)_init' >/dev/null; then
  lib=$(dirname "$bin")/tests/libregiokpi_shared_plain.so
  [ -f "$lib" ] || fail "sanitized build without the plain library $lib (target regiokpi_shared_plain)"
fi
if ! (cd "$app" && node -e "require('koffi')") >/dev/null 2>&1; then
  command -v npm >/dev/null || { echo "SKIPPED: koffi is not installed and npm is missing"; exit 0; }
  # --ignore-scripts: koffi ships its native module prebuilt in @koromix/koffi-<platform>.
  if ! (cd "$app" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund) >"$tmp/npm.log" 2>&1; then
    if grep -q -E 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network|socket' "$tmp/npm.log" ||
      ! grep -q . "$tmp/npm.log"; then
      echo "SKIPPED: npm could not reach the registry to install koffi: $(tail -n 3 "$tmp/npm.log" | tr '\n' ' ')"
      exit 0
    fi
    cat "$tmp/npm.log" >&2
    fail "npm ci in $app failed"
  fi
fi

"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format json -o "$tmp/cpp.json"
node "$app/status_table.js" "$lib" --json >"$tmp/js.json"
REGIOKPI_LIBRARY=$lib node "$app/status_table.js" >"$tmp/table.txt"

python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
cpp = json.load(open(f"{tmp}/cpp.json"))
js = json.load(open(f"{tmp}/js.json"))
table = open(f"{tmp}/table.txt").read().splitlines()
assert [i["id"] for i in js["indicators"]] == [i["id"] for i in cpp["indicators"]], "indicator lists differ"
assert len(js["indicators"]) == 21, len(js["indicators"])
nulls = 0
for p, c in zip(js["indicators"], cpp["indicators"]):
    want = {"status": c["status"], "actual": c["actual"], "target": c["target"],
            "achievement": c["achievement"], "forecast": (c.get("forecast") or {}).get("value")}
    for k, v in want.items():
        got = p[k]
        # Exact: the same double on both sides, printed round-trip by each JSON writer.
        if got != v:
            sys.exit(f"FAIL: {p['id']}.{k}: node {got!r} != C++ {v!r}")
        nulls += v is None
    line = next((l for l in table if l.split()[:1] == [p["id"]]), None)
    assert line is not None and line.split()[1] == p["status"], (p["id"], line)
assert nulls > 0, "the example has indicators without a target: NaN -> null was not exercised"
print(f"node consumer: {len(js['indicators'])} indicators agree with the C++ report ({nulls} nulls)")
PY

printf 'indicator,date,value\nW-c1.assessments,2022-02-30,4\n' >"$tmp/bad.csv"
set +e
node "$app/status_table.js" "$lib" --measurements "$tmp/bad.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "bad input: exit $rc, want 1"
grep -q "bad.csv:2:" "$tmp/err" || fail "bad input: message does not name bad.csv:2: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] || fail "bad input: something was printed on stdout"
echo "node consumer: OK"
