# Sourced by the tests that use bench/peers' npm packages (@duckdb/node-api, nodejs-polars): makes sure
# they are installed there at the pinned versions (npm ci), or prints "SKIPPED: reason" and exits 0 when
# Node.js, npm or the registry is not available. ctest runs these tests one at a time (RESOURCE_LOCK
# bench_peers_npm), so two never run npm ci in the same directory at once.
#   peers=$src/bench/peers; source "$src/tests/cli/lib/peers_npm.sh"; need_peer_package nodejs-polars
skip() {
  echo "SKIPPED: $*"
  exit 0
}
need_peer_package() {  # need_peer_package NAME
  local name=$1
  command -v node >/dev/null || skip "Node.js is not installed (scripts/install-deps.sh bench installs it)"
  node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)' ||
    skip "Node.js $(node --version) is older than 18"
  if [ ! -f "$peers/node_modules/$name/package.json" ]; then
    command -v npm >/dev/null || skip "npm is not installed, so $name cannot be"
    echo "installing $name into $peers/node_modules (npm ci) ..."
    local log
    log=$(mktemp)
    if ! (cd "$peers" && timeout 180 npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
      tail -5 "$log"
      rm -f "$log"
      skip "$name could not be installed from npm (no registry, or it timed out)"
    fi
    rm -f "$log"
  fi
  (cd "$peers" && node -e "import('$name').then(() => process.exit(0), () => process.exit(1))") ||
    skip "$name is installed but does not load on this machine"
}
