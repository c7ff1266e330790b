"""The notice as received, read by ledgerlib.notice, and the workbook built from it."""
from __future__ import annotations

import pandas as pd
import pytest

from ledgerlib.ledger import read_ledger
from ledgerlib.ledger import apply_judgements, make_ledger_workbook
from ledgerlib.notice import LedgerParseWarning, parse_notice, parse_warnings
from paths import NOTICE, RAW, WORKBOOK

COMPARED = ["task_id", "task", "deadline_text", "deadline_kind", "due_date", "recurrence",
            "min_per_period", "lead", "responsible", "cooperating"]


def test_spilled_row_is_rejoined_with_both_recurrences(notice_ledger, workbook_ledger):
    for df in (notice_ledger, workbook_ledger):
        t = df.set_index("task_id").loc["T29"]
        assert "每季度在“信用交通·河南”公示2个以上联合奖惩案例" in t["task"]
        assert t["deadline_text"] == "持续推进"
        assert (t["recurrence"], t["min_per_period"]) == ("monthly;quarterly", "1;2")
        assert "text_spilled" in t["flags"]


def test_text_and_workbook_agree(notice_ledger, workbook_ledger):
    a = notice_ledger[COMPARED].reset_index(drop=True)
    b = workbook_ledger[COMPARED].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_text_form_warns_wherever_its_indicator_differs(notice_ledger, workbook_ledger):
    warned = parse_warnings(notice_ledger)
    assert len(warned) > 0
    for field in ("indicator_no", "sub_indicator"):
        differ = notice_ledger.loc[notice_ledger[field].values != workbook_ledger[field].values, "task_id"]
        key = "indicator" if field == "indicator_no" else "sub_indicator"
        assert set(differ) <= set(warned.loc[warned["field"] == key, "task_id"]), field
    # The naive reading really is wrong somewhere: the warnings are not decoration.
    assert (notice_ledger["indicator_no"].values != workbook_ledger["indicator_no"].values).any()


def test_parse_notice_emits_a_warning(roster):
    with pytest.warns(LedgerParseWarning, match="uncertain"):
        parse_notice(NOTICE, roster)


def test_html_fragments_are_stripped(notice_ledger):
    assert not notice_ledger["task"].str.contains("<|>").any()
    assert not notice_ledger["departments_text"].str.contains("<p>").any()
    assert "html_stripped" in notice_ledger.set_index("task_id").loc["T22", "flags"]


def test_workbook_is_rebuilt_identically_from_the_notice(tmp_path, roster):
    out = make_ledger_workbook(NOTICE, RAW / "ledger_2021_judgements.csv", tmp_path / "ledger_2021.xlsx", roster)
    assert out.read_bytes() == WORKBOOK.read_bytes()  # the committed workbook is exactly this build
    pd.testing.assert_frame_equal(read_ledger(out, roster).drop(columns="source"),
                                  read_ledger(WORKBOOK, roster).drop(columns="source"))


def test_unknown_judgement_task_is_an_error(notice_ledger):
    j = pd.DataFrame([{"task_id": "T99", "field": "indicator_no", "value": "1", "reason": "x"}])
    with pytest.raises(ValueError, match="T99"):
        apply_judgements(notice_ledger, j)


# --------------------------------------------------------------------------- flattened text

def _one_cell_a_line(text: str) -> str:
    """The notice as a PDF-to-text tool without table support gives it: every cell on its own
    line, the empty (merged) cells gone."""
    out = []
    for line in text.splitlines():
        out += [c for c in line.split("\t") if c.strip()] if "\t" in line else [line]
    return "\n".join(out)


def _a_page_a_line(text: str) -> str:
    """Each page of the table on one line, cells separated by spaces."""
    pages, cur = [], []
    for line in text.splitlines():
        if line.startswith("一级指标") and cur:
            pages.append(" ".join(cur))
            cur = []
        cur.append(" ".join(c for c in line.split("\t") if c.strip()) if "\t" in line else line)
    return "\n".join([*pages, " ".join(cur)])


@pytest.mark.parametrize("flatten", [_one_cell_a_line, _a_page_a_line])
def test_flattened_table_reads_as_the_table(flatten, notice_ledger, roster):
    with pytest.warns(LedgerParseWarning):
        flat = parse_notice(flatten(NOTICE.read_text(encoding="utf-8")), roster)
    cols = COMPARED + ["indicator_no", "sub_indicator", "plan_year"]
    pd.testing.assert_frame_equal(flat[cols], notice_ledger[cols])


def test_notice_without_the_words_2021年工作要点_reads_with_its_year_from_the_deadlines(roster):
    import re

    head, sep, table = NOTICE.read_text(encoding="utf-8").partition("一级指标\t")
    text = re.sub(r"2021\s*年?", "", head) + sep + table  # no year anywhere in the title or preamble
    with pytest.warns(LedgerParseWarning):
        df = parse_notice(text, roster)
    assert (df["plan_year"] == 2021).all() and len(df) == 39
    w = parse_warnings(df)
    assert (w["field"] == "plan_year").any()  # the year came from the deadlines: said so


def test_year_option_overrides_and_a_disagreeing_title_warns(roster):
    with pytest.warns(LedgerParseWarning):
        df = parse_notice(NOTICE, roster, year=2022)
    assert (df["plan_year"] == 2022).all()
    assert parse_warnings(df).query("field == 'plan_year'")["reason"].str.contains("2021").any()


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_the_notice_in_the_encodings_windows_saves(tmp_path, roster, encoding, notice_ledger):
    p = tmp_path / "notice.txt"
    p.write_text(NOTICE.read_text(encoding="utf-8"), encoding=encoding)
    with pytest.warns(LedgerParseWarning):
        df = parse_notice(p, roster)
    pd.testing.assert_frame_equal(df[COMPARED], notice_ledger[COMPARED])
