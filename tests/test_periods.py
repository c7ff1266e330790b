"""Period arguments: a month or a quarter, read once; the wrong kind refused with a clear message."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from ledgerlib import periods
from ledgerlib.periods import PeriodError


@pytest.mark.parametrize("value, expected", [
    ("2021-06", ("month", "2021-06")), (" 2021-12 ", ("month", "2021-12")),
    (date(2021, 1, 31), ("month", "2021-01")), (pd.Period("2021-03", "M"), ("month", "2021-03")),
    ("2021Q4", ("quarter", "2021Q4")), ("2021q1", ("quarter", "2021Q1")),
    ("2021-Q2", ("quarter", "2021Q2")), (pd.Period("2021Q3", "Q"), ("quarter", "2021Q3")),
])
def test_months_and_quarters_in_the_forms_people_type(value, expected):
    assert periods.parse_period(value) == expected


@pytest.mark.parametrize("value", ["2021-13", "2021-00", "2021Q5", "2021Q0", "六月", "", "2021",
                                   "2021-6", "2021-06-30", None])
def test_what_is_neither_is_refused(value):
    with pytest.raises(PeriodError, match="2021-06"):
        periods.parse_period(value)


def test_quarter_months_and_as_of():
    assert periods.period_months("2021Q1") == ["2021-01", "2021-02", "2021-03"]
    assert periods.period_months("2021Q4") == ["2021-10", "2021-11", "2021-12"]
    assert periods.period_months("2021-07") == ["2021-07"]
    assert periods.as_of_month("2021Q3") == "2021-09"
    assert periods.month_end("2021-02") == pd.Timestamp("2021-02-28")
    assert periods.months_through("2021-03", start="2020-12") == ["2020-12", "2021-01", "2021-02", "2021-03"]


def test_a_quarter_is_never_read_as_its_first_month():
    # pd.Period("2021Q4", "M") is October: the bug this module exists to prevent.
    with pytest.raises(PeriodError) as err:
        periods.month_str("2021Q4")
    assert "2021Q4" in str(err.value) and "2021-12" in str(err.value)
    with pytest.raises(PeriodError) as err:
        periods.quarter_str("2021-11")
    assert "2021Q4" in str(err.value)
    # The message is for the bureau and the analyst alike: Chinese, then English.
    assert "季度" in str(err.value) and "expected a quarter" in str(err.value)
