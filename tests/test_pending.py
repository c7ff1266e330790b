"""Blank 公示日期 judged against the deadline and the file's arrival (ledgerlib.pending).

Deadlines are worked out by hand on the 2021 calendar (no holiday in late July), counting
from the day after the decision: 2021-07-22 -> Aug 2, 2021-07-23 -> Aug 3.
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd

from ledgerlib import labels, read_submission
from ledgerlib.intake import receive
from ledgerlib.pending import judge_blank_publications
from ledgerlib.templates import FIRST_DATA_ROW, SHEETS, build_workbook, column_letter
from ledgerlib.xlsx import save_workbook

BLANK = labels.PROBLEM_LABELS["publish_date_blank"]
OVERDUE = labels.PROBLEM_LABELS["publish_overdue_blank"]
A, B = "submissions/2021-07/运管科.xlsx", "submissions/2021-07/法规科.xlsx"


def _problem(file: str, cell: str, problem: str = BLANK, field: str = "publish_date") -> dict:
    return {"file": file, "sheet": "双公示", "cell": cell, "field": field, "value": "", "problem": problem,
            "expected": labels.EXPECTED_LABELS["publish_or_pending"], "severity": "warning"}


def test_kept_only_where_the_deadline_had_passed_on_arrival():
    problems = pd.DataFrame([_problem(A, "D5"), _problem(A, "D6"), _problem(A, "D7"),
                             _problem(A, "C8", labels.PROBLEM_LABELS["missing_value"], "decision_no"),
                             _problem(B, "D5")])
    publicity = pd.DataFrame({"file": [A, A, A, B], "row": [5, 6, 7, 5],
                              "deadline": pd.to_datetime(["2021-08-03", "2021-08-02", None, "2021-08-02"])})
    log = pd.DataFrame({"file": [A, B], "received_at": pd.to_datetime(["2021-08-03 09:30", None]),
                        "n_warnings": [4, 1]})
    out, log_out = judge_blank_publications(problems, publicity, log)
    assert out["cell"].tolist() == ["D6", "D7", "C8", "D5"]       # D5 of A: due the day it arrived, dropped
    d6 = out.iloc[0]
    assert (d6["problem"], d6["expected"]) == (OVERDUE, "公示日期（公示期限 2021-08-02，收到文件 2021-08-03）")
    assert out.iloc[1]["problem"] == BLANK                         # no deadline: as the reader said
    assert out.iloc[2]["problem"] == labels.PROBLEM_LABELS["missing_value"]  # another problem: untouched
    assert out.iloc[3]["problem"] == BLANK                         # B: arrival unknown, kept
    assert log_out["n_warnings"].tolist() == [3, 1]
    # Nothing to judge: the same frames back.
    none = problems[problems["problem"] != BLANK]
    assert judge_blank_publications(none, publicity, log)[0] is none


def _return_with_blanks(folder: Path, ledger, assignments) -> Path:
    wb = build_workbook("运管科", "2021-07", ledger, assignments)
    ws = wb[SHEETS["publicity"].name]
    first = FIRST_DATA_ROW["publicity"]
    rows = [("安交罚〔2021〕1号", date(2021, 7, 23)),   # due Aug 3
            ("安交罚〔2021〕2号", date(2021, 7, 22))]   # due Aug 2
    for i, (no, decided) in enumerate(rows):
        for field, value in (("decision_no", no), ("category", "行政处罚"), ("decision_date", decided)):
            ws[f"{column_letter('publicity', field)}{first + i}"] = value
    folder.mkdir(parents=True, exist_ok=True)
    return save_workbook(wb, folder / "运管科 7月.xlsx")


def test_receive_counts_the_warnings_the_build_will_count(tmp_path, raw_dir, workbook_ledger, assignments_table):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(raw_dir / "departments.csv", raw / "departments.csv")
    path = _return_with_blanks(tmp_path / "inbox", workbook_ledger, assignments_table)
    read = read_submission(path, received_at=pd.Timestamp("2021-08-03 09:30").to_pydatetime())
    assert read.problems["problem"].tolist().count(BLANK) == 2
    # Arrived Aug 3: the Aug 3 deadline is still open, the Aug 2 one has passed.
    on_3rd = receive(path, received_at="2021-08-03T09:30:00", raw_dir=raw)
    assert on_3rd.n_warnings == read.n_warnings - 1
    # Arrived a day earlier, Aug 2: both still open.
    raw2 = tmp_path / "raw2"
    raw2.mkdir()
    shutil.copy(raw_dir / "departments.csv", raw2 / "departments.csv")
    on_2nd = receive(path, received_at="2021-08-02T09:30:00", raw_dir=raw2)
    assert on_2nd.n_warnings == read.n_warnings - 2
