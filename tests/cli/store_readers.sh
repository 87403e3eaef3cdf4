#!/usr/bin/env bash
# Readers never see a mix (docs/store.md): while one process imports batch after batch into a store
# (and compacts it halfway, which removes the merged files), other processes read it in a loop. Every
# batch has 5,000 rows of value 1, so every read must sum to a whole number of batches, never fewer
# than the read before, and `store verify` must find the store sound whenever it runs.
# Run as: bash store_readers.sh <regiokpi> <source-dir>
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
  echo "FAIL $*"
  fails=$((fails + 1))
}
rows=5000
awk -v n=$rows 'BEGIN {
  print "indicator,date,municipality,value"
  for (i = 0; i < n; i++) printf "ind-%d,2021-%02d-%02d,m%d,1\n", i % 50, 1 + (i % 12), 1 + int(i / 600) % 28, int(i / 50) % 9
}' >"$tmp/batch.csv"
st=$tmp/st
"$bin" import "$tmp/batch.csv" --store "$st" 2>/dev/null || fail "first import"
(
  for k in 1 2 3 4 5 6 7 8 9 10; do
    "$bin" import "$tmp/batch.csv" --store "$st" --wait 2>/dev/null || echo "import $k failed" >>"$tmp/writer-errors"
    [ "$k" = 5 ] && { "$bin" store compact "$st" --wait 2>/dev/null || echo "compact failed" >>"$tmp/writer-errors"; }
  done
  touch "$tmp/writer-done"
) &
writer=$!
last=0
reads=0
while [ ! -e "$tmp/writer-done" ]; do
  total=$("$bin" aggregate "$st" --period year --time sum 2>"$tmp/err" | awk -F, 'NR > 1 { s += $NF } END { print s + 0 }')
  [ -s "$tmp/err" ] && { fail "read $reads: $(cat "$tmp/err")"; break; }
  ((total % rows == 0)) || { fail "read $reads: a sum of $total is not a whole number of batches"; break; }
  ((total >= last)) || { fail "read $reads: $total rows after $last"; break; }
  last=$total
  reads=$((reads + 1))
  if ((reads % 3 == 0)); then
    "$bin" store verify "$st" >/dev/null 2>"$tmp/err" || { fail "verify during writes: $(cat "$tmp/err")"; break; }
  fi
done
wait $writer
[ -e "$tmp/writer-errors" ] && fail "writer: $(cat "$tmp/writer-errors")"
final=$("$bin" aggregate "$st" --period year --time sum | awk -F, 'NR > 1 { s += $NF } END { print s + 0 }')
[ "$final" = $((11 * rows)) ] || fail "final sum $final, expected $((11 * rows))"
echo "store_readers: $reads reads during 10 imports and a compaction, last read $last rows"
[ "$fails" = 0 ] && echo "store_readers: all passed"
exit "$fails"
