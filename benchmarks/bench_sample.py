"""`ledger sample` at province scale: CPU time of writing workbooks, now and styled cell by cell.

    .venv/bin/python benchmarks/bench_sample.py [--cities 2] [--departments 25] [--runs 3]

Writes the files `ledger sample --cities N --departments D` writes (default 2 cities x 25
units x 12 months, about 580 workbooks), in this process with one worker so that CPU time
is the process's own, into benchmarks/out/sample/<side>/, `--runs` times each side in
turn (median printed):

* ledgerlib: the templates as written now (the blank rows and header cells copy one
  prototype cell's style);
* cell by cell: the same workbooks with every blank-row and header cell styled one at a
  time (border, number format, font, fill set on each cell), the way the templates did it
  before and the way openpyxl's tutorial does it.

Both sides must give byte-identical files (checked). Also prints the whole command's
CPU time (`ledger sample`, all processes) for the same set once, for the record.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out" / "sample"


def _free_sheet_cell_by_cell(ws, spec, month, city):
    """templates._free_sheet as it was: 100 blank rows styled cell by cell."""
    from openpyxl.utils import get_column_letter

    from ledgerlib import labels, templates
    from ledgerlib.cells import check_month
    from ledgerlib.xlsx import BORDER, DATE_FORMAT, page_setup

    year, mon = check_month(month)
    templates._title(ws, labels.TEMPLATE_TITLE.format(city=city, sheet=spec.name, year=year, mon=mon),
                     len(spec.headers))
    header_row, first = templates.HEADER_ROW[spec.key], templates.FIRST_DATA_ROW[spec.key]
    _header_row_cell_by_cell(ws, header_row, spec.headers, spec.widths)
    last = first + templates.BLANK_ROWS - 1
    for j, field in enumerate(spec.fields, start=1):
        letter = get_column_letter(j)
        for r in range(first, last + 1):
            c = ws.cell(row=r, column=j)
            c.border = BORDER
            if field in spec.date_fields:
                c.number_format = DATE_FORMAT
        rng = f"{letter}{first}:{letter}{last}"
        dv = None
        if field in spec.date_fields:
            dv = templates._date_validation()
        elif field in spec.int_fields:
            dv = templates._int_validation()
        elif field == "activity_type":
            dv = templates._list_validation(list(labels.ACTIVITY_LABELS.values()))
        elif field == "category":
            dv = templates._list_validation(list(labels.PUBLICITY_CATEGORY_LABELS.values()))
        if dv is not None:
            dv.add(rng)
            ws.add_data_validation(dv)
    ws.print_title_rows = f"{header_row}:{header_row}"
    page_setup(ws)


def _header_row_cell_by_cell(ws, row, headers, widths, fill=None):
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from ledgerlib.xlsx import BORDER, HEADER_FILL

    for j, (text, width) in enumerate(zip(headers, widths), start=1):
        c = ws.cell(row=row, column=j, value=text)
        c.font = Font(bold=True)
        c.fill = fill or HEADER_FILL
        c.border = BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = f"A{row + 1}"


@contextmanager
def cell_by_cell():
    from ledgerlib import templates, xlsx

    saved = templates._free_sheet, templates.header_row, xlsx.header_row
    templates._free_sheet = _free_sheet_cell_by_cell
    templates.header_row = xlsx.header_row = _header_row_cell_by_cell
    try:
        yield
    finally:
        templates._free_sheet, templates.header_row, xlsx.header_row = saved


def write(out: Path, cities: int, departments: int) -> float:
    from ledgerlib.sample import write_sample

    shutil.rmtree(out, ignore_errors=True)
    t = time.process_time()
    write_sample(out_dir=out, cities=cities, departments_per_city=departments, workers=1, progress=False)
    return time.process_time() - t


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cities", type=int, default=2)
    ap.add_argument("--departments", type=int, default=25)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-command", action="store_true", help="skip timing the whole `ledger sample` command")
    args = ap.parse_args(argv)

    times = {"ledgerlib": [], "cell by cell": []}
    for i in range(args.runs):
        for side in (("ledgerlib", "cell by cell") if i % 2 == 0 else ("cell by cell", "ledgerlib")):
            out = OUT / side.replace(" ", "_")
            if side == "ledgerlib":
                times[side].append(write(out, args.cities, args.departments))
            else:
                with cell_by_cell():
                    times[side].append(write(out, args.cities, args.departments))
        print(f"run {i + 1}: " + ", ".join(f"{k} {v[-1]:.1f} CPU s" for k, v in times.items()), flush=True)
    n = sum(1 for _ in (OUT / "ledgerlib").rglob("*.xlsx"))
    same = digest(OUT / "ledgerlib") == digest(OUT / "cell_by_cell")
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\nledger sample --cities {args.cities} --departments {args.departments}: {n} workbooks, "
          f"one process, median CPU of {args.runs} runs; os.cpu_count() = {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    for k, v in med.items():
        print(f"  {k:<14}{v:>8.1f} CPU s  {v / n * 1000:>6.1f} ms/workbook")
    print(f"  speed-up {med['cell by cell'] / med['ledgerlib']:.2f}x; files byte-identical: {'yes' if same else 'NO'}")
    if not args.no_command:
        out = OUT / "command"
        shutil.rmtree(out, ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ledgerlib.cli", "sample", "--cities", str(args.cities),
                        "--departments", str(args.departments), "--out", str(out)], check=True, cwd=ROOT,
                       capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"  `ledger sample` (every core): {time.perf_counter() - t:.1f} s wall, {cpu:.1f} CPU s "
              f"in all processes, {cpu / n * 1000:.1f} ms/workbook")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
