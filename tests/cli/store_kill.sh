#!/usr/bin/env bash
# Crash safety of store directories (docs/store.md): `regiokpi import` and `store compact` are killed
# with SIGKILL at random moments, many times; after each kill the store must verify and hold exactly
# the batches it held before or those plus the new one (rows counted here: multiples of the batch's
# row count), and the next import must work. STORE_KILL_ROUNDS=N changes the number of rounds (30).
# Run as: bash store_kill.sh <regiokpi> <source-dir>
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
  echo "FAIL $*"
  fails=$((fails + 1))
}
rounds=${STORE_KILL_ROUNDS:-30}

# A batch of 16,000 rows: 400 indicators x 40 days, with provenance columns.
rows=16000
awk -v n=$rows 'BEGIN {
  print "indicator,date,municipality,value,source,revision"
  for (i = 0; i < n; i++) {
    k = int(i / 400); printf "ind-%d,2021-%02d-%02d,m%d,%d.25,src-%d,0\n", i % 400, 1 + int(k / 28), 1 + k % 28, i % 7, i, i % 3
  }
}' >"$tmp/batch.csv"

st=$tmp/st
start=$(date +%s%N)
"$bin" import "$tmp/batch.csv" --store "$st" 2>/dev/null || fail "first import"
took=$((($(date +%s%N) - start) / 1000000))  # ms
expected=$rows
killed=0
for ((r = 1; r <= rounds; r++)); do
  # Every fifth round kills a compaction instead of an import.
  if ((r % 5 == 0)); then cmd=(store compact "$st"); else cmd=(import "$tmp/batch.csv" --store "$st"); fi
  "$bin" "${cmd[@]}" 2>/dev/null &
  pid=$!
  # A moment between 0 and 1.3 times the import's duration (so some rounds finish).
  delay=$(awk -v t="$took" -v s="$RANDOM" 'BEGIN { srand(s); printf "%.3f", t * 1.3 * rand() / 1000 }')
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
  wait "$pid" 2>/dev/null
  "$bin" store verify "$st" >/dev/null 2>"$tmp/err" || {
    fail "round $r (${cmd[0]}, killed after ${delay}s): the store does not verify: $(cat "$tmp/err")"
    break
  }
  now=$("$bin" store info "$st" --format json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"])')
  if [ "${cmd[0]}" = import ]; then
    if [ "$now" = $((expected + rows)) ]; then
      expected=$now
    elif [ "$now" != "$expected" ]; then
      fail "round $r: $now rows, expected $expected or $((expected + rows))"
      break
    fi
  elif [ "$now" != "$expected" ]; then
    fail "round $r: compact changed the rows from $expected to $now"
    break
  fi
done
# Whatever the kills left, the next writer cleans up and adds its batch.
"$bin" import "$tmp/batch.csv" --store "$st" 2>/dev/null || fail "import after the kills"
"$bin" store verify "$st" >/dev/null || fail "verify after the last import"
ls "$st" | grep -v -E '^(manifest.json|lock|(batch|series|strings)-[0-9]+\.arrow)$' | grep -q . &&
  fail "stray files left: $(ls "$st")"
# The rows are the batch's, every time: the sum over the store is (imports) x (sum of one batch).
one=$("$bin" aggregate "$tmp/batch.csv" --period year --time sum | awk -F, 'NR > 1 { s += $NF } END { printf "%.2f", s }')
all=$("$bin" aggregate "$st" --period year --time sum | awk -F, 'NR > 1 { s += $NF } END { printf "%.2f", s }')
n=$(((expected + rows) / rows))
awk -v a="$all" -v o="$one" -v n="$n" 'BEGIN { d = a - n * o; exit !(d < 0.01 && d > -0.01) }' ||
  fail "the store sums to $all, $n imports of a batch summing to $one"
echo "store_kill: $rounds rounds, $killed killed, $n batches imported (one import: ${took} ms)"
[ "$fails" = 0 ] && echo "store_kill: all passed"
exit "$fails"
