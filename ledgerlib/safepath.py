"""Where the suite may write: a file name is one plain component, and it stays in its folder.

A returned workbook, a roster row or a command-line option can hold `../../evil`, an absolute
path, a drive letter or a NUL byte. The suite never joins such text into a path: every file it
writes is named by `inside(folder, name)`, which accepts only a single, visible path
component and checks the joined path lexically against the folder (symbolic links an
operator set up, such as a city folder linked elsewhere, are trusted; text is not).

>>> inside(Path("data/raw/submissions/2021-06"), "运管科.xlsx").name
'运管科.xlsx'
>>> inside(Path("out"), "../x.xlsx")
Traceback (most recent call last):
...
ledgerlib.safepath.UnsafePathError: '../x.xlsx' 不能用作文件或文件夹名... / not a plain file name: '../x.xlsx'
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .labels import CLI_MESSAGES

#: Separators of every platform the files travel through, NUL and control characters, and the
#: characters Windows forbids in a name (a return filed here is opened on Windows desktops).
_FORBIDDEN = re.compile(r'[/\\\x00-\x1f\x7f:*?"<>|]')


class UnsafePathError(ValueError):
    """A name that is not one plain path component, or a path that leaves its folder."""


def check_name(name: str, what: str = "file name") -> str:
    """name itself when it is one plain, visible path component; UnsafePathError otherwise.

    >>> check_name("安阳市")
    '安阳市'
    """
    text = str(name)
    if (not text.strip() or text.strip(". ") == "" or text.startswith(".") or text != text.strip()
            or _FORBIDDEN.search(text)):
        raise UnsafePathError(CLI_MESSAGES["not_a_plain_name"].format(what=what, text=text))
    return text


def plain_name(text: str) -> str:
    """text made into a plain file name: forbidden characters become `_`, no leading dot.

    For names derived from something a user gave (a returned file's name), where refusing
    would be unhelpful.

    >>> plain_name("../a:b")
    '_.._a_b'
    """
    name = _FORBIDDEN.sub("_", str(text)).strip()
    return "_" + name if name.startswith(".") or not name else name


def inside(folder: Path, *names: str) -> Path:
    """folder / names..., each name checked by `check_name`, the result checked to stay in folder.

    >>> inside(Path("submissions"), "2021-06", "运管科.xlsx").as_posix()
    'submissions/2021-06/运管科.xlsx'
    >>> inside(Path("submissions"), "..")
    Traceback (most recent call last):
    ...
    ledgerlib.safepath.UnsafePathError: '..' 不能用作文件或文件夹名...
    """
    folder = Path(folder)
    path = folder.joinpath(*(check_name(n) for n in names))
    base = os.path.abspath(folder)
    if os.path.commonpath([base, os.path.abspath(path)]) != base:
        raise UnsafePathError(CLI_MESSAGES["outside_folder"].format(path=path, folder=folder))
    return path


def within(folder: Path, path: Path) -> Path:
    """path, after checking that it lies inside folder (lexically); UnsafePathError otherwise.

    >>> within(Path("reports"), Path("reports/chase/a.pdf")).as_posix()
    'reports/chase/a.pdf'
    >>> within(Path("reports"), Path("reports/../etc"))
    Traceback (most recent call last):
    ...
    ledgerlib.safepath.UnsafePathError: reports/../etc 不在 reports 之内 / reports/../etc is outside reports
    """
    base = os.path.abspath(folder)
    full = os.path.abspath(path)
    if full == base or os.path.commonpath([base, full]) != base:
        raise UnsafePathError(CLI_MESSAGES["outside_folder"].format(path=path, folder=folder))
    return Path(path)
