"""The ledger (台账) as one task table: its workbook of record, shared cell parsing, assignments.

The ledger comes in two forms that give the same table (columns in docs/data-contract.md):
the notice text as received (read by `notice.py`) and the ledger workbook of record
(`ledger_<year>.xlsx`, indicators as merged cells, a 说明 sheet recording every judgement
made when it was built from the notice), read here. The workbook is the source of truth.
`read_ledger` takes either; `assignments` turns the department columns into one row per
(task, scored department).
"""
from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from . import config
from .labels import LEDGER_HEADER
from .roster import Roster, load_roster, normalise_name

LEDGER_COLUMNS = [
    "task_id", "plan_year", "indicator_no", "indicator", "sub_indicator", "task",
    "deadline_text", "deadline_kind", "due_date", "recurrence", "min_per_period",
    "lead", "responsible", "cooperating", "departments_text", "flags", "source",
]
WORKBOOK_SHEET = "台账"
NOTES_SHEET = "说明"
NOTES_HEADER = ["任务编号", "项目", "原文", "判断", "理由"]
TASK_ID_HEADER = "序号"
FLAGS_HEADER = "标记"  # optional last column: how the row was read from the notice


# --------------------------------------------------------------------------- cell parsing

_TAG = re.compile(r"</?\s*[a-zA-Z][^>]*>")
_WS = re.compile(r"[ \t\u3000\xa0]+")
_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_INDICATOR_LABEL = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.．]\s*(.+?)\s*$")
_YEAR_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_EVENT_WORDS = re.compile(r"根据|适时|部署|安排|按要求")
_ONGOING_WORDS = re.compile(r"持续|长期|常态")
_QUARTER_MIN = re.compile(r"每季度[^。；;]*?(\d+)\s*(?:个|次|场|期)?\s*以上|每季度[^。；;]*?(\d+)\s*(?:个|次|场|期)")
_ROLE_CUT = re.compile(r"(牵头|按照|根据|分别|负责|落实|配合)")


def clean_text(value: object) -> tuple[str, bool]:
    """Strip HTML tags/entities and normalise whitespace; also say whether HTML was there."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "", False
    s = str(value)
    had_html = bool(_TAG.search(s))
    s = html.unescape(_TAG.sub(" ", s))
    s = _WS.sub(" ", s.replace("\r", " ").replace("\n", " ")).strip()
    return s, had_html


def indicator_label(text: str) -> tuple[int, str] | None:
    """'三、创新事前信用承诺' -> (3, '创新事前信用承诺'); None for anything else."""
    m = _INDICATOR_LABEL.match(text or "")
    if not m:
        return None
    digits = m.group(1)
    if digits == "十":
        return 10, m.group(2)
    n = 0
    for ch in digits:  # 十一 .. 十九 are enough for a ledger
        n = n + 10 if ch == "十" else n + _CN_NUM[ch]
    return n, m.group(2)


def looks_like_deadline(text: str) -> bool:
    t = text.strip()
    if not t:
        return False
    if _YEAR_MONTH.search(t) and len(t) <= 30:
        return True
    return len(t) <= 20 and bool(_ONGOING_WORDS.search(t) or _EVENT_WORDS.search(t) or "每月" in t)


def split_deadlines(text: str) -> list[str]:
    """A deadline cell may hold several deadlines separated by spaces: '2020年4月 持续推进'."""
    parts = [p for p in re.split(r"\s+", text.strip()) if p]
    if len(parts) > 1 and all(looks_like_deadline(p) for p in parts):
        return parts
    return [text.strip()]


def parse_deadline(text: str, plan_year: int) -> tuple[str, pd.Timestamp | None, list[str]]:
    """(deadline_kind, due_date, flags) for one deadline as written."""
    flags: list[str] = []
    m = _YEAR_MONTH.search(text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        due = pd.Timestamp(date(year, month, calendar.monthrange(year, month)[1]))
        if year < plan_year:
            flags.append("deadline_before_plan_year")
        return "date", due, flags
    if _EVENT_WORDS.search(text):
        return "event", None, flags
    if _ONGOING_WORDS.search(text) or "每月" in text:
        return "ongoing", None, flags
    flags.append("deadline_unrecognised")
    return "ongoing", None, flags


def parse_recurrence(text: str) -> tuple[str, str]:
    """Recurrence written in the task's own words: ('monthly;quarterly', '1;2') etc."""
    kinds: list[str] = []
    mins: list[str] = []
    if "每月" in text:
        kinds.append("monthly")
        mins.append("1")
    if "每季度" in text:
        m = _QUARTER_MIN.search(text)
        kinds.append("quarterly")
        mins.append((m.group(1) or m.group(2)) if m else "1")
    if not kinds:
        return "none", ""
    return ";".join(kinds), ";".join(mins)


@dataclass
class Departments:
    lead: list[str]
    responsible: list[str]
    cooperating: list[str]
    unknown: list[str]


def parse_departments(text: str, roster: Roster) -> Departments:
    """Split a 责任部门 cell into lead / responsible / cooperating canonical names.

    Clauses are separated by '，'; a clause ending in 牵头 names leads, 配合 helpers, and
    anything else (负责, 落实, 分别负责, or a bare list) the departments that carry it out.
    """
    out = Departments([], [], [], [])
    for clause in re.split(r"[，,；;]", text):
        clause = clause.strip()
        if not clause:
            continue
        cut = _ROLE_CUT.search(clause)
        names_part = clause[: cut.start()] if cut else clause
        rest = clause[cut.start():] if cut else ""
        if rest.startswith("牵头"):
            role = "lead"
        elif "配合" in rest:
            role = "cooperating"
        else:
            role = "responsible"
        for raw in re.split(r"[、及和]", names_part):
            raw = normalise_name(raw)
            if not raw:
                continue
            canonical = roster.resolve(raw)
            target = getattr(out, role)
            if canonical is None:
                out.unknown.append(raw)
                canonical = raw  # kept as written, never dropped
            if canonical not in target:
                target.append(canonical)
    return out


# --------------------------------------------------------------------------- both forms

def ledger_frame(items: list[dict], plan_year: int, roster: Roster) -> pd.DataFrame:
    """The task table from rows read off either form: deadline, recurrence and department columns derived."""
    rows = []
    unknown: list[dict] = []
    for it in items:
        flags = list(it["flags"])
        kind, due, dflags = parse_deadline(it["deadline_text"], plan_year)
        flags += dflags
        recurrence, mins = parse_recurrence(it["task"] + " " + it["deadline_text"])
        d = parse_departments(it["departments_text"], roster)
        for u in d.unknown:
            flags.append("unknown_department")
            unknown.append({"task_id": it["task_id"], "name": u})
        rows.append({
            **{k: it[k] for k in ("task_id", "indicator_no", "indicator", "sub_indicator", "task",
                                   "deadline_text", "departments_text", "source")},
            "plan_year": plan_year, "deadline_kind": kind, "due_date": due,
            "recurrence": recurrence, "min_per_period": mins,
            "lead": ";".join(d.lead), "responsible": ";".join(d.responsible),
            "cooperating": ";".join(d.cooperating),
            "flags": ";".join(dict.fromkeys(flags)),
        })
    df = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    df["due_date"] = pd.to_datetime(df["due_date"]).astype("datetime64[us]")
    df["indicator_no"] = df["indicator_no"].astype("int64")
    df["plan_year"] = df["plan_year"].astype("int64")
    df.attrs["unknown_departments"] = unknown
    return df


# --------------------------------------------------------------------------- the workbook form

def write_ledger_workbook(ledger: pd.DataFrame, path: Path, notes: pd.DataFrame | None = None,
                          title: str | None = None) -> Path:
    """Write the ledger as the official table looks: indicators and shared cells merged.

    Consecutive rows with the same indicator, the same sub-indicator (within it) or the
    same 责任部门 text share one merged cell. `notes` (columns NOTES_HEADER) goes to 说明.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = WORKBOOK_SHEET
    year = int(ledger["plan_year"].iloc[0])
    ncol = len(LEDGER_HEADER) + 2
    ws.cell(1, 1, title or f"信用体系建设{year}年工作要点及台账").font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for j, h in enumerate([TASK_ID_HEADER, *LEDGER_HEADER, FLAGS_HEADER], start=1):
        ws.cell(2, j, h).font = Font(bold=True)
    thin = Side(style="thin")
    wrap = Alignment(wrap_text=True, vertical="center")
    first = 3
    ind_text = [f"{chinese_numeral(int(n))}、{t}" for n, t in zip(ledger["indicator_no"], ledger["indicator"])]
    values = list(zip(ledger["task_id"], ind_text, ledger["sub_indicator"], ledger["task"],
                      ledger["deadline_text"], ledger["departments_text"], ledger["flags"]))
    for i, row in enumerate(values):
        for j, v in enumerate(row, start=1):
            c = ws.cell(first + i, j, v)
            c.alignment = wrap
            c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for j, h in enumerate([TASK_ID_HEADER, *LEDGER_HEADER, FLAGS_HEADER], start=1):
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
    merge_runs(6, list(zip(ledger["departments_text"], _merge_groups(ledger))))
    for letter, width in zip("ABCDEFG", (8, 22, 20, 60, 14, 40, 24)):
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


def chinese_numeral(n: int) -> str:
    """3 -> 三, 12 -> 十二: how the ledger numbers its first-level indicators."""
    inv = {v: k for k, v in _CN_NUM.items()}
    if n <= 10:
        return inv[n]
    return "十" + (inv[n - 10] if n > 10 else "")


def read_ledger_workbook(path: Path, roster: Roster | None = None) -> pd.DataFrame:
    """Read a ledger workbook of this kind: header row found by its labels, merged cells filled."""
    from openpyxl import load_workbook

    path = Path(path)
    roster = roster or load_roster()
    wb = load_workbook(path)  # not read-only: merged-cell ranges are needed
    ws = next((s for s in wb.worksheets if _find_header(s) is not None), None)
    if ws is None:
        raise ValueError(f"{path.name}: no sheet has the ledger header {LEDGER_HEADER}")
    header_row, cols = _find_header(ws)
    grid: dict[tuple[int, int], object] = {}
    for rng in ws.merged_cells.ranges:
        v = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                grid[(r, c)] = v
    plan_year = _plan_year(ws, header_row, path)
    judged = _judged_tasks(wb)
    items = []
    n = 0
    for r in range(header_row + 1, ws.max_row + 1):
        def val(key: str) -> str:
            c = cols.get(key)
            if c is None:
                return ""
            v = grid.get((r, c), ws.cell(r, c).value)
            return clean_text(v)[0]
        task = val("具体任务")
        if not task:
            continue
        n += 1
        lab = indicator_label(val("一级指标"))
        tid = val(TASK_ID_HEADER) or f"T{n:02d}"
        flags = [f for f in val(FLAGS_HEADER).split(";") if f]
        if re.fullmatch(r"T\d+[a-z]", tid):
            flags.append("split_deadline")
        flags += judged.get(tid, [])
        # Derived flags are recomputed from the row itself, not trusted from the sheet.
        flags = [f for f in flags if f not in {"deadline_before_plan_year", "unknown_department"}]
        items.append({
            "task_id": tid, "indicator_no": lab[0] if lab else 0, "indicator": lab[1] if lab else val("一级指标"),
            "sub_indicator": val("二级指标"), "task": task, "deadline_text": val("完成时限"),
            "departments_text": val("责任部门"), "flags": flags,
            "source": f"{path.name}!{ws.title}!D{r}",
        })
    return ledger_frame(items, plan_year, roster)


def _find_header(ws) -> tuple[int, dict[str, int]] | None:
    for r in range(1, min(ws.max_row, 20) + 1):
        labels = {normalise_name(ws.cell(r, c).value or ""): c for c in range(1, ws.max_column + 1)}
        if all(h in labels for h in LEDGER_HEADER):
            cols = {h: labels[h] for h in LEDGER_HEADER}
            for extra in (TASK_ID_HEADER, FLAGS_HEADER):
                if extra in labels:
                    cols[extra] = labels[extra]
            return r, cols
    return None


def _plan_year(ws, header_row: int, path: Path) -> int:
    for r in range(1, header_row):
        for c in range(1, ws.max_column + 1):
            m = re.search(r"(\d{4})\s*年", str(ws.cell(r, c).value or ""))
            if m:
                return int(m.group(1))
    m = re.search(r"(\d{4})", path.stem)
    if m:
        return int(m.group(1))
    raise ValueError(f"{path.name}: cannot tell the plan year (title row or file name)")


def _judged_tasks(wb) -> dict[str, list[str]]:
    if NOTES_SHEET not in wb.sheetnames:
        return {}
    out: dict[str, list[str]] = {}
    for row in wb[NOTES_SHEET].iter_rows(min_row=2, values_only=True):
        if row and row[0]:
            what = str(row[1] or "")
            flag = "indicator_judged" if "指标" in what else "judged"
            out.setdefault(str(row[0]), []).append(flag)
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


# --------------------------------------------------------------------------- public entry points

def read_ledger(path: str | Path, roster: Roster | None = None) -> pd.DataFrame:
    """Read either form of the ledger (.txt notice or .xlsx workbook) into the task table."""
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return read_ledger_workbook(path, roster)
    if path.suffix.lower() in {".txt", ".text", ""}:
        from .notice import parse_notice

        return parse_notice(path, roster)
    raise ValueError(f"{path.name}: a ledger is a .txt notice or an .xlsx workbook")


def ledger_path(raw_dir: Path | None = None, year: int | None = None) -> Path:
    """The ledger workbook of record in raw_dir: `ledger_<year>.xlsx`, newest year by default."""
    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    found = sorted(raw_dir.glob("ledger_*.xlsx"))
    if year is not None:
        found = [p for p in found if p.stem == f"ledger_{year}"]
    if not found:
        raise FileNotFoundError(f"no ledger_<year>.xlsx in {raw_dir}")
    return found[-1]


def load_ledger(raw_dir: Path | None = None, year: int | None = None) -> pd.DataFrame:
    """The ledger of record from data/raw (the workbook, not the notice)."""
    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    return read_ledger_workbook(ledger_path(raw_dir, year), load_roster(raw_dir))


def assignments(ledger: pd.DataFrame, roster: Roster) -> pd.DataFrame:
    """One row per (task, scored department): leads and carrying-out departments.

    Collective names expand through the roster; a department named both directly and
    through a collective keeps the direct naming; lead wins over responsible.
    Unknown names are in `df.attrs['problems']`, not silently dropped.
    """
    rows: dict[tuple[str, str], dict] = {}
    problems = []
    for rec in ledger.itertuples(index=False):
        for role in ("lead", "responsible"):
            for name in filter(None, str(getattr(rec, role)).split(";")):
                members = roster.expand(name)
                if not members:
                    problems.append({"task_id": rec.task_id, "role": role, "name": name,
                                     "problem": "责任部门名称不在部门名册中"})
                    continue
                via = name if roster.is_collective(name) else ""
                for dept in members:
                    key = (rec.task_id, dept)
                    old = rows.get(key)
                    if old is None or (role == "lead" and old["role"] != "lead") or (old["via"] and not via and old["role"] == role):
                        rows[key] = {"task_id": rec.task_id, "department": dept, "role": role,
                                     "via": via, "kind": roster.kind(dept)}
    order = {t: i for i, t in enumerate(ledger["task_id"])}
    dept_order = {d: i for i, d in enumerate(roster.departments)}
    df = pd.DataFrame(list(rows.values()), columns=["task_id", "department", "role", "via", "kind"])
    df = df.sort_values(["task_id", "department"], key=lambda s: s.map(order) if s.name == "task_id" else s.map(dept_order),
                        kind="mergesort").reset_index(drop=True)
    df.attrs["problems"] = problems
    return df
