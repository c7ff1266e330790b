"""The department roster: canonical names, aliases, kinds, collective names, who is scored.

The roster CSV alone defines a bureau. Plans name departments loosely (局法规科/法规科,
安监局/安监科 …) and often by collective names (局信用体系建设领导小组成员单位, 局相关科室 …):
a row of kind `collective` names one, its aliases are the other ways plans write it, and
its members are the departments whose `collectives` column lists it (or its own `members`
column). `scored` (yes/no, default yes) says whether a department is scored. Nothing about
any one bureau lives in code: `Roster.resolve` maps a name to a canonical department or
collective name, and an unknown name resolves to None so callers keep it and report it.

>>> load_roster("data/raw").resolve("局安监局")     # doctest: +SKIP
'安监科'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config

COLLECTIVE = "collective"
_NO = {"no", "n", "false", "0", "否", "不考核"}

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
    """The roster table (departments) plus fast lookups built from it and its collective rows."""

    table: pd.DataFrame
    _alias: dict[str, str] = field(default_factory=dict, repr=False)
    _members: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _kinds: dict[str, str] = field(default_factory=dict, repr=False)
    _unscored: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        records = self.table.to_dict("records")
        groups = [r for r in records if r.get("kind") == COLLECTIVE]
        for row in (r for r in records if r.get("kind") != COLLECTIVE):
            dept = row["department"]
            self._kinds[dept] = row.get("kind", "")
            if str(row.get("scored", "")).strip().lower() in _NO:
                self._unscored.add(dept)
            for n in [dept, *_split(row.get("aliases"))]:
                self._alias[normalise_name(n)] = dept
            for c in _split(row.get("collectives")):
                self._members.setdefault(c, []).append(dept)
        for row in groups:
            name = row["department"]
            members = self._members.setdefault(name, [])
            members += [m for m in (self._alias.get(normalise_name(x), x) for x in _split(row.get("members")))
                        if m not in members]
            for n in [name, *_split(row.get("aliases"))]:
                self._alias.setdefault(normalise_name(n), name)
        for name in self._members:
            self._alias.setdefault(normalise_name(name), name)

    @property
    def departments(self) -> list[str]:
        """Departments in roster order (collective rows are not departments).

        >>> load_roster().departments[:3]
        ['法规科', '办公室', '规划科']
        """
        return [d for d, k in zip(self.table["department"], self.table["kind"]) if k != COLLECTIVE]

    @property
    def collectives(self) -> list[str]:
        """Collective names (e.g. 各县（市、区）), each standing for its member departments.

        >>> len(load_roster().collectives) > 0
        True
        """
        return sorted(self._members)

    def resolve(self, name: str) -> str | None:
        """Canonical department or collective name for any alias; None if unknown.

        >>> load_roster().resolve("运管科"), load_roster().resolve("不存在的部门")
        ('运管科', None)
        """
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

    def fingerprint(self) -> str:
        """sha256 of everything name resolution depends on (aliases, kinds, members, scored).

        Two rosters that resolve every name alike have the same fingerprint (the reader
        cache's key uses it: a roster edit means every file is read again).

        >>> load_roster().fingerprint() == load_roster().fingerprint()
        True
        """
        import hashlib
        import json

        state = [sorted(self._alias.items()), sorted(self._kinds.items()),
                 sorted((k, list(v)) for k, v in self._members.items()), sorted(self._unscored)]
        return hashlib.sha256(json.dumps(state, ensure_ascii=False).encode()).hexdigest()

    def is_collective(self, name: str) -> bool:
        """True when name is a collective row of the roster, not a department.

        >>> r = load_roster()
        >>> r.is_collective(r.collectives[0]), r.is_collective("运管科")
        (True, False)
        """
        return name in self._members

    def expand(self, name: str) -> list[str]:
        """The departments a canonical name stands for (itself, or a collective's members).

        >>> load_roster().expand("运管科")
        ['运管科']
        """
        if self.is_collective(name):
            return list(self._members[name])
        return [name] if name in self._kinds else []

    def kind(self, department: str) -> str:
        """The roster's kind of a department (its `kind` column).

        >>> load_roster().kind("运管科")
        'section'
        """
        return str(self._kinds.get(department, ""))

    def is_scored(self, department: str) -> bool:
        """False for a department the roster marks `scored=no` (listed in plans, not scored).

        >>> load_roster().is_scored("运管科")
        True
        """
        return department not in self._unscored


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
    table.columns = [normalise_name(c).lower() for c in table.columns]
    if "department" not in table.columns:
        raise ValueError(f"{path}: a roster needs a `department` column (and optionally aliases, kind, "
                         f"collectives, members, scored)")
    for col in ("aliases", "kind", "collectives"):
        if col not in table.columns:
            table[col] = ""
    table = table.map(lambda v: normalise_name(v) if isinstance(v, str) and ";" not in v else v)
    table = table[table["department"] != ""].reset_index(drop=True)
    return Roster(table)
