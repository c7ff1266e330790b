"""`ledger sample` at province scale: CPU time of writing workbooks, now and as before issue 14.

    .venv/bin/python benchmarks/bench_sample.py [--cities 2] [--departments 25] [--runs 3]

Writes the files `ledger sample --cities N --departments D` writes (default 2 cities x 25
units x 12 months, about 580 workbooks), in this process with one worker so that CPU time
is the process's own, into benchmarks/out/sample/<side>/, `--runs` times each side in
turn (median printed):

* ledgerlib: the templates as written now (free sheets styled by column, the blank rows
  without cells of their own; style arrays copied; worksheet XML built in memory);
* cell by cell (the honest before, the code before issue 14): every cell styled one at a
  time (border, number format, font, fill set on each), 100 blank rows of cells on each
  free sheet, worksheets written through openpyxl's temporary files, the way openpyxl's
  tutorial does it.

The files differ in bytes (blank rows), so the check is what the build reads: every sheet
of every workbook read by python-calamine must give the same values on both sides. The
ledgerlib side must also give the same bytes on every run (determinism). Also prints the
whole command's CPU time (`ledger sample`, all processes) for the same set once.
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
    """templates._free_sheet as it was: 100 blank rows of cells, each styled on its own."""
    from openpyxl.utils import get_column_letter

    from ledgerlib import labels, templates
    from ledgerlib.bureau import title_words
    from ledgerlib.cells import check_month
    from ledgerlib.xlsx import BORDER, DATE_FORMAT, page_setup

    year, mon = check_month(month)
    _title_cell_by_cell(ws, labels.TEMPLATE_TITLE.format(**title_words(city), sheet=spec.name, year=year,
                                                         mon=mon), len(spec.headers))
    header_row, first = templates.HEADER_ROW[spec.key], templates.FIRST_DATA_ROW[spec.key]
    _guide_cell_by_cell(ws, spec, year, mon)
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


def _title_cell_by_cell(ws, text, ncols):
    from openpyxl.styles import Alignment, Font

    ws.cell(row=1, column=1, value=text).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 26


def _guide_cell_by_cell(ws, spec, year, mon):
    from openpyxl.styles import Alignment, Font

    from ledgerlib import labels, templates
    from ledgerlib.xlsx import BORDER

    ncols = len(spec.headers)
    guide, example_row = templates.GUIDE_ROW[spec.key], templates.EXAMPLE_ROW[spec.key]
    note = ws.cell(row=guide, column=1, value=labels.TEMPLATE_GUIDE[spec.key])
    note.font = Font(italic=True, color="7F7F7F")
    note.alignment = Alignment(vertical="center")
    ws.merge_cells(start_row=guide, start_column=1, end_row=guide, end_column=ncols)
    for j, value in enumerate(labels.TEMPLATE_EXAMPLES[spec.key][:ncols], start=1):
        c = ws.cell(row=example_row, column=j, value=value.format(year=year, mon=mon))
        c.font = Font(italic=True, color="7F7F7F")
        c.fill = templates._LOCKED_FILL
        c.border = BORDER
        c.number_format = "@"


def _progress_rows_cell_by_cell(ws, spec, first, tasks, prev):
    """The task rows of 任务进展 as they were written: every cell styled on its own."""
    import pandas as pd

    from ledgerlib import labels, templates
    from ledgerlib.xlsx import BORDER, DATE_FORMAT

    for i, task in enumerate(tasks.itertuples(index=False)):
        r = first + i
        before = prev.get(task.task_id, {})
        for j, field in enumerate(spec.fields, start=1):
            c = ws.cell(row=r, column=j)
            c.border = BORDER
            c.alignment = templates._WRAP
            if field in templates.PROGRESS_INPUT_FIELDS:
                c.protection = templates._UNLOCKED
                if field in spec.date_fields:
                    c.number_format = DATE_FORMAT
            else:
                c.fill = templates._LOCKED_FILL
            value = templates.task_cell_value(field, task, before)
            if value is not None:
                c.value = value


def _progress_sheet_cell_by_cell(ws, department, month, city, tasks, previous=None):
    """templates._progress_sheet as it was: every task-row cell styled on its own."""

    from ledgerlib import labels, templates as t
    from ledgerlib.bureau import title_words
    from ledgerlib.cells import check_month

    spec = t.SHEETS["progress"]
    year, mon = check_month(month)
    ncols = len(spec.headers)
    _title_cell_by_cell(ws, labels.TEMPLATE_TITLE.format(**title_words(city), sheet=spec.name, year=year,
                                                         mon=mon), ncols)
    t.cover_block(ws, department, month)  # unchanged by issue 14: shared, not copied
    _guide_cell_by_cell(ws, spec, year, mon)
    header_row, first = t.HEADER_ROW["progress"], t.FIRST_DATA_ROW["progress"]
    _header_row_cell_by_cell(ws, header_row, spec.headers, spec.widths)
    prev = {} if previous is None or previous.empty else previous.set_index("task_id").to_dict("index")
    _progress_rows_cell_by_cell(ws, spec, first, tasks, prev)
    for i, task in enumerate(tasks.itertuples(index=False)):
        ws.row_dimensions[first + i].height = t.row_height(
            [(getattr(task, f), w) for f, w in zip(spec.fields, spec.widths) if f not in t.PROGRESS_INPUT_FIELDS])
    t.protect_progress_sheet(ws, first, first + max(len(tasks), 1) - 1, header_row)


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
    """The templates built and saved as before issue 14: every cell styled on its own, every
    blank row a row of cells, worksheets written through openpyxl's temporary files."""
    from openpyxl.writer.excel import ExcelWriter

    from ledgerlib import templates, xlsx

    saved = (templates._free_sheet, templates._progress_sheet, templates.header_row, xlsx.header_row,
             xlsx._InMemoryWriter, templates.build_workbook)
    build = templates.build_workbook

    def build_as_before(*args, tasks=None, **kwargs):  # department_tasks once per workbook, as before
        return build(*args, **kwargs)

    templates.build_workbook = build_as_before
    templates._free_sheet = _free_sheet_cell_by_cell
    templates._progress_sheet = _progress_sheet_cell_by_cell
    templates.header_row = xlsx.header_row = _header_row_cell_by_cell
    xlsx._InMemoryWriter = ExcelWriter
    try:
        yield
    finally:
        (templates._free_sheet, templates._progress_sheet, templates.header_row, xlsx.header_row,
         xlsx._InMemoryWriter, templates.build_workbook) = saved


def sheet_values(folder: Path) -> dict:
    """Every sheet of every workbook as python-calamine (the build's reader) reads it."""
    from python_calamine import CalamineWorkbook

    out = {}
    for p in sorted(folder.rglob("*.xlsx")):
        wb = CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            while rows and all(v == "" for v in rows[-1]):
                rows.pop()
            out[(p.relative_to(folder).as_posix(), name)] = [tuple(v for v in r) for r in rows]
    return out


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
    digests = set()
    for i in range(args.runs):
        for side in (("ledgerlib", "cell by cell") if i % 2 == 0 else ("cell by cell", "ledgerlib")):
            out = OUT / side.replace(" ", "_")
            if side == "ledgerlib":
                times[side].append(write(out, args.cities, args.departments))
                digests.add(digest(out))
            else:
                with cell_by_cell():
                    times[side].append(write(out, args.cities, args.departments))
        print(f"run {i + 1}: " + ", ".join(f"{k} {v[-1]:.1f} CPU s" for k, v in times.items()), flush=True)
    n = sum(1 for _ in (OUT / "ledgerlib").rglob("*.xlsx"))
    same = sheet_values(OUT / "ledgerlib") == sheet_values(OUT / "cell_by_cell")
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\nledger sample --cities {args.cities} --departments {args.departments}: {n} workbooks, "
          f"one process, median CPU of {args.runs} runs; os.cpu_count() = {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    for k, v in med.items():
        print(f"  {k:<14}{v:>8.1f} CPU s  {v / n * 1000:>6.1f} ms/workbook")
    print(f"  CPU-time ratio, before / now: {med['cell by cell'] / med['ledgerlib']:.2f}x; "
          f"every sheet reads the same (python-calamine): {'yes' if same else 'NO'}; "
          f"same bytes on every run: {'yes' if len(digests) == 1 else 'NO'}")
    same = same and len(digests) == 1
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
