#!/usr/bin/env bash
# Only rk_ functions and the regiokpi C++ namespace may leave the shared library (nm -D).
set -euo pipefail
lib=$1
syms=$(nm -D --defined-only "$lib" | awk '{print $3}')
[ -n "$syms" ] || { echo "no exported symbols in $lib"; exit 1; }
bad=$(printf '%s\n' "$syms" | c++filt | grep -vE '^rk_|regiokpi::' | grep -vE '^_(init|fini|edata|end|_bss_start)$' || true)
for f in rk_version rk_last_error rk_apportion rk_programme_load_file rk_store_ingest_csv rk_aggregate rk_evaluate \
         rk_result_export_arrow rk_store_export_arrow rk_report_render; do
  printf '%s\n' "$syms" | grep -qx "$f" || { echo "missing export: $f"; exit 1; }
done
if [ -n "$bad" ]; then
  echo "unexpected exported symbols:"; printf '%s\n' "$bad" | head -20; exit 1
fi
echo "exports: $(printf '%s\n' "$syms" | grep -c '^rk_') rk_ functions, $(printf '%s\n' "$syms" | c++filt | grep -c 'regiokpi::') regiokpi:: symbols, nothing else"
