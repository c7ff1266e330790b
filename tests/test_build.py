"""`ledger build`: data/processed rebuilt from data/raw, deterministic, raw untouched."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from paths import RAW
from ledgerlib.build import build
from ledgerlib.cli import main


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small_raw(tmp_path_factory) -> Path:
    """The real ledger and roster, with the first two months of the shipped submissions."""
    raw = tmp_path_factory.mktemp("raw")
    for name in ("ledger_2021.xlsx", "departments.csv"):
        shutil.copy(RAW / name, raw / name)
    subs = RAW / "submissions"
    if subs.is_dir():
        for month in sorted(p for p in subs.iterdir() if p.is_dir())[:2]:
            shutil.copytree(month, raw / "submissions" / month.name)
        if (subs / "manifest.csv").exists():
            manifest = pd.read_csv(subs / "manifest.csv", dtype=str, encoding="utf-8-sig")
            kept = manifest[manifest["file"].map(lambda f: (raw / "submissions" / f).exists())]
            kept.to_csv(raw / "submissions" / "manifest.csv", index=False, encoding="utf-8")
    return raw


def test_build_twice_is_byte_identical_and_leaves_raw_alone(small_raw, tmp_path):
    before = _digest(small_raw)
    build(small_raw, tmp_path / "a", progress=False)
    build(small_raw, tmp_path / "b", progress=False)
    assert _digest(small_raw) == before
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert a == b
    assert {"ledger.parquet", "ledger.csv", "assignments.parquet", "problems.parquet"} <= set(a)


def test_ledger_csv_opens_in_excel_and_matches_parquet(small_raw, tmp_path):
    build(small_raw, tmp_path, progress=False)
    raw_bytes = (tmp_path / "ledger.csv").read_bytes()
    assert raw_bytes.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    csv = pd.read_csv(tmp_path / "ledger.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    pq = pd.read_parquet(tmp_path / "ledger.parquet")
    assert list(csv.columns) == list(pq.columns)
    assert list(csv["task_id"]) == list(pq["task_id"])
    assert len(pq) == 39
    assigned = pd.read_parquet(tmp_path / "assignments.parquet")
    assert set(assigned["role"]) == {"lead", "responsible"}


def test_cli_build(small_raw, tmp_path, capsys):
    assert main(["--raw", str(small_raw), "build", "--out", str(tmp_path), "--quiet"]) == 0
    assert "ledger" in capsys.readouterr().out
    assert (tmp_path / "assignments.csv").exists()


def test_problems_are_listed_in_reading_order():
    from ledgerlib.tables import sort_table

    df = pd.DataFrame({"file": ["f"] * 4, "sheet": ["s"] * 4, "cell": ["A10", "AA2", "A9", "B9"],
                       "field": ["x"] * 4, "problem": ["p"] * 4, "value": [""] * 4})
    assert list(sort_table(df, "problems")["cell"]) == ["AA2", "A9", "B9", "A10"]
