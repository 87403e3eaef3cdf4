#!/usr/bin/env bash
# Side-by-side benchmark of issue 4: regiokpi, DuckDB (@duckdb/node-api), Polars (nodejs-polars) and pandas
# doing the same job
# (load the CSV + Q1 + Q2 + Q3) on generated data; checks that their checksums agree and writes
# docs/benchmarks.md.
#   bench/peers/run.sh [ROWS...]            default: 1000000 10000000
#   REPEAT=5 ENGINES=duckdb,pandas BUILD_DIR=build/x bench/peers/run.sh 100000
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
rows=("$@")
((${#rows[@]})) || rows=(1000000 10000000)
engines=${ENGINES:-regiokpi,regiokpi-cli,duckdb,polars,pandas}
build=${BUILD_DIR:-$root/build/peers-release}

# What is missing gets installed: Debian packages (pandas, Node.js, GNU time) ...
if ! /usr/bin/python3 -c 'import pandas' 2>/dev/null || ! command -v node >/dev/null || ! command -v npm >/dev/null ||
  [ ! -x /usr/bin/time ] || ! command -v cmake >/dev/null; then
  "$root/scripts/install-deps.sh" bench
fi
# ... and DuckDB and Polars at the versions the lock file pins.
if [ ! -f "$here/node_modules/@duckdb/node-api/package.json" ] ||
  [ ! -f "$here/node_modules/nodejs-polars-linux-x64-gnu/package.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

job=()
if [[ ",$engines," == *,regiokpi,* || ",$engines," == *,regiokpi-cli,* ]]; then
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREGIOKPI_BUILD_CLI=ON >/dev/null
  cmake --build "$build" --target regiokpi_job regiokpi_cli -j2
  job=(--regiokpi-job "$build/regiokpi_job" --regiokpi-cli "$build/regiokpi/regiokpi")
fi

exec /usr/bin/python3 "$here/run.py" --rows "${rows[@]}" --repeat "${REPEAT:-3}" --engines "$engines" "${job[@]}" \
  --command "bench/peers/run.sh${*:+ $*}"
