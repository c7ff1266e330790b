"""The data contract as code: a pandera schema for every table in data/processed.

docs/data-contract.md describes these tables for people; `validate_table` holds the
build to the same description, so a column that changes name, type or allowed values
stops `ledger build` instead of surfacing later as a wrong figure in a report. Columns
and dtypes come from `tables.DTYPES`; this module adds what each column may hold.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

import pandas as pd
import pandera.pandas as pa


class _Hidden:
    """A meta path finder that says a package is not installed (`_hidden`)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, fullname: str, path=None, target=None):  # noqa: ANN001 - importlib's protocol
        if fullname == self.name or fullname.startswith(self.name + "."):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


@contextmanager
def _hidden(name: str) -> Iterator[None]:
    """Imports of package `name` fail inside this block (unless it is already imported)."""
    finder = _Hidden(name)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


# pandera's checks import hypothesis when it is installed (the tests use it), to synthesise
# data, which the contract never does: 0.13 s in every process that checks a table. Its
# strategies are loaded here without it; hypothesis itself stays importable afterwards.
if "hypothesis" not in sys.modules:
    with _hidden("hypothesis"):
        import pandera.strategies.pandas_strategies  # noqa: F401

from .labels import ACTIVITY_LABELS, DEADLINE_KIND_LABELS, PUBLICITY_CATEGORY_LABELS, STATUS_LABELS
from .tables import DTYPES
from .workdays import BASES

_MONTH = pa.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$")
_PERIOD = "(monthly|quarterly|half_yearly|yearly)"
_RECURRENCE = rf"^(none|{_PERIOD}(;{_PERIOD})*)$"


def _text(*checks: pa.Check, nullable: bool = False, unique: bool = False) -> pa.Column:
    return pa.Column(None, list(checks), nullable=nullable, unique=unique)


def _year() -> pa.Column:
    return pa.Column(None, pa.Check.in_range(2000, 2100))


def _nullable() -> pa.Column:
    """A column that may be empty (a date nobody typed, or typed unreadably)."""
    return pa.Column(None, nullable=True)


def _count(nullable: bool = False) -> pa.Column:
    # Counts typed by a person may be unreadable: those stay empty (Int64), never dropped.
    return pa.Column(None, pa.Check.ge(0), nullable=nullable)


_SOURCE = {"file": _text(), "row": pa.Column(None, pa.Check.ge(1))}
_KEY = {"city": _text(pa.Check.str_length(min_value=1)), "department": _text(), "month": _text(_MONTH)}

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "ledger": pa.DataFrameSchema({
        "task_id": _text(pa.Check.str_matches(r"^T\d+[a-z]?$")),
        "plan_year": _year(),
        "indicator_no": pa.Column(None, pa.Check.in_range(1, 99)),
        "indicator": _text(pa.Check.str_length(min_value=1)),
        "sub_indicator": _text(),
        "task": _text(pa.Check.str_length(min_value=1)),
        "deadline_text": _text(),
        "deadline_kind": _text(pa.Check.isin(list(DEADLINE_KIND_LABELS))),
        "due_date": _nullable(),
        "recurrence": _text(pa.Check.str_matches(_RECURRENCE)),
        "min_per_period": _text(pa.Check.str_matches(r"^(\d+(;\d+)*)?$")),
        "lead": _text(), "responsible": _text(), "cooperating": _text(),
        "departments_text": _text(), "flags": _text(), "source": _text(),
        "points": pa.Column(None, pa.Check.ge(0), nullable=True),
        "leaders": _text(),
        "plan_end_year": _year(),
    }, checks=[pa.Check(lambda df: (df["deadline_kind"] == "date") == df["due_date"].notna(),
                        error="due_date is set exactly for dated tasks"),
               pa.Check(lambda df: df["plan_end_year"] >= df["plan_year"], error="plan_end_year >= plan_year")],
       unique=["plan_year", "task_id"]),
    "assignments": pa.DataFrameSchema({
        "plan_year": _year(), "task_id": _text(), "department": _text(),
        "role": _text(pa.Check.isin(["lead", "responsible"])),
        "via": _text(), "kind": _text(pa.Check.ne("collective")),  # the roster's own kinds
    }, unique=["plan_year", "task_id", "department"]),
    "progress": pa.DataFrameSchema({
        **_KEY, "plan_year": _year(), "task_id": _text(),
        "status": _text(pa.Check.isin([*STATUS_LABELS, ""])),
        "completion_date": _nullable(),
        "progress_note": _text(), "evidence": _text(), "issues": _text(), **_SOURCE,
    }),
    "activities": pa.DataFrameSchema({
        **_KEY, "date": _nullable(),
        "activity_type": _text(pa.Check.isin([*ACTIVITY_LABELS, ""])),
        "count": _count(nullable=True), "note": _text(), **_SOURCE,
    }),
    "publicity": pa.DataFrameSchema({
        **_KEY, "decision_no": _text(),
        "category": _text(pa.Check.isin([*PUBLICITY_CATEGORY_LABELS, ""])),
        "decision_date": _nullable(), "publish_date": _nullable(),
        "deadline": _nullable(), "deadline_basis": _text(pa.Check.isin([*BASES, ""])),
        **_SOURCE,
    }, checks=pa.Check(lambda df: df["deadline"].notna() == df["deadline_basis"].ne(""),
                       error="deadline_basis is set exactly where there is a deadline")),
    "collection": pa.DataFrameSchema({
        **_KEY, "field": _text(), "total_entities": _count(nullable=True), "collected_entities": _count(nullable=True), **_SOURCE,
    }),
    "shared_records": pa.DataFrameSchema({
        **_KEY, "record_id": _text(), "n_indicators": _count(), "n_filled": _count(),
        "filled_ratio": pa.Column(None, pa.Check.in_range(0, 1), nullable=True), **_SOURCE,
    }, checks=pa.Check(lambda df: df["n_filled"] <= df["n_indicators"], error="n_filled <= n_indicators")),
    "joint_cases": pa.DataFrameSchema({
        **_KEY, "subject": _text(), "measure": _text(), "executing_dept": _text(),
        "executed_on": _nullable(), "matter": _text(), **_SOURCE,
    }),
    "submissions_log": pa.DataFrameSchema({
        **_KEY, "file": _text(unique=True), "received_at": _nullable(),
        "received_source": _text(pa.Check.isin(["manifest", "cover", "none"])),
        "checksum": _text(pa.Check.str_matches(r"^[0-9a-f]{64}$")),
        "superseded": pa.Column(None), "n_errors": _count(), "n_warnings": _count(),
        "filled_by": _text(),
    }),
    "deadline_changes": pa.DataFrameSchema({
        **_KEY, "decision_no": _text(), "decision_date": _nullable(),
        "old_deadline": _nullable(), "old_basis": _text(pa.Check.isin([*BASES, ""])),
        "new_deadline": _nullable(), "new_basis": _text(pa.Check.isin([*BASES, ""])),
    }),
    "problems": pa.DataFrameSchema({
        "file": _text(), "sheet": _text(), "cell": _text(pa.Check.str_matches(r"^([A-Z]{1,3}\d+)?$")),
        "field": _text(), "value": _text(), "problem": _text(pa.Check.str_length(min_value=1)),
        "expected": _text(), "severity": _text(pa.Check.isin(["error", "warning"])),
        "city": _text(), "department": _text(), "month": _text(),
    }),
}
for _name, _schema in SCHEMAS.items():
    assert list(_schema.columns) == list(DTYPES[_name]), f"schemas.py and tables.DTYPES disagree on {_name}"
    SCHEMAS[_name] = _schema.update_columns({c: {"dtype": t} for c, t in DTYPES[_name].items()})
    SCHEMAS[_name].strict = True
    SCHEMAS[_name].ordered = True


class ContractError(ValueError):
    """A processed table does not match docs/data-contract.md (a bug in the code, not the data)."""


def validate_table(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Check one processed table against its schema; raise ContractError listing every failure.

    >>> len(validate_table("ledger", data["ledger"]))
    39
    """
    try:
        return SCHEMAS[name].validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases[["column", "check", "failure_case", "index"]].head(20)
        raise ContractError(f"table {name!r} breaks the data contract:\n{cases.to_string(index=False)}") from None
