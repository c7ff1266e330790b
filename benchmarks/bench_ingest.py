"""Ingest: `ledger build` against the floor, a bare python-calamine loop over the same files.

    .venv/bin/python benchmarks/bench_ingest.py                     # demo and province sets
    .venv/bin/python benchmarks/bench_ingest.py --sets demo --runs 5
    .venv/bin/python benchmarks/bench_ingest.py --reference DIR     # also compare tables with DIR

Sets: `demo` is data/raw as committed; `province` is a year of 18 cities x 25 units made by
`ledger sample --cities 18 --departments 25` into $TMPDIR/credit-ledger-province/ (kept
between runs; made when missing, or with `--regenerate`), with the ledger and a roster that
names the sample's synthetic units beside it.

In the same run, `--runs` times in turn (median printed), each a fresh process on the same
files with the same number of processes (every core):

* cold: `ledger --raw RAW build --quiet --out OUT --no-cache`, the whole command (start-up,
  ledger, every workbook read, checks, Parquet and CSV written): a build after the code, a
  ledger or the roster changed;
* first: the same with the reader cache on and empty (removed before each run), which the
  build fills: a bureau's first build;
* month: `ledger build` when a month's returns have just arrived: the reader cache (beside
  OUT) holds every file but those of the last month, which are read (the scheduler's monthly
  run; the cache is primed before each run, untimed, by a build with that month's folders
  moved aside);
* warm: `ledger build` again with nothing changed (every file hashed, none read);
* floor: open every workbook with python-calamine and read every sheet to Python values, in
  a process pool of the same size: the least work an ingest that reads every file must do;
* and once, the straightforward way: `pandas.read_excel(engine="openpyxl", sheet_name=None)`
  file after file, timed on `--plain-files` files and scaled to the set.

Peak RSS is that of the largest process of a run, CPU the user + system seconds of the
process and its workers (both from os.wait4): on a shared machine CPU moves less than wall.
Then, for the province set, memory as the number of workbooks grows: ingest of 1/4, 1/2
and all cities in a fresh process each (no cache), the main process's peak RSS, the size of
the tables it holds, and the growth per workbook. `--reference DIR` checks that the builds'
tables (cold, month and warm) are byte-identical to DIR's (e.g. a build of the same RAW by
the main branch); without it, the month and warm tables are compared with the cold ones.
The demo set is copied to benchmarks/out/ first (the month side moves folders aside).
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
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out" / "ingest"

_FLOOR_CHILD = r'''
import sys, time
from concurrent.futures import ProcessPoolExecutor
from python_calamine import CalamineWorkbook

def read(path):
    wb = CalamineWorkbook.from_path(path)
    return sum(len(wb.get_sheet_by_name(name).to_python()) for name in wb.sheet_names)

if __name__ == "__main__":
    files = open(sys.argv[1], encoding="utf-8").read().splitlines()
    workers = int(sys.argv[2])
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            rows = sum(pool.map(read, files, chunksize=max(1, len(files) // (workers * 8))))
    else:
        rows = sum(map(read, files))
    print(rows)
'''

_MEMORY_CHILD = r'''
import json, resource, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from ledgerlib.intake import ingest_submissions
from ledgerlib.ledger import load_ledger
from ledgerlib.roster import load_roster
raw = Path({raw!r})
ledger, roster = load_ledger(raw), load_roster(raw)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = ingest_submissions(Path({subs!r}), ledger, roster, progress=False, workers={workers})
print(json.dumps({{"before_kb": before, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "tables_kb": sum(int(df.memory_usage(deep=True).sum()) for df in out.values()) / 1024}}))
'''


def run_measured(cmd: list[str]) -> tuple[float, float, str, float]:
    """(wall s, peak RSS MB, stdout, CPU s): the child reaped by wait4, so its rusage is its own.

    CPU is user + system of the child and of its waited-for children (the pool's workers):
    on a machine others are using it moves less than wall time does."""
    t = time.perf_counter()
    # Output to files, not pipes: nothing to deadlock on; wait4 reaps the child and reports
    # its own rusage (peak RSS), which subprocess.run cannot give.
    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=fo, stderr=fe, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        fo.seek(0), fe.seek(0)
        out_chunks, err = fo.read(), fe.read()
    secs = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.stderr.write(err[-3000:])
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd[:8])}")
    return secs, usage.ru_maxrss / 1024, out_chunks, usage.ru_utime + usage.ru_stime


def province_raw(base: Path, cities: int, departments: int, seed: int, regenerate: bool) -> Path:
    """A raw folder for the province set: ledger, a roster with the synthetic units, submissions."""
    from ledgerlib.ledger import assignments, ledger_path, load_ledger
    from ledgerlib.roster import load_roster
    from ledgerlib.sample import province_roster

    raw, subs = base / "raw", base / "raw" / "submissions"
    if regenerate or not subs.is_dir() or not any(subs.rglob("*.xlsx")):
        shutil.rmtree(subs, ignore_errors=True)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ledgerlib.cli", "sample", "--cities", str(cities),
                        "--departments", str(departments), "--seed", str(seed), "--out", str(subs)],
                       check=True, cwd=ROOT)
        print(f"ledger sample --cities {cities} --departments {departments}: {time.perf_counter() - t:.0f} s")
    src = ROOT / "data" / "raw"
    ledger = load_ledger(src)
    roster = province_roster(load_roster(src), departments, assignments(ledger, load_roster(src)))
    roster.table[["department", "aliases", "kind", "collectives"]].to_csv(
        raw / "departments.csv", index=False, encoding="utf-8")
    shutil.copyfile(ledger_path(src), raw / ledger_path(src).name)
    if (src / "holidays.csv").exists():
        shutil.copyfile(src / "holidays.csv", raw / "holidays.csv")
    return raw


def workbooks(subs: Path) -> list[str]:
    # os.walk with followlinks: the memory runs link city folders in, as `ledger build` reads them.
    return sorted(str(Path(d) / n) for d, _, names in os.walk(subs, followlinks=True) for n in names
                  if Path(n).suffix.lower() in (".xlsx", ".xls", ".ods") and not n.startswith(("~$", ".")))


def compare_tables(out: Path, reference: Path) -> str:
    names = sorted(p.name for p in reference.iterdir() if p.suffix in (".parquet", ".csv"))
    differ = [n for n in names if not (out / n).exists() or (out / n).read_bytes() != (reference / n).read_bytes()]
    return "byte-identical" if not differ else f"DIFFER: {', '.join(differ)}"


def _last_month_folders(subs: Path) -> list[Path]:
    """The folders of the latest month: `<YYYY-MM>/` or every `<city>/<YYYY-MM>/`."""
    months = [p for p in subs.rglob("20??-??") if p.is_dir()]
    last = max(p.name for p in months)
    return sorted(p for p in months if p.name == last)


def prime_for_new_month(raw: Path, out: Path) -> int:
    """Fill the reader cache beside out with every file but the last month's (untimed).

    The last month's folders are moved beside raw/ during a build, then put back: the cache
    then holds exactly the eleven months a scheduler's build found there before."""
    folders = _last_month_folders(raw / "submissions")
    hold = raw.parent / ".bench-hold"
    shutil.rmtree(hold, ignore_errors=True)
    moved = []
    try:
        for i, f in enumerate(folders):
            dst = hold / str(i)
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.rename(f, dst)
            moved.append((dst, f))
        subprocess.run([sys.executable, "-m", "ledgerlib.cli", "--raw", str(raw), "build", "--quiet",
                        "--out", str(out)], check=True, cwd=ROOT, capture_output=True)
    finally:
        for dst, f in moved:
            os.rename(dst, f)
        shutil.rmtree(hold, ignore_errors=True)
    return sum(1 for f in folders for p in f.iterdir() if p.suffix.lower() in (".xlsx", ".xls", ".ods"))


SIDES = ("cold", "first", "month", "warm", "floor")
BUILDS = SIDES[:-1]


def bench_set(name: str, raw: Path, runs: int, workers: int, reference: Path | None,
              plain_files: int = 0) -> dict:
    files = workbooks(raw / "submissions")
    listing = OUT / f"{name}_files.txt"
    listing.parent.mkdir(parents=True, exist_ok=True)
    listing.write_text("\n".join(files), encoding="utf-8")
    floor_script = OUT / "floor_child.py"
    floor_script.write_text(_FLOOR_CHILD, encoding="utf-8")
    outs = {side: OUT / name / side / "processed" for side in BUILDS}
    for out in outs.values():
        shutil.rmtree(out.parent, ignore_errors=True)  # no cache from an earlier run of the bench
    build = [sys.executable, "-m", "ledgerlib.cli", "--raw", str(raw), "build", "--quiet", "--out"]
    cmds = {"cold": build + [str(outs["cold"]), "--no-cache"], "first": build + [str(outs["first"])],
            "month": build + [str(outs["month"])],
            "warm": build + [str(outs["warm"])],
            "floor": [sys.executable, str(floor_script), str(listing), str(workers)]}
    run_measured(cmds["warm"])  # fills the warm side's cache
    res = {k: [] for side in SIDES for k in (side, f"{side}_rss", f"{side}_cpu")}
    new_files = 0
    for i in range(runs):
        order = SIDES if i % 2 == 0 else SIDES[::-1]
        for side in order:
            if side == "month":
                new_files = prime_for_new_month(raw, outs["month"])
            if side == "first":  # no cache yet: this build reads every file and fills it
                shutil.rmtree(outs["first"].parent / "interim", ignore_errors=True)
            secs, rss, _, cpu = run_measured(cmds[side])
            res[side].append(secs)
            res[f"{side}_rss"].append(rss)
            res[f"{side}_cpu"].append(cpu)
        print(f"  {name} run {i + 1}: " + ", ".join(
            f"{side} {res[side][-1]:.2f} s ({res[f'{side}_cpu'][-1]:.1f} CPU s)" for side in SIDES), flush=True)
    if plain_files:
        # The straightforward way: pandas.read_excel(engine="openpyxl", sheet_name=None) on each
        # file in one process, timed on the first `plain_files` and scaled to the set (says so).
        subset = files[:plain_files]
        code = ("import sys, time, pandas as pd\nfiles = open(sys.argv[1], encoding='utf-8').read().splitlines()\n"
                f"files = files[:{len(subset)}]\nt = time.perf_counter()\n"
                "for f in files: pd.read_excel(f, engine='openpyxl', sheet_name=None)\n"
                "print(time.perf_counter() - t)")
        secs = float(run_measured([sys.executable, "-c", code, str(listing)])[2].strip().splitlines()[-1])
        res["plain"] = secs * len(files) / len(subset)
        res["plain_note"] = f"timed on {len(subset)} files, scaled" if len(subset) < len(files) else ""
    res["files"], res["new_files"] = len(files), new_files
    ref = reference or outs["cold"]
    res["check"] = {side: compare_tables(outs[side], ref) for side in BUILDS if outs[side] != ref}
    res["check_against"] = "--reference" if reference else "the cold build"
    return res


def memory_growth(raw: Path, workers: int) -> list[dict]:
    subs = raw / "submissions"
    cities = sorted(p for p in subs.iterdir() if p.is_dir())
    rows = []
    for frac in (0.25, 0.5, 1.0):
        chosen = cities[:max(1, round(len(cities) * frac))]
        with tempfile.TemporaryDirectory() as tmp:
            part = Path(tmp) / "submissions"
            part.mkdir()
            for c in chosen:
                (part / c.name).symlink_to(c, target_is_directory=True)
            if (subs / "manifest.csv").exists():
                shutil.copyfile(subs / "manifest.csv", part / "manifest.csv")
            code = _MEMORY_CHILD.format(root=str(ROOT), raw=str(raw), subs=str(part), workers=workers)
            res = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
            stats = json.loads(res.stdout.strip().splitlines()[-1])
            stats["files"] = len(workbooks(part))
            rows.append(stats)
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sets", default="demo,province", help="comma-separated: demo, province")
    p.add_argument("--province", type=Path,
                   default=Path(tempfile.gettempdir()) / "credit-ledger-province",
                   help="folder of the province set (its raw/ is made here)")
    p.add_argument("--cities", type=int, default=18)
    p.add_argument("--departments", type=int, default=25)
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--runs", type=int, default=3, help="runs of each side (median printed)")
    p.add_argument("--regenerate", action="store_true")
    p.add_argument("--reference", type=Path, default=None,
                   help="a processed folder to compare the province build's tables with, byte for byte")
    p.add_argument("--no-memory", action="store_true")
    p.add_argument("--plain-files", type=int, default=300,
                   help="time the straightforward pandas/openpyxl loop on this many files and scale (0: skip)")
    args = p.parse_args(argv)
    args.workers = os.cpu_count() or 1  # `ledger build` uses every core; the floor gets as many
    # The package as `./run.sh setup` leaves it: byte-compiled, as pip leaves any installed
    # package (python_calamine and the standard library, all the floor imports, are).
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", str(ROOT / "ledgerlib")],
                   check=True, capture_output=True)

    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    results, raws = {}, {}
    for name in sets:
        if name == "demo":
            # A copy: the month side moves folders aside for a moment, never in data/raw.
            raws[name] = OUT / "demo-raw"
            shutil.rmtree(raws[name], ignore_errors=True)
            shutil.copytree(ROOT / "data" / "raw", raws[name])
        elif name == "province":
            args.province.mkdir(parents=True, exist_ok=True)
            (args.province / "raw").mkdir(exist_ok=True)
            raws[name] = province_raw(args.province, args.cities, args.departments, args.seed, args.regenerate)
        else:
            raise SystemExit(f"unknown set {name!r}")
        results[name] = bench_set(name, raws[name], args.runs, args.workers,
                                  args.reference if name == "province" else None, args.plain_files)

    print(f"\ningest: median of {args.runs} runs, {args.workers} processes each side, "
          f"os.cpu_count() = {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    print(f"{'set':<10}{'build':<7}{'files read':>11}{'s':>8}{'x floor':>9}{'CPU s':>8}{'x CPU':>7}{'MB':>7}"
          f"  tables")
    for name, r in results.items():
        f, fc = statistics.median(r["floor"]), statistics.median(r["floor_cpu"])
        read = {"cold": r["files"], "first": r["files"], "month": r["new_files"], "warm": 0}
        for side in BUILDS:
            b, bc = statistics.median(r[side]), statistics.median(r[f"{side}_cpu"])
            check = r["check"].get(side, "reference")
            print(f"{name:<10}{side:<7}{read[side]:>11}{b:>8.2f}{b / f:>9.2f}{bc:>8.1f}{bc / fc:>7.2f}"
                  f"{statistics.median(r[f'{side}_rss']):>7.0f}  {check}")
        print(f"{name:<10}{'floor':<7}{r['files']:>11}{f:>8.2f}{1:>9.2f}{fc:>8.1f}{1:>7.2f}"
              f"{statistics.median(r['floor_rss']):>7.0f}")
        print(f"          ({r['files']} workbooks; tables compared with {r['check_against']})")
    print("(cold: every workbook read (--no-cache); first: the same with the reader cache on and empty, "
          "which it fills (a bureau's first build); month: the last month's returns new, the rest from the "
          "reader cache; warm: nothing changed; floor: python-calamine reads every sheet of every workbook; "
          "CPU: user + system s of the process and its workers; MB: peak RSS of the largest process)")
    for name, r in results.items():
        if "plain" in r:
            print(f"straightforward, {name}: pandas.read_excel(engine='openpyxl', sheet_name=None) loop, one process: "
                  f"{r['plain']:.1f} s ({r['plain_note'] or 'every file'}) = "
                  f"{r['plain'] / statistics.median(r['cold']):.1f}x the cold build")

    if "province" in raws and not args.no_memory:
        print("\nmemory as workbooks grow (ingest only, fresh process each):")
        rows = memory_growth(raws["province"], args.workers)
        for s in rows:
            print(f"  {s['files']:>5} files: main peak {s['peak_kb'] / 1024:>6.0f} MB "
                  f"(after loading the ledger {s['before_kb'] / 1024:.0f} MB), largest worker "
                  f"{s['worker_kb'] / 1024:.0f} MB, tables held {s['tables_kb'] / 1024:.0f} MB")
        a, z = rows[0], rows[-1]
        if z["files"] > a["files"]:
            per = (z["peak_kb"] - a["peak_kb"]) / (z["files"] - a["files"])
            tables = (z["tables_kb"] - a["tables_kb"]) / (z["files"] - a["files"])
            print(f"  growth: {per:.1f} KB of main-process peak per workbook, of which the output "
                  f"tables themselves are {tables:.1f} KB per workbook")
    return 0


if __name__ == "__main__":
    sys.exit(main())
