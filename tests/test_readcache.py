"""The reader cache: a build from it is byte for byte a build that reads every file."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from paths import RAW
from ledgerlib import chunkcodec
from ledgerlib.build import build
from ledgerlib.readcache import CACHE_NAME, ReaderCache, Uncacheable, cache_path, context_digest, decode, encode
from ledgerlib.tables import BUILD_STAMP


def _tables(folder: Path) -> dict[str, str]:
    """sha256 of every table file (the stamp records the time: not compared)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file() and p.name != BUILD_STAMP}


def _copy_raw(dst: Path, months: int | None = None) -> Path:
    """The real ledger and roster and the shipped returns (the first `months` months, or all)."""
    dst.mkdir()
    for name in ("ledger_2021.xlsx", "departments.csv"):
        shutil.copy(RAW / name, dst / name)
    subs = RAW / "submissions"
    for month in sorted(p for p in subs.iterdir() if p.is_dir())[:months]:
        shutil.copytree(month, dst / "submissions" / month.name)
    manifest = pd.read_csv(subs / "manifest.csv", dtype=str, encoding="utf-8-sig")
    kept = manifest[manifest["file"].map(lambda f: (dst / "submissions" / f).exists())]
    kept.to_csv(dst / "submissions" / "manifest.csv", index=False, encoding="utf-8")
    return dst


def _n_files(raw: Path) -> int:
    return sum(1 for p in (raw / "submissions").rglob("*.xlsx"))


@pytest.fixture()
def raw(tmp_path) -> Path:
    return _copy_raw(tmp_path / "raw", months=2)


def test_cache_lives_beside_the_processed_tables_in_interim():
    assert cache_path(Path("data/processed")) == Path("data/interim") / CACHE_NAME
    assert cache_path(Path("/srv/bureau/out")) == Path("/srv/bureau/interim") / CACHE_NAME


def test_second_build_reads_nothing_again_and_writes_the_same_bytes(raw, tmp_path):
    first = build(raw, tmp_path / "a", progress=False)
    second = build(raw, tmp_path / "b", progress=False)
    n = _n_files(raw)
    assert n > 20
    assert first.cache_hits == 0  # an empty cache: every file read
    assert second.cache_hits == n  # nothing changed: no file read again
    assert "reader cache: %d / %d" % (n, n) in second.summary()
    cold = build(raw, tmp_path / "c", progress=False, cache=False)
    assert cold.cache_hits is None
    assert _tables(tmp_path / "a") == _tables(tmp_path / "b") == _tables(tmp_path / "c")


def test_the_pool_path_gives_the_same_bytes_from_the_cache(tmp_path):
    # Every shipped return (185 files): read by worker processes, as a province is.
    raw = _copy_raw(tmp_path / "raw")
    build(raw, tmp_path / "interim-filler", progress=False)
    warm = build(raw, tmp_path / "warm", progress=False)
    assert warm.cache_hits == _n_files(raw) >= 48  # above intake.PARALLEL_MIN_FILES
    build(raw, tmp_path / "cold", progress=False, cache=False)
    assert _tables(tmp_path / "warm") == _tables(tmp_path / "cold")


def test_a_resubmitted_file_is_read_again_and_only_that_one(raw, tmp_path):
    build(raw, tmp_path / "a", progress=False)
    victim = sorted((raw / "submissions").rglob("*.xlsx"))[3]
    wb = openpyxl.load_workbook(victim)  # a liaison corrects one cell and saves
    ws = wb.worksheets[0]
    ws.cell(row=ws.max_row + 1, column=1, value="补充说明：已更正")
    wb.save(victim)
    again = build(raw, tmp_path / "b", progress=False)
    assert again.cache_hits == _n_files(raw) - 1
    build(raw, tmp_path / "c", progress=False, cache=False)
    assert _tables(tmp_path / "b") == _tables(tmp_path / "c")


def test_a_roster_edit_means_every_file_is_read_again(raw, tmp_path):
    build(raw, tmp_path / "a", progress=False)
    roster = raw / "departments.csv"
    text = roster.read_text(encoding="utf-8-sig").splitlines()
    header = text[0].split(",")
    # One more alias for the first department: names may now resolve differently.
    row = text[1].split(",")
    i = header.index("aliases")
    row[i] = (row[i] + ";" if row[i] else "") + "新别名科"
    roster.write_text("\n".join([text[0], ",".join(row), *text[2:]]) + "\n", encoding="utf-8")
    again = build(raw, tmp_path / "b", progress=False)
    assert again.cache_hits == 0


def test_a_received_time_change_reads_that_file_again(raw, tmp_path):
    build(raw, tmp_path / "a", progress=False)
    manifest = raw / "submissions" / "manifest.csv"
    df = pd.read_csv(manifest, dtype=str, encoding="utf-8-sig")
    df.loc[0, "received_at"] = "2021-02-06T09:00:00"  # the 6th instead: lateness may change
    df.to_csv(manifest, index=False, encoding="utf-8")
    again = build(raw, tmp_path / "b", progress=False)
    assert again.cache_hits == _n_files(raw) - 1


def _entries(out: Path) -> tuple[list[bytes], list[bytes]]:
    """The cache's (file entries, chunk entries) of the build that wrote to out."""
    with sqlite3.connect(cache_path(out)) as conn:
        values = [v for (v,) in conn.execute("SELECT value FROM reads ORDER BY key")]
    return ([v for v in values if not v.startswith(chunkcodec.MAGIC)],
            [v for v in values if v.startswith(chunkcodec.MAGIC)])


def test_the_cache_keeps_only_the_last_builds_files(raw, tmp_path):
    build(raw, tmp_path / "a", progress=False)
    gone = sorted((raw / "submissions").rglob("*.xlsx"))[0]
    gone.unlink()
    build(raw, tmp_path / "b", progress=False)
    files, chunks = _entries(tmp_path / "b")
    assert len(files) == _n_files(raw)  # 2 months: one entry a file...
    assert len(chunks) == 2  # ... and one a month folder (the first one's as it is now)


def test_next_months_returns_leave_the_earlier_months_untouched(tmp_path):
    # The scheduler's month: the returns of a new month arrive, nothing else changes. The
    # earlier months come from the cache whole (one entry a folder), the new one is read.
    raw = _copy_raw(tmp_path / "raw", months=2)
    march = _copy_raw(tmp_path / "all", months=3) / "submissions" / "2021-03"
    build(raw, tmp_path / "a", progress=False)
    before = _n_files(raw)
    shutil.copytree(march, raw / "submissions" / "2021-03")
    month = build(raw, tmp_path / "b", progress=False)
    assert month.cache_hits == before and _n_files(raw) - before == len(list(march.glob("*.xlsx"))) > 5
    build(raw, tmp_path / "c", progress=False, cache=False)
    assert _tables(tmp_path / "b") == _tables(tmp_path / "c")
    assert len(_entries(tmp_path / "b")[1]) == 3


def test_a_damaged_cache_file_is_ignored_and_rebuilt(raw, tmp_path):
    build(raw, tmp_path / "a", progress=False)
    path = cache_path(tmp_path / "a")
    path.write_bytes(b"this is not a SQLite database" * 100)
    again = build(raw, tmp_path / "b", progress=False)
    assert again.cache_hits == 0
    assert _tables(tmp_path / "a") == _tables(tmp_path / "b")
    # Started afresh: the next build takes every file from it.
    assert build(raw, tmp_path / "c", progress=False).cache_hits == _n_files(raw)


def test_a_tampered_entry_is_read_from_the_file_instead(raw, tmp_path):
    build(raw, tmp_path / "a", progress=False)
    with sqlite3.connect(cache_path(tmp_path / "a")) as conn:
        rows = conn.execute("SELECT key, value FROM reads ORDER BY key").fetchall()
        chunks = [k for k, v in rows if v.startswith(chunkcodec.MAGIC)]
        files = [k for k, v in rows if not v.startswith(chunkcodec.MAGIC)]
        # Both month folders' entries refused (each a different way), so their files are
        # looked up one by one; two of those entries are tampered with as well.
        conn.execute("UPDATE reads SET value = ? WHERE key = ?", (chunkcodec.MAGIC + b"\0\0\0\5{}", chunks[0]))
        first = dict(rows)[chunks[1]]
        conn.execute("UPDATE reads SET value = ? WHERE key = ?", (first[:-40] + bytes(40), chunks[1]))
        conn.execute("UPDATE reads SET value = ? WHERE key = ?", (b"\x78\x9c garbage", files[0]))
        conn.execute("UPDATE reads SET value = ? WHERE key = ?",
                     (encode({"fact": {"file": "x"}, "columns": {}}), files[1]))
    again = build(raw, tmp_path / "b", progress=False)
    assert again.cache_hits == _n_files(raw) - 2  # the two tampered file entries: those files read
    assert _tables(tmp_path / "a") == _tables(tmp_path / "b")
    assert len(_entries(tmp_path / "b")[1]) == 2  # both folders kept afresh


def test_a_kept_folder_that_names_other_files_is_refused(raw, tmp_path):
    # A chunk entry with every table intact but facts for fewer files (as if copied from
    # another folder's entry): refused, the folder read, the tables those of a cold build.
    build(raw, tmp_path / "a", progress=False)
    with sqlite3.connect(cache_path(tmp_path / "a")) as conn:
        rows = conn.execute("SELECT key, value FROM reads ORDER BY key").fetchall()
        key, value = next((k, v) for k, v in rows if v.startswith(chunkcodec.MAGIC))
        facts, streams = chunkcodec.decode(value)
        conn.execute("UPDATE reads SET value = ? WHERE key = ?", (chunkcodec.encode(facts[1:], streams), key))
    build(raw, tmp_path / "b", progress=False)
    build(raw, tmp_path / "c", progress=False, cache=False)
    assert _tables(tmp_path / "b") == _tables(tmp_path / "c")


def test_no_cache_writes_no_cache(raw, tmp_path):
    build(raw, tmp_path / "out", progress=False, cache=False)
    assert not (tmp_path / "interim").exists()


def test_plain_values_come_back_as_they_were_and_a_date_is_refused():
    kept = {"n": 3, "x": 0.25, "b": True, "s": "运管科", "none": None, "cols": {"a": [1, None, "2"]}}
    back = decode(encode(kept))
    assert back == kept and type(back["n"]) is int and type(back["b"]) is bool
    # A date has no exact JSON form: the reader writes dates as ISO text itself, anything
    # else is refused rather than turned into something else.
    for value in (date(2021, 6, 3), datetime(2021, 7, 5, 9, 30), pd.Timestamp("2021-06-03")):
        with pytest.raises(Uncacheable):
            encode({"d": value})


def test_a_value_it_cannot_keep_exactly_leaves_the_file_uncached(tmp_path):
    cache = ReaderCache(tmp_path / CACHE_NAME, "ctx")
    cache.put("k1", {"when": time(9, 30)})  # a time of day: no exact JSON form here
    cache.put("k2", {"when": "09:30"})
    new, used, hits = cache.drain()
    assert [k for k, _ in new] == ["k2"]


def test_the_context_changes_with_the_ledger_ids_and_roster():
    from ledgerlib.roster import load_roster

    roster = load_roster(RAW)
    base = context_digest({"T01", "T02"}, roster, "安阳市")
    assert context_digest({"T01", "T02"}, roster, "安阳市") == base
    assert context_digest({"T01"}, roster, "安阳市") != base
    assert context_digest({"T01", "T02"}, None, "安阳市") != base
    assert context_digest({"T01", "T02"}, roster, "郑州市") != base


def test_a_cache_that_cannot_be_written_never_stops_a_build(raw, tmp_path):
    (tmp_path / "interim").write_text("a file where the cache folder would go")
    result = build(raw, tmp_path / "out", progress=False)
    assert result.cache_hits == 0 and result.rows["submissions_log"] == _n_files(raw)
    build(raw, tmp_path / "ref", progress=False, cache=False)
    assert _tables(tmp_path / "out") == _tables(tmp_path / "ref")
    assert (tmp_path / "interim").read_text() == "a file where the cache folder would go"


def test_a_linked_folder_is_read_under_its_own_name(tmp_path):
    # 2021-07/ is a link to 2021-06/: the same bytes, the same real path, but the path names
    # another month, which the reader reports. The cache must not hand one the other's read.
    raw = _copy_raw(tmp_path / "raw", months=6)
    subs = raw / "submissions"
    shutil.rmtree(subs / "2021-07", ignore_errors=True)
    (subs / "2021-07").symlink_to(subs / "2021-06", target_is_directory=True)
    manifest = pd.read_csv(subs / "manifest.csv", dtype=str, encoding="utf-8-sig")
    june = manifest[manifest["file"].str.startswith("2021-06/")]
    july = june.assign(file=june["file"].str.replace("2021-06/", "2021-07/", regex=False))
    pd.concat([manifest[~manifest["file"].str.startswith("2021-07/")], july]).to_csv(
        subs / "manifest.csv", index=False, encoding="utf-8")
    build(raw, tmp_path / "a", progress=False)
    build(raw, tmp_path / "b", progress=False)
    build(raw, tmp_path / "c", progress=False, cache=False)
    assert _tables(tmp_path / "b") == _tables(tmp_path / "c")
    # The linked copies are reported as what their path says: cover month and path disagree.
    problems = pd.read_parquet(tmp_path / "b" / "problems.parquet")
    linked = problems[problems["file"].str.startswith("submissions/2021-07/")]
    assert (linked["problem"] == "封面报送月份与文件路径不一致").sum() == len(june)


def test_what_the_reader_takes_from_the_path_is_part_of_the_key(tmp_path):
    # A return left straight in submissions/ with no month in its name takes its month from
    # the folder above: renaming that folder changes the read, so it must change the key.
    first = _copy_raw(tmp_path / "raw-2021-06", months=1)
    shutil.copy(next((first / "submissions").rglob("*.xlsx")), first / "submissions" / "办公室.xlsx")
    out = tmp_path / "builds" / "processed"
    build(first, out, progress=False)
    second = first.rename(tmp_path / "raw-2021-09")
    warm = build(second, out, progress=False)
    assert warm.cache_hits == _n_files(second) - 1  # the loose file alone is read again
    build(second, tmp_path / "ref" / "processed", progress=False, cache=False)
    assert _tables(out) == _tables(tmp_path / "ref" / "processed")


def test_a_file_that_cannot_be_opened_is_not_kept(raw, tmp_path):
    shutil.copy(Path(__file__).parent / "fixtures" / "password_protected.xlsx",
                raw / "submissions" / "2021-01" / "办公室.xlsx")
    build(raw, tmp_path / "a", progress=False)
    again = build(raw, tmp_path / "b", progress=False)
    assert again.cache_hits == _n_files(raw) - 1  # tried again: its trouble may pass


def test_a_locked_or_full_cache_is_left_as_it_is(tmp_path, monkeypatch):
    cache = ReaderCache(tmp_path / CACHE_NAME, "ctx")
    cache.put("k", {"x": 1})
    assert cache.save()
    before = (tmp_path / CACHE_NAME).read_bytes()

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(sqlite3, "connect", locked)
    assert cache.save() is False
    assert (tmp_path / CACHE_NAME).read_bytes() == before  # another build's cache is not deleted
