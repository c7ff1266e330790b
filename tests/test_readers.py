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
    assert reader_for(FIXTURES / "libreoffice_saved.xls").name == "spreadsheet"
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
    for path in (NOTICE, FIXTURES / "list_form_with_field_lines.txt", FIXTURES / "libreoffice_saved.xls", word,
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
    assert "uncertain T01 (list_form_with_parenthesis_leads.txt:L6) deadline_text: chose 2022年6月15日前实现" in err
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
