"""Turn one cell value, as people type it into Excel or WPS, into a clean typed value.

Each parser takes the raw value a workbook reader returns (str, int, float, bool,
datetime, date, None) and returns a `Parsed`: the clean value (or None) and, when the
value could not be taken as it is, a problem code (a key of `labels.PROBLEM_LABELS`) and
its severity. Parsers never raise on bad input.

Plain Python only (a date is a `datetime` at midnight): `ledger validate` reads a workbook
without importing pandas; the reader's tables turn these values into datetime64 columns.
"""
from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import labels

if TYPE_CHECKING:  # only for annotations: this module never imports pandas
    import pandas as pd

#: Excel's day zero (the 1900 date system, including its fictitious 1900-02-29).
EXCEL_EPOCH = datetime(1899, 12, 30)
#: Serial numbers taken as dates: 1990-01-01 .. 2099-12-31; outside that a number is not a date.
SERIAL_MIN, SERIAL_MAX = 32874, 73050


@dataclass(frozen=True)
class Parsed:
    """A parsed cell: value (None when empty or unreadable), problem code and severity."""

    value: Any = None
    problem: str | None = None
    severity: str = "error"

    @property
    def ok(self) -> bool:
        """True when the cell parsed without a problem.

        >>> Parsed(3).ok, Parsed(None, "bad_date").ok
        (True, False)
        """
        return self.problem is None


EMPTY = Parsed()

_WS = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_BRACKETS = re.compile(r"[(（\[【<《][^)）\]】>》]*[)）\]】>》]")


def is_blank(value: Any) -> bool:
    """True for None, NaN, and strings holding only (full-width) whitespace.

    Example::

        >>> is_blank("\\u3000 "), is_blank(0), is_blank(float("nan"))
        (True, False, True)
    """
    # Called for every cell: the common classes first, by identity (no isinstance chain).
    cls = value.__class__
    if cls is not str:
        if value is None:
            return True
        if isinstance(value, float):
            return value != value
        if not isinstance(value, str):
            return False
    # str.isspace is _WS's \s; only zero-width spaces need the pattern.
    if not value or value.isspace():
        return True
    return ("\u200b" in value or "\ufeff" in value) and not _WS.sub("", value)


#: Excel's limit on the characters of one cell; longer text is cut, with a note, when written.
EXCEL_CELL_LIMIT = 32767


def text_width(text: str) -> int:
    """Display width in Excel's character units: CJK and full-width characters count two.

    Example::

        >>> text_width("运管科A1")
        8
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def nfkc(text: str) -> str:
    """Full-width letters, digits and punctuation to their half-width forms.

    Example::

        >>> nfkc("ＴＯ３，２０２１")
        'TO3,2021'
    """
    return unicodedata.normalize("NFKC", text)


def clean_text(value: Any) -> str:
    """A cell as text: trimmed, full-width spaces trimmed too, numbers without a stray '.0'.

    Example::

        >>> clean_text(" 运管科\\u3000"), clean_text(120.0), clean_text(None)
        ('运管科', '120', '')
    """
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip(" \t\r\n\u3000\u00a0\u200b\ufeff")


def text_column(s: pd.Series) -> pd.Series:
    """A column as text: missing values '' and outer whitespace (full-width too) removed.

    Example::

        >>> import pandas as pd
        >>> text_column(pd.Series([" 甲 ", None, 3])).tolist()
        ['甲', '', '3']
    """
    return s.astype(object).where(s.notna(), "").astype(str).str.strip()


def norm_key(value: Any) -> str:
    """A compact comparison key: NFKC, no whitespace at all.

    Example::

        >>> norm_key(" 运 管 科 ")
        '运管科'
    """
    return _WS.sub("", nfkc(clean_text(value)))


def norm_header(value: Any) -> str:
    """A header cell as the template header it stands for.

    Full-width forms, spaces and line breaks, '*' required-markers, bracketed notes
    (完成日期（格式：2021-07-05）) and trailing colons are removed, then aliases from
    `labels.HEADER_ALIASES` are applied.

    Example::

        >>> norm_header("进展\\n状态（必填）")
        '进展状态'
    """
    # Called on every cell of a sheet's first rows and of every row (header and cover
    # detection): ~1,000 a workbook, mostly the same few dozen texts.
    try:
        return _norm_header_cached(value)
    except TypeError:  # an unhashable value: compute it
        return _norm_header(value)


def _norm_header(value: Any) -> str:
    text = norm_key(value)
    text = _BRACKETS.sub("", text).replace("*", "").strip(":：.、")
    return labels.HEADER_ALIASES.get(text, text)


_norm_header_cached = functools.lru_cache(maxsize=65536, typed=True)(_norm_header)


def column_number(letters: str) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27; '' -> 0.

    Example::

        >>> column_number("A"), column_number("AA")
        (1, 27)
    """
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def from_a1(ref: str) -> tuple[int, int]:
    """0-based (row, col) of an A1 reference: the inverse of `a1`.

    Example::

        >>> from_a1("B12")
        (11, 1)
    """
    m = re.fullmatch(r"([A-Za-z]+)(\d+)", ref)
    if not m:
        raise ValueError(f"not an A1 reference: {ref!r}")
    return int(m.group(2)) - 1, column_number(m.group(1)) - 1


def a1(row: int, col: int) -> str:
    """A1 reference of a 0-based (row, col).

    Example::

        >>> a1(12, 2)
        'C13'
    """
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


# --- dates -------------------------------------------------------------------------------

_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_YMD = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?\.?")
_YMD_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MDY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_MD = re.compile(r"(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


#: A month as the suite writes it everywhere: YYYY-MM.
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_month(month: object, what: str = "month") -> tuple[int, int]:
    """(year, month) of a 'YYYY-MM' string; a ValueError naming `what` otherwise.

    Example::

        >>> check_month("2021-06")
        (2021, 6)
    """
    m = MONTH_RE.match(str(month))
    if not m:
        raise ValueError(labels.CLI_MESSAGES["bad_month"].format(what=what, value=month))
    return int(m.group(1)), int(m.group(2))


def _month_bounds(month: str | None) -> tuple[date, date] | None:
    m = MONTH_RE.match(month or "")
    if not m:
        return None
    y, mo = int(m.group(1)), int(m.group(2))
    return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])


def _make_date(y: int, m: int, d: int) -> datetime | None:
    """The day as a datetime at midnight (what a datetime64 column holds), None if no such day."""
    try:
        return datetime(y, m, d)
    except ValueError:
        return None


def _from_serial(x: float) -> Parsed:
    if SERIAL_MIN <= x <= SERIAL_MAX:
        return Parsed(EXCEL_EPOCH + timedelta(days=int(x)))
    return Parsed(None, "bad_date")


def parse_date(value: Any, month: str | None = None) -> Parsed:
    """A date from a date cell, an Excel serial, or text (2021.6.3, 2021-06-03, 2021/6/3,
    2021年6月3日, 20210603, 6/3/2021). Text without a year (6/3, 6月3日) takes the year of
    `month` (the submission month, YYYY-MM) with a warning; a date that would then fall
    well after that month is taken from the year before (December dates in a January report).
    The value is the day as a `datetime` at midnight (a time of day is dropped).

    Example::

        >>> parse_date("2021.6.3").value, parse_date("6/3", "2021-06").value, parse_date("下周").problem
        (datetime.datetime(2021, 6, 3, 0, 0), datetime.datetime(2021, 6, 3, 0, 0), 'bad_date')
    """
    if is_blank(value):
        return EMPTY
    if isinstance(value, bool):
        return Parsed(None, "bad_date")
    if isinstance(value, date):  # a datetime too: its day, at midnight
        if value != value:  # pandas' NaT (a datetime that is no day) passes through as it is
            return Parsed(value)
        return Parsed(datetime(value.year, value.month, value.day))
    if isinstance(value, (int, float)):
        return _from_serial(float(value))
    text = _WS.sub(" ", nfkc(str(value))).strip()
    text = _TIME_SUFFIX.sub("", text).strip()
    for pattern, order in ((_YMD, "ymd"), (_YMD_COMPACT, "ymd"), (_MDY, "mdy")):
        m = pattern.fullmatch(text)
        if m:
            a, b, c = (int(g) for g in m.groups())
            ts = _make_date(a, b, c) if order == "ymd" else _make_date(c, a, b)
            return Parsed(ts) if ts is not None else Parsed(None, "bad_date")
    if _NUMBER.fullmatch(text):
        return _from_serial(float(text))
    m = _MD.fullmatch(text)
    bounds = _month_bounds(month)
    if m and bounds:
        mo, d = int(m.group(1)), int(m.group(2))
        ts = _make_date(bounds[0].year, mo, d)
        if ts is not None and ts.date() > bounds[1] + timedelta(days=62):
            ts = _make_date(bounds[0].year - 1, mo, d)
        if ts is not None:
            return Parsed(ts, "date_ambiguous_year", "warning")
    return Parsed(None, "bad_date")


def date_in_month(ts: datetime | None, month: str | None) -> bool | None:
    """Whether a date (a datetime or pandas Timestamp) falls in month (YYYY-MM); None when month is unknown.

    Example::

        >>> date_in_month(datetime(2021, 6, 30), "2021-06"), date_in_month(datetime(2021, 7, 1), "2021-06")
        (True, False)
    """
    bounds = _month_bounds(month)
    if bounds is None or ts is None:
        return None
    return bounds[0] <= ts.date() <= bounds[1]


def date_after_month(ts: datetime | None, month: str | None) -> bool:
    """True when a date falls after the month (a completion date reported in advance).

    Example::

        >>> date_after_month(datetime(2021, 7, 1), "2021-06"), date_after_month(datetime(2021, 6, 30), "2021-06")
        (True, False)
    """
    bounds = _month_bounds(month)
    return bool(bounds and ts is not None and ts.date() > bounds[1])


# --- months ------------------------------------------------------------------------------

_YM = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:月份?)?(?:[-./]\d{1,2}\s*日?)?")
_YM_COMPACT = re.compile(r"(\d{4})(\d{2})")
_M_ONLY = re.compile(r"(\d{1,2})\s*月份?")
_YM_ANYWHERE = re.compile(r"(20\d{2})\s*[-._/年]?\s*(\d{1,2})(?!\d)\s*(?:月份?)?")


def parse_month(value: Any, year: int | None = None) -> Parsed:
    """A month 'YYYY-MM' from a date cell or text (2021-07, 2021年7月, 2021.7, 202107, 7月 + year).

    Example::

        >>> parse_month("2021年6月").value, parse_month("6月", 2021).value
        ('2021-06', '2021-06')
    """
    if is_blank(value):
        return EMPTY
    if isinstance(value, (datetime, date)):
        return Parsed(f"{value.year:04d}-{value.month:02d}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = clean_text(value)
        if SERIAL_MIN <= float(value) <= SERIAL_MAX:
            d = _from_serial(float(value)).value
            return Parsed(f"{d.year:04d}-{d.month:02d}")
    else:
        text = _WS.sub("", nfkc(str(value)))
    for pattern in (_YM, _YM_COMPACT):
        m = pattern.fullmatch(text)
        if m and 1 <= int(m.group(2)) <= 12:
            return Parsed(f"{int(m.group(1)):04d}-{int(m.group(2)):02d}")
    m = _M_ONLY.fullmatch(text)
    if m and year and 1 <= int(m.group(1)) <= 12:
        return Parsed(f"{year:04d}-{int(m.group(1)):02d}")
    return Parsed(None, "bad_month")


@functools.lru_cache(maxsize=4096)
def month_in_text(text: str) -> str | None:
    """The first YYYY-MM written anywhere in text (a folder or file name), else None.

    Memoised: a province's thousands of returns sit in a few hundred folders.

    Example::

        >>> month_in_text("运管科2021年6月工作台账")
        '2021-06'
    """
    m = _YM_ANYWHERE.search(nfkc(text))
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    return None


# --- numbers -----------------------------------------------------------------------------

_UNITS = "个次家条项场人户件名期份"
_INT_TEXT = re.compile(rf"([+-]?\d+(?:\.\d+)?)[{_UNITS}]?")


def parse_int(value: Any) -> Parsed:
    """A non-negative whole number from a number cell or text ('12', '１２', '1,234', '12家').

    Example::

        >>> parse_int("120家").value, parse_int("约百家").problem
        (120, 'bad_number')
    """
    if is_blank(value):
        return EMPTY
    if isinstance(value, bool):
        return Parsed(None, "bad_number")
    if isinstance(value, (int, float)):
        x = float(value)
    else:
        text = _WS.sub("", nfkc(str(value))).replace(",", "")
        m = _INT_TEXT.fullmatch(text)
        if not m:
            return Parsed(None, "bad_number")
        x = float(m.group(1))
    if x != x or x in (float("inf"), float("-inf")):
        return Parsed(None, "bad_number")
    if not x.is_integer():
        return Parsed(None, "not_integer")
    if x < 0:
        return Parsed(None, "negative")
    return Parsed(int(x))


# --- choices -----------------------------------------------------------------------------

def parse_choice(value: Any, choices: dict[str, str], aliases: dict[str, str], problem: str,
                 guessed: str = "choice_guessed") -> Parsed:
    """A key of `choices` (key -> label) from its label, its key, or an alias.

    Bracketed notes and trailing punctuation are ignored (已完成（6月底） is 已完成); failing an
    exact match, the longest label or alias the text starts with is taken, with a warning
    `guessed` (完成80% is read as 已完成, 推进种 as 推进中: the liaison is told which).

    Example::

        >>> parse_choice("完成", {"已完成": "done"}, {"完成": "done"}, "status_unknown").value
        'done'
    """
    if is_blank(value):
        return EMPTY
    # A status column repeats a handful of words: the answer for a text is kept per choice
    # list (Parsed is immutable); choice lists are constants, held here so ids stay theirs.
    entry = _CHOICE_MEMO.get((id(choices), id(aliases)))
    if entry is None or entry[0] is not choices or entry[1] is not aliases:
        entry = _CHOICE_MEMO[(id(choices), id(aliases))] = (choices, aliases, {})
    memo = entry[2]
    # Short texts only: a sender's long distinct texts are not kept.
    key = (value, problem, guessed) if value.__class__ is str and len(value) <= 64 else None
    if key is not None and key in memo:
        return memo[key]
    parsed = _parse_choice(value, choices, aliases, problem, guessed)
    if key is not None and len(memo) < _CHOICE_MEMO_SIZE:
        memo[key] = parsed
    return parsed


_CHOICE_MEMO: dict[tuple[int, int], tuple[dict, dict, dict]] = {}
_CHOICE_MEMO_SIZE = 4096  # distinct texts kept per choice list; beyond, computed each time


def _parse_choice(value: Any, choices: dict[str, str], aliases: dict[str, str], problem: str,
                  guessed: str) -> Parsed:
    text = norm_key(value)
    bare = _BRACKETS.sub("", text).strip("。.，,;；!！")
    lookup, longest_first = _choice_lookup(tuple(choices.items()), tuple(aliases.items()))
    for cand in (text, bare, bare.lower()):
        if cand in lookup:
            return Parsed(lookup[cand])
    for word in longest_first:
        if len(word) >= 2 and bare.startswith(word):
            return Parsed(lookup[word], guessed, "warning")
    return Parsed(None, problem)


@functools.lru_cache(maxsize=32)
def _choice_lookup(choices: tuple[tuple[str, str], ...],
                   aliases: tuple[tuple[str, str], ...]) -> tuple[dict[str, str], list[str]]:
    """Word -> key for a choice list, and its words longest first: built once, not per cell."""
    lookup = {norm_key(v): k for k, v in choices}
    lookup.update({k: k for k, _ in choices})
    lookup.update({norm_key(a): k for a, k in aliases})
    return lookup, sorted(lookup, key=len, reverse=True)


def parse_status(value: Any) -> Parsed:
    """A `labels.STATUS_LABELS` key from 已完成/完成/推进中/进行中/未启动/不适用 and similar.

    Example::

        >>> parse_status("已完成").value, parse_status("完成").value
        ('done', 'done')
    """
    return parse_choice(value, labels.STATUS_LABELS, labels.STATUS_ALIASES, "bad_status", "status_guessed")


def parse_activity(value: Any) -> Parsed:
    """An 活动类型 as its key (labels.ACTIVITY_LABELS), aliases accepted.

    Example::

        >>> parse_activity("培训").value
        'training'
    """
    return parse_choice(value, labels.ACTIVITY_LABELS, labels.ACTIVITY_ALIASES, "bad_activity")


def parse_category(value: Any) -> Parsed:
    """A 双公示 类别 as its key (license / penalty), short forms accepted.

    Example::

        >>> parse_category("处罚").value
        'penalty'
    """
    return parse_choice(value, labels.PUBLICITY_CATEGORY_LABELS, labels.PUBLICITY_CATEGORY_ALIASES, "bad_category")


_TASK_ID = re.compile(r"([A-Za-z]+)[-_ ]?0*(\d+)([A-Za-z]?)")


def normalise_task_id(value: Any) -> str:
    """'t1', 'T01', 'Ｔ０１', 'T15A' -> 'T01', 'T15a'; other text is returned trimmed.

    Example::

        >>> normalise_task_id("ｔ３"), normalise_task_id("T15A")
        ('T03', 'T15a')
    """
    text = norm_key(value)
    m = _TASK_ID.fullmatch(text)
    if not m:
        return text
    return f"{m.group(1).upper()}{int(m.group(2)):02d}{m.group(3).lower()}"
