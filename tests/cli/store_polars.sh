#!/usr/bin/env bash
# A store's Arrow files are the hand-over to other engines (docs/store.md, docs/scaling.md): Polars
# (nodejs-polars from npm, pinned in bench/peers) reads every *.arrow file of a two-batch store, finds
# the same rows as the CSV they were imported from, and computes Q1 (SUM per indicator x municipality
# x quarter) lazily from the files with scanIPC; that must equal `regiokpi aggregate` on the store.
# Prints "SKIPPED: reason" and exits 0 when Node.js or the npm package cannot be had.
# Run as: bash store_polars.sh <regiokpi> <source-dir>
set -u
bin=$1
src=$2
peers=$src/bench/peers
# shellcheck source=lib/peers_npm.sh
source "$src/tests/cli/lib/peers_npm.sh"
need_peer_package nodejs-polars
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
  echo "FAIL $*"
  fails=$((fails + 1))
}

/usr/bin/python3 "$peers/generate.py" 20000 --seed 7 --output "$tmp/m.csv" || fail "generate"
head -n 12001 "$tmp/m.csv" >"$tmp/a.csv"
{ head -n 1 "$tmp/m.csv"; tail -n +12002 "$tmp/m.csv"; } >"$tmp/b.csv"
"$bin" import "$tmp/a.csv" --store "$tmp/st" 2>/dev/null || fail "import a"
"$bin" import "$tmp/b.csv" --store "$tmp/st" 2>/dev/null || fail "import b"
node "$src/tests/cli/store_polars.mjs" "$peers" "$tmp/st" "$tmp/m.csv" >"$tmp/polars.csv" || fail "polars"
"$bin" aggregate "$tmp/st" --period quarter --by municipality --time sum --space sum -o "$tmp/regiokpi.csv" ||
  fail "aggregate"
/usr/bin/python3 - "$tmp/polars.csv" "$tmp/regiokpi.csv" <<'PY' || fail "Q1 differs between Polars and regiokpi"
import csv, sys
def rows(p):
    with open(p, newline="") as f:
        return {(r["indicator"], r["municipality"], r["period"]): float(r["value"]) for r in csv.DictReader(f)}
a, b = rows(sys.argv[1]), rows(sys.argv[2])
assert len(a) > 1000, len(a)
assert a.keys() == b.keys(), (len(a), len(b), sorted(a.keys() ^ b.keys())[:5])
bad = [k for k in a if abs(a[k] - b[k]) > 1e-6]
assert not bad, [(k, a[k], b[k]) for k in bad[:5]]
print(f"Q1: {len(a)} groups agree")
PY
[ "$fails" = 0 ] && echo "store_polars: all passed"
exit "$fails"
