# Sourced by the consumer tests that load the C ABI's shared library into another runtime (python3,
# node). A library built with AddressSanitizer + UndefinedBehaviorSanitizer needs those runtimes loaded
# before anything else, which a plain interpreter does not do: preload them, so the consumers run
# (sanitized) in the sanitizer build too instead of being skipped. Leak checking is off for the
# interpreter, whose own allocations at exit are not ours. Usage: rk_preload_sanitizers LIB
rk_preload_sanitizers() {
  local lib=$1 rt=() so
  # (grep -q would close the pipe early; with pipefail nm's SIGPIPE would then read as "no match")
  if nm -D "$lib" 2>/dev/null | grep -E '__(tsan|msan)_init' >/dev/null; then
    echo "SKIPPED: $lib is built with ThreadSanitizer or MemorySanitizer, which cannot be preloaded"
    exit 0
  fi
  nm -D "$lib" 2>/dev/null | grep -E '__asan_init' >/dev/null && rt+=(libasan.so)
  nm -D "$lib" 2>/dev/null | grep -E '__ubsan_' >/dev/null && rt+=(libubsan.so)
  ((${#rt[@]})) || return 0
  local pre=""
  for so in "${rt[@]}"; do
    so=$(${CXX:-g++} -print-file-name="$so")
    [ -f "$so" ] || { echo "SKIPPED: sanitizer runtime $so not found"; exit 0; }
    pre=${pre:+$pre:}$so
  done
  export LD_PRELOAD=$pre
  export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
}
