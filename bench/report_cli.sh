#!/usr/bin/env bash
# `regiokpi report` end to end on a large programme kept in a store directory: the 10,000 indicators
# and 10.1 M measurements of bench/evaluate_bench.cpp, written once as programme.json and a store
# (REGIOKPI_BENCH_WRITE), then `report --format json` timed RUNS times (default 3) as whole processes:
# reading the programme, opening the store, evaluating with the data-quality check, writing the JSON.
#   bench/report_cli.sh [RUNS]          (builds the release preset's evaluate_bench and regiokpi_cli)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
runs=${1:-3}
cmake --preset release >/dev/null
cmake --build --preset release --target evaluate_bench regiokpi_cli >/dev/null
dir=build/release/report-bench
if [ ! -f "$dir/store/manifest.json" ]; then
  rm -rf "$dir"
  REGIOKPI_BENCH_WRITE="$dir" build/release/bench/evaluate_bench
fi
bin=build/release/regiokpi
cat "$dir"/store/*.arrow >/dev/null  # from the page cache, as the other benchmarks read their input
for ((i = 1; i <= runs; i++)); do
  /usr/bin/time -f "report run $i: %e s wall, %U s user, %S s system, peak RSS %M KiB" \
    "$bin" report "$dir/programme.json" "$dir/store" --as-of 2022-12-31 --format json -o "$dir/report.json"
done
echo "$(grep -c '"id"' "$dir/report.json") ids in the report; store: $("$bin" store info "$dir/store" | head -1)"
