"""Issue 14.3: the 7-working-day 双公示 deadline, ledgerlib against the plain way and the floor.

The decisions are the demo year's own 双公示 decision dates (from `ledger sample`, in
data/raw/submissions) resampled with a seeded numpy Generator to each size in `--sizes`
(default 1,000,000 and 12,000), so the holiday-spanning and 调休 days keep their share.
Timed in the same run, interleaved, median of `--runs`:

* ledgerlib: `working_day_deadline(dates)` on the default calendar (loaded once before
  timing; its load time is printed apart);
* baseline, the way a data engineer would write it: compute each distinct decision date
  once with `chinese_calendar.is_workday` (walk from the day after) and `Series.map` the
  result;
* floor: the two numpy gathers alone (`workdays[cum[day] + n - 1]`) on int64 day numbers,
  no Series in or out: what is left once every overhead is gone.

Results are checked identical on every row. Target: ledgerlib >= 5x the baseline.

    .venv/bin/python benchmarks/bench_workdays.py
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def decision_pool():
    """The demo year's 双公示 decision dates."""
    from ledgerlib.intake import ingest_submissions
    from ledgerlib.ledger import load_ledger
    from ledgerlib.roster import load_roster

    raw = ROOT / "data" / "raw"
    tables = ingest_submissions(raw / "submissions", load_ledger(raw), load_roster(raw), progress=False)
    pool = tables["publicity"]["decision_date"].dropna().to_numpy()
    if len(pool) == 0:
        raise SystemExit("no 双公示 decisions in data/raw/submissions: run `ledger sample` first")
    return pool


def distinct_date_map(dates, n: int = 7):
    """The plain way: each distinct date once with chinese_calendar, then map.

    (Walks from the day after, not `find_workday(n, d)`, which counts from the first working
    day on or after d: one working day too many for a decision made on a holiday.)
    """
    import pandas as pd
    from chinese_calendar import is_workday

    one = dt.timedelta(days=1)

    def deadline(day: dt.date) -> dt.date:
        k = 0
        while k < n:
            day += one
            k += is_workday(day)
        return day

    table = {d: pd.Timestamp(deadline(d.date())) for d in dates.dropna().drop_duplicates()}
    return dates.map(table)


def floor(days, cal, n: int = 7):
    """Only the necessary work: two gathers on int64 day numbers (no Series, no checks)."""
    return cal.workdays.view("int64")[cal.cum[days - cal.first] + (n - 1)]


def median_time(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 12_000])
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--runs", type=int, default=9)
    args = p.parse_args(argv)

    import numpy as np
    import pandas as pd

    from ledgerlib.workdays import _cached_calendar, default_calendar, working_day_deadline

    avail = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: os.cpu_count()={os.cpu_count()}, usable={avail}; python {sys.version.split()[0]}, "
          f"pandas {pd.__version__}, numpy {np.__version__}")
    pool = decision_pool()
    _cached_calendar.cache_clear()
    t = time.perf_counter()
    cal = default_calendar()
    print(f"calendar load (once per process, cached): {time.perf_counter() - t:.3f} s ({cal.source})")

    ok = True
    for size in args.sizes:
        rng = np.random.default_rng(args.seed)
        dates = pd.Series(rng.choice(pool, size=size, replace=True), name="decision_date")
        days = dates.to_numpy().astype("datetime64[D]").view("int64")
        print(f"\n{size:,} decision dates resampled from the demo year's {len(pool)} "
              f"({dates.min().date()} .. {dates.max().date()})")
        # Interleave the three, in a rotating order, so that machine noise hits each alike.
        sides = [("ledgerlib", lambda: working_day_deadline(dates)),
                 ("baseline", lambda: distinct_date_map(dates)),
                 ("floor", lambda: floor(days, cal))]
        runs = {name: [] for name, _ in sides}
        outs = {}
        for r in range(args.runs):
            for name, fn in sides[r % 3:] + sides[:r % 3]:
                m, outs[name] = median_time(fn, 1)
                runs[name].append(m)
        med = {k: statistics.median(v) for k, v in runs.items()}
        same = (outs["ledgerlib"].equals(outs["baseline"].astype(outs["ledgerlib"].dtype))
                and np.array_equal(outs["ledgerlib"].to_numpy().astype("datetime64[D]").view("int64"),
                                   outs["floor"]))
        ok &= bool(same)
        print(f"  ledgerlib working_day_deadline:          median {med['ledgerlib'] * 1e3:9.2f} ms")
        print(f"  baseline distinct-date map (chinese_calendar): {med['baseline'] * 1e3:9.2f} ms")
        print(f"  floor (numpy gathers only):              median {med['floor'] * 1e3:9.2f} ms")
        print(f"  ledgerlib vs baseline: {med['baseline'] / med['ledgerlib']:.1f}x (target >= 5x); "
              f"ledgerlib / floor: {med['ledgerlib'] / med['floor']:.1f}")
        print(f"  identical results on all {size:,} rows: {same}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
