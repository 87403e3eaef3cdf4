#!/usr/bin/env python3
"""The side-by-side job done through regiokpi's command line, as an analyst would: one `regiokpi import`
of the CSV into a fresh store directory (load), then Q1, Q2 and Q3 as three `regiokpi aggregate` calls on
the store. Each phase's time is the wall time of its whole process (start-up, opening the store,
writing the CSV result); the checksums are computed afterwards from the printed results, in the same
form as the other engines' (README.md here). Standard library only.

  regiokpi_cli_job.py REGIOKPI_BINARY MEASUREMENTS.csv
"""

import csv
import datetime
import os
import subprocess
import sys
import tempfile
import time

QUERIES = {
    "q1": ["--period", "quarter", "--by", "municipality", "--time", "sum", "--space", "sum"],
    "q2": ["--period", "quarter", "--by", "sector", "--time", "last_in_period", "--space", "sum"],
    "q3": ["--period", "day", "--time", "sum", "--space", "sum", "--cumulative"],
}
EPOCH = datetime.date(1970, 1, 1)


def period_index(label):
    # calendar.hpp's indices: quarters since year 0 ("2021-Q3"), days since 1970-01-01 ("2021-03-05").
    if "-Q" in label:
        year, q = label.split("-Q")
        return int(year) * 4 + int(q) - 1
    return (datetime.date.fromisoformat(label) - EPOCH).days


def checksum(path):
    s = w = n = 0
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            t = round(float(row["value"]) * 1e6)
            s += t
            w += t * period_index(row["period"])
            n += 1
    return f"rows={n} sum={s % 2**64} wsum={w % 2**64}"


def timed(phase, cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr}")
    print(f"time {phase} {took:.3f}", flush=True)


def main():
    binary, data = sys.argv[1], sys.argv[2]
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"engine {version} command line, store directory in {tempfile.gettempdir()}")
    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "store")
        timed("load", [binary, "import", data, "--store", store])
        for q, args in QUERIES.items():
            timed(q, [binary, "aggregate", store, *args, "-o", os.path.join(tmp, q + ".csv")])
        for q in QUERIES:
            print(f"checksum {q} {checksum(os.path.join(tmp, q + '.csv'))}")


if __name__ == "__main__":
    main()
