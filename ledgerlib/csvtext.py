"""A DataFrame's CSV rows as bytes, byte for byte what `DataFrame.to_csv` writes, built by Arrow.

`to_csv` turns every field into a Python object and feeds the csv module row by row: a
province's progress table (100,000 rows, 12 columns) takes ~0.25 s of every build. Here each
column becomes Arrow text at C speed (a text column stays Arrow), quoted where the csv module
would quote it, and the columns are joined into lines: 0.04 s for that table. Only what a build writes
has a fast path (text, integers, booleans, date-only datetimes); any other column is
formatted by pandas' own CSV formatter, one column at a time, so the bytes never differ.

What the csv module quotes is asked of the csv module itself when this module loads (a
field holding the delimiter, the quote character or a line end, as this Python decides),
so a Python whose csv quotes differently still gets its own bytes.
"""
from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_TEXT = pa.large_string()
_DAY_US = 86_400_000_000


def _quoted_characters() -> str:
    """The characters that make the csv module quote a field (QUOTE_MINIMAL, lines end in \\n)."""
    found = ""
    for ch in ',"\n\r\t ;\'':
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([f"a{ch}b", "x"])
        if buf.getvalue().startswith('"'):
            found += ch
    return found


_QUOTED = _quoted_characters()
_NEEDS_QUOTES = "[" + "".join({"\n": r"\n", "\r": r"\r", "\t": r"\t"}.get(c, re.escape(c)) for c in _QUOTED) + "]"


def _lit(text: str) -> pa.Scalar:
    return pa.scalar(text, _TEXT)


def _pandas_fields(s: pd.Series) -> pa.Array | None:
    """A column's fields as pandas' CSV writer formats them (its own formatter); None if this
    pandas has none to call."""
    try:
        from pandas.core.internals.blocks import get_values_for_csv
    except ImportError:
        return None
    values = s.array if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) else s.to_numpy()
    formatted = get_values_for_csv(values, date_format=None, na_rep="")
    # The csv module writes None as "" and any other object as its str() (a float's repr).
    return pa.array(["" if v is None else v if isinstance(v, str) else str(v) for v in formatted], _TEXT)


def _dates_only(s: pd.Series) -> pa.Array | None:
    """A datetime column whose every value is a midnight of the years 1000–9999, as pandas
    writes it (YYYY-MM-DD, NaT empty); None for any other column (pandas then formats it)."""
    values = s.to_numpy()
    if s.dtype.kind != "M" or np.datetime_data(values.dtype)[0] != "us":
        return None
    ints = values.view("i8")
    known = ints[~np.isnat(values)]
    # 1000-01-01 and 10000-01-01 in microseconds since 1970: %Y pads to four digits only there.
    if len(known) and ((known % _DAY_US).any() or known.min() < -30_610_224_000_000_000
                       or known.max() >= 253_402_300_800_000_000):
        return None
    # Arrow's date text is ISO (YYYY-MM-DD): a cast, ~20x faster than its strftime.
    return pc.cast(pc.cast(pa.array(values, pa.timestamp("us")), pa.date32()), _TEXT)


def _fields(s: pd.Series) -> pa.Array | None:
    """One column's CSV fields, unquoted, as Arrow text; None when pandas must write the table."""
    dtype = s.dtype
    if isinstance(dtype, pd.StringDtype):
        out = pc.cast(pa.array(s.array), _TEXT)
    elif isinstance(dtype, np.dtype) and dtype.kind in "iu":
        out = pc.cast(pa.array(s.to_numpy()), _TEXT)
    elif isinstance(dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_integer_dtype(dtype):
        out = pc.cast(pa.array(s.array), _TEXT)
    elif isinstance(dtype, np.dtype) and dtype.kind == "b":
        out = pc.if_else(pa.array(s.to_numpy()), _lit("True"), _lit("False"))
    elif isinstance(dtype, np.dtype) and dtype.kind == "M":
        out = _dates_only(s)
        if out is None:
            out = _pandas_fields(s)
    else:
        out = _pandas_fields(s)
    if out is None:
        return None
    out = pc.fill_null(pc.cast(out, _TEXT), _lit(""))
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def _quote(fields: pa.Array) -> pa.Array:
    """Fields quoted as the csv module quotes them: "…" around, quotes doubled."""
    data = fields.buffers()[2]
    # Most columns hold no such character: a scan of their bytes says so (memchr speed).
    raw = data.to_pybytes() if data is not None else b""
    if not any(ch.encode() in raw for ch in _QUOTED):
        return fields
    need = pc.match_substring_regex(fields, _NEEDS_QUOTES)
    if not pc.any(need).as_py():
        return fields
    quoted = pc.binary_join_element_wise(_lit('"'), pc.replace_substring(fields, '"', '""'), _lit('"'), _lit(""))
    return pc.if_else(need, quoted, fields)


def csv_rows(df: pd.DataFrame) -> bytes | None:
    """df's rows as `df.to_csv(index=False, header=False, lineterminator="\\n")` writes them,
    UTF-8; None for a table this cannot write the same (fewer than two columns, where the csv
    module quotes an empty row; or a pandas without its column formatter): write it with pandas.

    Example::

        >>> csv_rows(pd.DataFrame({"a": ["x,y", None], "n": [1, 2]}))
        b'"x,y",1\\n,2\\n'
    """
    if len(df.columns) < 2:
        return None
    if not len(df):
        return b""
    columns = []
    for _, s in df.items():
        fields = _fields(s)
        if fields is None:
            return None
        columns.append(_quote(fields))
    columns[-1] = pc.binary_join_element_wise(columns[-1], _lit("\n"), _lit(""))
    lines = pc.binary_join_element_wise(*columns, _lit(","))
    lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    start, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
    return lines.buffers()[2].to_pybytes()[start:end]


def csv_header(names: list[str]) -> bytes:
    """The header line as the csv module writes it (UTF-8).

    >>> csv_header(["a", "b,c"])
    b'a,"b,c"\\n'
    """
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(names)
    return buf.getvalue().encode("utf-8")
