"""Reading and writing the processed tables: Parquet for code, CSV with BOM for Excel.

Writes are deterministic (sorted rows, fixed column order, no timestamps in metadata)
so that two builds from the same raw data are byte-identical.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import config

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
    # pandas metadata embeds library versions; drop it so bytes depend on data only.
    table = table.replace_schema_metadata(None)
    path = out_dir / f"{name}.parquet"
    pq.write_table(table, path, compression="zstd", write_statistics=False)
    df.to_csv(out_dir / f"{name}.csv", index=False, encoding="utf-8-sig", lineterminator="\n",
              date_format="%Y-%m-%d")
    return path


def read_table(name: str, data_dir: Path | None = None) -> pd.DataFrame:
    """One processed table as a DataFrame."""
    data_dir = Path(data_dir) if data_dir else config.processed_dir()
    path = data_dir / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `ledger build` first")
    return pd.read_parquet(path)


def load_processed(data_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every processed table present under data_dir, by name."""
    data_dir = Path(data_dir) if data_dir else config.processed_dir()
    return {n: read_table(n, data_dir) for n in TABLES if (data_dir / f"{n}.parquet").exists()}
