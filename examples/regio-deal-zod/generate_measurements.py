#!/usr/bin/env python3
"""Writes measurements.csv: a SYNTHETIC, plausible history (2019-09 .. 2022-12) for every indicator of
programme.json. Not real data: the shapes are chosen so that the report shows every status (some
indicators ahead, some behind, a milestone delivered, one late), with provisional values and a few
corrections (revisions). Deterministic: the same file on every run.

    python3 examples/regio-deal-zod/generate_measurements.py > examples/regio-deal-zod/measurements.csv
"""
import csv
import datetime as dt
import random
import sys

rng = random.Random(20190601)
MUNICIPALITIES = ["aa-en-hunze", "borger-odoorn", "coevorden", "emmen", "hardenberg", "hoogeveen"]
# Relative size (the illustrative populations in programme.json), to share region-wide counts.
SIZE = {"aa-en-hunze": 25390, "borger-odoorn": 25351, "coevorden": 35297, "emmen": 107192,
        "hardenberg": 60619, "hoogeveen": 55677}
HOUSEHOLDS = {"aa-en-hunze": 11300, "borger-odoorn": 11400, "coevorden": 15600, "emmen": 49900,
              "hardenberg": 23900, "hoogeveen": 24500}
SECTORS = ["htsm", "groene-chemie", "logistiek", "duurzame-energie", "vrijetijdseconomie", "zorg"]
FIELDS = ["indicator", "date", "region", "sector", "environment-kind", "value", "status", "source",
          "recorded_at", "revision", "note"]
rows = []


def month_ends(first, last):
    y, m = first
    while (y, m) <= last:
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        yield nxt - dt.timedelta(days=1)
        y, m = nxt.year, nxt.month


def quarter_ends(first_year, last_year):
    for d in month_ends((first_year, 1), (last_year, 12)):
        if d.month in (3, 6, 9, 12):
            yield d


def add(indicator, day, value, region="", sector="", kind="", status="final", source="synthetic",
        recorded=None, revision="", note=""):
    recorded = recorded or day + dt.timedelta(days=20)
    if day >= dt.date(2022, 10, 1) and status == "final":
        status = "provisional"  # the last quarter is not final yet
    rows.append([indicator, day.isoformat(), region, sector, kind, fmt(value), status, source,
                 recorded.isoformat(), revision, note])


def fmt(v):
    return str(int(v)) if float(v).is_integer() else f"{v:.4f}".rstrip("0")


def share(total, weights):
    """Integer split of a monthly count over municipalities (largest remainder)."""
    s = sum(weights.values())
    quotas = {k: total * w / s for k, w in weights.items()}
    out = {k: int(q) for k, q in quotas.items()}
    rest = total - sum(out.values())
    for k in sorted(quotas, key=lambda k: (-(quotas[k] - out[k]), k))[:rest]:
        out[k] += 1
    return out


# W-c1 ahead of plan (~340 by end 2022 against 313 planned), W-c2 behind (~125 of 156), W-c3 far behind.
for ind, per_month in (("W-c1.assessments", 9.2), ("W-c2.plans", 3.1), ("W-c3.plans", 1.0)):
    for d in month_ends((2019, 9), (2022, 12)):
        ramp = min(1.0, ((d.year - 2019) * 12 + d.month - 8) / 6)  # a slow first half year
        n = max(0, round(per_month * ramp * rng.uniform(0.7, 1.3)))
        for m, v in share(n, SIZE).items():
            if v:
                add(ind, d, v, region=m)

# Data quality (issue 12): the municipalities report W-c1..W-c3 quarterly (programme.json "reporting",
# due 20 days after the quarter). A quarter without companies is reported as 0, except three reports that
# never arrived (quarters with nothing to report, so no total changes).
def quarter_of(day):
    return (day.year, (day.month - 1) // 3 + 1)


seen = {(r[0], r[2], quarter_of(dt.date.fromisoformat(r[1]))) for r in rows}
quarters = sorted({quarter_of(d) for d in month_ends((2019, 6), (2022, 12))})
empty = [(ind, m, q) for ind in ("W-c2.plans", "W-c3.plans") for q in quarters if q >= (2021, 1)
         for m in MUNICIPALITIES if (ind, m, q) not in seen and q <= (2022, 3)]
never_arrived = {empty[0], empty[len(empty) // 2], empty[-1]}
for ind in ("W-c1.assessments", "W-c2.plans", "W-c3.plans"):
    for q in quarters:
        for m in MUNICIPALITIES:
            if (ind, m, q) not in seen and (ind, m, q) not in never_arrived:
                last = max(d for d in month_ends((2019, 6), (2022, 12)) if quarter_of(d) == q)
                add(ind, last, 0, region=m, note="nothing to report")
# Two late reports (recorded weeks after the due date) and one whose recording date was lost.
late = {("W-c1.assessments", "hardenberg", (2021, 3)): dt.date(2021, 11, 15),
        ("W-c2.plans", "emmen", (2022, 2)): dt.date(2022, 8, 5)}
for r in rows:
    key = (r[0], r[2], quarter_of(dt.date.fromisoformat(r[1])))
    if key in late:
        r[8] = late[key].isoformat()
    elif key == ("W-c1.assessments", "coevorden", (2020, 4)):
        r[8] = ""
# One plausible outlier: Emmen booked a backlog of assessments in March 2022 at once.
spike = [r for r in rows if r[0] == "W-c1.assessments" and r[2] == "emmen" and r[1] == "2022-03-31"]
if spike:
    spike[0][5] = str(int(spike[0][5]) + 12)
    spike[0][10] = "includes a backlog from 2021"
else:
    add("W-c1.assessments", dt.date(2022, 3, 31), 12, region="emmen", note="a backlog from 2021")

# A correction: Emmen's first 2021 month with two or more assessments counted some companies twice;
# the corrected figure removes them, so it is lower than what was first reported.
first = next(r for r in rows if r[0] == "W-c1.assessments" and r[2] == "emmen" and r[1] >= "2021-01-01"
             and int(r[5]) >= 2)
removed = max(1, int(first[5]) // 3)
rows.append(["W-c1.assessments", first[1], "emmen", "", "", str(int(first[5]) - removed), "final",
             "synthetic (corrected)", (dt.date.fromisoformat(first[1]) + dt.timedelta(days=76)).isoformat(), "1",
             "double-counted companies removed"])

# W-a: networks per sector (stock: last), five of six sectors by end 2022; participation in every municipality.
start = {"htsm": 2019, "groene-chemie": 2020, "logistiek": 2020, "duurzame-energie": 2021, "zorg": 2019}
for d in quarter_ends(2019, 2022):
    if d < dt.date(2019, 9, 30):
        continue
    for s, y in start.items():
        if d.year >= y:
            add("W-a.sector-networks", d, 1 + (d.year - y) // 2, sector=s)
    for i, m in enumerate(MUNICIPALITIES):
        if d >= dt.date(2020, 3, 31) + dt.timedelta(days=120 * i):
            add("W-a.municipal-participation", d, 2 + (d.year - 2020) + i % 3, region=m)

# W-b: innovation environments by municipality and kind (four of six municipalities), open workplaces.
envs = {"emmen": ("campus", 2020), "hoogeveen": ("fieldlab", 2021), "coevorden": ("hotspot", 2021),
        "hardenberg": ("fieldlab", 2022)}
for d in quarter_ends(2020, 2022):
    for m, (k, y) in envs.items():
        if d.year >= y:
            add("W-b.innovation-environments", d, 5 + 2 * (d.year - y), region=m, kind=k)
    for m in MUNICIPALITIES:
        for s in ("htsm", "zorg", "logistiek"):
            if rng.random() < 0.35:
                add("W-b.open-workplaces", d, rng.randint(1, 3), region=m, sector=s)

# H-a: neighbourhood approaches, every municipality but Borger-Odoorn so far.
for m, d in (("emmen", "2020-06-30"), ("hoogeveen", "2020-12-31"), ("coevorden", "2021-06-30"),
             ("aa-en-hunze", "2021-09-30"), ("hardenberg", "2022-03-31"), ("emmen", "2022-06-30")):
    add("H-a.approaches", dt.date.fromisoformat(d), 1, region=m)

# H-b: the plan of approach delivered late 2021; the instruments not yet.
for d in quarter_ends(2020, 2022):
    add("H-b.plan", d, 1 if d >= dt.date(2021, 12, 31) else 0)
    add("H-b.instruments", d, 0)

# Z-a: care workers and households per municipality, yearly; the ratio falls from ~45 to ~42 per 1,000.
for y in (2019, 2020, 2021, 2022):
    d = dt.date(y, 12, 31)
    for m in MUNICIPALITIES:
        h = round(HOUSEHOLDS[m] * (1 + 0.004 * (y - 2019)))
        ratio = 45.5 - 1.0 * (y - 2019) + rng.uniform(-0.6, 0.6)
        add("Z-a.households", d, h, region=m, source="synthetic (municipal records)")
        add("Z-a.care-workers", d, round(h * ratio / 1000), region=m, source="synthetic (care providers)")

# Z-b: the part-time bachelor started September 2020; the practice programme in February 2022; enrolments.
for d in quarter_ends(2020, 2022):
    add("Z-b.part-time-bachelor", d, 1 if d >= dt.date(2020, 9, 30) else 0)
    add("Z-b.practice-programme", d, 1 if d >= dt.date(2022, 3, 31) else 0)
for d, n in (("2020-09-30", 18), ("2021-02-28", 9), ("2021-09-30", 24), ("2022-02-28", 14), ("2022-09-30", 27)):
    add("Z-b.enrolments", dt.date.fromisoformat(d), n)

# Z-c: residents aged 75+ and those living at home; the share rises slowly.
for y in (2019, 2020, 2021, 2022):
    d = dt.date(y, 12, 31)
    for m in MUNICIPALITIES:
        old = round(SIZE[m] * (0.105 + 0.003 * (y - 2019)))
        share_home = 0.880 + 0.004 * (y - 2019) + rng.uniform(-0.004, 0.004)
        add("Z-c.residents-75plus", d, old, region=m)
        add("Z-c.residents-75plus-at-home", d, round(old * share_home), region=m)

# Z-d: starting qualifications improve a little; youth care use stalls (behind its direction).
for y in (2019, 2020, 2021, 2022):
    d = dt.date(y, 12, 31)
    for m in MUNICIPALITIES:
        add("Z-d.starting-qualification", d, round(70 + 0.6 * (y - 2019) + rng.uniform(-0.5, 0.5), 1), region=m)
        add("Z-d.youth-care-use", d, round(12 + 0.15 * (y - 2019) + rng.uniform(-0.3, 0.3), 1), region=m)
# A late correction of Hoogeveen's 2021 youth care figure, recorded in 2022.
rows.append(["Z-d.youth-care-use", "2021-12-31", "hoogeveen", "", "", "12.9", "final", "synthetic (corrected)",
             "2022-05-01", "1", "registration backlog included"])

rng.shuffle(rows)  # real exports arrive in no particular order
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(FIELDS)
w.writerows(rows)
