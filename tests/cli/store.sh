#!/usr/bin/env bash
# Store directories (docs/store.md): `import CSV --store DIR` in two batches, then every reading
# subcommand on the store must print exactly what it prints for the CSV file (the independent
# reference: the CSV path, tested on its own elsewhere), including --as-recorded-on and revisions;
# `store info` against the batches' hand-counted rows and dates; `store verify` on a sound store and
# on a damaged byte (exit 1 naming the file); `store compact` (same results, history kept); a rejected
# batch writes nothing; a second writer is refused naming the lock holder, or waits with --wait;
# a store read with a programme that lacks an indicator fails naming the file and row; a broken
# programme beside a damaged store is reported first.
# Run as: bash store.sh <regiokpi> <source-dir>
set -u
bin=$1
src=$2
ex=$src/examples/regio-deal-zod
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
  echo "FAIL $*"
  fails=$((fails + 1))
}

# Two batches: the example's first 500 data rows, then the other 435 (both with the header).
csv=$ex/measurements.csv
head -n 501 "$csv" >"$tmp/part1.csv"
{ head -n 1 "$csv"; tail -n +502 "$csv"; } >"$tmp/part2.csv"
st=$tmp/st
"$bin" import "$tmp/part1.csv" --store "$st" --programme "$ex/programme.json" 2>"$tmp/err" || fail "import 1: $(cat "$tmp/err")"
grep -q "batch 1 added (500 rows" "$tmp/err" || fail "import 1 message: $(cat "$tmp/err")"
"$bin" import "$tmp/part2.csv" --store "$st" --programme "$ex/programme.json" 2>"$tmp/err" || fail "import 2: $(cat "$tmp/err")"
grep -q "batch 2 added (435 rows.*holds 935 rows in 2 batches" "$tmp/err" || fail "import 2 message: $(cat "$tmp/err")"

# Every reader: the store gives byte for byte what the CSV gives.
same() {  # same NAME ARGS-WITH-@M@ ...
  local name=$1
  shift
  local a=() b=()
  for x in "$@"; do a+=("${x//@M@/$csv}"); b+=("${x//@M@/$st}"); done
  "$bin" "${a[@]}" -o "$tmp/from-csv" 2>"$tmp/e1"
  local r1=$?
  "$bin" "${b[@]}" -o "$tmp/from-store" 2>"$tmp/e2"
  local r2=$?
  [ "$r1" = "$r2" ] || fail "$name: exit $r1 from the CSV, $r2 from the store ($(cat "$tmp/e2"))"
  cmp -s "$tmp/from-csv" "$tmp/from-store" || fail "$name: the store's output differs from the CSV's"
  [ -s "$tmp/from-csv" ] || fail "$name: no output"
}
check_all() {  # check_all LABEL
  local l=$1
  same "$l report json" report "$ex/programme.json" @M@ --as-of 2022-12-31 --format json
  same "$l report csv as recorded" report "$ex/programme.json" @M@ --as-of 2022-12-31 --as-recorded-on 2021-06-30 --format csv
  same "$l aggregate" aggregate @M@ --period quarter --by region --time last_in_period --programme "$ex/programme.json"
  same "$l aggregate as recorded" aggregate @M@ --period year --time sum --as-recorded-on 2021-04-16
  same "$l forecast" forecast @M@ --period year --horizon 2 --method naive --by region
  same "$l check" check "$ex/programme.json" @M@ --as-of 2022-12-31 --format json
  same "$l export iati" export iati "$ex/programme.json" @M@ --as-of 2022-12-31 --reporting-org NL-KVK-01234567
}
check_all "2 batches"
# The correction in the example (W-c1.assessments, emmen, 2021-01-31, revision 1, recorded 2021-04-17)
# is in the store: as recorded on 2021-04-16 the sum differs from as recorded on 2021-04-17.
"$bin" aggregate "$st" --period year --indicator W-c1.assessments --as-recorded-on 2021-04-16 >"$tmp/before" &&
  "$bin" aggregate "$st" --period year --indicator W-c1.assessments --as-recorded-on 2021-04-17 >"$tmp/after" ||
  fail "as-recorded-on runs"
cmp -s "$tmp/before" "$tmp/after" && fail "the correction recorded 2021-04-17 does not change the result"

# store info: rows per batch and their date ranges, counted here with awk from the two CSV parts.
"$bin" store info "$st" --format json -o "$tmp/info.json" || fail "info rc"
for k in 1 2; do
  awk -F, 'NR > 1 { n++; if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2 }
           END { print n, min, max }' "$tmp/part$k.csv" >"$tmp/want$k"
done
/usr/bin/python3 - "$tmp/info.json" "$tmp/want1" "$tmp/want2" "$tmp/part1.csv" <<'PY' || fail "store info contents"
import json, sys
info = json.load(open(sys.argv[1]))
assert info["rows"] == 935, info["rows"]
assert len(info["batches"]) == 2
for b, w in zip(info["batches"], sys.argv[2:4]):
    n, lo, hi = open(w).read().split()
    assert (b["rows"], b["first_date"], b["last_date"]) == (int(n), lo, hi), (b, n, lo, hi)
    assert b["bytes"] > 0 and len(b["checksum"]) == 16
assert info["batches"][0]["source"] == sys.argv[4]
assert info["dimensions"] == ["region", "sector", "environment-kind"], info["dimensions"]
PY
"$bin" store info "$st" >"$tmp/info.txt" || fail "info text rc"
grep -q "935 rows in 2 batches" "$tmp/info.txt" || fail "info text: $(head -1 "$tmp/info.txt")"

# verify: sound, then one flipped byte in the second batch's file.
"$bin" store verify "$st" >"$tmp/v" || fail "verify of a sound store: $(cat "$tmp/v")"
cp -a "$st" "$tmp/damaged"
f=$tmp/damaged/batch-000002.arrow
printf '\x7f' | dd of="$f" bs=1 seek=600 conv=notrunc status=none
"$bin" store verify "$tmp/damaged" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] || fail "verify of a damaged store: exit $rc"
grep -q "batch-000002.arrow.*checksum" "$tmp/err" || fail "verify does not name the damaged file: $(cat "$tmp/err")"
# a truncated file is found too, and reading it is a clear error, not a crash
cp -a "$st" "$tmp/cut"
truncate -s 100 "$tmp/cut/batch-000001.arrow"
"$bin" store verify "$tmp/cut" 2>"$tmp/err"
[ $? = 1 ] && grep -q "batch-000001.arrow" "$tmp/err" || fail "verify of a truncated file: $(cat "$tmp/err")"
"$bin" aggregate "$tmp/cut" --period year 2>"$tmp/err" >/dev/null
rc=$?
[ $rc = 1 ] && grep -q "batch-000001.arrow: not a readable Arrow IPC file" "$tmp/err" ||
  fail "reading a truncated store: exit $rc, $(cat "$tmp/err")"
# A programme and a store are read side by side; with both bad, the programme's error is the one
# reported, as when they were read in turn.
printf '{"id": ' >"$tmp/broken.json"
for sub in report check "export iati"; do
  extra=()
  [ "$sub" = "export iati" ] && extra=(--reporting-org NL-KVK-01234567)
  # shellcheck disable=SC2086 # "export iati" is two words
  "$bin" $sub "$tmp/broken.json" "$tmp/cut" --as-of 2022-12-31 "${extra[@]}" -o "$tmp/r" 2>"$tmp/err"
  rc=$?
  [ $rc = 1 ] && grep -q "broken.json:1:8: syntax error" "$tmp/err" && ! grep -q "batch-000001" "$tmp/err" &&
    [ ! -e "$tmp/r" ] || fail "$sub with a broken programme and a truncated store: exit $rc, $(cat "$tmp/err")"
done

# A rejected batch writes nothing: the manifest and the file list stay as they were.
ls "$st" >"$tmp/ls-before"
cp "$st/manifest.json" "$tmp/manifest-before"
printf 'indicator,date,region,value\nW-c1.assessments,2023-01-31,emmen,abc\n' >"$tmp/bad.csv"
"$bin" import "$tmp/bad.csv" --store "$st" --programme "$ex/programme.json" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] || fail "bad batch: exit $rc"
grep -q "bad.csv:2:" "$tmp/err" || fail "bad batch message: $(cat "$tmp/err")"
ls "$st" | cmp -s - "$tmp/ls-before" || fail "a rejected batch left files"
cmp -s "$st/manifest.json" "$tmp/manifest-before" || fail "a rejected batch changed the manifest"
# A rejected first batch leaves no store directory behind.
"$bin" import "$tmp/bad.csv" --store "$tmp/new-store" --programme "$ex/programme.json" 2>/dev/null
[ $? = 1 ] || fail "bad first batch: exit code"
[ -e "$tmp/new-store" ] && fail "a rejected first batch left $(ls -a "$tmp/new-store")"

# A second writer: refused naming the holder; with --wait it goes on once the lock is free.
printf 'indicator,date,region,value\nW-c1.assessments,2023-01-31,emmen,1\n' >"$tmp/one.csv"
cp -a "$st" "$tmp/locked"
echo "pid 4242, regiokpi import of other.csv, since 2026-01-01T00:00:00Z" >"$tmp/locked/lock"
flock "$tmp/locked/lock" sleep 3 &
holder=$!
sleep 0.5
"$bin" import "$tmp/one.csv" --store "$tmp/locked" 2>"$tmp/err"
rc=$?
[ $rc = 3 ] || fail "second writer: exit $rc"
grep -q "being written by another process (pid 4242, regiokpi import of other.csv" "$tmp/err" ||
  fail "second writer message: $(cat "$tmp/err")"
"$bin" import "$tmp/one.csv" --store "$tmp/locked" --wait 2>"$tmp/err" || fail "--wait: $(cat "$tmp/err")"
wait $holder
grep -q "holds 936 rows in 3 batches" "$tmp/err" || fail "--wait result: $(cat "$tmp/err")"

# A programme without an indicator the store holds: the rows are named by file and row.
/usr/bin/python3 - "$ex/programme.json" "$tmp/less.json" <<'PY' || fail "make programme"
import json, sys
p = json.load(open(sys.argv[1]))
def drop(node):
    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            if isinstance(x.get("indicators"), list):
                x["indicators"] = [i for i in x["indicators"] if i.get("id") != "W-c3.plans"]
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
drop(p)
json.dump(p, open(sys.argv[2], "w"))
PY
n_plans=$(grep -c "^W-c3.plans," "$csv")
"$bin" validate "$tmp/less.json" >/dev/null 2>&1 || fail "the programme without W-c3.plans does not validate"
if true; then
  "$bin" report "$tmp/less.json" "$st" --as-of 2022-12-31 -o "$tmp/r" 2>"$tmp/err"
  rc=$?
  [ $rc = 1 ] || fail "store against a smaller programme: exit $rc"
  grep -q "batch-00000[12].arrow: row [0-9]* (from .*): \"W-c3.plans\" is not an indicator of the programme" "$tmp/err" ||
    fail "store against a smaller programme: $(head -3 "$tmp/err")"
  # once per series (its first row), as many lines as W-c3.plans has series: at least one, at most its rows
  nl=$(grep -c "W-c3.plans" "$tmp/err")
  [ "$nl" -ge 1 ] && [ "$nl" -le "$n_plans" ] || fail "W-c3.plans named $nl times for $n_plans rows"
  [ "$n_plans" -gt 0 ] || fail "the example has no W-c3.plans rows"
fi

# compact: one batch, every row kept with its history, the same answers.
"$bin" store compact "$st" 2>"$tmp/err" || fail "compact: $(cat "$tmp/err")"
grep -q "2 batches merged into one (935 rows)" "$tmp/err" || fail "compact message: $(cat "$tmp/err")"
"$bin" store info "$st" --format json -o "$tmp/info2.json" || fail "info after compact"
/usr/bin/python3 - "$tmp/info2.json" <<'PY' || fail "info after compact"
import json, sys
info = json.load(open(sys.argv[1]))
assert len(info["batches"]) == 1 and info["rows"] == 935
m = info["batches"][0]["merged"]
assert [x["rows"] for x in m] == [500, 435], m
PY
ls "$st" | grep -c '^batch-' | grep -qx 1 || fail "compact left old batch files: $(ls "$st")"
"$bin" store verify "$st" >/dev/null || fail "verify after compact"
check_all "compacted"

# Not a store: a clear error.
mkdir "$tmp/empty"
"$bin" aggregate "$tmp/empty" --period year 2>"$tmp/err"
rc=$?
[ $rc = 3 ] && grep -q "empty: not a regular file, nor a store directory" "$tmp/err" ||
  fail "empty directory: exit $rc, $(cat "$tmp/err")"
"$bin" store info "$tmp/empty" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "no store here" "$tmp/err" || fail "store info of an empty directory: exit $rc, $(cat "$tmp/err")"
"$bin" import "$tmp/one.csv" 2>/dev/null
[ $? = 2 ] || fail "import without --store is a usage error"

[ "$fails" = 0 ] && echo "store: all passed"
exit "$fails"
