#!/usr/bin/env bash
# Every test: installs what is missing, builds once with the asan-ubsan preset (Debug at -O0 with
# AddressSanitizer + UndefinedBehaviorSanitizer, warnings as errors, unity translation units,
# examples compiled too; the benchmarks are built by the release preset that bench/ scripts use) and runs the whole suite there: unit, CLI, C ABI, consumers (Python with the sanitizer runtimes
# preloaded; Node against a plain copy of the shared library), fuzz corpus replay and package tests.
# One sanitized build instead of a plain one and a sanitized one: the plain build found nothing the
# sanitized one does not, and cost half of the test command's time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
jobs=$(nproc)
preset=asan-ubsan
echo "== $preset"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs"
