"""Issue 6.3: the 7-working-day 双公示 check on 1,000,000 decisions, vectorised vs per row.

The decisions are the demo year's own 双公示 decision dates (from `ledger sample`, in
data/raw/submissions) resampled with a seeded numpy Generator to `--n` rows, so the
holiday-spanning and 调休 days keep their share. Timed, median of `--runs`:

* `ledgerlib.workdays.working_day_deadline` on all n dates (one searchsorted), and
* a per-row loop over the calendar: `chinese_calendar.is_workday` day by day from the
  day after each decision.

The per-row loop is timed on `--loop-sample` rows and scaled to n when it would take too
long (the output says so). Results are checked identical on every row the loop computed.

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


def decision_dates(n: int, seed: int):
    """n decision dates drawn from the demo year's 双公示 decisions (seeded)."""
    import numpy as np
    import pandas as pd

    from ledgerlib.intake import ingest_submissions
    from ledgerlib.ledger import load_ledger
    from ledgerlib.roster import load_roster

    raw = ROOT / "data" / "raw"
    tables = ingest_submissions(raw / "submissions", load_ledger(raw), load_roster(raw), progress=False)
    pool = tables["publicity"]["decision_date"].dropna().to_numpy()
    if len(pool) == 0:
        raise SystemExit("no 双公示 decisions in data/raw/submissions: run `ledger sample` first")
    rng = np.random.default_rng(seed)
    return pd.Series(rng.choice(pool, size=n, replace=True), name="decision_date"), len(pool)


def per_row_loop(dates, n: int = 7) -> list[dt.date]:
    """The obvious way: for each decision, walk the calendar from the day after it.

    (Not `chinese_calendar.find_workday(7, d)`: that counts from the first working day on
    or after d, one working day too many for a decision made on a weekend or holiday.)
    """
    from chinese_calendar import is_workday

    out = []
    one = dt.timedelta(days=1)
    for d in dates:
        k = 0
        while k < n:
            d += one
            if is_workday(d):
                k += 1
        out.append(d)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--loop-sample", type=int, default=20_000,
                   help="rows the per-row loop is timed on (scaled to --n); 0 = all rows")
    args = p.parse_args(argv)

    import pandas as pd

    from ledgerlib.workdays import default_calendar, working_day_deadline

    avail = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"machine: os.cpu_count()={os.cpu_count()}, usable={avail}; python {sys.version.split()[0]}")
    dates, pool = decision_dates(args.n, args.seed)
    print(f"{len(dates):,} decision dates resampled from the demo year's {pool} decisions "
          f"({dates.min().date()} .. {dates.max().date()})")

    cal = default_calendar()
    fast_times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        fast = working_day_deadline(dates, calendar=cal)
        fast_times.append(time.perf_counter() - t)
    m_fast = statistics.median(fast_times)

    k = len(dates) if args.loop_sample in (0, None) else min(args.loop_sample, len(dates))
    sample = [d.date() for d in dates.iloc[:k]]
    loop_times, slow = [], []
    for _ in range(max(1, min(args.runs, 3))):
        t = time.perf_counter()
        slow = per_row_loop(sample)
        loop_times.append(time.perf_counter() - t)
    m_loop = statistics.median(loop_times) * len(dates) / k

    same = pd.Series(pd.to_datetime(slow)).dt.date.tolist() == fast.iloc[:k].dt.date.tolist()
    print(f"working_day_deadline (vectorised): median {m_fast:.3f} s for {len(dates):,} rows "
          f"over {args.runs} runs")
    scaled = "" if k == len(dates) else f" (timed on {k:,} rows, scaled ×{len(dates) / k:.0f})"
    print(f"per-row chinese_calendar.is_workday loop: median {m_loop:.1f} s{scaled}")
    print(f"speed-up: {m_loop / m_fast:.0f}x (target >= 50x)")
    print(f"identical results on the {k:,} rows both computed: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
