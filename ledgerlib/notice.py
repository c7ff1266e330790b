"""The notice as received: its extracted text read into the ledger's task table.

The text has the table header repeated on every page, empty cells where the original had
merged cells, HTML fragments, a task whose text spilled into the deadline column, and one
cell holding two deadlines. Indicator labels are often printed on a middle row of their
block, so each unlabelled row is decided by comparing its words with the labels above and
below, and every uncertain choice is a warning (`parse_warnings`). The ledger workbook of
record is built once from this reading plus a person's judgements (`make_ledger_workbook`).
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .labels import LEDGER_HEADER
from .ledger import (
    NOTES_HEADER, chinese_numeral, clean_text, indicator_label, ledger_frame, looks_like_deadline,
    split_deadlines, write_ledger_workbook,
)
from .roster import Roster, load_roster, normalise_name

class LedgerParseWarning(UserWarning):
    """The text form was read, but some rows' indicators are a guess: see attrs['warnings']."""


def split_sentences(text: str) -> list[str]:
    """Sentences the notice separates with '。 ' (two tasks printed in one cell)."""
    parts = [p.strip() for p in re.split(r"(?<=。)\s+", text) if p.strip()]
    return parts or [text]


# --------------------------------------------------------------------------- the text form

_STOP_BIGRAMS = {"信用", "建设", "推进", "加强", "加快", "工作", "开展", "组织", "完善", "相关", "体系"}


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {t[i:i + 2] for i in range(len(t) - 1)} - _STOP_BIGRAMS


def _score(label: str, text: str) -> int:
    return len(_bigrams(label) & _bigrams(text))


@dataclass
class _RawRow:
    line_no: int
    page: int
    cells: list[str]
    html: bool


def _notice_rows(text: str) -> tuple[list[_RawRow], int]:
    """Table rows of the notice (header lines dropped) and the plan year."""
    lines = text.splitlines()
    plan_year = 0
    for line in lines:
        m = re.search(r"(\d{4})\s*年\s*工作\s*要点", line)
        if m:
            plan_year = int(m.group(1))
            break
    rows: list[_RawRow] = []
    page = 0
    in_table = False
    for no, line in enumerate(lines, start=1):
        cells = [c.strip() for c in line.split("\t")]
        if [normalise_name(c) for c in cells[:5]] == LEDGER_HEADER:
            in_table = True
            page += 1
            continue
        if not in_table or not line.strip():
            continue
        had_html = False
        cleaned = []
        for c in cells:
            s, h = clean_text(c)
            cleaned.append(s)
            had_html |= h
        while cleaned and not cleaned[-1]:
            cleaned.pop()
        if len(cleaned) < 3:
            continue  # a stray line outside the table grid
        rows.append(_RawRow(no, page, cleaned, had_html))
    if not plan_year:
        raise ValueError("notice: cannot find the plan year (…2021年工作要点…)")
    return rows, plan_year


def _assign_labels(printed: list[str | None], pages: list[int], texts: list[str],
                   what: str, task_ids: list[str], warn: list[dict]) -> list[str | None]:
    """Give every row a label: its own, else the better of the labels above and below.

    Forward-filling alone files rows under the wrong label when labels are printed
    mid-block, so the nearer labels compete on shared words; every unlabelled row that
    has a competitor is reported as uncertain.
    """
    result: list[str | None] = []
    positions = [i for i, p in enumerate(printed) if p]
    reason_between = "标签未印在本行；在上下两个标签之间按词义选择，结果不确定"
    reason_page_top = "标签印在页首行：合并单元格可能跨页，本行可能属于上一标签"
    # A label on the first row of a later page may be a merged cell printed where the
    # page break cut it, not where its block starts: trust it less.
    weak = {i for i in positions if i > 0 and pages[i] != pages[i - 1] and positions[0] != i}
    for i, own in enumerate(printed):
        prev = max((p for p in positions if p < i), default=None)
        nxt = min((p for p in positions if p > i), default=None)
        if own:
            result.append(own)
            if i in weak and prev is not None and printed[prev] != own:
                warn.append({"task_id": task_ids[i], "field": what, "chosen": own,
                             "candidates": f"{printed[prev]} | {own}", "scores": "", "reason": reason_page_top})
            continue
        if prev is None and nxt is None:
            result.append(None)
            continue
        if prev is None or nxt is None or printed[prev] == printed[nxt]:
            choice = printed[prev if prev is not None else nxt]
            result.append(choice)
            anchor = prev if prev is not None else nxt
            if anchor in weak:
                before = max((p for p in positions if p < anchor), default=None)
                if before is not None and printed[before] != choice:
                    warn.append({"task_id": task_ids[i], "field": what, "chosen": choice,
                                 "candidates": f"{printed[before]} | {choice}", "scores": "",
                                 "reason": reason_page_top})
            continue
        a, b = printed[prev], printed[nxt]
        sa, sb = _score(a, texts[i]), _score(b, texts[i])
        choice = b if sb > sa else a
        result.append(choice)
        warn.append({"task_id": task_ids[i], "field": what, "chosen": choice,
                     "candidates": f"{a} | {b}", "scores": f"{sa} | {sb}", "reason": reason_between})
    return result


def parse_notice(source: str | Path, roster: Roster | None = None) -> pd.DataFrame:
    """Read the notice text; `parse_warnings(df)` lists every uncertain judgement."""
    text = Path(source).read_text(encoding="utf-8") if _is_path(source) else str(source)
    name = Path(source).name if _is_path(source) else "notice"
    roster = roster or load_roster()
    rows, plan_year = _notice_rows(text)

    items: list[dict] = []
    printed_ind: list[str | None] = []
    printed_sub: list[str | None] = []
    pages: list[int] = []
    warn: list[dict] = []
    last_depts = ""
    n = 0
    for r in rows:
        cells = r.cells + [""] * (5 - len(r.cells))
        ind, sub, task = cells[0], cells[1], cells[2]
        flags: list[str] = ["html_stripped"] if r.html else []
        rest = cells[3:]
        # Task text that spilled into the deadline column: the deadline is the first
        # later cell that reads like one; everything before it belongs to the task.
        if rest and rest[0] and not any(looks_like_deadline(p) for p in split_deadlines(rest[0])):
            k = next((j for j in range(1, len(rest)) if rest[j] and looks_like_deadline(rest[j])), None)
            if k is not None:
                task = " ".join([task, *[x for x in rest[:k] if x]])
                rest = rest[k:]
                flags.append("text_spilled")
        deadline_cell = rest[0] if rest else ""
        dept_cell = " ".join(x for x in rest[1:] if x)
        if not dept_cell:
            dept_cell = last_depts  # an empty cell: merged with the row above
            if dept_cell:
                flags.append("departments_merged")
        last_depts = dept_cell
        n += 1
        deadlines = split_deadlines(deadline_cell)
        sentences = split_sentences(task)
        if len(deadlines) > 1 and len(sentences) == len(deadlines):
            parts = list(zip(sentences, deadlines))
            ids = [f"T{n:02d}{chr(ord('a') + j)}" for j in range(len(parts))]
            flags.append("split_deadline")
        else:
            if len(deadlines) > 1:
                warn.append({"task_id": f"T{n:02d}", "field": "deadline_text", "chosen": deadline_cell,
                             "candidates": "", "scores": "",
                             "reason": "一个单元格有多个时限，但任务句数不同，未拆分"})
            parts = [(task, deadline_cell)]
            ids = [f"T{n:02d}"]
        lab = indicator_label(ind)
        for tid, (t, d) in zip(ids, parts):
            items.append({"task_id": tid, "task": t, "deadline_text": d, "departments_text": dept_cell,
                          "flags": list(flags), "source": f"{name}:L{r.line_no}"})
            printed_ind.append(ind if lab else None)
            printed_sub.append(sub or None)
            pages.append(r.page)

    task_ids = [it["task_id"] for it in items]
    texts = [it["task"] + " " + (s or "") for it, s in zip(items, printed_sub)]
    inds = _assign_labels(printed_ind, pages, texts, "indicator", task_ids, warn)
    subs = _assign_labels(printed_sub, pages, [it["task"] for it in items], "sub_indicator", task_ids, warn)
    # A short sub-indicator label printed on several rows, or just before a page break,
    # may be a name cut in two by the page layout.
    for i, s in enumerate(printed_sub):
        if s and len(s) <= 4:
            warn.append({"task_id": task_ids[i], "field": "sub_indicator", "chosen": s, "candidates": "",
                         "scores": "", "reason": "二级指标名称过短，可能被分页截断"})
    for it, ind, sub in zip(items, inds, subs):
        lab = indicator_label(ind or "")
        it["indicator_no"], it["indicator"] = (lab if lab else (0, ""))
        it["sub_indicator"] = sub or ""
    df = ledger_frame(items, plan_year, roster)
    # attrs hold plain records: pandas compares attrs when concatenating frames.
    df.attrs["warnings"] = warn
    if warn:
        warnings.warn(f"{name}: {len(warn)} uncertain judgement(s) in the text form; "
                      "the ledger workbook is the source of truth (see df.attrs['warnings'])",
                      LedgerParseWarning, stacklevel=2)
    return df


def _is_path(source: str | Path) -> bool:
    return isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and len(source) < 4096)


def parse_warnings(ledger: pd.DataFrame) -> pd.DataFrame:
    """The text parser's uncertain judgements as a table (empty for the workbook form)."""
    return pd.DataFrame(ledger.attrs.get("warnings", []),
                        columns=["task_id", "field", "chosen", "candidates", "scores", "reason"])


# --------------------------------------------------------------------------- building the workbook of record

JUDGEMENT_COLUMNS = ["task_id", "field", "value", "reason"]
_JUDGEABLE = {"indicator_no", "indicator", "sub_indicator"}
_FIELD_LABELS = {"indicator_no": "一级指标", "indicator": "一级指标", "sub_indicator": "二级指标",
                 "deadline_text": "完成时限", "task": "具体任务", "departments_text": "责任部门"}


def apply_judgements(parsed: pd.DataFrame, judgements: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply a person's decisions to the parsed notice; return (ledger, notes for 说明).

    A judgement with a value sets an indicator field; one without a value only records
    why the row reads as it does. Unknown task ids raise: a judgement must not be lost.
    """
    df = parsed.copy()
    names = {int(n): t for n, t in zip(df["indicator_no"], df["indicator"]) if n}
    notes = []
    index = {t: i for i, t in enumerate(df["task_id"])}
    for j in judgements.fillna("").itertuples(index=False):
        if j.task_id not in index:
            raise ValueError(f"judgement for unknown task {j.task_id!r}")
        i = index[j.task_id]
        before = df.at[i, j.field] if j.field in df.columns else ""
        if str(j.value) != "" and j.field in _JUDGEABLE:
            value = int(j.value) if j.field == "indicator_no" else str(j.value)
            df.at[i, j.field] = value
            if j.field == "indicator_no":
                df.at[i, "indicator"] = names[value]
                before = f"{chinese_numeral(int(before))}、{names.get(int(before), '')}" if before else ""
                value = f"{chinese_numeral(value)}、{names[value]}"
            flags = [f for f in str(df.at[i, "flags"]).split(";") if f] + ["indicator_judged"]
            df.at[i, "flags"] = ";".join(dict.fromkeys(flags))
            notes.append([j.task_id, _FIELD_LABELS.get(j.field, j.field), f"文本解析：{before}", f"定为：{value}", j.reason])
        else:
            notes.append([j.task_id, _FIELD_LABELS.get(j.field, j.field), str(before), "照录", j.reason])
    return df, pd.DataFrame(notes, columns=NOTES_HEADER)


def make_ledger_workbook(notice: Path, judgements: Path, out: Path, roster: Roster | None = None) -> Path:
    """Build the ledger workbook of record once: read the notice, apply the judgements, write."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LedgerParseWarning)
        parsed = parse_notice(Path(notice), roster)
    j = pd.read_csv(judgements, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    ledger, notes = apply_judgements(parsed, j[JUDGEMENT_COLUMNS])
    return write_ledger_workbook(ledger, out, notes)
