#!/usr/bin/env bash
# Differential test: `regiokpi aggregate` against DuckDB on random small data sets with edge cases, for
# every time rule (sum avg min max count first last_in_period, and last carried forward), every space rule (sum avg min max count), every
# period type and several groupings (bench/peers/differential.mjs does the work: 600 queries, about 20 s on a
# release build, 2-3 minutes on the sanitizer build, where each call's start-up dominates). Needs Node.js and
# @duckdb/node-api from npm (installed into bench/peers/node_modules at the pinned version if missing);
# when either cannot be had it prints "SKIPPED: reason" and exits 0. Any disagreement fails.
#   bash tests/cli/differential_duckdb.sh <path-to-regiokpi> <source-dir>
set -uo pipefail
bin=${1:?usage: differential_duckdb.sh <regiokpi binary> <source dir>}
src=${2:?usage: differential_duckdb.sh <regiokpi binary> <source dir>}
peers="$src/bench/peers"

[ -x "$bin" ] || { echo "FAILED: $bin is not an executable"; exit 1; }
# shellcheck source=lib/peers_npm.sh
source "$src/tests/cli/lib/peers_npm.sh"
# Until the aggregate subcommand exists there is nothing to compare (CLI11 lists subcommands in --help).
"$bin" --help 2>/dev/null | grep -Eq '^ +aggregate( |$)' || skip "$bin has no aggregate subcommand yet"
need_peer_package @duckdb/node-api

# Under AddressSanitizer, the leak check at each of the 600 exits scans the whole heap and globals (a fifth
# of a call here); every other command-line test keeps it, so this one, which checks values, skips it.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
# DIFFERENTIAL_SEED=N runs other random data sets (the default seed is fixed, so runs repeat).
exec timeout 600 node "$peers/differential.mjs" "$bin" ${DIFFERENTIAL_SEED:+--seed "$DIFFERENTIAL_SEED"}
