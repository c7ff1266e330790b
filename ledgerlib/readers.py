"""`read_ledger`: one entry point for every form a plan comes in, each form a registered reader.

A reader (tasktable.LedgerReader) names the file suffixes it takes, a test of whether a
file of that suffix is its form, and a function returning the task table with its
warnings in attrs. The built-in forms, each in its own module:

  notice      text with the ledger as a table (tab-separated, or flattened one cell a line)
  plan_list   text with the ledger as a list (一、/（一）headings, numbered items,
              牵头单位：lines, departments in a trailing parenthesis)
  plan_docx   a Word file: its ledger table (merged cells read as merged), else its paragraphs
  plan_sheet  a spreadsheet (.xlsx, .xls, .ods, .csv) with its own header words

Adding a form adds a module with a READER and one name below (or `register(reader)`).

>>> read_ledger("data/raw/ledger_2021.xlsx").shape     # doctest: +SKIP
(39, 20)
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .labels import PLAN_MESSAGES
from .roster import Roster, load_roster
from .tasktable import LedgerReader

if TYPE_CHECKING:
    import pandas as pd

_T = TypeVar("_T")

BUILTIN_FORMS = ("notice", "plan_list", "plan_docx", "plan_sheet")
_REGISTERED: list[LedgerReader] = []


def register(reader: LedgerReader) -> None:
    """Add a form; it is tried before the built-in ones.

    Example::

        from ledgerlib.tasktable import LedgerReader
        register(LedgerReader("bureau csv", (".csv",), lambda p: True, read_my_csv))
        read_ledger(Path("plan.csv"))   # now read by read_my_csv(path, year, roster)
    """
    _REGISTERED.insert(0, reader)


def registered() -> list[LedgerReader]:
    """The ledger forms tried in turn, the registered ones first.

    >>> [r.name for r in registered()]
    ['text table', 'text list', 'Word', 'spreadsheet']
    """
    return [*_REGISTERED, *(importlib.import_module(f".{m}", __package__).READER for m in BUILTIN_FORMS)]


def reader_for(path: Path) -> LedgerReader:
    """The first registered form that accepts path (its suffix); ValueError when none does.

    >>> reader_for(Path("ledger_2021.xlsx")).name
    'spreadsheet'
    """
    suffix = path.suffix.lower()
    candidates = [r for r in registered() if suffix in r.suffixes]
    if not candidates:
        known = sorted({s for r in registered() for s in r.suffixes if s})
        raise ValueError(PLAN_MESSAGES["bad_suffix"].format(name=path.name, known=", ".join(known),
                                                            suffix=suffix or "no suffix"))
    for r in candidates:
        if r.accepts(path):
            return r
    return candidates[-1]


def read_ledger(path: str | Path, year: int | None = None, roster: Roster | None = None) -> pd.DataFrame:
    """Read a plan in any form into the task table; `parse_warnings(df)` lists uncertain judgements.

    year: the plan year when the plan does not say it (or to override its title; a
    disagreement is a warning). roster: the bureau's departments (default data/raw).
    Raises ValueError (one line) for a file that is no ledger, whatever is inside it.

    >>> from ledgerlib import config
    >>> len(read_ledger(config.raw_dir() / "ledger_2021.xlsx"))
    39
    """
    if isinstance(year, Roster):  # the older call read_ledger(path, roster)
        year, roster = None, year
    path = _existing(path)
    roster = roster if roster is not None else load_roster()
    reader = reader_for(path)
    return _reading(path, reader, lambda: reader.read(path, year, roster))


def read_task_ids(path: str | Path, year: int | None = None) -> tuple[int, list[str]]:
    """(plan year, task ids) of a plan in any form, as `read_ledger` reads them.

    A form with a `task_ids` reader gives them without building the task table (no pandas);
    any other form is read in full. Raises as `read_ledger` does.

    >>> from ledgerlib import config
    >>> read_task_ids(config.raw_dir() / "ledger_2021.xlsx")[1][:3]
    ['T01', 'T02', 'T03']
    """
    path = _existing(path)
    reader = reader_for(path)
    if reader.task_ids is None:
        df = read_ledger(path, year)
        return int(df["plan_year"].iloc[0]), [str(t) for t in df["task_id"]]
    return _reading(path, reader, lambda: reader.task_ids(path, year))


def _existing(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(2, "No such file", str(path))
    return path


def _reading(path: Path, reader: LedgerReader, read: Callable[[], _T]) -> _T:
    """read(), its unexpected failures one line: a ValueError naming the file and its form."""
    try:
        return read()
    except (ValueError, OSError):
        raise
    except Exception as exc:  # a broken zip, a corrupt workbook, a reader bug on odd input
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        raise ValueError(PLAN_MESSAGES["unreadable"].format(name=path.name, form=reader.name, error=error)) from exc
