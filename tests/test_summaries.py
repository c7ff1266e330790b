"""ledgerlib.summaries: report tables built from the metrics."""
from __future__ import annotations

import pandas as pd

from ledgerlib import summaries


def test_obligation_pivot_needs_every_task_met():
    m = pd.DataFrame({"city": "c", "department": ["甲", "甲", "乙"], "task_id": ["T01", "T02", "T01"],
                      "activity_type": ["study_session", "study_session", "case_published"],
                      "n_periods": 1, "n_met": [1, 0, 1], "met": [True, False, True]})
    p = summaries.obligation_pivot(m)
    assert list(p.columns) == ["study_session", "case_published"]  # labels.ACTIVITY_LABELS order
    assert p.loc["甲", "study_session"] == False  # noqa: E712 - one of its two tasks missed
    assert pd.isna(p.loc["甲", "case_published"]) and p.loc["乙", "case_published"] == True  # noqa: E712


def test_kpi_table_puts_the_total_last():
    k = pd.DataFrame({"city": "c", "department": ["all", "乙", "甲"], "kpi": "collection_coverage",
                      "numerator": [9, 4, 5], "denominator": [10, 5, 5], "rate": [0.9, 0.8, 1.0],
                      "threshold": 0.8, "passed": [True, True, True]})
    t = summaries.kpi_table(k)
    assert t["department"].tolist() == ["乙", "甲", "all"]
    assert t["collection_coverage"].tolist() == [0.8, 1.0, 0.9]
