"""A plan received as a Word file (.docx) read into the task table.

A bureau receives the notice as a Word file whose ledger is a real table. python-docx
reads it as merged: a vertically merged indicator cell (w:vMerge) and a heading row
spanning the table (w:gridSpan) come back as the same cell, so every row gets its
indicator from the merge itself and nothing is guessed; plan_grid reads the grid. Tables
split over pages (or one per indicator) are read as one. A Word file with no ledger table
is read as a list-form plan from its paragraphs (plan_list).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .plan_grid import Grid, clean_rows, items_from_grid
from .roster import Roster, load_roster
from .tasktable import LedgerReader, finish_table

if TYPE_CHECKING:  # only the annotations name pandas: reading a plan imports it where a table is built
    import pandas as pd


def _table_grid(table, name: str, index: int, above: list[str]) -> Grid:
    rows, spanning = [], []
    for r in table.rows:
        cells = r.cells  # merged cells repeat the cell object they belong to
        ids = [id(c._tc) for c in cells]
        rows.append([c.text for c in cells])
        spanning.append(len(cells) >= 3 and len(set(ids)) == 1)
    return Grid(name, f"表{index}", clean_rows(rows), list(range(1, len(rows) + 1)), spanning, above,
                merges_known=True)


def read_docx_ledger(path: str | Path, year: int | None = None, roster: Roster | None = None) -> pd.DataFrame:
    """Read a Word plan: its ledger table(s), else its paragraphs as a list-form plan.

    Example::

        df = read_docx_ledger(Path("plan_2022.docx"))   # a ledger table, or list-form paragraphs
        df[["task_id", "task", "due_date"]].head()
    """
    import docx

    path = Path(path)
    roster = roster or load_roster()
    doc = docx.Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    title = [t for t in paragraphs if t.strip()][:15]
    items: list[dict] = []
    warns: list[dict] = []
    first_leads = False
    header = None
    for i, table in enumerate(doc.tables, start=1):
        grid = _table_grid(table, path.name, i, title)
        if header is not None and grid.rows and grid.rows[0] != header:
            grid.rows.insert(0, header)  # a table continued on the next page, header not repeated
            grid.row_numbers.insert(0, 0)
            grid.spanning.insert(0, False)
        got = items_from_grid(grid)
        if got is None:
            continue
        header = header or next(r for r in grid.rows if r)
        more, w, fl = got
        offset = len(items)
        for it in more:  # one numbering over every table of the plan
            if it["task_id"] == f"T{more.index(it) + 1:02d}":
                it["task_id"] = f"T{offset + more.index(it) + 1:02d}"
            it["source"] = f"{path.name}!{grid.sheet}!R{it['source'].rsplit('!', 1)[-1][1:]}" \
                if "!" in it["source"] else it["source"]
        items += more
        warns += w
        first_leads |= fl
    if items:
        return finish_table(items, warns, name=path.name, title_lines=title, roster=roster, year=year,
                            first_leads=first_leads)
    from .plan_list import read_list_plan

    return read_list_plan(path, year, roster, text="\n".join(paragraphs))


READER = LedgerReader("Word", (".docx",), lambda p: True, read_docx_ledger)
