#!/usr/bin/env bash
# Every test: installs what is missing, builds with the dev preset (Debug, warnings as errors) and
# runs the whole suite, then again under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
jobs=$(nproc)
for preset in dev asan-ubsan; do
  echo "== $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  if [ "$preset" = dev ]; then
    ctest --preset "$preset" -j "$jobs"
  else
    # The package tests check the build system, not memory safety: once (under dev) is enough.
    ctest --preset "$preset" -j "$jobs" --label-exclude package
  fi
done
