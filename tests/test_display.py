"""ledgerlib.display: report tables, key figures and parameter paths as a notebook shows them."""
from __future__ import annotations

import pandas as pd

from ledgerlib import config, display, labels


def test_report_table_shows_labels_percent_and_pass_fail():
    df = pd.DataFrame({"department": ["甲", "乙"], "rate": [0.8, 0.5], "ok": [True, False]})
    t = display.ReportTable(df, {"department": labels.COLUMN_LABELS["department"]}, percent=("rate",),
                            pass_fail=("ok",), pass_text=(labels.PASS_LABELS[True], labels.PASS_LABELS[False]))
    markup = t._repr_html_()
    assert f"<th>{labels.COLUMN_LABELS['department']}</th>" in markup
    assert f'<td class="pass">{labels.PASS_LABELS[True]}</td>' in markup
    assert f'<td class="fail">{labels.PASS_LABELS[False]}</td>' in markup
    assert "80.0%" in repr(t) and "50.0%" in repr(t)
    assert display.ReportTable(df.iloc[0:0], empty="none")._repr_html_().count("none") == 1


def test_key_figures_labels_and_formats():
    row = pd.Series({"n_assignments": 12, "done_rate": 0.25, "collection_passed": False, "publicity_rate": float("nan")})
    kf = display.key_figures(row, list(row.index), percent=("done_rate", "publicity_rate"),
                             pass_fail=("collection_passed",))
    assert kf["item"].tolist() == [labels.COLUMN_LABELS[c] for c in row.index]
    assert kf["value"].tolist() == ["12", "25.0%", labels.PASS_LABELS[False], "—"]


def test_parameter_paths_are_read_from_the_checkout(tmp_path):
    assert display.project_path(None) is None
    assert display.project_path("data/processed") == config.project_root() / "data" / "processed"
    assert display.project_path(str(tmp_path)) == tmp_path


def test_percent_is_never_rounded_across_a_line() -> None:
    from ledgerlib.display import ReportTable, percent_text

    # 79.97% against a pass mark of 80% (inclusive): never "80.0%".
    assert percent_text(0.7997) == "79.9%"
    assert percent_text(0.80) == "80.0%" and percent_text(4 / 5) == "80.0%"
    assert percent_text(3 / 5) == "60.0%" and percent_text(0.5999) == "59.9%"
    assert percent_text(0.99999) == "99.9%" and percent_text(1.0) == "100.0%"
    assert percent_text(float("nan")) == ""
    t = ReportTable(pd.DataFrame({"rate": [0.7997, 0.8]}), percent=("rate",))
    assert t.shown["rate"].tolist() == ["79.9%", "80.0%"]


def test_show_calendar_basis_shows_the_note_and_the_moves_or_nothing(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(repr(obj)))
    moved = pd.DataFrame({"department": ["运管科"], "decision_no": ["P9"],
                          "decision_date": pd.to_datetime(["2027-09-28"]),
                          "old_deadline": pd.to_datetime(["2027-10-08"]), "old_basis": ["provisional"],
                          "new_deadline": pd.to_datetime(["2027-10-13"]), "new_basis": ["official"]})
    display.show_calendar_basis("注：临时", moved)
    assert shown[0] == "注：临时" and len(shown) == 4  # note, heading, sentence, table
    assert "2027-10-08" in shown[3] and "临时" in shown[3] and "正式" in shown[3]
    shown.clear()
    display.show_calendar_basis("", moved.iloc[0:0])
    assert shown == []
