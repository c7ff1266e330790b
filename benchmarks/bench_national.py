"""National scale by simulation: the 双公示 7-working-day KPI over a year of decisions.

About 50,000,000 administrative licensing and penalty decisions a year are published
nationally (双公示). This simulates them and computes what the monthly report computes for
a department, for every province and month at once: each decision's deadline on China's
official calendar (`ledgerlib.working_day_deadline`, 7 working days counted from the day
after), whether it was published by then, and the on-time rate per (province, month).

    .venv/bin/python benchmarks/bench_national.py                      # 50,000,000 in chunks
    .venv/bin/python benchmarks/bench_national.py --decisions 5000000 --chunk 1000000
    .venv/bin/python benchmarks/bench_national.py --via-parquet        # write Parquet, then scan it

Decisions are drawn with a seeded numpy Generator: a day of the year (weekends and holidays
less likely, as offices close), one of 31 provinces, and a publication lag of 0-14 calendar
days. In memory, chunk by chunk (`--chunk` rows: memory stays that of one chunk), or with
`--via-parquet`: first written as Parquet files of one chunk each (as a national platform
would keep them), then scanned back a file at a time, so the two costs are shown apart.
Prints the time of each stage, rows per second, the peak RSS of the process, and the
national on-time rate; a second, 10x smaller run shows that time grows linearly and peak
memory does not grow with the number of decisions.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCES = 31


def _day_weights(year: int) -> tuple[np.ndarray, np.ndarray]:
    """Days of the year and how likely a decision is on each (working days 10x others)."""
    from ledgerlib.workdays import calendar_days

    all_days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    special = calendar_days(year).set_index("date")["kind"]
    kind = pd.Series(all_days, index=all_days).map(special)
    working = np.where(kind.eq("workday"), True, np.where(kind.eq("holiday"), False, all_days.day_of_week < 5))
    weight = np.where(working, 10.0, 1.0)
    return all_days.to_numpy(dtype="datetime64[D]"), weight / weight.sum()


def simulate(rng: np.random.Generator, n: int, dates: np.ndarray, p: np.ndarray) -> pd.DataFrame:
    decided = dates[np.searchsorted(np.cumsum(p), rng.random(n), side="right").clip(0, len(dates) - 1)]
    lag = rng.integers(0, 15, size=n).astype("timedelta64[D]")
    return pd.DataFrame({
        "province": rng.integers(0, PROVINCES, size=n, dtype=np.int8),
        "decision_date": decided.astype("datetime64[s]"),
        "publish_date": (decided + lag).astype("datetime64[s]"),
    })


def kpi_chunk(df: pd.DataFrame, calendar) -> np.ndarray:
    """(province, month) x [decisions, on time] counts for one chunk."""
    from ledgerlib.workdays import working_day_deadline

    deadline = working_day_deadline(df["decision_date"], 7, calendar=calendar)
    on_time = (df["publish_date"].to_numpy() <= deadline.to_numpy())
    month = df["decision_date"].to_numpy().astype("datetime64[M]").astype(np.int64) % 12
    key = df["province"].to_numpy().astype(np.int64) * 12 + month
    counts = np.zeros((PROVINCES * 12, 2), dtype=np.int64)
    counts[:, 0] = np.bincount(key, minlength=PROVINCES * 12)
    counts[:, 1] = np.bincount(key, weights=on_time, minlength=PROVINCES * 12).astype(np.int64)
    return counts


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int, chunk: int, year: int, seed: int, via_parquet: bool, folder: Path | None) -> dict:
    from ledgerlib.workdays import default_calendar

    calendar = default_calendar()
    dates, p = _day_weights(year)
    rng = np.random.default_rng(seed)
    counts = np.zeros((PROVINCES * 12, 2), dtype=np.int64)
    stages: dict[str, float] = {}
    sizes = [min(chunk, n - i) for i in range(0, n, chunk)]
    if via_parquet:
        import pyarrow.parquet as pq

        assert folder is not None
        t = time.perf_counter()
        for i, size in enumerate(sizes):
            simulate(rng, size, dates, p).to_parquet(folder / f"decisions_{i:04d}.parquet", index=False)
        stages["simulate + write Parquet"] = time.perf_counter() - t
        stages["  Parquet on disk (MB)"] = sum(f.stat().st_size for f in folder.glob("*.parquet")) / 1e6
        t = time.perf_counter()
        for f in sorted(folder.glob("*.parquet")):
            counts += kpi_chunk(pq.read_table(f).to_pandas(), calendar)
        stages["scan Parquet + deadlines + KPI"] = time.perf_counter() - t
    else:
        sim = kpi = 0.0
        for size in sizes:
            t = time.perf_counter()
            df = simulate(rng, size, dates, p)
            sim += time.perf_counter() - t
            t = time.perf_counter()
            counts += kpi_chunk(df, calendar)
            kpi += time.perf_counter() - t
            del df
        stages["simulate (numpy)"] = sim
        stages["deadlines + KPI"] = kpi
    rate = counts[:, 1].sum() / counts[:, 0].sum()
    per_cell = counts[:, 1] / np.maximum(counts[:, 0], 1)
    return {"n": n, "stages": stages, "peak_mb": peak_mb(), "rate": rate,
            "cells": int((counts[:, 0] > 0).sum()), "worst": float(per_cell[counts[:, 0] > 0].min())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--decisions", type=int, default=50_000_000)
    ap.add_argument("--chunk", type=int, default=5_000_000, help="rows per chunk (memory is one chunk)")
    ap.add_argument("--year", type=int, default=2021)
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("--via-parquet", action="store_true", help="write Parquet files, then scan them")
    ap.add_argument("--no-small", action="store_true", help="skip the 10x smaller run")
    args = ap.parse_args(argv)

    print(f"os.cpu_count() = {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}; one process")
    sizes = [args.decisions] if args.no_small else [args.decisions // 10, args.decisions]
    for n in sizes:  # smaller first: peak RSS is monotonic, so the second line shows any growth
        with tempfile.TemporaryDirectory() as tmp:
            r = run(n, min(args.chunk, n), args.year, args.seed, args.via_parquet, Path(tmp))
        total = sum(v for k, v in r["stages"].items() if not k.startswith("  "))
        print(f"\n{n:,} decisions in chunks of {min(args.chunk, n):,}"
              f"{' via Parquet' if args.via_parquet else ' in memory'}:")
        for k, v in r["stages"].items():
            print(f"  {k:<34}{v:>9.2f}{'' if k.startswith('  ') else ' s'}")
        print(f"  {'total':<34}{total:>9.2f} s  ({n / total / 1e6:.1f} M decisions/s)")
        print(f"  peak RSS so far {r['peak_mb']:.0f} MB; national on-time rate {r['rate']:.4f} "
              f"over {r['cells']} province-months (lowest {r['worst']:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
