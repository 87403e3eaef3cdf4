#!/usr/bin/env bash
# Renders the Regio Deal HTML report in headless Chromium (Debian's chromium): no console errors, every
# indicator's chart in the rendered DOM, and a screenshot saved for people to look at
# (<build dir>/tests/report-screenshot.png).
set -euo pipefail
bin=$1
src=$2
chromium=$(command -v chromium || true)
if [ -z "$chromium" ]; then
  echo "FAIL: chromium is not installed (scripts/install-deps.sh test installs it)" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ex=$src/examples/regio-deal-zod
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format html -o "$tmp/report.html"
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format json -o "$tmp/report.json"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --enable-logging=stderr --v=0)
run() { timeout 120 "$chromium" "${flags[@]}" --user-data-dir="$tmp/profile-$1" "${@:2}"; }

# The check can fail: a page that logs an error is caught.
printf '<!DOCTYPE html><html><body><script>console.error("deliberate")</script></body></html>' > "$tmp/bad.html"
run probe --dump-dom "file://$tmp/bad.html" >/dev/null 2>"$tmp/probe.err" || true
grep -q 'CONSOLE.*deliberate' "$tmp/probe.err" || { echo "FAIL: console messages are not captured" >&2; exit 1; }

run dom --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" 2>"$tmp/dom.err"
if grep -q 'CONSOLE' "$tmp/dom.err"; then
  echo "FAIL: console messages while rendering:" >&2; grep 'CONSOLE' "$tmp/dom.err" >&2; exit 1
fi
python3 - "$tmp/dom.html" "$tmp/report.json" <<'PY'
import json, re, sys
dom = open(sys.argv[1]).read()
rep = json.load(open(sys.argv[2]))
for i in rep["indicators"]:
    frag = "".join(c if c.isalnum() or c == "-" else "_%02x" % ord(c) for c in i["id"])
    assert f'id="chart-{frag}"' in dom, f"no chart for {i['id']} in the rendered page"
print(f"rendered: {len(rep['indicators'])} indicator charts present")
PY
shot=$(dirname "$bin")/tests/report-screenshot.png
mkdir -p "$(dirname "$shot")"
run shot --window-size=1200,3000 --screenshot="$shot" "file://$tmp/report.html" 2>/dev/null
[ -s "$shot" ] || { echo "FAIL: no screenshot" >&2; exit 1; }
echo "screenshot: $shot"
