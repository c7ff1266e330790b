"""Column -> dtype of every processed table: docs/data-contract.md as plain data.

Kept apart from tables.py (which reads and writes the tables with pandas) so that a
reader that only needs the column names, such as `ledger validate`, does not import pandas.

>>> list(DTYPES["problems"])[:3]
['file', 'sheet', 'cell']
"""
from __future__ import annotations

# Every processed table, its columns in order.
# The reader, the intake and the pandera schemas (schemas.py) all take their columns from here.
_S, _D, _I, _N = "str", "datetime64[us]", "Int64", "int64"
_KEY = {"city": _S, "department": _S, "month": _S}
_SOURCE = {"file": _S, "row": _N}
DTYPES: dict[str, dict[str, str]] = {
    "ledger": {"task_id": _S, "plan_year": _N, "indicator_no": _N, "indicator": _S, "sub_indicator": _S,
               "task": _S, "deadline_text": _S, "deadline_kind": _S, "due_date": _D, "recurrence": _S,
               "min_per_period": _S, "lead": _S, "responsible": _S, "cooperating": _S,
               "departments_text": _S, "flags": _S, "source": _S, "points": "Float64", "leaders": _S,
               "plan_end_year": _N},
    # plan_year is part of every task key: task ids are unique within one year's ledger only.
    "assignments": {"plan_year": _N, "task_id": _S, "department": _S, "role": _S, "via": _S, "kind": _S},
    "progress": {**_KEY, "plan_year": _I, "task_id": _S, "status": _S, "completion_date": _D, "progress_note": _S,
                 "evidence": _S, "issues": _S, **_SOURCE},
    "activities": {**_KEY, "date": _D, "activity_type": _S, "count": _I, "note": _S, **_SOURCE},
    "publicity": {**_KEY, "decision_no": _S, "category": _S, "decision_date": _D, "publish_date": _D,
                  "deadline": _D, "deadline_basis": _S, **_SOURCE},
    "collection": {**_KEY, "field": _S, "total_entities": _I, "collected_entities": _I, **_SOURCE},
    "shared_records": {**_KEY, "record_id": _S, "n_indicators": _N, "n_filled": _N,
                       "filled_ratio": "float64", **_SOURCE},
    "joint_cases": {**_KEY, "subject": _S, "measure": _S, "executing_dept": _S, "executed_on": _D,
                    "matter": _S, **_SOURCE},
    "submissions_log": {**_KEY, "file": _S, "received_at": _D, "received_source": _S, "checksum": _S,
                        "superseded": "bool", "n_errors": _N, "n_warnings": _N,
                        "filled_by": _S},
    "deadline_changes": {**_KEY, "decision_no": _S, "decision_date": _D, "old_deadline": _D,
                         "old_basis": _S, "new_deadline": _D, "new_basis": _S},
    "problems": {"file": _S, "sheet": _S, "cell": _S, "field": _S, "value": _S, "problem": _S,
                 "expected": _S, "severity": _S, **_KEY},
}
