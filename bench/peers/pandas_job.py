#!/usr/bin/python3
"""The benchmark job done by pandas (Debian's python3-pandas): load the measurement CSV, then Q1, Q2
and Q3 of issue 4, each a sorted result like regiokpi's. Prints the time of each phase and a checksum
of each result (see README.md here).

  /usr/bin/python3 bench/peers/pandas_job.py MEASUREMENTS.csv

Written as a pandas user who cares about speed would: given dtypes, categoricals for the strings,
an explicit date format, observed=True groupbys.
"""

import sys
import time

import numpy as np
import pandas as pd

EPOCH = np.datetime64("1970-01-01", "D")


def phase(name, t0):
    print(f"time {name} {time.perf_counter() - t0:.3f}", flush=True)


def checksum(name, values, ordinals):
    # Integers wrap modulo 2**64 in numpy, as in the other engines' checksums.
    r = np.rint(np.asarray(values, dtype=np.float64) * 1e6).astype(np.int64)
    o = np.asarray(ordinals, dtype=np.int64)
    with np.errstate(over="ignore"):
        s = int(r.sum(dtype=np.int64)) % 2**64
        w = int((r * o).sum(dtype=np.int64)) % 2**64
    print(f"checksum {name} rows={len(r)} sum={s} wsum={w}")


def main():
    path = sys.argv[1]
    print(f"engine pandas {pd.__version__} numpy={np.__version__}")

    t0 = time.perf_counter()
    m = pd.read_csv(
        path,
        dtype={"indicator": "category", "municipality": "category", "sector": "category", "value": "float64"},
        parse_dates=["date"],  # ISO dates take pandas' fast path
    )
    phase("load", t0)

    # Q1: SUM per indicator x municipality x quarter (quarters since year 0, as calendar.hpp's index).
    t0 = time.perf_counter()
    quarter = m["date"].dt.year * 4 + m["date"].dt.quarter - 1
    q1 = m.groupby([m["indicator"], m["municipality"], quarter.rename("period")], observed=True, sort=True)[
        "value"
    ].sum()
    phase("q1", t0)

    # Q2: LAST of each series (indicator, municipality, sector) per quarter by date, ties by input order
    # (a stable sort keeps it), then SUM over the municipalities: per indicator x sector x quarter.
    t0 = time.perf_counter()
    quarter = (m["date"].dt.year * 4 + m["date"].dt.quarter - 1).rename("period")
    order = np.argsort(m["date"].to_numpy(), kind="stable")
    s = m.iloc[order]
    last = s.groupby([s["indicator"], s["municipality"], s["sector"], quarter.iloc[order]], observed=True, sort=False)[
        "value"
    ].last()
    q2 = last.groupby(level=["indicator", "sector", "period"], observed=True, sort=True).sum()
    phase("q2", t0)

    # Q3: running total per indicator over the days that have data.
    t0 = time.perf_counter()
    daily = m.groupby(["indicator", "date"], observed=True, sort=True)["value"].sum()
    q3 = daily.groupby(level="indicator", observed=True, sort=False).cumsum()
    phase("q3", t0)

    checksum("q1", q1.to_numpy(), q1.index.get_level_values("period").to_numpy())
    checksum("q2", q2.to_numpy(), q2.index.get_level_values("period").to_numpy())
    days = (q3.index.get_level_values("date").to_numpy().astype("datetime64[D]") - EPOCH).astype(np.int64)
    checksum("q3", q3.to_numpy(), days)


if __name__ == "__main__":
    main()
