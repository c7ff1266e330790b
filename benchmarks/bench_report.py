"""Time one monthly report end to end (papermill run + PDF), as `ledger report monthly` does it.

Usage: python benchmarks/bench_report.py [--month 2021-06] [--runs 3] [--data DIR]

Each run is a fresh `ledger report` process (interpreter start, kernel start, notebook, PDF),
writing under benchmarks/out/ (ignored by git). Prints every run, the median and the CPU
count; the target is a median under 20 s on a 2-core machine. Needs data/processed
(`ledger build`).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 20.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--month", default="2021-06")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "processed")
    args = ap.parse_args()
    if not (args.data / "ledger.parquet").exists():
        print(f"no processed data in {args.data}: run `ledger build` first", file=sys.stderr)
        return 2
    out = ROOT / "benchmarks" / "out" / "report"  # only its own folder: others keep data there
    cmd = [sys.executable, "-m", "ledgerlib.cli", "report", "monthly", args.month,
           "--data", str(args.data), "--out", str(out)]
    times = []
    for i in range(args.runs):
        shutil.rmtree(out, ignore_errors=True)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        times.append(elapsed)
        print(f"run {i + 1}: {elapsed:.2f} s")
    median = statistics.median(times)
    verdict = "ok" if median < TARGET_SECONDS else "SLOWER THAN TARGET"
    print(f"monthly report {args.month}: median {median:.2f} s over {args.runs} runs "
          f"(target < {TARGET_SECONDS:.0f} s: {verdict}); os.cpu_count() = {os.cpu_count()}")
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
