"""Charts draw Chinese with a real CJK font, deterministically, and say how to fix a missing font."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.colors import to_hex

from ledgerlib import charts, labels

STATUS = list(labels.STATUS_LABELS.values())


def _rates() -> pd.DataFrame:
    return pd.DataFrame({"name": STATUS, "rate": [1.0, 0.85, 0.5, 0.0]})


def _draw_without_glyph_warnings(fig) -> None:
    # A missing glyph is a UserWarning ("Glyph ... missing from font(s)"); an error here
    # means Chinese would print as empty boxes.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        charts.to_png(fig)


def test_setup_fonts_picks_an_installed_cjk_font():
    font = charts.setup_fonts()
    import matplotlib
    assert matplotlib.rcParams["font.sans-serif"][0] == font.family
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    # The font really holds Chinese glyphs: look one up in its character map.
    from matplotlib.ft2font import FT2Font
    ft = FT2Font(font.path)
    assert ft.get_char_index(ord("完")) != 0


def test_chinese_labels_render_without_missing_glyphs():
    charts.setup_fonts()
    fig = charts.rate_bars(_rates(), "name", "rate", title=labels.COLUMN_LABELS["status"],
                           threshold=0.8, threshold_label=labels.PASS_LABELS[True])
    _draw_without_glyph_warnings(fig)
    fig = charts.trend_lines(pd.DataFrame({"month": ["2021-05", "2021-06"], "a": [0.2, -0.1]}),
                             "month", {"a": labels.ASSIGNMENT_STATUS_LABELS["done_on_time"]},
                             title=labels.COLUMN_LABELS["month"])
    _draw_without_glyph_warnings(fig)


def test_glyph_check_catches_a_font_without_chinese(monkeypatch):
    # The check above can fail: with a Latin-only font the same chart warns.
    import matplotlib
    monkeypatch.setitem(matplotlib.rcParams, "font.family", "sans-serif")
    monkeypatch.setitem(matplotlib.rcParams, "font.sans-serif", ["DejaVu Sans"])
    fig = charts.rate_bars(_rates(), "name", "rate", title=labels.COLUMN_LABELS["status"])
    with pytest.raises(UserWarning, match="missing from font"):
        _draw_without_glyph_warnings(fig)


def test_missing_font_error_names_the_fix(monkeypatch):
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("No Such Chinese Font",))
    monkeypatch.setattr(charts, "CJK_FONT_PATHS", ("/nonexistent/font.ttc",))
    monkeypatch.setattr(charts, "_fc_list_files", lambda: [])
    with pytest.raises(charts.CJKFontMissingError) as err:
        charts.find_cjk_font()
    assert "fonts-wqy-microhei" in str(err.value)
    assert "./run.sh setup" in str(err.value)


def test_font_installed_after_the_cache_is_registered(monkeypatch):
    # matplotlib caches its font list: simulate a font it has not seen, present on disk.
    real = charts.find_cjk_font()
    kept = [f for f in font_manager.fontManager.ttflist if f.fname != real.path]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", kept)
    monkeypatch.setattr(charts, "CJK_FONT_PATHS", (real.path,))
    monkeypatch.setattr(charts, "_fc_list_files", lambda: [])
    found = charts.find_cjk_font()
    assert found.path == real.path


def test_rate_bars_colour_below_threshold_and_keep_order():
    charts.setup_fonts()
    fig = charts.rate_bars(_rates(), "name", "rate", title="t", threshold=0.8)
    ax = fig.axes[0]
    # Bars are drawn bottom-up: reversed so the first row is at the top.
    assert [t.get_text() for t in ax.get_yticklabels()] == STATUS[::-1]
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    expected = [charts.FAIL_COLOUR if r < 0.8 else charts.NEUTRAL_COLOUR for r in [0.0, 0.5, 0.85, 1.0]]
    assert colours == expected


def test_pass_fail_matrix_colours_cells():
    charts.setup_fonts()
    m = pd.DataFrame({"a": [True, False], "b": [None, True]}, index=STATUS[:2])
    fig = charts.pass_fail_matrix(m, "t", labels.PASS_LABELS[True], labels.PASS_LABELS[False])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == [labels.PASS_LABELS[True], "", labels.PASS_LABELS[False], labels.PASS_LABELS[True]]
    _draw_without_glyph_warnings(fig)


def test_png_is_deterministic_and_carries_no_version():
    charts.setup_fonts()
    a = charts.to_png(charts.rate_bars(_rates(), "name", "rate", title="t"))
    b = charts.to_png(charts.rate_bars(_rates(), "name", "rate", title="t"))
    assert a.startswith(b"\x89PNG")
    assert a == b
    assert b"Matplotlib" not in a
