"""催办: chase items and who is chased (hand-worked), and `ledger chase` writing real documents."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd

from ledgerlib import cli, labels
from ledgerlib import chase as C

X = "安阳市"
A, B, D = "法规科", "运管科", "科技科"


def lights(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["department", "task_id", "kpi", "light", "reason"])
    df.insert(0, "city", X)
    df["due_date"] = pd.NaT
    df["flags"] = ""
    return df


def compliance(statuses: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"city": X, "department": list(statuses), "month": "2021-06",
                         "due_date": pd.Timestamp("2021-07-05"), "status": list(statuses.values())})


def test_items_are_red_and_amber_plus_missing_returns() -> None:
    lit = lights([(A, "T1", "", "amber", "30天内到期未完成"), (A, "T2", "", "green", ""),
                  (B, "T1", "", "red", "本月未报送"), (B, "", "collection_coverage", "red", "低于80%"),
                  (D, "T3", "", "green", "")])
    items = C.chase_items(lit, compliance({A: "on_time", B: "missing", D: "late"}))
    # B (red) before A (amber); B's missing return first, then its task, then its KPI; no green.
    assert items[["department", "item", "task_id", "light"]].values.tolist() == [
        [B, "return", "", "red"], [B, "task", "T1", "red"], [B, "kpi", "", "red"], [A, "task", "T1", "amber"]]
    assert items.loc[0, "reason"] == "2021年6月工作进展未报送（应于2021-07-05前报送）"


def test_summary_names_the_filler_of_the_last_return() -> None:
    lit = lights([(A, "T1", "", "amber", "x"), (B, "T1", "", "red", "本月未报送")])
    items = C.chase_items(lit, compliance({A: "on_time", B: "missing"}))
    log = pd.DataFrame({
        "city": X, "department": [A, A, B, B, B],
        "month": ["2021-06", "2021-06", "2021-04", "2021-05", "2021-07"],
        "file": ["a6.xlsx", "a6_v2.xlsx", "b4.xlsx", "b5.xlsx", "b7.xlsx"],
        "received_at": pd.to_datetime(["2021-07-02", "2021-07-08", "2021-05-03", "2021-06-04", "2021-08-01"]),
        "superseded": [True, False, False, False, False],
        "filled_by": ["王芳", "李娜", "张伟", "刘洋", "陈静"]})
    s = C.chase_summary(items, log, "2021-06").set_index("department")
    # A: the current (resubmitted) June file; B: nothing in June, its May return (July's is later).
    assert (s.loc[A, "filled_by"], s.loc[A, "last_return_month"]) == ("李娜", "2021-06")
    assert (s.loc[B, "filled_by"], s.loc[B, "last_return_month"]) == ("刘洋", "2021-05")
    assert bool(s.loc[B, "missing_return"]) and not bool(s.loc[A, "missing_return"])
    assert (s.loc[B, "light"], s.loc[B, "n_red"], s.loc[A, "light"], s.loc[A, "n_amber"]) == ("red", 2, "amber", 1)


def test_workbook_keeps_formula_text_as_text(tmp_path: Path) -> None:
    from ledgerlib.xlsx import save_workbook

    lit = lights([(A, "T1", "", "red", '=HYPERLINK("http://x","点")')])
    items = C.chase_items(lit, compliance({A: "on_time"}))
    summary = C.chase_summary(items, pd.DataFrame({
        "city": [X], "department": [A], "month": ["2021-06"], "file": ["a.xlsx"],
        "received_at": [pd.Timestamp("2021-07-01")], "superseded": [False], "filled_by": ["=1+1"]}), "2021-06")
    ledger = pd.DataFrame({"task_id": ["T1"], "task": ["@SUM(A1)"]})
    path = save_workbook(C.chase_workbook(items, summary, ledger, "2021-06", X), tmp_path / "c.xlsx")
    wb = openpyxl.load_workbook(path)
    values = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in values)
    assert '=HYPERLINK("http://x","点")' in [c.value for c in values] and "=1+1" in [c.value for c in values]


def test_ledger_chase_writes_a_page_per_department(processed: Path, tmp_path: Path, capsys) -> None:
    rc = cli.main(["chase", "2021-06", "--data", str(processed), "--out", str(tmp_path)])
    assert rc == 0
    folder = tmp_path / "chase" / "2021-06"
    summary = pd.read_csv(folder / "催办汇总_2021-06.csv", encoding="utf-8-sig", dtype=str)
    # June of the sample: 安监科 and 地方海事事务服务中心 sent nothing (chased, with their May filler).
    missing = summary[summary["本月未报送"] == "是"]
    assert set(missing["部门"]) == {"安监科", "地方海事事务服务中心"}
    assert set(missing["最近报送月份"]) == {"2021-05"} and missing["填报人"].str.len().min() > 0
    wb = openpyxl.load_workbook(folder / "催办清单_2021-06.xlsx")
    assert wb.sheetnames == [labels.CHASE_LABELS["sheet_items"], labels.CHASE_LABELS["sheet_summary"]]
    assert wb.worksheets[1].max_row == 2 + len(summary)
    pdf = folder / "催办单_2021-06.pdf"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages = text.split("\f")
        # Every chased department opens its own page.
        for dept in summary["部门"]:
            assert any(p.lstrip().startswith("安阳市交通运输局信用体系建设工作催办单") and dept in p for p in pages)
        assert "地方海事事务服务中心" in text and "□" not in text
    assert cli.main(["chase", "2021-13", "--data", str(processed)]) == 2


def test_nothing_to_chase_gives_empty_lists_and_a_one_line_pack(tmp_path: Path) -> None:
    from ledgerlib.xlsx import save_workbook

    items = C.chase_items(lights([(A, "T1", "", "green", "")]), compliance({A: "on_time"}))
    summary = C.chase_summary(items, None, "2021-06")
    assert items.empty and summary.empty
    ledger = pd.DataFrame({"task_id": ["T1"], "task": ["x"]})
    assert labels.CHASE_LABELS["none"] in C.chase_html(items, summary, ledger, "2021-06", X)
    wb = openpyxl.load_workbook(save_workbook(C.chase_workbook(items, summary, ledger, "2021-06", X),
                                              tmp_path / "c.xlsx"))
    assert [ws.max_row for ws in wb.worksheets] == [2, 2]  # title and header only
