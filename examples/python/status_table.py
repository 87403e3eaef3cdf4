#!/usr/bin/env python3
"""The Regio Deal Zuid- en Oost-Drenthe status table through regiokpi's C ABI (ctypes, standard library).

    cmake --preset release -DBUILD_SHARED_LIBS=ON && cmake --build build/release --target regiokpi
    REGIOKPI_LIBRARY=build/release/libregiokpi.so python3 examples/python/status_table.py

Prints one line per indicator: id, status, actual, target, achievement and the forecast at the final
target date. --json prints the same rows as JSON (numbers unrounded, missing ones null).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regiokpi  # noqa: E402  (the binding next to this script)

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "regio-deal-zod")


def fmt(x, width, suffix=""):
    """x with two decimals right-aligned in width; "-" for a missing number."""
    return format("-" if x is None else f"{x:.2f}{suffix}", f">{width}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("library", nargs="?", help="path of libregiokpi.so (default: $REGIOKPI_LIBRARY)")
    ap.add_argument("--programme", default=os.path.join(EXAMPLE, "programme.json"))
    ap.add_argument("--measurements", default=os.path.join(EXAMPLE, "measurements.csv"))
    ap.add_argument("--as-of", default="2022-12-31")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    args = ap.parse_args(argv)

    path = regiokpi.find_library(args.library)
    if path is None:
        ap.error("give the path of libregiokpi.so as an argument or in REGIOKPI_LIBRARY")
    try:
        lib = regiokpi.load_library(path)
    except OSError as e:
        print(f"status_table: cannot load {path}: {e}", file=sys.stderr)
        return 3
    try:
        with regiokpi.Programme(lib, args.programme) as prog, regiokpi.Store(lib) as store:
            store.ingest_csv_file(args.measurements, programme=prog)
            with regiokpi.Report(lib, prog, store, as_of=args.as_of) as rep:
                rows = rep.indicators()
                title = f"{prog.name} ({prog.id}), {len(store)} measurements, as of {args.as_of}"
    except regiokpi.RegiokpiError as e:
        print(f"status_table: {e}", file=sys.stderr)
        return 1

    if args.json:
        json.dump({"library": lib.rk_version().decode(), "as_of": args.as_of, "indicators": rows}, sys.stdout,
                  indent=1)
        print()
        return 0
    print(title)
    print(f"regiokpi {lib.rk_version().decode()}")
    width = max(len(r["id"]) for r in rows)
    print(f"{'indicator':<{width}}  {'status':<11} {'actual':>10} {'target':>10} {'achieved':>9} {'forecast':>10}")
    for r in rows:
        ach = None if r["achievement"] is None else 100 * r["achievement"]
        print(f"{r['id']:<{width}}  {r['status']:<11} {fmt(r['actual'], 10)} {fmt(r['target'], 10)} "
              f"{fmt(ach, 9, '%')} {fmt(r['forecast'], 10)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
