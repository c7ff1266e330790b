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

_DTYPES_KEY = "ledgerlib.dtypes"
_NULLABLE = {"Int64", "Int32", "boolean", "Float64"}

TABLES = ("ledger", "assignments", "progress", "activities", "publicity", "collection",
          "shared_records", "joint_cases", "submissions_log", "problems")


def write_table(df: pd.DataFrame, out_dir: Path, name: str, sort_by: list[str] | None = None) -> Path:
    """Write `name.parquet` and `name.csv` (UTF-8 with BOM) under out_dir; return the Parquet path."""
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
    """One processed table as a DataFrame."""
    data_dir = Path(data_dir) if data_dir else config.processed_dir()
    path = data_dir / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `ledger build` first")
    table = pq.read_table(path)
    meta = (table.schema.metadata or {}).get(_DTYPES_KEY.encode())
    df = table.to_pandas()
    return df.astype(json.loads(meta)) if meta else df


def load_processed(data_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every processed table present under data_dir, by name."""
    data_dir = Path(data_dir) if data_dir else config.processed_dir()
    return {n: read_table(n, data_dir) for n in TABLES if (data_dir / f"{n}.parquet").exists()}
