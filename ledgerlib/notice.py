"""A plan's text whose ledger is a table (the notice as received) read into the task table.

The text has the table header repeated on every page, empty cells where the original had
merged cells, HTML fragments, a task whose text spilled into the deadline column, and one
cell holding two deadlines. Indicator labels are often printed on a middle row of their
block, so each unlabelled row is decided by comparing its words with the labels above and
below, and every uncertain choice is a warning (`parse_warnings`). A table flattened one
cell a line or a page a line is regrouped first (`unflatten`); a table in a bureau's own
column words goes to plan_grid. The ledger workbook of record is built from this reading
plus a person's judgements (ledger.make_ledger_workbook).

>>> parse_notice("data/raw/anyang_credit_ledger_2021_notice.txt").loc[0, "task_id"]   # doctest: +SKIP
'T01'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .grammar import (
    clean_text, is_page_number, indicator_label, looks_like_deadline, numbered, split_deadlines, title_years,
)
from .labels import LEDGER_HEADER, PLAN_FIELD_WORDS, PLAN_MESSAGES
from .plan_grid import Grid, header_field, items_from_grid
from .roster import Roster, load_roster, normalise_name
from .tasktable import (  # noqa: F401  (parse_warnings re-exported)
    LedgerParseWarning, LedgerReader, finish_table, parse_warnings, split_sentences,
)

if TYPE_CHECKING:  # only the annotations name pandas: reading a plan imports it where a table is built
    import pandas as pd

TEXT_SUFFIXES = (".txt", ".text", "")


def read_text(path: Path) -> str:
    """A text file as UTF-8 (BOM or not), GB18030 or UTF-16 with BOM, the encodings plans arrive in.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "plan.txt"
    >>> _ = p.write_bytes("工作要点".encode("gb18030"))
    >>> read_text(p)
    '工作要点'
    """
    raw = Path(path).read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Notepad's and Word's "Unicode" text
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw[:4096]:
        raise ValueError(PLAN_MESSAGES["not_text"].format(name=Path(path).name))
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValueError(PLAN_MESSAGES["not_utf8"].format(name=Path(path).name))


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


def _is_classic_header(cells: list[str]) -> bool:
    return [normalise_name(c) for c in cells[:5]] == LEDGER_HEADER


def _notice_rows(lines: list[str]) -> tuple[list[_RawRow], list[str]]:
    """Table rows of the notice (header lines dropped) and the lines above the table."""
    rows: list[_RawRow] = []
    above: list[str] = []
    page = 0
    in_table = False
    for no, line in enumerate(lines, start=1):
        cells = [c.strip() for c in line.split("\t")]
        if _is_classic_header(cells):
            in_table = True
            page += 1
            continue
        if not in_table:
            above.append(line)
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
    return rows, above


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


def parse_notice(source: str | Path, roster: Roster | None = None, year: int | None = None) -> pd.DataFrame:
    """Read a plan's text holding its ledger as a table; `parse_warnings(df)` lists every uncertain judgement.

    The table may be tab-separated (as extracted from the published notice), or flattened
    one cell a line or a page a line; a header other than the notice's own five columns
    (序号/重点工作/牵头单位/配合单位 …) is read by plan_grid.

    Example::

        df = parse_notice(Path("data/raw/anyang_credit_ledger_2021_notice.txt"))
        len(df), parse_warnings(df).shape[0]   # -> (39, 53): 39 tasks, 53 uncertain judgements
    """
    text = read_text(Path(source)) if _is_path(source) else str(source)
    name = Path(source).name if _is_path(source) else "notice"
    roster = roster or load_roster()
    lines = ["" if is_page_number(line) else line for line in text.splitlines()]  # keeps line numbers
    if not any(_is_classic_header(line.split("\t")) for line in lines):
        lines = unflatten(lines, roster)
    if not any(_is_classic_header(line.split("\t")) for line in lines):
        return _read_other_table(lines, name, roster, year)
    rows, above = _notice_rows(lines)

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
    return finish_table(items, warn, name=name, title_lines=above, roster=roster, year=year)


def _is_path(source: str | Path) -> bool:
    return isinstance(source, Path) or (isinstance(source, str) and "\n" not in source and len(source) < 4096)


def _read_other_table(lines: list[str], name: str, roster: Roster, year: int | None) -> pd.DataFrame:
    """A tab-separated table whose header is not the notice's: read it as a grid (no merges)."""
    rows = [[clean_text(c)[0] for c in line.split("\t")] for line in lines]
    width = max((len([c for c in r if c]) for r in rows), default=0)
    spanning = [len([c for c in r if c]) == 1 and width >= 3 and numbered(next(c for c in r if c)) is not None
                for r in rows]
    grid = Grid(name, "", rows, list(range(1, len(rows) + 1)), spanning, merges_known=False)
    got = items_from_grid(grid)
    if got is None or not got[0]:
        from .plan_list import read_list_plan  # header words, but no table under them: a list

        return read_list_plan(Path(name), year, roster, text="\n".join(lines))
    items, warns, first_leads = got
    for it in items:
        it["source"] = it["source"].replace(":R", ":L")
    above = [line for line in lines[:40] if "\t" not in line]
    return finish_table(items, warns, name=name, title_lines=above, roster=roster, year=year, first_leads=first_leads)


# --------------------------------------------------------------------------- flattened tables

def _header_cells(line: str) -> list[str] | None:
    """The header words of a line that is only header words (tab, space or one per line)."""
    cells = [c for c in re.split(r"[\t ]+|\u3000+", line.strip()) if c]
    if cells and all(header_field(c) for c in cells):
        return cells
    return None


_UNIT_SUFFIX = re.compile(r"(科|局|处|中心|室|队|站|办|委|会|单位|部门|支行|分行|所|院|组|成员|政府|公司)$")


def _looks_like_departments(text: str, roster: Roster) -> bool:
    """A cell that names departments: every clause's names are units (known, or unit-like)."""
    t = text.strip()
    if not t or t.endswith("。") or len(t) > 200:
        return False  # task text ends with 。, a department cell does not
    from .grammar import split_outside_brackets

    seen = 0
    for clause in split_outside_brackets(t, "，,；;"):
        head = re.split(r"牵头|按照|根据|分别|负责|落实|配合|协同", clause, maxsplit=1)[0]
        names = [normalise_name(n) for n in split_outside_brackets(head, "、及") if normalise_name(n)]
        if not names:
            continue
        if not all(roster.resolve(n) or _UNIT_SUFFIX.search(n) for n in names):
            return False
        seen += 1
    return seen > 0


def _leading_header(words: list[str]) -> int:
    """How many of the first words are a ledger header (0 when they are not one)."""
    k = 0
    while k < len(words) and words[k].strip() in PLAN_FIELD_WORDS:
        k += 1
    fields = {PLAN_FIELD_WORDS[w.strip()] for w in words[:k]}
    ok = k >= 3 and fields & {"task", "indicator"} and fields & {"lead", "responsible", "cooperating", "deadline"}
    return k if ok else 0


def unflatten(lines: list[str], roster: Roster) -> list[str]:
    """A table flattened one cell a line, or a page a line, back into tab-separated rows.

    Each cell is classed by what it reads as (indicator label, deadline, departments, or
    text); a row ends where the next cell belongs to a column at or left of the current
    one. Only the notice's own layout (一级指标 … 责任部门) is regrouped this way.

    Example::

        unflatten(["序号", "工作任务", "完成时限", "责任单位", "1", "建立制度", "6月底前", "运管科"], roster)
        # -> ['序号\\t工作任务\\t完成时限\\t责任单位', '1\\t建立制度\\t6月底前\\t运管科']
    """
    for i, line in enumerate(lines):
        words = [w for w in re.split(r"[\t \u3000]+", line.strip()) if w]
        k = _leading_header(words)
        if k:
            header, before, rest = words[:k], lines[:i], [*words[k:], *lines[i + 1:]]
            break
        run = [x.strip() for x in lines[i:i + 8]]
        k = _leading_header(run)
        if k:
            header, before, rest = run[:k], lines[:i], lines[i + k:]
            break
    else:
        return lines
    fields = [PLAN_FIELD_WORDS[h] for h in header]
    classic = fields == ["indicator", "sub_indicator", "task", "deadline", "responsible"]
    if not classic and sum("\t" in line for line in rest) > len([x for x in rest if x.strip()]) // 2:
        return lines  # already a tab-separated table
    cells: list[str] = []
    for line in rest:
        line = line.strip()
        parts = [w for w in re.split(r"[\t ]+", line) if w] if len(line) > 200 or "\t" in line else [line]
        for p in parts:
            if p and p not in PLAN_FIELD_WORDS:  # the header repeated on every page is dropped
                cells.append(p)
    if classic:
        return [*before, "\t".join(LEDGER_HEADER), *_regroup(cells, roster)]
    return [*before, "\t".join(header), *_regroup_by_header(cells, fields, roster)]


def _regroup_by_header(cells: list[str], fields: list[str], roster: Roster) -> list[str]:
    """Cells in reading order -> rows for a table in a bureau's own columns (序号 … 完成时限).

    Each cell goes to the next column of its kind (a number, a deadline, departments, or
    text); a 序号 number, or a cell whose column has already passed, starts the next row.
    Cells of merged blocks are missing: the reader fills them from the row above.
    """
    kind_of = {"task_id": "num", "points": "num", "deadline": "deadline", "lead": "dept",
               "responsible": "dept", "cooperating": "dept"}
    kinds = [kind_of.get(f, "text") for f in fields]

    def kind(text: str) -> str:
        t = clean_text(text)[0]
        if re.fullmatch(r"\d{1,3}(?:\.\d+)?\s*分?", t):
            return "num"
        if looks_like_deadline(t) and not t.endswith("。"):
            return "deadline"
        if _looks_like_departments(t, roster):
            return "dept"
        return "text"

    rows: list[list[str]] = []
    cur = [""] * len(fields)
    pos = -1
    for i, c in enumerate(cells):
        k = kind(c)
        if k == "num" and "task_id" in fields and pos >= 0 and fields.index("task_id") <= pos \
                and "." not in c and "分" not in c:
            rows.append(cur)  # the next 序号
            cur, pos = [""] * len(fields), -1
        if k == "text":
            texts = [j for j in range(pos + 1, len(fields)) if kinds[j] == "text"]
            if not texts:
                rows.append(cur)
                cur, pos = [""] * len(fields), -1
                texts = [j for j in range(len(fields)) if kinds[j] == "text"]
            nxt = kind(cells[i + 1]) if i + 1 < len(cells) else ""
            long = len(clean_text(c)[0]) > 20 or "。" in c
            task_col = next((j for j in texts if fields[j] == "task"), texts[-1])
            j = task_col if (long or nxt != "text") and task_col in texts else texts[0]
        else:
            same = [j for j in range(pos + 1, len(fields)) if kinds[j] == k]
            if not same:
                rows.append(cur)
                cur, pos = [""] * len(fields), -1
                same = [j for j in range(len(fields)) if kinds[j] == k]
            if not same:
                continue  # a cell of a kind this table has no column for
            j = same[0]
        cur[j] = c
        pos = j
    if any(cur):
        rows.append(cur)
    return ["\t".join(r) for r in rows if any(r)]


def _regroup(cells: list[str], roster: Roster) -> list[str]:
    """Cells in reading order -> rows, by the column each cell reads as (notice layout)."""
    def deadline_like(text: str) -> bool:
        return looks_like_deadline(text) and not text.endswith("。")

    def col(c: str, nxt: str | None, last: int) -> int:
        # A deadline or a department cell only ever follows its row's task (or a deadline).
        text = clean_text(c)[0]
        if indicator_label(text) and len(text) <= 40:
            return 0
        if last in (2, 3):
            if deadline_like(text):
                return 3
            if _looks_like_departments(text, roster):
                return 4
            if last == 2:
                return 3  # task text that spilled into the next cell
        if last == 1:
            return 2
        nxt_text = clean_text(nxt)[0] if nxt else ""
        if len(text) <= 20 and "。" not in text and nxt and not deadline_like(nxt_text) \
                and not indicator_label(nxt_text):
            return 1
        return 2

    rows: list[list[str]] = []
    cur: list[str] = []
    last = -1
    for i, c in enumerate(cells):
        j = col(c, cells[i + 1] if i + 1 < len(cells) else None, last)
        if j == 3 and last == 3 and cur and deadline_like(clean_text(cur[-1])[0]) and deadline_like(c):
            cur[-1] = f"{cur[-1]} {c}"  # two deadlines in one cell: '2020年4月 持续推进'
            continue
        if j <= last and not (j == 3 and last == 3):
            rows.append(cur)
            cur, last = [], -1
        while len(cur) < j:
            cur.append("")
        cur.append(c)
        last = j
    if cur:
        rows.append(cur)
    return ["\t".join(r) for r in rows]


def _accepts(path: Path) -> bool:
    """A text plan whose ledger is a table (a header line, or header words one a line)."""
    try:
        lines = read_text(path).splitlines()
    except (OSError, ValueError):
        return False
    if any(_is_classic_header(line.split("\t")) for line in lines):
        return True
    for i, line in enumerate(lines):
        words = [w for w in re.split(r"[\t \u3000]+", line.strip()) if w]
        if _leading_header(words) or _leading_header(lines[i:i + 10]):
            return True
    return False


READER = LedgerReader("text table", TEXT_SUFFIXES, _accepts,
                      lambda path, year, roster: parse_notice(Path(path), roster, year))
