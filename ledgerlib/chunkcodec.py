"""A chunk of returns read, as Arrow: built from the reader's column lists, kept as bytes.

A chunk (the files of one month folder, read by one worker call) travels twice: back to the
main process, and into the reader cache for the next build. Both carry the same thing, its
per-file facts and one Arrow table per submission table, so one encoding serves both:

* `from_columns` turns the reader's column lists into an Arrow table with the contract's
  schema (docs/data-contract.md), the values the pandas path gives (tested equal): no
  DataFrame is built per chunk, and the main process converts each table once (`to_frame`);
* `stream` makes an Arrow IPC stream of a table: a worker sends those back (copied as
  buffers, where pickling rebuilds a table value by value);
* `encode`/`decode` make bytes of a chunk: a JSON header (the facts, which tables) and the
  tables' streams, zstd-compressed, with a CRC-32. Data only: decoding runs no code from the
  bytes, and a chunk whose header, checksum, schema or buffers are not what `encode` wrote is refused
  (ValueError), so a damaged cache entry is read from the files again.
"""
from __future__ import annotations

import functools
import io
import json
import struct
import zlib
from typing import Any

import pyarrow as pa

from .tables import DTYPES, empty_table

#: First bytes of an encoded chunk; a new layout gets a new tag.
MAGIC = b"CLCHUNK1"
_LEN = struct.Struct("<I")


@functools.lru_cache(maxsize=None)
def schema(name: str) -> pa.Schema:
    """The Arrow schema of a contract table, with the pandas metadata that restores its dtypes.

    >>> schema("progress").field("completion_date").type
    TimestampType(timestamp[us])
    """
    return pa.Schema.from_pandas(empty_table(name), preserve_index=False)


def _column(values: list, dtype: str, typ: pa.DataType) -> pa.Array:
    # The values `submissions._frame_columns` makes of the same lists: a missing text is ''.
    if dtype == "str":
        return pa.array(["" if v is None else v for v in values], type=typ)
    arr = pa.array(values, type=typ, from_pandas=True)
    if arr.null_count and dtype in ("int64", "bool"):
        raise ValueError(f"a missing value in a {dtype} column")  # pandas refuses it too
    return arr


def from_columns(name: str, columns: dict[str, list]) -> pa.Table:
    """A table's column lists (the contract's columns, in order) as an Arrow table.

    >>> t = from_columns("activities", {c: [None] for c in DTYPES["activities"]} | {"row": [3]})
    >>> t.num_rows, t.column("note").to_pylist(), t.column("count").to_pylist()
    (1, [''], [None])
    """
    sch = schema(name)
    if list(columns) != sch.names:
        raise ValueError(f"{name}: columns {list(columns)} are not the contract's")
    arrays = [_column(columns[f.name], DTYPES[name][f.name], f.type) for f in sch]
    return pa.Table.from_arrays(arrays, schema=sch)


def from_frame(name: str, df: Any) -> pa.Table:
    """A DataFrame holding the contract's columns and dtypes, as an Arrow table.

    >>> from_frame("ledger", empty_table("ledger")).num_rows
    0
    """
    return pa.Table.from_pandas(df[list(DTYPES[name])], schema=schema(name), preserve_index=False)


def to_frame(name: str, streams: list[bytes]) -> Any:
    """Tables of one name (Arrow IPC streams, `stream`), stacked in order, as one DataFrame with
    the contract's dtypes.

    >>> to_frame("collection", []).columns[:3].tolist()
    ['city', 'department', 'month']
    """
    meta = schema(name).metadata  # the dtypes pandas restores: ours, never the bytes'
    tables = [t.replace_schema_metadata(meta) for t in map(_read_stream, streams) if t.num_rows]
    if not tables:
        return empty_table(name)
    return pa.concat_tables(tables).to_pandas()


def stream(table: pa.Table) -> bytes:
    """A table as an Arrow IPC stream: what a worker sends back (buffers copied, nothing
    rebuilt value by value as pickling a table or a DataFrame does) and what the cache keeps.

    >>> _read_stream(stream(from_frame("ledger", empty_table("ledger")))).num_rows
    0
    """
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _read_stream(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


#: The payload's compression: one zstd frame over all the streams (a frame per column
#: buffer, Arrow's own IPC compression, decodes ten times slower).
_CODEC = ("zstd", 1)
#: The most a kept chunk may claim to unpack to (a chunk of CHUNK_FILES files is ~0.5 MB).
MAX_PAYLOAD = 256 << 20


def encode(facts: list[dict[str, Any]], streams: dict[str, bytes]) -> bytes:
    """A chunk as bytes: facts (JSON values only), then its tables' streams, compressed.

    >>> t = stream(from_frame("joint_cases", empty_table("joint_cases")))
    >>> facts, streams = decode(encode([{"file": "a.xlsx"}], {"joint_cases": t}))
    >>> facts, list(streams), streams["joint_cases"] == t
    ([{'file': 'a.xlsx'}], ['joint_cases'], True)
    """
    payload = b"".join(streams.values())
    header = json.dumps({"facts": facts, "tables": [[n, len(b)] for n, b in streams.items()], "size": len(payload),
                         "crc32": zlib.crc32(payload)},
                        ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = pa.Codec(_CODEC[0], compression_level=_CODEC[1]).compress(payload, asbytes=True)
    return b"".join([MAGIC, _LEN.pack(len(header)), header, packed])


def decode(blob: bytes) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """(facts, streams) of an encoded chunk, every stream read and checked against the
    contract's schema; ValueError for anything `encode` did not write.

    >>> decode(b"not a chunk")
    Traceback (most recent call last):
    ValueError: not an encoded chunk
    """
    if not isinstance(blob, bytes) or not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + _LEN.size:
        raise ValueError("not an encoded chunk")
    at = len(MAGIC) + _LEN.size
    (size,) = _LEN.unpack_from(blob, len(MAGIC))
    try:
        header = json.loads(blob[at:at + size].decode("utf-8"))
        facts, parts, total, crc = header["facts"], header["tables"], header["size"], header["crc32"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"chunk header: {exc}") from None
    if not (isinstance(facts, list) and all(isinstance(f, dict) for f in facts) and isinstance(parts, list)
            and type(total) is int and 0 <= total <= MAX_PAYLOAD):
        raise ValueError("chunk header: not the layout encode writes")
    try:
        payload = pa.Codec(_CODEC[0]).decompress(blob[at + size:], decompressed_size=total, asbytes=True)
    except (pa.ArrowException, OSError) as exc:
        raise ValueError(f"chunk payload: {exc}") from None
    if zlib.crc32(payload) != crc:  # damage that leaves valid Arrow (a zeroed run of text)
        raise ValueError("chunk payload: checksum")
    at = 0
    tables: dict[str, bytes] = {}
    for part in parts:
        if not (isinstance(part, list) and len(part) == 2 and part[0] in DTYPES and type(part[1]) is int
                and 0 < part[1] <= len(payload) - at and part[0] not in tables):
            raise ValueError("chunk header: a table entry is not what encode writes")
        name, length = part
        data = payload[at:at + length]
        try:
            table = _read_stream(data)
            table.validate(full=True)
        except (pa.ArrowException, OSError) as exc:
            raise ValueError(f"chunk table {name}: {exc}") from None
        # The dtypes pandas restores come from the metadata: `to_frame` puts ours back.
        if not table.schema.equals(schema(name)):
            raise ValueError(f"chunk table {name}: not the contract's schema")
        tables[name] = data
        at += length
    if at != len(payload):
        raise ValueError("chunk: bytes after the last table")
    return facts, tables
