"""Working days on China's calendar: hand-worked 2021 cases, provisional years, holidays.csv.

Expected days below were counted by hand from the State Council's 2021 arrangement:
Spring Festival 02-11..17 off, Sun 02-07 and Sat 02-20 worked; Mid-Autumn 09-19..21 off,
Sat 09-18 worked; National Day 10-01..07 off, Sun 09-26 and Sat 10-09 worked.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ledgerlib
from ledgerlib import config, labels
from ledgerlib.workdays import (STATUTORY_DAYS_2025, calendar_basis, calendar_days, default_calendar,
                                deadline_with_basis, load_calendar, read_holidays_file, statutory_days,
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


def test_a_year_without_an_arrangement_is_provisional_not_an_error() -> None:
    last = max(CAL.official_years)
    assert last >= 2026 and CAL.basis(last + 1) == "provisional" and CAL.basis(2021) == "official"
    # 1950-2100 always answers; outside it a date is an error (or NaT with coerce).
    # 1999-06-01 is a Tuesday: 06-02..04, 06-07..10 -> 06-10.
    assert working_day_deadline(ts("1999-06-01"), calendar=CAL) == ts("1999-06-10")
    with pytest.raises(ValueError, match=r"1950-2100.*year 2101"):
        working_day_deadline(pd.Series([ts("2101-05-06")]), calendar=CAL)
    with pytest.raises(ValueError, match=r"year 1949"):
        working_day_deadline(ts("1949-06-01"), calendar=CAL)
    out = working_day_deadline(pd.Series([ts("2101-05-06"), ts("2021-09-28")]), calendar=CAL, errors="coerce")
    assert pd.isna(out[0]) and out[1] == ts("2021-10-13")


# -- Issue 13: a deadline in a year chinesecalendar does not know yet ----------------------
# Hand-counted. 2026-12-28 is a Monday. Working days after it: 12-29, 12-30, 12-31, then
# 2027-01-01 (Friday, 元旦) is off, 01-04, 01-05, 01-06, 01-07 -> the 7th is 2027-01-07.
# 2027-09-28 is a Tuesday: 09-29, 09-30; 10-01..03 (Fri-Sun) are the statutory 国庆 days;
# 10-04..10-08 -> the 7th is 10-08 on the provisional calendar (not 10-07, which ignored
# National Day). In the made-up complete 2027 file, 10-01..07 are off and Sat 10-09 is
# worked: 09-29, 09-30, 10-08, 10-09, 10-11, 10-12, 10-13 -> 10-13.
FIXTURES = Path(__file__).parent / "fixtures"
COMPLETE_2027 = FIXTURES / "holidays_2027_complete_made_up.csv"
PARTIAL_2027 = FIXTURES / "holidays_2027_partial.csv"


def test_2026_12_28_with_no_2027_data_is_provisional() -> None:
    assert 2027 not in CAL.official_years
    out = deadline_with_basis(pd.Series([ts("2026-12-28"), ts("2027-09-28"), ts("2026-12-18")]), calendar=CAL)
    # 12-18 (Fri) + 7 ends in 2026 (official): 12-21..25, 12-28, 12-29.
    assert list(out["deadline"]) == [ts("2027-01-07"), ts("2027-10-08"), ts("2026-12-29")]
    assert list(out["deadline_basis"]) == ["provisional", "provisional", "official"]
    assert working_day_deadline(ts("2026-12-28"), calendar=CAL) == ts("2027-01-07")


def test_2026_12_28_with_a_complete_2027_file_is_official() -> None:
    cal = load_calendar(COMPLETE_2027)
    assert cal.problems == [] and cal.warnings == []
    assert 2027 in cal.official_years
    out = deadline_with_basis(pd.Series([ts("2026-12-28"), ts("2027-09-28"), ts("2027-02-19")]), calendar=cal)
    # 02-19 (Fri): Sat 02-20 is worked (1), then 02-22..26 (2-6), 03-01 (7).
    assert list(out["deadline"]) == [ts("2027-01-07"), ts("2027-10-13"), ts("2027-03-01")]
    assert set(out["deadline_basis"]) == {"official"}
    assert cal.is_workday("2027-10-09") and not cal.is_workday("2027-10-07")


def test_partial_file_stays_provisional_and_names_what_is_missing() -> None:
    cal = load_calendar(PARTIAL_2027)
    assert 2027 not in cal.official_years
    out = deadline_with_basis(pd.Series([ts("2027-09-28"), ts("2027-02-19")]), calendar=cal)
    # National Day still counts (statutory rule), and the typed 调休 Saturday 02-20 is worked.
    assert list(out["deadline"]) == [ts("2027-10-08"), ts("2027-03-01")]
    assert set(out["deadline_basis"]) == {"provisional"}
    assert len(cal.warnings) == 1
    warning = cal.warnings[0]
    assert "2027" in warning and "complete" in warning and "\n" not in warning
    for festival in ("春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"):
        assert festival in warning
    assert "元旦" not in warning  # it has its holiday row
    rows = cal.problem_rows()
    assert list(rows["severity"]) == ["warning"] and rows["cell"].iloc[0] == "A2"


def test_complete_line_without_every_statutory_day_is_an_error_and_provisional(tmp_path) -> None:
    text = COMPLETE_2027.read_text(encoding="utf-8").replace("2027-09-15,holiday,中秋节\n", "")
    path = tmp_path / "holidays.csv"
    path.write_text(text, encoding="utf-8")
    cal = load_calendar(path)
    assert 2027 not in cal.official_years
    rows = cal.problem_rows()
    assert list(rows["severity"]) == ["error"] and "中秋节" in rows["value"].iloc[0]
    # The typed days still apply: 2027-09-28 -> 10-13 as in the complete file, but provisional.
    out = deadline_with_basis(pd.Series([ts("2027-09-28")]), calendar=cal)
    assert out["deadline"].iloc[0] == ts("2027-10-13") and out["deadline_basis"].iloc[0] == "provisional"


def test_2021_unchanged_every_day_of_the_year() -> None:
    days = pd.Series(pd.date_range("2021-01-01", "2021-12-31", freq="D"))
    expected = [pd.Timestamp(reference_deadline(d.date(), 7)) for d in days]
    out = deadline_with_basis(days, calendar=CAL)
    assert list(out["deadline"]) == expected
    assert set(out["deadline_basis"]) == {"official"}
    assert list(working_day_deadline(days, calendar=CAL)) == expected
    # A holidays.csv for another year changes nothing in 2021.
    assert list(working_day_deadline(days, calendar=load_calendar(COMPLETE_2027))) == expected


def test_calendar_basis_for_any_dates() -> None:
    s = pd.Series(pd.to_datetime(["2026-12-31", "2027-01-01", None, "2003-06-01"]), index=[5, 6, 7, 8])
    out = calendar_basis(s, calendar=CAL)
    assert list(out.index) == [5, 6, 7, 8]
    assert list(out) == ["official", "provisional", "", "provisional"]
    assert calendar_basis(ts("2027-06-01"), calendar=load_calendar(COMPLETE_2027)) == "official"
    assert calendar_basis(["2021-01-01", "2101-01-01"], calendar=CAL).tolist() == ["official", ""]


def test_statutory_rules_match_the_published_2025_and_2026_arrangements() -> None:
    # Every statutory day of the rules is a holiday in the State Council's arrangement, and
    # the arrangement names the same festival.
    names = {"new_year": "New Year's Day", "spring_festival": "Spring Festival",
             "qingming": "Tomb-sweeping Day", "labour_day": "Labour Day",
             "dragon_boat": "Dragon Boat Festival", "mid_autumn": "Mid-autumn Festival",
             "national_day": "National Day"}
    for year in (2025, 2026):
        sd = statutory_days(year)
        assert sd["festival"].value_counts().to_dict() == STATUTORY_DAYS_2025
        for day, festival in zip(sd["date"].dt.date, sd["festival"]):
            assert chinese_calendar.get_holiday_detail(day) == (True, names[festival]), (day, festival)


@pytest.mark.parametrize("year", range(2027, 2041))
def test_provisional_years_follow_the_2024_revision(year: int) -> None:
    sd = statutory_days(year)
    by = sd.groupby("festival")["date"].apply(list)
    assert {k: len(v) for k, v in by.items()} == STATUTORY_DAYS_2025
    spring = by["spring_festival"]  # 除夕 and the next three days, consecutive
    assert [d - spring[0] for d in spring] == [pd.Timedelta(days=i) for i in range(4)]
    assert spring[0].month in (1, 2)
    assert by["labour_day"] == [ts(f"{year}-05-01"), ts(f"{year}-05-02")]
    assert by["national_day"] == [ts(f"{year}-10-0{i}") for i in (1, 2, 3)]
    assert by["new_year"] == [ts(f"{year}-01-01")]
    # 清明 is the solar term, computed independently by chinese_calendar.
    terms = {name: day for day, name in chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))}
    assert by["qingming"] == [pd.Timestamp(terms["清明"])]
    # No 调休 in a provisional year: only weekends and the statutory days are off.
    listed = calendar_days(year, CAL)
    assert set(listed["kind"]) == {"holiday"} and set(listed["basis"]) == {"provisional"}
    assert set(listed["date"]) == set(sd["date"])


def test_holidays_file_in_raw_dir_is_picked_up(tmp_path, monkeypatch) -> None:
    (tmp_path / "holidays.csv").write_bytes(COMPLETE_2027.read_bytes())
    monkeypatch.setattr(config, "raw_dir", lambda: tmp_path)
    assert 2027 in default_calendar().official_years
    assert working_day_deadline(ts("2027-09-28")) == ts("2027-10-13")
    assert 2027 in default_calendar(tmp_path).official_years
    assert 2027 not in default_calendar(tmp_path / "elsewhere").official_years


def test_extra_calendar_can_correct_a_known_day() -> None:
    # Pretend 2021-10-08 (Fri) had been declared a holiday too.
    cal = load_calendar(pd.DataFrame({"date": ["2021-10-08"], "kind": ["holiday"]}))
    assert working_day_deadline(ts("2021-09-28"), calendar=cal) == ts("2021-10-14")
    assert cal.basis(2021) == "official"


def test_bad_rows_are_problems_and_the_rest_loads(tmp_path) -> None:
    path = tmp_path / "holidays.csv"
    path.write_text("date,kind,name\n2027-10-01,holiday,国庆节\n2027-13-40,holiday,\n"
                    "2027-10-03,vacation,\n2027-10-04,workday,周一不是调休\n"
                    "2027-10-09,workday,\n2027-10-09,holiday,\n2027,complete,\n2027/10/2,holiday,\n",
                    encoding="utf-8")
    rows, problems = read_holidays_file(path)
    cells = [(p["cell"], p["field"]) for p in problems]
    assert cells == [("A3", "date"), ("B4", "kind"), ("A5", "date"), ("A6", "date"), ("A7", "date")]
    assert set(rows["date"]) == {ts("2027-10-01"), ts("2027-10-02"), ts("2027-01-01")}
    cal = load_calendar(path)
    assert 2027 not in cal.official_years  # claimed complete, but with bad rows and missing days
    assert not cal.is_workday("2027-10-01") and not cal.is_workday("2027-10-02")
    assert cal.problem_rows().columns.tolist()[:3] == ["file", "sheet", "cell"]


def test_gbk_file_from_excel_and_missing_columns(tmp_path) -> None:
    path = tmp_path / "holidays.csv"
    path.write_bytes("date,kind,name\n2027-10-01,holiday,国庆节\n".encode("gb18030"))
    rows, problems = read_holidays_file(path)
    assert problems == [] and rows["name"].tolist() == ["国庆节"]
    rows, problems = read_holidays_file(pd.DataFrame({"day": ["2027-01-01"]}))
    assert rows.empty and problems[0]["problem"] == labels.CALENDAR_PROBLEM_LABELS["missing_columns"]
    (tmp_path / "empty.csv").write_bytes(b"")
    assert read_holidays_file(tmp_path / "empty.csv")[1][0]["severity"] == "error"


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
