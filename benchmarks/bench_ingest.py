"""Issue 6.2: ingest a province's year of workbooks, against a plain pandas/openpyxl loop.

Generates the province set through `ledger sample --cities 18 --departments 25` (the same
code path as the demo data; 18 × 25 × 12 = 5,400 workbooks less the months the sample
leaves missing, plus one resubmission per city) into $TMPDIR/credit-ledger-province/ (kept
between runs; `--regenerate` rewrites it), then,
in the same run and on the same files:

* `ledgerlib.intake.ingest_submissions` (python-calamine reader, a process per core), and
* a loop of `pandas.read_excel(path, engine="openpyxl", sheet_name=None)`,

each timed `--runs` times (median printed), and the peak memory of ingesting 1/4, 1/2 and
all of the cities, each in a fresh process, to show memory does not grow with the files.

    .venv/bin/python benchmarks/bench_ingest.py            # full run (~15-25 min on 2 cores)
    .venv/bin/python benchmarks/bench_ingest.py --runs 1 --baseline-limit 1000
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cores() -> str:
    avail = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"os.cpu_count()={os.cpu_count()}, usable={avail}"


def generate(out: Path, cities: int, departments: int, seed: int) -> float:
    """`ledger sample` as a user runs it; returns seconds."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ledgerlib.cli", "--raw", str(ROOT / "data" / "raw"), "sample",
                    "--cities", str(cities), "--departments", str(departments), "--seed", str(seed),
                    "--out", str(out)], check=True, cwd=ROOT)
    return time.perf_counter() - t


def context(departments: int):
    from ledgerlib.ledger import assignments, load_ledger
    from ledgerlib.roster import load_roster
    from ledgerlib.sample import province_roster

    raw = ROOT / "data" / "raw"
    ledger = load_ledger(raw)
    roster = load_roster(raw)
    return ledger, province_roster(roster, departments, assignments(ledger, roster))


def time_ingest(subs: Path, ledger, roster, workers: int | None, progress: bool) -> tuple[float, int]:
    from ledgerlib.intake import ingest_submissions

    t = time.perf_counter()
    out = ingest_submissions(subs, ledger, roster, progress=progress, workers=workers)
    return time.perf_counter() - t, sum(len(df) for df in out.values())


def time_openpyxl_loop(files: list[Path]) -> float:
    import pandas as pd

    t = time.perf_counter()
    for f in files:
        pd.read_excel(f, engine="openpyxl", sheet_name=None)
    return time.perf_counter() - t


_MEMORY_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from benchmarks.bench_ingest import context
from ledgerlib.intake import ingest_submissions
ledger, roster = context({departments})
t = time.perf_counter()
out = ingest_submissions(Path({subs!r}), ledger, roster, progress=False, workers={workers})
secs = time.perf_counter() - t
print(json.dumps({{"main_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "rows": sum(len(df) for df in out.values()), "secs": secs}}))
"""


def memory_profile(subs: Path, departments: int, workers: int | None) -> list[dict]:
    """Peak RSS of ingesting the first k cities, each in a fresh process (links, no copies)."""
    cities = sorted(p for p in subs.iterdir() if p.is_dir())
    results = []
    for frac in (0.25, 0.5, 1.0):
        chosen = cities[:max(1, round(len(cities) * frac))]
        with tempfile.TemporaryDirectory() as tmp:
            part = Path(tmp) / "submissions"
            part.mkdir()
            for c in chosen:
                (part / c.name).symlink_to(c, target_is_directory=True)
            code = _MEMORY_CHILD.format(root=str(ROOT), departments=departments, subs=str(part),
                                        workers=workers)
            res = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
            stats = json.loads(res.stdout.strip().splitlines()[-1])
            stats["files"] = sum(1 for c in chosen for _ in c.rglob("*.xlsx"))
            results.append(stats)
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Outside the repo: the province set is ~125 MB, and benchmarks/out/ is wiped by other benchmarks.
    p.add_argument("--out", type=Path,
                   default=Path(tempfile.gettempdir()) / "credit-ledger-province" / "submissions")
    p.add_argument("--cities", type=int, default=18)
    p.add_argument("--departments", type=int, default=25)
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--runs", type=int, default=3, help="timed runs of each side (median reported)")
    p.add_argument("--workers", type=int, default=None, help="ingest processes (default: every core)")
    p.add_argument("--baseline-limit", type=int, default=None,
                   help="time the openpyxl loop on the first N files only and scale up (says so)")
    p.add_argument("--regenerate", action="store_true", help="write the sample even if it exists")
    p.add_argument("--no-memory", action="store_true")
    args = p.parse_args(argv)

    print(f"machine: {cores()}; python {sys.version.split()[0]}")
    subs: Path = args.out
    if args.regenerate or not subs.is_dir() or not any(subs.rglob("*.xlsx")):
        secs = generate(subs, args.cities, args.departments, args.seed)
        print(f"ledger sample --cities {args.cities} --departments {args.departments}: {secs:.1f} s")
    files = sorted(p for p in subs.rglob("*.xlsx") if not p.name.startswith("~$"))
    size = sum(f.stat().st_size for f in files)
    print(f"data set: {len(files)} workbooks, {size / 1e6:.0f} MB in {subs}")

    ledger, roster = context(args.departments)
    base_files = files[:args.baseline_limit] if args.baseline_limit else files
    scale = len(files) / len(base_files)
    ours, theirs = [], []
    rows = 0
    for run in range(args.runs):
        # Alternate the order so neither side always gets the warm page cache.
        if run % 2 == 0:
            secs, rows = time_ingest(subs, ledger, roster, args.workers, progress=run == 0)
            ours.append(secs)
            theirs.append(time_openpyxl_loop(base_files) * scale)
        else:
            theirs.append(time_openpyxl_loop(base_files) * scale)
            secs, rows = time_ingest(subs, ledger, roster, args.workers, progress=False)
            ours.append(secs)
        print(f"  run {run + 1}: ingest_submissions {ours[-1]:.1f} s, openpyxl loop {theirs[-1]:.1f} s")
    m_ours, m_theirs = statistics.median(ours), statistics.median(theirs)
    note = (f" (timed on {len(base_files)} files, scaled ×{scale:.2f})" if scale != 1 else "")
    print(f"ingest_submissions ({args.workers or os.cpu_count()} workers, calamine): median {m_ours:.1f} s "
          f"for {len(files)} files -> {rows} rows in 8 tables, {len(files) / m_ours:.0f} files/s")
    print(f"pandas.read_excel(engine='openpyxl', sheet_name=None) loop: median {m_theirs:.1f} s{note}")
    print(f"speed-up: {m_theirs / m_ours:.1f}x (target >= 5x) over {args.runs} run(s)")

    if not args.no_memory:
        print("peak memory (fresh process per line; workers' peak is the largest worker):")
        for s in memory_profile(subs, args.departments, args.workers):
            print(f"  {s['files']:>5} files: main {s['main_kb'] / 1024:.0f} MB, worker {s['worker_kb'] / 1024:.0f} MB, "
                  f"{s['rows']} rows, {s['secs']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
