"""Start-up of `ledger --help` and `ledger validate FILE`: import time and wall time, median of N runs.

Import time is the sum of the top-level entries of `python -X importtime` (every module
the command loaded, each counted once, with what it imported); wall time is the whole
command, workbook read and problems workbook written included. FILE is a template made
with `ledger template` (as a liaison gets it back), or --file. --compare DIR runs the same
commands on another checkout (e.g. a clone of main beside this one) in the same loop, alternating, so both see
the same machine load. Prints figures; not a test.

    .venv/bin/python benchmarks/bench_startup.py --runs 5
    .venv/bin/python benchmarks/bench_startup.py --runs 5 --compare ../credit-ledger-main
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_LINE = re.compile(r"^import time:\s+\d+\s+\|\s+(\d+)\s+\|( *)(\S+)\s*$", re.M)


def import_seconds(stderr: str) -> float:
    """Sum of the top-level cumulative import times (µs) in -X importtime output, in seconds."""
    return sum(int(m.group(1)) for m in _LINE.finditer(stderr) if m.group(2) == " ") / 1e6


def run(checkout: Path, args: list[str], raw: Path, cwd: Path) -> tuple[float, float, set[str]]:
    """(import s, wall s, modules loaded) of one `ledger ARGS` run on a checkout."""
    env = {**os.environ, "PYTHONPATH": str(checkout), "MPLBACKEND": "Agg"}
    cmd = [sys.executable, "-X", "importtime", "-m", "ledgerlib.cli", "--raw", str(raw), *args]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return import_seconds(done.stderr), wall, {m.group(3) for m in _LINE.finditer(done.stderr)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--file", type=Path, default=None, help="workbook to validate (default: a fresh template)")
    p.add_argument("--raw", type=Path, default=REPO / "data" / "raw")
    p.add_argument("--compare", type=Path, default=None, help="another checkout to measure in the same runs")
    a = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_startup_"))
    workbook = a.file
    if workbook is None:
        made = subprocess.run([sys.executable, "-m", "ledgerlib.cli", "--raw", str(a.raw), "template", "--month",
                               "2021-06", "--department", "运管科", "--out", str(tmp / "t")],
                              env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, check=True)
        workbook = Path(made.stdout.split()[0])
    commands = {"ledger --help": ["--help"],
                "ledger validate FILE": ["validate", str(workbook), "--out", str(tmp / "问题清单.xlsx")]}
    checkouts = {"this checkout": REPO, **({"compare": a.compare.resolve()} if a.compare else {})}
    print(f"{a.runs} runs each, median; FILE = {workbook.name}")
    for label, args in commands.items():
        got: dict[str, list[tuple[float, float]]] = {c: [] for c in checkouts}
        heavy: dict[str, set[str]] = {}
        for _ in range(a.runs):  # alternate checkouts within each run
            for c, path in checkouts.items():
                imp, wall, mods = run(path, args, a.raw, tmp)
                got[c].append((imp, wall))
                heavy[c] = {m for m in mods if m in ("pandas", "numpy", "openpyxl", "pyarrow")}
        for c, values in got.items():
            imp = statistics.median(v[0] for v in values)
            wall = statistics.median(v[1] for v in values)
            print(f"  {label:<22} {c:<14} imports {imp:.3f} s   wall {wall:.3f} s   "
                  f"(heavy modules loaded: {', '.join(sorted(heavy[c])) or 'none'}; {checkouts[c]})")


if __name__ == "__main__":
    main()
