"""ledgerlib.bureau: a bureau's own words (name, city, programme, office) come from bureau.toml."""
from __future__ import annotations

from pathlib import Path

import pytest

from ledgerlib import bureau, cli, labels

COUNTY = '''city = "林州市"
bureau = "{city}发展和改革委员会"
programme = "社会信用体系建设"
office = "{bureau}信用办"
'''


def _raw(tmp_path: Path, text: str | None) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    if text is not None:
        (raw / "bureau.toml").write_text(text, encoding="utf-8")
    return raw


def test_a_second_bureau_titles_its_documents_from_its_own_file(tmp_path):
    words = bureau.title_words(raw_dir=_raw(tmp_path, COUNTY))
    assert words == {"city": "林州市", "bureau": "林州市发展和改革委员会", "programme": "社会信用体系建设",
                     "office": "林州市发展和改革委员会信用办"}
    assert labels.REPORT_LABELS["bulletin_title"].format(**words) == "林州市发展和改革委员会社会信用体系建设工作督查通报"


def test_a_province_data_set_names_each_city_bureau(tmp_path):
    raw = _raw(tmp_path, COUNTY)
    assert bureau.title_words("安阳县", raw)["bureau"] == "安阳县发展和改革委员会"


def test_the_bundled_file_is_anyangs():
    assert bureau.default_city() == "安阳市"
    assert bureau.title_words()["bureau"] == "安阳市交通运输局"


def test_without_a_file_the_words_are_neutral(tmp_path):
    words = bureau.title_words(raw_dir=_raw(tmp_path, None))
    assert words["city"] == "本市" and "交通" not in "".join(words.values())


def test_a_missing_key_takes_its_default_and_others_stay(tmp_path):
    words = bureau.title_words(raw_dir=_raw(tmp_path, 'city = "鹤壁市"\n'))
    assert words["city"] == "鹤壁市" and words["bureau"] == "鹤壁市" and words["programme"] == ""


@pytest.mark.parametrize("text, says", [
    ('city = "甲市"\nmayor = "张三"\n', "unknown key 'mayor'"),
    ("city = 3\n", "city must be non-empty text"),
    ('bureau = "{county}局"\n', "bureau may use only {city} and {bureau}"),
    ('city = "甲市\n', "cannot be read"),
])
def test_a_wrong_file_is_refused_naming_the_key(tmp_path, text, says):
    with pytest.raises(bureau.BureauFileError, match=says.replace("{", r"\{").replace("}", r"\}")):
        bureau.load_bureau(_raw(tmp_path, text))


def test_the_cli_says_one_line_and_exits_2_for_a_wrong_file(tmp_path, capsys):
    raw = _raw(tmp_path, "city = 3\n")
    assert cli.main(["--raw", str(raw), "template", "--month", "2021-07", "--out", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bureau.toml" in err[0]


def test_the_file_is_read_again_when_it_changes(tmp_path):
    raw = _raw(tmp_path, 'city = "甲市"\n')
    assert bureau.default_city(raw) == "甲市"
    path = raw / "bureau.toml"
    path.write_text('city = "乙市"\n', encoding="utf-8")
    import os
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert bureau.default_city(raw) == "乙市"
