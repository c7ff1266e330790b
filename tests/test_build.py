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


def _raw_with_a_2027_decision(tmp_path: Path) -> Path:
    """The real ledger and roster and one real return whose first 双公示 decision is moved to
    2027-09-28 (published 2027-10-12), as a liaison would type it in 2027."""
    import openpyxl

    raw = tmp_path / "raw"
    (raw / "submissions" / "2021-01").mkdir(parents=True)
    for name in ("ledger_2021.xlsx", "departments.csv"):
        shutil.copy(RAW / name, raw / name)
    target = raw / "submissions" / "2021-01" / "运管科.xlsx"
    shutil.copy(RAW / "submissions" / "2021-01" / "运管科.xlsx", target)
    wb = openpyxl.load_workbook(target)
    ws = wb["双公示"]
    header = next(r for r in ws.iter_rows() if any(c.value == "决定日期" for c in r))
    col = {c.value: c.column for c in header}
    row = header[0].row + 1
    ws.cell(row, col["决定日期"]).value = pd.Timestamp("2027-09-28").to_pydatetime()
    ws.cell(row, col["公示日期"]).value = pd.Timestamp("2027-10-12").to_pydatetime()
    wb.save(target)
    return raw


def test_adding_the_official_arrangement_moves_deadlines_and_records_it(tmp_path):
    from ledgerlib import metrics

    raw, out = _raw_with_a_2027_decision(tmp_path), tmp_path / "processed"
    fixture = Path(__file__).parent / "fixtures" / "holidays_2027_complete_made_up.csv"

    build(raw, out, progress=False)
    pub = pd.read_parquet(out / "publicity.parquet")
    row = pub[pub["decision_date"] == pd.Timestamp("2027-09-28")].iloc[0]
    # No 2027 arrangement: weekends + statutory 10-01..03 -> 10-08 (hand-counted), provisional.
    assert (row["deadline"], row["deadline_basis"]) == (pd.Timestamp("2027-10-08"), "provisional")
    assert set(pub.loc[pub["decision_date"].dt.year == 2021, "deadline_basis"]) == {"official"}
    assert pd.read_parquet(out / "deadline_changes.parquet").empty
    detail = metrics.publicity_timeliness_detail(pub, "2021-01")
    assert detail.loc[detail["decision_date"] == pd.Timestamp("2027-09-28"), "verdict"].item() == "late"

    shutil.copy(fixture, raw / "holidays.csv")  # the State Council's notice, typed in
    result = build(raw, out, progress=False)
    assert result.warnings == []
    pub = pd.read_parquet(out / "publicity.parquet")
    row = pub[pub["decision_date"] == pd.Timestamp("2027-09-28")].iloc[0]
    assert (row["deadline"], row["deadline_basis"]) == (pd.Timestamp("2027-10-13"), "official")
    moved = pd.read_parquet(out / "deadline_changes.parquet")
    assert len(moved) == 1
    assert moved.iloc[0][["old_deadline", "old_basis", "new_deadline", "new_basis"]].tolist() == [
        pd.Timestamp("2027-10-08"), "provisional", pd.Timestamp("2027-10-13"), "official"]
    detail = metrics.publicity_timeliness_detail(pub, "2021-01")
    assert detail.loc[detail["decision_date"] == pd.Timestamp("2027-09-28"), "verdict"].item() == "on_time"

    # A build with nothing new keeps the record for the next report.
    build(raw, out, progress=False)
    assert len(pd.read_parquet(out / "deadline_changes.parquet")) == 1


def test_partial_holidays_file_warns_in_the_build_and_in_problems(tmp_path):
    raw, out = _raw_with_a_2027_decision(tmp_path), tmp_path / "processed"
    (raw / "holidays.csv").write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-10-09,workday,\n"
                                      "2027-10-11,workday,星期一\n", encoding="utf-8")
    result = build(raw, out, progress=False)
    assert len(result.warnings) == 1 and "2027 stays provisional" in result.warnings[0]
    assert "国庆节" in result.summary()
    problems = pd.read_parquet(out / "problems.parquet")
    mine = problems[problems["file"] == "holidays.csv"]
    assert sorted(zip(mine["cell"], mine["severity"])) == [("A2", "warning"), ("A4", "error")]
    pub = pd.read_parquet(out / "publicity.parquet")
    row = pub[pub["decision_date"] == pd.Timestamp("2027-09-28")].iloc[0]
    # Typed Saturday 10-09 is worked, the statutory 10-01..03 are off: 09-29, 09-30, 10-04..08.
    assert (row["deadline"], row["deadline_basis"]) == (pd.Timestamp("2027-10-08"), "provisional")
