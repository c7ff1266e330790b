"""A chunk's tables as Arrow: the values pandas gives, and bytes that are refused when altered."""
from __future__ import annotations

import io
import json
import zlib
from datetime import datetime

import pandas as pd
import pyarrow as pa
import pytest

from ledgerlib import chunkcodec
from ledgerlib.submissions import _frame_columns
from ledgerlib.tables import DTYPES, empty_table

_KEY = {"city": ["安阳市", "安阳市"], "department": ["运管科", "运管科"], "month": ["2021-06", "2021-06"]}


def _activities() -> dict[str, list]:
    return {**_KEY, "date": [datetime(2021, 6, 3), None], "activity_type": ["培训", None],
            "count": [2, None], "note": [None, " 有空格 "], "file": ["a.xlsx", "a.xlsx"], "row": [5, 6]}


def test_column_lists_become_the_values_pandas_gives():
    df = chunkcodec.to_frame("activities", [chunkcodec.stream(chunkcodec.from_columns("activities", _activities()))])
    assert [str(t) for t in df.dtypes] == list(DTYPES["activities"].values())
    assert df["date"].tolist()[0] == pd.Timestamp("2021-06-03") and pd.isna(df["date"].iloc[1])
    assert df["activity_type"].tolist() == ["培训", ""]  # a missing text is '' as in the pandas path
    assert df["count"].iloc[0] == 2 and df["count"].isna().tolist() == [False, True]
    assert df["note"].tolist() == ["", " 有空格 "]  # the reader trims; the table keeps what it was given
    assert df["row"].tolist() == [5, 6]
    pd.testing.assert_frame_equal(df, _frame_columns("activities", _activities()), check_exact=True)


def test_every_table_of_a_real_read_is_the_pandas_paths(tmp_path):
    from ledgerlib.submissions import read_columns

    from paths import RAW

    files = sorted((RAW / "submissions" / "2021-06").glob("*.xlsx"))
    _, columns = read_columns(files, base_dir=RAW)
    for name, cols in columns.items():
        expected = _frame_columns(name, {c: list(v) for c, v in cols.items()})
        got = chunkcodec.to_frame(name, [chunkcodec.stream(chunkcodec.from_columns(name, cols))])
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert len(columns["progress"]["task_id"]) > 100


def test_a_missing_whole_number_is_refused_as_pandas_refuses_it():
    cols = {**_KEY, "record_id": ["r1", "r2"], "n_indicators": [3, None], "n_filled": [1, 2],
            "filled_ratio": [1 / 3, None], "file": ["a.xlsx"] * 2, "row": [2, 3]}
    with pytest.raises(ValueError):
        chunkcodec.from_columns("shared_records", cols)
    with pytest.raises(ValueError):
        chunkcodec.from_columns("shared_records", dict(reversed(list(cols.items()))))  # not the contract's order


def test_no_tables_is_the_empty_table():
    got = chunkcodec.to_frame("progress", [])
    pd.testing.assert_frame_equal(got, empty_table("progress"))


def _encoded() -> tuple[bytes, list[dict], dict[str, bytes]]:
    facts = [{"file": "submissions/2021-06/运管科.xlsx", "n_errors": 1, "filled_on": "2021-06-30T00:00:00"}]
    streams = {"activities": chunkcodec.stream(chunkcodec.from_columns("activities", _activities())),
               "joint_cases": chunkcodec.stream(chunkcodec.from_frame("joint_cases", empty_table("joint_cases")))}
    return chunkcodec.encode(facts, streams), facts, streams


def test_a_chunk_comes_back_as_it_was_kept():
    blob, facts, streams = _encoded()
    assert blob.startswith(chunkcodec.MAGIC)
    assert chunkcodec.decode(blob) == (facts, streams)


def _header_and_payload(blob: bytes) -> tuple[dict, bytes]:
    size = int.from_bytes(blob[8:12], "little")
    header = json.loads(blob[12:12 + size])
    payload = pa.Codec("zstd").decompress(blob[12 + size:], decompressed_size=header["size"], asbytes=True)
    return header, payload


def _repack(header: dict, payload: bytes, crc: bool = True) -> bytes:
    """Bytes in encode's layout around header and payload (the checksum made to fit, if crc)."""
    header = {**header, "crc32": zlib.crc32(payload)} if crc else header
    head = json.dumps(header).encode()
    return chunkcodec.MAGIC + len(head).to_bytes(4, "little") + head + pa.Codec("zstd").compress(payload, asbytes=True)


def test_bytes_encode_did_not_write_are_refused():
    blob, _, streams = _encoded()
    header, payload = _header_and_payload(blob)
    bad = {
        "another format": b"PK\x03\x04" + blob[4:],
        "cut short": blob[:-10],
        "bytes added": blob + b"\0",
        "a huge claimed size": _repack({**header, "size": chunkcodec.MAX_PAYLOAD + 1}, payload),
        "a table the contract lacks": _repack({**header, "tables": [["secrets", header["tables"][0][1]],
                                                                    header["tables"][1]]}, payload),
        "a table twice": _repack({**header, "tables": [header["tables"][0]] * 2}, payload),
        "a length past the end": _repack({**header, "tables": [[n, k + 1] for n, k in header["tables"]]},
                                         payload + b"\0"),
        "a run of text zeroed (only the checksum tells)": _repack(header, payload[:200] + bytes(300) + payload[500:],
                                                                 crc=False),
        "a garbled schema, checksum to fit": _repack(header, payload[:8] + b"\xff" * 64 + payload[72:]),
        "facts not a list": _repack({**header, "facts": {"file": "x"}}, payload),
    }
    for why, data in bad.items():
        with pytest.raises(ValueError):
            chunkcodec.decode(data)
            pytest.fail(f"accepted: {why}")


def test_a_stream_of_another_schema_is_refused():
    blob, facts, _ = _encoded()
    other = pa.table({"city": ["安阳市"], "extra": ["=cmd|' /C calc'!A0"]})
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, other.schema) as writer:
        writer.write_table(other)
    with pytest.raises(ValueError, match="schema"):
        chunkcodec.decode(chunkcodec.encode(facts, {"activities": sink.getvalue()}))


def test_metadata_in_the_bytes_never_changes_a_dtype():
    # The dtypes pandas restores come from the schema's pandas metadata: a kept stream that
    # says 'count' is a category still comes back Int64, as the contract says.
    table = chunkcodec.from_columns("activities", _activities())
    meta = json.loads(table.schema.metadata[b"pandas"])
    for col in meta["columns"]:
        if col["name"] == "count":
            col["pandas_type"], col["numpy_type"] = "categorical", "category"
    altered = table.replace_schema_metadata({b"pandas": json.dumps(meta).encode()})
    blob = chunkcodec.encode([], {"activities": chunkcodec.stream(altered)})
    _, streams = chunkcodec.decode(blob)
    df = chunkcodec.to_frame("activities", [streams["activities"]])
    assert str(df["count"].dtype) == "Int64"
