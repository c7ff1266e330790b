"""三色预警, 临近提醒 and the changes that matter: hand-worked cases on both sides of each line."""
from __future__ import annotations

import pandas as pd

from ledgerlib import lights as L
from ledgerlib.rules import LightRules

X = "安阳市"
A, B = "法规科", "运管科"


def status_frame(rows: list[tuple]) -> pd.DataFrame:
    """(department, task_id, kind, due_date, status, on_track, claimed) as of 2021-06."""
    df = pd.DataFrame(rows, columns=["department", "task_id", "deadline_kind", "due_date", "status",
                                     "on_track", "claimed_not_applicable"])
    df.insert(0, "city", X)
    df.insert(1, "month", "2021-06")
    df["indicator"] = "甲"
    df["flags"] = ""
    df["due_date"] = pd.to_datetime(df["due_date"])
    df["on_track"] = df["on_track"].astype("boolean")
    return df


def compliance(missing: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"city": X, "department": [A, B], "month": "2021-06",
                         "status": ["missing" if d in missing else "on_time" for d in (A, B)]})


def kpis(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["department", "kpi", "rate", "threshold", "passed", "carried_forward"])
    df.insert(0, "city", X)
    df["passed"] = df["passed"].astype("boolean")
    return df


def light_of(lit: pd.DataFrame, dept: str, task: str = "", kpi: str = "") -> str:
    row = lit[(lit["department"] == dept) & (lit["task_id"].fillna("") == task) & (lit["kpi"].fillna("") == kpi)]
    assert len(row) == 1, row
    return row["light"].iloc[0]


def test_lights_on_both_sides_of_each_line() -> None:
    s = status_frame([
        (A, "T1", "date", "2021-05-31", "overdue", pd.NA, False),       # red
        (A, "T2", "date", "2021-07-30", "in_progress", pd.NA, False),   # 30 days after 06-30: amber
        (A, "T3", "date", "2021-07-31", "in_progress", pd.NA, False),   # 31 days: green
        (A, "T4", "date", "2021-06-30", "due_this_month", pd.NA, False),  # due today: amber, not red
        (A, "T5", "ongoing", None, "on_track", True, False),            # green
        (A, "T6", "ongoing", None, "in_progress", False, False),        # reported, no note: amber
        (A, "T7", "event", None, "na_claimed", pd.NA, True),            # claim: not lit by default
        (B, "T1", "date", "2021-05-31", "done_late", pd.NA, False),     # done: green even without a return
        (B, "T5", "ongoing", None, "not_reported", False, False),       # no return: red (and amber)
    ])
    k = kpis([(A, "collection_coverage", 0.7997, 0.8, False, False),  # 79.97% < 80%: red
              (B, "collection_coverage", 0.80, 0.8, True, False),     # exactly 80%: passes, no item
              (B, "publicity_timeliness", 0.5, 1.0, False, True)])    # carried forward: not judged
    lit = L.assignment_lights(s, compliance([B]), k, LightRules())
    assert light_of(lit, A, "T1") == "red" and "逾期未完成（逾期30天）" in lit.loc[0, "reason"]
    assert light_of(lit, A, "T2") == "amber" and light_of(lit, A, "T3") == "green"
    assert light_of(lit, A, "T4") == "amber"
    assert light_of(lit, A, "T5") == "green" and light_of(lit, A, "T6") == "amber"
    assert light_of(lit, A, "T7") == "green"
    assert light_of(lit, B, "T1") == "green"
    row = lit[(lit["department"] == B) & (lit["task_id"] == "T5")].iloc[0]
    assert row["light"] == "red" and row["reasons"] == "no_return;no_progress"
    assert light_of(lit, A, kpi="collection_coverage") == "red"
    assert "79.9%" in lit[lit["kpi"] == "collection_coverage"]["reason"].iloc[0]
    assert len(lit[lit["kpi"].fillna("") != ""]) == 1
    # red: A/T1, B/T5, A's KPI; amber: A/T2, A/T4, A/T6; green: A/T3, A/T5, A/T7, B/T1.
    assert L.light_counts(lit) == {"red": 3, "amber": 3, "green": 4}
    dept = L.department_lights(lit).set_index("department")
    assert dept.loc[A, "light"] == "red" and (dept.loc[A, "n_red"], dept.loc[A, "n_amber"]) == (2, 3)
    assert dept.loc[B, "light"] == "red" and dept.loc[B, "n_green"] == 1


def test_light_rules_come_from_the_file_values() -> None:
    s = status_frame([(A, "T7", "event", None, "na_claimed", pd.NA, True),
                      (A, "T1", "date", "2021-05-31", "overdue", pd.NA, False)])
    rules = LightRules()
    rules.light.update({"na_claimed": "amber", "overdue": "amber"})
    lit = L.assignment_lights(s, None, None, rules)
    assert light_of(lit, A, "T7") == "amber" and light_of(lit, A, "T1") == "amber"
    rules.due_soon_days = 31
    s = status_frame([(A, "T3", "date", "2021-07-31", "in_progress", pd.NA, False)])
    assert light_of(L.assignment_lights(s, None, None, rules), A, "T3") == "amber"


def test_due_next_month_or_within_days() -> None:
    s = status_frame([
        (A, "T1", "date", "2021-06-30", "due_this_month", pd.NA, False),  # this month: not "next"
        (A, "T2", "date", "2021-07-31", "in_progress", pd.NA, False),     # end of next month: in
        (A, "T3", "date", "2021-08-01", "in_progress", pd.NA, False),     # a day later: out (30 days)
        (A, "T4", "date", "2021-07-15", "done_on_time", pd.NA, False),    # done: out
        (A, "T5", "ongoing", None, "on_track", True, False),
    ])
    assert L.due_next(s, 30)["task_id"].tolist() == ["T2"]
    # 45 days from 06-30 reach 08-14.
    got = L.due_next(s, 45)
    assert got["task_id"].tolist() == ["T2", "T3"] and got["days_left"].tolist() == [31, 32]


def test_changes_that_matter_fold_the_flips() -> None:
    before = status_frame([(A, "T1", "date", "2021-06-30", "due_this_month", pd.NA, False),
                           (A, "T7", "event", None, "na_claimed", pd.NA, True),
                           (B, "T5", "ongoing", None, "on_track", True, False),
                           (A, "T2", "date", "2021-09-30", "in_progress", pd.NA, False)])
    after = before.copy()
    after["month"] = "2021-07"
    after["status"] = ["overdue", "in_progress", "not_reported", "done_on_time"]
    after["on_track"] = pd.array([pd.NA, pd.NA, False, pd.NA], dtype="boolean")
    after["claimed_not_applicable"] = False
    lb = L.assignment_lights(before, None, None)
    la = L.assignment_lights(after, None, None)
    kept, folded = L.changes_that_matter(before, after, lb, la)
    # T1 newly overdue; B/T5 green -> amber; A/T2 newly done; A/T7 不适用 -> 推进中 is folded.
    assert kept[["department", "task_id", "change"]].values.tolist() == [
        [A, "T1", "newly_overdue"], [B, "T5", "light_changed"], [A, "T2", "newly_done"]]
    assert folded == 1
    g = L.group_changes(kept)
    assert g["n_tasks"].tolist() == [1, 1, 1]


def test_a_return_on_the_6th_is_late_not_missing_no_red_light_for_it() -> None:
    from ledgerlib import metrics as M
    from ledgerlib.rules import ScoringRules
    from ledgerlib.scores import return_share

    log = pd.DataFrame({"city": X, "department": [A, B], "month": "2021-06", "file": ["a.xlsx", "b.xlsx"],
                        # the due day is 07-05: any time on the 5th is on time, the 6th is late
                        "received_at": pd.to_datetime(["2021-07-05 23:59", "2021-07-06 00:01"]),
                        "superseded": False})
    asg = pd.DataFrame({"task_id": ["T5", "T5"], "department": [A, B]})
    comp = M.submission_compliance(asg, log, ["2021-06"], cities=[X])
    assert comp.set_index("department")["status"].to_dict() == {A: "on_time", B: "late"}
    s = status_frame([(A, "T5", "ongoing", None, "on_track", True, False),
                      (B, "T5", "ongoing", None, "on_track", True, False)])
    lit = L.assignment_lights(s, comp, None)
    assert light_of(lit, A, "T5") == "green" and light_of(lit, B, "T5") == "green"
    # Without B's file the month is missing: red.
    comp = M.submission_compliance(asg, log.iloc[:1], ["2021-06"], cities=[X])
    s.loc[s["department"] == B, ["status", "on_track"]] = ["not_reported", False]
    assert light_of(L.assignment_lights(s, comp, None), B, "T5") == "red"
    # Scores: on time 1, late 0.5.
    late = M.submission_compliance(asg, log, ["2021-06"], cities=[X])
    assert return_share(late, ScoringRules()).set_index("department")["returns"].to_dict() == {A: 1.0, B: 0.5}
