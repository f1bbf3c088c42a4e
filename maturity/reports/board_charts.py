"""Charts for the board pack, drawn by matplotlib as SVG text, each with its text alternative.

Level colours: neighbouring levels differ by at least 3:1 in WCAG contrast, so any two
levels side by side stand apart in colour, in grey and for readers who do not see
colour. No single light-to-dark scale can do that for more than three levels (four
steps of 3:1 need 81:1; black on white is 21:1), so the fills alternate light and
dark and the order is carried redundantly: every level has a marker that fills as
the level rises (the Harvey balls ○ ◔ ◑ ◕ ●, or the level's number beyond five
levels), every cell prints its level's name, charts hatch each level differently
and print their numbers, and the pack repeats them in tables.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

from maturity.core.board import BoardPack, TrendLine
from maturity.reports.charts import GRID, TARGET, save

LIGHTS = ["#ffffff", "#d2e2f1", "#bfe3e0", "#fff7bf"]
DARKS = ["#1d70b8", "#003078", "#4c2c92"]
"""Fills for levels, lowest first, alternating: LIGHTS[0], DARKS[0], LIGHTS[1], ..."""
HARVEY = ["○", "◔", "◑", "◕", "●"]
HATCHES = ["", "//", "..", "xx", "\\\\", "++", "oo"]
INK = "#0b0c0c"
LINE = INK
SETTINGS: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "maturity",
    "font.family": "DejaVu Sans",
    "font.size": 8,
}


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a `#rrggbb` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two `#rrggbb` colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def level_colours(n: int) -> list[tuple[str, str]]:
    """(background, text) colours for `n` levels (at most 7), lowest first.

    Neighbouring backgrounds differ by at least 3:1 (see the module docstring); text is
    near-black on light fills and white on dark ones, at least 4.5:1.
    """
    if not 1 <= n <= len(LIGHTS) + len(DARKS):
        raise ValueError(f"level colours are defined for 1 to 7 levels, not {n}")
    fills = [LIGHTS[i // 2] if i % 2 == 0 else DARKS[i // 2] for i in range(n)]
    return [(fill, INK if i % 2 == 0 else "#ffffff") for i, fill in enumerate(fills)]


def level_markers(n: int) -> list[str]:
    """A marker per level, lowest first, that reads in order without colour.

    Harvey balls from empty to full for up to five levels; the level's number beyond.
    """
    if n > len(HARVEY):
        return [str(i + 1) for i in range(n)]
    return [HARVEY[round(i * (len(HARVEY) - 1) / max(n - 1, 1))] for i in range(n)]


PANELS_PER_PAGE = 20
"""Small multiples per trend chart: five rows of four fill a landscape page and stay legible."""


def trend_pages(lines: Sequence[TrendLine]) -> list[list[TrendLine]]:
    """The trend lines in pages of `PANELS_PER_PAGE`, in order."""
    return [list(lines[i : i + PANELS_PER_PAGE]) for i in range(0, len(lines), PANELS_PER_PAGE)]


def trend_alt(pack: BoardPack, lines: Sequence[TrendLine] | None = None) -> str:
    """A trend chart's text alternative: each unit's overall level per period."""
    names = {lv.id: lv.name for lv in pack.levels}
    parts = []
    for line in pack.trends if lines is None else lines:
        steps = ", ".join(
            f"{p.period} {names.get(p.level or '', 'not applicable')}"
            + (f" ({p.score:.2f})" if p.score is not None else "")
            for p in line.points
        )
        parts.append(f"{line.name}: {steps}")
    return "Line charts of each unit's overall score by period. " + "; ".join(parts) + "."


def trend_chart(pack: BoardPack, lines: Sequence[TrendLine] | None = None) -> str:
    """Small multiples: one panel per unit, its overall score across the periods; SVG text.

    Draws `lines` (default: all of the pack's); give one page of `trend_pages` at a time.
    """
    return trend_chart_as(pack, lines, "svg").decode("utf-8")


def trend_chart_as(pack: BoardPack, lines: Sequence[TrendLine] | None, fmt: str) -> bytes:
    """The trend chart (see `trend_chart`) as `svg` or `png` bytes."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    lines = pack.trends if lines is None else lines
    cols = min(4, max(len(lines), 1))
    rows = max(math.ceil(len(lines) / cols), 1)
    periods = pack.periods
    level_names = [lv.name for lv in pack.levels]
    points = [lv.points for lv in pack.levels]
    low, high = points[0], points[-1]
    pad = (high - low) * 0.08
    with rc_context(SETTINGS):
        # Fixed margins rather than the constrained layout, and no shared y axis: every panel
        # sets the same limits itself. Sharing puts all panels in one group whose every
        # set_ylim reaches every sibling, which made 300 panels take minutes (O(panels²)).
        height = 0.4 + 1.0 * rows
        fig = Figure(figsize=(10.2, height))
        fig.subplots_adjust(
            left=0.08,
            right=0.99,
            top=1 - 0.3 / height,
            bottom=0.3 / height,
            wspace=0.3,
            hspace=0.95,
        )
        axes = fig.subplots(rows, cols, squeeze=False)
        for i, ax in enumerate(axes.flat):
            if i >= len(lines):
                ax.set_visible(False)
                continue
            line = lines[i]
            xs = [periods.index(p.period) for p in line.points if p.score is not None]
            ys = [p.score for p in line.points if p.score is not None]
            ax.plot(xs, ys, color=LINE, marker="o", markersize=3.5, linewidth=1.6, zorder=3)
            if ys:
                ax.annotate(
                    f"{ys[-1]:.2f}",
                    (xs[-1], ys[-1]),
                    textcoords="offset points",
                    xytext=(0, 6),
                    ha="center",
                    fontsize=7.5,
                )
            title = textwrap.shorten(line.name, 34, placeholder="…")
            ax.set_title(title + (" (combined)" if line.combined else ""), fontsize=8, loc="left")
            ax.set_xlim(-0.4, len(periods) - 0.6)
            ax.set_xticks(range(len(periods)), periods, fontsize=7)
            ax.set_ylim(low - pad, high + pad)
            if i % cols == 0:  # level names on the left of each row only, as a shared axis would
                ax.set_yticks(points, level_names, fontsize=7)
            else:
                ax.set_yticks(points, [])
            ax.grid(axis="y", color=GRID, linewidth=0.5, zorder=0)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        return save(fig, fmt)


def distribution_alt(pack: BoardPack) -> str:
    """The distribution chart's text alternative: units per level in each domain."""
    names = {d.id: d.name for d in pack.domains}
    parts = []
    for d in pack.distribution:
        counts = ", ".join(f"{n} {lv.name}" for lv in pack.levels if (n := d.counts[lv.id]))
        parts.append(f"{names[d.domain]}: {counts or 'no units assessed'}")
    return (
        "Stacked bar chart of how many units are at each level in each domain. "
        + "; ".join(parts)
        + "."
    )


def distribution_chart(pack: BoardPack) -> str:
    """Stacked horizontal bars: per domain, how many assessed units are at each level; SVG text."""
    return distribution_chart_as(pack, "svg").decode("utf-8")


def distribution_chart_as(pack: BoardPack, fmt: str) -> bytes:
    """The distribution chart (see `distribution_chart`) as `svg` or `png` bytes."""
    from matplotlib import patheffects, rc_context
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    rows = list(reversed(pack.distribution))  # matplotlib draws the first bar at the bottom
    names = {d.id: d.name for d in pack.domains}
    targets = {d.id: d.target for d in pack.domains}
    rank = {lv.id: lv.rank for lv in pack.levels}
    colours = level_colours(len(pack.levels))
    hatches = HATCHES[: len(pack.levels)]
    # A target mark drawn in black with a white edge shows on light and dark fills alike.
    outlined = [patheffects.withStroke(linewidth=4.5, foreground="#ffffff")]
    with rc_context({**SETTINGS, "hatch.linewidth": 0.6}):
        fig = Figure(figsize=(10.2, 0.8 + 0.34 * len(rows)), layout="constrained")
        ax = fig.add_subplot()
        left = [0] * len(rows)
        for lv, (bg, fg), hatch in zip(pack.levels, colours, hatches, strict=True):
            widths = [d.counts[lv.id] for d in rows]
            bars = ax.barh(
                range(len(rows)),
                widths,
                left=left,
                color=bg,
                edgecolor=fg,
                hatch=hatch,
                linewidth=0,
                height=0.62,
                zorder=2,
            )
            for bar in bars:  # the hatch takes the edge colour; the outline stays black
                bar.set_edgecolor(fg)
            ax.barh(
                range(len(rows)),
                widths,
                left=left,
                fill=False,
                edgecolor=LINE,
                linewidth=0.5,
                height=0.62,
                zorder=2,
            )
            for y, (x0, w) in enumerate(zip(left, widths, strict=True)):
                if w:
                    ax.text(
                        x0 + w / 2,
                        y,
                        str(w),
                        ha="center",
                        va="center",
                        color=fg,
                        fontsize=7.5,
                        fontweight="bold",
                        bbox={"boxstyle": "round,pad=0.3", "facecolor": bg, "linewidth": 0},
                        zorder=4,
                    )
            left = [a + b for a, b in zip(left, widths, strict=True)]
        for y, d in enumerate(rows):
            target = targets.get(d.domain)
            if target is None or d.at_target is None:
                continue
            # The target line sits where the units below target end.
            below = sum(n for lv, n in d.counts.items() if rank[lv] < rank[target])
            ax.plot(
                [below, below],
                [y - 0.46, y + 0.46],
                color=TARGET,
                linewidth=2.2,
                zorder=5,
                clip_on=False,
                path_effects=outlined,
            )
        # Wrapped, not cut short: a board member reads the whole domain name.
        labels = [textwrap.fill(names[d.domain], 34) for d in rows]
        ax.set_yticks(range(len(rows)), labels)
        # A margin each side, so a target mark at either end of a bar stays in view.
        total = max([*left, 1])
        ax.set_xlim(-0.02 * total, total * 1.02)
        ax.set_xlabel("Units")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        markers = level_markers(len(pack.levels))
        handles: list[Any] = [
            Patch(facecolor=bg, edgecolor=fg, hatch=hatch, linewidth=0.5, label=f"{m} {lv.name}")
            for lv, (bg, fg), hatch, m in zip(pack.levels, colours, hatches, markers, strict=True)
        ]
        handles.append(
            Line2D([], [], color=TARGET, linewidth=2.2, label="Target: units right of it")
        )
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False)
        return save(fig, fmt)
