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
from pathlib import Path

import pandas as pd

from .labels import PLAN_MESSAGES
from .roster import Roster, load_roster
from .tasktable import LedgerReader

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
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(2, "No such file", str(path))
    roster = roster if roster is not None else load_roster()
    reader = reader_for(path)
    try:
        return reader.read(path, year, roster)
    except (ValueError, OSError):
        raise
    except Exception as exc:  # a broken zip, a corrupt workbook, a reader bug on odd input
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        raise ValueError(PLAN_MESSAGES["unreadable"].format(name=path.name, form=reader.name, error=error)) from exc
