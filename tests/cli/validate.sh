#!/usr/bin/env bash
# `regiokpi validate`: summary on success, every error on stderr and exit 1 on bad input, exit 3 for
# a missing file, exit 2 for bad usage, and --canonical writes the canonical form.
#   bash tests/cli/validate.sh <path-to-regiokpi> <source-dir>
set -uo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The Regio Deal: 3 pillars; goals 1 (WERKEN) + 1 (WONEN) + 4 (WELZIJN); 11 results; indicators
# 2+2+1+1+1 (WERKEN) + 1+2 (WONEN) + 3+3+3+2 (WELZIJN) = 21; dimensions region (9 members),
# sector (6), theme (3), environment-kind (3) = 21 members; parties Rijk, province, 6 municipalities;
# funding 20 M Rijk + 10 M province + 10 M municipalities (the 20 M regional pool is not paid twice).
expected="Regio Deal Zuid- en Oost-Drenthe (regio-deal-zod), 2019-06-01 to 2023-12-31: 3 pillars, 6 goals, 11 results, 21 indicators; 4 dimensions with 21 members; 8 parties; funding total 40,000,000.00 EUR in 4 contributions."
out=$("$bin" validate "$src/examples/regio-deal-zod/programme.json" 2>"$tmp/err") || fail "the Regio Deal example does not validate: $(cat "$tmp/err")"
[ "$out" = "$expected" ] || fail "summary: got '$out'"
[ ! -s "$tmp/err" ] || fail "stderr not empty on success"

# Several problems: all reported, one per line, on stderr; nothing on stdout; exit 1.
python3 - "$src/examples/regio-deal-zod/programme.json" "$tmp/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
ind = d["pillars"][0]["goals"][0]["results"][2]["indicators"][0]
ind["targets"][0]["date"] = "2023-13-01"
ind["unitt"] = "companies"
d["pillars"][2]["goals"][0]["results"][0]["indicators"][2]["formula"]["numerator"].append("Z-a.nope")
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), indent=2)
PY
"$bin" validate "$tmp/bad.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "bad programme: exit $rc, want 1"
[ ! -s "$tmp/out" ] || fail "bad programme: stdout not empty"
grep -qx '/pillars/0/goals/0/results/2/indicators/0/targets/0/date: "2023-13-01" is not a date (YYYY-MM-DD)' "$tmp/err" ||
  fail "no date error: $(cat "$tmp/err")"
grep -qx '/pillars/0/goals/0/results/2/indicators/0/unitt: unknown field "unitt"; did you mean "unit"?' "$tmp/err" ||
  fail "no unknown-field error: $(cat "$tmp/err")"
grep -qx '/pillars/2/goals/0/results/0/indicators/2/formula/numerator/1: "Z-a.nope" is not an indicator' "$tmp/err" ||
  fail "no formula error: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" -eq 3 ] || fail "want exactly 3 error lines: $(cat "$tmp/err")"

# A target already met at the baseline is valid (rule 5): exit 0, the summary, and one warning on
# stderr naming the target's JSON pointer. The Regio Deal's first increase indicator with a numeric
# baseline gets a last target of baseline - 1 (at least that much is already there).
python3 - "$src/examples/regio-deal-zod/programme.json" "$tmp/met.json" "$tmp/met.pointer" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
def first():
    for a, pl in enumerate(d["pillars"]):
        for b, g in enumerate(pl["goals"]):
            for c, r in enumerate(g["results"]):
                for i, ind in enumerate(r["indicators"]):
                    base = ind.get("baseline", {}).get("value")
                    if ind.get("direction", "increase") == "increase" and ind.get("targets") and \
                            type(base) in (int, float) and "basis" not in ind["targets"][-1]:
                        return a, b, c, i, ind
a, b, c, i, ind = first()
k = len(ind["targets"]) - 1
ind["targets"][k]["value"] = ind["baseline"]["value"] - 1
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), indent=2)
open(sys.argv[3], "w").write(f"/pillars/{a}/goals/{b}/results/{c}/indicators/{i}/targets/{k}/value")
PY
out=$("$bin" validate "$tmp/met.json" 2>"$tmp/err") || fail "a target met at the baseline is rejected: $(cat "$tmp/err")"
[ "$out" = "$expected" ] || fail "met at baseline: summary '$out'"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "want exactly one warning: $(cat "$tmp/err")"
grep -q "^regiokpi: warning: $(cat "$tmp/met.pointer"): the target .* is already met at the baseline" "$tmp/err" ||
  fail "warning: $(cat "$tmp/err")"

# JSON syntax: FILE:LINE:COLUMN.
printf '{\n  "id": "x",\n  "name": nope\n}\n' >"$tmp/syntax.json"
"$bin" validate "$tmp/syntax.json" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "syntax error: exit $rc, want 1"
grep -q "^$tmp/syntax.json:3:[0-9]*: syntax error" "$tmp/err" || fail "syntax error location: $(cat "$tmp/err")"

# A missing file is an I/O error (3); no argument is bad usage (2).
"$bin" validate "$tmp/does-not-exist.json" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 3 ] || fail "missing file: exit $rc, want 3"
"$bin" validate >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "no argument: exit $rc, want 2"

# --canonical: the examples are stored canonically, so the output is byte-identical.
for ex in regio-deal-zod erdf-style; do
  "$bin" validate "$src/examples/$ex/programme.json" --canonical "$tmp/$ex.json" >/dev/null || fail "--canonical $ex"
  cmp -s "$tmp/$ex.json" "$src/examples/$ex/programme.json" || fail "$ex is not byte-identical after a round trip"
  "$bin" validate "$src/examples/$ex/programme.json" --canonical - | cmp -s - "$src/examples/$ex/programme.json" ||
    fail "--canonical - for $ex"
done
echo "ok"
