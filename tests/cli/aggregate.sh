#!/usr/bin/env bash
# regiokpi aggregate: output, sort order, rules, exit codes (0 ok, 1 bad data, 2 bad usage) and that
# nothing is written when something is wrong. Run as: bash aggregate.sh <regiokpi> <source-dir>
set -u
bin=$1
src=$2
data=$src/tests/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" != "$3" ]]; then
    echo "FAIL $1"
    echo "--- expected"
    echo "$2"
    echo "--- actual"
    echo "$3"
    fails=$((fails + 1))
  fi
}
run() {  # run ARGS...: stdout to $tmp/out, stderr to $tmp/err, exit code in $rc
  "$bin" aggregate "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}

# Defaults: --time sum --space sum, grouped by indicator only. Values by hand from the file.
run "$data/measurements_small.csv" --period quarter
check "default rules rc" 0 "$rc"
check "default rules" 'indicator,period,value
"homes, new",2021-Q2,4
jobs,2021-Q1,35
jobs,2021-Q2,1' "$(cat "$tmp/out")"

# last_in_period per series and quarter (ties on a date: the later row), summed over the sectors.
run "$data/measurements_small.csv" --period quarter --by municipality --time last_in_period --space sum
check "last_in_period then sum" 'indicator,municipality,period,value
"homes, new",Assen,2021-Q2,4
jobs,Assen,2021-Q1,10
jobs,Assen,2021-Q2,1
jobs,Emmen,2021-Q1,10' "$(cat "$tmp/out")"

# last carries forward: Emmen reported only in Q1 (zorg 8, bouw 2) and keeps 10 in Q2.
run "$data/measurements_small.csv" --period quarter --by municipality --time last --space sum
check "last (carried) then sum" 'indicator,municipality,period,value
"homes, new",Assen,2021-Q2,4
jobs,Assen,2021-Q1,10
jobs,Assen,2021-Q2,1
jobs,Emmen,2021-Q1,10
jobs,Emmen,2021-Q2,10' "$(cat "$tmp/out")"

# Totals beside their breakdown: the empty cell is the total. Without --by sex the published 9.5 is
# the value (not 9.5 + 7.1 + 9.2, nor 7.1 + 9.2 = 16.3); with --by sex each group is its own.
printf 'indicator,date,sex,value\nrate,2021-12-31,,9.5\nrate,2021-12-31,m,7.1\nrate,2021-12-31,f,9.2\n' >"$tmp/totals.csv"
run "$tmp/totals.csv" --period year
check "total is the headline" 'indicator,period,value
rate,2021,9.5' "$(cat "$tmp/out")"
run "$tmp/totals.csv" --period year --by sex
check "breakdown by sex" 'indicator,sex,period,value
rate,,2021,9.5
rate,f,2021,9.2
rate,m,2021,7.1' "$(cat "$tmp/out")"

# Cumulative by month for one indicator given in CSV quoting, into a file.
run "$data/measurements_small.csv" --period month --cumulative --indicator 'jobs,"homes, new"' --from 2021-01-01 --to 2021-03-31 --output "$tmp/res.csv"
check "cumulative rc" 0 "$rc"
check "cumulative" 'indicator,period,value
jobs,2021-01,10
jobs,2021-02,25
jobs,2021-03,35' "$(cat "$tmp/res.csv")"
check "cumulative stdout empty" "" "$(cat "$tmp/out")"

# Bad data: exit 1, every error on stderr with file:line:column, nothing on stdout, no output file.
run "$data/measurements_bad.csv" --period month --output "$tmp/bad.csv"
check "bad data rc" 1 "$rc"
check "bad data errors" "$data/measurements_bad.csv:2:6: \"2021-02-30\" is not a valid date: that month has 28 days
$data/measurements_bad.csv:3:23: \"x\" is not a decimal number
$data/measurements_bad.csv:4:16: this row has 2 fields, the header has 4" "$(cat "$tmp/err")"
check "bad data stdout" "" "$(cat "$tmp/out")"
[[ -e "$tmp/bad.csv" ]] && { echo "FAIL an output file was written on error"; fails=$((fails + 1)); }

# Bad usage: exit 2 and nothing written.
for args in "--period fortnight" "--period month --time median" "--period month --space weird" \
            "--period month --by province" "--period month --from 2021-13-01" "--period month --bogus"; do
  # shellcheck disable=SC2086
  run "$data/measurements_small.csv" $args --output "$tmp/usage.csv"
  check "usage rc ($args)" 2 "$rc"
  check "usage stdout ($args)" "" "$(cat "$tmp/out")"
  [[ -e "$tmp/usage.csv" ]] && { echo "FAIL output written for $args"; fails=$((fails + 1)); }
  [[ -s "$tmp/err" ]] || { echo "FAIL no message for $args"; fails=$((fails + 1)); }
done
run "$data/measurements_small.csv" --period month --by province
check "unknown --by message" '"province" is not a dimension of the measurements (they have: municipality, sector)' "$(cat "$tmp/err")"

# Coverage counts municipalities (each one's kinds summed) of the six the Regio Deal expects: in
# 2021 Coevorden (hotspot 1) and Emmen (0 + 1) reach 1, Hoogeveen (0) does not; the total row (no
# municipality) and the sector dimension count for nothing. 2 of 6 = 0.333..., carried into 2022,
# when Hoogeveen reports 2: 3 of 6 = 0.5.
ex=$src/examples/regio-deal-zod
cat >"$tmp/cov.csv" <<'CSV'
indicator,date,region,environment-kind,value
W-b.innovation-environments,2021-03-31,coevorden,hotspot,1
W-b.innovation-environments,2021-03-31,emmen,hotspot,0
W-b.innovation-environments,2021-06-30,emmen,campus,1
W-b.innovation-environments,2021-06-30,hoogeveen,campus,0
W-b.innovation-environments,2021-06-30,,campus,5
W-b.innovation-environments,2022-03-31,hoogeveen,fieldlab,2
CSV
run "$tmp/cov.csv" --programme "$ex/programme.json" --period year --time last --space coverage \
  --space-dimension region --threshold 1
check "coverage count" 'indicator,period,value
W-b.innovation-environments,2021,2
W-b.innovation-environments,2022,3' "$(cat "$tmp/out")"
run "$tmp/cov.csv" --programme "$ex/programme.json" --period year --time last --space coverage \
  --space-dimension region --threshold 1 --share --coverage-level municipality
check "coverage share" 'indicator,period,value
W-b.innovation-environments,2021,0.3333333333333333
W-b.innovation-environments,2022,0.5' "$(cat "$tmp/out")"

# A missing input file: exit 3.
run "$tmp/missing.csv" --period month
check "missing file rc" 3 "$rc"

if ((fails > 0)); then
  echo "$fails check(s) failed"
  exit 1
fi
echo "all aggregate CLI checks passed"
