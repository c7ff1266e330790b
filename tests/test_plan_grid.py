"""Grids of cells read into ledger items (ledgerlib.plan_grid): header words and heading rows."""
from __future__ import annotations

from ledgerlib.plan_grid import Grid, find_header, header_field, items_from_grid


def test_header_words_of_real_ledgers():
    assert [header_field(w) for w in ["序号", "重点工作", "工作内容", "牵头责任部门", "协同配合部门", "时间节点", "分值"]] == \
        ["task_id", "indicator", "task", "lead", "cooperating", "deadline", "points"]
    assert header_field("牵头单位（部门）") == "lead"
    assert header_field("完成\n时限") == "deadline"
    assert header_field("备注") is None


def test_the_only_task_like_column_is_the_task():
    rows = [["标题"], ["序号", "工作任务", "牵头单位", "完成时限"]]
    h, cols = find_header(rows)
    assert h == 1 and cols["task"] == 1 and "indicator" not in cols


def test_grid_without_merges_fills_indicators_down():
    rows = [["序号", "重点工作", "具体任务", "责任单位", "完成时限"],
            ["1", "组织领导", "成立专班。", "办公室", "3月底前"],
            ["2", "", "明确专人。", "法规科", "长期坚持"]]
    grid = Grid("t.csv", "t", rows, [1, 2, 3], [False] * 3, merges_known=False)
    items, warns, first = items_from_grid(grid)
    assert [i["indicator"] for i in items] == ["组织领导", "组织领导"]
    assert [i["departments_text"] for i in items] == ["办公室", "法规科"] and not first


def test_a_column_of_people_is_leaders():
    assert header_field("分管县领导") == "leaders" and header_field("责任人") == "leaders"
