"""Reading and writing the processed tables: Parquet for code, CSV with BOM for Excel.

Writes are deterministic (sorted rows, fixed column order, no timestamps in metadata)
so that two builds from the same raw data are byte-identical.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import config
from .cells import column_number

_DTYPES_KEY = "ledgerlib.dtypes"
_NULLABLE = {"Int64", "Int32", "boolean", "Float64"}

# Column -> dtype of every processed table, in column order: docs/data-contract.md as data.
# The reader, the intake and the pandera schemas (schemas.py) all take their columns from here.
_S, _D, _I, _N = "str", "datetime64[us]", "Int64", "int64"
_KEY = {"city": _S, "department": _S, "month": _S}
_SOURCE = {"file": _S, "row": _N}
DTYPES: dict[str, dict[str, str]] = {
    "ledger": {"task_id": _S, "plan_year": _N, "indicator_no": _N, "indicator": _S, "sub_indicator": _S,
               "task": _S, "deadline_text": _S, "deadline_kind": _S, "due_date": _D, "recurrence": _S,
               "min_per_period": _S, "lead": _S, "responsible": _S, "cooperating": _S,
               "departments_text": _S, "flags": _S, "source": _S},
    "assignments": {"task_id": _S, "department": _S, "role": _S, "via": _S, "kind": _S},
    "progress": {**_KEY, "task_id": _S, "status": _S, "completion_date": _D, "progress_note": _S,
                 "evidence": _S, "issues": _S, **_SOURCE},
    "activities": {**_KEY, "date": _D, "activity_type": _S, "count": _I, "note": _S, **_SOURCE},
    "publicity": {**_KEY, "decision_no": _S, "category": _S, "decision_date": _D, "publish_date": _D,
                  "deadline": _D, "deadline_basis": _S, **_SOURCE},
    "collection": {**_KEY, "field": _S, "total_entities": _I, "collected_entities": _I, **_SOURCE},
    "shared_records": {**_KEY, "record_id": _S, "n_indicators": _N, "n_filled": _N,
                       "filled_ratio": "float64", **_SOURCE},
    "joint_cases": {**_KEY, "subject": _S, "measure": _S, "executing_dept": _S, "executed_on": _D,
                    "matter": _S, **_SOURCE},
    "submissions_log": {**_KEY, "file": _S, "received_at": _D, "received_source": _S, "checksum": _S,
                        "superseded": "bool", "n_errors": _N, "n_warnings": _N},
    "deadline_changes": {**_KEY, "decision_no": _S, "decision_date": _D, "old_deadline": _D,
                         "old_basis": _S, "new_deadline": _D, "new_basis": _S},
    "problems": {"file": _S, "sheet": _S, "cell": _S, "field": _S, "value": _S, "problem": _S,
                 "expected": _S, "severity": _S, **_KEY},
}
TABLES = tuple(DTYPES)

#: Row order of each table (stable sort; the ledger and assignments keep the ledger's own
#: order). Problems are in reading order: by file, sheet, then cell row and column.
SORT_KEYS: dict[str, list[str]] = {
    "ledger": [], "assignments": [],
    "progress": ["city", "department", "month", "task_id", "file", "row"],
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
        ['task_id', 'department', 'role', 'via', 'kind']
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


def write_table(df: pd.DataFrame, out_dir: Path, name: str, sort_by: list[str] | None = None) -> Path:
    """Write `name.parquet` and `name.csv` (UTF-8 with BOM) under out_dir; return the Parquet path.

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
    table = pa.Table.from_pandas(df, preserve_index=False)
    # pandas metadata embeds library versions; drop it so bytes depend on data only, and
    # keep just the nullable dtypes (Int64 with a gap would otherwise come back as float).
    nullable = {c: str(t) for c, t in df.dtypes.items() if str(t) in _NULLABLE}
    table = table.replace_schema_metadata({_DTYPES_KEY: json.dumps(nullable, sort_keys=True)} if nullable else None)
    path = out_dir / f"{name}.parquet"
    pq.write_table(table, path, compression="zstd", write_statistics=False)
    # No date_format: pandas writes a date-only column as 2021-06-03 and keeps the time
    # where there is one (received_at), which a fixed "%Y-%m-%d" cut off.
    df.to_csv(out_dir / f"{name}.csv", index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def read_table(name: str, data_dir: Path | None = None) -> pd.DataFrame:
    """One processed table as a DataFrame.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> read_table("ledger").shape
        (39, 17)
    """
    data_dir = Path(data_dir) if data_dir else config.processed_dir()
    path = data_dir / f"{name}.parquet"
    if not path.exists():
        from . import labels

        raise ProcessedDataMissing(labels.CLI_MESSAGES["table_missing"].format(path=path))
    table = pq.read_table(path)
    meta = (table.schema.metadata or {}).get(_DTYPES_KEY.encode())
    df = table.to_pandas()
    return df.astype(json.loads(meta)) if meta else df


class ProcessedDataMissing(FileNotFoundError):
    """data/processed is missing or half-built; the message says to run `ledger build`."""


def load_processed(data_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every processed table (TABLES) under data_dir (default data/processed), by name.

    A folder that is missing, or lacks any table of a complete build, raises
    ProcessedDataMissing naming `ledger build` (a half-built folder never passes for data).

    >>> data = load_processed()                        # doctest: +SKIP
    >>> data["ledger"].shape, sorted(data)[:3]         # doctest: +SKIP
    ((39, 17), ['activities', 'assignments', 'collection'])
    >>> load_processed("no/such/folder")
    Traceback (most recent call last):
    ...
    ledgerlib.tables.ProcessedDataMissing: 没有处理后的数据：no/such/folder 不存在，请先运行 `ledger build` / no processed data: no/such/folder does not exist; run `ledger build` first
    """
    data_dir = require_processed(data_dir)
    return {n: read_table(n, data_dir) for n in TABLES}


def require_processed(data_dir: Path | str | None = None) -> Path:
    """data_dir (default data/processed) when it holds a complete build, else ProcessedDataMissing.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> require_processed().name
        'processed'
    """
    from . import labels

    data_dir = Path(data_dir) if data_dir else config.processed_dir()
    if not data_dir.is_dir():
        raise ProcessedDataMissing(labels.CLI_MESSAGES["no_processed"].format(path=data_dir))
    missing = [n for n in TABLES if not (data_dir / f"{n}.parquet").exists()]
    if missing:
        raise ProcessedDataMissing(labels.CLI_MESSAGES["half_built"].format(
            path=data_dir, tables=", ".join(missing)))
    return data_dir
