#!/usr/bin/env bash
# Differential test: `regiokpi aggregate` against DuckDB on random small data sets with edge cases, for
# every time rule (sum avg min max count first last_in_period, and last carried forward), every space rule (sum avg min max count), every
# period type and several groupings (bench/peers/differential.mjs does the work; about 20 s). Needs Node.js and
# @duckdb/node-api from npm (installed into bench/peers/node_modules at the pinned version if missing);
# when either cannot be had it prints "SKIPPED: reason" and exits 0. Any disagreement fails.
#   bash tests/cli/differential_duckdb.sh <path-to-regiokpi> <source-dir>
set -uo pipefail
bin=${1:?usage: differential_duckdb.sh <regiokpi binary> <source dir>}
src=${2:?usage: differential_duckdb.sh <regiokpi binary> <source dir>}
peers="$src/bench/peers"

skip() {
  echo "SKIPPED: $*"
  exit 0
}

[ -x "$bin" ] || { echo "FAILED: $bin is not an executable"; exit 1; }
# Until the aggregate subcommand exists there is nothing to compare (CLI11 lists subcommands in --help).
"$bin" --help 2>/dev/null | grep -Eq '^ +aggregate( |$)' || skip "$bin has no aggregate subcommand yet"
command -v node >/dev/null || skip "Node.js is not installed (scripts/install-deps.sh bench installs it)"
node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)' ||
  skip "Node.js $(node --version) is older than 18"
if [ ! -f "$peers/node_modules/@duckdb/node-api/package.json" ]; then
  command -v npm >/dev/null || skip "npm is not installed, so @duckdb/node-api cannot be"
  echo "installing @duckdb/node-api into $peers/node_modules (npm ci) ..."
  log=$(mktemp)
  if ! (cd "$peers" && timeout 180 npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
    tail -5 "$log"
    rm -f "$log"
    skip "@duckdb/node-api could not be installed from npm (no registry, or it timed out)"
  fi
  rm -f "$log"
fi
(cd "$peers" && node -e "import('@duckdb/node-api').then(() => process.exit(0), () => process.exit(1))") ||
  skip "@duckdb/node-api is installed but does not load on this machine"

# DIFFERENTIAL_SEED=N runs other random data sets (the default seed is fixed, so runs repeat).
exec timeout 300 node "$peers/differential.mjs" "$bin" ${DIFFERENTIAL_SEED:+--seed "$DIFFERENTIAL_SEED"}
