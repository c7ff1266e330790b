"""Small hand-made plans for tests whose expected figures are worked out by hand."""
from __future__ import annotations

import pandas as pd


def one_dated_task(due: str, deadline_text: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ledger, assignments): task T1 due on `due`, led by 法规科 with 运管科 responsible."""
    ledger = pd.DataFrame({"task_id": ["T1"], "indicator_no": [1], "indicator": ["甲"], "task": ["制定文件。"],
                           "deadline_text": [deadline_text], "deadline_kind": ["date"],
                           "due_date": pd.to_datetime([due]), "recurrence": ["none"], "min_per_period": [""]})
    assignments = pd.DataFrame({"task_id": ["T1", "T1"], "department": ["法规科", "运管科"],
                                "role": ["lead", "responsible"], "via": ["", ""], "kind": ["section"] * 2})
    return ledger, assignments
