#!/usr/bin/env python3
"""Runs the side-by-side job (load + Q1 + Q2 + Q3) with each engine on each data size, checks that all
engines' checksums agree, and writes the table to docs/benchmarks.md. Called by run.sh, which installs
and builds what this needs first; standard library only.

  run.py --regiokpi-job BUILD/regiokpi_job --rows 1000000 10000000 [--repeat 3] [--engines ...]
"""

import argparse
import datetime
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PHASES = ["load", "q1", "q2", "q3"]
QUERIES = ["q1", "q2", "q3"]


def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()


def data_file(rows, seed):
    path = os.path.join(HERE, "data", f"measurements-{rows}-s{seed}.csv")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        print(f"generating {path}", flush=True)
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(rows), "--seed", str(seed),
                        "--output", path], check=True)
    return path


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def run_engine(cmd):
    """Runs one job under /usr/bin/time; returns (phase times, checksums, engine line, wall s, peak RSS KiB,
    CPU s = user + system)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        p = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", tf.name] + cmd, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"FAILED: {' '.join(cmd)} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
        wall, rss, user, system = tf.read().split()[-4:]
    times, sums, engine = {}, {}, ""
    for line in p.stdout.splitlines():
        f = line.split()
        if f and f[0] == "time":
            times[f[1]] = float(f[2])
        elif f and f[0] == "checksum":
            sums[f[1]] = " ".join(f[2:])
        elif f and f[0] == "engine":
            engine = " ".join(f[1:])
    missing = [x for x in PHASES if x not in times] + [q for q in QUERIES if q not in sums]
    if missing:
        sys.exit(f"FAILED: {' '.join(cmd)} printed no {', '.join(missing)}:\n{p.stdout}\n{p.stderr}")
    return times, sums, engine, float(wall), int(rss), float(user) + float(system)


def machine():
    cpu = sh("lscpu | sed -n 's/^Model name: *//p'") or platform.processor()
    mem = sh("free -g | awk '/^Mem:/ {print $2}'")
    thp = sh("cat /sys/kernel/mm/transparent_hugepage/enabled")
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores (`nproc`: {sh('nproc')})",
        f"- Memory: {mem} GiB; transparent huge pages: `{thp}`",
        f"- OS: {sh('. /etc/os-release && echo $PRETTY_NAME')}, Linux {platform.release()}",
        f"- Compiler: {sh('c++ --version | head -1')}; Node.js {sh('node --version')}; "
        f"Python {sh('/usr/bin/python3 --version').split()[-1]}",
    ]


def fmt_ratio(a, b):
    return f"{a / b:.2f}" if b else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3, help="runs per engine and size; the median job is shown")
    ap.add_argument("--engines", default="regiokpi,regiokpi-cli,duckdb,polars,pandas")
    ap.add_argument("--regiokpi-job", help="the built regiokpi_job binary")
    ap.add_argument("--regiokpi-cli", help="the built regiokpi command line (engine regiokpi-cli)")
    ap.add_argument("--output", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    ap.add_argument("--command", default="bench/peers/run.sh", help="the command to reproduce, for the doc")
    a = ap.parse_args()

    engines = a.engines.split(",")
    commands = {
        "regiokpi": lambda f: [a.regiokpi_job, f],
        "regiokpi-cli": lambda f: ["/usr/bin/python3", os.path.join(HERE, "regiokpi_cli_job.py"), a.regiokpi_cli, f],
        "duckdb": lambda f: ["node", os.path.join(HERE, "duckdb_job.mjs"), f],
        "polars": lambda f: ["node", os.path.join(HERE, "polars_job.mjs"), f],
        "pandas": lambda f: ["/usr/bin/python3", os.path.join(HERE, "pandas_job.py"), f],
    }
    if "regiokpi" in engines and not a.regiokpi_job:
        sys.exit("--regiokpi-job is needed to run the regiokpi engine")
    if "regiokpi-cli" in engines and not a.regiokpi_cli:
        sys.exit("--regiokpi-cli is needed to run the regiokpi-cli engine")

    results = {}  # rows -> engine -> dict
    loads = []  # 1-minute load average before each run: other work on the machine skews times
    for rows in a.rows:
        path = data_file(rows, a.seed)
        subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)  # all engines read from the page cache
        size_mb = os.path.getsize(path) / 1e6
        results[rows] = {"_size": size_mb}
        runs = {e: [] for e in engines}
        for i in range(a.repeat):  # interleaved, so that a noisy moment does not hit one engine only
            for e in engines:
                loads.append(load_average())
                r = run_engine(commands[e](path))
                runs[e].append(r)
                print(f"{rows} rows, {e} run {i + 1}: job {sum(r[0][p] for p in PHASES):.3f} s, "
                      f"wall {r[3]:.2f} s, peak RSS {r[4] / 1024:.0f} MiB", flush=True)
        for e in engines:
            jobs = [sum(r[0][p] for p in PHASES) for r in runs[e]]
            median = statistics.median_low(jobs)
            times, sums, engine, wall, _, cpu = runs[e][jobs.index(median)]
            results[rows][e] = {
                "times": times, "job": median, "jobs": jobs, "wall": wall, "cpu": cpu, "engine": engine,
                "rss": max(r[4] for r in runs[e]) / 1024, "sums": sums,
            }
            for r in runs[e]:
                if r[1] != sums:
                    sys.exit(f"FAILED: {e} gave different checksums from run to run on {rows} rows: {r[1]} vs {sums}")
        # The point of the exercise: every engine computed the same results.
        ref = engines[0]
        for e in engines[1:]:
            for q in QUERIES:
                x, y = results[rows][ref]["sums"][q], results[rows][e]["sums"][q]
                if x != y:
                    sys.exit(f"FAILED: checksums disagree on {rows} rows, {q}:\n  {ref}: {x}\n  {e}: {y}")
        print(f"{rows} rows: checksums of {', '.join(engines)} agree", flush=True)

    write_doc(a, engines, results, loads)
    print(f"wrote {a.output}")


def write_doc(a, engines, results, loads):
    out = []
    w = out.append
    w("# Benchmarks: regiokpi side by side with DuckDB, Polars and pandas")
    w("")
    w("Issue 4's job on generated measurement data (`bench/peers/generate.py`: about 2,000 indicators, 12")
    w("municipalities, 6 sectors, dates 2019-2023 in random order, two-decimal values), done by each engine")
    w("from the CSV file in the page cache:")
    w("")
    w("- **load**: read and parse the CSV into the engine's store (DuckDB: an in-memory table; Polars: a")
    w("  DataFrame; pandas: a DataFrame with categorical strings; regiokpi: a `measurement_store`;")
    w("  regiokpi-cli: `regiokpi import CSV --store DIR`, a store directory of Arrow files, docs/store.md).")
    w("- **Q1**: SUM per indicator x municipality x quarter.")
    w("- **Q2**: LAST of each series (indicator, municipality, sector) inside each quarter (regiokpi's")
    w("  `last_in_period`), by date and on equal dates by input order, then SUM over the municipalities:")
    w("  per indicator x sector x quarter.")
    w("- **Q3**: running total per indicator over the days that have data.")
    w("")
    w("Each result is materialised sorted (as `regiokpi aggregate` prints it), and each engine prints a")
    w("checksum of it (row count; sum of every value rounded to 1e-6, as an integer modulo 2^64; the same")
    w("weighted by the period's index). The run fails unless the checksums of all engines agree, so the")
    w("engines below computed the same results.")
    w("")
    w("**regiokpi-cli** is the same job through the command line (`bench/peers/regiokpi_cli_job.py`): one")
    w("`import` into a store, then each query as its own `regiokpi aggregate STORE` process, each phase timed")
    w("as the wall time of its whole process (start-up, opening the store, writing the result CSV).")
    w("")
    w("Times in seconds, measured inside each program; **job** = load + Q1 + Q2 + Q3, the median of")
    w(f"{a.repeat} interleaved runs (the phases shown are that run's); **process** is the whole process's wall")
    w("time (interpreter start-up included) and **CPU** its user + system CPU time, both from that run;")
    w("**peak RSS** is the largest of the runs' maximum resident set size (`/usr/bin/time`). DuckDB and Polars")
    w("run with their default settings (threads = cores). On a busy machine wall times inflate; CPU times much less.")
    w("")
    w(f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC.")
    w("")
    for rows, res in results.items():
        w(f"## {rows:,} rows ({res['_size']:.0f} MB of CSV)")
        w("")
        w("| engine | load | Q1 | Q2 | Q3 | job | process | CPU | peak RSS (MiB) |")
        w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for e in engines:
            r = res[e]
            t = r["times"]
            w(f"| {e} | {t['load']:.3f} | {t['q1']:.3f} | {t['q2']:.3f} | {t['q3']:.3f} | **{r['job']:.3f}** | "
              f"{r['wall']:.2f} | {r['cpu']:.2f} | {r['rss']:.0f} |")
        w("")
        if "regiokpi" in engines:
            rk = res["regiokpi"]
            for e in [x for x in engines if x != "regiokpi"]:
                o = res[e]
                w(f"- regiokpi vs {e}: job time {fmt_ratio(rk['job'], o['job'])}x ({fmt_ratio(o['job'], rk['job'])}x "
                  f"faster), CPU time {fmt_ratio(rk['cpu'], o['cpu'])}x, peak RSS {fmt_ratio(rk['rss'], o['rss'])}x")
            if "duckdb" in engines and "pandas" in engines and rows == max(results):
                d, p = res["duckdb"], res["pandas"]
                ok_t = rk["job"] <= d["job"] * 0.15
                ok_p = rk["job"] * 20 <= p["job"]
                w(f"- Issue 14's targets at this size: in-process job <= 0.15x DuckDB's: {'met' if ok_t else 'MISSED'} "
                  f"({fmt_ratio(rk['job'], d['job'])}x); >= 20x faster than pandas: {'met' if ok_p else 'MISSED'} "
                  f"({fmt_ratio(p['job'], rk['job'])}x).")
        if "regiokpi-cli" in engines and "duckdb" in engines:
            c, d = res["regiokpi-cli"], res["duckdb"]
            slowest = max(c["times"][q] for q in QUERIES)
            w(f"- regiokpi-cli vs duckdb: job time {fmt_ratio(c['job'], d['job'])}x (issue 14's target: at most "
              f"0.25x: {'met' if c['job'] <= 0.25 * d['job'] else 'MISSED'}); slowest `aggregate` call "
              f"{slowest:.3f} s (target at most 0.35 s at 10 M rows: {'met' if slowest <= 0.35 else 'MISSED'})")
            w("")
            w("")
        w("Checksums (identical for every engine):")
        w("")
        w("```")
        for q in QUERIES:
            w(f"{q} {res[engines[0]]['sums'][q]}")
        w("```")
        w("")
    w("## Versions and machine")
    w("")
    first = results[next(iter(results))]
    for e in engines:
        w(f"- {e}: {first[e]['engine']}")
    if "regiokpi" in engines:
        commit = sh(f"git -C {shlex.quote(ROOT)} rev-parse --short HEAD")
        dirty = sh(f"git -C {shlex.quote(ROOT)} status --porcelain -- src include")
        w(f"- regiokpi built in Release from commit {commit}"
          + (" with uncommitted changes in src/ or include/" if dirty else ""))
    out.extend(machine())
    w("")
    w(f"The 1-minute load average before each run ranged from {min(loads):.2f} to {max(loads):.2f} (on {os.cpu_count()} cores):")
    w("above about 1, other work was running at the same time and the times are inflated.")
    w("")
    w("## How to reproduce")
    w("")
    w("```sh")
    w(a.command)
    w("```")
    w("")
    w("It installs what is missing (Debian's python3-pandas, Node.js and `time` through")
    w("`scripts/install-deps.sh bench`; `@duckdb/node-api` and `nodejs-polars` with its native package")
    w("`nodejs-polars-linux-x64-gnu` at the versions pinned in `bench/peers/package-lock.json` through")
    w("`npm ci`), builds `bench/peers/regiokpi_job` in Release")
    w("(`build/peers-release`), generates the data once into `bench/peers/data/` (untracked), runs the")
    w("engines, checks the checksums and rewrites this file. Arguments choose the sizes")
    w("(`bench/peers/run.sh 100000`); `REPEAT=5` changes the number of runs; `ENGINES=duckdb,pandas`")
    w("leaves engines out.")
    # Sections after the marker (other benchmarks, written by hand with their commands) are kept.
    marker = "<!-- Everything below this line is kept when bench/peers/run.py rewrites the file. -->"
    kept = ""
    if os.path.exists(a.output):
        with open(a.output) as f:
            old = f.read()
        if marker in old:
            kept = old[old.index(marker):]
    with open(a.output + ".tmp", "w") as f:
        f.write("\n".join(out) + "\n")
        if kept:
            f.write("\n" + kept)
    os.replace(a.output + ".tmp", a.output)


if __name__ == "__main__":
    main()
