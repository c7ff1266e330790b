"""The monthly joint reward/punishment result list (联合奖惩成效清单): consolidate and write it.

Ledger task: 每月报送联合奖惩成效清单至省、市信用信息系统; the list carries the five
fields the ledger names (被执行主体, 执行措施, 执行部门, 执行时间, 具体事项). It is built
from the processed `joint_cases` table (every department's current return for the month).

Rules (decided here, tested in tests/test_casebook.py):
- A row belongs to the month it was *reported* in (`month`), whatever its 执行时间; the
  submission reader already warns about dates outside the reporting month.
- A row missing any of the five fields is not sent on: it goes to the second sheet 待补充
  with its file and Excel row and the names of the missing fields, so the liaison can fix
  and resubmit it. Nothing is dropped silently.
- The same case reported more than once (same city, 被执行主体, 执行措施 and 执行时间,
  compared after NFKC and without whitespace) is listed once; 报送单位 names every
  department that reported it (、-joined, in list order), and differing 执行部门 or 具体事项
  texts are kept, ；-joined. This holds for a repeat within one department's file too.
- Order: city (province order), 执行时间, reporting department, Excel row, file.
- 城市 is a column only when the month's data holds more than one city.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import config, labels
from .cells import check_month, norm_key, text_column
from .xlsx import BORDER, DATE_FORMAT, header_row, page_setup, put, row_height, save_workbook, text_width
from .bureau import default_city, title_words

#: The ledger's five fields, in the ledger's order, and their printed headers.
FIELDS = ("subject", "measure", "executing_dept", "executed_on", "matter")
FIELD_HEADERS = dict(zip(FIELDS, labels.JOINT_CASE_HEADERS))
READY_COLUMNS = ["seq", *FIELDS, "reporters"]
INCOMPLETE_COLUMNS = ["reporters", "file", "row", *FIELDS, "missing_fields"]

_TITLE_ROW, _HEADER_ROW, _FIRST_ROW = 1, 2, 3
_MAX_WIDTH = 40


def _city_order(city: str) -> tuple[int, str]:
    """Province order (labels.PROVINCE_CITIES), then any other city by name."""
    cities = labels.PROVINCE_CITIES
    return (cities.index(city), "") if city in cities else (len(cities), city)


def _city_rank(cities: pd.Series) -> pd.Series:
    return cities.map(lambda c: _city_order(c)[0]).astype("int64")


def _month_rows(joint_cases: pd.DataFrame, month: str) -> pd.DataFrame:
    """The month's rows, with clean text, day dates and a city, sorted the list's way."""
    check_month(month)
    df = joint_cases.loc[joint_cases["month"].astype(str) == month].copy()
    if "city" not in df.columns:
        df["city"] = default_city()
    for col in ("city", "department", "file", "subject", "measure", "executing_dept", "matter"):
        df[col] = text_column(df[col])
    df.loc[df["city"] == "", "city"] = default_city()
    df["executed_on"] = pd.to_datetime(df["executed_on"], errors="coerce").dt.floor("D")
    df["row"] = pd.to_numeric(df["row"], errors="coerce").astype("Int64")
    df["_city_rank"] = _city_rank(df["city"])
    df = df.sort_values(["_city_rank", "city", "executed_on", "department", "row", "file"],
                        kind="mergesort", na_position="last")
    return df.drop(columns="_city_rank").reset_index(drop=True)


def month_cities(joint_cases: pd.DataFrame, month: str) -> list[str]:
    """Cities present in the month's rows, in province order (empty when there are none).

    >>> month_cities(data["joint_cases"], "2021-06")
    ['安阳市']
    """
    return sorted(set(_month_rows(joint_cases, month)["city"]), key=_city_order)


def _join_distinct(values: list[str], sep: str) -> str:
    seen: dict[str, str] = {}
    for v in values:
        if v and norm_key(v) not in seen:
            seen[norm_key(v)] = v
    return sep.join(seen.values())


def joint_list(joint_cases: pd.DataFrame, month: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The month's list, ready to send, and the rows that need completing first.

    joint_cases: the processed `joint_cases` table (docs/data-contract.md). Returns
    (ready, incomplete): ready has READY_COLUMNS, incomplete has INCOMPLETE_COLUMNS, each
    with `city` appended / prepended when the month holds more than one city. Dates are
    datetime64 at day precision. See the module docstring for the rules.

    >>> ready, incomplete = joint_list(data["joint_cases"], "2021-06")
    >>> len(ready) + len(incomplete) == int((data["joint_cases"]["month"] == "2021-06").sum())
    True
    """
    df = _month_rows(joint_cases, month)
    missing = pd.DataFrame({f: (df[f].isna() if f == "executed_on" else df[f].eq("")) for f in FIELDS},
                           index=df.index)
    bad = missing.any(axis=1)

    inc = df.loc[bad].copy()
    inc["missing_fields"] = [labels.JOINT_LIST_SEP_NAMES.join(FIELD_HEADERS[f] for f in FIELDS if m[f])
                             for _, m in missing.loc[bad].iterrows()]
    inc["reporters"] = inc["department"]
    inc["_city_rank"] = _city_rank(inc["city"])
    inc = inc.sort_values(["_city_rank", "city", "department", "file", "row"], kind="mergesort")
    incomplete = inc[["city", *INCOMPLETE_COLUMNS]].reset_index(drop=True)

    cases: dict[tuple, dict] = {}
    for rec in df.loc[~bad].to_dict("records"):
        key = (rec["city"], norm_key(rec["subject"]), norm_key(rec["measure"]), rec["executed_on"])
        case = cases.setdefault(key, {"city": rec["city"], "subject": rec["subject"], "measure": rec["measure"],
                                      "executed_on": rec["executed_on"], "executing_dept": [], "matter": [],
                                      "reporters": []})
        for f in ("executing_dept", "matter"):
            case[f].append(rec[f])
        case["reporters"].append(rec["department"])
    rows = [{**c, "executing_dept": _join_distinct(c["executing_dept"], labels.JOINT_LIST_SEP_TEXTS),
             "matter": _join_distinct(c["matter"], labels.JOINT_LIST_SEP_TEXTS),
             "reporters": _join_distinct(c["reporters"], labels.JOINT_LIST_SEP_NAMES)} for c in cases.values()]
    ready = pd.DataFrame(rows, columns=["city", *FIELDS, "reporters"])
    ready.insert(0, "seq", pd.Series(range(1, len(ready) + 1), dtype="int64"))
    ready["executed_on"] = pd.to_datetime(ready["executed_on"]).astype("datetime64[us]")
    incomplete["executed_on"] = pd.to_datetime(incomplete["executed_on"]).astype("datetime64[us]")

    if df["city"].nunique() > 1:
        return ready[[*READY_COLUMNS, "city"]], incomplete[["city", *INCOMPLETE_COLUMNS]]
    return ready[READY_COLUMNS], incomplete[INCOMPLETE_COLUMNS]


def headers(columns: list[str]) -> list[str]:
    """Printed headers of a list's columns: the ledger's words for its five fields.

    >>> headers(["city", "department"])
    ['城市', '部门']
    """
    return [FIELD_HEADERS.get(c) or labels.COLUMN_LABELS[c] for c in columns]


# --------------------------------------------------------------------------- writing


def _cell_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _write_sheet(ws, title: str, frame: pd.DataFrame, empty_note: str) -> None:
    cols = list(frame.columns)
    ncols = len(cols)
    widths = []
    for c, h in zip(cols, headers(cols)):
        texts = [h, *(_cell_text(v) for v in frame[c])]
        widths.append(min(max(text_width(t) for t in texts) + 2, _MAX_WIDTH))
    t = ws.cell(row=_TITLE_ROW, column=1, value=title)
    t.font = Font(bold=True, size=14)
    t.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=_TITLE_ROW, start_column=1, end_row=_TITLE_ROW, end_column=ncols)
    # size-14 text is about 1.3 units a character wider than the 11-point body
    lines = -(-int(text_width(title) * 1.3) // max(sum(widths) - 2, 1))
    ws.row_dimensions[_TITLE_ROW].height = 22.0 * max(lines, 1) + 4
    header_row(ws, _HEADER_ROW, headers(cols), widths)  # freezes panes at _FIRST_ROW
    ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    for i, rec in enumerate(frame.itertuples(index=False), start=_FIRST_ROW):
        for j, (col, value) in enumerate(zip(cols, rec), start=1):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                value = None
            elif isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            elif col in ("seq", "row"):
                value = int(value)
            c = put(ws, i, j, value)  # sender's text stays text, cut visibly at Excel's limit
            c.border = BORDER
            if col == "executed_on":
                c.number_format = DATE_FORMAT
                c.alignment = Alignment(horizontal="center", vertical="top")
            elif col in ("seq", "row"):
                c.alignment = Alignment(horizontal="center", vertical="top")
            else:
                c.alignment = Alignment(vertical="top", wrap_text=True)
        ws.row_dimensions[i].height = row_height([(_cell_text(v), w) for v, w in zip(rec, widths)])
    if frame.empty:
        note = ws.cell(row=_FIRST_ROW, column=1, value=empty_note)
        note.font = Font(italic=True, color="7F7F7F")
        ws.merge_cells(start_row=_FIRST_ROW, start_column=1, end_row=_FIRST_ROW, end_column=ncols)
    else:
        ws.auto_filter.ref = f"A{_HEADER_ROW}:{get_column_letter(ncols)}{_HEADER_ROW + len(frame)}"
    page_setup(ws)


def build_joint_workbook(ready: pd.DataFrame, incomplete: pd.DataFrame, month: str,
                         cities: list[str]) -> Workbook:
    """The list workbook: sheet 联合奖惩成效清单 (ready) and sheet 待补充 (incomplete).

    >>> ready, incomplete = joint_list(data["joint_cases"], "2021-06")
    >>> build_joint_workbook(ready, incomplete, "2021-06", ["安阳市"]).sheetnames
    ['联合奖惩成效清单', '待补充']
    """
    year, mon = check_month(month)
    if len(cities) > 1:
        title = labels.JOINT_LIST_TITLE.format(**title_words(labels.ALL_CITIES), year=year, mon=mon)
    else:
        title = labels.JOINT_LIST_TITLE.format(**title_words(cities[0] if cities else None),
                                               year=year, mon=mon)
    wb = Workbook()
    ws = wb.active
    ws.title = labels.JOINT_LIST_SHEET
    _write_sheet(ws, title, ready, labels.JOINT_LIST_NONE)
    _write_sheet(wb.create_sheet(labels.JOINT_LIST_INCOMPLETE_SHEET),
                 labels.JOINT_LIST_INCOMPLETE_TITLE.format(year=year, mon=mon), incomplete,
                 labels.JOINT_LIST_NONE_INCOMPLETE)
    wb.properties.title = title
    wb.properties.creator = "ledgerlib"
    wb.properties.created = datetime(year, mon, 1)
    return wb


@dataclass
class JointListOutput:
    xlsx: Path
    csv: Path
    n_ready: int
    n_merged: int
    n_incomplete: int
    month: str

    def summary(self) -> str:
        """One line for the operator: rows listed, duplicates merged, rows still to complete.

        Example::

            write_joint_list("2021-06").summary()
            # -> '联合奖惩成效清单 2021-06：列入 5 条（合并重复 0 条），待补充 0 条。'
        """
        return labels.JOINT_LIST_SUMMARY.format(month=self.month, n_ready=self.n_ready,
                                                n_merged=self.n_merged, n_incomplete=self.n_incomplete)


def default_path(month: str) -> Path:
    """reports/joint_list/联合奖惩成效清单_<month>.xlsx

    >>> default_path("2021-06").name
    '联合奖惩成效清单_2021-06.xlsx'
    """
    return config.reports_dir() / "joint_list" / f"{labels.JOINT_LIST_FILE.format(month=month)}.xlsx"


def write_joint_list(month: str, data_dir: Path | None = None, out: Path | None = None) -> JointListOutput:
    """Read `joint_cases` from data_dir, write the list workbook to out and the list as CSV
    (UTF-8 with BOM, Chinese headers) beside it. Same table -> same bytes.

    Example::

        out = write_joint_list("2021-06", out=Path("reports/joint_list/清单_2021-06.xlsx"))
        out.xlsx, out.csv   # the workbook to send, and the same list as CSV beside it
    """
    from .tables import check_build, read_table, write_csv

    check_month(month)
    check_build(data_dir)  # the list goes to the province: only from a complete build
    cases = read_table("joint_cases", data_dir)
    ready, incomplete = joint_list(cases, month)
    cities = month_cities(cases, month)
    xlsx = Path(out) if out else default_path(month)
    save_workbook(build_joint_workbook(ready, incomplete, month, cities), xlsx)
    csv = write_csv(ready.set_axis(headers(list(ready.columns)), axis=1), xlsx.with_suffix(".csv"),
                    date_format="%Y-%m-%d")
    n_month = int((cases["month"].astype(str) == month).sum())
    return JointListOutput(xlsx=xlsx, csv=csv, n_ready=len(ready),
                           n_merged=n_month - len(incomplete) - len(ready),
                           n_incomplete=len(incomplete), month=month)
