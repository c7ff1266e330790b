"""Paths the suite writes: a name is one plain component and the path stays in its folder."""
from __future__ import annotations

from pathlib import Path

import pytest

from ledgerlib.safepath import UnsafePathError, check_name, inside, within


@pytest.mark.parametrize("name", ["运管科.xlsx", "运管科_v2.xlsx", "安阳市", "2021-06", "问题清单_a b.xlsx"])
def test_plain_names_are_accepted(name):
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["../../evil", "..", ".", "", " ", "a/b", "a\\b", "/etc/passwd", "C:evil",
                                  "x\x00.xlsx", "x\n", ".hidden", " 运管科", "运管科 ", "a*b", "a?b", "a|b", '"a"'])
def test_anything_else_is_refused(name):
    with pytest.raises(UnsafePathError):
        check_name(name)


def test_inside_joins_checked_names_and_stays_in_the_folder(tmp_path):
    assert inside(tmp_path, "2021-06", "运管科.xlsx") == tmp_path / "2021-06" / "运管科.xlsx"
    for bad in (("..", "x.xlsx"), ("2021-06", "../../x.xlsx"), (str(tmp_path.parent / "x.xlsx"),)):
        with pytest.raises(UnsafePathError):
            inside(tmp_path, *bad)


def test_within_checks_a_given_path(tmp_path):
    assert within(tmp_path, tmp_path / "a" / "b.csv") == tmp_path / "a" / "b.csv"
    for bad in (tmp_path, tmp_path / ".." / "x.csv", Path("/tmp/elsewhere.csv")):
        with pytest.raises(UnsafePathError):
            within(tmp_path, bad)
