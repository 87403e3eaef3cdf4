#!/usr/bin/env bash
# Installs, with apt-get, whichever of regiokpi's Debian 12 packages are missing.
#   scripts/install-deps.sh build   the compiler, CMake and the libraries
#   scripts/install-deps.sh test    build + what the test suite uses (GoogleTest, Python jsonschema ...)
#   scripts/install-deps.sh bench   test + what the side-by-side benchmarks use (pandas, Node.js)
# Needs root (or sudo) only when something is missing.
set -euo pipefail
what=${1:-build}

pkgs=(g++ cmake ninja-build make pkg-config git ca-certificates
      libboost-dev libboost-date-time-dev libeigen3-dev nlohmann-json3-dev libfmt-dev libcli11-dev
      libxlsxwriter-dev libxml2-dev flatbuffers-compiler libflatbuffers-dev)
case "$what" in
  build) ;;
  test) pkgs+=(libgtest-dev libgmock-dev libbenchmark-dev python3 python3-jsonschema python3-openpyxl libxml2-utils chromium) ;;
  bench) pkgs+=(libgtest-dev libgmock-dev libbenchmark-dev python3 python3-jsonschema python3-pandas time) ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

# Node.js (for the DuckDB differential and Arrow tests and the koffi consumer, which fetch their npm
# packages themselves): Debian's when there is no node at all; a newer one already on the PATH is kept.
if [ "$what" != build ] && ! command -v node >/dev/null; then pkgs+=(nodejs npm); fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
