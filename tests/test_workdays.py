"""working_day_deadline on China's official calendar: hand-worked 2021 cases, extra years, errors.

Expected days below were counted by hand from the State Council's 2021 arrangement:
Spring Festival 02-11..17 off, Sun 02-07 and Sat 02-20 worked; Mid-Autumn 09-19..21 off,
Sat 09-18 worked; National Day 10-01..07 off, Sun 09-26 and Sat 10-09 worked.
"""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ledgerlib
from ledgerlib import config
from ledgerlib.workdays import (default_calendar, load_calendar, read_extra_calendar,
                                working_day_deadline)

CAL = load_calendar()  # the package alone: independent of any data/raw/holidays.csv


def ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s)


@pytest.mark.parametrize("decided, due", [
    ("2021-09-28", "2021-10-13"),  # SPEC's example: not 10-07; 10-09 (Sat) is worked
    ("2021-09-30", "2021-10-15"),  # 10-08, 10-09, 10-11..15
    ("2021-09-26", "2021-10-11"),  # decision on the working Sunday before National Day
    ("2021-10-09", "2021-10-19"),  # decision on the working Saturday after it
    ("2021-10-02", "2021-10-15"),  # decision on a public holiday: counting starts next day
    ("2021-03-06", "2021-03-16"),  # decision on a plain Saturday
    ("2021-02-05", "2021-02-20"),  # Spring Festival: 02-07 (Sun) and 02-20 (Sat) worked
    ("2021-02-06", "2021-02-20"),  # Saturday before the working Sunday 02-07
    ("2021-02-10", "2021-02-25"),  # eve of the holiday week
    ("2021-02-15", "2021-02-25"),  # inside the holiday week
    ("2021-02-19", "2021-03-01"),  # Friday before the working Saturday 02-20
    ("2020-12-31", "2021-01-12"),  # across New Year (01-01..03 off)
])
def test_hand_worked_2021_deadlines(decided: str, due: str) -> None:
    assert working_day_deadline(ts(decided), calendar=CAL) == ts(due)


def test_series_keeps_index_name_and_nat() -> None:
    s = pd.Series(pd.to_datetime(["2021-09-28 16:45", None, "2021-02-07 00:00"]),
                  index=[10, 20, 30], name="decision_date")
    out = working_day_deadline(s, calendar=CAL)
    assert list(out.index) == [10, 20, 30]
    assert out.name == "decision_date"
    assert out[10] == ts("2021-10-13")  # time of day ignored
    assert pd.isna(out[20])
    # 02-07 is a working Sunday: the days after it are 02-08, 09, 10, 18, 19, 20, 22.
    assert out[30] == ts("2021-02-22")
    assert pd.api.types.is_datetime64_dtype(out.dtype)


def test_other_n_and_text_input() -> None:
    out = working_day_deadline(["2021-09-30", "2021-09-17"], n=1, calendar=CAL)
    # 09-18 (Sat) is the worked day before Mid-Autumn.
    assert list(out) == [ts("2021-10-08"), ts("2021-09-18")]
    with pytest.raises(ValueError):
        working_day_deadline(ts("2021-01-04"), n=0, calendar=CAL)


def test_exported_from_package() -> None:
    assert ledgerlib.working_day_deadline is working_day_deadline


def test_unknown_year_is_a_clear_error() -> None:
    last = max(CAL.years)
    with pytest.raises(ValueError, match=rf"year {last + 3}.*holidays\.csv"):
        working_day_deadline(pd.Series([ts(f"{last + 3}-05-06")]), calendar=CAL)
    # The date is known but its deadline runs into the next, unknown year.
    with pytest.raises(ValueError, match=rf"year {last + 1}"):
        working_day_deadline(ts(f"{last}-12-28"), calendar=CAL)
    with pytest.raises(ValueError, match=r"year 1999"):
        working_day_deadline(ts("1999-06-01"), calendar=CAL)


def test_coerce_gives_nat_for_unknown_years_only() -> None:
    last = max(CAL.years)
    out = working_day_deadline(pd.Series([ts(f"{last + 3}-05-06"), ts("2021-09-28")]),
                               calendar=CAL, errors="coerce")
    assert pd.isna(out[0]) and out[1] == ts("2021-10-13")


# 2100 is a year no calendar package will know. 2100-01-01 is a Friday.
EXTRA_2100 = pd.DataFrame({"date": ["2100-01-01", "2100-01-02"], "kind": ["holiday", "workday"]})


def test_extra_calendar_frame_adds_a_year() -> None:
    cal = load_calendar(EXTRA_2100)
    assert 2100 in cal.years
    # Days after New Year's Day: Sat 01-02 (worked), 01-04..08, 01-11.
    assert working_day_deadline(ts("2100-01-01"), calendar=cal) == ts("2100-01-11")
    assert cal.is_workday("2100-01-02") and not cal.is_workday("2100-01-01")
    # 2099 stays unknown, so counting from it is refused rather than guessed.
    with pytest.raises(ValueError, match="year 2099"):
        working_day_deadline(ts("2099-12-31"), calendar=cal)
    # The package's years are untouched.
    assert working_day_deadline(ts("2021-09-28"), calendar=cal) == ts("2021-10-13")


def test_extra_calendar_file_and_default_pickup(tmp_path, monkeypatch) -> None:
    path = tmp_path / "holidays.csv"
    path.write_text("date,kind\n2100-01-01,holiday\n2100-01-02,workday\n", encoding="utf-8-sig")
    assert working_day_deadline(ts("2100-01-01"), calendar=load_calendar(path)) == ts("2100-01-11")
    # default_calendar reads data/raw/holidays.csv by itself, so notebooks need no change.
    monkeypatch.setattr(config, "raw_dir", lambda: tmp_path)
    assert 2100 in default_calendar().years
    assert working_day_deadline(ts("2100-01-01")) == ts("2100-01-11")


def test_extra_calendar_can_correct_a_known_day() -> None:
    # Pretend 2021-10-08 (Fri) had been declared a holiday too.
    cal = load_calendar(pd.DataFrame({"date": ["2021-10-08"], "kind": ["holiday"]}))
    assert working_day_deadline(ts("2021-09-28"), calendar=cal) == ts("2021-10-14")


def test_bad_extra_calendar_is_refused(tmp_path) -> None:
    path = tmp_path / "holidays.csv"
    path.write_text("date,kind\n2100-01-01,holiday\n2100-13-40,workday\n2100-01-03,vacation\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match=r"row 3.*row 4"):
        read_extra_calendar(path)
    with pytest.raises(ValueError, match="columns date,kind"):
        read_extra_calendar(pd.DataFrame({"day": ["2100-01-01"]}))


def reference_deadline(day: dt.date, n: int) -> dt.date:
    """Per-row loop on chinese_calendar.is_workday: step day by day from the day after."""
    found = 0
    while found < n:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            found += 1
    return day


@settings(max_examples=60, deadline=None)
@given(days=st.lists(st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2025, 12, 1)),
                     min_size=1, max_size=40),
       n=st.integers(min_value=1, max_value=15))
def test_matches_a_per_row_loop(days: list[dt.date], n: int) -> None:
    out = working_day_deadline(pd.Series(pd.to_datetime(days)), n=n, calendar=CAL)
    expected = [pd.Timestamp(reference_deadline(d, n)) for d in days]
    assert list(out) == expected


def test_vectorised_on_many_dates_equals_loop_sample() -> None:
    rng = np.random.default_rng(7)
    days = pd.Series(pd.Timestamp("2005-01-01") + pd.to_timedelta(rng.integers(0, 7600, 50_000), "D"))
    out = working_day_deadline(days, calendar=CAL)
    for i in rng.integers(0, len(days), 200):
        assert out[i] == pd.Timestamp(reference_deadline(days[i].date(), 7))
