"""The ledger (台账) of record: its workbook, the judgements that built it, each year's ledger, assignments.

A plan in any form is read by `read_ledger` (readers.py); the ledger workbook of record,
`ledger_<year>.xlsx`, is written here once from that reading plus a person's judgements
(`make_ledger_workbook`: indicators as merged cells, a 说明 sheet recording every judgement
and every choice the reader was unsure of). Each plan year keeps its own workbook:
`load_ledgers` reads them all, `plan_year_for_month` says which serves a month, and
`assignments` turns the department columns into one row per (plan year, task, scored department).
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import config
from .grammar import (  # noqa: F401  (re-exported: the grammar used to live here)
    Departments, chinese_numeral, clean_text, indicator_label, looks_like_deadline, parse_deadline,
    parse_departments, parse_recurrence, split_deadlines,
)
from .labels import JUDGEMENT_MESSAGES, LEDGER_HEADER
from .readers import read_ledger, read_task_ids
from .roster import Roster, load_roster
from .tasktable import (  # noqa: F401
    FLAGS_HEADER, LEADERS_HEADER, LEDGER_COLUMNS, NOTES_HEADER, NOTES_SHEET, POINTS_HEADER, TASK_ID_HEADER,
    WORKBOOK_SHEET, LedgerParseWarning, department_text, parse_warnings, task_table,
)

if TYPE_CHECKING:  # pandas is imported by the functions that build tables: `ledger_task_ids` needs none
    import pandas as pd


# --------------------------------------------------------------------------- the workbook form

def write_ledger_workbook(ledger: pd.DataFrame, path: Path, notes: pd.DataFrame | None = None,
                          title: str | None = None, roster: Roster | None = None) -> Path:
    """Write the ledger as the official table looks: indicators and shared cells merged.

    Consecutive rows with the same indicator, the same sub-indicator (within it) or the
    same 责任部门 text share one merged cell. `notes` (columns NOTES_HEADER) goes to 说明.
    With `roster`, a 责任部门 text that would not read back as the row's roles (the plan
    said once 列第一位的为牵头单位, or a judgement set a role) is written as labelled roles
    (牵头单位：…；责任单位：…), so the workbook of record keeps who leads.

    Example::

        write_ledger_workbook(load_ledger(year=2021), Path("ledger_2021.xlsx"))
        # -> Path('ledger_2021.xlsx'): one sheet, indicators and shared cells merged, A4 landscape
    """
    import pandas as pd

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = WORKBOOK_SHEET
    year = int(ledger["plan_year"].iloc[0])
    end = int(ledger["plan_end_year"].iloc[0]) if "plan_end_year" in ledger else year
    # Points and leaders are columns only where the plan has them (the 2021 ledger has neither).
    extra = [(h, c) for h, c in ((POINTS_HEADER, "points"), (LEADERS_HEADER, "leaders"))
             if c in ledger and (ledger[c].notna() & (ledger[c].astype(str) != "")).any()]
    headers = [TASK_ID_HEADER, *LEDGER_HEADER, FLAGS_HEADER, *(h for h, _ in extra)]
    ncol = len(headers)
    span = f"{year}—{end}" if end != year else f"{year}"
    if title is None:
        from .bureau import title_words

        title = f"{title_words()['programme']}{span}年工作要点及台账"
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for j, h in enumerate(headers, start=1):
        ws.cell(2, j, h).font = Font(bold=True)
    thin = Side(style="thin")
    wrap = Alignment(wrap_text=True, vertical="center")
    first = 3
    ind_text = [f"{chinese_numeral(int(n))}、{t}" for n, t in zip(ledger["indicator_no"], ledger["indicator"])]
    extra_values = [["" if pd.isna(v) else (f"{v:g}" if isinstance(v, float) else v) for v in ledger[c]]
                    for _, c in extra]
    dept_text = [_roles_text(row, roster) for row in ledger.itertuples(index=False)]
    values = list(zip(ledger["task_id"], ind_text, ledger["sub_indicator"], ledger["task"],
                      ledger["deadline_text"], dept_text, ledger["flags"], *extra_values))
    for i, row in enumerate(values):
        for j, v in enumerate(row, start=1):
            c = ws.cell(first + i, j, v)
            c.alignment = wrap
            c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for j, h in enumerate(headers, start=1):
        ws.cell(2, j).border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def merge_runs(col: int, keys: list) -> None:
        start = 0
        for i in range(1, len(keys) + 1):
            if i == len(keys) or keys[i] != keys[start]:
                if i - 1 > start:
                    ws.merge_cells(start_row=first + start, start_column=col, end_row=first + i - 1, end_column=col)
                start = i

    merge_runs(2, ind_text)
    merge_runs(3, list(zip(ind_text, ledger["sub_indicator"])))
    merge_runs(6, list(zip(dept_text, _merge_groups(ledger))))
    for letter, width in list(zip("ABCDEFGHI", (8, 22, 20, 60, 14, 40, 24, 8, 16)))[:ncol]:
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"

    ns = wb.create_sheet(NOTES_SHEET)
    ns.append(NOTES_HEADER)
    for c in ns[1]:
        c.font = Font(bold=True)
    if notes is not None:
        for rec in notes[NOTES_HEADER].itertuples(index=False):
            ns.append(list(rec))
    for letter, width in zip("ABCDE", (10, 14, 40, 30, 70)):
        ns.column_dimensions[letter].width = width
    # Fixed document times keep the workbook byte-stable when it is rebuilt.
    from datetime import datetime

    from .xlsx import save_workbook
    wb.properties.created = wb.properties.modified = datetime(year, 1, 1)
    return save_workbook(wb, Path(path))


def _roles_text(row, roster: Roster | None) -> str:
    """The 责任部门 text to write: as the plan wrote it, unless that would read back as other roles."""
    import pandas as pd

    text = "" if pd.isna(row.departments_text) else str(row.departments_text)
    if roster is None:
        return text
    roles = {r: ";".join(x for x in str(getattr(row, r) or "").split(";") if x) for r in _DEPARTMENT_FIELDS}
    back = parse_departments(text, roster)
    if all(";".join(getattr(back, r)) == roles[r] for r in _DEPARTMENT_FIELDS):
        return text
    return department_text(*(roles[r].replace(";", "、") for r in _DEPARTMENT_FIELDS))


def _merge_groups(ledger: pd.DataFrame) -> list[int]:
    """Department cells merge only where the notice itself shared one cell."""
    group, out, prev = 0, [], ""
    for task_id, flags in zip(ledger["task_id"], ledger["flags"]):
        # Items split from one cell (T15a, T15b) share their department cell too.
        split_sibling = bool(re.fullmatch(r"T\d+[b-z]", task_id)) and task_id[:-1] == prev[:-1]
        if "departments_merged" not in str(flags) and not split_sibling:
            group += 1
        out.append(group)
        prev = task_id
    return out


# --------------------------------------------------------------------------- public entry points

def read_ledger_workbook(path: Path, roster: Roster | None = None, year: int | None = None) -> pd.DataFrame:
    """The ledger workbook of record (any spreadsheet ledger) as the task table.

    >>> from ledgerlib import config
    >>> read_ledger_workbook(config.raw_dir() / "ledger_2021.xlsx").shape[0]
    39
    """
    return read_ledger(Path(path), year, roster or load_roster())


_LEDGER_FILE = re.compile(r"^ledger_(\d{4})\.xlsx$")


def ledger_paths(raw_dir: Path | None = None) -> dict[int, Path]:
    """Every ledger workbook of record in raw_dir, by plan year: {2021: ledger_2021.xlsx, …}.

    >>> {y: p.name for y, p in ledger_paths().items()}
    {2021: 'ledger_2021.xlsx'}
    """
    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    found = {int(m.group(1)): p for p in sorted(raw_dir.glob("ledger_*.xlsx")) if (m := _LEDGER_FILE.match(p.name))}
    if not found:
        raise FileNotFoundError(2, "no ledger_<year>.xlsx (the ledger workbook of record)", str(raw_dir))
    return found


def ledger_path(raw_dir: Path | None = None, year: int | None = None) -> Path:
    """The ledger workbook of record in raw_dir: `ledger_<year>.xlsx`, newest year by default.

    >>> ledger_path().name
    'ledger_2021.xlsx'
    """
    found = ledger_paths(raw_dir)
    if year is not None:
        if year not in found:
            raise FileNotFoundError(2, f"no ledger_{year}.xlsx", str(Path(raw_dir or config.raw_dir())))
        return found[year]
    return found[max(found)]


def load_ledgers(raw_dir: Path | None = None, roster: Roster | None = None) -> pd.DataFrame:
    """Every year's ledger of record, one table (plan_year, task_id) keyed, oldest year first.

    The year in the file name is the plan year: a workbook whose own title says otherwise
    is an error, since its tasks would be scored against the wrong months.

    >>> load_ledgers()["plan_year"].unique().tolist()
    [2021]
    """
    import pandas as pd

    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    roster = roster or load_roster(raw_dir)
    frames = []
    for year, path in sorted(ledger_paths(raw_dir).items()):
        df = read_ledger_workbook(path, roster)
        if int(df["plan_year"].iloc[0]) != year:
            raise ValueError(JUDGEMENT_MESSAGES["year_mismatch"].format(
                name=path.name, title_year=int(df["plan_year"].iloc[0]), year=year))
        frames.append(df)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    out.attrs = {"sources": {int(f["plan_year"].iloc[0]): p.name for f, p in zip(frames, sorted(
        ledger_paths(raw_dir).values()))}}
    return out


def ledger_task_ids(raw_dir: Path | None = None, roster: Roster | None = None) -> dict[int, list[str]]:
    """Every year's task ids, {plan year: [task id, …]}, read as `load_ledgers` reads the
    workbooks (the same files, items and year check) without building the table: no pandas.

    Like `load_ledgers`, it needs the bureau's roster: raw_dir's is loaded when none is given,
    and a missing or broken one is the same error there as here.

    >>> {y: ids[:2] for y, ids in ledger_task_ids().items()}
    {2021: ['T01', 'T02']}
    """
    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    if roster is None:
        load_roster(raw_dir)
    out = {}
    for year, path in sorted(ledger_paths(raw_dir).items()):
        plan_year, ids = read_task_ids(path)
        if plan_year != year:
            raise ValueError(JUDGEMENT_MESSAGES["year_mismatch"].format(name=path.name, title_year=plan_year, year=year))
        out[year] = ids
    return out


def load_ledger(raw_dir: Path | None = None, year: int | None = None) -> pd.DataFrame:
    """One year's ledger of record from data/raw (the newest by default).

    >>> load_ledger(year=2021).shape[0]
    39
    """
    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    return read_ledger_workbook(ledger_path(raw_dir, year), load_roster(raw_dir))


def plan_year_for_month(ledger: pd.DataFrame, month: str) -> int | None:
    """The plan year whose ledger serves `month` (YYYY-MM): the plan covering its year.

    A multi-year plan covers every year of its range; where two plans cover a year, the
    one that starts later (the more specific) serves it. None when no plan covers it.

    >>> plan_year_for_month(data["ledger"], "2021-06"), plan_year_for_month(data["ledger"], "2030-01")
    (2021, None)
    """
    return plan_years_for_months(ledger, [month])[month]


def plan_years_for_months(ledger: pd.DataFrame, months: Iterable[Any]) -> dict[Any, int | None]:
    """{month: `plan_year_for_month`} for many months, the plans' spans read once.

    >>> plan_years_for_months(data["ledger"], ["2021-06", "2021-12", "2030-01"])
    {'2021-06': 2021, '2021-12': 2021, '2030-01': None}
    """
    months = list(months)
    if "plan_year" not in ledger or ledger.empty:
        return {m: None for m in months}
    starts = ledger["plan_year"].astype(int).tolist()
    ends = ledger["plan_end_year"].astype(int).tolist() if "plan_end_year" in ledger else starts
    spans = set(zip(starts, ends))
    out: dict[Any, int | None] = {}
    for m in months:
        y = int(str(m)[:4])
        out[m] = max((start for start, end in spans if start <= y <= end), default=None)
    return out


def months_served(ledger: pd.DataFrame, months: list[str]) -> dict[int | None, list[str]]:
    """Which plan year's ledger serves which of `months` (None: no ledger covers them).

    >>> months_served(data["ledger"], ["2021-06", "2030-01"])
    {2021: ['2021-06'], None: ['2030-01']}
    """
    out: dict[int | None, list[str]] = {}
    valid = sorted({str(x) for x in months if re.fullmatch(r"\d{4}-\d{2}", str(x))})
    for m, year in plan_years_for_months(ledger, valid).items():
        out.setdefault(year, []).append(m)
    return out


def assignments(ledger: pd.DataFrame, roster: Roster) -> pd.DataFrame:
    """One row per (plan year, task, scored department): leads and carrying-out departments.

    Collective names expand through the roster; a department named both directly and
    through a collective keeps the direct naming; lead wins over responsible; a department
    the roster marks scored=no is not scored. Unknown names are in `df.attrs['problems']`,
    not silently dropped.

    >>> from ledgerlib.roster import load_roster
    >>> assignments(data["ledger"], load_roster()).columns.tolist()
    ['plan_year', 'task_id', 'department', 'role', 'via', 'kind']
    """
    import pandas as pd

    rows: dict[tuple[int, str, str], dict] = {}
    problems = []
    years = ledger["plan_year"] if "plan_year" in ledger else pd.Series(0, index=ledger.index)
    for year, rec in zip(years, ledger.itertuples(index=False)):
        for role in ("lead", "responsible"):
            for name in filter(None, str(getattr(rec, role)).split(";")):
                members = roster.expand(name)
                if not members:
                    problems.append({"plan_year": int(year), "task_id": rec.task_id, "role": role, "name": name,
                                     "problem": "责任部门名称不在部门名册中"})
                    continue
                via = name if roster.is_collective(name) else ""
                for dept in members:
                    if not roster.is_scored(dept):
                        continue
                    key = (int(year), rec.task_id, dept)
                    old = rows.get(key)
                    if old is None or (role == "lead" and old["role"] != "lead") or (old["via"] and not via and old["role"] == role):
                        rows[key] = {"plan_year": int(year), "task_id": rec.task_id, "department": dept,
                                     "role": role, "via": via, "kind": roster.kind(dept)}
    order = {(int(y), t): i for i, (y, t) in enumerate(zip(years, ledger["task_id"]))}
    dept_order = {d: i for i, d in enumerate(roster.departments)}
    df = pd.DataFrame(list(rows.values()), columns=["plan_year", "task_id", "department", "role", "via", "kind"])
    df["plan_year"] = df["plan_year"].astype("int64")
    df["_t"] = [order[(y, t)] for y, t in zip(df["plan_year"], df["task_id"])]
    df["_d"] = df["department"].map(dept_order)
    df = df.sort_values(["_t", "_d"], kind="mergesort").drop(columns=["_t", "_d"]).reset_index(drop=True)
    df.attrs["problems"] = problems
    return df


# --------------------------------------------------------------------------- building the workbook of record

JUDGEMENT_COLUMNS = ["task_id", "field", "value", "reason"]
#: A judgements row `*,*,,reason` says a person checked every choice the judgements do not
#: change and it stands: the reader's remaining doubts are then not written to 说明.
REVIEWED = "*"
_FIELD_LABELS = {"indicator_no": "一级指标", "indicator": "一级指标", "sub_indicator": "二级指标",
                 "deadline_text": "完成时限", "task": "具体任务", "departments_text": "责任部门",
                 "lead": "牵头部门", "responsible": "负责部门", "cooperating": "配合部门",
                 "points": "分值", "leaders": "责任领导", "deadline_kind": "时限类型", "due_date": "截止日期"}
# A judged kind is written back as the words that mean it: the workbook keeps 完成时限 as text.
_KIND_WORDS = {"ongoing": "持续推进", "event": "根据部署实施", "recurring": "定期", "unspecified": ""}
_DEPARTMENT_FIELDS = ("lead", "responsible", "cooperating")


def apply_judgements(parsed: pd.DataFrame, judgements: pd.DataFrame,
                     roster: Roster | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply a person's decisions to the plan as read; return (ledger, notes for 说明).

    A judgement with a value sets that field of that task: any text field, indicator_no
    (a number, or '3、名称' to name a new indicator), points, deadline_text (the deadline is
    read again), departments_text (read again by the grammar), or lead / responsible /
    cooperating directly (names ';'-separated, resolved through the roster). A judged task,
    deadline or kind reads its recurrence again from the task's and deadline's words, as the
    workbook of record will be read. One without a value only records why the row reads as it
    does. An unknown task or field raises: a judgement must not be lost.

    Example::

        parsed = read_ledger(Path("plan_2022.docx"))
        ledger, notes = apply_judgements(parsed, read_judgements(Path("ledger_2022_judgements.csv")))
        # ledger: the task table as decided; notes: one 说明 row per judgement applied
    """
    import pandas as pd

    from .grammar import parse_points

    roster = roster or load_roster()
    df = parsed.copy()
    df.attrs = dict(parsed.attrs)
    names = {int(n): t for n, t in zip(df["indicator_no"], df["indicator"]) if n}
    notes = []
    index = {t: i for i, t in enumerate(df["task_id"])}
    for line, j in enumerate(judgements.fillna("").itertuples(index=False), start=2):
        if (j.task_id, j.field) == (REVIEWED, REVIEWED):
            continue
        if j.task_id not in index:
            raise ValueError(JUDGEMENT_MESSAGES["unknown_task"].format(line=line, task=j.task_id))
        if j.field not in _FIELD_LABELS:
            raise ValueError(JUDGEMENT_MESSAGES["unknown_field"].format(
                line=line, field=j.field, fields=", ".join(sorted(_FIELD_LABELS))))
        i = index[j.task_id]
        before = df.at[i, j.field] if j.field in df.columns else ""
        value = str(j.value).strip()
        if value == "":
            notes.append([j.task_id, _FIELD_LABELS[j.field], str(before), "照录", j.reason])
            continue
        if j.field == "indicator_no":
            m = re.fullmatch(r"(\d+)\s*(?:[、.．]\s*(.+))?", value)
            if not m:
                raise ValueError(JUDGEMENT_MESSAGES["indicator_not_number"].format(line=line, value=value))
            n = int(m.group(1))
            if m.group(2):
                names[n] = m.group(2)
            if n not in names:
                raise ValueError(JUDGEMENT_MESSAGES["no_indicator"].format(line=line, n=n))
            df.at[i, "indicator_no"] = n
            df.at[i, "indicator"] = names[n]
            before = f"{chinese_numeral(int(before))}、{names.get(int(before), '')}" if before else ""
            value = f"{chinese_numeral(n)}、{names[n]}"
        elif j.field == "points":
            pts = parse_points(value)
            if pts is None:
                raise ValueError(JUDGEMENT_MESSAGES["points_not_number"].format(line=line, value=value))
            df.at[i, "points"] = pts
        elif j.field == "deadline_kind":
            from .labels import DEADLINE_KIND_LABELS

            if value not in DEADLINE_KIND_LABELS or value == "date":
                raise ValueError(JUDGEMENT_MESSAGES["bad_deadline_kind"].format(
                    line=line, kinds=", ".join(k for k in DEADLINE_KIND_LABELS if k != "date")))
            df.at[i, "deadline_kind"], df.at[i, "due_date"] = value, pd.NaT
            df.at[i, "deadline_text"] = _KIND_WORDS[value]
        elif j.field == "due_date":
            try:
                due = pd.Timestamp(value)
            except ValueError:
                due = pd.NaT
            if pd.isna(due):
                raise ValueError(JUDGEMENT_MESSAGES["bad_due_date"].format(line=line, value=value))
            df.at[i, "deadline_kind"], df.at[i, "due_date"] = "date", due
            df.at[i, "deadline_text"] = f"{due.year}年{due.month}月{due.day}日"
        elif j.field in _DEPARTMENT_FIELDS:
            got = []
            for raw in filter(None, (x.strip() for x in re.split(r"[;；、]", value))):
                got.append(roster.resolve(raw) or raw)
            df.at[i, j.field] = ";".join(dict.fromkeys(got))
            # the workbook keeps departments as one text: write the judged roles into it
            df.at[i, "departments_text"] = department_text(
                *(str(df.at[i, r]).replace(";", "、") for r in _DEPARTMENT_FIELDS))
        else:
            df.at[i, j.field] = value
        if j.field == "departments_text":
            d = parse_departments(value, roster)
            for role in _DEPARTMENT_FIELDS:
                df.at[i, role] = ";".join(getattr(d, role))
        if j.field == "deadline_text":
            dl = parse_deadline(value, int(df.at[i, "plan_year"]), int(df.at[i, "plan_end_year"]))
            df.at[i, "deadline_kind"] = dl.kind
            df.at[i, "due_date"] = dl.due if dl.due is not None else pd.NaT
        if j.field in ("task", "deadline_text", "deadline_kind", "due_date") and "recurrence" in df.columns:
            # Read from the task's and the deadline's words, as the workbook will be read again.
            df.at[i, "recurrence"], df.at[i, "min_per_period"] = parse_recurrence(
                f"{df.at[i, 'task']} {df.at[i, 'deadline_text']}")
        flag = "indicator_judged" if j.field in ("indicator_no", "indicator", "sub_indicator") else "judged"
        flags = [f for f in str(df.at[i, "flags"]).split(";") if f] + [flag]
        df.at[i, "flags"] = ";".join(dict.fromkeys(flags))
        notes.append([j.task_id, _FIELD_LABELS[j.field], f"文本解析：{before}", f"定为：{value}", j.reason])
    return df, pd.DataFrame(notes, columns=NOTES_HEADER)


def uncertain_notes(ledger: pd.DataFrame, judgements: pd.DataFrame) -> pd.DataFrame:
    """The reader's uncertain choices that no judgement row addresses, as 说明 rows.

    >>> from ledgerlib import config
    >>> uncertain_notes(data["ledger"], read_judgements(config.raw_dir() / "ledger_2021_judgements.csv")).empty
    True
    """
    import pandas as pd

    judged = {(t, f) for t, f in zip(judgements["task_id"], judgements["field"])}
    if (REVIEWED, REVIEWED) in judged:
        return pd.DataFrame(columns=NOTES_HEADER)  # the person checked every other choice: they stand
    family = {"indicator": ("indicator", "indicator_no")}
    rows = []
    for w in parse_warnings(ledger).itertuples(index=False):
        if any((w.task_id, f) in judged for f in family.get(w.field, (w.field,))):
            continue  # a person already decided this field of this task
        rows.append([w.task_id, _FIELD_LABELS.get(w.field, w.field), f"解析选择：{w.chosen}",
                     "待确认" + (f"（备选：{w.candidates}）" if w.candidates else ""), w.reason])
    return pd.DataFrame(rows, columns=NOTES_HEADER)


def make_ledger_workbook(source: Path, judgements: Path, out: Path, roster: Roster | None = None,
                         year: int | None = None, report: list | None = None) -> Path:
    """Build a ledger workbook of record: read the plan (any form), apply the judgements, write.

    Every choice the reader was unsure of and no judgement settles is written to 说明
    (and appended to `report`, when given, for the command to print).

    Example::

        make_ledger_workbook(Path("plan_2022.docx"), Path("ledger_2022_judgements.csv"),
                             Path("data/raw/ledger_2022.xlsx"))
        # -> Path('data/raw/ledger_2022.xlsx'), as `ledger workbook` writes it
    """
    import pandas as pd

    roster = roster or load_roster()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LedgerParseWarning)
        parsed = read_ledger(Path(source), year, roster)
    j = read_judgements(Path(judgements))
    ledger, notes = apply_judgements(parsed, j, roster)
    open_notes = uncertain_notes(parsed, j)
    if report is not None:
        where = dict(zip(parsed["task_id"], parsed["source"]))
        report.extend({**w, "source": where.get(w["task_id"], "")} for w in parse_warnings(parsed).to_dict("records"))
    if len(open_notes):
        notes = pd.concat([notes, open_notes], ignore_index=True)
    return write_ledger_workbook(ledger, out, notes, roster=roster)


def read_judgements(path: Path) -> pd.DataFrame:
    """The judgements CSV (task_id,field,value,reason); a missing column is a one-line error.

    >>> from ledgerlib import config
    >>> read_judgements(config.raw_dir() / "ledger_2021_judgements.csv").columns.tolist()
    ['task_id', 'field', 'value', 'reason']
    """
    import pandas as pd

    if not Path(path).read_bytes().strip():
        return pd.DataFrame(columns=JUDGEMENT_COLUMNS)  # an empty file: nothing judged yet
    j = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in JUDGEMENT_COLUMNS if c not in j.columns]
    if missing:
        raise ValueError(JUDGEMENT_MESSAGES["missing_columns"].format(
            name=Path(path).name, columns=",".join(JUDGEMENT_COLUMNS), missing=", ".join(missing)))
    return j[JUDGEMENT_COLUMNS]
