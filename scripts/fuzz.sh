#!/usr/bin/env bash
# Builds the fuzz preset (clang + libFuzzer, ASan + UBSan) and runs every fuzz target for SECONDS
# (default 60) each, starting from its seed corpus in tests/fuzz/corpus/<target>/. Not part of the
# test command (the corpus replay is: ctest -L fuzz). New interesting inputs go to
# build/fuzz/corpus/<target>/ (the seed corpus is only read); a crash leaves its input in
# build/fuzz/artifacts/<target>/ and stops the script with a non-zero exit. Add every input that found
# a bug to tests/fuzz/corpus/<target>/ with the fix, and record the runs in docs/fuzzing.md.
#   scripts/fuzz.sh [SECONDS]        (JOBS=2 scripts/fuzz.sh 60: at most two compiles at a time)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cmake --preset fuzz >/dev/null
# Only the fuzz binaries (one per seed corpus), not the whole tree: JOBS (default: ninja's choice)
# limits the parallel compiles on a shared machine.
targets=()
for seeds in tests/fuzz/corpus/*/; do targets+=("$(basename "$seeds")_fuzz"); done
cmake --build --preset fuzz ${JOBS:+-j "$JOBS"} --target "${targets[@]}"
out=build/fuzz
status=0
for seeds in tests/fuzz/corpus/*/; do
  target=$(basename "$seeds")
  bin=$out/tests/${target}_fuzz
  [ -x "$bin" ] || { echo "no fuzz binary for $target ($bin)" >&2; status=1; continue; }
  mkdir -p "$out/corpus/$target" "$out/artifacts/$target"
  echo "== $target for ${seconds}s"
  # -max_len 1 MiB: deep inputs (long formula or funding chains, deep nesting) need room.
  if ! "$bin" -max_total_time="$seconds" -max_len=1048576 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$target/" "$out/corpus/$target" "$seeds"; then
    echo "FAIL: $target found a problem; its input is in $out/artifacts/$target/" >&2
    status=1
  fi
done
exit "$status"
