"""A plan written as a list (text) read into the task table.

Numbered items (`1.` `1、` `（1）`) under headings (`第一部分` `一、` `（一）`), each followed by
lines such as 牵头单位： 责任单位： 配合单位： 完成时限： 分管领导：, or carrying its departments
in a trailing parenthesis (`（县发改委、人行XX分行牵头负责）`, `（A牵头，B配合）`). Numbering follows
the official order (第一部分 > 一、 > （一） > 1. > （1） > ①). A task is an item that carries
departments or a deadline, or a sibling of one; items of sections that carry none (总体要求,
保障措施) are not tasks. The two headings nearest a task are its indicator and
sub-indicator. A page flattened onto one line is cut back into lines at its numbers and
field labels first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .grammar import (
    HEADING_STYLES, clean_text, first_unit_leads, is_page_number, label_field, looks_like_deadline, numbered,
    split_outside_brackets, split_points,
)
from .labels import PLAN_FIELD_WORDS
from .roster import Roster, load_roster, normalise_name
from .tasktable import LedgerReader, finish_table, split_two_deadlines, warning

if TYPE_CHECKING:  # only the annotations name pandas: reading a plan imports it where a table is built
    import pandas as pd

_ORDER = {style: i for i, (style, _) in enumerate(HEADING_STYLES)}
_PARA = len(_ORDER)  # an unnumbered task paragraph: below every numbered level
_HEADING_STYLES = {"part", "cn", "cn_paren"}
_LINE_FIELDS = ("lead", "responsible", "cooperating", "deadline", "leaders", "points")
_LABELS = sorted((w for w, f in PLAN_FIELD_WORDS.items() if f in _LINE_FIELDS), key=len, reverse=True)
_PEOPLE = r"(?:分管|牵头|责任|主要|包联)[^：:，,、。；\s]{0,4}(?:领导|县长|市长|区长|局长|厅长|主任|书记)"
_LABEL_RE = "|".join([*map(re.escape, _LABELS), _PEOPLE])
_FIELD_LINE = re.compile(rf"^\s*(?P<label>{_LABEL_RE})\s*[：:]\s*(?P<value>.*)$")
_CN = "一二三四五六七八九十"
_CUT_MARKER = re.compile(
    rf"(?:(?<=[\s。；;！!？?])|(?<=^))(?=(?:第[{_CN}]+部分|[{_CN}]{{1,3}}、|[（(][{_CN}]{{1,3}}[）)]|"
    rf"\d{{1,2}}(?:[、．]|\.(?!\d))|[（(]\d{{1,2}}[）)]|[①-⑳]))")
_CUT_LABEL = re.compile(rf"(?<=[\s。；;，,])(?=(?:{_LABEL_RE})\s*[：:])")
_TRAILING_PAREN = re.compile(r"[（(]((?:[^（）()]|[（(][^（）()]*[）)])*)[）)]\s*[。；;.]?\s*$")
_ROLE_WORDS = re.compile(r"牵头|负责|配合|落实|责任|协同|协助|参与")
_DEADLINE_IN_TASK = re.compile(
    r"((?:\d{4}\s*年\s*(?:底|末)|(?:\d{4}\s*年\s*)?(?:\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?(?:底|末|中旬|上旬|下旬)?|年底|年末|上半年|下半年|"
    r"(?:第)?[一二三四]季度(?:末)?))\s*(?:前|之前|以前)(?:完成|出台|建成|实现)?|"
    r"(?:上半年|下半年|年内|年底)(?=完成)|\d{4}\s*年\s*\d{1,2}\s*月(?:底|末)?(?=完成|建成|出台|实现)|"
    r"(?<=[（(])(?:长期坚持|持续推进)(?=[）)]))")


@dataclass
class _Node:
    style: str
    number: int
    level: int
    line_no: int
    text: list[str]
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)  # the label words as written

    @property
    def body(self) -> str:
        """Its lines joined: no space between two Chinese characters (a wrapped line)."""
        out = ""
        for t in self.text:
            t = t.strip()
            if out and t and not (_cjk(out[-1]) and _cjk(t[0])):
                out += " "
            out += t
        return out


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "，。；：、（）“”"


def _cut_outside_brackets(pattern: re.Pattern, text: str) -> list[str]:
    """Split where `pattern` matches (a zero-width cut), except inside （…）: a parenthesis
    holding '牵头单位：…；完成时限：…' belongs to its task."""
    cuts, depth, last = [], 0, 0
    depth_at = []
    for ch in text:
        depth_at.append(depth)
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
    for m in pattern.finditer(text):
        if m.start() > last and depth_at[m.start()] == 0:
            cuts.append(m.start())
            last = m.start()
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


def cut_lines(text: str) -> list[tuple[int, str]]:
    """(line number, segment): each line cut before heading/item numbers and field labels.

    >>> cut_lines("一、加强组织领导\\n1.建立制度 责任单位：运管科")
    [(1, '一、加强组织领导'), (2, '1.建立制度'), (2, '责任单位：运管科')]
    """
    out = []
    for no, line in enumerate(text.splitlines(), start=1):
        line = clean_text(line)[0] if "<" in line else line.strip().replace("\u3000", " ")
        if not line or is_page_number(line):
            continue
        pieces = _cut_outside_brackets(_CUT_MARKER, line) if len(line) > 40 else [line]
        for piece in pieces:
            for seg in _cut_outside_brackets(_CUT_LABEL, piece):
                seg = seg.strip().rstrip("，,")
                if seg:
                    out.append((no, seg))
    return out


def _department_paren(text: str, roster: Roster) -> tuple[str, str, str] | None:
    """(task without it, departments, deadline) when the task ends in a department parenthesis."""
    m = _TRAILING_PAREN.search(text)
    if not m:
        return None
    inner = m.group(1).strip()
    if not inner or re.fullmatch(r"\d+(?:\.\d+)?\s*分", inner):
        return None
    clauses = [c.strip() for c in split_outside_brackets(inner, "，,；;") if c.strip()]
    deadline, depts = [], []
    for c in clauses:
        fm = _FIELD_LINE.match(c)
        if fm and label_field(fm.group("label")) == "deadline":
            deadline.append(fm.group("value").strip())  # （…；完成时限：6月底前）
        elif looks_like_deadline(c) and not fm:
            deadline.append(c)
        else:
            depts.append(c)
    if not depts:
        return None
    dept_text = "；".join(depts) if any(_FIELD_LINE.match(c) for c in depts) else "，".join(depts)
    names = [normalise_name(p) for p in split_outside_brackets(dept_text, "、，,") if normalise_name(p)]
    if not (_ROLE_WORDS.search(dept_text) or (names and all(roster.resolve(n) for n in names))
            or _FIELD_LINE.match(dept_text)):
        return None
    return text[: m.start()].rstrip(), dept_text, "，".join(deadline)


def _title(node: _Node) -> str:
    """A heading's title: its first sentence, without points."""
    t = node.body
    first = re.split(r"[。；;]", t, maxsplit=1)[0] if len(t) > 30 else t
    return split_points(first.strip())[0]


def _parse_tree(segments: list[tuple[int, str]]) -> tuple[_Node, list[str]]:
    root = _Node("root", 0, -1, 0, [])
    preamble: list[str] = []
    stack = [root]
    pending: tuple[_Node, str, str] | None = None  # a label whose value is on the next line
    for no, seg in segments:
        m = _FIELD_LINE.match(seg)
        cur = stack[-1]
        if m and cur is not root:
            role = label_field(m.group("label"))
            value = m.group("value").strip().rstrip("。；;")
            if value:
                cur.fields.setdefault(role, []).append(value)
                cur.labels.setdefault(role, []).append(m.group("label"))
                pending = None
            else:
                pending = (cur, role, m.group("label"))
            continue
        if pending is not None and numbered(seg) is None:
            node, role, label = pending
            node.fields.setdefault(role, []).append(seg.rstrip("。；;"))
            node.labels.setdefault(role, []).append(label)
            pending = None
            continue
        pending = None
        got = numbered(seg)
        if got is not None and not (got[0] == "num" and seg[:4].isdigit()):
            style, n, rest = got
            level = _ORDER[style]
            while stack[-1].level >= level:
                stack.pop()
            node = _Node(style, n, level, no, [rest] if rest else [], stack[-1])
            stack[-1].children.append(node)
            stack.append(node)
            continue
        if cur is root:
            preamble.append(seg)
        elif cur.fields:
            # a plain paragraph after a task's field lines is the next (unnumbered) task
            parent = cur.parent
            while stack[-1] is not cur:
                stack.pop()
            stack.pop()
            node = _Node("para", 0, _PARA, no, [seg], parent)
            parent.children.append(node)
            stack.append(node)
        elif cur.style in _HEADING_STYLES and len(cur.body) <= 30 and "。" not in cur.body and len(seg) > 15:
            node = _Node("para", 0, _PARA, no, [seg], cur)  # a heading, then its task as a paragraph
            cur.children.append(node)
            stack.append(node)
        else:
            cur.text.append(seg)
    return root, preamble


def _walk(node: _Node):
    for c in node.children:
        yield c
        yield from _walk(c)


def _chain(node: _Node) -> list[_Node]:
    out = []
    p = node.parent
    while p is not None and p.style != "root":
        out.append(p)
        p = p.parent
    return out[::-1]


def read_list_plan(path: str | Path, year: int | None = None, roster: Roster | None = None,
                   text: str | None = None) -> pd.DataFrame:
    """Read a list-form plan (text, or the paragraphs of a Word file) into the task table.

    Example::

        df = read_list_plan(Path("plan_2022.txt"))   # 一、… / 1.… / 责任单位：… lines
        df[["task_id", "deadline_text", "lead"]].head()
    """
    from .notice import read_text

    path = Path(path)
    roster = roster or load_roster()
    text = read_text(path) if text is None else text
    root, preamble = _parse_tree(cut_lines(text))
    nodes = list(_walk(root))
    parens = {id(n): _department_paren(n.body, roster) for n in nodes}

    def has_info(n: _Node) -> bool:
        return any(k in n.fields for k in ("lead", "responsible", "cooperating", "deadline")) or bool(parens[id(n)])

    informed = [n for n in nodes if has_info(n)]
    if informed:
        groups = {(id(n.parent), n.style) for n in informed}
        tasks = [n for n in nodes if has_info(n) or ((id(n.parent), n.style) in groups and n.style != "para")]
    else:
        tasks = [n for n in nodes if not n.children]
    task_ids = {id(n) for n in tasks}
    items: list[dict] = []
    warns: list[dict] = []
    ind_numbers: dict[tuple[int, str], int] = {}
    ind_points: dict[str, float] = {}
    for k, n in enumerate(tasks, start=1):
        tid = f"T{k:02d}"
        # sub-items of a task (its own （1）…) are part of its text
        extra = [c.body for c in _walk(n) if id(c) not in task_ids]
        body = " ".join([n.body, *extra]).strip()
        flags: list[str] = []
        deadline = "；".join(n.fields.get("deadline", []))
        paren = parens[id(n)]
        if paren and not any(r in n.fields for r in ("lead", "responsible", "cooperating")):
            body, dept_text, paren_deadline = paren[0] + (" " + " ".join(extra) if extra else ""), paren[1], paren[2]
            deadline = deadline or paren_deadline
            flags.append("departments_in_parenthesis")
        else:
            parts = []
            for role in ("lead", "responsible", "cooperating"):
                for label, value in zip(n.labels.get(role, []), n.fields.get(role, [])):
                    parts.append(f"{label}：{value}")
            dept_text = "；".join(parts)
        if not deadline:
            m = _DEADLINE_IN_TASK.search(body)
            if m:
                deadline = m.group(1)
                flags.append("deadline_from_task")
                warns.append(warning(tid, "deadline_text", deadline, "", "未写完成时限：取自任务文字"))
        body_clean, own_points = split_points(body)
        pts = own_points
        if "points" in n.fields:
            from .grammar import parse_points

            pts = parse_points(n.fields["points"][0])
        chain = [c for c in _chain(n) if c.style in _HEADING_STYLES or c.style in ("num", "num_paren")]
        heads = [c for c in chain]
        ind = heads[-2] if len(heads) >= 2 else (heads[-1] if heads else None)
        sub = heads[-1] if len(heads) >= 2 else None
        if ind is None and n.style in _HEADING_STYLES:
            # 一、加强组织领导。成立…（牵头单位：…）: a heading that is itself the task names its indicator
            ind_name, ind_no = _title(n), n.number or 1
        elif ind is None:
            flags.append("no_indicator")
            ind_name, ind_no = "未分类任务", 1
        else:
            ind_name = _title(ind)
            key = (id(ind.parent), ind_name)
            ind_no = ind_numbers.setdefault(key, ind.number or len(ind_numbers) + 1)
            p = split_points(ind.body.split("。")[0])[1]
            if p is not None:
                ind_points[ind_name] = p
        items.append({
            "task_id": tid, "indicator_no": ind_no, "indicator": ind_name,
            "sub_indicator": _title(sub) if sub is not None else "", "task": body,
            "deadline_text": deadline, "departments_text": dept_text, "flags": flags,
            "points": pts, "leaders": ";".join(n.fields.get("leaders", [])),
            "source": f"{path.name}:L{n.line_no}",
        })
    for name, p in ind_points.items():
        mine = [it for it in items if it["indicator"] == name]
        if len(mine) == 1 and mine[0]["points"] is None:
            mine[0]["points"] = p
    items, split_warns = split_two_deadlines(items)
    warns += split_warns
    title = preamble[:15]
    return finish_table(items, warns, name=path.name, title_lines=title, roster=roster, year=year,
                        first_leads=first_unit_leads(text))


def _accepts(path: Path) -> bool:
    return True  # text that is not a table (notice.py declines it) is read as a list


READER = LedgerReader("text list", (".txt", ".text", ""), _accepts,
                      lambda path, year, roster: read_list_plan(path, year, roster))
