"""The sheets of a submission workbook, as data: key, name, headers and field keys of each.

Shared by the template writer (`templates`) and the reader (`submissions`) so that neither
hard-codes a position; kept apart from `templates` because it needs no openpyxl, which
`ledger validate` would otherwise import at start-up (~60 ms) before reading a file.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import labels


@dataclass(frozen=True)
class SheetSpec:
    """One submission sheet: its key, template name, headers and the field key of each."""

    key: str
    name: str
    headers: tuple[str, ...]
    fields: tuple[str, ...]
    widths: tuple[int, ...]
    date_fields: tuple[str, ...] = ()
    int_fields: tuple[str, ...] = ()


SHEETS: dict[str, SheetSpec] = {
    s.key: s for s in (
        SheetSpec("progress", labels.SHEET_PROGRESS, tuple(labels.PROGRESS_HEADERS),
                  ("task_id", "indicator", "task", "deadline_text", "status", "completion_date",
                   "progress_note", "evidence", "issues"),
                  # Widths sum to 163 characters: one A4 landscape page wide at ~10 pt
                  # (xlsx.printed_type_size); long text wraps within its column.
                  (9, 16, 42, 14, 10, 12, 28, 16, 16), date_fields=("completion_date",)),
        SheetSpec("activities", labels.SHEET_ACTIVITIES, tuple(labels.ACTIVITY_HEADERS),
                  ("date", "activity_type", "count", "note"), (13, 22, 8, 60),
                  date_fields=("date",), int_fields=("count",)),
        SheetSpec("publicity", labels.SHEET_PUBLICITY, tuple(labels.PUBLICITY_HEADERS),
                  ("decision_no", "category", "decision_date", "publish_date"), (30, 12, 13, 13),
                  date_fields=("decision_date", "publish_date")),
        SheetSpec("collection", labels.SHEET_COLLECTION, tuple(labels.COLLECTION_HEADERS),
                  ("field", "total_entities", "collected_entities"), (24, 14, 14),
                  int_fields=("total_entities", "collected_entities")),
        SheetSpec("shared_records", labels.SHEET_SHARED, tuple(labels.SHARED_HEADERS),
                  ("record_id", *(f"indicator_{i}" for i in range(1, len(labels.SHARED_INDICATOR_HEADERS) + 1))),
                  (8, 20, 22, 10, 12, 20, 12, 16, 12, 10, 12)),
        SheetSpec("joint_cases", labels.SHEET_JOINT_CASES, tuple(labels.JOINT_CASE_HEADERS),
                  ("subject", "measure", "executing_dept", "executed_on", "matter"), (28, 24, 16, 13, 50),
                  date_fields=("executed_on",)),
    )
}
