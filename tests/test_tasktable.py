"""The task table every reader returns (ledgerlib.tasktable)."""
from __future__ import annotations

import pytest

from ledgerlib.tasktable import LEDGER_COLUMNS, department_text, split_two_deadlines, task_table


def _item(**kw):
    base = {"task_id": "T01", "indicator_no": 1, "indicator": "信用", "sub_indicator": "", "task": "建立制度。",
            "deadline_text": "", "departments_text": "", "flags": [], "source": "x:L1"}
    return {**base, **kw}


def test_two_deadlines_for_two_sentences_become_two_items():
    items, warns = split_two_deadlines([_item(task="制定承诺书。 公开承诺书。", deadline_text="2020年4月 持续推进")])
    assert [(i["task_id"], i["task"], i["deadline_text"]) for i in items] == \
        [("T01a", "制定承诺书。", "2020年4月"), ("T01b", "公开承诺书。", "持续推进")]
    assert all("split_deadline" in i["flags"] for i in items) and not warns
    items, warns = split_two_deadlines([_item(task="一句话。", deadline_text="2020年4月 持续推进")])
    assert len(items) == 1 and warns[0]["field"] == "deadline_text"


def test_separate_role_cells_keep_the_plans_own_words():
    assert department_text("A", "", "B") == "牵头单位：A；配合单位：B"
    assert department_text("A", "C", "", words={"lead": "牵头部门", "responsible": "责任部门"}) == \
        "牵头部门：A；责任部门：C"


def test_the_table_has_the_contract_columns_and_types(roster):
    df = task_table([_item(deadline_text="6月底前", departments_text="牵头单位：局法规科；分管领导：王强", points=5),
                     _item(task_id="T02", departments_text="不存在的科")], 2022, roster)
    assert list(df.columns) == LEDGER_COLUMNS
    assert str(df["due_date"].iloc[0].date()) == "2022-06-30"
    assert (df["lead"].iloc[0], df["leaders"].iloc[0], df["points"].iloc[0]) == ("法规科", "王强", 5.0)
    assert df["responsible"].iloc[1] == "不存在的科" and "unknown_department" in df["flags"].iloc[1]
    assert df.attrs["warnings"][-1]["chosen"] == "不存在的科"
    assert str(df["points"].dtype) == "Float64" and df["points"].isna().iloc[1]


@pytest.mark.parametrize("text,flag", [("", "deadline_missing"), ("看情况", "deadline_unrecognised")])
def test_no_deadline_is_flagged(roster, text, flag):
    df = task_table([_item(deadline_text=text, departments_text="局法规科")], 2022, roster)
    assert df["deadline_kind"].iloc[0] == "unspecified" and flag in df["flags"].iloc[0]
