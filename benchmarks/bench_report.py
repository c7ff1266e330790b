"""Monthly report: the scheduled route against the floor, with a breakdown of where time goes.

    .venv/bin/python benchmarks/bench_report.py [--month 2021-06] [--runs 5] [--data DIR]
                                                [--no-kernel-route]

Needs data/processed (`ledger build`). In the same run, each timed `--runs` times in turn
(median printed), every run a fresh process:

* route: `ledger report monthly MONTH` as a scheduler runs it (papermill with the in-process
  engine `ledgerlib.engine`, executed notebook written and scrubbed, HTML, PDF);
* kernel route: the same with papermill's own engine and a kernel process (the way reports
  ran before; `--no-kernel-route` skips it);
* floor: one plain process doing only the necessary work: import, read the notebook, set the
  parameters, execute the code cells in-process (ipykernel's in-process shell, no papermill,
  no notebook written), HTML, PDF.

Then the floor's own breakdown (imports, each cell, HTML, PDF, median over its runs), what a
kernel process costs to start and stop, what nbformat costs to import with and without
jsonschema's rfc3987 grammars, and whether the route's PDF is byte-identical to the floor's.
Outputs go under benchmarks/out/report/ (ignored by git). Figures depend on the machine and
its load: compare the columns of one run, not runs on different days.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "report"  # only its own folder: others keep data there
TARGET_RATIO = 1.25

# The floor, run as `python bench_report.py --floor-child ...` so that it starts cold like
# the route. It prints one JSON line of timings.
_FLOOR_CHILD = r'''
import json, sys, time
t_start = time.perf_counter()
sys.path.insert(0, {root!r})
from pathlib import Path
times = {{}}
t = time.perf_counter()
from ledgerlib import engine, reports
engine.skip_slow_format_checks()
import nbformat, pandas, matplotlib, nbconvert, weasyprint  # what the route needs, nothing more
from ledgerlib import charts, display, labels, metrics, summaries, tables  # the notebook's imports
times["imports"] = time.perf_counter() - t
t = time.perf_counter()
nb = nbformat.read({notebook!r}, as_version=4, )
params = {params!r}
kernel = engine.InProcessKernel()
times["kernel_start"] = time.perf_counter() - t
import os
os.chdir({root!r})
cells = []
count = 0
for i, cell in enumerate(nb.cells):
    if cell.cell_type != "code" or not cell.source.strip():
        continue
    source = cell.source
    if "parameters" in cell.metadata.get("tags", []):
        source = source + "\n" + "\n".join(f"{{k}} = {{v!r}}" for k, v in params.items())
    t = time.perf_counter()
    outputs, cell.execution_count, error = kernel.run(source)
    cell.outputs = outputs
    cells.append([i, source.strip().splitlines()[-1][:60] if "parameters" in cell.metadata.get("tags", []) else
                  next((l for l in source.splitlines() if l.strip() and not l.startswith("#")), "")[:60],
                  time.perf_counter() - t])
    if error:
        raise SystemExit(f"cell {{i}} failed: {{error.get('ename')}}: {{error.get('evalue')}}")
kernel.shutdown()
t = time.perf_counter()
page = reports.notebook_to_html(nb, title={title!r})
times["html"] = time.perf_counter() - t
t = time.perf_counter()
reports.html_to_pdf(page, Path({pdf!r}), font_path=charts.find_cjk_font().path)
times["pdf"] = time.perf_counter() - t
times["in_process_total"] = time.perf_counter() - t_start
print(json.dumps({{"times": times, "cells": cells}}))
'''

_KERNEL_CHILD = r'''
import json, time
from jupyter_client.manager import start_new_kernel
t = time.perf_counter()
km, kc = start_new_kernel(kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=ERROR"])
started = time.perf_counter() - t
t = time.perf_counter()
kc.stop_channels(); km.shutdown_kernel(now=False)
print(json.dumps({"start": started, "stop": time.perf_counter() - t}))
'''

_IMPORT_CHILD = r'''
import sys, time
{block}
t = time.perf_counter()
import nbformat
print(time.perf_counter() - t)
'''


def _run(cmd: list[str], env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    """Run a fresh process; (wall seconds, the process). Its CPU seconds (user + system, its
    own and its children's, e.g. a kernel's) are in `proc.cpu`, from os.wait4."""
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        popen = subprocess.Popen(cmd, cwd=ROOT, stdout=fo, stderr=fe, text=True, env=env)
        _, status, usage = os.wait4(popen.pid, 0)
        elapsed = time.perf_counter() - t
        fo.seek(0), fe.seek(0)
        proc = subprocess.CompletedProcess(cmd, os.waitstatus_to_exitcode(status), fo.read(), fe.read())
    proc.cpu = usage.ru_utime + usage.ru_stime
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd[:6])} ...")
    return elapsed, proc


def _params(month: str, data: Path, out: Path) -> dict:
    rel = lambda p: os.path.relpath(p, ROOT) if str(p).startswith(str(ROOT)) else str(p)
    return {"month": month, "data_dir": rel(data), "out_dir": rel(out)}


def route(month: str, data: Path, out: Path, engine: str) -> tuple[float, float]:
    shutil.rmtree(out, ignore_errors=True)
    code = ("import sys; from ledgerlib import reports; sys.exit(reports.run_report('monthly', "
            f"{month!r}, data_dir={str(data)!r}, out_dir={str(out)!r}, progress=False, engine={engine!r}))")
    if engine == "inprocess":  # exactly what a scheduler types
        cmd = [sys.executable, "-m", "ledgerlib.cli", "report", "monthly", month, "--data", str(data),
               "--out", str(out)]
    else:
        cmd = [sys.executable, "-c", code]
    secs, proc = _run(cmd)
    return secs, proc.cpu


def floor(month: str, data: Path, out: Path) -> tuple[float, float, dict]:
    from ledgerlib import reports

    nb_path, pdf = reports.report_paths("monthly", month, out)
    shutil.rmtree(out, ignore_errors=True)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    code = _FLOOR_CHILD.format(root=str(ROOT), notebook=str(reports.notebooks_dir() / "monthly_report.ipynb"),
                               params=_params(month, data, nb_path.parent), title=pdf.stem, pdf=str(pdf))
    elapsed, proc = _run([sys.executable, "-c", code])
    return elapsed, proc.cpu, json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--month", default="2021-06")
    ap.add_argument("--runs", type=int, default=5, help="runs of each side (median printed)")
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "processed")
    ap.add_argument("--no-kernel-route", action="store_true", help="skip the kernel-process route")
    args = ap.parse_args(argv)
    if not (args.data / "ledger.parquet").exists():
        print(f"no processed data in {args.data}: run `ledger build` first", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from ledgerlib import reports

    sides = {"route": [], "floor": []}
    if not args.no_kernel_route:
        sides["kernel route"] = []
    cpu = {s: [] for s in sides}
    floor_details = []
    for i in range(args.runs):
        # Rotate the order so no side always runs first (page cache, other engineers' load).
        order = list(sides)[i % len(sides):] + list(sides)[:i % len(sides)]
        for side in order:
            out = OUT / side.replace(" ", "_")
            if side == "floor":
                secs, cpu_s, details = floor(args.month, args.data, out)
                floor_details.append(details)
            else:
                secs, cpu_s = route(args.month, args.data, out, "inprocess" if side == "route" else "kernel")
            sides[side].append(secs)
            cpu[side].append(cpu_s)
        print(f"run {i + 1}: " + ", ".join(f"{s} {sides[s][-1]:.2f} s" for s in sides), flush=True)

    med = {s: statistics.median(v) for s, v in sides.items()}
    med_cpu = {s: statistics.median(v) for s, v in cpu.items()}
    pdfs = {s: reports.report_paths("monthly", args.month, OUT / s.replace(" ", "_"))[1] for s in sides}
    same = {s: pdfs[s].read_bytes() == pdfs["floor"].read_bytes() for s in sides if s != "floor"}

    kernel = [json.loads(_run([sys.executable, "-c", _KERNEL_CHILD])[1].stdout) for _ in range(max(1, args.runs // 2))]
    imp = {name: statistics.median(float(_run([sys.executable, "-c", _IMPORT_CHILD.format(block=block)])[1].stdout)
                                   for _ in range(max(1, args.runs // 2)))
           for name, block in (("nbformat (as installed)", ""),
                               ("nbformat, rfc3987_syntax skipped", "sys.modules['rfc3987_syntax'] = None"))}

    print(f"\nmonthly report {args.month}: median of {args.runs} runs, os.cpu_count() = {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'side':<14}{'wall s':>8}{'x floor':>9}{'CPU s':>8}{'x floor':>9}  PDF identical to floor")
    for s in sides:
        ident = "-" if s == "floor" else ("yes" if same[s] else "NO")
        print(f"{s:<14}{med[s]:>8.2f}{med[s] / med['floor']:>9.2f}{med_cpu[s]:>8.2f}"
              f"{med_cpu[s] / med_cpu['floor']:>9.2f}  {ident}")
    print("(wall: fresh process, start to exit; CPU: user + system of the process and its children)")
    ratio = med["route"] / med["floor"]
    print(f"route / floor = {ratio:.2f} (target <= {TARGET_RATIO}): "
          f"{'ok' if ratio <= TARGET_RATIO else 'ABOVE TARGET'}; before this work: 9.5 s end to end")

    print("\nfloor breakdown (median of its runs, seconds):")
    keys = ["imports", "kernel_start", "html", "pdf", "in_process_total"]
    for k in keys:
        print(f"  {k:<36}{statistics.median(d['times'][k] for d in floor_details):>7.2f}")
    print("  cells:")
    for j, (idx, first, _) in enumerate(floor_details[0]["cells"]):
        secs = statistics.median(d["cells"][j][2] for d in floor_details)
        print(f"    [{idx:>2}] {secs:>6.2f}  {first}")
    start = statistics.median(k["start"] for k in kernel)
    stop = statistics.median(k["stop"] for k in kernel)
    print(f"kernel process (the kernel route only): start {start:.2f} s, shutdown {stop:.2f} s")
    for name, secs in imp.items():
        print(f"import {name:<34}{secs:>6.2f} s")
    return 0 if ratio <= TARGET_RATIO and all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
