"""Reading the returns, a chunk at a time: in a worker process of the build's pool, or here.

A chunk is a run of files of one month folder (`_chunks`). Reading it gives each file's
facts (what the submissions log needs) and one Arrow IPC stream per table for them all
(`chunkcodec`), taken whole from the reader cache when none of its files changed, else read
file by file through the cache (`submissions.read_columns`); should that ever raise, each
file is read on its own so one bad file loses nothing else. `intake` hands out the chunks
and stacks what comes back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .tables import sha256_file

if TYPE_CHECKING:
    from .intake import SubmissionFile
    from .submissions import ReadBytes

#: The tables read from inside each workbook (the rest are about files).
CONTENT_TABLES = ("progress", "activities", "publicity", "collection", "shared_records", "joint_cases")

#: Files read together by one worker call, at most: a chunk is a month folder's files (or a
#: run of them), so a month's returns leave the other chunks, and their reader-cache
#: entries, as they were. A chunk's tables are built once (Arrow, ~1 ms whatever its length).
CHUNK_FILES = 64


@dataclass
class FileResult:
    """What one workbook contributed: its tables (small frames) and what the log needs."""

    source: SubmissionFile
    checksum: str
    department: str
    month: str
    city: str
    filled_on: pd.Timestamp | None
    filled_by: str = ""
    readable: bool = True
    n_errors: int = 0
    n_warnings: int = 0
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: pd.DataFrame | None = None


@dataclass
class ChunkResult:
    """A run of files read together: per-file results, and one Arrow IPC stream per table for
    them all (`chunkcodec`: the main process converts each table to pandas once)."""

    files: list[FileResult]
    tables: dict[str, bytes]
    cache: tuple = ((), (), 0)  #: the reader cache's (new reads, keys used, hits) for this chunk


@dataclass
class ChunkReply:
    """What reading a chunk sends back: JSON-plain facts per file (`_fact`), the tables'
    streams, the cache's record. Small to pickle: the files' paths are the main process's."""

    facts: list[dict[str, Any]]
    tables: dict[str, bytes]
    cache: tuple = ((), (), 0)


_WORKER: dict[str, Any] = {}


def _init_worker(ledger: pd.DataFrame | set[str] | None, roster: Any, base_dir: Path,
                 received: dict[str, pd.Timestamp] | None = None, cache: Any = None) -> None:
    # The reading context of a chunk (sent with each: small). roster False: read with no
    # roster (never the project's: a build reads the roster of the raw folder it was given).
    _WORKER.update(ledger=ledger, roster=roster if roster is not None else False, base_dir=base_dir,
                   received=received or {}, cache=cache)


def _read_one(src: SubmissionFile) -> FileResult:
    """Read one workbook; any failure becomes a problem row, never an exception."""
    from .intake import _problem
    from .submissions import read_submission

    try:
        checksum = sha256_file(src.path)
    except OSError:
        checksum = ""  # gone since it was found: the reader below says so in a problem row
    result = FileResult(source=src, checksum=checksum, department="", month=src.month or "",
                        city=src.city, filled_on=None)
    try:
        sub = read_submission(src.path, _WORKER.get("ledger"), _WORKER.get("roster"),
                              base_dir=_WORKER.get("base_dir"), city=src.city,
                              received_at=_WORKER.get("received", {}).get(src.manifest_key))
    except Exception as exc:  # noqa: BLE001 - a bad file must not stop the build
        result.problems = pd.DataFrame([_problem(src.file, "unreadable", "readable",
                                                 value=f"{type(exc).__name__}: {exc}"[:300])])
        return result
    result.department = _text(getattr(sub, "department", "")) or ""
    result.month = _text(getattr(sub, "month", "")) or result.month
    result.city = _text(getattr(sub, "city", "")) or src.city
    result.filled_on = _cover_date(getattr(sub, "cover", None))
    cover = getattr(sub, "cover", None)
    result.filled_by = _text(cover.get("filled_by", "") if isinstance(cover, dict) else "") or ""
    result.readable = bool(getattr(sub, "readable", True))
    ident = {"city": result.city, "department": result.department, "month": result.month,
             "file": src.file}
    for name in CONTENT_TABLES:
        df = getattr(sub, name, None)
        if isinstance(df, pd.DataFrame) and len(df):
            result.tables[name] = _with_ident(df, ident)
    probs = getattr(sub, "problems", None)
    if isinstance(probs, pd.DataFrame) and len(probs):
        # `file` as the log has it, whatever path form the reader was given.
        result.problems = _with_ident(probs, ident, overwrite=False).assign(file=src.file)
    return result


def _read_chunk(chunk: list[SubmissionFile]) -> ChunkReply:
    """Read a run of files of one folder: per-file facts, one Arrow stream per table.

    With a reader cache, a chunk whose every file is unchanged is taken whole from it (no
    file read, no table built); otherwise its files are read (each through the cache) and
    the chunk is kept for the next build, unless a file could not be opened.
    """
    from . import chunkcodec

    cache = _WORKER.get("cache")
    key, known = _chunk_key(chunk, cache) if cache is not None else (None, {})
    if key is not None:
        kept = cache.get_blob(key)
        if kept is not None:
            try:
                facts, streams = chunkcodec.decode(kept)
                _file_results(chunk, facts)  # facts that fit this chunk, or the files are read
            except (ValueError, KeyError, TypeError):
                pass  # a damaged or altered entry: the files are read again
            else:
                cache.keep([k.key for k in known.values()], hits=len(chunk))  # each file's own entry stays too
                return ChunkReply(facts, streams, _drain_cache())
    files, streams, whole = _read_chunk_files(chunk, known)
    facts = [_fact(f) for f in files]
    if key is not None and whole and all(f.readable for f in files):
        cache.put_blob(key, chunkcodec.encode(facts, streams))
    return ChunkReply(facts, streams, _drain_cache(keep_new=whole))


def _chunk_key(chunk: list[SubmissionFile], cache: Any) -> tuple[str | None, dict[str, ReadBytes]]:
    """The chunk's cache key (every file's key, and how the log names it), and each file's
    `submissions.ReadBytes` by str(path), for the files' own entries when the chunk is not
    kept; (None, {}) when a file cannot be read (the chunk is then read file by file, uncached)."""
    from .submissions import _file_label, read_bytes

    received, base_dir = _WORKER.get("received", {}), _WORKER.get("base_dir")
    known, names = {}, []
    for src in chunk:
        try:
            known[str(src.path)] = read_bytes(src.path, _file_label(src.path, base_dir), chunk[0].city,
                                              received.get(src.manifest_key), cache)
        except OSError:
            return None, {}
        names.append([src.file, src.manifest_key, src.city, src.month, src.in_layout])
    return cache.chunk_key([k.key for k in known.values()], names), known


#: What a chunk keeps of each FileResult (its source is the chunk's own file).
_FACT_FIELDS = ("checksum", "department", "month", "city", "filled_on", "filled_by", "readable", "n_errors",
                "n_warnings")


def _fact(res: FileResult) -> dict[str, Any]:
    fact = {k: getattr(res, k) for k in _FACT_FIELDS}
    fact["filled_on"] = None if res.filled_on is None else res.filled_on.isoformat()
    return fact


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _file_results(chunk: list[SubmissionFile], facts: list[dict[str, Any]]) -> list[FileResult]:
    """FileResults from kept facts (TypeError/KeyError/ValueError when they do not fit the chunk)."""
    if len(facts) != len(chunk):
        raise ValueError("a kept chunk of another length")
    out = []
    for src, f in zip(chunk, facts):
        if set(f) != set(_FACT_FIELDS):
            raise KeyError("a kept file's facts")
        text = [f[k] for k in ("checksum", "department", "month", "city", "filled_by")]
        filled = f["filled_on"]
        if not all(isinstance(v, str) for v in text) or not isinstance(f["readable"], bool) or not all(
                type(f[k]) is int for k in ("n_errors", "n_warnings")) or not (filled is None or isinstance(filled, str)):
            raise TypeError("a kept file's facts")
        # No checksum only for a file gone before its bytes were read (never kept: unreadable).
        if not (_SHA256.fullmatch(f["checksum"]) or (f["checksum"] == "" and not f["readable"])):
            raise ValueError("a kept file's checksum")
        out.append(FileResult(source=src, checksum=f["checksum"], department=f["department"], month=f["month"],
                              city=f["city"], filled_on=None if filled is None else pd.Timestamp(filled),
                              filled_by=f["filled_by"], readable=f["readable"], n_errors=f["n_errors"],
                              n_warnings=f["n_warnings"]))
    return out


def _read_chunk_files(chunk: list[SubmissionFile], known: dict[str, ReadBytes] | None = None,
                      ) -> tuple[list[FileResult], dict[str, bytes], bool]:
    """Read a chunk's files with the reader's batch path (column lists, one table each): each
    file's result, each table's Arrow stream, and whether that path read them all.

    Should the batch reader ever raise, the chunk is read file by file so one bad file loses
    nothing else (False: what was read on the way is not kept).
    """
    from . import chunkcodec
    from .submissions import read_columns

    try:
        received = _WORKER.get("received", {})
        facts, columns = read_columns([f.path for f in chunk], _WORKER.get("ledger"), _WORKER.get("roster"),
                                      base_dir=_WORKER.get("base_dir"), city=chunk[0].city,
                                      received_at={str(f.path): received[f.manifest_key] for f in chunk
                                                   if f.manifest_key in received},
                                      cache=_WORKER.get("cache"), known=known)
        if len(facts) != len(chunk):
            raise ValueError("reader returned a different number of files")
        # `file` as the log has it, whatever path form the reader was given.
        relabel = {fact["file"]: src.file for fact, src in zip(facts, chunk)}
        tables = {}
        for name in (*CONTENT_TABLES, "problems"):
            cols = columns[name]
            cols["file"] = [relabel.get(v, v) for v in cols["file"]]
            tables[name] = chunkcodec.stream(chunkcodec.from_columns(name, cols))
    except Exception:  # noqa: BLE001 - fall back to one file at a time
        from .intake import _concat

        singles = [_read_one(f) for f in chunk]
        frames = {name: _concat([r.tables[name] for r in singles if name in r.tables], name)
                  for name in CONTENT_TABLES}
        frames["problems"] = _concat([r.problems for r in singles if r.problems is not None], "problems")
        tables = {name: chunkcodec.stream(chunkcodec.from_frame(name, df)) for name, df in frames.items()}
        for r in singles:
            if r.problems is not None:
                sev = r.problems["severity"].astype(str)
                r.n_errors, r.n_warnings = int((sev == "error").sum()), int((sev == "warning").sum())
            r.tables, r.problems = {}, None
        return singles, tables, False
    results = []
    for src, fact in zip(chunk, facts):
        results.append(FileResult(
            source=src, checksum=fact["checksum"],
            department=_text(fact["department"]) or "", month=_text(fact["month"]) or src.month or "",
            city=_text(fact["city"]) or src.city, filled_on=_cover_date({"filled_on": fact["filled_on"]}),
            filled_by=_text(fact["filled_by"]) or "", readable=bool(fact["readable"]),
            n_errors=int(fact["n_errors"]), n_warnings=int(fact["n_warnings"])))
    return results, tables, True


def _drain_cache(keep_new: bool = True) -> tuple:
    """The worker's reader-cache record for its last chunk (new reads dropped if the chunk fell back)."""
    cache = _WORKER.get("cache")
    if cache is None:
        return ((), (), 0)
    new, used, hits = cache.drain()
    return (new if keep_new else [], used, hits)


def _chunks(files: list[SubmissionFile], size: int = CHUNK_FILES) -> list[list[SubmissionFile]]:
    """Runs of at most `size` files of one folder (so of one city: the reader takes one city
    per call). Where a run ends depends only on its folder's files, never on the rest of the
    set: next month's returns change no other chunk.

    >>> from ledgerlib.intake import SubmissionFile
    >>> files = [SubmissionFile(Path(f"/r/s/{m}/{d}.xlsx"), f"s/{m}/{d}.xlsx", f"{m}/{d}.xlsx", "甲市", m, True)
    ...          for m in ("2021-01", "2021-02") for d in "abc"]
    >>> [[f.manifest_key for f in c] for c in _chunks(files, 2)]
    [['2021-01/a.xlsx', '2021-01/b.xlsx'], ['2021-01/c.xlsx'], ['2021-02/a.xlsx', '2021-02/b.xlsx'], ['2021-02/c.xlsx']]
    """
    out: list[list[SubmissionFile]] = []
    folder = None
    for f in files:
        here = (f.city, f.manifest_key.rpartition("/")[0])
        if out and len(out[-1]) < size and here == folder:
            out[-1].append(f)
        else:
            out.append([f])
        folder = here
    return out


def _with_ident(df: pd.DataFrame, ident: dict[str, str], overwrite: bool = True) -> pd.DataFrame:
    """The frame with city/department/month/file set (the reader may leave them out)."""
    df = df.copy()
    for col, val in ident.items():
        if overwrite or col not in df.columns:
            df[col] = val
        else:
            df[col] = df[col].where(df[col].notna() & (df[col].astype(str) != ""), val)
    return df


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value).strip() or None


def _cover_date(cover: Any) -> pd.Timestamp | None:
    """The cover block's 填报日期, as the reader parsed it (dict or object)."""
    if cover is None:
        return None
    value = cover.get("filled_on") if isinstance(cover, dict) else getattr(cover, "filled_on", None)
    if value is None or isinstance(value, str):
        value = pd.to_datetime(value, errors="coerce", format="mixed") if value else None
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).tz_localize(None) if pd.Timestamp(value).tzinfo else pd.Timestamp(value)


def _read_task(task: tuple) -> ChunkReply:
    """One chunk read in a pool that serves a whole build: the reading context comes with it."""
    ledger, roster, base_dir, received, cache, chunk = task
    _init_worker(ledger, roster, base_dir, received, cache)
    try:
        return _read_chunk(chunk)
    finally:
        if cache is not None:
            cache.close()
        _WORKER.clear()
