#!/usr/bin/env bash
# The C ABI's Arrow streams (store table, query result, funding plan with decimal128 money) read by a
# real Arrow consumer: DuckDB's shared library from npm's @duckdb/node-bindings-linux-x64, installed
# into tests/arrow/node_modules at the pinned version if missing. tests/arrow/duckdb_arrow_test.c
# loads it with dlopen(), so the build never depends on npm; this script compiles that program against
# the build's libregiokpi with the build's compiler and flags (under the asan-ubsan preset it runs
# sanitized, leak checking on) unless the build already made it. When DuckDB cannot be had it prints
# "SKIPPED: reason" and exits 0; any wrong sum, missing release or sanitizer report fails.
#   bash tests/cli/arrow_duckdb.sh <path-to-regiokpi> <source-dir>
set -uo pipefail
bin=${1:?usage: arrow_duckdb.sh <regiokpi binary> <source dir>}
src=${2:?usage: arrow_duckdb.sh <regiokpi binary> <source dir>}
here="$src/tests/arrow"
build=$(cd "$(dirname "$bin")" && pwd)

skip() {
  echo "SKIPPED: $*"
  exit 0
}
fail() {
  echo "FAILED: $*"
  exit 1
}

[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || skip "the npm package has a DuckDB library for Linux x86-64 only"
lib="$here/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so"
if [ ! -f "$lib" ]; then
  command -v npm >/dev/null || skip "npm is not installed, so DuckDB's library cannot be fetched"
  echo "installing @duckdb/node-bindings-linux-x64 into $here/node_modules (npm ci) ..."
  log=$(mktemp)
  if ! (cd "$here" && timeout 180 npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
    tail -5 "$log"
    rm -f "$log"
    skip "@duckdb/node-bindings-linux-x64 could not be installed from npm (no registry, or it timed out)"
  fi
  rm -f "$log"
  [ -f "$lib" ] || skip "the npm package installed but has no libduckdb.so"
fi

# The program: the build's own (if tests/CMakeLists.txt builds tests/arrow), else compiled here.
prog="$build/tests/arrow/duckdb_arrow_test"
if [ ! -x "$prog" ]; then
  cache="$build/CMakeCache.txt"
  [ -f "$cache" ] || fail "no CMakeCache.txt next to $bin: cannot tell how the library was built"
  var() { sed -n "s/^$1:[A-Z]*=//p" "$cache" | head -1; }
  cc=$(var CMAKE_C_COMPILER)
  cxx=$(var CMAKE_CXX_COMPILER)
  type=$(var CMAKE_BUILD_TYPE | tr '[:lower:]' '[:upper:]')
  cflags="$(var CMAKE_C_FLAGS) $(var "CMAKE_C_FLAGS_$type")"
  ldflags=$(var CMAKE_EXE_LINKER_FLAGS)
  if [ -f "$build/libregiokpi.a" ]; then
    rklib="$build/libregiokpi.a"
    cflags="$cflags -DREGIOKPI_STATIC"
  else
    rklib=$(ls "$build"/libregiokpi.so 2>/dev/null | head -1)
    [ -n "$rklib" ] || fail "no libregiokpi.a or libregiokpi.so in $build"
  fi
  prog="$build/arrow-duckdb/duckdb_arrow_test"
  mkdir -p "$build/arrow-duckdb"
  if [ ! -x "$prog" ] || [ "$here/duckdb_arrow_test.c" -nt "$prog" ] || [ "$rklib" -nt "$prog" ] ||
    [ "$src/include/regiokpi/regiokpi.h" -nt "$prog" ]; then
    echo "building $prog"
    tmpbin="$prog.tmp-$$"
    # shellcheck disable=SC2086 # the flags are word lists
    "$cc" -std=c11 $cflags -Wall -Wextra -pedantic -I"$src/include" -c "$here/duckdb_arrow_test.c" -o "$tmpbin.o" &&
      "$cxx" $ldflags "$tmpbin.o" "$rklib" -Wl,-rpath,"$build" -lboost_date_time -lfmt $(pkg-config --libs xlsxwriter libxml-2.0) \
        -pthread -ldl -lm -o "$tmpbin" ||
      { rm -f "$tmpbin" "$tmpbin.o"; fail "could not compile tests/arrow/duckdb_arrow_test.c"; }
    rm -f "$tmpbin.o"
    mv -f "$tmpbin" "$prog"
  fi
fi

# Leak checking on whenever the program is sanitized (the asan-ubsan test preset sets these too).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
timeout 300 "$prog" "$lib" "$src"
rc=$?
case $rc in
  0) echo "PASSED: DuckDB read every stream and agreed with regiokpi" ;;
  77) skip "DuckDB's library does not load or lacks the C API functions on this machine" ;;
  *) fail "duckdb_arrow_test exited with $rc" ;;
esac
