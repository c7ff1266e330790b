"""Report periods: a month ("2021-06") or a quarter ("2021Q4"), read once, the wrong kind refused.

A metric that makes sense over either (status as of a period's end, KPIs over a period's
records) takes `period_months` / `as_of_month`; one that is about a single month takes
`month_str`, one about a quarter `quarter_str`. Each raises `PeriodError` (a ValueError,
so the CLI prints it as one line) naming what it got and what it expected: "2021Q4" is
never read as October, "2021-13" never as anything.

    >>> period_months("2021Q4")
    ['2021-10', '2021-11', '2021-12']
    >>> as_of_month("2021Q2"), as_of_month("2021-06")
    ('2021-06', '2021-06')
    >>> month_str("2021Q4")
    Traceback (most recent call last):
    ...
    ledgerlib.periods.PeriodError: 此处需要月份 YYYY-MM（如 2021-06），收到的是季度 '2021Q4' / expected a month YYYY-MM (e.g. 2021-06), got the quarter '2021Q4' (its last month is 2021-12)
"""
from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

from . import labels
from .cells import MONTH_RE

#: 2021Q4, 2021-Q4, 2021q4.
QUARTER_RE = re.compile(r"^(\d{4})-?[Qq]([1-4])$")


class PeriodError(ValueError):
    """A period argument that is not a month or quarter, or not the kind a function takes."""


def _message(key: str, **kw: object) -> str:
    return labels.PERIOD_MESSAGES[key].format(**kw)


def parse_period(value: object) -> tuple[str, str]:
    """("month", "2021-06") or ("quarter", "2021Q4") for a period given as text, Period or date.

    >>> parse_period("2021-q2"), parse_period(pd.Period("2021-06", "M")), parse_period(date(2021, 6, 3))
    (('quarter', '2021Q2'), ('month', '2021-06'), ('month', '2021-06'))
    """
    if isinstance(value, pd.Period):
        freq = value.freqstr[0]
        if freq == "Q":
            return "quarter", f"{value.year}Q{value.quarter}"
        if freq == "M":
            return "month", f"{value.year}-{value.month:02d}"
        raise PeriodError(_message("not_a_period", value=value))
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return "month", f"{value.year}-{value.month:02d}"
    text = str(value).strip()
    m = QUARTER_RE.match(text)
    if m:
        return "quarter", f"{m.group(1)}Q{m.group(2)}"
    if MONTH_RE.match(text):
        return "month", text
    raise PeriodError(_message("not_a_period", value=value))


def period_months(value: object) -> list[str]:
    """The months of a month (itself) or of a quarter (its three), as 'YYYY-MM'.

    Example::

        >>> period_months("2021Q3"), period_months("2021-08")
        (['2021-07', '2021-08', '2021-09'], ['2021-08'])
    """
    kind, label = parse_period(value)
    if kind == "month":
        return [label]
    year, q = label.split("Q")
    return [f"{year}-{3 * (int(q) - 1) + i:02d}" for i in (1, 2, 3)]


def as_of_month(value: object) -> str:
    """The month a period ends with: a figure 'as of' a quarter is as of its last month.

    Example::

        >>> as_of_month("2021Q4")
        '2021-12'
    """
    return period_months(value)[-1]


def month_str(value: object) -> str:
    """'YYYY-MM' for a month; PeriodError for a quarter or anything else.

    >>> month_str("2021-06"), month_str(pd.Timestamp("2021-06-30"))
    ('2021-06', '2021-06')
    """
    kind, label = parse_period(value)
    if kind != "month":
        raise PeriodError(_message("month_not_quarter", value=label, last=as_of_month(label)))
    return label


def quarter_str(value: object) -> str:
    """'YYYYQn' for a quarter; PeriodError for a month (naming its quarter) or anything else.

    >>> quarter_str("2021-q2")
    '2021Q2'
    """
    kind, label = parse_period(value)
    if kind != "quarter":
        year, mon = label.split("-")
        raise PeriodError(_message("quarter_not_month", value=label,
                                   quarter=f"{year}Q{(int(mon) - 1) // 3 + 1}"))
    return label


def quarter_months(quarter: object) -> list[str]:
    """The three 'YYYY-MM' months of a quarter.

    Example::

        >>> quarter_months("2021Q1")
        ['2021-01', '2021-02', '2021-03']
    """
    return period_months(quarter_str(quarter))


def month_end(month: object) -> pd.Timestamp:
    """The last day of a month (00:00), the as-of day of a monthly report.

    Example::

        >>> month_end("2024-02")
        Timestamp('2024-02-29 00:00:00')
    """
    return pd.Period(month_str(month), "M").end_time.normalize()


def months_through(month: object, start: object | None = None) -> list[str]:
    """Months from `start` (default: January of the same year) to `month`, inclusive.

    Example::

        >>> months_through("2021-03")
        ['2021-01', '2021-02', '2021-03']
    """
    end = pd.Period(month_str(month), "M")
    first = pd.Period(month_str(start), "M") if start is not None else pd.Period(f"{end.year}-01", "M")
    return [str(p) for p in pd.period_range(first, end, freq="M")]
