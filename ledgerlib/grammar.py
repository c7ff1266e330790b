"""The words plans are written in: headings, deadlines, recurrence, departments, plan year.

Every ledger reader (text table, text list, Word, spreadsheet) cuts a plan into cells and
lines; this module says what those cells mean, the same way for every form. Each parser
returns a value plus flags and never raises on odd text: a deadline nobody wrote is
`unspecified` (flagged), a name the roster does not know is kept as written and listed.
The Chinese words themselves live in labels.py (PLAN_FIELD_WORDS) and here as patterns.

>>> parse_deadline("6月底前", 2022).due
Timestamp('2022-06-30 00:00:00')
"""
from __future__ import annotations

import calendar
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from .roster import Roster, normalise_name

if TYPE_CHECKING:  # pandas is imported where a deadline's Timestamp is made (parse_deadline)
    import pandas as pd

# --------------------------------------------------------------------------- cells

_TAG = re.compile(r"</?\s*[a-zA-Z][^>]*>")
_WS = re.compile(r"[ \t\u3000\xa0]+")


def clean_text(value: object) -> tuple[str, bool]:
    """Strip HTML tags/entities and normalise whitespace; also say whether HTML was there.

    >>> clean_text("<p>市&nbsp;交通局</p>")
    ('市 交通局', True)
    """
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return "", False
    s = str(value)
    had_html = bool(_TAG.search(s))
    s = html.unescape(_TAG.sub(" ", s))
    s = _WS.sub(" ", s.replace("\r", " ").replace("\n", " ")).strip()
    return s, had_html


_PAGE_NUMBER = re.compile(r"^\s*(?:[—－\-–~]+\s*\d{1,3}\s*[—－\-–~]+|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?)\s*$")


def is_page_number(line: str) -> bool:
    """'— 3 —', '-12-', '第3页 共8页': a page number printed into extracted text.

    >>> is_page_number("— 3 —"), is_page_number("三、创新监管")
    (True, False)
    """
    return bool(_PAGE_NUMBER.match(line or ""))


# --------------------------------------------------------------------------- numerals and headings

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN = "一二三四五六七八九十〇零两"


def cn_number(text: str) -> int | None:
    """'三' -> 3, '十二' -> 12, '二十一' -> 21, '12' -> 12; None for anything else.

    >>> cn_number("二十一"), cn_number("12"), cn_number("若干")
    (21, 12, None)
    """
    t = text.strip()
    if t.isdigit():
        return int(t)
    if not t or any(ch not in _CN_DIGITS and ch != "十" for ch in t):
        return None
    if "十" in t:
        tens, _, ones = t.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS[t] if len(t) == 1 else None


def chinese_numeral(n: int) -> str:
    """3 -> 三, 12 -> 十二, 21 -> 二十一: how plans number their first-level indicators.

    >>> chinese_numeral(21)
    '二十一'
    """
    inv = {v: k for k, v in _CN_DIGITS.items() if k not in "〇零两"}
    if n <= 10:
        return "十" if n == 10 else inv[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else inv[tens]) + "十" + (inv[ones] if ones else "")


# Numbering styles in the official order (第一部分 > 一、 > （一） > 1. > （1） > ①), outermost
# first: plan_list nests items by this order.
HEADING_STYLES: list[tuple[str, re.Pattern]] = [
    ("part", re.compile(rf"^第([{_CN}\d]+)(?:部分|章|篇)\s*[：:、.．]?\s*(.*)$")),
    ("cn", re.compile(rf"^([{_CN}]+)\s*[、.．]\s*(.*)$")),
    ("cn_paren", re.compile(rf"^[（(]\s*([{_CN}]+)\s*[）)]\s*[、.．]?\s*(.*)$")),
    ("num", re.compile(r"^(\d{1,3})\s*(?:[、．]|\.(?!\d))\s*(.*)$")),
    ("num_paren", re.compile(r"^[（(]?\s*(\d{1,3})\s*[）)]\s*[、.．]?\s*(.*)$")),
    ("circled", re.compile(r"^([①-⑳])\s*(.*)$")),
]


def numbered(text: str) -> tuple[str, int, str] | None:
    """'（一）加强组织领导' -> ('cn_paren', 1, '加强组织领导'); None for an unnumbered line.

    >>> numbered("（一）加强组织领导")
    ('cn_paren', 1, '加强组织领导')
    """
    t = (text or "").strip()
    for style, pat in HEADING_STYLES:
        m = pat.match(t)
        if m:
            n = ord(m.group(1)) - ord("①") + 1 if style == "circled" else cn_number(m.group(1))
            if n is not None:
                return style, n, m.group(2).strip()
    return None


def indicator_label(text: str) -> tuple[int, str] | None:
    """'三、创新事前信用承诺' or '（三）…' or '第三部分 …' -> (3, title); None for anything else.

    >>> indicator_label("三、创新事前信用承诺")
    (3, '创新事前信用承诺')
    """
    got = numbered(text)
    if got is None or got[0] in ("num", "num_paren", "circled") or not got[2]:
        return None
    return got[1], got[2]


_POINTS = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[）)]\s*$")


def split_points(text: str) -> tuple[str, float | None]:
    """'工作组织推进力度（20分）' -> ('工作组织推进力度', 20.0): points a plan writes after a title.

    >>> split_points("工作组织推进力度（20分）")
    ('工作组织推进力度', 20.0)
    """
    m = _POINTS.search(text or "")
    if not m:
        return text, None
    return text[: m.start()].rstrip(), float(m.group(1))


def parse_points(value: object) -> float | None:
    """A 分值 cell: 20, '20', '20分', '（20分）' -> 20.0; None when it holds no number.

    >>> parse_points("（20分）"), parse_points("—")
    (20.0, None)
    """
    s, _ = clean_text(value)
    m = re.search(r"\d+(?:\.\d+)?", s)
    return float(m.group(0)) if m else None


# --------------------------------------------------------------------------- deadlines

@dataclass
class Deadline:
    kind: str  # date | ongoing | recurring | event | unspecified
    due: pd.Timestamp | None
    flags: list[str] = field(default_factory=list)
    candidates: list[pd.Timestamp] = field(default_factory=list)


_Y = r"(?P<y>\d{4})\s*年\s*"
_DATE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("ymd", re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")),
    ("ymd", re.compile(r"(?<!\d)(?P<y>20\d{2})\s*[.\-/]\s*(?P<m>\d{1,2})\s*[.\-/]\s*(?P<d>\d{1,2})(?!\d)")),
    ("ym", re.compile(_Y + r"(?P<m>\d{1,2})\s*月\s*(?:份)?\s*(?P<part>上旬|中旬|下旬|初|中|底|末)?")),
    ("ym", re.compile(r"(?<!\d)(?P<y>20\d{2})\s*[.\-/]\s*(?P<m>\d{1,2})(?![\d.\-/])")),
    ("yq", re.compile(_Y + r"(?:第\s*)?(?P<q>[一二三四1-4])\s*季度")),
    ("yh", re.compile(_Y + r"(?P<h>上半年|下半年)")),
    ("yend", re.compile(r"(?P<y>\d{4})\s*年\s*(?:度)?\s*(?:底|末|年底|年末|内|全年)")),
    ("md", re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")),
    ("m", re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?:份)?\s*(?P<part>上旬|中旬|下旬|初|中|底|末)?")),
    ("q", re.compile(r"(?<!年)(?:第\s*)?(?P<q>[一二三四])\s*季度")),
    ("h", re.compile(r"(?<!年)(?P<h>上半年|下半年)")),
    ("end", re.compile(r"(?<!\d)(?:年底|年末|年内|今年底|本年度内|全年)")),
    ("y", re.compile(r"(?P<y>\d{4})\s*年(?!\s*(?:起|开始|以来|度?以前|\d))")),
]
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_EVENT_WORDS = re.compile(r"根据|适时|部署|安排|按要求|视情|按上级|按照上级")
_ONGOING_WORDS = re.compile(r"持续|长期|常态|长效|坚持")
#: Timing written in a task's own words when the plan gives it no deadline: 根据省市部署适时开展….
#: Narrower than _EVENT_WORDS, which would take any 贯彻落实…工作部署 for an event.
_TASK_EVENT_WORDS = re.compile(r"根据[^。；;，,]{0,20}?(?:部署|安排|要求|统一)|适时|视情")
_RECURRING_WORDS = re.compile(r"每月|每季|每半年|每年|按月|按季|定期")


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


_CN_MONTH = re.compile(r"(?<![一二三四五六七八九十每个])([一二三四五六七八九十]{1,3})(?=\s*月)")
_CN_DAY = re.compile(r"(?<=月)([一二三四五六七八九十]{1,3})(?=\s*[日号])")


def _arabic_dates(text: str) -> str:
    """'二〇二二年六月底前', '十二月十五日' -> '2022年6月底前', '12月15日'."""
    def num(m: re.Match) -> str:
        n = cn_number(m.group(1))
        return str(n) if n is not None else m.group(1)

    return _CN_DAY.sub(num, _CN_MONTH.sub(num, _arabic_years(text)))


def _dates_in(text: str, plan_year: int) -> list[tuple[date, int]]:
    """Every date a deadline cell names, with the year it was written with (0 = assumed)."""
    text = _arabic_dates(text)
    found: list[tuple[int, date, int]] = []
    taken: list[tuple[int, int]] = []
    for kind, pat in _DATE_PATTERNS:
        for m in pat.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # part of a longer date already read ("2022年6月15日" is not also "6月")
            g = m.groupdict()
            y = int(g["y"]) if g.get("y") else plan_year
            try:
                if kind in ("ymd", "md"):
                    d = date(y, int(g["m"]), int(g["d"]))
                elif kind in ("ym", "m"):
                    mo = int(g["m"])
                    part = g.get("part") or ""
                    day = {"上旬": 10, "初": 10, "中旬": 20, "中": 20}.get(part)
                    d = date(y, mo, day) if day else _month_end(y, mo)
                elif kind in ("yq", "q"):
                    d = _month_end(y, 3 * _QUARTERS[g["q"]])
                elif kind in ("yh", "h"):
                    d = _month_end(y, 6 if g["h"] == "上半年" else 12)
                else:  # yend, end, y
                    d = date(y, 12, 31)
            except (ValueError, KeyError):
                continue  # 2022年13月: not a date
            taken.append((m.start(), m.end()))
            found.append((m.start(), d, y if g.get("y") else 0))
    return [(d, y) for _, d, y in sorted(found)]


def parse_deadline(text: str, plan_year: int, plan_end_year: int | None = None) -> Deadline:
    """What a deadline as written means: a date, ongoing, recurring, event-driven or unspecified.

    `2022年6月15日前` is that day; `6月底前`, `年底前`, `上半年`, `三季度` the day they end in
    the plan year; a month alone its last day. Several dates: the last is when the task is
    due (the others are in `candidates`). 长期坚持/持续推进 are ongoing, 每季度 a recurrence,
    根据…部署/适时 event-driven; nothing written is `unspecified` and flagged.

    >>> d = parse_deadline("2021年9月底前", 2021)
    >>> d.kind, d.due
    ('date', Timestamp('2021-09-30 00:00:00'))
    """
    plan_end_year = plan_end_year or plan_year
    t = (text or "").strip()
    if not t:
        return Deadline("unspecified", None, ["deadline_missing"])
    dates = _dates_in(t, plan_year)
    if dates:
        import pandas as pd

        due, written_year = max(dates)
        flags = []
        if due.year < plan_year:
            flags.append("deadline_before_plan_year")
        elif due.year > plan_end_year:
            flags.append("deadline_after_plan_year")
        if plan_end_year > plan_year and any(y == 0 for _, y in dates):
            flags.append("deadline_year_assumed")  # '6月底前' in a multi-year plan
        cands = sorted({pd.Timestamp(d) for d, _ in dates})
        if len(cands) > 1:
            flags.append("several_deadlines")
        return Deadline("date", pd.Timestamp(due), flags, cands)
    if _EVENT_WORDS.search(t):
        return Deadline("event", None)
    if _ONGOING_WORDS.search(t):
        return Deadline("ongoing", None)
    if _RECURRING_WORDS.search(t):
        return Deadline("recurring", None)
    return Deadline("unspecified", None, ["deadline_unrecognised"])


def looks_like_deadline(text: str) -> bool:
    """A short cell that reads as a deadline (a date, 持续推进, 根据…部署, 每月…).

    >>> looks_like_deadline("持续推进"), looks_like_deadline("市发改委")
    (True, False)
    """
    t = (text or "").strip()
    if not t:
        return False
    if len(t) <= 30 and _dates_in(t, 2000) and not re.search(r"[。；;]", t[:-1]):
        return True
    return len(t) <= 20 and bool(_ONGOING_WORDS.search(t) or _EVENT_WORDS.search(t) or "每月" in t)


def split_deadlines(text: str) -> list[str]:
    """A deadline cell may hold several deadlines separated by spaces: '2020年4月 持续推进'.

    >>> split_deadlines("2020年4月 持续推进")
    ['2020年4月', '持续推进']
    """
    parts = [p for p in re.split(r"\s+", text.strip()) if p]
    if len(parts) > 1 and all(looks_like_deadline(p) for p in parts):
        return parts
    return [text.strip()]


_QUARTER_MIN = re.compile(r"每季度[^。；;]*?(\d+)\s*(?:个|次|场|期)?\s*以上|每季度[^。；;]*?(\d+)\s*(?:个|次|场|期)")
_MONTHLY = re.compile(r"每月|按月")
_QUARTERLY = re.compile(r"每季度|按季度|每个季度")


def parse_recurrence(text: str) -> tuple[str, str]:
    """Recurrence written in a task's own words: ('monthly;quarterly', '1;2') etc.

    >>> parse_recurrence("每季度第一个月10日前报送")
    ('quarterly', '1')
    """
    kinds: list[str] = []
    mins: list[str] = []
    if _MONTHLY.search(text):
        kinds.append("monthly")
        mins.append("1")
    if _QUARTERLY.search(text):
        m = _QUARTER_MIN.search(text)
        kinds.append("quarterly")
        mins.append((m.group(1) or m.group(2)) if m else "1")
    if "每半年" in text:
        kinds.append("half_yearly")
        mins.append("1")
    if re.search(r"每年(?!度考核)", text) and "每年度" not in text:
        kinds.append("yearly")
        mins.append("1")
    if not kinds:
        return "none", ""
    return ";".join(kinds), ";".join(mins)


# --------------------------------------------------------------------------- departments

@dataclass
class Departments:
    lead: list[str]
    responsible: list[str]
    cooperating: list[str]
    unknown: list[str]
    leaders: list[str] = field(default_factory=list)


_ROLE_CUT = re.compile(r"(牵头|按照|根据|分别|负责|落实|配合|协同|协助|参与|共同|主责|为(?=牵头|责任|配合))")
_HELP_WORDS = re.compile(r"配合|协同|协助|参与|协办")
_MARKED_LEAD = re.compile(r"[（(]\s*牵头(?:单位|部门)?\s*[）)]")
_FIRST_LEADS = re.compile(r"(?:列|排|位)?(?:在)?(?:第一位|首位|第一个|首个|排名第一)[^。；;\n]{0,8}?(?:为|是)\s*牵头")


def first_unit_leads(text: str) -> bool:
    """True when a plan says once that the first unit of each list leads (列第一位的为牵头单位).

    >>> first_unit_leads("（列第一位的为牵头单位）")
    True
    """
    return bool(_FIRST_LEADS.search(text or ""))


def split_outside_brackets(text: str, seps: str) -> list[str]:
    """Split on any of `seps`, but not inside （…） or (…): '各县（市、区）、市发改委'.

    >>> split_outside_brackets("各县（市、区）、市发改委", "、")
    ['各县（市、区）', '市发改委']
    """
    out, depth, cur = [], 0, []
    for ch in text:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


#: A label naming people, not units: 分管副县长：, 责任县领导：, 牵头市领导：, 联系人： …
PEOPLE_LABEL = re.compile(r"^(?:分管|牵头|责任|主要|包联|联系)?[^：:，,、]{0,4}(?:领导|负责人|责任人|联系人|县长|市长|区长|"
                          r"局长|厅长|主任|书记|同志)$")


def label_field(label: str) -> str | None:
    """The field a line label names ('牵头单位' -> 'lead'); labels naming people -> 'leaders'.

    >>> label_field("牵头单位"), label_field("责任领导")
    ('lead', 'leaders')
    """
    from .labels import PLAN_FIELD_WORDS

    key = normalise_name(label)
    return PLAN_FIELD_WORDS.get(key) or ("leaders" if PEOPLE_LABEL.match(key) else None)


def _label_role(segment: str) -> tuple[str | None, str]:
    """'牵头单位：A、B' -> ('lead', 'A、B'); a segment without a field label -> (None, segment)."""
    m = re.match(r"^\s*([^：:]{2,8})\s*[：:]\s*(.*)$", segment)
    if m:
        role = label_field(m.group(1))
        if role in ("lead", "responsible", "cooperating", "leaders"):
            return role, m.group(2)
    return None, segment


def _clean_name(raw: str) -> str:
    n = normalise_name(raw)
    n = re.sub(r"^(?:由|请|以)", "", n)
    n = re.sub(r"(?:等(?:单位|部门)?)$", "", n)
    return normalise_name(n)


def parse_departments(text: str, roster: Roster, default_role: str = "responsible",
                      first_leads: bool = False) -> Departments:
    """Split a department cell or line into lead / responsible / cooperating canonical names.

    Segments may carry a field label (牵头单位：, 责任单位：, 配合单位：, 分管领导：…);
    clauses separated by '，' end in a role word: 牵头 names leads, 配合/协同 helpers, and
    anything else (负责, 落实, 分别负责, or a bare list) the departments that carry it out.
    With `first_leads` (the plan says 列第一位的为牵头单位) the first of a bare list leads.
    People (分管领导：…) go to `leaders`, never to departments.

    >>> from ledgerlib.roster import load_roster
    >>> parse_departments("牵头单位：运管科", load_roster()).lead
    ['运管科']
    """
    out = Departments([], [], [], [])
    explicit_lead = False
    bare_lists: list[list[str]] = []
    for segment in split_outside_brackets(text or "", "；;\n"):
        seg_label: str | None = None
        for clause in split_outside_brackets(segment, "，,"):
            label_role, clause = _label_role(clause)
            if label_role is not None:
                seg_label = label_role  # '牵头单位：A，B' : B is still under 牵头单位
            if seg_label == "leaders":
                out.leaders += [p for p in (normalise_name(x) for x in split_outside_brackets(clause, "、")) if p]
                continue
            clause = clause.strip()
            if not clause:
                continue
            seg_default = seg_label or default_role
            cut = _ROLE_CUT.search(clause)
            names_part = clause[: cut.start()] if cut else clause
            rest = clause[cut.start():] if cut else ""
            if rest.startswith("牵头") or rest.startswith("为牵头"):
                role = "lead"
            elif _HELP_WORDS.search(rest):
                role = "cooperating"
            elif "牵头" in rest:
                role = "lead"  # X、Y分别牵头
            elif rest:
                role = "responsible" if seg_default == "lead" and seg_label is None else seg_default
            else:
                role = seg_default
            raw_names = split_outside_brackets(names_part, "、及")
            if _MARKED_LEAD.search(clause):
                # '市发改委（牵头）、市财政局': the mark names the lead inside a list
                raw_names = split_outside_brackets(clause, "、及")
                marked = [_MARKED_LEAD.sub("", r) for r in raw_names if _MARKED_LEAD.search(r)]
                for r in marked:
                    c = roster.resolve(_clean_name(r)) or _clean_name(r)
                    if roster.resolve(_clean_name(r)) is None:
                        out.unknown.append(_clean_name(r))
                    if c not in out.lead:
                        out.lead.append(c)
                explicit_lead = True
                raw_names = [r for r in raw_names if not _MARKED_LEAD.search(r)]
                if raw_names:
                    cut2 = _ROLE_CUT.search(raw_names[-1])
                    if cut2:
                        rest = raw_names[-1][cut2.start():]
                        raw_names[-1] = raw_names[-1][: cut2.start()]
                    else:
                        rest = ""
                    role = "cooperating" if _HELP_WORDS.search(rest) else seg_default
                    if role == "lead":
                        role = "responsible"
            names = [n for n in (_clean_name(r) for r in raw_names) if n]
            if role == "lead":
                explicit_lead = True
            resolved = []
            for raw in names:
                canonical = roster.resolve(raw)
                if canonical is None:
                    out.unknown.append(raw)
                    canonical = raw  # kept as written, never dropped
                resolved.append(canonical)
            if not rest and role == "responsible" and resolved:
                bare_lists.append(resolved)
            target = getattr(out, role)
            for c in resolved:
                if c not in target:
                    target.append(c)
    if first_leads and not explicit_lead and out.responsible:
        first = (bare_lists[0] if bare_lists else out.responsible)[0]
        out.lead.append(first)
    # One role per name: lead over responsible over cooperating.
    out.responsible = [n for n in out.responsible if n not in out.lead]
    out.cooperating = [n for n in out.cooperating if n not in out.lead and n not in out.responsible]
    return out


# --------------------------------------------------------------------------- plan year

_RANGE = re.compile(r"(\d{4})\s*[—–\-~～至到]+\s*(\d{4})\s*年")
_TITLE_YEAR = re.compile(r"(\d{4})\s*年\s*度?")
_PLAN_WORDS = re.compile(r"要点|计划|方案|台账|台帐|任务|分工|清单|安排|考核|细则|目标|规划|重点")


@dataclass
class PlanYears:
    start: int
    end: int
    source: str  # title | deadlines | option
    warnings: list[str] = field(default_factory=list)


_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})(?=\s*年)")


def _arabic_years(text: str) -> str:
    """'二〇二二年' -> '2022年': titles sometimes write the year in Chinese numerals."""
    digits = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
              "八": "8", "九": "9"}
    return _CN_YEAR.sub(lambda m: "".join(digits[c] for c in m.group(1)), text)


def title_years(lines: list[str]) -> tuple[int, int] | None:
    """The plan year (or range) printed in a title line: '…2021年工作要点…', '2015—2020年…'.

    Short lines (titles) are tried before long ones (a preamble citing another plan).

    >>> title_years(["交通运输局2021年社会信用体系建设工作要点"])
    (2021, 2021)
    """
    texts = [_arabic_years(re.sub(r"〔\d{4}〕|\[\d{4}\]|\s+", "", line)) for line in lines]  # 〔2020〕33号: a document number
    for s in sorted((t for t in texts if t), key=lambda t: len(t) > 60):
        if not _PLAN_WORDS.search(s):
            continue
        m = _RANGE.search(s)
        if m and int(m.group(1)) <= int(m.group(2)):
            return int(m.group(1)), int(m.group(2))
        m = _TITLE_YEAR.search(s)
        if m and 2000 <= int(m.group(1)) <= 2100:
            return int(m.group(1)), int(m.group(1))
    return None


def deadline_years(deadline_texts: list[str]) -> Counter:
    """How often each year is written in the deadlines.

    >>> deadline_years(["2021年6月底前", "2021年底前", "2022年3月"])
    Counter({2021: 2, 2022: 1})
    """
    c: Counter = Counter()
    for t in deadline_texts:
        for y in re.findall(r"(\d{4})\s*年", _arabic_years(t or "")):
            if 2000 <= int(y) <= 2100:
                c[int(y)] += 1
    return c


def plan_years(title_lines: list[str], deadline_texts: list[str], year: int | None = None,
               name: str = "plan") -> PlanYears:
    """The plan's year(s): from --year, else the title, else the dates in its deadlines.

    A title year that disagrees with the deadlines' years is a warning, never a refusal;
    a multi-year title (2015—2020年) keeps its range. Raises ValueError only when no year
    is written anywhere and none was given.

    >>> years = plan_years(["2021年工作要点"], ["6月底前"])
    >>> years.start, years.end, years.source
    (2021, 2021, 'title')
    """
    title = title_years(title_lines)
    counts = deadline_years(deadline_texts)
    warns: list[str] = []
    if year is not None:
        got = PlanYears(int(year), int(year), "option")
        if title and not (title[0] <= year <= title[1]):
            warns.append(f"--year {year} 与标题年度 {title[0]}{'—' + str(title[1]) if title[1] != title[0] else ''} 不一致")
        if title and title[0] <= year <= title[1] and title[1] > title[0]:
            got = PlanYears(title[0], title[1], "title")
    elif title:
        got = PlanYears(title[0], title[1], "title")
    elif counts:
        top = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))[0]
        got = PlanYears(top, top, "deadlines")
        warns.append(f"标题中没有年度：按完成时限中最常见的年份定为 {top} 年")
    else:
        raise ValueError(f"{name}: cannot tell the plan year (no year in its title or deadlines); pass --year")
    if counts and got.source != "deadlines":
        top = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))[0]
        if not (got.start <= top <= got.end) and counts[top] > sum(
                n for y, n in counts.items() if got.start <= y <= got.end):
            warns.append(f"标题年度 {got.start} 与完成时限中最常见的年份 {top} 不一致")
    got.warnings = warns
    return got


def deadline_from_task(task: str) -> Deadline | None:
    """An event-driven deadline said in the task's words, for a task with no deadline written.

    >>> deadline_from_task("根据省市部署适时开展诚信宣传周活动。").kind
    'event'
    >>> deadline_from_task("贯彻落实省市工作部署。") is None
    True
    """
    if _TASK_EVENT_WORDS.search(task or ""):
        return Deadline("event", None, ["deadline_from_task"])
    return None
