"""China's working-day calendar, official or provisional, and the n-th working day after a date.

The 双公示 rule (published within 7 working days of the decision, counted from the day
after) needs the State Council's yearly arrangement: public holidays and the weekend days
worked in their place (调休). Each year's basis is `official` or `provisional`:

* official: the `chinese_calendar` package's tables (2004-2026 in 1.11), or a year that
  `data/raw/holidays.csv` covers completely (every holiday, every 调休 working day, and a
  `complete` row) -- typed from the State Council notice before the package catches up;
* provisional: every other year from 1950 to 2100: weekends plus the statutory holidays of
  《全国年节及纪念日放假办法》 (revised 2024), taken from the `holidays` package's rules
  (lunar and solar-term dates computed there), with no 调休; rows of a partial holidays.csv
  year apply on top. No date inside that span stops a computation.

Speed: the calendar is turned once into integer arrays over its span (the cumulative number
of working days up to each day, and the working days themselves), so the n-th working day
after day d is `workdays[cum[d] + n - 1]`: two gathers per date, no search (docs/metrics.md).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import chinese_calendar
import numpy as np
import pandas as pd

from . import config
from .labels import (CALENDAR_EXPECTED_LABELS, CALENDAR_PROBLEM_LABELS, CLI_MESSAGES, FESTIVAL_LABELS,
                     SEVERITY_LABELS)

#: Name of the calendar file under data/raw/.
HOLIDAYS_FILE = "holidays.csv"
OFFICIAL, PROVISIONAL = "official", "provisional"
BASES = (OFFICIAL, PROVISIONAL)
#: Kinds of a holidays.csv row: a day off, a 调休 working day, the year-is-complete line.
KINDS = ("holiday", "workday", "complete")
#: The span every calendar covers: the `holidays` package's rules start in 1950 and its
#: lunar tables end in 2100. A date outside is an error (or NaT with errors="coerce").
FIRST_YEAR, LAST_YEAR = 1950, 2100

#: Statutory days per festival under the 2024 revision (国务院令第795号, from 2025 on):
#: what a provisional year holds, checked against the rules the `holidays` package computes.
STATUTORY_DAYS_2025 = {"new_year": 1, "spring_festival": 4, "qingming": 1, "labour_day": 2,
                       "dragon_boat": 1, "mid_autumn": 1, "national_day": 3}

# The `holidays` package's zh_CN names of the statutory festivals. Anything else it lists
# (substituted days off, one-off holidays, "observed" days) is not statutory and is dropped.
_RULE_NAMES = {"元旦": "new_year", "农历除夕": "spring_festival", "春节": "spring_festival",
               "清明节": "qingming", "劳动节": "labour_day", "端午节": "dragon_boat",
               "中秋节": "mid_autumn", "国庆节": "national_day"}
# chinese_calendar's Holiday members -> festival keys (for naming official days).
_PACKAGE_NAMES = {"new_years_day": "new_year", "spring_festival": "spring_festival",
                  "tomb_sweeping_day": "qingming", "labour_day": "labour_day",
                  "dragon_boat_festival": "dragon_boat", "mid_autumn_festival": "mid_autumn",
                  "national_day": "national_day"}
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY_NS = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}
_NAT = np.iinfo(np.int64).min


def statutory_days(year: int) -> pd.DataFrame:
    """The statutory holidays of one year by rule: columns date, festival (key of FESTIVAL_LABELS).

    From the `holidays` package (China, observed=False, language zh_CN), keeping only the
    statutory festivals: its substituted days and its invented "observed" days are dropped.
    A day that is two festivals (中秋 on 10-03) is listed under each.

    >>> int((statutory_days(2027)["festival"] == "spring_festival").sum())
    4
    """
    import holidays

    cn = holidays.China(years=year, observed=False, language="zh_CN")
    rows = [(pd.Timestamp(d), key) for d in sorted(cn) for key in _statutory_keys(cn.get_list(d))]
    return pd.DataFrame(rows, columns=["date", "festival"])


def _statutory_keys(names: list[str]) -> list[str]:
    """Festival keys among the `holidays` package's names of one day ("（推定）" = estimated)."""
    keys = (_RULE_NAMES.get(n.replace("（推定）", "")) for n in names)
    return list(dict.fromkeys(k for k in keys if k))


# --------------------------------------------------------------------------- holidays.csv

#: Columns of a problem row (the processed `problems` table's).
PROBLEM_COLUMNS = ["file", "sheet", "cell", "field", "value", "problem", "expected", "severity",
                   "city", "department", "month"]


def _problem(row: int | None, col: str, field_: str, value: Any, key: str, expected: str,
             severity: str = "error", year: int | None = None) -> dict[str, Any]:
    # `year` (not a problems-table column) lets the calendar keep a year with a bad row provisional.
    return {"year": year, "file": HOLIDAYS_FILE, "sheet": "", "cell": f"{col}{row}" if row else "",
            "field": field_, "value": "" if value is None else str(value),
            "problem": CALENDAR_PROBLEM_LABELS[key], "expected": CALENDAR_EXPECTED_LABELS[expected],
            "severity": severity, "city": "", "department": "", "month": ""}


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")  # Excel on a Chinese Windows saves CSV in GBK


def read_holidays_file(source: Path | str | pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The rows of a holidays file that are valid, and a problem row for each one that is not.

    Returns (rows, problems): rows has columns date (Timestamp; for `complete`, Jan 1 of
    the year), year, kind, name, row (file row number); problems are rows of the problems
    table. The file is `date,kind,name` (name optional) as a clerk types it from the State
    Council notice: one row per day off (`holiday`), one per 调休 working day (`workday`,
    always a Saturday or Sunday), and one row `YYYY,complete,<the notice>` per finished year.
    Never raises on bad content: a row that cannot be trusted is left out and reported.

    >>> rows, problems = read_holidays_file(pd.DataFrame({"date": ["2027-10-09"], "kind": ["workday"], "name": ["国庆节"]}))
    >>> len(rows), problems
    (1, [])
    """
    if isinstance(source, pd.DataFrame):
        raw = source.astype(str).fillna("")
    else:
        try:
            import io

            raw = pd.read_csv(io.StringIO(_read_text(Path(source))), dtype=str,
                              keep_default_na=False, skipinitialspace=True)
        except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            return _empty_rows(), [_problem(None, "", "", type(err).__name__, "unreadable", "csv")]
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in ("date", "kind") if c not in raw.columns]
    if missing:
        return _empty_rows(), [_problem(1, "A", "header", ",".join(raw.columns), "missing_columns", "header")]
    names = raw["name"] if "name" in raw.columns else pd.Series("", index=raw.index)
    rows, problems = [], []
    for i, (d, k, name) in enumerate(zip(raw["date"], raw["kind"], names)):
        r = i + 2  # the header is row 1
        d, k, name = str(d).strip(), str(k).strip().lower(), str(name).strip()
        if not d and not k and not name:
            continue
        y = int(d[:4]) if d[:4].isdigit() else None
        if k not in KINDS:
            problems.append(_problem(r, "B", "kind", k, "bad_kind", "kind", year=y))
            continue
        if k == "complete":
            m = _YEAR.match(d) or _DATE.match(d)
            day = pd.Timestamp(int(m.group(1)), 1, 1) if m else None
        else:
            m = _DATE.match(d)
            try:
                day = pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
            except ValueError:
                day = None
        if day is None:
            problems.append(_problem(r, "A", "date", d, "bad_date", "year" if k == "complete" else "date", year=y))
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            problems.append(_problem(r, "A", "date", d, "outside_range", "range"))
            continue
        if k == "workday" and day.day_of_week < 5:
            problems.append(_problem(r, "A", "date", d, "workday_not_weekend", "weekend_workday", year=y))
            continue
        rows.append({"date": day, "year": day.year, "kind": k, "name": name, "row": r})
    out = pd.DataFrame(rows, columns=["date", "year", "kind", "name", "row"]) if rows else _empty_rows()
    days = out[out["kind"] != "complete"]
    clash = days.groupby("date")["kind"].transform("nunique") > 1
    for rec in days[clash].itertuples(index=False):
        problems.append(_problem(rec.row, "A", "date", rec.date.strftime("%Y-%m-%d"), "conflict", "one_kind",
                                 year=rec.year))
    out = out.drop(index=days.index[clash.to_numpy()])
    return out.drop_duplicates(["date", "kind"]).reset_index(drop=True), problems


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.Series(dtype="datetime64[us]"), "year": pd.Series(dtype="int64"),
                         "kind": pd.Series(dtype=str), "name": pd.Series(dtype=str),
                         "row": pd.Series(dtype="int64")})


def _missing_festivals(year: int, holidays_listed: set[pd.Timestamp]) -> list[str]:
    """Statutory festivals of `year` with a statutory day not listed as a holiday."""
    sd = statutory_days(year)
    missing = sd.loc[~sd["date"].isin(holidays_listed), "festival"]
    return list(dict.fromkeys(missing))


# --------------------------------------------------------------------------- the calendar

@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """Working days from FIRST_YEAR to LAST_YEAR, each year official or provisional.

    `workdays`: the working days, a sorted `datetime64[D]` array (`work_numbers`: the same
    as int64 days since 1970-01-01); `cum[i]`: how many of them
    fall on or before day `first + i`; `provisional_cum[i]`: how many provisional days do;
    `official_years`: the years resting on a published arrangement; `special_days`: every
    holiday and 调休 working day (date, kind, name, basis, source) for listing; `problems` and
    `warnings`: what was wrong or incomplete in holidays.csv.
    """

    workdays: np.ndarray
    work_numbers: np.ndarray
    cum: np.ndarray
    provisional_cum: np.ndarray
    first: int
    official_years: frozenset[int]
    special_days: pd.DataFrame
    source: str
    problems: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def years(self) -> range:
        """Every year the calendar answers for (official or provisional).

        >>> load_calendar().years
        range(1950, 2101)
        """
        return range(FIRST_YEAR, LAST_YEAR + 1)

    def problem_rows(self) -> pd.DataFrame:
        """The problems of holidays.csv as rows of the processed `problems` table.

        >>> load_calendar().problem_rows().empty
        True
        """
        return pd.DataFrame(self.problems, columns=PROBLEM_COLUMNS).astype("str")

    def basis(self, year: int) -> str:
        """'official' or 'provisional' for one year.

        >>> load_calendar().basis(2021), load_calendar().basis(2099)
        ('official', 'provisional')
        """
        return OFFICIAL if year in self.official_years else PROVISIONAL

    def is_workday(self, day: Any) -> bool:
        """True when `day` is a working day (ValueError outside FIRST_YEAR..LAST_YEAR).

        >>> cal = load_calendar()
        >>> cal.is_workday("2021-10-09"), cal.is_workday("2021-10-01")
        (True, False)
        """
        i = _offset(pd.Timestamp(day), self)
        return bool(self.cum[i] - (self.cum[i - 1] if i else 0))


def _package_days() -> tuple[dict[pd.Timestamp, tuple[str, str]], set[int]]:
    """{date: (kind, festival name)} from chinese_calendar's tables, and the years it covers."""
    by_value = {h.value: h.name for h in chinese_calendar.Holiday}

    def name(h: Any) -> str:  # the tables hold the English value ('National Day')
        member = getattr(h, "name", None) or by_value.get(str(h), "")
        return FESTIVAL_LABELS.get(_PACKAGE_NAMES.get(member, ""), str(getattr(h, "value", h)))

    days = {pd.Timestamp(d): ("holiday", name(h)) for d, h in chinese_calendar.holidays.items()}
    days.update({pd.Timestamp(d): ("workday", name(h)) for d, h in chinese_calendar.workdays.items()})
    years = set(range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1))
    return days, years


def load_calendar(extra: Path | str | pd.DataFrame | None = None) -> WorkCalendar:
    """The calendar: chinese_calendar's years, plus a holidays file or frame, rules elsewhere.

    `extra` (data/raw/holidays.csv, or a frame with its columns): a year it covers
    completely becomes official; its rows for a year chinese_calendar knows correct the
    package; a partial year's rows apply, but the year stays provisional with a warning
    naming what is missing. Bad rows are left out and listed in `.problems`.

    >>> load_calendar().basis(2021), load_calendar().basis(2030)
    ('official', 'provisional')
    """
    package, official = _package_days()
    source = f"chinese_calendar {getattr(chinese_calendar, '__version__', '?')}"
    rows, problems, warnings = _empty_rows(), [], []
    if extra is not None:
        rows, problems = read_holidays_file(extra)
        source += " + " + ("DataFrame" if isinstance(extra, pd.DataFrame) else Path(extra).name)
    bad_years = {p["year"] for p in problems if p["year"] is not None}

    # Start from the rules: weekends + statutory days, every year of the span.
    import holidays

    rules = holidays.China(years=range(FIRST_YEAR, LAST_YEAR + 1), observed=False, language="zh_CN")
    special: dict[pd.Timestamp, tuple[str, str, str, str]] = {}
    for d in rules:
        keys = _statutory_keys(rules.get_list(d))
        if keys:
            special[pd.Timestamp(d)] = ("holiday", "、".join(FESTIVAL_LABELS[k] for k in keys),
                                        PROVISIONAL, "statutory rule")
    # Official years of the package replace the rules wholesale.
    special = {d: v for d, v in special.items() if d.year not in official}
    for d, (kind, name) in package.items():
        special[d] = (kind, name, OFFICIAL, source.split(" + ")[0])

    for year, grp in rows.groupby("year", sort=True):
        days = grp[grp["kind"] != "complete"]
        complete = (grp["kind"] == "complete").any()
        hol = set(days.loc[days["kind"] == "holiday", "date"])
        missing = _missing_festivals(int(year), hol)
        no_workday = not (days["kind"] == "workday").any()
        is_official = complete and not missing and year not in bad_years
        if year in official and not is_official:
            for d in days.itertuples(index=False):  # corrections of a published year
                special[d.date] = (d.kind, d.name, OFFICIAL, HOLIDAYS_FILE)
            continue
        if is_official:
            special = {d: v for d, v in special.items() if d.year != year}
            official.add(int(year))
        for d in days.itertuples(index=False):
            special[d.date] = (d.kind, d.name, OFFICIAL if is_official else PROVISIONAL, HOLIDAYS_FILE)
        if not is_official:
            names = "、".join(FESTIVAL_LABELS[m] for m in missing)
            what = [(en, zh) for cond, en, zh in (
                (not complete, "no 'complete' row", "缺少“complete”行"),
                (complete and year in bad_years, "rows with errors", "有错误行"),
                (bool(missing), f"no holiday rows for {names}", f"缺少{names}的放假行"),
                (no_workday, "no 调休 workday rows", "没有调休上班行")) if cond]
            warnings.append(CLI_MESSAGES["calendar_stays_provisional"].format(
                file=HOLIDAYS_FILE, year=year, zh="；".join(z for _, z in what), en="; ".join(e for e, _ in what)))
            key = "complete_missing_festival" if complete and missing else "incomplete_year"
            problems.append(_problem(int(grp["row"].min()), "A", "date", f"{year}：" + "；".join(z for _, z in what),
                                     key, "complete_year", year=int(year),
                                     severity="error" if key == "complete_missing_festival" else "warning"))

    span = pd.date_range(f"{FIRST_YEAR}-01-01", f"{LAST_YEAR}-12-31", freq="D")
    work = np.asarray(span.day_of_week < 5)
    sp = pd.DataFrame([(d, *v) for d, v in sorted(special.items())],
                      columns=["date", "kind", "name", "basis", "source"])
    sp = sp[(sp["date"] >= span[0]) & (sp["date"] <= span[-1])].reset_index(drop=True)
    pos = ((sp["date"] - span[0]).dt.days).to_numpy()
    work[pos] = (sp["kind"] == "workday").to_numpy()
    years = np.asarray(span.year)
    provisional = ~np.isin(years, sorted(official))
    first = int(span[0].value // 86_400_000_000_000)
    workdays = (np.flatnonzero(work) + first).astype("datetime64[D]")
    sp["weekday"] = sp["date"].dt.day_of_week
    return WorkCalendar(workdays=workdays, work_numbers=workdays.view(np.int64),
                        cum=np.cumsum(work, dtype=np.int64),
                        provisional_cum=np.cumsum(provisional, dtype=np.int64), first=first,
                        official_years=frozenset(official), special_days=sp, source=source,
                        problems=problems, warnings=warnings)


@lru_cache(maxsize=8)
def _cached_calendar(path: str | None, _stamp: tuple[int, int] | None) -> WorkCalendar:
    # _stamp (mtime, size) is only a cache key: an edited holidays.csv is read again.
    return load_calendar(Path(path) if path else None)


def default_calendar(raw_dir: Path | str | None = None) -> WorkCalendar:
    """The package's calendar plus `<raw_dir>/holidays.csv` when it exists (cached).

    raw_dir defaults to data/raw (config.raw_dir()).

    >>> 2021 in default_calendar().official_years
    True
    """
    path = Path(raw_dir if raw_dir is not None else config.raw_dir()) / HOLIDAYS_FILE
    if path.is_file():
        st = path.stat()
        return _cached_calendar(str(path), (st.st_mtime_ns, st.st_size))
    return _cached_calendar(None, None)


def calendar_days(year: int, calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """The holidays and 调休 working days of one year with their basis (for `ledger calendar`).

    Columns: date, weekday (0 = Monday), kind (holiday | workday), name, basis, source.

    >>> calendar_days(2021, load_calendar()).loc[0, ["date", "kind", "name", "basis"]].tolist()
    [Timestamp('2021-01-01 00:00:00'), 'holiday', '元旦', 'official']
    """
    cal = calendar if calendar is not None else default_calendar()
    sp = cal.special_days
    out = sp[sp["date"].dt.year == year]
    return out[["date", "weekday", "kind", "name", "basis", "source"]].reset_index(drop=True)


# --------------------------------------------------------------------------- answering dates

def _offset(day: pd.Timestamp, cal: WorkCalendar) -> int:
    i = int(day.normalize().value // 86_400_000_000_000) - cal.first
    if not 0 <= i < len(cal.cum):
        raise _outside_error(day.year)
    return i


def _outside_error(year: int) -> ValueError:
    return ValueError(CLI_MESSAGES["calendar_outside"].format(first=FIRST_YEAR, last=LAST_YEAR, year=year))


def _as_series(dates: Any) -> tuple[pd.Series, bool]:
    scalar = not isinstance(dates, (pd.Series, pd.Index, np.ndarray, list, tuple))
    if scalar:
        return pd.Series([dates]), True
    if isinstance(dates, pd.Series):
        return dates, False
    return pd.Series(list(dates) if isinstance(dates, tuple) else dates), False


def _day_numbers(ser: pd.Series, errors: str) -> tuple[np.ndarray, np.ndarray, str]:
    """(days since 1970-01-01 as int64, the datetime64 values, their unit).

    NaT becomes a large negative day number, outside every calendar span.
    """
    if not pd.api.types.is_datetime64_dtype(ser.dtype):
        if isinstance(ser.dtype, pd.DatetimeTZDtype):
            ser = ser.dt.tz_localize(None)
        else:
            ser = pd.to_datetime(ser, format="mixed", errors="coerce" if errors == "coerce" else "raise")
            if getattr(ser.dt, "tz", None) is not None:
                ser = ser.dt.tz_localize(None)
    arr = ser.to_numpy()
    unit = np.datetime_data(arr.dtype)[0]
    if unit not in _DAY_NS:
        arr, unit = arr.astype("datetime64[us]"), "us"
    return arr.view(np.int64) // _DAY_NS[unit], arr, unit  # floor: times of day are ignored


def _deadline_days(dates: Any, n: int, cal: WorkCalendar | None, errors: str):
    """What the public functions share: (series, scalar, deadline day numbers, day offsets
    into the span, ok mask or None when every row has a deadline, unit)."""
    if n < 1:
        raise ValueError(f"n must be a positive number of working days, got {n}")
    if errors not in ("raise", "coerce"):
        raise ValueError("errors must be 'raise' or 'coerce'")
    cal = cal if cal is not None else default_calendar()
    ser, scalar = _as_series(dates)
    days, values, unit = _day_numbers(ser, errors)
    i = days
    i -= cal.first
    # One unsigned comparison catches NaT, days before the span and days after it.
    inside = i.view(np.uint64) < len(cal.cum)
    ok = None
    if not inside.all():
        i[~inside] = 0
        ok = inside
    k = cal.cum[i]
    k += n - 1
    if len(k) and k.max() >= len(cal.work_numbers):  # the deadline falls past the span
        over = k >= len(cal.work_numbers)
        k[over] = 0
        ok = ~over if ok is None else ok & ~over
    if ok is not None and errors == "raise":
        bad = ~ok & ~np.isnat(values)
        if bad.any():
            year = pd.Timestamp(values[np.flatnonzero(bad)[0]]).year
            raise _outside_error(year if not FIRST_YEAR <= year <= LAST_YEAR else LAST_YEAR + 1)
    return ser, scalar, cal.work_numbers[k], i, ok, unit


def _as_datetimes(days: np.ndarray, ok: np.ndarray | None, unit: str) -> np.ndarray:
    """Day numbers (a fresh array, reused in place) as datetime64[unit]; NaT where not ok."""
    out = days
    out *= _DAY_NS[unit]
    if ok is not None:
        out[~ok] = _NAT
    return out.view(f"datetime64[{unit}]")


def working_day_deadline(dates: Any, n: int = config.PUBLICITY_WORKING_DAYS, *,
                         calendar: WorkCalendar | None = None,
                         errors: str = "raise") -> Any:
    """For each date, the n-th working day after it, counted from the day after.

    `dates`: a Series (result keeps its index and name), anything array-like (a Series is
    returned) or a single date (a Timestamp is returned). Times of day are ignored; NaT
    gives NaT. Years without a published arrangement count on the provisional calendar
    (`deadline_with_basis` says which). A date or deadline outside 1950-2100 raises
    ValueError (`errors="coerce"` gives NaT). Defined in docs/metrics.md (双公示 timeliness).

    >>> working_day_deadline(pd.Timestamp("2021-09-28"))
    Timestamp('2021-10-13 00:00:00')
    """
    ser, scalar, out, _, ok, unit = _deadline_days(dates, n, calendar, errors)
    result = pd.Series(_as_datetimes(out, ok, unit), index=ser.index, name=ser.name, copy=False)
    return result.iloc[0] if scalar else result


def deadline_with_basis(dates: Any, n: int = config.PUBLICITY_WORKING_DAYS, *,
                        calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """The deadline of each date and its basis, as columns `deadline`, `deadline_basis`.

    deadline_basis is `provisional` when any day from the day after the decision to the
    deadline lies in a year without a published arrangement, else `official`; empty where
    the deadline is NaT (no date, or outside 1950-2100). Index kept.

    >>> deadline_with_basis(pd.Series(pd.to_datetime(["2026-12-28"])))["deadline_basis"].iloc[0]
    'provisional'
    """
    cal = calendar if calendar is not None else default_calendar()
    ser, _, out, i, ok, unit = _deadline_days(dates, n, cal, "coerce")
    pc = cal.provisional_cum
    prov = pc[out - cal.first] - pc[i] > 0  # a provisional day in (decision, deadline]
    basis = np.where(prov, PROVISIONAL, OFFICIAL)
    if ok is not None:
        basis[~ok] = ""
    return pd.DataFrame({"deadline": _as_datetimes(out, ok, unit),
                         "deadline_basis": pd.array(basis, dtype="str")}, index=ser.index)


def calendar_basis(dates: Any, *, calendar: WorkCalendar | None = None) -> Any:
    """'official' or 'provisional' for each date's year ('' for NaT or outside 1950-2100).

    A Series (index and name kept) for array-like input, a str for a single date.

    >>> calendar_basis(pd.Timestamp("2021-06-01")), calendar_basis(pd.Timestamp("2031-06-01"))
    ('official', 'provisional')
    """
    cal = calendar if calendar is not None else default_calendar()
    ser, scalar = _as_series(dates)
    i, _, _ = _day_numbers(ser, "coerce")
    i -= cal.first
    inside = i.view(np.uint64) < len(cal.cum)
    ic = np.where(inside, i, 0)
    before = np.where(ic > 0, cal.provisional_cum[np.maximum(ic - 1, 0)], 0)
    prov = (cal.provisional_cum[ic] - before) > 0
    out = pd.Series(pd.array(np.where(inside, np.where(prov, PROVISIONAL, OFFICIAL), ""), dtype="str"),
                    index=ser.index, name=ser.name)
    return out.iloc[0] if scalar else out


# --------------------------------------------------------------------------- `ledger calendar`

_WEEKDAYS = "一二三四五六日"


def _year_source(year: int, cal: WorkCalendar) -> str:
    if year not in cal.official_years:
        return CLI_MESSAGES["calendar_provisional"].format(year=year, file=HOLIDAYS_FILE)
    days = calendar_days(year, cal)
    from_file = (days["source"] == HOLIDAYS_FILE).any()
    return CLI_MESSAGES["calendar_official"].format(
        year=year, source=HOLIDAYS_FILE if from_file else cal.source.split(" + ")[0])


def describe_year(year: int, calendar: WorkCalendar | None = None) -> str:
    """`ledger calendar YEAR`: the year's basis, then its holidays and 调休 days, one a line.

    >>> print(describe_year(2021, load_calendar()).splitlines()[0])
    2021 年：正式安排（chinese_calendar 1.11.0） / 2021: official (chinese_calendar 1.11.0)
    """
    cal = calendar if calendar is not None else default_calendar()
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _outside_error(year)
    days = calendar_days(year, cal)
    lines = [_year_source(year, cal)]
    for r in days.itertuples(index=False):
        kind = CLI_MESSAGES["calendar_holiday" if r.kind == "holiday" else "calendar_workday"]
        basis = CLI_MESSAGES[f"calendar_basis_{r.basis}"]
        kind += " " * (17 - len(kind) - sum(ord(c) > 0x2E80 for c in kind))  # pad to display width
        lines.append(f"  {r.date:%Y-%m-%d} 周{_WEEKDAYS[r.weekday]}  {kind}{r.name or '-':<8} {basis}")
    n_hol, n_work = int((days["kind"] == "holiday").sum()), int((days["kind"] == "workday").sum())
    lines.append("  " + CLI_MESSAGES["calendar_counts"].format(holidays=n_hol, workdays=n_work))
    lines += [CLI_MESSAGES["build_warning"].format(text=w) for w in cal.warnings
              if f"{HOLIDAYS_FILE}：{year} " in w]
    return "\n".join(lines)


def describe_calendar(calendar: WorkCalendar | None = None) -> str:
    """`ledger calendar`: which years are official, from where; the rest is provisional.

    >>> print(describe_calendar(load_calendar()).splitlines()[0])
    正式安排 / official: 2004-2026（chinese_calendar 1.11.0）
    """
    cal = calendar if calendar is not None else default_calendar()
    years = sorted(cal.official_years)
    spans, start = [], years[0]
    for a, b in zip(years, years[1:] + [None]):
        if b != a + 1:
            spans.append(f"{start}-{a}" if a != start else f"{a}")
            start = b
    lines = [CLI_MESSAGES["calendar_official_years"].format(spans=", ".join(spans), source=cal.source),
             CLI_MESSAGES["calendar_provisional_years"].format(first=FIRST_YEAR, last=LAST_YEAR)]
    return "\n".join(lines + [CLI_MESSAGES["build_warning"].format(text=w) for w in cal.warnings])


def check_holidays_file(raw_dir: Path | str | None = None) -> tuple[str, int]:
    """`ledger calendar --check`: every problem of holidays.csv and each year's basis.

    Returns (text, exit code): 1 when the file has an error (a bad row, a year marked
    complete without every statutory day), 0 otherwise, as `ledger validate` does.

    >>> import tempfile
    >>> check_holidays_file(tempfile.mkdtemp())[1]
    0
    """
    path = Path(raw_dir if raw_dir is not None else config.raw_dir()) / HOLIDAYS_FILE
    if not path.is_file():
        last = max(load_calendar().official_years)
        return CLI_MESSAGES["calendar_no_file"].format(file=HOLIDAYS_FILE, last=last), 0
    cal = load_calendar(path)
    rows, _ = read_holidays_file(path)
    lines = []
    for p in cal.problems:
        where = f" {p['cell']}" if p["cell"] else ""
        lines.append(CLI_MESSAGES["calendar_problem"].format(
            zh=SEVERITY_LABELS[p["severity"]], severity=p["severity"], file=HOLIDAYS_FILE, where=where,
            problem=p["problem"], value=p["value"], expected=p["expected"]))
    for year in sorted(set(rows["year"])):
        basis = cal.basis(int(year))
        zh = CLI_MESSAGES[f"calendar_basis_{basis}"].split()[0]
        lines.append(CLI_MESSAGES["calendar_year_basis"].format(year=year, zh=zh, basis=basis))
    errors = sum(p["severity"] == "error" for p in cal.problems)
    lines.append(CLI_MESSAGES["calendar_file_counts"].format(file=HOLIDAYS_FILE, rows=len(rows), errors=errors,
                                                             warnings=len(cal.problems) - errors))
    return "\n".join(lines), 1 if errors else 0
