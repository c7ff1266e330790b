"""Charts for the reports: matplotlib figures with a Chinese (CJK) font, shown as PNG.

Figures are built on `matplotlib.figure.Figure` directly, not through pyplot, so they do
not depend on the backend the kernel happens to have (MPLBACKEND=Agg in CI) and are never
left open. `show(fig)` displays a PNG (nbval compares SVG but not PNG) without the
matplotlib version in its metadata, so the same data gives the same bytes.
"""
from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.ticker
import pandas as pd
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from .display import percent_text

#: CJK families we know cover simplified Chinese, best first. The first one installed wins.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
    "Hiragino Sans GB", "Heiti SC", "Droid Sans Fallback", "AR PL UMing CN",
)
#: Where Debian/Ubuntu, Fedora, macOS and Windows put such fonts; used when fc-list is absent
#: or when the font was installed after matplotlib cached its font list.
CJK_FONT_PATHS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
#: What to tell a user whose machine has no CJK font.
FONT_FIX = ("install a Chinese font: `sudo apt-get install fonts-wqy-microhei` on Debian/Ubuntu "
            "(or `fonts-noto-cjk`), or run `./run.sh setup` which does it for you")

#: Colours shared by charts and the PDF stylesheet: done/pass, warning, fail/overdue, neutral.
PASS_COLOUR = "#2e7d32"
WARN_COLOUR = "#f9a825"
FAIL_COLOUR = "#c62828"
NEUTRAL_COLOUR = "#1f5f99"
PNG_DPI = 150


class CJKFontMissingError(RuntimeError):
    """No font that can draw Chinese is installed; the message says how to install one."""


@dataclass(frozen=True)
class CJKFont:
    family: str
    path: str


def _fc_list_files() -> list[str]:
    """Files of fonts fontconfig says cover Chinese; empty when fc-list is not installed."""
    exe = shutil.which("fc-list")
    if not exe:
        return []
    try:
        out = subprocess.run([exe, ":lang=zh", "file"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


def _installed(families: tuple[str, ...]) -> CJKFont | None:
    by_name = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for fam in families:
        if fam in by_name:
            return CJKFont(fam, by_name[fam])
    return None


def find_cjk_font() -> CJKFont:
    """The best installed CJK font, registering font files matplotlib has not seen yet.

    matplotlib caches its font list, so a font installed after the cache was written is
    invisible to it until registered with `fontManager.addfont`; we register the files
    fontconfig reports and the well-known paths. Raises CJKFontMissingError naming the fix.

    >>> bool(find_cjk_font().family)
    True
    """
    found = _installed(CJK_FAMILIES)
    if found:
        return found
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in (*_fc_list_files(), *CJK_FONT_PATHS):
        if path not in known and Path(path).is_file():
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue  # unreadable font file: try the next one
    found = _installed(CJK_FAMILIES)
    if found:
        return found
    # A CJK font fontconfig knows under a family name not in our list: still usable.
    for path in _fc_list_files():
        for f in font_manager.fontManager.ttflist:
            if f.fname == path:
                return CJKFont(f.name, path)
    raise CJKFontMissingError("未找到中文字体，图表和 PDF 会显示方框 / no Chinese font found, charts and "
                              f"PDF would show empty boxes: {FONT_FIX}")


def setup_fonts() -> CJKFont:
    """Make matplotlib draw Chinese: pick a CJK font as the sans-serif default.

    >>> setup_fonts().family == matplotlib.rcParams["font.sans-serif"][0]
    True
    """
    font = find_cjk_font()
    matplotlib.rcParams["font.family"] = "sans-serif"
    rest = [f for f in matplotlib.rcParams["font.sans-serif"] if f != font.family]
    matplotlib.rcParams["font.sans-serif"] = [font.family, *rest]
    # The CJK fonts lack U+2212 (minus sign); use the ASCII hyphen instead.
    matplotlib.rcParams["axes.unicode_minus"] = False
    # PNG and SVG without dates or version strings: same data, same bytes.
    matplotlib.rcParams["svg.hashsalt"] = "credit-ledger"
    return font


def new_figure(width: float = 7.0, height: float = 3.6) -> Figure:
    """A Figure with an Agg canvas, independent of pyplot and the active backend.

    >>> fig = new_figure()
    >>> fig.get_size_inches().tolist()
    [7.0, 3.6]
    """
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def to_png(fig: Figure, dpi: int = PNG_DPI) -> bytes:
    """PNG bytes of a figure, with no Software/date metadata.

    >>> to_png(new_figure(2, 1))[:4]
    b'\x89PNG'
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def show(fig: Figure) -> None:
    """Display a figure in the notebook as PNG (never SVG) and release it.

    Example::

        show(rate_bars(df, "department", "rate", "完成率", threshold=0.8))   # in a notebook cell
    """
    from IPython.display import Image, display

    display(Image(data=to_png(fig), format="png"))


def _pct_axis(ax, axis: str = "x") -> None:
    fmt = matplotlib.ticker.PercentFormatter(xmax=1.0, decimals=0)
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def rate_bars(df: pd.DataFrame, category: str, rate: str, title: str,
              threshold: float | None = None, threshold_label: str | None = None,
              width: float = 7.0) -> Figure:
    """Horizontal bars of a 0-1 rate per category (completion by indicator or department).

    Bars below `threshold` are drawn in the fail colour; a dashed line marks the threshold.
    Categories keep the order of `df` (first at the top).

    >>> fig = rate_bars(pd.DataFrame({"dept": ["运管科", "法规科"], "rate": [0.9, 0.5]}), "dept", "rate", "完成率", threshold=0.8)
    >>> len(fig.axes)
    1
    """
    data = df[[category, rate]].copy()
    data[rate] = pd.to_numeric(data[rate], errors="coerce").fillna(0.0)
    labels = data[category].astype(str).tolist()[::-1]
    values = data[rate].tolist()[::-1]
    fig = new_figure(width, max(1.6, 0.32 * len(labels) + 0.9))
    ax = fig.add_subplot()
    colours = [FAIL_COLOUR if threshold is not None and v < threshold else NEUTRAL_COLOUR for v in values]
    bars = ax.barh(range(len(labels)), values, color=colours, height=0.65)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlim(0, 1.12)
    _pct_axis(ax, "x")
    for bar, v in zip(bars, values):
        ax.text(v + 0.01, bar.get_y() + bar.get_height() / 2, percent_text(v), va="center", fontsize=8)
    if threshold is not None:
        ax.axvline(threshold, color=FAIL_COLOUR, linestyle="--", linewidth=1,
                   label=threshold_label or f"{threshold:.0%}")
        ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def trend_lines(df: pd.DataFrame, x: str, series: dict[str, str], title: str,
                percent: bool = True) -> Figure:
    """Lines of several measures across months: `series` maps a column to its legend label.

    >>> df = pd.DataFrame({"month": ["2021-05", "2021-06"], "done": [0.4, 0.6]})
    >>> len(trend_lines(df, "month", {"done": "完成率"}, "趋势").axes[0].lines)
    1
    """
    fig = new_figure(7.0, 3.2)
    ax = fig.add_subplot()
    xs = df[x].astype(str).tolist()
    for col, lab in series.items():
        ax.plot(xs, pd.to_numeric(df[col], errors="coerce"), marker="o", label=lab)
    if percent:
        ax.set_ylim(0, 1.05)
        _pct_axis(ax, "y")
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    ax.spines[["top", "right"]].set_visible(False)
    for lab in ax.get_xticklabels():
        lab.set_rotation(45)
    return fig


def pass_fail_matrix(matrix: pd.DataFrame, title: str, pass_text: str, fail_text: str,
                     na_text: str = "") -> Figure:
    """A rows × columns grid coloured green (True), red (False) or grey (missing).

    >>> m = pd.DataFrame({"2021-05": [True, False]}, index=["运管科", "法规科"])
    >>> len(pass_fail_matrix(m, "按时报送", "达标", "未达标").axes)
    1
    """
    n_rows, n_cols = matrix.shape
    # object first: mapping an all-NA "boolean" column keeps that dtype, which refuses 1.
    codes = matrix.astype(object).apply(lambda c: c.map({True: 2, False: 0})).fillna(1).astype(int).to_numpy()
    fig = new_figure(max(5.0, 1.1 * n_cols + 2.5), max(1.8, 0.34 * n_rows + 1.2))
    ax = fig.add_subplot()
    ax.imshow(codes, cmap=ListedColormap([FAIL_COLOUR, "#bdbdbd", PASS_COLOUR]), vmin=0, vmax=2,
              aspect="auto")
    text = {2: pass_text, 0: fail_text, 1: na_text}
    for i in range(n_rows):
        for j in range(n_cols):
            ax.text(j, i, text[codes[i, j]], ha="center", va="center", color="white", fontsize=8)
    ax.set_xticks(range(n_cols), [str(c) for c in matrix.columns], fontsize=8)
    ax.set_yticks(range(n_rows), [str(r) for r in matrix.index], fontsize=8)
    ax.xaxis.tick_top()
    fig.suptitle(title)  # above the top tick labels, which an axes title would overlap
    return fig


def grouped_rate_bars(df: pd.DataFrame, category: str, rates: dict[str, str], title: str,
                      width: float = 7.0) -> Figure:
    """Horizontal bars of several 0-1 rates per category, side by side (cities compared).

    `rates` maps a column to its legend label; categories keep the order of `df` (first at
    the top); a missing rate draws no bar and no percentage.

    >>> df = pd.DataFrame({"city": ["安阳市", "鹤壁市"], "a": [0.9, 0.7], "b": [0.5, 0.6]})
    >>> len(grouped_rate_bars(df, "city", {"a": "完成率", "b": "报送率"}, "各市").axes)
    1
    """
    cats = df[category].astype(str).tolist()[::-1]
    n, k = len(cats), max(1, len(rates))
    fig = new_figure(width, max(1.8, (0.16 * k + 0.08) * n + 1.2))
    ax = fig.add_subplot()
    height = 0.8 / k
    colours = [NEUTRAL_COLOUR, WARN_COLOUR, PASS_COLOUR, FAIL_COLOUR]
    for j, (col, lab) in enumerate(rates.items()):
        values = pd.to_numeric(df[col], errors="coerce").tolist()[::-1]
        # The first series on top within each category.
        ys = [i + (k - 1 - j - (k - 1) / 2) * height for i in range(n)]
        shown = [(y, v) for y, v in zip(ys, values) if pd.notna(v)]
        ax.barh([y for y, _ in shown], [v for _, v in shown], height=height * 0.9,
                color=colours[j % len(colours)], label=lab)
        for y, v in shown:
            ax.text(v + 0.01, y, percent_text(v), va="center", fontsize=7)
    ax.set_yticks(range(n), cats)
    ax.set_xlim(0, 1.15)
    _pct_axis(ax, "x")
    ax.set_title(title)
    # Below the axes, so no legend hides a bar near 100%.
    fig.legend(loc="outside lower center", ncols=k, fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


#: Colours of the nine statuses (metrics.STATUSES) in stacked bars: done greens, ongoing blues,
#: warnings amber, failures red, not applicable greys.
STATUS_COLOURS: dict[str, str] = {
    "done_on_time": "#2e7d32", "done_late": "#81c784", "on_track": "#1f5f99", "in_progress": "#90caf9",
    "due_this_month": "#f9a825", "overdue": "#c62828", "not_reported": "#ef9a9a",
    "na_approved": "#bdbdbd", "na_claimed": "#757575",
}


def stacked_counts(df: pd.DataFrame, category: str, parts: dict[str, str], title: str,
                   colours: dict[str, str], width: float = 7.0) -> Figure:
    """Horizontal stacked bars of counts per category (status composition by indicator or
    department): `parts` maps a count column to its legend label, in stacking order.
    Categories keep the order of `df` (first at the top); a part with no count anywhere is
    left out of the legend.

    >>> df = pd.DataFrame({"ind": ["一", "二"], "done": [3, 1], "late": [1, 2]})
    >>> len(stacked_counts(df, "ind", {"done": "完成", "late": "逾期"}, "构成", {"done": "green", "late": "red"}).axes)
    1
    """
    cats = df[category].astype(str).tolist()[::-1]
    shown = {c: lab for c, lab in parts.items() if c in df and pd.to_numeric(df[c]).sum() > 0}
    fig = new_figure(width, max(1.8, 0.3 * len(cats) + 1.4))
    ax = fig.add_subplot()
    left = [0.0] * len(cats)
    for col, lab in shown.items():
        vals = pd.to_numeric(df[col], errors="coerce").fillna(0).tolist()[::-1]
        ax.barh(range(len(cats)), vals, left=left, color=colours.get(col, NEUTRAL_COLOUR), label=lab,
                height=0.65)
        left = [a + b for a, b in zip(left, vals)]
    for i, total in enumerate(left):
        ax.text(total + 0.2, i, str(int(total)), va="center", fontsize=7)
    ax.set_yticks(range(len(cats)), cats, fontsize=8)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside lower center", ncols=min(5, max(1, len(shown))), fontsize=7, frameon=False)
    return fig
