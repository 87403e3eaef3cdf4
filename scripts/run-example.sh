#!/usr/bin/env bash
# The main job on the bundled Regio Deal example: installs what is missing, builds (Release), writes the
# progress report on 2022-12-31 as HTML, Markdown and an Excel workbook, and prints the Markdown summary.
# See README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
cmake --preset release >/dev/null
cmake --build --preset release --target regiokpi_cli
ex=examples/regio-deal-zod
out=build/release/report
mkdir -p "$out"
for format in html md xlsx; do
  ./build/release/regiokpi report "$ex/programme.json" "$ex/measurements.csv" --as-of 2022-12-31 \
    --format "$format" --output "$out/regio-deal-zod.$format"
done
cat "$out/regio-deal-zod.md"
echo
echo "The funding split among the six municipalities (exact to the cent):"
./build/release/regiokpi allocate --total 10000000.00 "$ex/municipality-weights.csv" --format table
echo
echo "Written: $out/regio-deal-zod.html (open it in a browser), $out/regio-deal-zod.md and $out/regio-deal-zod.xlsx (Excel)" >&2
