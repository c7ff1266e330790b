"""credit-ledger: parse, validate and report on work ledgers (台账).

The names most analysts need are importable from the package itself:
`read_ledger`, `assignments`, `load_roster`, `read_submission`, `working_day_deadline`,
`load_processed`. They load on first use (module `__getattr__`), so `import ledgerlib`
and the `ledger` command start without pandas or openpyxl until a command needs them.

    >>> import ledgerlib
    >>> ledgerlib.read_ledger  # doctest: +ELLIPSIS
    <function read_ledger at ...>
"""
from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

# python-docx brings lxml, and openpyxl then serialises XML differently: written workbooks
# must not depend on which libraries happen to be installed, so openpyxl keeps its
# standard-library writer (set before anything imports openpyxl).
os.environ.setdefault("OPENPYXL_LXML", "False")

#: Public name -> the module that defines it.
_LAZY = {"assignments": "ledger", "load_ledger": "ledger", "read_ledger": "ledger",
         "load_roster": "roster", "read_submission": "submissions",
         "load_processed": "tables", "working_day_deadline": "workdays"}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # for type checkers and IDEs; nothing is imported at run time
    from .ledger import assignments, load_ledger, read_ledger
    from .roster import load_roster
    from .submissions import read_submission
    from .tables import load_processed
    from .workdays import working_day_deadline


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ledgerlib' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
