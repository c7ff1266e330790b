"""`ledger validate` starts without pandas (issue 14), and its pandas-free pieces agree with the
DataFrame ones: the roster's csv loader, the ledger's task ids, date cells, the problems."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from ledgerlib import labels, read_submission
from ledgerlib.ledger import ledger_task_ids, load_ledgers
from ledgerlib.roster import Roster, load_roster, normalise_name
from ledgerlib.submissions import (
    format_table, problems_for_display, read_submissions, validate_files, write_problems_workbook,
)

from test_submissions import (  # the fixtures that build hostile workbooks from the real template
    ROSTER, _bad_return, _save, _unreadable_files, excel_template, filled_excel, progress_cell,
)

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
FIXTURES = Path(__file__).parent / "fixtures"


def _imported(importtime_stderr: str) -> set[str]:
    """Module names from `python -X importtime` lines (`import time: self | cumulative | name`)."""
    return {m.group(1) for m in re.finditer(r"^import time:\s+\d+\s+\|\s+\d+\s+\|\s+(\S+)\s*$",
                                             importtime_stderr, re.M)}


def _cli(*args: str, tmp_path: Path, importtime: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, *(["-X", "importtime"] if importtime else []), "-m", "ledgerlib.cli",
           "--raw", str(RAW), *args]
    return subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_ledger_validate_loads_neither_pandas_nor_openpyxl(tmp_path):
    made = _cli("template", "--month", "2021-06", "--department", "运管科", "--out", str(tmp_path / "t"),
                tmp_path=tmp_path)
    assert made.returncode == 0, made.stderr
    workbook = Path(made.stdout.split()[0])
    out = tmp_path / "问题清单.xlsx"
    run = _cli("validate", str(workbook), "--out", str(out), tmp_path=tmp_path, importtime=True)
    assert run.returncode in (0, 1), run.stderr
    loaded = _imported(run.stderr)
    # the command really ran: the reader, the ledger's task ids, the roster and the writer
    assert {"ledgerlib.submissions", "ledgerlib.ledger", "ledgerlib.roster", "ledgerlib.problems_book",
            "python_calamine"} <= loaded
    assert "ledger not loaded" not in run.stderr and "roster not loaded" not in run.stderr
    heavy = {m for m in loaded if m.split(".")[0] in ("pandas", "numpy", "openpyxl", "pyarrow")}
    assert heavy == set()
    assert out.exists() and labels.VALIDATE_SUMMARY.split("{")[0] in run.stdout


# --- the roster: csv module vs pandas.read_csv ---------------------------------------------

def _roster_as_pandas_read_it(path: Path) -> pd.DataFrame:
    """load_roster's table as it was built with pandas before the csv loader."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table.columns = [normalise_name(c).lower() for c in table.columns]
    for col in ("aliases", "kind", "collectives"):
        if col not in table.columns:
            table[col] = ""
    table = table.map(lambda v: normalise_name(v) if isinstance(v, str) and ";" not in v else v)
    return table[table["department"] != ""].reset_index(drop=True)


@pytest.mark.parametrize("source", ["demo", "county", "hand_typed"])
def test_the_csv_loaded_roster_is_the_pandas_loaded_one(tmp_path, source):
    path = {"demo": RAW / "departments.csv", "county": FIXTURES / "county_roster.csv"}.get(source)
    if path is None:  # what a person saves from Excel: BOM, spaces, blank lines, short rows, quotes
        path = tmp_path / "departments.csv"
        path.write_text("Department , Aliases,kind,collectives,scored\n 运管科 ,运输管理科;局运管科,section,局相关科室,\n\n"
                        ",空行,,,\n法规科,局法规科,section\n（办公室）,\"局办公室;办公室,综合\",section,局相关科室,否\n"
                        "局相关科室,局机关有关科室,collective,,\n", encoding="utf-8-sig")
    new = load_roster(path)
    old = Roster(_roster_as_pandas_read_it(path))
    pd.testing.assert_frame_equal(new.table, old.table)
    assert new.departments == old.departments and new.collectives == old.collectives
    names = {n for t in (new.table, old.table) for col in ("department", "aliases", "collectives")
             for cell in t[col] for n in str(cell).split(";")}
    names |= {f"局{n}" for n in names} | {f" {n}\u3000" for n in names} | {"不存在的科室", ""}
    for n in sorted(names):
        assert new.resolve(n) == old.resolve(n), n
    for d in new.departments:
        assert (new.kind(d), new.is_scored(d), new.expand(d)) == (old.kind(d), old.is_scored(d), old.expand(d))
    for c in new.collectives:
        assert new.expand(c) == old.expand(c)


# --- the ledger: task ids without the table ---------------------------------------------------

def test_ledger_task_ids_are_the_loaded_ledgers_ids(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for src in (RAW / "departments.csv", RAW / "ledger_2021.xlsx", FIXTURES / "ledger_2022.xlsx"):
        shutil.copy(src, raw / src.name)
    ledger = load_ledgers(raw)
    expected = {int(y): list(g["task_id"]) for y, g in ledger.groupby("plan_year", sort=True)}
    assert ledger_task_ids(raw) == expected and sorted(expected) == [2021, 2022]


def test_ledger_task_ids_fail_as_load_ledgers_does(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "departments.csv", raw)
    shutil.copy(RAW / "ledger_2021.xlsx", raw / "ledger_2023.xlsx")  # its title says 2021
    with pytest.raises(ValueError) as old:
        load_ledgers(raw)
    with pytest.raises(ValueError) as new:
        ledger_task_ids(raw)
    assert str(new.value) == str(old.value)
    (raw / "departments.csv").unlink()  # no roster, no ledger: the same error both ways
    errors = []
    for load in (load_ledgers, ledger_task_ids):
        with pytest.raises(OSError) as exc:
            load(raw)
        errors.append(str(exc.value))
    assert errors[0] == errors[1]


# --- date cells: datetime values, the same datetime64 columns -----------------------------------

def test_date_cells_come_out_as_the_same_datetime64_values(tmp_path):
    wb = excel_template()
    ws = wb[labels.SHEET_PROGRESS]
    typed = [date(2021, 7, 2), datetime(2021, 7, 3, 14, 30), 44381, "2021年7月5日", "2021.7.6", "7/7",
             "20210708", "下周"]
    (tmp_path / "2021-07").mkdir()
    for i, value in enumerate(typed[:4]):
        ws[progress_cell(i, "status")] = "已完成"
        ws[progress_cell(i, "completion_date")] = value
    path = _save(tmp_path / "2021-07" / "运管科.xlsx", wb)
    sub = read_submission(path, None, ROSTER)
    assert sub.progress["completion_date"].dtype == "datetime64[us]"
    assert sub.progress["completion_date"].head(4).tolist() == [
        pd.Timestamp(2021, 7, d) for d in (2, 3, 4, 5)]
    # every other written form, through the cover's filled_on and the batch's files table
    for i, value in enumerate(typed[4:]):
        ws[progress_cell(i, "completion_date")] = value
    path = _save(tmp_path / "2021-07" / "运管科.xlsx", wb)
    batch = read_submissions([path], None, ROSTER)
    got = batch.tables["progress"]["completion_date"].head(4)
    assert got.dtype == "datetime64[us]"
    assert got.tolist()[:3] == [pd.Timestamp(2021, 7, d) for d in (6, 7, 8)] and pd.isna(got.iloc[3])
    assert batch.files["filled_on"].dtype == "datetime64[us]"


# --- validate: the rows path says what the DataFrame path says ----------------------------------

def _hostile_returns(tmp_path: Path) -> list[Path]:
    (tmp_path / "unreadable").mkdir()
    files = list(_unreadable_files(tmp_path / "unreadable").values())
    files.append(_bad_return(tmp_path / "srv" / "2021-07"))
    wb = excel_template()
    cell = wb[labels.SHEET_PROGRESS][progress_cell(0, "status")]
    cell.value, cell.data_type = "=HYPERLINK(\"http://x\")", "s"
    wb[labels.SHEET_PROGRESS][progress_cell(1, "progress_note")] = "=cmd|' /C calc'!A0"
    wb[labels.SHEET_PROGRESS][progress_cell(2, "task_id")] = "T99"  # not in the ledger
    (tmp_path / "hostile" / "2021-07").mkdir(parents=True)
    files.append(_save(tmp_path / "hostile" / "2021-07" / "运管科(1).xlsx", wb))
    (tmp_path / "good").mkdir()
    files.append(filled_excel(tmp_path / "good", "法规科.xlsx"))  # a clean return: no rows of its own
    return files


def test_validate_prints_and_writes_what_the_dataframe_functions_give(tmp_path, capsys):
    import zipfile

    raw = tmp_path / "raw"
    raw.mkdir()
    for src in (RAW / "departments.csv", RAW / "ledger_2021.xlsx"):
        shutil.copy(src, raw / src.name)
    files = _hostile_returns(tmp_path)
    out = tmp_path / "问题清单.xlsx"
    code = validate_files(files, out=out, raw_dir=raw)
    printed = capsys.readouterr().out
    # the DataFrame path, as validate ran before: the whole ledger, the table, the display frame
    batch = read_submissions(files, load_ledgers(raw), load_roster(raw))
    problems = batch.tables["problems"]
    assert code == (1 if (problems["severity"] == "error").any() else 0) == 1
    assert "unknown_task" in {k for k, v in labels.PROBLEM_LABELS.items() if v in set(problems["problem"])}
    summary = labels.VALIDATE_SUMMARY.format(n_files=len(files), n_errors=int((problems["severity"] == "error").sum()),
                                             n_warnings=int((problems["severity"] == "warning").sum()))
    assert printed == f"{format_table(problems_for_display(problems))}\n{summary}\n{out}\n"
    again = write_problems_workbook(problems, tmp_path / "again.xlsx", batch.files)
    with zipfile.ZipFile(out) as a, zipfile.ZipFile(again) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "docProps/core.xml":  # holds the time each was written
                assert a.read(name) == b.read(name), name
