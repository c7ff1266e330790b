"""A plan held as a grid of cells (a spreadsheet, a Word table) read into ledger items.

The Word and spreadsheet readers turn their file into a `Grid`: cell text with merged
ranges already filled by the reader that knows them, and which rows are one cell spanning
the table. This module finds the header by the words plans use for their columns
(labels.PLAN_FIELD_WORDS: 序号, 重点工作, 具体任务, 牵头单位, 配合单位, 完成时限, 分值 …), reads
spanning rows as indicator headings (`一、组织领导（20分）`), and gives one item per task row.
Separate lead / responsible / helper columns fill those roles directly; a single
department column is read with the department grammar.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .grammar import PEOPLE_LABEL, clean_text, first_unit_leads, indicator_label, numbered, parse_points, split_points
from .labels import PLAN_FIELD_WORDS
from .roster import normalise_name
from .tasktable import FLAGS_HEADER, department_text, split_two_deadlines, warning

_TASK_ID = re.compile(r"^T\d+[a-z]?$")
HEADER_SCAN_ROWS = 30  # a header lower than this is not a header (titles take a few rows)


@dataclass
class Grid:
    name: str                       # file name, for `source`
    sheet: str                      # sheet or table name, '' for a Word table
    rows: list[list[str]]           # cell text; a merged range's value fills every cell of it
    row_numbers: list[int]          # 1-based row number of each row in its source
    spanning: list[bool]            # the row is one cell spanning the table (a heading row)
    above: list[str] = field(default_factory=list)  # text above the table (the title)
    merges_known: bool = True       # False (CSV, text): an empty cell means 'same as above'


def column_letter(n: int) -> str:
    """The spreadsheet column letter of a 1-based column number.

    >>> column_letter(1), column_letter(27)
    ('A', 'AA')
    """
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def header_field(cell: str) -> str | None:
    """The task-table field a header cell names: '牵头单位（部门）' -> 'lead'.

    >>> header_field("牵头单位（部门）"), header_field("备注")
    ('lead', None)
    """
    key = re.sub(r"[（(][^）)]*[）)]", "", normalise_name(cell).replace("\n", ""))
    key = re.sub(r"\s+", "", key)
    if key in PLAN_FIELD_WORDS:
        return PLAN_FIELD_WORDS[key]
    if key == FLAGS_HEADER:
        return "flags"
    hits = [w for w in PLAN_FIELD_WORDS if w in key and len(w) >= 2]
    if hits and len(key) <= 12:
        return PLAN_FIELD_WORDS[max(hits, key=len)]
    return "leaders" if PEOPLE_LABEL.match(key) else None


def _two_row_header(rows: list[list[str]], i: int) -> list[str] | None:
    """A header whose merged cell (责任单位) is split by a second row (牵头单位 | 配合单位)."""
    if i + 1 >= len(rows):
        return None
    top, below = rows[i], rows[i + 1]
    if not any(below) or not all(header_field(c) for c in below if c):
        return None
    merged = list(top) + [""] * (len(below) - len(top))
    for j, c in enumerate(below):
        if c and c != merged[j]:
            merged[j] = c
    return merged


def find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """(row index, {field: column index}) of the first row that reads as a ledger header.

    A two-row header (责任单位 over 牵头单位 | 配合单位) is read as one: its index is the second row.

    >>> find_header([["附件"], ["序号", "工作任务", "完成时限", "责任单位"]])
    (1, {'task': 1, 'task_id': 0, 'deadline': 2, 'responsible': 3})
    """
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        two = _two_row_header(rows, i) if any(row) and all(header_field(c) for c in row if c) else None
        if two is not None:
            rows[i + 1] = two
            continue
        fields: list[tuple[str, int]] = [(f, j) for j, c in enumerate(row) if c and (f := header_field(c))]
        names = [f for f, _ in fields]
        has_task = "task" in names or names.count("indicator") >= 1
        has_other = any(f in names for f in ("lead", "responsible", "cooperating", "deadline"))
        if not (has_task and has_other and len(set(names)) >= 3):
            continue
        cols: dict[str, int] = {}
        ind_cols = [j for f, j in fields if f == "indicator"]
        if "task" not in names and ind_cols:
            cols["task"] = ind_cols.pop()  # 序号/工作任务/牵头单位: the only task-ish column is the task
        if ind_cols:
            cols["indicator"] = ind_cols[0]
            if len(ind_cols) > 1 and "sub_indicator" not in names:
                cols["sub_indicator"] = ind_cols[1]
        for f, j in fields:
            if f != "indicator":
                cols.setdefault(f, j)
        return i, cols
    return None


def _heading(text: str) -> tuple[str | None, str, float | None]:
    """A spanning row's text -> (numbering style, title, points)."""
    title, points = split_points(text)
    got = numbered(title)
    return (got[0], title, points) if got else (None, title, points)


def items_from_grid(grid: Grid) -> tuple[list[dict], list[dict], bool] | None:
    """Items, warnings and whether the first unit of a list leads; None when no header is found.

    Example::

        grid = Grid("plan.xlsx", "Sheet1", rows, row_numbers=[1, 2, ...], spanning=[False, ...])
        items, warns, first_leads = items_from_grid(grid)   # None when no row reads as a header
    """
    found = find_header(grid.rows)
    if found is None:
        return None
    h, cols = found
    header = grid.rows[h]

    def cell(row: list[str], f: str) -> str:
        j = cols.get(f)
        return row[j] if j is not None and j < len(row) else ""

    def heading_of(k: int, row: list[str]) -> str | None:
        """The heading a row is (一、组织领导（20分）), or None for a task row."""
        values = [c for c in row if c]
        if not values:
            return None
        dept_cells = [cell(row, f) for f in ("lead", "responsible", "cooperating", "deadline", "points")]
        head = numbered(values[0])
        filled = [j for j, c in enumerate(row) if c]
        seq = cell(row, "task_id")
        if grid.spanning[k] or (len(set(values)) == 1 and not any(dept_cells) and head is not None
                                and head[0] in ("part", "cn", "cn_paren") and len(values[0]) <= 40):
            return values[0]
        if not any(dept_cells) and len(filled) == 1 and filled[0] != cols.get("task") and len(values[0]) <= 40:
            return values[0]  # a heading typed in its first cell, not merged across
        if not any(dept_cells) and seq and re.fullmatch(r"[（(]?[一二三四五六七八九十]+[）)]?[、.．]?", seq):
            # 序号 一 / （一）: a heading row whose title sits in the next cell
            rest = " ".join(dict.fromkeys(c for j, c in enumerate(row) if c and j != cols.get("task_id")))
            paren = "（" in seq or "(" in seq
            return ("（" if paren else "") + seq.strip("（()）、.．") + ("）" if paren else "、") + rest
        return None

    if "indicator" in cols and "sub_indicator" not in cols and any(
            (t := heading_of(k, grid.rows[k])) and numbered(t) and numbered(t)[0] in ("part", "cn")
            for k in range(h + 1, len(grid.rows))):
        # headings of their own rows (一、…) are the indicators, the 重点工作 column the sub-indicator
        cols["sub_indicator"] = cols.pop("indicator")
    above = [*grid.above, *(" ".join(c for c in r if c) for r in grid.rows[:h])]
    separate_roles = any(f in cols for f in ("lead", "cooperating"))
    role_words = {f: normalise_name(header[cols[f]]) for f in ("lead", "responsible", "cooperating") if f in cols}
    items: list[dict] = []
    warns: list[dict] = []
    ind_names: dict[str, int] = {}
    ind_points: dict[str, float] = {}
    cur_ind = cur_sub = ""
    cur_ind_no = 0
    seen_cn = False
    cur_ind_text = ""
    last_depts: dict[str, str] = {}
    all_text = "\n".join(above)

    def set_indicator(text: str) -> None:
        nonlocal cur_ind, cur_ind_no, cur_sub
        title, points = split_points(text)
        lab = indicator_label(title)
        name = lab[1] if lab else title
        if name not in ind_names:
            ind_names[name] = lab[0] if lab else len(ind_names) + 1
        cur_ind, cur_ind_no = name, ind_names[name]
        if points is not None:
            ind_points[name] = points
        cur_sub = ""

    n = 0
    for k in range(h + 1, len(grid.rows)):
        row = grid.rows[k]
        if [normalise_name(c) for c in row[: len(header)]] == [normalise_name(c) for c in header]:
            continue  # the header repeated on every page
        values = [c for c in row if c]
        if not values:
            continue
        all_text += "\n" + " ".join(dict.fromkeys(values))
        heading_text = heading_of(k, row)
        if heading_text is not None:
            style, title, _ = _heading(heading_text)
            if style == "cn_paren" and seen_cn:
                cur_sub = split_points(numbered(title)[2])[0] if numbered(title) else title
            else:
                seen_cn |= style in ("cn", "part")
                set_indicator(heading_text)
            continue
        task = cell(row, "task")
        if not task:
            continue
        ind_cell = cell(row, "indicator")
        if ind_cell and ind_cell != cur_ind_text:
            set_indicator(ind_cell)
            cur_ind_text = ind_cell
        sub_cell = cell(row, "sub_indicator")
        if "sub_indicator" in cols and grid.merges_known:
            cur_sub = sub_cell  # merged cells were filled by the reader: an empty one is empty
        elif sub_cell:
            cur_sub = sub_cell
        n += 1
        raw_id = cell(row, "task_id")
        tid = raw_id if _TASK_ID.fullmatch(raw_id or "") else f"T{n:02d}"
        flags = [f for f in cell(row, "flags").split(";") if f]
        if not grid.merges_known and not grid.sheet and items and not any(
                cell(row, f) for f in ("lead", "responsible", "cooperating")):
            # extracted text: an empty department cell was merged with the one above
            for f in ("lead", "responsible", "cooperating"):
                if f in cols:
                    row[cols[f]] = last_depts.get(f, "")
            flags.append("departments_merged")
        last_depts = {f: cell(row, f) for f in ("lead", "responsible", "cooperating")}
        if separate_roles:
            depts = department_text(cell(row, "lead"), cell(row, "responsible"), cell(row, "cooperating"),
                                    words=role_words)
        else:
            depts = cell(row, "responsible")
        pts = parse_points(cell(row, "points")) if "points" in cols else None
        if pts is None:
            pts = split_points(task)[1]
        if not cur_ind:
            flags.append("no_indicator")
        tcol = cols.get("task", 0) + 1
        items.append({
            "task_id": tid, "indicator_no": cur_ind_no or 1, "indicator": cur_ind or "未分类任务",
            "sub_indicator": cur_sub, "task": task, "deadline_text": cell(row, "deadline"),
            "departments_text": depts, "flags": flags, "points": pts, "leaders": cell(row, "leaders"),
            "source": f"{grid.name}!{grid.sheet}!{column_letter(tcol)}{grid.row_numbers[k]}" if grid.sheet
                      else f"{grid.name}:R{grid.row_numbers[k]}",
        })
    # An indicator's points belong to its task when it has just one and no points of its own.
    for name, pts in ind_points.items():
        mine = [it for it in items if it["indicator"] == name]
        if len(mine) == 1 and mine[0]["points"] is None:
            mine[0]["points"] = pts
        elif mine and all(it["points"] is None for it in mine):
            warns.append(warning(mine[0]["task_id"], "points", "", f"{name}：{pts:g}分",
                                 "一级指标的分值未分到各项任务：points 留空"))
    ids = [it["task_id"] for it in items]
    if len(set(ids)) != len(ids):  # a 序号 column repeated: number the tasks instead
        for i, it in enumerate(items, start=1):
            it["task_id"] = f"T{i:02d}"
    items, split_warns = split_two_deadlines(items)
    return items, warns + split_warns, first_unit_leads(all_text)


def clean_rows(rows: list[list[object]]) -> list[list[str]]:
    """Cell values as clean text (HTML stripped, whitespace normalised), trailing blanks cut.

    >>> clean_rows([["<b>序号</b>", " 任务 ", None, ""]])
    [['序号', '任务']]
    """
    out = []
    for r in rows:
        cells = [clean_text(v)[0] for v in r]
        while cells and not cells[-1]:
            cells.pop()
        out.append(cells)
    return out
