#!/usr/bin/env bash
# Only rk_ functions and the regiokpi C++ namespace (all of it in regiokpi::v0) may leave the shared
# library (nm -D).
set -euo pipefail
lib=$1
syms=$(nm -D --defined-only "$lib" | awk '{print $3}')
[ -n "$syms" ] || { echo "no exported symbols in $lib"; exit 1; }
bad=$(printf '%s\n' "$syms" | c++filt | grep -vE '^rk_|regiokpi::' | grep -vE '^_(init|fini|edata|end|_bss_start)$' || true)
for f in rk_version rk_last_error rk_apportion rk_programme_load_file rk_store_ingest_csv rk_aggregate rk_evaluate \
         rk_result_export_arrow rk_store_export_arrow rk_report_render; do
  grep -qx "$f" <<<"$syms" || { echo "missing export: $f"; exit 1; }
done
# The C++ symbols carry the ABI namespace (regiokpi::v0, docs/c-api.md "The C++ ABI").
# (grep -q on a here-string, not at the end of a pipe: it stops reading at the first match, and with
# pipefail the writer's SIGPIPE would fail the check once the symbol list outgrows the pipe buffer.)
demangled=$(printf '%s\n' "$syms" | c++filt)
grep -qx 'regiokpi::v0::version()' <<<"$demangled" || { echo "missing export: regiokpi::v0::version()"; exit 1; }
outside=$(printf '%s\n' "$syms" | c++filt | grep -E '^((typeinfo|typeinfo name|vtable) for )?regiokpi::' |
  grep -vE '^((typeinfo|typeinfo name|vtable) for )?regiokpi::v0::' || true)
if [ -n "$outside" ]; then
  echo "C++ symbols outside the ABI namespace regiokpi::v0:"; printf '%s\n' "$outside" | head -20; exit 1
fi
if [ -n "$bad" ]; then
  echo "unexpected exported symbols:"; printf '%s\n' "$bad" | head -20; exit 1
fi
echo "exports: $(printf '%s\n' "$syms" | grep -c '^rk_') rk_ functions, $(printf '%s\n' "$syms" | c++filt | grep -c 'regiokpi::') regiokpi:: symbols, nothing else"
