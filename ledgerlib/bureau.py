"""Who the ledger belongs to: the bureau's name, its city, the programme and the signing office.

Every title a report, template, chase letter or joint list carries is built from these words,
so a second bureau changes a file, not code. They live in `data/raw/bureau.toml`:

    city = "安阳市"                     # the `city` column of a single-city data set
    bureau = "{city}交通运输局"          # {city} is each city's own name in a province data set
    programme = "信用体系建设"           # what the ledger tracks
    office = "局信用体系建设领导小组办公室（局法规科）"   # who signs chase letters

Without the file (or for a key it leaves out) the neutral words in `DEFAULTS` apply. A file
that cannot be read or holds a wrong type raises `BureauFileError` naming the file and key:
titles going up to the city must not quietly change.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import config

BUREAU_FILE = "bureau.toml"
#: Neutral words for a raw folder without bureau.toml.
DEFAULTS: dict[str, str] = {"city": "本市", "bureau": "{city}", "programme": "",
                            "office": "{bureau}"}


class BureauFileError(ValueError):
    """bureau.toml cannot be used; the message names the file and what to fix."""


@dataclass(frozen=True)
class Bureau:
    """The words of data/raw/bureau.toml (see the module docstring)."""
    city: str
    bureau: str
    programme: str
    office: str

    def words(self, city: str | None = None) -> dict[str, str]:
        """The placeholders titles use, for `city` (default: the bureau's own city).

        >>> Bureau("甲市", "{city}交通运输局", "信用体系建设", "局法规科").words("乙市")["bureau"]
        '乙市交通运输局'
        """
        city = city or self.city
        name = self.bureau.format(city=city)
        return {"city": city, "bureau": name, "programme": self.programme,
                "office": self.office.format(city=city, bureau=name)}


def read_bureau(path: Path) -> Bureau:
    """Bureau words from one TOML file (missing keys take DEFAULTS).

    >>> read_bureau(Path("no-such-file.toml")).city
    '本市'
    """
    values = dict(DEFAULTS)
    if path.is_file():
        try:
            found = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise BureauFileError(f"{path.name}: cannot be read ({exc}); expected TOML lines such as "
                                  f'city = "安阳市"') from None
        for key, value in found.items():
            if key not in DEFAULTS:
                raise BureauFileError(f"{path.name}: unknown key {key!r}; expected {', '.join(DEFAULTS)}")
            if not isinstance(value, str) or not value.strip():
                raise BureauFileError(f"{path.name}: {key} must be non-empty text")
            values[key] = value.strip()
        for key in ("bureau", "office"):
            try:
                values[key].format(city="", bureau="")
            except (KeyError, IndexError, ValueError):
                raise BureauFileError(f"{path.name}: {key} may use only {{city}} and {{bureau}}") from None
    return Bureau(**values)


@lru_cache(maxsize=8)
def _cached(path: Path, mtime: float) -> Bureau:
    return read_bureau(path)


def load_bureau(raw_dir: Path | str | None = None) -> Bureau:
    """The bureau of a raw folder (default data/raw), read once per file version.

    >>> load_bureau().city
    '安阳市'
    """
    path = Path(raw_dir or config.raw_dir()) / BUREAU_FILE
    return _cached(path.resolve(), path.stat().st_mtime if path.is_file() else 0.0)


def default_city(raw_dir: Path | str | None = None) -> str:
    """The city of a single-city data set (the `city` column), from bureau.toml.

    >>> default_city()
    '安阳市'
    """
    return load_bureau(raw_dir).city


def title_words(city: str | None = None, raw_dir: Path | str | None = None) -> dict[str, str]:
    """`{city}`, `{bureau}`, `{programme}`, `{office}` for a title, e.g.
    `labels.REPORT_LABELS["bulletin_title"].format(**title_words(city))`.

    >>> sorted(title_words())
    ['bureau', 'city', 'office', 'programme']
    """
    return load_bureau(raw_dir).words(city)
