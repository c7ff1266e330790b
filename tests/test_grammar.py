"""The words plans are written in (ledgerlib.grammar): deadlines, departments, plan year."""
from __future__ import annotations

import pandas as pd
import pytest

from ledgerlib.grammar import (
    chinese_numeral, cn_number, first_unit_leads, numbered, parse_deadline, parse_departments,
    parse_recurrence, plan_years, split_points,
)
from ledgerlib.roster import load_roster


@pytest.mark.parametrize("text,due", [
    ("2022年6月15日前", "2022-06-15"),
    ("2022年6月14日", "2022-06-14"),
    ("6月底前", "2022-06-30"),
    ("2月底前", "2022-02-28"),
    ("年底前", "2022-12-31"),
    ("上半年", "2022-06-30"),
    ("下半年完成", "2022-12-31"),
    ("三季度", "2022-09-30"),
    ("第一季度末", "2022-03-31"),
    ("2022年12月31日前", "2022-12-31"),
    ("2022年9月", "2022-09-30"),
    ("2022.6.30", "2022-06-30"),
    ("6月中旬", "2022-06-20"),
    ("2023年底前", "2023-12-31"),
])
def test_dated_deadlines_mean_the_day_they_name(text, due):
    d = parse_deadline(text, 2022)
    assert (d.kind, str(d.due.date())) == ("date", due)


@pytest.mark.parametrize("text,kind", [
    ("长期坚持", "ongoing"), ("持续推进", "ongoing"), ("常态化开展", "ongoing"),
    ("每季度", "recurring"), ("每月", "recurring"), ("按季度报送", "recurring"),
    ("根据省厅部署", "event"), ("适时调整", "event"), ("根据省、市工作部署实施", "event"),
])
def test_undated_deadlines(text, kind):
    d = parse_deadline(text, 2022)
    assert (d.kind, d.due) == (kind, None)


def test_no_deadline_is_unspecified_and_flagged_not_ongoing():
    d = parse_deadline("", 2022)
    assert (d.kind, d.due, d.flags) == ("unspecified", None, ["deadline_missing"])
    d = parse_deadline("视工作需要", 2022)
    assert d.kind == "unspecified" and "deadline_unrecognised" in d.flags


def test_deadline_outside_the_plan_year_is_kept_and_flagged():
    assert parse_deadline("2021年4月", 2022).flags == ["deadline_before_plan_year"]
    assert parse_deadline("2023年3月", 2022).flags == ["deadline_after_plan_year"]
    assert parse_deadline("2022年1月", 2022).flags == []
    # a multi-year plan: both ends are inside
    assert parse_deadline("2020年12月", 2015, 2020).flags == []
    assert "deadline_year_assumed" in parse_deadline("6月底前", 2015, 2020).flags


def test_several_dates_give_the_last_and_keep_the_others():
    d = parse_deadline("2022年6月底前完成方案，年底前全面完成", 2022)
    assert str(d.due.date()) == "2022-12-31"
    assert [str(c.date()) for c in d.candidates] == ["2022-06-30", "2022-12-31"]


def test_a_start_year_is_not_a_deadline():
    assert parse_deadline("2022年起持续推进", 2022).kind == "ongoing"


def test_recurrence():
    assert parse_recurrence("每季度在网站公示2个以上联合奖惩案例") == ("quarterly", "2")
    assert parse_recurrence("每月报送") == ("monthly", "1")
    assert parse_recurrence("每半年开展一次") == ("half_yearly", "1")
    assert parse_recurrence("组织开展评价") == ("none", "")


def test_numerals_and_headings():
    assert [cn_number(x) for x in ("三", "十", "十二", "二十一", "12")] == [3, 10, 12, 21, 12]
    assert [chinese_numeral(n) for n in (3, 10, 12, 21)] == ["三", "十", "十二", "二十一"]
    assert numbered("（一）加强组织领导") == ("cn_paren", 1, "加强组织领导")
    assert numbered("第二部分 重点任务") == ("part", 2, "重点任务")
    assert numbered("3、建立制度")[:2] == ("num", 3)
    assert numbered("（12）开展培训")[:2] == ("num_paren", 12)
    assert numbered("2022.6.30前完成") is None
    assert split_points("工作组织推进力度（20分）") == ("工作组织推进力度", 20.0)


# --------------------------------------------------------------------------- departments

@pytest.fixture(scope="module")
def county(tmp_path_factory):
    p = tmp_path_factory.mktemp("roster") / "departments.csv"
    p.write_text("department,aliases,kind,collectives\n县发改委,发改委,office,县直有关单位\n"
                 "人行XX分行,人民银行XX分行,office,县直有关单位\n县市场监管局,,office,县直有关单位\n"
                 "县住房和城乡建设局,县住建局,office,\n县直有关单位,县直各有关单位,collective,\n", encoding="utf-8")
    return load_roster(p)


def test_parenthesis_forms(county):
    d = parse_departments("县发改委、人行XX分行牵头负责", county)
    assert (d.lead, d.responsible, d.cooperating) == (["县发改委", "人行XX分行"], [], [])
    d = parse_departments("人行XX分行负责", county)
    assert (d.lead, d.responsible) == ([], ["人行XX分行"])
    d = parse_departments("县发改委牵头，县市场监管局配合", county)
    assert (d.lead, d.cooperating) == (["县发改委"], ["县市场监管局"])
    d = parse_departments("县发改委、县市场监管局分别牵头", county)
    assert d.lead == ["县发改委", "县市场监管局"]


def test_labelled_lines_fill_their_roles(county):
    d = parse_departments("牵头单位：县发改委；责任单位：县市场监管局；协同配合部门：县直各有关单位", county)
    assert (d.lead, d.responsible, d.cooperating) == (["县发改委"], ["县市场监管局"], ["县直有关单位"])
    d = parse_departments("牵头责任部门：县发改委，人行XX分行", county)
    assert d.lead == ["县发改委", "人行XX分行"]


def test_people_are_never_departments(county):
    d = parse_departments("牵头单位：县发改委；分管领导：王强、李华", county)
    assert d.lead == ["县发改委"] and d.leaders == ["王强", "李华"] and not d.unknown


def test_first_unit_leads_only_when_the_plan_says_so(county):
    assert first_unit_leads("各项任务中，责任单位列第一位的为牵头单位。")
    assert first_unit_leads("首位单位为牵头单位")
    assert not first_unit_leads("各单位按职责分工负责")
    d = parse_departments("责任单位：县市场监管局、县发改委", county, first_leads=True)
    assert (d.lead, d.responsible) == (["县市场监管局"], ["县发改委"])
    d = parse_departments("责任单位：县市场监管局、县发改委", county)
    assert (d.lead, d.responsible) == ([], ["县市场监管局", "县发改委"])


def test_unknown_names_are_kept_as_written_never_matched_to_a_similar_name(county):
    d = parse_departments("县交通运输局牵头，发展改革委配合", county)
    assert d.lead == ["县交通运输局"] and d.cooperating == ["发展改革委"]
    assert d.unknown == ["县交通运输局", "发展改革委"]


def test_names_with_and_or_brackets_stay_whole(county):
    d = parse_departments("县住房和城乡建设局、各县（市、区）政府负责", county)
    assert d.responsible == ["县住房和城乡建设局", "各县（市、区）政府"]


# --------------------------------------------------------------------------- plan year

def test_plan_year_from_title_dates_or_option():
    assert plan_years(["关于印发XX县2022年社会信用体系建设工作要点的通知"], []).start == 2022
    got = plan_years(["XX县社会信用体系建设2015—2020年规划任务分解"], [])
    assert (got.start, got.end) == (2015, 2020)
    got = plan_years(["信用体系建设工作要点"], ["2022年6月", "2022年9月", "持续推进"])
    assert (got.start, got.source) == (2022, "deadlines") and got.warnings
    assert plan_years(["信用体系建设工作要点"], ["持续推进"], year=2023).start == 2023
    with pytest.raises(ValueError, match="--year"):
        plan_years(["信用体系建设工作要点"], ["持续推进"])


def test_a_document_number_is_not_the_plan_year():
    got = plan_years(["根据《工作方案》（安政办〔2020〕33号）", "关于2021年工作要点和台帐的通知"], [])
    assert got.start == 2021


def test_title_year_disagreeing_with_deadlines_warns_never_refuses():
    got = plan_years(["2022年工作要点"], ["2023年3月", "2023年6月", "2023年9月"])
    assert got.start == 2022 and any("2023" in w for w in got.warnings)
    got = plan_years(["2022年工作要点"], ["2022年3月"], year=2023)
    assert got.start == 2023 and got.warnings


def test_due_dates_are_timestamps():
    assert isinstance(parse_deadline("6月底前", 2022).due, pd.Timestamp)


def test_a_lead_marked_inside_a_list(county):
    d = parse_departments("县发改委（牵头）、县市场监管局", county)
    assert (d.lead, d.responsible) == (["县发改委"], ["县市场监管局"])
    d = parse_departments("责任单位：人行XX分行、县发改委(牵头单位)", county)
    assert (d.lead, d.responsible) == (["县发改委"], ["人行XX分行"])


def test_a_title_year_in_chinese_numerals():
    assert plan_years(["XX县二〇二二年社会信用体系建设工作要点"], []).start == 2022


@pytest.mark.parametrize("text,due", [("六月底前", "2022-06-30"), ("十二月十五日前", "2022-12-15"),
                                      ("二〇二二年十月", "2022-10-31"), ("十月底前", "2022-10-31")])
def test_months_in_chinese_numerals(text, due):
    assert str(parse_deadline(text, 2022).due.date()) == due


def test_every_month_is_not_a_month():
    assert parse_deadline("每月报送", 2022).kind == "recurring"
    assert parse_deadline("两个月内完成", 2022).kind == "unspecified"


def test_page_numbers_are_recognised():
    from ledgerlib.grammar import is_page_number

    assert all(is_page_number(x) for x in ["— 3 —", "-12-", "第3页 共8页", " －2－ "])
    assert not any(is_page_number(x) for x in ["3", "1.建立制度", "2022年"])


@pytest.mark.parametrize("task, kind", [
    ("根据省市部署适时开展诚信宣传周活动。", "event"),
    ("视情组织开展信用修复培训。", "event"),
    ("根据上级统一安排推进信用评价。", "event"),
    ("贯彻落实省、市工作部署，制定年度工作要点。", None),  # 部署 alone is not a timing
    ("按要求报送信用信息。", None),
])
def test_an_event_timing_in_the_task_words_only_when_it_says_when(task, kind):
    from ledgerlib.grammar import deadline_from_task

    got = deadline_from_task(task)
    assert (got.kind if got else None) == kind
