"""Write the monthly submission workbook each scored department fills in.

One workbook per (department, month). Layout (1-based Excel rows; columns in the order
of the header lists in `ledgerlib.labels`):

* 任务进展 (`progress`): row 1 title; row 2 the cover block — labels in A2/C2/E2/G2
  (填报单位, 报送月份, 填报人, 填报日期), values in B2/D2/F2/H2 (`COVER_CELLS`); row 3 the
  one-line instruction; row 4 an example row (grey); row 5 the header
  (`HEADER_ROW["progress"]`); tasks from row 6 (`FIRST_DATA_ROW["progress"]`), one per task
  ordered by task_id, 进展状态 and 完成日期 pre-filled with the last report (`last_reported`).
  Columns A-I = `labels.PROGRESS_HEADERS`: A-D (任务编号, 一级指标, 具体任务, 完成时限)
  pre-filled and locked; E-I (进展状态, 完成日期, 本月进展, 佐证材料, 存在问题) plus F2/H2
  unlocked. The sheet is protected without a password (it guards against slips, not people).
* 活动台账, 双公示, 信用归集, 共享记录, 联合奖惩成效: row 1 title, row 2 the one-line
  instruction, row 3 an example row (grey), row 4 header, data from row 5; `BLANK_ROWS` rows
  are pre-formatted (dates, drop-downs). Not protected. The reader starts at the header, so
  the example is never data.

`SHEETS` holds each sheet's key, name, headers and field keys, so code that fills or
reads a template never hard-codes a position. `save_workbook` writes byte-identical
files for identical workbooks (fixed zip timestamps and document dates).
"""
from __future__ import annotations

import re
from copy import copy
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import config, labels
from .cells import check_month
from .safepath import inside
from .xlsx import BORDER, DATE_FORMAT, header_row, page_setup, row_height, save_workbook  # noqa: F401 (re-exported)
from .bureau import default_city, title_words
from .sheets import SHEETS, SheetSpec  # noqa: F401 (re-exported; defined without openpyxl)


#: Header row (1-based) of each sheet, and the first data row.
HEADER_ROW: dict[str, int] = {k: (5 if k == "progress" else 4) for k in SHEETS}
#: A one-line instruction and an example row above each header (on 任务进展 below the cover).
GUIDE_ROW: dict[str, int] = {k: (3 if k == "progress" else 2) for k in SHEETS}
EXAMPLE_ROW: dict[str, int] = {k: r + 1 for k, r in GUIDE_ROW.items()}
FIRST_DATA_ROW: dict[str, int] = {k: r + 1 for k, r in HEADER_ROW.items()}
#: Cover block on 任务进展: field -> (label cell, value cell).
COVER_CELLS: dict[str, tuple[str, str]] = {
    "department": ("A2", "B2"), "month": ("C2", "D2"), "filled_by": ("E2", "F2"), "filled_on": ("G2", "H2"),
}
#: Pre-formatted empty rows on the free-form sheets.
BLANK_ROWS = 100
#: Progress fields a department fills in (unlocked); the others are pre-filled and locked.
PROGRESS_INPUT_FIELDS = ("status", "completion_date", "progress_note", "evidence", "issues")

_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)


def column_letter(sheet_key: str, field: str) -> str:
    """Excel column letter of a field in a template sheet (e.g. progress/status -> 'E').

    >>> column_letter("progress", "status")
    'E'
    """
    return get_column_letter(SHEETS[sheet_key].fields.index(field) + 1)


def _task_sort_key(task_id: str) -> tuple:
    m = re.fullmatch(r"([A-Za-z]*)(\d+)(.*)", str(task_id))
    return (m.group(1), int(m.group(2)), m.group(3)) if m else (str(task_id), 0, "")


def department_tasks(department: str, ledger: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """The department's scored tasks (task_id, indicator, task, deadline_text), ordered by task_id.

    >>> department_tasks("运管科", data["ledger"], data["assignments"]).columns.tolist()
    ['task_id', 'indicator', 'task', 'deadline_text']
    """
    ids = assignments.loc[assignments["department"] == department, "task_id"].drop_duplicates()
    cols = ["task_id", "indicator", "task", "deadline_text"]
    tasks = ledger.loc[ledger["task_id"].isin(set(ids)), cols].drop_duplicates("task_id")
    order = sorted(tasks["task_id"], key=_task_sort_key)
    return tasks.set_index("task_id").loc[order].reset_index()


def last_reported(progress: pd.DataFrame | None, department: str, month: str,
                  city: str | None = None) -> pd.DataFrame:
    """Each task's last reported status and completion date before `month`, for the pre-fill.

    From the department's returns of earlier months (unreadable statuses skipped): the latest
    status, and the first completion date it gave with 已完成. Columns: task_id, status (a
    key of labels.STATUS_LABELS), completion_date. Example: the 2021-07 template of 运管科
    starts from what 运管科 reported up to June.

    >>> last_reported(data["progress"], "运管科", "2021-07").columns.tolist()
    ['task_id', 'status', 'completion_date']
    """
    cols = ["task_id", "status", "completion_date"]
    city = city or default_city()
    if progress is None or progress.empty:
        return pd.DataFrame(columns=cols)
    p = progress[(progress["department"] == department) & (progress["month"].astype(str) < month)]
    if "city" in p:
        p = p[p["city"].astype(str) == city]
    p = p[p["status"].fillna("").astype(str).isin(list(labels.STATUS_LABELS))]
    if p.empty:
        return pd.DataFrame(columns=cols)
    p = p.sort_values(["month", "row"] if "row" in p else ["month"], kind="mergesort")
    last = p.groupby("task_id", sort=False).tail(1)[["task_id", "status"]]
    done = p[(p["status"] == "done") & pd.to_datetime(p["completion_date"], errors="coerce").notna()]
    when = done.groupby("task_id", sort=False)["completion_date"].first()
    last = last.merge(when.rename("completion_date").reset_index(), on="task_id", how="left")
    last["completion_date"] = pd.to_datetime(last["completion_date"]).where(last["status"] == "done")
    return last[cols].reset_index(drop=True)


def _title(ws, text: str, ncols: int) -> None:
    ws.cell(row=1, column=1, value=text).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    _merge_row(ws, 1, ncols)
    ws.row_dimensions[1].height = 26


def _merge_row(ws, row: int, ncols: int) -> None:
    """Merge columns 1..ncols of row; the covered cells take the first cell's style.

    Written out (as Excel writes a merged range), they keep a free sheet's column style
    (borders, date format: `_free_sheet`) out of the title and the instruction line.
    """
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    anchor = ws.cell(row=row, column=1)
    for j in range(2, ncols + 1):
        ws._cells[(row, j)]._style = copy(anchor._style)


def _header(ws, spec: SheetSpec, row: int) -> None:
    header_row(ws, row, spec.headers, spec.widths)


def _list_validation(values: list[str]) -> DataValidation:
    v = labels.TEMPLATE_VALIDATION
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle=v["list_title"], error=v["list_error"])
    dv.showInputMessage = False
    return dv


def _date_validation() -> DataValidation:
    v = labels.TEMPLATE_VALIDATION
    # 36526 = 2000-01-01; "warning" style lets a person override, the reader still checks.
    return DataValidation(type="date", operator="greaterThanOrEqual", formula1="36526", allow_blank=True,
                          showErrorMessage=True, errorStyle="warning", errorTitle=v["date_title"],
                          error=v["date_error"])


def _int_validation() -> DataValidation:
    v = labels.TEMPLATE_VALIDATION
    return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                          showErrorMessage=True, errorStyle="warning", errorTitle=v["int_title"],
                          error=v["int_error"])


def task_cell_value(field: str, task: Any, before: dict) -> Any:
    """What a progress row's cell starts with: the ledger's text for a pre-filled column, last
    month's status (as its label) and completion date for the columns a liaison fills, else None.

    >>> from types import SimpleNamespace
    >>> task_cell_value("status", SimpleNamespace(), {"status": "done"})
    '已完成'
    >>> task_cell_value("task", SimpleNamespace(task="建立台账"), {}), task_cell_value("status", SimpleNamespace(), {})
    ('建立台账', None)
    """
    if field not in PROGRESS_INPUT_FIELDS:
        return getattr(task, field)
    if field == "status" and before.get("status") in labels.STATUS_LABELS:
        return labels.STATUS_LABELS[before["status"]]
    if field == "completion_date" and pd.notna(before.get("completion_date", pd.NaT)):
        return pd.Timestamp(before["completion_date"]).to_pydatetime()
    return None


def _progress_sheet(ws, department: str, month: str, city: str, tasks: pd.DataFrame,
                    previous: pd.DataFrame | None = None) -> None:
    spec = SHEETS["progress"]
    year, mon = check_month(month)
    ncols = len(spec.headers)
    _title(ws, labels.TEMPLATE_TITLE.format(**title_words(city), sheet=spec.name, year=year, mon=mon), ncols)
    cover_block(ws, department, month)
    _guide(ws, spec, year, mon)

    header_row, first = HEADER_ROW["progress"], FIRST_DATA_ROW["progress"]
    _header(ws, spec, header_row)
    # The loop closes: last month's status and completion date start this month's row (editable).
    prev = {} if previous is None or previous.empty else previous.set_index("task_id").to_dict("index")
    proto: list = []  # the first task row's cells: the rows below copy their style arrays
    for i, task in enumerate(tasks.itertuples(index=False)):
        r = first + i
        before = prev.get(task.task_id, {})
        for j, field in enumerate(spec.fields, start=1):
            c = ws.cell(row=r, column=j)
            if i:
                c._style = copy(proto[j - 1]._style)
            else:
                proto.append(c)
                c.border = BORDER
                c.alignment = _WRAP
                if field in PROGRESS_INPUT_FIELDS:
                    c.protection = _UNLOCKED
                    if field in spec.date_fields:
                        c.number_format = DATE_FORMAT
                else:
                    c.fill = _LOCKED_FILL
            value = task_cell_value(field, task, before)
            if value is not None:
                c.value = value
        ws.row_dimensions[r].height = row_height(
            [(getattr(task, f), w) for f, w in zip(spec.fields, spec.widths) if f not in PROGRESS_INPUT_FIELDS])
    protect_progress_sheet(ws, first, first + max(len(tasks), 1) - 1, header_row)


def cover_block(ws, department: str, month: str) -> None:
    """The cover block of the progress sheet: 填报单位 and 报送月份 locked, 填报人 and 填报日期 to fill.

    Example::

        cover_block(wb.active, "运管科", "2021-07")   # rows 2-3 of 任务进展
    """
    values = {"department": department, "month": month, "filled_by": None, "filled_on": None}
    for field, (label_cell, value_cell) in COVER_CELLS.items():
        lc = ws[label_cell]
        lc.value = labels.COVER_LABELS[field]
        lc.font = Font(bold=True)
        lc.alignment = Alignment(horizontal="right", vertical="center")
        vc = ws[value_cell]
        vc.value = values[field]
        vc.border = BORDER
        vc.alignment = Alignment(horizontal="left", vertical="center")
        if field in ("filled_by", "filled_on"):
            vc.protection = _UNLOCKED
        else:
            vc.fill = _LOCKED_FILL
    ws[COVER_CELLS["filled_on"][1]].number_format = DATE_FORMAT
    ws[COVER_CELLS["month"][1]].number_format = "@"  # keep 2021-07 as text, not a date
    ws.row_dimensions[2].height = 20


def protect_progress_sheet(ws, first: int, last: int, header_row: int) -> None:
    """Drop-downs on the task rows first..last, sheet protection, repeated header and print setup.

    Example::

        protect_progress_sheet(ws, 5, 20, 4)   # tasks in rows 5-20 under a header in row 4
    """
    status = _list_validation(list(labels.STATUS_LABELS.values()))
    status.add(f"{column_letter('progress', 'status')}{first}:{column_letter('progress', 'status')}{last}")
    dates = _date_validation()
    dates.add(f"{column_letter('progress', 'completion_date')}{first}:"
              f"{column_letter('progress', 'completion_date')}{last}")
    dates.add(COVER_CELLS["filled_on"][1])
    for dv in (status, dates):
        ws.add_data_validation(dv)
    # Liaisons may resize rows/columns; nothing else on this sheet changes without unprotecting.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.print_title_rows = f"{header_row}:{header_row}"
    page_setup(ws)


def _guide(ws, spec: SheetSpec, year: int, mon: int) -> None:
    """Row 2: what to fill in, in one line; row 3: an example row, grey, above the header, so
    the reader (which starts at the header) never takes it for data."""
    ncols = len(spec.headers)
    guide, example_row = GUIDE_ROW[spec.key], EXAMPLE_ROW[spec.key]
    note = ws.cell(row=guide, column=1, value=labels.TEMPLATE_GUIDE[spec.key])
    note.font = Font(italic=True, color="7F7F7F")
    note.alignment = Alignment(vertical="center")
    _merge_row(ws, guide, ncols)
    example = labels.TEMPLATE_EXAMPLES[spec.key]
    first = None
    for j, value in enumerate(example[:ncols], start=1):
        c = ws.cell(row=example_row, column=j, value=value.format(year=year, mon=mon))
        if first is None:
            first = c
            c.font = Font(italic=True, color="7F7F7F")
            c.fill = _LOCKED_FILL
            c.border = BORDER
            c.number_format = "@"  # an example is text, never a date or number to read
        else:
            c._style = copy(first._style)


def _free_sheet(ws, spec: SheetSpec, month: str, city: str) -> None:
    year, mon = check_month(month)
    _title(ws, labels.TEMPLATE_TITLE.format(**title_words(city), sheet=spec.name, year=year, mon=mon), len(spec.headers))
    header_row, first = HEADER_ROW[spec.key], FIRST_DATA_ROW[spec.key]
    _guide(ws, spec, year, mon)
    _header(ws, spec, header_row)
    last = first + BLANK_ROWS - 1
    for j, field in enumerate(spec.fields, start=1):
        letter = get_column_letter(j)
        # The data columns carry the style (border; date format on date columns), as when
        # someone selects the columns in Excel and formats them: Excel, WPS and LibreOffice
        # give it to every cell typed or pasted there, at any row, and the blank rows need
        # no cell of their own (they were ~90% of every workbook's cells and of its time).
        # Rows 1 to the header are written cell by cell, so they keep their own look.
        column = ws.column_dimensions[letter]
        column.border = BORDER
        if field in spec.date_fields:
            column.number_format = DATE_FORMAT
        # The first blank row as cells (where typing starts; what a script filling the sheet
        # sees), and the last, which marks the used range: Excel prints a blank template
        # with BLANK_ROWS ruled rows below the header, as before.
        for r in (first, last):
            ws.cell(row=r, column=j)._style = copy(column._style)
        rng = f"{letter}{first}:{letter}{last}"
        dv = None
        if field in spec.date_fields:
            dv = _date_validation()
        elif field in spec.int_fields:
            dv = _int_validation()
        elif field == "activity_type":
            dv = _list_validation(list(labels.ACTIVITY_LABELS.values()))
        elif field == "category":
            dv = _list_validation(list(labels.PUBLICITY_CATEGORY_LABELS.values()))
        if dv is not None:
            dv.add(rng)
            ws.add_data_validation(dv)
    ws.print_title_rows = f"{header_row}:{header_row}"
    page_setup(ws)


def data_cell(ws, row: int, column: int):
    """The cell at (row, column) as Excel makes it when someone types there: a new cell takes
    its column's style (a free sheet's border and date format), an existing one keeps its own.

    >>> wb = build_workbook("运管科", "2021-07", pd.DataFrame(columns=["task_id", "indicator",
    ...     "task", "deadline_text"]), pd.DataFrame(columns=["department", "task_id"]))
    >>> data_cell(wb[SHEETS["activities"].name], 7, 1).number_format
    'yyyy-mm-dd'
    """
    cell = ws._cells.get((row, column))
    if cell is None:
        cell = ws.cell(row=row, column=column)
        cell._style = copy(ws.column_dimensions[get_column_letter(column)]._style)
    return cell


def build_workbook(department: str, month: str, ledger: pd.DataFrame, assignments: pd.DataFrame,
                   city: str | None = None, previous: pd.DataFrame | None = None,
                   tasks: pd.DataFrame | None = None) -> Workbook:
    """The submission template of one department for one month (see the module docstring).

    `previous` (last_reported) pre-fills each task's 进展状态 and 完成日期 with what the
    department last reported; the cells stay editable. `tasks`: department_tasks(department,
    ledger, assignments) when the caller already has it (one per department, not per month).

    Example::

        wb = build_workbook("运管科", "2021-06", ledger, assignments)
        wb.sheetnames   # -> ['任务进展', '活动台账', '双公示', '信用归集', '共享记录', '联合奖惩成效']
    """
    year, mon = check_month(month)
    city = city or default_city()
    if tasks is None:
        tasks = department_tasks(department, ledger, assignments)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEETS["progress"].name
    _progress_sheet(ws, department, month, city, tasks, previous)
    for key, spec in SHEETS.items():
        if key != "progress":
            _free_sheet(wb.create_sheet(spec.name), spec, month, city)
    wb.properties.title = f"{department} {month}"
    wb.properties.creator = "ledgerlib"
    wb.properties.created = datetime(year, mon, 1)
    return wb


def write_templates(month: str, departments: list[str] | None = None, out_dir: Path = Path("templates"),
                    raw_dir: Path | None = None, city: str | None = None,
                    data_dir: Path | None = None) -> list[Path]:
    """Write `<out_dir>/<month>/<department>.xlsx` for every scored department (or the named ones).

    Department names given on the command line may be aliases; they resolve through the
    roster, and a name that resolves to no scored department raises ValueError. When the
    processed data (data_dir, default data/processed) holds returns of earlier months, each
    task is pre-filled with its last reported status and completion date.

    Example::

        write_templates("2021-07", departments=["运管科"], out_dir=Path("templates"))
        # -> [Path('templates/2021-07/运管科.xlsx')]
    """
    from .ledger import assignments as make_assignments, load_ledgers, plan_year_for_month
    from .roster import load_roster

    check_month(month)
    city = city or default_city(raw_dir)
    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    roster = load_roster(raw_dir)
    ledgers = load_ledgers(raw_dir, roster)
    year = plan_year_for_month(ledgers, month)  # a month's template lists its own plan year's tasks
    if year is None:
        have = ", ".join(str(y) for y in sorted(ledgers["plan_year"].unique()))
        raise ValueError(labels.CLI_MESSAGES["no_ledger_for_year"].format(year=month[:4], have=have))
    ledger = ledgers[ledgers["plan_year"] == year].reset_index(drop=True)
    assigned = make_assignments(ledger, roster)
    scored = sorted(set(assigned["department"]))
    if departments:
        chosen = []
        for name in departments:
            canonical = roster.resolve(name)
            if canonical not in scored:
                raise ValueError(labels.CLI_MESSAGES["not_scored"].format(name=name, known=", ".join(scored)))
            chosen.append(canonical)
        scored = sorted(set(chosen))
    progress = None
    source = Path(data_dir) if data_dir else config.processed_dir()
    if (source / "progress.parquet").is_file():
        from .tables import read_table

        progress = read_table("progress", source)
    out = Path(out_dir) / month
    # Roster names are data: checked as plain file names that stay in the month's folder.
    return [save_workbook(build_workbook(d, month, ledger, assigned, city=city,
                                         previous=last_reported(progress, d, month, city)),
                          inside(out, f"{d}.xlsx"))
            for d in scored]
