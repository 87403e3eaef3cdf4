#!/usr/bin/env bash
# The main job on the bundled Regio Deal example: installs what is missing, builds (Release) and
# runs it. See README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
cmake --preset release >/dev/null
cmake --build --preset release --target regiokpi_cli
ex=examples/regio-deal-zod
./build/release/regiokpi allocate --total 10000000.00 "$ex/municipality-weights.csv" --table
