#!/usr/bin/env bash
# regiokpi allocate: exact outputs computed by hand, and every bad input of issue 2 exits 1 with
# FILE:LINE: reason on stderr, nothing on stdout, and an existing output file left untouched.
#   bash tests/cli/allocate.sh <path-to-regiokpi> <source-dir>
set -uo pipefail
bin=${1:?usage: allocate.sh REGIOKPI SOURCE_DIR}
src=${2:?usage: allocate.sh REGIOKPI SOURCE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_output NAME EXPECTED_STDOUT ARGS...: exit 0, exactly this stdout, empty stderr.
expect_output() {
  local name=$1 expected=$2
  shift 2
  local out err rc
  out=$("$bin" "$@" 2>"$work/stderr")
  rc=$?
  err=$(cat "$work/stderr")
  [ "$rc" -eq 0 ] || fail "$name: exit $rc (stderr: $err)"
  [ "$out" == "$expected" ] || fail "$name: stdout differs:"$'\n'"$out"$'\n'"--- expected ---"$'\n'"$expected"
  [ -z "$err" ] || fail "$name: unexpected stderr: $err"
}

# expect_error NAME CODE EXPECTED_STDERR ARGS...: exit CODE, this stderr, nothing on stdout.
expect_error() {
  local name=$1 code=$2 expected=$3
  shift 3
  local out err rc
  out=$("$bin" "$@" 2>"$work/stderr")
  rc=$?
  err=$(cat "$work/stderr")
  [ "$rc" -eq "$code" ] || fail "$name: exit $rc, expected $code"
  [ -z "$out" ] || fail "$name: wrote to stdout: $out"
  [ "$err" == "$expected" ] || fail "$name: stderr differs:"$'\n'"$err"$'\n'"--- expected ---"$'\n'"$expected"
}

seed=$src/examples/regio-deal-zod/municipality-weights.csv

# 10,000,000.00 EUR by the example populations (total 309,526). Quotas in cents, 10^9 * p / 309526:
# 82028650.26, 81902651.15, 114035654.52, 346310164.57, 195844614.02, 179878265.48; the floors
# leave 2 cents for the largest remainders .57 and .52 (Emmen, Coevorden; Hoogeveen's .48 misses).
expect_output "seed in cents" "member,amount
Aa en Hunze,820286.50
Borger-Odoorn,819026.51
Coevorden,1140356.55
Emmen,3463101.65
Hardenberg,1958446.14
Hoogeveen,1798782.65" allocate --total 10000000.00 "$seed"

# Whole euros: quotas 820286.50, 819026.51, 1140356.55, 3463101.650, 1958446.14, 1798782.654; the
# floors leave 3 euros for the remainders .654 (Hoogeveen), .650 (Emmen) and .55 (Coevorden).
expect_output "seed in whole euros" "member,amount
Aa en Hunze,820286
Borger-Odoorn,819026
Coevorden,1140357
Emmen,3463102
Hardenberg,1958446
Hoogeveen,1798783" allocate --total 10000000 "$seed"

# The table: shares of the total weight, 25390 / 309526 = 8.203 % and so on.
expect_output "seed table" "member          weight     share   amount (EUR)
-----------------------------------------------
Aa en Hunze     25,390    8.20 %     820,286.50
Borger-Odoorn   25,351    8.19 %     819,026.51
Coevorden       35,297   11.40 %   1,140,356.55
Emmen          107,192   34.63 %   3,463,101.65
Hardenberg      60,619   19.58 %   1,958,446.14
Hoogeveen       55,677   17.99 %   1,798,782.65
-----------------------------------------------
total          309,526  100.00 %  10,000,000.00" allocate --total 10000000.00 "$seed" --format table
expect_output "--table is --format table" "$("$bin" allocate --total 10000000.00 "$seed" --format table)" \
  allocate --total 10000000.00 "$seed" --table

# Ties go to the member listed first; quoting, CRLF, a BOM, extra columns and column order.
printf '\xEF\xBB\xBFweight,note,member\r\n1,x,"Aa, en ""Hunze"""\r\n1,,b\r\n1,,c\r\n' >"$work/ties.csv"
expect_output "ties and quoting" 'member,amount
"Aa, en ""Hunze""",0.04
b,0.03
c,0.03' allocate --total 0.10 "$work/ties.csv"
# Decimal weights are exact: 0.333 and 0.667 of 1.00 are 33.3 and 66.7 cents.
printf 'member,weight\np,0.333\nq,0.667\nzero,0\n' >"$work/dec.csv"
expect_output "decimal weights" "member,amount
p,0.33
q,0.67
zero,0.00" allocate --total 1.00 "$work/dec.csv"
expect_output "negative total" "member,amount
p,-0.33
q,-0.67
zero,0.00" allocate --total -1.00 "$work/dec.csv"
expect_output "small table in USD" "member  weight     share  amount (USD)
--------------------------------------
p        0.333   33.30 %          0.33
q        0.667   66.70 %          0.67
zero         0    0.00 %          0.00
--------------------------------------
total    1.000  100.00 %          1.00" allocate --total 1.00 --currency USD "$work/dec.csv" --format table

# --output writes the file (atomically) and nothing to stdout.
expect_output "--output" "" allocate --total 10 "$work/dec.csv" --output "$work/out.csv"
[ "$(cat "$work/out.csv")" == "member,amount
p,3
q,7
zero,0" ] || fail "--output: wrong file contents: $(cat "$work/out.csv")"

# Every bad input: exit 1, FILE:LINE: reason, no stdout, the existing output file untouched.
bad() {
  local name=$1 contents=$2 expected=$3
  printf '%b' "$contents" >"$work/bad.csv"
  echo "keep me" >"$work/keep.csv"
  expect_error "$name" 1 "$expected" allocate --total 100.00 "$work/bad.csv"
  expect_error "$name (with --output)" 1 "$expected" allocate --total 100.00 "$work/bad.csv" --output "$work/keep.csv"
  [ "$(cat "$work/keep.csv")" == "keep me" ] || fail "$name: the output file was changed"
}
f=$work/bad.csv
bad "empty file" '' "$f:1: the file is empty; expected a header line member,weight"
bad "blank file" '\n\n' "$f:1: the file is empty; expected a header line member,weight"
bad "missing column" 'member,population\nA,1\n' \
  "$f:1: missing column \"weight\" (the header must name the columns member and weight)"
bad "missing both columns" 'name\nA\n' "$f:1: missing column \"member\" (the header must name the columns member and weight)
$f:1: missing column \"weight\" (the header must name the columns member and weight)"
bad "header only" 'member,weight\n' "$f:1: no members: the file has a header but no rows"
bad "non-numeric weight" 'member,weight\nA,1\nB,12a\nC,1,5\n' \
  "$f:3: weight \"12a\" is not a non-negative decimal number (write digits with '.' as the decimal point)
$f:4: expected 2 fields like the header, found 3"
bad "negative weight" 'member,weight\nA,1\nB,-2\n' "$f:3: weight \"-2\" is negative; weights must be 0 or more"
bad "all weights zero" 'member,weight\nA,0\nB,0.00\n' \
  "$f:1: every weight is zero: at least one member needs a positive weight"
bad "duplicate member" 'member,weight\nA,1\nB,2\nA,3\n' "$f:4: duplicate member \"A\" (first on line 2)"
bad "empty member" 'member,weight\n,1\n' "$f:2: the member name is empty"
bad "unterminated quote" 'member,weight\nA,1\n"B,2\n' \
  "$f:3:1: the quoted field that starts here is never closed (a missing '\"')"

# Command-line problems exit 2; an unreadable file exits 3.
expect_error "bad --total" 2 "regiokpi: --total: \"1,000\" is not an amount: unexpected character \",\" at position 2 (write digits with an optional '-' and '.' as the decimal point, e.g. -1234.50)" \
  allocate --total 1,000 "$seed"
expect_error "bad --currency" 2 "regiokpi: --currency: \"eur\" is not a currency code: use three capital letters such as EUR" \
  allocate --total 1 --currency eur "$seed"
expect_error "missing file" 3 "$work/none.csv: cannot open for reading: No such file or directory" allocate --total 1 "$work/none.csv"
"$bin" allocate --total 1 "$seed" --format html >/dev/null 2>&1
[ $? -eq 2 ] || fail "--format html: expected exit 2"
"$bin" allocate "$seed" >/dev/null 2>&1
[ $? -eq 2 ] || fail "no --total: expected exit 2"
"$bin" allocate --help | grep -q -- "--total" || fail "allocate --help does not describe --total"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "allocate: all checks passed"
