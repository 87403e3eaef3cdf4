#!/usr/bin/env python3
"""Deterministic generator of measurement CSVs for regiokpi's side-by-side benchmarks.

The shape of issue 4: about 2,000 indicators, 12 municipalities, 6 sectors, dates over 2019-2023 in
random (unsorted) order, values with two decimals (about 2 % negative: corrections), header
indicator,date,municipality,sector,value. The same ROWS and SEED always give the same bytes.

  python3 bench/peers/generate.py ROWS [--seed N] [--output FILE]   (stdout without --output)

Values stay below 1000 in magnitude and have two decimals, so that every benchmark result (sums,
last values, running totals of up to a few million) is a multiple of 0.01 far inside double precision:
rounded to 1e-6 it is the same in every engine whatever the order of summation.
Python's standard library only; 10 M rows take about half a minute.
"""

import argparse
import datetime
import os
import random
import sys

INDICATORS = [f"rd{i:04d}" for i in range(1, 2001)]
# The twelve municipalities of Drenthe (the Regio Deal's province); names with spaces, no commas.
MUNICIPALITIES = [
    "Aa en Hunze", "Assen", "Borger-Odoorn", "Coevorden", "De Wolden", "Emmen",
    "Hoogeveen", "Meppel", "Midden-Drenthe", "Noordenveld", "Tynaarlo", "Westerveld",
]
SECTORS = ["landbouw", "industrie", "bouw", "handel", "zorg", "onderwijs"]

FIRST_DAY = datetime.date(2019, 1, 1)
LAST_DAY = datetime.date(2023, 12, 31)
DATES = [(FIRST_DAY + datetime.timedelta(days=k)).isoformat() for k in range((LAST_DAY - FIRST_DAY).days + 1)]

CHUNK = 200_000


def values(n, r):
    """n value strings: two decimals, |v| < 1000, about 2 % negative."""
    out = []
    append = out.append
    for _ in range(n):
        cents = int(r() * 100_000)
        if r() < 0.02:
            append(f"-{cents // 100}.{cents % 100:02d}")
        else:
            append(f"{cents // 100}.{cents % 100:02d}")
    return out


def generate(rows, seed, out):
    rng = random.Random(seed)
    r = rng.random  # only random() is used: its sequence is stable across Python versions
    out.write("indicator,date,municipality,sector,value\n")
    ni, nd, nm, ns = len(INDICATORS), len(DATES), len(MUNICIPALITIES), len(SECTORS)
    done = 0
    while done < rows:
        n = min(CHUNK, rows - done)
        ind = [INDICATORS[int(r() * ni)] for _ in range(n)]
        day = [DATES[int(r() * nd)] for _ in range(n)]
        mun = [MUNICIPALITIES[int(r() * nm)] for _ in range(n)]
        sec = [SECTORS[int(r() * ns)] for _ in range(n)]
        val = values(n, r)
        out.write("".join(f"{a},{b},{c},{d},{e}\n" for a, b, c, d, e in zip(ind, day, mun, sec, val)))
        done += n


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("rows", type=int, help="number of data rows")
    p.add_argument("--seed", type=int, default=4, help="random seed (default 4)")
    p.add_argument("--output", "-o", help="file to write (atomically); stdout if absent")
    a = p.parse_args()
    if a.rows < 0:
        p.error("rows must be >= 0")
    if a.output is None:
        generate(a.rows, a.seed, sys.stdout)
        return
    tmp = f"{a.output}.tmp-{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as f:
            generate(a.rows, a.seed, f)
        os.replace(tmp, a.output)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


if __name__ == "__main__":
    main()
