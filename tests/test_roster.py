"""The department roster and its aliases."""
from __future__ import annotations

import pandas as pd
import pytest

from ledgerlib.roster import load_roster


@pytest.mark.parametrize("alias,canonical", [
    ("局法规科", "法规科"), ("法规科", "法规科"), ("安监局", "安监科"), ("局安监局", "安监科"),
    ("执法科", "执法监督科"), ("执法监督科", "执法监督科"), ("地方海事处", "地方海事事务服务中心"),
    ("地方海事服务中心", "地方海事事务服务中心"), ("地方海事事务服务中心", "地方海事事务服务中心"),
    ("交通综合执法支队", "交通运输综合行政执法支队"), ("交通运输综合行政执法支队", "交通运输综合行政执法支队"),
    ("　运管科 ", "运管科"), ("市局运管科", "运管科"),
    ("局信用体系建设领导小组成员", "局信用体系建设领导小组成员单位"),
    ("局机关有关科室", "局相关科室"), ("局属有关单位", "局相关单位"), ("局属相关单位", "局相关单位"),
    ("局各业务科室", "局各业务科室"),
])
def test_aliases_resolve(roster, alias, canonical):
    assert roster.resolve(alias) == canonical


def test_unknown_names_resolve_to_none(roster):
    assert roster.resolve("局宣传科") is None
    assert roster.resolve("") is None


def test_collectives_expand_to_members(roster):
    sections = roster.expand("局相关科室")
    units = roster.expand("局相关单位")
    assert "法规科" in sections and "公路事业发展中心" not in sections
    assert "公路事业发展中心" in units and "法规科" not in units
    assert set(roster.expand("局信用体系建设领导小组成员单位")) <= set(roster.departments)
    assert "办公室" not in roster.expand("局各业务科室")
    assert roster.expand("运管科") == ["运管科"]
    assert roster.expand("不存在") == []


def test_every_ledger_name_resolves(workbook_ledger, roster):
    for col in ("lead", "responsible", "cooperating"):
        for cell in workbook_ledger[col]:
            for name in filter(None, cell.split(";")):
                assert roster.is_collective(name) or name in roster.departments, name


def test_roster_from_a_csv_saved_by_excel(tmp_path):
    # Excel saves "CSV UTF-8" with a BOM.
    p = tmp_path / "departments.csv"
    pd.DataFrame([{"department": "法规科", "aliases": "局法规科", "kind": "section", "collectives": "局相关科室"}]) \
        .to_csv(p, index=False, encoding="utf-8-sig")
    r = load_roster(p)
    assert r.resolve("局法规科") == "法规科"
    assert r.expand("局相关科室") == ["法规科"]


def test_roster_without_a_department_column_is_a_clear_error(tmp_path):
    p = tmp_path / "departments.csv"
    p.write_text("name\n法规科\n", encoding="utf-8")
    with pytest.raises(ValueError, match="department"):
        load_roster(p)


def test_a_roster_of_names_only_is_a_roster(tmp_path):
    p = tmp_path / "departments.csv"
    p.write_text("department\n县发改委\n", encoding="utf-8")
    assert load_roster(p).resolve("县发改委") == "县发改委"


def test_collectives_scored_and_members_are_data(tmp_path):
    # A county bureau: its own collective name with its members listed on the collective's row,
    # and a leadership office named in plans but not scored.
    p = tmp_path / "departments.csv"
    p.write_text("department,aliases,kind,collectives,members,scored\n"
                 "县发改委,发改委;县发展改革委,office,,,\n"
                 "人行县支行,人民银行县支行,office,,,\n"
                 "县政府办,,office,,,no\n"
                 "县信用建设联席会议成员单位,联席会议成员单位;各成员单位,collective,,县发改委;人民银行县支行,\n",
                 encoding="utf-8")
    r = load_roster(p)
    assert r.departments == ["县发改委", "人行县支行", "县政府办"]
    assert r.resolve("各成员单位") == "县信用建设联席会议成员单位"
    assert r.expand("县信用建设联席会议成员单位") == ["县发改委", "人行县支行"]
    assert not r.is_scored("县政府办") and r.is_scored("县发改委")
    # nothing of another bureau leaks in: Anyang's collective names are unknown here
    assert r.resolve("局相关科室") is None
