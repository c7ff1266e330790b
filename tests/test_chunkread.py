"""Reading a chunk of returns: its folder's files, read or taken whole from the reader cache."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from paths import RAW
from ledgerlib import chunkcodec
from ledgerlib.chunkread import CHUNK_FILES, _WORKER, _chunks, _file_results, _init_worker, _read_chunk
from ledgerlib.intake import SubmissionFile, discover_files, read_manifest
from ledgerlib.readcache import ReaderCache, context_digest
from ledgerlib.roster import load_roster


def _june() -> list[SubmissionFile]:
    return [f for f in discover_files(RAW / "submissions") if f.month == "2021-06"]


def _frames(reply) -> dict[str, pd.DataFrame]:
    return {name: chunkcodec.to_frame(name, [stream]) for name, stream in reply.tables.items()}


def test_a_folder_taken_from_the_cache_is_what_reading_it_gives(tmp_path):
    files = _june()
    roster = load_roster(RAW)
    received, _ = read_manifest(RAW / "submissions")
    def cache() -> ReaderCache:  # each build opens the cache afresh
        return ReaderCache(tmp_path / "reader-cache.sqlite", context_digest({"T01"}, roster, "安阳市"))

    try:
        first = cache()
        _init_worker({"T01"}, roster, RAW, received, first)
        read = _read_chunk(files)
        first.absorb(*read.cache)
        assert first.save() and read.cache[2] == 0  # nothing kept yet: every file read
        _init_worker({"T01"}, roster, RAW, received, cache())
        kept = _read_chunk(files)
    finally:
        _WORKER.clear()
    assert kept.cache[2] == len(files) > 5  # every file of the folder, from one entry
    assert kept.facts == read.facts
    for name, df in _frames(read).items():
        pd.testing.assert_frame_equal(_frames(kept)[name], df, check_exact=True)
    assert len(_frames(read)["progress"]) > 50


def test_kept_facts_that_do_not_fit_the_chunk_are_refused():
    files = _june()[:2]
    fact = {"checksum": "0" * 64, "department": "运管科", "month": "2021-06", "city": "安阳市",
            "filled_on": "2021-07-03T00:00:00", "filled_by": "张三", "readable": True, "n_errors": 0,
            "n_warnings": 1}
    results = _file_results(files, [fact, fact])
    assert [r.source for r in results] == files and results[0].filled_on == pd.Timestamp("2021-07-03")
    with pytest.raises(ValueError):
        _file_results(files, [fact])  # another folder's entry, one file short
    with pytest.raises(TypeError):
        _file_results(files, [fact, {**fact, "n_errors": "0"}])
    with pytest.raises(KeyError):
        _file_results(files, [fact, {**fact, "extra": 1}])
    with pytest.raises(TypeError):  # a number where a date's text should be: not taken as nanoseconds
        _file_results(files, [fact, {**fact, "filled_on": 1625270400000000000}])
    with pytest.raises(ValueError):
        _file_results(files, [fact, {**fact, "checksum": "=cmd|' /C calc'!A0"}])


def test_a_chunk_holds_one_folder_of_one_city_and_at_most_chunk_files_files():
    def file(city: str, month: str, i: int) -> SubmissionFile:
        key = f"{city}/{month}/{i:03d}.xlsx"
        return SubmissionFile(Path("/raw/submissions") / key, f"submissions/{key}", key, city, month, True)

    files = ([file("甲市", "2021-06", i) for i in range(CHUNK_FILES + 1)]
             + [file("甲市", "2021-07", i) for i in range(3)] + [file("乙市", "2021-07", i) for i in range(2)])
    sizes = [(len(c), c[0].city, c[0].month) for c in _chunks(files)]
    assert sizes == [(CHUNK_FILES, "甲市", "2021-06"), (1, "甲市", "2021-06"), (3, "甲市", "2021-07"),
                     (2, "乙市", "2021-07")]
    # Next month's returns change no earlier chunk: the chunks before them are the same.
    more = files + [file("乙市", "2021-08", i) for i in range(4)]
    assert _chunks(more)[:4] == _chunks(files)


def test_a_folder_not_kept_reads_each_file_once(tmp_path, monkeypatch):
    # The chunk's key needs every file's bytes; the files' own cache entries and the reading
    # then use those bytes, not a second read of the disk.
    files = _june()
    reads: list[Path] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or real(self))
    cache = ReaderCache(tmp_path / "reader-cache.sqlite", context_digest({"T01"}, load_roster(RAW), "安阳市"))
    try:
        _init_worker({"T01"}, load_roster(RAW), RAW, {}, cache)
        reply = _read_chunk(files)
    finally:
        _WORKER.clear()
    assert sorted(reads) == sorted(f.path for f in files)
    assert len(reply.facts) == len(files) and len(reply.cache[0]) == len(files) + 1  # each file, and the folder
