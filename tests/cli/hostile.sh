#!/usr/bin/env bash
# Hostile input and the file system (issue 10): every subcommand against odd output paths, inputs
# that are not files, lost standard output, deep and overflowing programmes. Each check asserts the
# exit code, the place and reason in the message, and that outputs are untouched on error.
#   bash tests/cli/hostile.sh <path-to-regiokpi> <source-dir>
set -uo pipefail
bin=$(realpath "${1:?usage: hostile.sh REGIOKPI SOURCE_DIR}")
src=$(realpath "${2:?usage: hostile.sh REGIOKPI SOURCE_DIR}")
data=$src/tests/data
ex=$src/examples/regio-deal-zod
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
run() {  # run ARGS...: stdout to out, stderr to err, exit code in $rc
  "$bin" "$@" >out 2>err
  rc=$?
}
expect() {  # expect NAME CODE STDERR-SUBSTRING
  [ "$rc" -eq "$2" ] || fail "$1: exit $rc, expected $2 (stderr: $(cat err))"
  if [ -z "$3" ]; then
    [ ! -s err ] || fail "$1: unexpected stderr: $(cat err)"
  else
    grep -qF -- "$3" err || fail "$1: stderr lacks '$3': $(cat err)"
  fi
}

printf 'member,weight\na,1\nb,3\n' >w.csv
# By hand: 1.00 split 1:3 is 0.25 and 0.75.
want=$'member,amount\na,0.25\nb,0.75'

# ---- output paths ---------------------------------------------------------------------------------
# A device is written in place, never replaced (as root the old writer turned /dev/null into a file).
run allocate --total 1.00 w.csv -o /dev/null
expect "device" 0 ""
[ -c /dev/null ] || fail "device: /dev/null is no longer a character device"

# A FIFO is written in place: the reader gets the output, the FIFO stays a FIFO.
mkfifo fifo
timeout 20 cat fifo >fifo.out &
reader=$!
run allocate --total 1.00 w.csv -o fifo
wait "$reader"
expect "fifo" 0 ""
[ -p fifo ] || fail "fifo: no longer a FIFO"
[ "$(cat fifo.out)" == "$want" ] || fail "fifo: the reader got: $(cat fifo.out)"

# /dev/stdout is the descriptor the shell gave: written in place, through the pipe.
got=$("$bin" allocate --total 1.00 w.csv -o /dev/stdout | cat)
[ "$got" == "$want" ] || fail "/dev/stdout: got $got"

# A symbolic link is followed: its target is replaced, the link stays a link; mode 0600 is kept.
echo old >target.csv
chmod 600 target.csv
ln -s target.csv link.csv
run allocate --total 1.00 w.csv -o link.csv
expect "symlink" 0 ""
[ -L link.csv ] || fail "symlink: link.csv is no longer a symbolic link"
[ "$(cat target.csv)" == "$want" ] || fail "symlink: target not written: $(cat target.csv)"
[ "$(stat -c %a target.csv)" == 600 ] || fail "symlink: mode became $(stat -c %a target.csv), expected 600"

# A dangling link: its target is created.
ln -s new-target.csv dangling.csv
run allocate --total 1.00 w.csv -o dangling.csv
expect "dangling symlink" 0 ""
[ -L dangling.csv ] && [ "$(cat new-target.csv)" == "$want" ] || fail "dangling symlink: target not created"

# An existing file keeps its mode (0640 here, not the umask's 0644).
echo old >mode.csv
chmod 640 mode.csv
run allocate --total 1.00 w.csv -o mode.csv
[ "$(stat -c %a mode.csv)" == 640 ] || fail "mode: became $(stat -c %a mode.csv), expected 640"

# The longest legal name (255 bytes) works: the temporary name always fits NAME_MAX.
long=$(printf 'n%.0s' $(seq 251)).csv
run allocate --total 1.00 w.csv -o "$long"
expect "255-byte name" 0 ""
[ "$(cat "$long")" == "$want" ] || fail "255-byte name: not written"

# A file with two hard links is replaced under the given name; the warning says so.
echo old >hard1.csv
ln hard1.csv hard2.csv
run allocate --total 1.00 w.csv -o hard1.csv
expect "hard link" 0 "hard1.csv has 2 hard links"
[ "$(cat hard1.csv)" == "$want" ] && [ "$(cat hard2.csv)" == old ] || fail "hard link: as documented, not"

# Errors name the path and the system's reason, leave nothing behind, exit 3.
run allocate --total 1.00 w.csv -o /dev/full
expect "-o /dev/full" 3 "/dev/full: write failed: No space left on device"
run allocate --total 1.00 w.csv -o missing-dir/x.csv
expect "missing directory" 3 "missing-dir/x.csv: cannot create a temporary file in missing-dir/: No such file or directory"
mkdir outdir
run allocate --total 1.00 w.csv -o outdir
expect "directory as output" 3 "outdir: cannot write: Is a directory"
[ -z "$(ls -A outdir)" ] || fail "directory as output: left $(ls -A outdir)"
ls -A | grep -q '\.tmp-' && fail "a temporary file was left behind: $(ls -A | grep '\.tmp-')"

# Lost standard output is exit 3 for every subcommand.
"$bin" allocate --total 1.00 w.csv >/dev/full 2>err
rc=$?
expect "allocate > /dev/full" 3 "standard output: write failed: No space left on device"
"$bin" validate "$ex/programme.json" >/dev/full 2>err
rc=$?
expect "validate > /dev/full" 3 "standard output: write failed"
"$bin" aggregate "$data/measurements_small.csv" --period quarter >/dev/full 2>err
rc=$?
expect "aggregate > /dev/full" 3 "standard output: write failed"
"$bin" report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 --format csv >/dev/full 2>err
rc=$?
expect "report > /dev/full" 3 "standard output: write failed"

# ---- inputs that are not files --------------------------------------------------------------------
mkdir indir
run validate indir
expect "validate dir" 3 "indir: not a regular file"
run allocate --total 1.00 indir
expect "allocate dir" 3 "indir: not a regular file"
run aggregate indir --period quarter
expect "aggregate dir" 3 "indir: not a regular file"
run report indir "$ex/measurements.csv" --as-of 2022-12-31
expect "report dir (programme)" 3 "indir: not a regular file"
run report "$ex/programme.json" indir --as-of 2022-12-31
expect "report dir (measurements)" 3 "indir: not a regular file"
run validate no-such.json
expect "missing file" 3 "no-such.json: cannot open for reading: No such file or directory"

# ---- programmes ---------------------------------------------------------------------------------
echo '{}' >empty-object.json
run validate empty-object.json
expect "root errors name /" 1 '/: missing required field "id"'

# Two fixed contributions of 5e16 overflow the funding total: validate says where, and
# --canonical writes nothing.
cat >overflow.json <<'JSON'
{"format": "regiokpi-programme/1", "id": "o", "name": "O", "period": {"start": "2020-01-01", "end": "2023-12-31"},
 "funding": {"currency": "EUR", "contributions": [
   {"id": "a", "kind": "fixed", "amount": "50000000000000000.00"},
   {"id": "b", "kind": "fixed", "amount": "50000000000000000.00"}]},
 "pillars": [{"id": "P", "name": "P", "goals": [{"id": "G", "name": "G", "results": [{"id": "R", "name": "R",
   "indicators": [{"id": "i", "name": "I", "kind": "count", "unit": "x", "direction": "increase",
     "time_rule": "sum", "space_rule": "sum"}]}]}]}]}
JSON
run validate overflow.json --canonical canonical.json
expect "funding overflow" 1 "/funding/contributions/1: the funding total overflows"
[ -e canonical.json ] && fail "funding overflow: --canonical wrote canonical.json"

# A 50,000-link formula chain and funding chain validate (they used to overflow the stack).
{
  printf '{"format": "regiokpi-programme/1", "id": "deep", "name": "Deep", "period": {"start": "2020-01-01", "end": "2023-12-31"},\n'
  # c(k) matches c(k+1), i(k) is derived from i(k+1): a walk from c0 or i0 follows 50,000 links.
  printf ' "funding": {"currency": "EUR", "contributions": [{"id": "c50000", "kind": "fixed", "amount": "1.00"}'
  for ((k = 0; k < 50000; k++)); do printf ',{"id":"c%d","kind":"share","of":"c%d","share":"1/1"}' "$k" $((k + 1)); done
  printf ']},\n "pillars": [{"id": "P", "name": "P", "goals": [{"id": "G", "name": "G", "results": [{"id": "R", "name": "R", "indicators": [\n'
  printf '{"id":"i50000","name":"I","kind":"count","unit":"x","direction":"increase","time_rule":"sum","space_rule":"sum"}'
  for ((k = 0; k < 50000; k++)); do printf ',{"id":"i%d","name":"I","kind":"count","unit":"x","direction":"increase","time_rule":"sum","space_rule":"sum","formula":{"numerator":["i%d"]}}' "$k" $((k + 1)); done
  printf ']}]}]}]}\n'
} >deep.json
run validate deep.json
expect "deep chains" 0 ""
grep -qF "50001 indicators" out || fail "deep chains: summary: $(cat out)"

# ---- CSV inputs ------------------------------------------------------------------------------------
# Invalid UTF-8 (a lone Latin-1 byte 0xE9) is refused at its line and column, not echoed.
printf 'member,weight\nCaf\xe9,1\n' >latin1.csv
echo old >kept.csv
run allocate --total 1.00 latin1.csv -o kept.csv
expect "weights not UTF-8" 1 "latin1.csv:2:4: the byte \\xe9 is not valid UTF-8"
[ "$(cat kept.csv)" == old ] || fail "weights not UTF-8: the output was touched"
# The same in a measurements CSV (aggregate, report, forecast): line 3, after the 16 characters
# "a,2021-02-10,Caf"; and an overlong '/' (C0 AF) in a CRLF file. Nothing written, exit 1.
printf 'indicator,date,municipality,value\na,2021-01-10,x,1\na,2021-02-10,Caf\xe9,2\n' >m-latin1.csv
run aggregate m-latin1.csv --period quarter -o kept.csv
expect "measurements not UTF-8" 1 "m-latin1.csv:3:17: the byte \\xe9 is not valid UTF-8"
[ "$(cat kept.csv)" == old ] || fail "measurements not UTF-8: the output was touched"
grep -q $'\xe9' err && fail "measurements not UTF-8: the bad byte is echoed"
printf 'indicator,date,value\r\na\xc0\xaf,2021-01-10,1\r\n' >m-overlong.csv
run forecast m-overlong.csv --period year --horizon 1
expect "measurements overlong" 1 "m-overlong.csv:2:2: the byte \\xc0 is not valid UTF-8"
# report: a UTF-16 surrogate (ED A0 80) as the source of a row appended to the example's measurements;
# 46 characters precede the source ("W-a.sector-networks," 20, "2021-06-30," 11, ",htsm,," 7, "1,final," 8).
cp "$ex/measurements.csv" m-report.csv
printf 'W-a.sector-networks,2021-06-30,,htsm,,1,final,\xed\xa0\x80,2021-07-20,,\n' >>m-report.csv
line=$(wc -l <m-report.csv)
run report "$ex/programme.json" m-report.csv --as-of 2022-12-31 --format csv -o kept.csv
expect "report measurements not UTF-8 (a surrogate)" 1 "m-report.csv:$line:47: the byte \\xed is not valid UTF-8"
[ "$(cat kept.csv)" == old ] || fail "report measurements not UTF-8: the output was touched"
# Valid multi-byte members are read and written back unchanged (the output is sorted by member bytes:
# "S" 0x53 before the two bytes of "Æ" C3 86).
printf 'indicator,date,municipality,value\na,2021-01-10,S\xc3\xbadwest-Frysl\xc3\xa2n,1\na,2021-01-10,\xc3\x86r\xc3\xb8,2\n' >m-utf8.csv
run aggregate m-utf8.csv --period quarter --by municipality
expect "measurements UTF-8" 0 ""
[ "$(cat out)" == "$(printf 'indicator,municipality,period,value\na,S\xc3\xbadwest-Frysl\xc3\xa2n,2021-Q1,1\na,\xc3\x86r\xc3\xb8,2021-Q1,2')" ] ||
  fail "measurements UTF-8: $(cat out)"
# A --by list is read with the same CSV rules (one tokenizer): quoting errors name the character.
run aggregate m-utf8.csv --period quarter --by 'municipality,"sec'
expect "--by unclosed quote" 2 'at character 14, the quoted field that starts here is never closed'

# Two values of 1e308 sum past the largest double: an error naming the group, exit 1, nothing written.
printf 'indicator,date,value\na,2021-01-10,1e308\na,2021-02-10,1e308\n' >huge.csv
run aggregate huge.csv --period quarter -o kept.csv
expect "non-finite sum" 1 'indicator "a", period 2021-Q1: the result is not a finite number'
[ "$(cat kept.csv)" == old ] || fail "non-finite sum: the output was touched"

# The same sum in a report (it used to become a null point): an error naming the indicator and the
# period, exit 1, nothing written, whatever the format.
cat >sum.json <<'JSON'
{"format": "regiokpi-programme/1", "id": "s", "name": "S", "period": {"start": "2020-01-01", "end": "2023-12-31"},
 "pillars": [{"id": "P", "name": "P", "goals": [{"id": "G", "name": "G", "results": [{"id": "R", "name": "R",
   "indicators": [{"id": "a", "name": "A", "kind": "count", "unit": "x", "direction": "increase",
     "time_rule": "sum", "space_rule": "sum"}]}]}]}]}
JSON
for format in json csv md html; do
  run report sum.json huge.csv --as-of 2021-12-31 --format "$format" -o kept.csv
  expect "report non-finite sum ($format)" 1 'indicator "a", period 2021-Q1: the result is not a finite number'
  [ "$(cat kept.csv)" == old ] || fail "report non-finite sum ($format): the output was touched"
done
# Large but finite sums report as before.
printf 'indicator,date,value\na,2021-01-10,1e307\na,2021-02-10,1e307\n' >large.csv
run report sum.json large.csv --as-of 2021-12-31 --format csv
expect "report large finite sum" 0 ""

# A value below the smallest double says underflow, not "not a decimal number".
printf 'indicator,date,value\na,2021-01-10,1e-400\n' >tiny.csv
run aggregate tiny.csv --period quarter
expect "underflow" 1 'tiny.csv:2:14: "1e-400" is too small for a number (underflow'

# A fraction with more digits than fit says so.
sed 's|"amount": "50000000000000000.00"}]}|"amount": "1.00"}, {"id": "c", "kind": "share", "of": "a", "share": "9223372036854775807/1"}]}|' \
  overflow.json >big-fraction.json
run validate big-fraction.json
expect "too-large fraction" 1 '/funding/contributions/2/share: "9223372036854775807/1" is too large'

# Numbers in messages are in their shortest round-trip form: 7.05 (not 7.0499999999999998), -1e+300
# (not 301 digits).
cat >band.json <<'JSON'
{"format": "regiokpi-programme/1", "id": "b", "name": "B", "period": {"start": "2020-01-01", "end": "2023-12-31"},
 "pillars": [{"id": "P", "name": "P", "goals": [{"id": "G", "name": "G", "results": [{"id": "R", "name": "R",
   "indicators": [{"id": "i", "name": "I", "kind": "ratio", "unit": "x", "direction": "maintain",
     "band": {"low": 0, "high": 1}, "targets": [{"date": "2023-12-31", "value": 7.05}],
     "time_rule": "avg", "space_rule": "avg"}]}]}]}]}
JSON
run validate band.json
expect "shortest number (validate)" 1 "a maintain target 7.05 lies outside the band [0, 1]"
printf 'indicator,date,municipality,value\ncompanies,2021-01-10,a,-1e300\n' >negative.csv
run aggregate negative.csv --period quarter --programme "$data/programme_valid_minimal.json"
expect "shortest number (ingest)" 1 "-1e+300"
grep -q '[0-9]\{30\}' err && fail "shortest number (ingest): a long digit string: $(cat err)"

# weighted_avg with a --weight no member has: one line, exit 2.
run aggregate "$ex/measurements.csv" --period year --space weighted_avg --weight populaton --programme "$ex/programme.json"
expect "unknown --weight" 2 '--weight: "populaton" is an attribute of no member'
[ "$(wc -l <err)" -eq 1 ] || fail "unknown --weight: $(wc -l <err) lines of stderr"

# --threshold nan is a usage error.
run aggregate huge.csv --period quarter --threshold nan
expect "--threshold nan" 2 "--threshold: must be a finite number"

if [ "$failures" -ne 0 ]; then
  echo "$failures hostile-input check(s) failed" >&2
  exit 1
fi
echo "all hostile-input checks passed"
