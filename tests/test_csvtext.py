"""csvtext: the CSV rows Arrow makes are the bytes pandas' to_csv writes, for every kind of column."""
from __future__ import annotations

import io
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerlib.csvtext import csv_header, csv_rows
from ledgerlib.tables import TABLES, read_table, sort_table, write_csv


def _pandas(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, header=False, lineterminator="\n").encode("utf-8")


def test_fields_are_quoted_only_where_the_csv_module_quotes_them():
    df = pd.DataFrame({"text": pd.array(["a,b", 'say "hi"', "two\nlines", "cr\ronly", " pad ", "tab\tx", "", None, "安阳市"],
                                        dtype="str"),
                       "n": np.arange(1, 10, dtype="int64")})
    # Worked out by hand from the csv module's rules: a comma, a quote or a line end is quoted
    # (quotes doubled); a bare CR, a tab, spaces, Chinese and an empty field are not.
    expected = ('"a,b",1\n"say ""hi""",2\n"two\nlines",3\ncr\ronly,4\n pad ,5\ntab\tx,6\n,7\n,8\n安阳市,9\n')
    assert csv_rows(df) == expected.encode("utf-8")
    assert csv_rows(df) == _pandas(df)


def test_numbers_booleans_and_dates_are_written_as_pandas_writes_them():
    df = pd.DataFrame({
        "int": np.array([2021, -3], dtype="int64"),
        "nullable": pd.array([7, None], dtype="Int64"),
        "flag": np.array([True, False]),
        "day": pd.Series([datetime(2021, 6, 3), None], dtype="datetime64[us]"),
        "stamp": pd.Series([datetime(2021, 6, 3, 10, 0, 5), datetime(2021, 6, 4)], dtype="datetime64[us]"),
        "ratio": np.array([0.5, np.nan]),
        "points": pd.array([1.5, None], dtype="Float64"),
    })
    expected = ("2021,7,True,2021-06-03,2021-06-03 10:00:05,0.5,1.5\n"
                "-3,,False,,2021-06-04 00:00:00,,\n")
    assert csv_rows(df) == expected.encode()
    assert csv_rows(df) == _pandas(df)


def test_a_date_outside_four_digit_years_is_left_to_pandas_formatter():
    df = pd.DataFrame({"day": pd.Series([datetime(999, 12, 31), datetime(2021, 1, 1)], dtype="datetime64[us]"),
                       "n": [1, 2]})
    assert csv_rows(df) == _pandas(df)


def test_a_table_of_one_column_or_no_rows_is_handled():
    # One column: the csv module writes an empty field as "" there, so pandas writes it.
    assert csv_rows(pd.DataFrame({"a": ["", "x"]})) is None
    assert csv_rows(pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype="int64")})) == b""


def test_the_header_is_written_by_the_csv_module():
    assert csv_header(["city", "a,b", 'q"']) == b'city,"a,b","q"""\n'


def test_write_csv_of_a_one_column_table_is_still_pandas_bytes(tmp_path):
    df = pd.DataFrame({"a": pd.array(["", None, "x"], dtype="str")})
    path = write_csv(df, tmp_path / "one.csv")
    assert path.read_bytes() == "\ufeff".encode() + df.to_csv(index=False, lineterminator="\n").encode()


_TEXT = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t中=+-@\'；\x00\u2028é')), max_size=6)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(
    st.none() | _TEXT,
    st.integers(min_value=-10**12, max_value=10**12),
    st.none() | st.integers(min_value=-10**6, max_value=10**6),
    st.booleans(),
    st.none() | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)),
    st.none() | st.dates(min_value=datetime(1000, 1, 1).date(), max_value=datetime(9999, 12, 31).date()),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
), max_size=12))
def test_any_table_is_written_byte_for_byte_as_pandas_writes_it(rows):
    text, ints, nullable, flags, stamps, days, floats = zip(*rows) if rows else ([],) * 7
    df = pd.DataFrame({
        "text": pd.array(list(text), dtype="str"),
        "int": np.array(ints, dtype="int64"),
        "nullable": pd.array(list(nullable), dtype="Int64"),
        "flag": np.array(flags, dtype=bool),
        "stamp": pd.Series(list(stamps), dtype="datetime64[us]"),
        "day": pd.Series([None if d is None else datetime(d.year, d.month, d.day) for d in days],
                         dtype="datetime64[us]"),
        "float": np.array(floats, dtype="float64"),
    })
    assert csv_rows(df) == _pandas(df)


@pytest.mark.parametrize("name", TABLES)
def test_every_processed_table_is_written_as_pandas_writes_it(processed, tmp_path, name):
    df = sort_table(read_table(name, processed), name)
    out = write_csv(df, tmp_path / f"{name}.csv").read_bytes()
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n")
    assert out == "\ufeff".encode() + buf.getvalue().encode()


@pytest.mark.parametrize("column", [
    pd.array(["x,y", None, "z"], dtype=pd.StringDtype("python")),
    pd.Categorical(["x", "y,z", None]),
    np.array([1, "a,b", None], dtype=object),
    pd.array([True, None, False], dtype="boolean"),
    pd.Series([1.5, None, 2.25], dtype="float32"),
    pd.to_datetime(["2021-01-01 00:00", "2021-01-02 08:00", None]).tz_localize("Asia/Shanghai"),
    pd.Series(pd.to_datetime(["2021-01-01", None, "2021-03-01"])).astype("datetime64[ns]"),
    pd.array([1, None, 3], dtype="int64[pyarrow]"),
    pd.timedelta_range("1 day", periods=3),
    pd.period_range("2021-01", periods=3, freq="M"),
], ids=["python-strings", "categorical", "object", "nullable-bool", "float32", "tz-aware", "ns-dates",
        "arrow-ints", "timedelta", "period"])
def test_columns_a_build_never_writes_still_come_out_as_pandas_writes_them(column):
    # Report lists and analysts' tables go through the same writer: whatever the dtype, the same bytes.
    df = pd.DataFrame({"a": column, "n": [1, 2, 3]}, index=[7, 8, 9])
    assert csv_rows(df) == _pandas(df)
