"""China's official working-day calendar, and the n-th working day after a date.

The 双公示 rule (published within 7 working days of the decision, counted from the day
after) needs the State Council's holiday arrangement: public holidays and the weekend
days worked in their place (调休). The `chinese_calendar` package knows past years; the
arrangement for the next year is published late in the year, so a user can add it in
`data/raw/holidays.csv` (columns `date,kind`, kind `holiday` or `workday`) before the
package catches up.

For speed the calendar is turned once into a sorted array of working days; every date is
then answered with one `numpy.searchsorted` over the whole Series (see docs/metrics.md).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import chinese_calendar
import numpy as np
import pandas as pd

from . import config

#: Name of the optional extra calendar file under data/raw/.
HOLIDAYS_FILE = "holidays.csv"
_KINDS = ("holiday", "workday")


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """Working days of the years the calendar knows, as a sorted `datetime64[D]` array."""

    workdays: np.ndarray
    years: frozenset[int]
    source: str

    def is_workday(self, day: Any) -> bool:
        """True when `day` is an official working day (ValueError outside the known years)."""
        d = np.datetime64(pd.Timestamp(day).date(), "D")
        if int(_year(np.array([d]))[0]) not in self.years:
            raise _unknown_year_error(int(_year(np.array([d]))[0]), self)
        i = np.searchsorted(self.workdays, d)
        return bool(i < len(self.workdays) and self.workdays[i] == d)


def _package_days() -> tuple[dict[dt.date, str], set[int]]:
    """{date: kind} from chinese_calendar's tables, and the years it covers."""
    days: dict[dt.date, str] = {d: "holiday" for d in chinese_calendar.holidays}
    days.update({d: "workday" for d in chinese_calendar.workdays})
    first = min(chinese_calendar.holidays).year
    last = max(chinese_calendar.holidays).year
    return days, set(range(first, last + 1))


def read_extra_calendar(extra: Path | str | pd.DataFrame) -> pd.DataFrame:
    """The extra calendar as a frame `date` (datetime64), `kind` (holiday|workday).

    Raises ValueError naming the rows that are not a date or not a known kind: a wrong
    holiday file would silently move every deadline, so it must not load half-way.
    """
    if isinstance(extra, pd.DataFrame):
        raw = extra.copy()
    else:
        raw = pd.read_csv(extra, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    missing = {"date", "kind"} - set(raw.columns)
    if missing:
        raise ValueError(f"extra calendar needs columns date,kind; missing {sorted(missing)}")
    dates = pd.to_datetime(raw["date"].astype(str).str.strip(), errors="coerce", format="mixed")
    kinds = raw["kind"].astype(str).str.strip().str.lower()
    bad = dates.isna() | ~kinds.isin(_KINDS)
    if bad.any():
        rows = ", ".join(f"row {i + 2}: {raw['date'].iloc[i]!r},{raw['kind'].iloc[i]!r}"
                         for i in np.flatnonzero(bad.to_numpy())[:5])
        raise ValueError(f"extra calendar: bad rows ({rows}); expected date YYYY-MM-DD and kind "
                         f"holiday or workday")
    return pd.DataFrame({"date": dates.dt.normalize(), "kind": kinds}).reset_index(drop=True)


def load_calendar(extra: Path | str | pd.DataFrame | None = None) -> WorkCalendar:
    """The official calendar: chinese_calendar's tables plus an optional extra file/frame.

    Days listed in `extra` override the package (a correction) and make their years known
    (a year the package does not cover yet): list the whole official arrangement of such a
    year; its unlisted days follow the plain Monday-Friday rule.
    """
    days, years = _package_days()
    source = f"chinese_calendar {getattr(chinese_calendar, '__version__', '?')}"
    if extra is not None:
        ex = read_extra_calendar(extra)
        for d, k in zip(ex["date"].dt.date, ex["kind"]):
            days[d] = k
        years |= set(ex["date"].dt.year.tolist())
        source += " + " + ("DataFrame" if isinstance(extra, pd.DataFrame) else Path(extra).name)
    first, last = min(years), max(years)
    span = pd.date_range(f"{first}-01-01", f"{last}-12-31", freq="D")
    weekday = span.day_of_week < 5
    override = pd.Series(days, dtype=object)
    override.index = pd.to_datetime(override.index)
    kind = pd.Series(np.where(weekday, "workday", "holiday"), index=span)
    kind.update(override[override.index.isin(span)])
    # Unknown years inside the span keep the weekday rule here; working_day_deadline
    # refuses any answer that counts through them.
    work = span[kind.to_numpy() == "workday"]
    return WorkCalendar(workdays=work.to_numpy().astype("datetime64[D]"),
                        years=frozenset(years), source=source)


@lru_cache(maxsize=8)
def _cached_calendar(path: str | None, _stamp: tuple[int, int] | None) -> WorkCalendar:
    # _stamp (mtime, size) is only a cache key: an edited holidays.csv is read again.
    return load_calendar(Path(path) if path else None)


def default_calendar() -> WorkCalendar:
    """The package's calendar plus data/raw/holidays.csv when that file exists (cached)."""
    path = config.raw_dir() / HOLIDAYS_FILE
    if path.is_file():
        st = path.stat()
        return _cached_calendar(str(path), (st.st_mtime_ns, st.st_size))
    return _cached_calendar(None, None)


def _year(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[Y]").astype(np.int64) + 1970


def _all_known(start: np.ndarray, end: np.ndarray, cal: WorkCalendar) -> np.ndarray:
    """True where every year from start to end (inclusive) is known to the calendar."""
    # Years outside [lo, hi] are clipped onto lo or hi, which are unknown by construction.
    lo, hi = min(cal.years) - 1, max(cal.years) + 1
    unknown = ~np.isin(np.arange(lo, hi + 1), sorted(cal.years))
    cum = np.concatenate([[0], np.cumsum(unknown)])
    s = np.clip(start, lo, hi) - lo
    e = np.clip(end, lo, hi) - lo
    return (cum[e + 1] - cum[s]) == 0


def _first_unknown(start: int, end: int, cal: WorkCalendar) -> int:
    return next(y for y in range(int(start), int(end) + 1) if y not in cal.years)


def _unknown_year_error(year: int, cal: WorkCalendar) -> ValueError:
    return ValueError(
        f"the working-day calendar does not know year {year} (it knows "
        f"{min(cal.years)}-{max(cal.years)}, from {cal.source}). Add that year's official "
        f"holiday arrangement to data/raw/{HOLIDAYS_FILE} (columns date,kind with kind "
        f"holiday or workday), or upgrade the chinesecalendar package.")


def working_day_deadline(dates: Any, n: int = config.PUBLICITY_WORKING_DAYS, *,
                         calendar: WorkCalendar | None = None,
                         errors: str = "raise") -> Any:
    """For each date, the n-th official working day after it, counted from the day after.

    `dates`: a Series (result keeps its index and name), anything array-like (a Series is
    returned) or a single date (a Timestamp is returned). Times of day are ignored; NaT
    gives NaT. A date — or a deadline — in a year the calendar does not know raises
    ValueError naming the year and the fix (`errors="coerce"` gives NaT instead).
    Defined in docs/metrics.md (双公示 timeliness).
    """
    if n < 1:
        raise ValueError(f"n must be a positive number of working days, got {n}")
    if errors not in ("raise", "coerce"):
        raise ValueError("errors must be 'raise' or 'coerce'")
    cal = calendar if calendar is not None else default_calendar()
    scalar = not isinstance(dates, (pd.Series, pd.Index, np.ndarray, list, tuple))
    if scalar:
        ser = pd.Series([dates])
    elif isinstance(dates, pd.Series):
        ser = dates
    else:
        ser = pd.Series(list(dates) if isinstance(dates, tuple) else dates)
    ts = ser if pd.api.types.is_datetime64_dtype(ser.dtype) else \
        pd.to_datetime(ser, format="mixed", errors="coerce" if errors == "coerce" else "raise")
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_localize(None)
    days = ts.to_numpy().astype("datetime64[D]")
    valid = ~np.isnat(days)
    # First working day strictly after the date, then n-1 working days on.
    pos = np.searchsorted(cal.workdays, days, side="right") + (n - 1)
    inside = valid & (pos < len(cal.workdays))
    start_year = _year(days)
    end_year = np.full(len(days), max(cal.years) + 1)
    end_year[inside] = _year(cal.workdays[pos[inside]])
    end_year = np.maximum(end_year, start_year)
    ok = valid & inside & _all_known(start_year, end_year, cal)
    if errors == "raise" and (valid & ~ok).any():
        i = int(np.flatnonzero(valid & ~ok)[0])
        raise _unknown_year_error(_first_unknown(start_year[i], end_year[i], cal), cal)
    out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[D]")
    out[ok] = cal.workdays[pos[ok]]
    unit = np.datetime_data(ts.dtype)[0] if pd.api.types.is_datetime64_dtype(ts.dtype) else "us"
    if unit not in ("s", "ms", "us", "ns"):
        unit = "us"
    result = pd.Series(out.astype(f"datetime64[{unit}]"), index=ser.index, name=ser.name)
    return result.iloc[0] if scalar else result
