"""The bureau's rule files: lights.toml, scoring.toml, not_applicable_approvals.csv."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ledgerlib import config, rules
from ledgerlib.roster import load_roster

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


def test_shipped_rule_files_read_without_problems() -> None:
    r = rules.load_rules(RAW)
    assert r.problems.empty
    assert r.lights.light == config.LIGHT_RULES and r.lights.due_soon_days == 30
    assert r.scoring.weights["tasks"] == 50
    assert len(r.approvals) >= 1 and set(r.approvals.columns) == set(rules.APPROVAL_COLUMNS)


def test_missing_files_give_the_defaults(tmp_path: Path) -> None:
    lights, p = rules.read_lights(tmp_path / "lights.toml")
    assert lights.light == config.LIGHT_RULES and p.empty
    appr, p = rules.read_approvals(tmp_path / "none.csv")
    assert appr.empty and p.empty


def test_bad_entries_are_problems_and_defaults_stand(tmp_path: Path) -> None:
    f = tmp_path / "lights.toml"
    f.write_text('[lights]\noverdue = "purple"\nno_return = "amber"\nbogus = "red"\n'
                 '[windows]\ndue_soon_days = -3\ndue_next_days = 45\n', encoding="utf-8")
    lights, p = rules.read_lights(f)
    assert lights.light["overdue"] == "red" and lights.light["no_return"] == "amber"
    assert lights.due_soon_days == 30 and lights.due_next_days == 45
    assert sorted(p["field"]) == ["bogus", "due_soon_days", "overdue"]
    f.write_text("[lights\n", encoding="utf-8")  # not TOML at all
    lights, p = rules.read_lights(f)
    assert lights.light == config.LIGHT_RULES and len(p) == 1
    s = tmp_path / "scoring.toml"
    s.write_text('[weights]\ntasks = "lots"\nreturns = 40\n[status_credit]\noverdue = 2\n', encoding="utf-8")
    scoring, p = rules.read_scoring(s)
    assert scoring.weights["tasks"] == 50 and scoring.weights["returns"] == 40
    assert scoring.status_credit["overdue"] == 0.0 and len(p) == 2


def test_approvals_resolve_aliases_and_reject_unknowns(tmp_path: Path) -> None:
    f = tmp_path / "not_applicable_approvals.csv"
    f.write_text("city,task_id,department,approved_on,approved_by,reason\n"
                 ",t31,局办公室,2021年6月3日,法规科,并入统一开展\n"
                 ",T99,办公室,2021-06-03,法规科,\n"
                 ",T31,不存在的科,2021-06-03,法规科,\n"
                 ",T31,办公室,下周,法规科,\n"
                 '安阳市,T32,办公室,,法规科,"=HYPERLINK(""x"")"\n', encoding="utf-8-sig")
    appr, p = rules.read_approvals(f, load_roster(RAW / "departments.csv"), {"T31", "T32"})
    assert appr[["city", "task_id", "department"]].values.tolist() == [["", "T31", "办公室"],
                                                                       ["安阳市", "T32", "办公室"]]
    assert appr["approved_on"].iloc[0] == pd.Timestamp("2021-06-03") and pd.isna(appr["approved_on"].iloc[1])
    assert p["cell"].tolist() == ["B3", "C4", "D5"]  # the cell at fault, as Excel names it


def test_approvals_saved_by_excel_in_gbk(tmp_path: Path) -> None:
    f = tmp_path / "not_applicable_approvals.csv"
    f.write_bytes("city,task_id,department,approved_on,approved_by,reason\n,T31,办公室,2021-06-03,法规科,统一开展\n"
                  .encode("gbk"))
    appr, p = rules.read_approvals(f, load_roster(RAW / "departments.csv"), {"T31"})
    assert p.empty and appr[["task_id", "department", "reason"]].values.tolist() == [["T31", "办公室", "统一开展"]]
