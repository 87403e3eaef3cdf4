#!/usr/bin/env bash
# --version, --help for the tool and every subcommand, and the usage exit code.
set -euo pipefail
bin=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$("$bin" --version)" = "regiokpi 0.1.0" ] || fail "--version printed: $("$bin" --version)"
help=$("$bin" --help)
grep -q "Subcommands:" <<<"$help" || fail "--help lists no subcommands"
for sub in validate aggregate report allocate; do
  grep -q "^  $sub " <<<"$help" || fail "--help does not list $sub"
  grep -q "Usage:" <<<"$("$bin" "$sub" --help)" || fail "$sub --help"
done
set +e
"$bin" frobnicate >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "an unknown subcommand exits $rc, not 2"
"$bin" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "no subcommand exits $rc, not 2"
"$bin" report --no-such-option >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "an unknown option exits $rc, not 2"
set -e
echo "basics: all checks passed"
