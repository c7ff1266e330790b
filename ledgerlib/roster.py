"""The department roster: canonical names, aliases, kinds and collective names.

The ledger names departments loosely (局法规科/法规科, 安监局/安监科, 地方海事处/地方海事
服务中心 …) and often by collective names (局信用体系建设领导小组成员单位, 局相关科室 …).
`Roster.resolve` maps any of them to a canonical department or collective name; unknown
names resolve to None so callers can report them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config

#: Collective names as the ledger writes them -> the canonical collective name.
#: Membership is the roster's `collectives` column, so a bureau can change it in the CSV.
COLLECTIVE_ALIASES: dict[str, str] = {
    "局信用体系建设领导小组成员单位": "局信用体系建设领导小组成员单位",
    "信用体系建设领导小组成员单位": "局信用体系建设领导小组成员单位",
    "局信用体系建设领导小组成员": "局信用体系建设领导小组成员单位",
    "信用体系建设领导小组成员": "局信用体系建设领导小组成员单位",
    "领导小组成员单位": "局信用体系建设领导小组成员单位",
    "局相关科室": "局相关科室",
    "局机关相关科室": "局相关科室",
    "局机关有关科室": "局相关科室",
    "局有关科室": "局相关科室",
    "相关科室": "局相关科室",
    "局相关单位": "局相关单位",
    "局属相关单位": "局相关单位",
    "局属有关单位": "局相关单位",
    "局有关单位": "局相关单位",
    "相关单位": "局相关单位",
    "局各业务科室": "局各业务科室",
    "各业务科室": "局各业务科室",
}

_SPACE = re.compile(r"[\s\u3000]+")


def normalise_name(name: str) -> str:
    """Strip all (incl. full-width) whitespace and surrounding punctuation.

    Example::

        >>> normalise_name("（运管科）\\u3000")
        '运管科'
    """
    return _SPACE.sub("", str(name)).strip("，,、；;。.：:()（）")


@dataclass
class Roster:
    """The roster table plus fast lookups built from it."""

    table: pd.DataFrame
    _alias: dict[str, str] = field(default_factory=dict, repr=False)
    _members: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _kinds: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for row in self.table.itertuples(index=False):
            self._kinds[row.department] = row.kind
            names = [row.department, *_split(row.aliases)]
            for n in names:
                self._alias[normalise_name(n)] = row.department
            for c in _split(row.collectives):
                self._members.setdefault(c, []).append(row.department)
        for alias, canonical in COLLECTIVE_ALIASES.items():
            self._alias.setdefault(alias, canonical)
            self._members.setdefault(canonical, [])

    @property
    def departments(self) -> list[str]:
        return list(self.table["department"])

    @property
    def collectives(self) -> list[str]:
        return sorted(self._members)

    def resolve(self, name: str) -> str | None:
        """Canonical department or collective name for any alias; None if unknown."""
        n = normalise_name(name)
        if not n:
            return None
        if n in self._alias:
            return self._alias[n]
        # "市局法规科" and similar: retry without a leading 市/局 qualifier.
        for prefix in ("市局", "市", "局"):
            if n.startswith(prefix) and n[len(prefix):] in self._alias:
                return self._alias[n[len(prefix):]]
        return None

    def is_collective(self, name: str) -> bool:
        return name in self._members

    def expand(self, name: str) -> list[str]:
        """The departments a canonical name stands for (itself, or a collective's members)."""
        if self.is_collective(name):
            return list(self._members[name])
        return [name] if name in self._kinds else []

    def kind(self, department: str) -> str:
        return str(self._kinds.get(department, ""))


def _split(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [p for p in (s.strip() for s in str(value).split(";")) if p]


def load_roster(path: Path | None = None) -> Roster:
    """Read `departments.csv`; `path` may be the CSV or the raw-data folder holding it.

    Example::

        >>> roster = load_roster()
        >>> roster.resolve("执法支队"), len(roster.departments)
        ('交通运输综合行政执法支队', 16)
    """
    path = Path(path) if path else config.raw_dir()
    if path.is_dir():
        path = path / "departments.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = {"department", "aliases", "kind", "collectives"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: roster lacks columns {sorted(missing)}")
    table = table.map(lambda v: normalise_name(v) if isinstance(v, str) and ";" not in v else v)
    return Roster(table)
