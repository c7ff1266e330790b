"""The reader cache: what each returned workbook read as, kept from one build to the next.

Reading the workbooks is nine tenths of a build, and a month's build re-reads eleven months
of files nobody touched. This cache keeps each file's read result (its row of the batch's
files table and its tables as column lists, as `submissions.read_submissions` stacks them),
and each chunk's (a month folder's files, `chunkread._read_chunk`: its facts and Arrow tables,
`chunkcodec`, so a folder nobody touched is taken whole, not file by file), under a key
that changes whenever anything the reading depends on changes:

* the file's bytes (sha256), the name it is reported under, its city and its received time
  (a chunk's: every one of its files' keys, and the names the build gives them);
* the reader itself: every ledgerlib source file, the versions of python-calamine, xlrd,
  pyarrow and pandas;
* what the reader checks against: the ledgers' task ids, the roster, bureau.toml's city.

So a hit gives exactly what reading the file again would give, and the tables of a build
from the cache are byte for byte those of a build without it (tests/test_readcache.py
builds both). Values are data only, zlib'd JSON (dates as ISO text) or a chunk's checked
Arrow streams, never pickle: a file on disk is not trusted to run code. The cache lives in
one SQLite file, `data/interim/reader-cache.sqlite` (beside data/processed, never under
data/raw); each build keeps only the entries of the files and chunks it read. A cache that cannot be opened, read or written is
ignored: the files are read, the build goes on. `ledger build --no-cache` reads every file.
"""
from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import sys
import zlib
from pathlib import Path
from typing import Any, Callable, Iterable

#: The cache's file, in the folder beside the processed tables (data/interim).
CACHE_NAME = "reader-cache.sqlite"
_TABLE = "CREATE TABLE IF NOT EXISTS reads (key TEXT PRIMARY KEY, value BLOB NOT NULL)"


def cache_path(out_dir: Path) -> Path:
    """Where the build whose tables go to out_dir keeps its reader cache: `<out_dir>/../interim/`.

    >>> cache_path(Path("data/processed")).as_posix()
    'data/interim/reader-cache.sqlite'
    """
    return Path(out_dir).parent / "interim" / CACHE_NAME


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 of the reader's code: every ledgerlib module's source and the readers' versions.

    Any change to the package (a new problem text, a parsing fix) makes every key new.

    >>> len(code_fingerprint())
    64
    """
    h = hashlib.sha256()
    for p in sorted(Path(__file__).parent.glob("*.py")):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    from importlib.metadata import PackageNotFoundError, version

    for dist in ("python-calamine", "xlrd", "pyarrow", "pandas"):
        try:
            h.update(f"{dist}=={version(dist)}\0".encode())
        except PackageNotFoundError:
            h.update(f"{dist}: none\0".encode())
    h.update(f"python {sys.version_info[:2]}".encode())
    return h.hexdigest()


def context_digest(ledger_ids: Iterable[str] | None, roster: Any, city: str) -> str:
    """sha256 of what reading any file depends on besides the file: code, ledger ids, roster, city.

    >>> context_digest({"T01"}, None, "安阳市") == context_digest({"T01"}, None, "安阳市")
    True
    >>> context_digest({"T01"}, None, "安阳市") == context_digest({"T02"}, None, "安阳市")
    False
    """
    roster_part = roster.fingerprint() if hasattr(roster, "fingerprint") else repr(roster)
    ids = sorted(ledger_ids) if ledger_ids is not None else None
    return hashlib.sha256(json.dumps([code_fingerprint(), ids, roster_part, city],
                                     ensure_ascii=False).encode()).hexdigest()


def file_key(context: str, checksum: str, label: str, city: str | None, received_at: Any) -> str:
    """The key of one file's read: the context, the bytes' sha256, its label, city and received time.

    >>> file_key("c", "0" * 64, "2021-06/运管科.xlsx", None, None) == file_key("c", "0" * 64, "2021-06/运管科.xlsx", "", None)
    False
    """
    when = received_at.isoformat() if hasattr(received_at, "isoformat") else received_at
    return hashlib.sha256(json.dumps([context, checksum, label, city, when],
                                     ensure_ascii=False).encode()).hexdigest()


# --------------------------------------------------------------------------- values

class Uncacheable(TypeError):
    """A read holds a value that is not plain JSON; that file is simply not cached."""


def encode(read: dict[str, Any]) -> bytes:
    """One file's read as compressed JSON: text, numbers, booleans, None, lists and dicts only.

    A date is the caller's to write as text (`submissions` keeps ISO dates and turns them
    back per column); any other value raises Uncacheable and the file is read next time.

    >>> decode(encode({"rows": [{"d": "2021-06-03T00:00:00", "n": 2, "x": None}]}))
    {'rows': [{'d': '2021-06-03T00:00:00', 'n': 2, 'x': None}]}
    """
    try:
        text = json.dumps(read, ensure_ascii=False, separators=(",", ":"))
    except TypeError as exc:
        raise Uncacheable(str(exc)) from None
    return zlib.compress(text.encode("utf-8"), 1)


def decode(blob: bytes) -> dict[str, Any]:
    """The read `encode` kept (ValueError or zlib.error for a damaged value).

    >>> decode(encode({"ratio": 0.25, "ok": True}))
    {'ratio': 0.25, 'ok': True}
    """
    return json.loads(zlib.decompress(blob).decode("utf-8"))


# --------------------------------------------------------------------------- the store

class ReaderCache:
    """Lookups (in the reading process) and the end-of-build store (in the main process).

    Picklable before first use: a worker opens its own read-only connection after the fork.
    It records the keys it was asked for and the reads it was given, for `drain`.

    Example::

        cache = ReaderCache(cache_path(Path("data/processed")), context_digest(ids, roster, city))
        cache.get(key)            # -> a read (dict), or None
        cache.put(key, read)      # a file just read: kept for the store at the end of the build
        cache.absorb(*cache.drain()); cache.save()   # write the new reads, keep only used keys
    """

    def __init__(self, path: Path, context: str) -> None:
        self.path, self.context = Path(path), context
        self._conn: sqlite3.Connection | None = None
        self._broken = False
        self.used: list[str] = []
        self.new: list[tuple[str, bytes]] = []
        self.hits = 0

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "context": self.context}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], state["context"])

    def key(self, checksum: str, label: str, city: str | None, received_at: Any) -> str:
        """This cache's key for one file (see `file_key`).

        Example::

            cache.key(sha256_hex, "2021-06/运管科.xlsx", "安阳市", None)   # -> 64 hex digits
        """
        return file_key(self.context, checksum, label, city, received_at)

    def get(self, key: str, accept: Callable[[dict[str, Any]], Any] | None = None) -> Any:
        """The read kept under key, or None (not kept, damaged, refused, or no cache to read).

        accept: turns the kept read into what the caller uses, or returns None / raises
        (KeyError, TypeError, ValueError, AttributeError) to refuse an entry that is not
        what it should be; only an accepted entry counts as a hit.

        Example::

            cache.get(cache.key(sha, label, city, None))   # -> {'fact': ..., 'columns': {...}} or None
        """
        self.used.append(key)
        row = self._row(key)
        if row is None:
            return None
        try:  # one damaged or altered entry: that file is read again, the others still count
            read = decode(row)
            value = accept(read) if accept is not None else read
        except (ValueError, zlib.error, KeyError, TypeError, AttributeError):
            return None
        if value is not None:
            self.hits += 1
        return value

    def chunk_key(self, file_keys: list[str], names: list[Any]) -> str:
        """The key of a chunk's read: its files' keys, and how the build names each file.

        Example::

            cache.chunk_key([key_a, key_b], [["submissions/2021-06/a.xlsx", ...], [...]])
        """
        return hashlib.sha256(json.dumps([self.context, "chunk", file_keys, names],
                                         ensure_ascii=False).encode()).hexdigest()

    def get_blob(self, key: str) -> bytes | None:
        """The bytes kept under key (a chunk's, `chunkcodec.encode`), or None; not yet a hit:
        the caller says with `keep` once it has accepted them.

        Example::

            cache.get_blob(cache.chunk_key(keys, names))   # -> bytes or None
        """
        self.used.append(key)
        row = self._row(key)
        return row if isinstance(row, bytes) else None

    def keep(self, keys: list[str], hits: int) -> None:
        """Count hits files taken from one accepted entry, and keep keys' entries too.

        Example::

            cache.keep(file_keys, hits=len(file_keys))   # a chunk taken whole: its files' entries stay
        """
        self.used += keys
        self.hits += hits

    def put_blob(self, key: str, blob: bytes) -> None:
        """Keep bytes for the store (a chunk's read).

        Example::

            cache.put_blob(cache.chunk_key(keys, names), chunkcodec.encode(facts, tables))
        """
        self.new.append((key, blob))

    def _row(self, key: str) -> Any:
        """The value stored under key, or None (not kept, or no cache to read)."""
        if self._broken:
            return None
        try:
            if self._conn is None:
                if not self.path.is_file():
                    self._broken = True
                    return None
                self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            row = self._conn.execute("SELECT value FROM reads WHERE key = ?", (key,)).fetchone()
        except (sqlite3.Error, OSError):
            self._broken = True  # not a cache we can read: read every file, the save starts it afresh
            return None
        return None if row is None else row[0]

    def put(self, key: str, read: dict[str, Any]) -> None:
        """Keep a file's read for the store (nothing is written here: workers only read).

        Example::

            cache.put(key, {"file": "2021-06/运管科.xlsx", "rows": {...}})
        """
        try:
            self.new.append((key, encode(read)))
        except (Uncacheable, ValueError):
            pass  # this file is read again next time

    def drain(self) -> tuple[list[tuple[str, bytes]], list[str], int]:
        """(new reads, keys used, hits) since the last drain; the lists are emptied.

        Example::

            new, used, hits = cache.drain()   # sent back from a worker with its chunk's tables
        """
        out = (self.new, self.used, self.hits)
        self.new, self.used, self.hits = [], [], 0
        return out

    def close(self) -> None:
        """Close the read connection (a worker's, or the main process's after an in-process read).

        Example::

            cache.close()
        """
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def absorb(self, new: list[tuple[str, bytes]], used: list[str], hits: int) -> None:
        """Add what a worker drained (main process), for `save` and the build's summary.

        Example::

            cache.absorb(*chunk.cache)   # each chunk's (new reads, keys used, hits)
        """
        self.new += new
        self.used += used
        self.hits += hits

    def save(self) -> bool:
        """Write the new reads and drop every entry whose key this build did not use.

        One transaction: the file holds the old entries or the new ones, never half. A
        cache that cannot be written is recreated once, then given up (False); a build
        never fails for it.

        Example::

            cache.save()   # -> True; data/interim/reader-cache.sqlite holds this build's files
        """
        self.close()
        for attempt in (1, 2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=30)
                try:
                    with conn:
                        conn.execute(_TABLE)
                        conn.executemany("INSERT OR REPLACE INTO reads VALUES (?, ?)", self.new)
                        conn.execute("CREATE TEMP TABLE keep (key TEXT PRIMARY KEY)")
                        conn.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in self.used))
                        conn.execute("DELETE FROM reads WHERE key NOT IN (SELECT key FROM keep)")
                finally:
                    conn.close()
                return True
            except (sqlite3.Error, OSError) as exc:
                # Locked by another build, a full disk, an I/O error: keep the file, skip this
                # save. Only a file that is not a database (or a damaged one) is started afresh.
                if attempt == 2 or isinstance(exc, (sqlite3.OperationalError, OSError)):
                    return False
                try:  # not a SQLite file, or a damaged one: start it afresh
                    self.path.unlink()
                except OSError:
                    return False
        return False
