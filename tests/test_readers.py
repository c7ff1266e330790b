"""read_ledger's registry of forms, and `ledger workbook` from any form (ledgerlib.readers, cli)."""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from ledgerlib import readers
from ledgerlib.cli import main
from ledgerlib.readers import read_ledger, reader_for
from ledgerlib.tasktable import LedgerReader, task_table
from paths import NOTICE, ROOT
from test_plan_docx import write_word_table_merged_indicators

FIXTURES = ROOT / "tests" / "fixtures"


def test_each_form_has_its_reader():
    assert reader_for(NOTICE).name == "text table"
    assert reader_for(FIXTURES / "list_form_with_parenthesis_leads.txt").name == "text list"
    assert reader_for(FIXTURES / "libreoffice_saved_ledger_spanning_indicators.xls").name == "spreadsheet"
    assert reader_for(Path("plan.docx")).name == "Word"
    with pytest.raises(ValueError, match=r"\.docx"):
        reader_for(Path("plan.pdf"))


def test_a_new_form_is_a_registered_module_not_a_branch(tmp_path, roster, monkeypatch):
    def read_tsv(path, year, roster):
        rows = [line.split("|") for line in Path(path).read_text(encoding="utf-8").splitlines()]
        items = [{"task_id": f"T{i:02d}", "indicator_no": 1, "indicator": "信用", "sub_indicator": "",
                  "task": t, "deadline_text": d, "departments_text": who, "flags": [], "source": f"{path.name}:L{i}"}
                 for i, (t, d, who) in enumerate(rows, start=1)]
        return task_table(items, year or 2022, roster)

    monkeypatch.setattr(readers, "_REGISTERED", [])
    readers.register(LedgerReader("pipes", (".psv",), lambda p: True, read_tsv))
    p = tmp_path / "plan.psv"
    p.write_text("建立制度。|6月底前|局法规科牵头\n", encoding="utf-8")
    df = read_ledger(p, roster=roster)
    assert (df["lead"].iloc[0], str(df["due_date"].iloc[0].date())) == ("法规科", "2022-06-30")


def test_every_form_returns_the_same_table(roster, tmp_path):
    word = write_word_table_merged_indicators(tmp_path / "w.docx")
    frames = []
    for path in (NOTICE, FIXTURES / "list_form_with_field_lines.txt", FIXTURES / "libreoffice_saved_ledger_spanning_indicators.xls", word,
                 FIXTURES / "ledger_2022.xlsx"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frames.append(read_ledger(path, roster=roster))
    for df in frames:
        assert list(df.columns) == list(frames[0].columns)
        assert dict(df.dtypes.astype(str)) == dict(frames[0].dtypes.astype(str))


# --------------------------------------------------------------------------- ledger workbook

def _judgements(path, rows):
    pd.DataFrame(rows, columns=["task_id", "field", "value", "reason"]).to_csv(path, index=False, encoding="utf-8")
    return path


def test_workbook_from_word_prints_and_notes_every_uncertain_choice(tmp_path, capsys):
    src = FIXTURES / "list_form_with_parenthesis_leads.txt"
    j = _judgements(tmp_path / "j.csv", [["T05", "deadline_text", "每季度", "按季度报送：定期"],
                                        ["T07", "responsible", "县政府办;县发改委", "政务诚信由两家负责"]])
    out = tmp_path / "ledger_2022.xlsx"
    assert main(["--raw", str(FIXTURES.parent.parent / "data" / "raw"), "workbook", str(src), "--judgements", str(j),
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "待定 / uncertain T01 (list_form_with_parenthesis_leads.txt:L6) deadline_text: 已取 / chose 2022年6月15日前实现" in err
    notes = pd.DataFrame(load_workbook(out)["说明"].values)
    assert ("T01" == notes[0]).any() and notes[3].astype(str).str.startswith("待确认").any()
    df = read_ledger(out)
    t = df.set_index("task_id")
    assert t.loc["T07", "responsible"] == "县政府办;县发改委"        # a department fixed by a judgement
    assert t.loc["T05", "deadline_kind"] == "recurring"
    assert "judged" in t.loc["T07", "flags"]


def test_workbook_from_word_with_year(tmp_path, capsys):
    word = write_word_table_merged_indicators(tmp_path / "notice.docx", title="信用体系建设工作要点及台账")
    j = _judgements(tmp_path / "j.csv", [])
    out = tmp_path / "ledger_2023.xlsx"
    assert main(["workbook", str(word), "--year", "2023", "--judgements", str(j), "--out", str(out)]) == 0
    df = read_ledger(out)
    assert (df["plan_year"] == 2023).all() and len(df) == 5
    assert str(df["due_date"].iloc[1].date()) == "2022-03-31"
    assert "deadline_before_plan_year" in df["flags"].iloc[1]


@pytest.mark.parametrize("content,name", [
    (b"", "empty.txt"), (b"\x00\x01binary", "bin.txt"), (b"PK\x03\x04junk", "junk.docx"),
    (b"hello", "x.xlsx"), ("没有任何任务的文字。\n".encode(), "prose.txt"), (b"a,b\n1,2\n", "x.csv"),
    ("一、组织领导\n1.建立制度。\n牵头单位：局法规科\n完成时限：持续推进\n".encode(), "no_year.txt"),
])
def test_workbook_failures_are_one_line_and_exit_2(tmp_path, capsys, content, name):
    src = tmp_path / name
    src.write_bytes(content)
    j = _judgements(tmp_path / "j.csv", [])
    assert main(["workbook", str(src), "--judgements", str(j), "--out", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ledger workbook:") and "\n" not in err and "Traceback" not in err


@pytest.mark.parametrize("row,match", [
    (["T99", "indicator_no", "1", "x"], "unknown task 'T99'"),
    (["T01", "colour", "red", "x"], "unknown field 'colour'"),
    (["T01", "indicator_no", "九", "x"], "must be a number"),
])
def test_bad_judgements_are_one_line_and_exit_2(tmp_path, capsys, row, match):
    j = _judgements(tmp_path / "j.csv", [row])
    assert main(["workbook", str(NOTICE), "--judgements", str(j), "--out", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err.strip()
    assert match in err and "\n" not in err
    assert "判断文件第 2 行" in err  # said in Chinese too: the first row under the CSV header is line 2


# --------------------------------------------------------------------------- the 2021 notice in every form

TODAY = ["task_id", "plan_year", "indicator_no", "indicator", "sub_indicator", "task", "deadline_text",
         "deadline_kind", "due_date", "recurrence", "min_per_period", "lead", "responsible", "cooperating"]


def _notice_rows(workbook_ledger):
    """The 2021 ledger as the notice prints it: the split item T15a/T15b is one row again."""
    rows = []
    for r in workbook_ledger.to_dict("records"):
        if r["task_id"].endswith("b") and rows and rows[-1]["task_id"].endswith("a"):
            rows[-1]["task"] += " " + r["task"]
            rows[-1]["deadline_text"] += " " + r["deadline_text"]
            continue
        rows.append(dict(r))
    return rows


def _as_list(rows, parenthesis: bool) -> str:
    from ledgerlib.grammar import chinese_numeral

    out = ["安阳市交通运输局信用体系建设2021年工作要点及台账", ""]
    ind = sub = None
    k = n = 0
    for r in rows:
        if r["indicator_no"] != ind:
            ind, sub, k = r["indicator_no"], None, 0
            out.append(f"{chinese_numeral(ind)}、{r['indicator']}")
        if r["sub_indicator"] != sub:
            sub, k, n = r["sub_indicator"], k + 1, 0
            out.append(f"（{chinese_numeral(k)}）{sub}")
        n += 1
        if parenthesis:
            out.append(f"{n}.{r['task']}（{r['departments_text']}；{r['deadline_text']}）")
        else:
            out += [f"{n}.{r['task']}", f"完成时限：{r['deadline_text']}", f"责任部门：{r['departments_text']}"]
    return "\n".join(out)


@pytest.mark.parametrize("parenthesis", [False, True], ids=["field_lines", "parenthesis"])
def test_the_2021_notice_as_a_list_gives_todays_table(tmp_path, roster, workbook_ledger, parenthesis):
    p = tmp_path / "notice_as_list.txt"
    p.write_text(_as_list(_notice_rows(workbook_ledger), parenthesis), encoding="utf-8")
    df = read_ledger(p, roster=roster)
    pd.testing.assert_frame_equal(df[TODAY], workbook_ledger[TODAY])


def test_the_2021_notice_as_word_gives_todays_table(tmp_path, roster, workbook_ledger):
    import docx

    from ledgerlib.grammar import chinese_numeral

    rows = _notice_rows(workbook_ledger)
    d = docx.Document()
    d.add_paragraph("安阳市交通运输局信用体系建设2021年工作要点及台账")
    t = d.add_table(rows=1 + len(rows), cols=5)
    for j, h in enumerate(["一级指标", "二级指标", "具体任务", "完成时限", "责任部门"]):
        t.cell(0, j).text = h
    keys = {0: [], 1: []}
    for i, r in enumerate(rows, start=1):
        ind = f"{chinese_numeral(r['indicator_no'])}、{r['indicator']}"
        keys[0].append(ind)
        keys[1].append((ind, r["sub_indicator"]))
        for j, v in enumerate([ind, r["sub_indicator"], r["task"], r["deadline_text"], r["departments_text"]]):
            if j > 1 or i == 1 or keys[j][-1] != keys[j][-2]:
                t.cell(i, j).text = v  # a merged block's text is in its first cell only
    for col, k in keys.items():  # merge each run of the same indicator (sub-indicator) vertically
        start = 0
        for i in range(1, len(k) + 1):
            if i == len(k) or k[i] != k[start]:
                if i - 1 > start:
                    top = t.cell(start + 1, col)
                    top.merge(t.cell(i, col))
                    for extra in top.paragraphs[1:]:  # merge() keeps the covered cells' empty paragraphs
                        extra._element.getparent().remove(extra._element)
                start = i
    path = tmp_path / "word_table_merged_indicators.docx"
    d.save(path)
    assert "<w:vMerge/>" in docx.Document(str(path)).tables[0]._tbl.xml
    df = read_ledger(path, roster=roster)
    pd.testing.assert_frame_equal(df[TODAY], workbook_ledger[TODAY])
    assert parse_warnings_empty(df)


def parse_warnings_empty(df) -> bool:
    from ledgerlib.tasktable import parse_warnings

    return parse_warnings(df).empty


def test_judged_deadlines_survive_the_workbook(tmp_path, capsys):
    src = FIXTURES / "list_form_with_field_lines.txt"
    j = _judgements(tmp_path / "j.csv", [["T06", "due_date", "2022-11-15", "经与运输服务处确认"],
                                        ["T03", "deadline_kind", "ongoing", "平台建设为持续任务"],
                                        ["T01", "points", "15", "考核细则"]])
    out = tmp_path / "ledger_2022.xlsx"
    assert main(["workbook", str(src), "--judgements", str(j), "--out", str(out)]) == 0
    t = read_ledger(out).set_index("task_id")
    assert (t.loc["T06", "deadline_kind"], str(t.loc["T06", "due_date"].date())) == ("date", "2022-11-15")
    assert (t.loc["T03", "deadline_kind"], t.loc["T03", "due_date"]) == ("ongoing", None) or \
        (t.loc["T03", "deadline_kind"] == "ongoing" and pd.isna(t.loc["T03", "due_date"]))
    assert t.loc["T01", "points"] == 15.0 and t.loc["T03", "points"] == 20.0


def test_a_judged_deadline_or_task_reads_the_same_from_the_workbook(tmp_path):
    """What apply_judgements decides is what the workbook of record reads back: the deadline's
    kind and date, and the recurrence the task's and deadline's words give (每季度 -> quarterly)."""
    from ledgerlib.ledger import apply_judgements, make_ledger_workbook, read_judgements
    from ledgerlib.roster import load_roster

    raw = ROOT / "data" / "raw"
    roster = load_roster(raw / "departments.csv")
    src = raw / "anyang_credit_ledger_2021_notice.txt"
    j = _judgements(tmp_path / "j.csv", [
        ["T21", "deadline_text", "每季度报送一次", "按季度报送"],
        ["T28", "task", "每月开展联合奖惩，每半年通报一次。", "按任务分工"],
        ["T33", "deadline_kind", "event", "按部署开展"],
        ["T22", "due_date", "2021-09-30", "经确认"]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        judged, _ = apply_judgements(read_ledger(src, roster=roster), read_judgements(j), roster)
        back = read_ledger(make_ledger_workbook(src, j, tmp_path / "ledger_2021.xlsx", roster), roster=roster)
    cols = ["deadline_kind", "due_date", "recurrence", "min_per_period"]
    ids = ["T21", "T22", "T28", "T33"]
    mine = judged.set_index("task_id").loc[ids, cols]
    theirs = back.set_index("task_id").loc[ids, cols]
    assert mine.astype(str).to_dict("index") == theirs.astype(str).to_dict("index")
    # Worked by hand from the words judged:
    assert mine.loc["T21", ["deadline_kind", "recurrence", "min_per_period"]].tolist() == ["recurring", "quarterly", "1"]
    assert mine.loc["T28", ["recurrence", "min_per_period"]].tolist() == ["monthly;half_yearly", "1;1"]
    assert mine.loc["T33", ["deadline_kind", "recurrence"]].tolist() == ["event", "none"]
    assert (mine.loc["T22", "deadline_kind"], str(mine.loc["T22", "due_date"])[:10]) == ("date", "2021-09-30")
