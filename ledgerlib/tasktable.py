"""The task table every ledger reader returns: its columns, and how items become rows.

A reader cuts a plan into items (the words as written: task, deadline, departments,
indicator, points, leaders); `task_table` turns them into the one table the suite uses,
with deadlines, recurrence and departments read by grammar.py and every uncertain choice
kept as a warning record in `df.attrs['warnings']` (see `parse_warnings`).

>>> task_table([{"task": "建立制度。", "deadline_text": "6月底前", "departments_text": "牵头单位：办公室"}],
...            2022, roster)["due_date"].iloc[0]     # doctest: +SKIP
Timestamp('2022-06-30 00:00:00')
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .grammar import PlanYears, deadline_from_task, parse_deadline, parse_departments, parse_recurrence
from .labels import PLAN_MESSAGES
from .roster import Roster

if TYPE_CHECKING:  # pandas is imported where the table is built: reading items needs none
    import pandas as pd

LEDGER_COLUMNS = [
    "task_id", "plan_year", "indicator_no", "indicator", "sub_indicator", "task",
    "deadline_text", "deadline_kind", "due_date", "recurrence", "min_per_period",
    "lead", "responsible", "cooperating", "departments_text", "flags", "source",
    "points", "leaders", "plan_end_year",
]
WARNING_COLUMNS = ["task_id", "field", "chosen", "candidates", "scores", "reason"]
# The ledger workbook of record (ledger.py writes it, plan_sheet.py reads it back).
WORKBOOK_SHEET = "台账"
NOTES_SHEET = "说明"
NOTES_HEADER = ["任务编号", "项目", "原文", "判断", "理由"]
TASK_ID_HEADER = "序号"
FLAGS_HEADER = "标记"  # optional last column: how the row was read from the notice
POINTS_HEADER = "分值"
LEADERS_HEADER = "责任领导"


class LedgerParseWarning(UserWarning):
    """The plan was read, but some judgements are a guess: see attrs['warnings']."""


def warning(task_id: str, field: str, chosen: object, candidates: object = "", reason: str = "",
            scores: str = "") -> dict:
    """One uncertain judgement: which row, which field, what was chosen, the alternatives.

    >>> warning("T01", "deadline_text", "6月底前", reason="two deadlines")
    {'task_id': 'T01', 'field': 'deadline_text', 'chosen': '6月底前', 'candidates': '', 'scores': '', 'reason': 'two deadlines'}
    """
    return {"task_id": task_id, "field": field, "chosen": "" if chosen is None else str(chosen),
            "candidates": "" if candidates is None else str(candidates), "scores": scores, "reason": reason}


def parse_warnings(ledger: pd.DataFrame) -> pd.DataFrame:
    """A reader's uncertain judgements as a table (empty for the workbook of record).

    >>> parse_warnings(data["ledger"]).empty
    True
    """
    import pandas as pd

    return pd.DataFrame(ledger.attrs.get("warnings", []), columns=WARNING_COLUMNS)


def split_sentences(text: str) -> list[str]:
    """Sentences separated by '。 ' (two tasks printed in one cell).

    >>> split_sentences("建立信用承诺制度。 开展信用评价。")
    ['建立信用承诺制度。', '开展信用评价。']
    """
    import re

    parts = [p.strip() for p in re.split(r"(?<=。)\s+", text) if p.strip()]
    return parts or [text]


def split_two_deadlines(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """An item whose deadline holds two deadlines for its two sentences becomes two items.

    '制定并应用格式规范的信用承诺书。 将信用承诺书…公开。' with '2020年4月 持续推进' is T15a and
    T15b, sharing their departments; with a different number of sentences it stays one
    item and the choice is a warning.

    Example::

        items, warns = split_two_deadlines([{"task_id": "T15", "task": "制定承诺书。 公开承诺书。",
                                             "deadline_text": "2020年4月 持续推进", ...}])
        [i["task_id"] for i in items]   # -> ['T15a', 'T15b'], each with one deadline; warns names the split
    """
    from .grammar import split_deadlines

    out: list[dict] = []
    warns: list[dict] = []
    for it in items:
        deadlines = split_deadlines(it["deadline_text"])
        sentences = split_sentences(it["task"])
        if len(deadlines) > 1 and len(sentences) == len(deadlines) and re.fullmatch(r"T\d+", it["task_id"]):
            for j, (t, d) in enumerate(zip(sentences, deadlines)):
                out.append({**it, "task_id": f"{it['task_id']}{chr(ord('a') + j)}", "task": t, "deadline_text": d,
                            "flags": [*it["flags"], "split_deadline"]})
            continue
        if len(deadlines) > 1:
            warns.append(warning(it["task_id"], "deadline_text", it["deadline_text"], "",
                                 "一个单元格有多个时限，但任务句数不同，未拆分"))
        out.append(it)
    return out, warns


def department_text(lead: str = "", responsible: str = "", cooperating: str = "",
                    words: dict[str, str] | None = None) -> str:
    """Separate lead / responsible / helper cells as one labelled text the grammar reads back.

    `words`: the plan's own header word for each role (牵头部门 …), so the text stays as written.

    >>> department_text(lead="运管科", cooperating="法规科")
    '牵头单位：运管科；配合单位：法规科'
    """
    from .labels import PLAN_FIELD_WORDS

    word = {role: next(w for w, r in PLAN_FIELD_WORDS.items() if r == role)
            for role in ("lead", "responsible", "cooperating")}
    word.update({r: w for r, w in (words or {}).items() if PLAN_FIELD_WORDS.get(w) == r})
    parts = [f"{word[r]}：{v}" for r, v in (("lead", lead), ("responsible", responsible),
                                           ("cooperating", cooperating)) if v]
    return "；".join(parts)


def task_table(items: list[dict], plan_year: int, roster: Roster, *, plan_end_year: int | None = None,
               first_leads: bool = False) -> pd.DataFrame:
    """The task table from items read off any form: deadline, recurrence and department columns derived.

    Item keys: task_id, indicator_no, indicator, sub_indicator, task, deadline_text,
    departments_text, flags, source; optional points, leaders, default_role.

    Example::

        items = [{"task_id": "T01", "task": "建立信用承诺制度", "deadline_text": "6月底前",
                  "departments_text": "牵头单位：运管科", "indicator_no": 1, ...}]   # as a reader cuts them
        t = task_table(items, 2021, load_roster())
        t.loc[0, "due_date"], t.loc[0, "lead"]   # -> (Timestamp('2021-06-30'), '运管科')
    """
    import pandas as pd

    plan_end_year = plan_end_year or plan_year
    rows = []
    unknown: list[dict] = []
    warns: list[dict] = []
    for it in items:
        flags = list(it.get("flags", []))
        dl = parse_deadline(it["deadline_text"], plan_year, plan_end_year)
        if dl.kind == "unspecified" and not str(it["deadline_text"]).strip():
            dl = deadline_from_task(it["task"]) or dl  # 根据…部署/适时 in the task's own words
        flags += dl.flags
        if len(dl.candidates) > 1:
            warns.append(warning(it["task_id"], "deadline_text", dl.due.date(),
                                 " | ".join(str(c.date()) for c in dl.candidates),
                                 "一个时限中写有多个日期：取最后一个为截止日期"))
        recurrence, mins = parse_recurrence(it["task"] + " " + it["deadline_text"])
        d = parse_departments(it["departments_text"], roster, it.get("default_role", "responsible"),
                              first_leads=first_leads)
        for u in d.unknown:
            flags.append("unknown_department")
            unknown.append({"task_id": it["task_id"], "name": u})
            warns.append(warning(it["task_id"], "departments_text", u, "",
                                 "名称不在部门名册（departments.csv）中：照录，待补充别名或更正"))
        if not (d.lead or d.responsible):
            flags.append("no_department")
        leaders = list(dict.fromkeys([*d.leaders, *[x for x in str(it.get("leaders") or "").split(";") if x]]))
        points = it.get("points")
        rows.append({
            **{k: it[k] for k in ("task_id", "indicator_no", "indicator", "sub_indicator", "task",
                                   "deadline_text", "departments_text", "source")},
            "plan_year": plan_year, "deadline_kind": dl.kind, "due_date": dl.due,
            "recurrence": recurrence, "min_per_period": mins,
            "lead": ";".join(d.lead), "responsible": ";".join(d.responsible),
            "cooperating": ";".join(d.cooperating),
            "flags": ";".join(dict.fromkeys(flags)),
            "points": points, "leaders": ";".join(leaders), "plan_end_year": plan_end_year,
        })
    df = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    df["due_date"] = pd.to_datetime(df["due_date"]).astype("datetime64[us]")
    df["indicator_no"] = df["indicator_no"].astype("int64")
    df["plan_year"] = df["plan_year"].astype("int64")
    df["plan_end_year"] = df["plan_end_year"].astype("int64")
    df["points"] = pd.array([None if p is None or pd.isna(p) else float(p) for p in df["points"]], dtype="Float64")
    for col in ("task_id", "indicator", "sub_indicator", "task", "deadline_text", "lead", "responsible",
                "cooperating", "departments_text", "flags", "source", "leaders"):
        df[col] = df[col].astype("str")
    df.attrs["unknown_departments"] = unknown
    df.attrs["warnings"] = warns
    return df


@dataclass(frozen=True)
class LedgerReader:
    """One form of plan: which files it takes and how it reads them (see readers.py).

    `task_ids`, when a form has it, reads only (plan year, task ids) from the same items as
    `read`, without building the table: what `ledger validate` checks returns against.
    """

    name: str
    suffixes: tuple[str, ...]
    accepts: Callable[[Path], bool]
    read: Callable[..., pd.DataFrame]  # (path, year, roster) -> the task table
    task_ids: Callable[..., tuple[int, list[str]]] | None = None  # (path, year) -> (plan year, task ids)


def items_plan_years(items: list[dict], *, name: str, title_lines: list[str], year: int | None = None,
                     fallback_year: int | None = None) -> PlanYears:
    """The plan year(s) of a plan read into items: from `year`, its title, else its deadlines
    (`grammar.plan_years`), else `fallback_year` (a year in the file name). ValueError when
    there are no items or no year anywhere.

    >>> items_plan_years([{"deadline_text": "6月底前"}], name="plan.xlsx", title_lines=["2022年工作要点"]).start
    2022
    """
    from .grammar import plan_years

    if not items:
        raise ValueError(PLAN_MESSAGES["no_tasks"].format(name=name))
    deadlines = [it["deadline_text"] for it in items]
    try:
        return plan_years(title_lines, deadlines, year, name)
    except ValueError:
        if fallback_year is None:
            raise
        return plan_years([f"{fallback_year}年台账"], deadlines, None, name)


def finish_table(items: list[dict], warns: list[dict], *, name: str, title_lines: list[str],
                 roster: Roster, year: int | None = None, first_leads: bool = False,
                 fallback_year: int | None = None) -> pd.DataFrame:
    """Plan year, then the task table; the reader's and the grammar's warnings in attrs.

    Example::

        df = finish_table(items, warns, name="plan.docx", title_lines=["2022年工作要点"], roster=roster)
        df["plan_year"].iloc[0], len(parse_warnings(df))   # -> (2022, number of uncertain judgements)
    """
    years = items_plan_years(items, name=name, title_lines=title_lines, year=year, fallback_year=fallback_year)
    df = task_table(items, years.start, roster, plan_end_year=years.end, first_leads=first_leads)
    plan_warns = [warning(items[0]["task_id"], "plan_year", years.start if years.start == years.end
                          else f"{years.start}-{years.end}", "", w) for w in years.warnings]
    df.attrs["warnings"] = [*plan_warns, *warns, *df.attrs["warnings"]]
    df.attrs["plan_year_source"] = years.source
    if df.attrs["warnings"]:
        import warnings as _warnings

        _warnings.warn(f"{name}: {len(df.attrs['warnings'])} uncertain judgement(s); settle them with judgements "
                       "when building the ledger workbook of record (see parse_warnings(df))",
                       LedgerParseWarning, stacklevel=3)
    return df
