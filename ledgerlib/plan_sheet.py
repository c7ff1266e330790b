"""A plan held as a spreadsheet (.xlsx, .xlsm, .xls, .ods, .csv) read into the task table.

This covers the ledger workbook of record (`ledger_<year>.xlsx`, with its 标记 column and
说明 sheet) and a bureau's own Excel ledger with its own header words. Merged ranges are
read as merged (openpyxl for .xlsx, calamine's merged ranges for .xls/.ods), so a merged
indicator cell fills every row it covers and nothing is guessed; a CSV has no merges, so
an empty indicator cell there means 'same as above'. The grid itself is read by plan_grid.
`sheet_task_ids` reads the same items without building the table (or importing pandas or
openpyxl: calamine reads an .xlsx's merged ranges too), for `ledger validate`.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .plan_grid import Grid, clean_rows, items_from_grid
from .labels import PLAN_MESSAGES
from .roster import Roster
from .tasktable import NOTES_SHEET, LedgerReader, finish_table, items_plan_years

if TYPE_CHECKING:
    import pandas as pd

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
_DERIVED_FLAGS = {"deadline_before_plan_year", "deadline_after_plan_year", "unknown_department",
                  "no_department", "deadline_missing", "deadline_unrecognised", "several_deadlines",
                  "deadline_year_assumed", "deadline_from_task"}


def _spanning(ranges: list[tuple[int, int, int, int]], n_rows: int, width: int) -> list[bool]:
    """Rows covered by one merged range as wide as (nearly) the whole table."""
    out = [False] * n_rows
    for r0, c0, r1, c1 in ranges:  # 0-based, inclusive
        if c1 - c0 + 1 >= max(3, int(width * 0.8)):
            for r in range(r0, min(r1, n_rows - 1) + 1):
                out[r] = True
    return out


def _fill(values: list[list[object]], ranges: list[tuple[int, int, int, int]]) -> list[list[object]]:
    for r0, c0, r1, c1 in ranges:
        if r0 >= len(values):
            continue
        v = values[r0][c0] if c0 < len(values[r0]) else None
        for r in range(r0, min(r1, len(values) - 1) + 1):
            row = values[r]
            row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = v
    return values


def _grids_openpyxl(path: Path) -> tuple[list[Grid], object]:
    from openpyxl import load_workbook

    wb = load_workbook(path)  # not read-only: merged-cell ranges are needed
    grids = []
    for ws in wb.worksheets:
        values = [list(r) for r in ws.iter_rows(values_only=True)]
        ranges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        rows = clean_rows(_fill(values, ranges))
        width = max((len(r) for r in rows), default=0)
        grids.append(Grid(path.name, ws.title, rows, list(range(1, len(rows) + 1)),
                          _spanning(ranges, len(rows), width)))
    return grids, wb


def _grids_calamine(path: Path) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    grids = []
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        values = [list(r) for r in sheet.to_python(skip_empty_area=False)]
        known = getattr(sheet, "merged_cell_ranges", None)  # .xls has them; .ods does not (None)
        ranges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (known or [])]
        rows = clean_rows(_fill(values, ranges))
        width = max((len(r) for r in rows), default=0)
        grids.append(Grid(path.name, name, rows, list(range(1, len(rows) + 1)),
                          _spanning(ranges, len(rows), width), merges_known=known is not None))
    return grids


def _grids_csv(path: Path) -> list[Grid]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(PLAN_MESSAGES["not_utf8"].format(name=path.name))
    rows = clean_rows(list(csv.reader(io.StringIO(text))))
    width = max((len(r) for r in rows), default=0)
    # A CSV cannot merge: a heading row is a row with only its first cell written.
    spanning = [bool(r) and bool(r[0]) and len([c for c in r if c]) == 1 and width >= 3 for r in rows]
    return [Grid(path.name, path.stem, rows, list(range(1, len(rows) + 1)), spanning, merges_known=False)]


def _judged_tasks(wb) -> dict[str, list[str]]:
    """Tasks a person judged when the workbook of record was built (its 说明 sheet)."""
    if wb is None or NOTES_SHEET not in wb.sheetnames:
        return {}
    out: dict[str, list[str]] = {}
    for row in wb[NOTES_SHEET].iter_rows(min_row=2, values_only=True):
        if row and row[0]:
            what = str(row[1] or "")
            flag = "indicator_judged" if "指标" in what else "judged"
            out.setdefault(str(row[0]), []).append(flag)
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


@dataclass
class _SheetItems:
    """A spreadsheet ledger cut into items, before the task table is built."""

    items: list[dict]
    warns: list[dict]
    first_leads: bool
    title: list[str]
    fallback_year: int | None


def _sheet_items(path: Path, grids: list[Grid], judged: dict[str, list[str]]) -> _SheetItems:
    """The items of every sheet that holds a ledger (one per indicator, or per part)."""
    items: list[dict] = []
    warns: list[dict] = []
    first_leads = False
    title: list[str] = []
    for grid in grids:
        got = items_from_grid(grid)
        if got is None or not got[0]:
            continue
        more, w, fl = got
        for it in more:
            flags = it["flags"]
            if re.fullmatch(r"T\d+[a-z]", it["task_id"]):
                flags.append("split_deadline")
            flags += judged.get(it["task_id"], [])
            # Derived flags are recomputed from the row itself, not trusted from the sheet.
            it["flags"] = [f for f in flags if f not in _DERIVED_FLAGS]
        items += more
        warns += w
        first_leads |= fl
        title = title or [" ".join(c for c in r if c) for r in grid.rows[:5]]
    if not items:
        raise ValueError(PLAN_MESSAGES["no_header"].format(name=path.name))
    ids = [it["task_id"] for it in items]
    if len(set(ids)) != len(ids):  # each sheet numbered from 1: one numbering over the workbook
        for n, it in enumerate(items, start=1):
            it["task_id"] = f"T{n:02d}"
    m = re.search(r"(20\d{2})", path.stem)
    return _SheetItems(items, warns, first_leads, title, int(m.group(1)) if m else None)


def read_sheet_ledger(path: str | Path, year: int | None = None, roster: Roster | None = None) -> pd.DataFrame:
    """Read a spreadsheet ledger: the first sheet whose header names the ledger's columns.

    >>> from ledgerlib import config
    >>> int(read_sheet_ledger(config.raw_dir() / "ledger_2021.xlsx")["plan_year"].iloc[0])
    2021
    """
    from .roster import load_roster

    path = Path(path)
    roster = roster or load_roster()
    suffix = path.suffix.lower()
    wb = None
    if suffix in (".xlsx", ".xlsm"):
        grids, wb = _grids_openpyxl(path)
    elif suffix == ".csv":
        grids = _grids_csv(path)
    else:
        grids = _grids_calamine(path)
    got = _sheet_items(path, grids, _judged_tasks(wb))
    return finish_table(got.items, got.warns, name=path.name, title_lines=got.title, roster=roster, year=year,
                        first_leads=got.first_leads, fallback_year=got.fallback_year)


def sheet_task_ids(path: str | Path, year: int | None = None) -> tuple[int, list[str]]:
    """(plan year, task ids) of a spreadsheet ledger, as `read_sheet_ledger` reads them.

    The same items from the same grid (calamine reads an .xlsx's merged ranges as openpyxl
    does), without building the table: no pandas, no openpyxl, for `ledger validate`.

    >>> from ledgerlib import config
    >>> year, ids = sheet_task_ids(config.raw_dir() / "ledger_2021.xlsx")
    >>> year, len(ids), ids[0]
    (2021, 39, 'T01')
    """
    path = Path(path)
    grids = _grids_csv(path) if path.suffix.lower() == ".csv" else _grids_calamine(path)
    got = _sheet_items(path, grids, {})
    years = items_plan_years(got.items, name=path.name, title_lines=got.title, year=year,
                             fallback_year=got.fallback_year)
    return years.start, [it["task_id"] for it in got.items]


READER = LedgerReader("spreadsheet", SUFFIXES, lambda p: True, read_sheet_ledger, task_ids=sheet_task_ids)
