"""Charts for the board pack, drawn by matplotlib as SVG text, each with its text alternative.

The level colours are one sequential scale from light to dark, so levels stay in
order when printed in grey and for readers who do not see colour; every chart
prints its numbers too, and the pack repeats them in tables.
"""

from __future__ import annotations

import io
import math
import textwrap
from typing import Any

from maturity.core.board import BoardPack
from maturity.reports.charts import GRID, TARGET

PALETTE = ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"]
"""ColorBrewer Blues, light to dark; picked evenly for the framework's number of levels."""
LINE = "#0b0c0c"
SETTINGS: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "maturity",
    "font.family": "DejaVu Sans",
    "font.size": 8,
}


def level_colours(n: int) -> list[tuple[str, str]]:
    """(background, text) colours for `n` levels, lowest first; text contrast at least 4.5:1."""
    picks = [int(i * (len(PALETTE) - 1) / max(n - 1, 1) + 0.5) for i in range(n)]
    return [(PALETTE[p], "#ffffff" if p >= 5 else "#0b0c0c") for p in picks]


def _svg(fig: Any) -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    out = io.StringIO()
    canvas: Any = FigureCanvasSVG(fig)
    canvas.print_svg(out, metadata={"Date": None, "Creator": None})
    return out.getvalue()


def trend_alt(pack: BoardPack) -> str:
    """The trend chart's text alternative: each unit's overall level per period."""
    names = {lv.id: lv.name for lv in pack.levels}
    parts = []
    for line in pack.trends:
        steps = ", ".join(
            f"{p.period} {names.get(p.level or '', 'not applicable')}"
            + (f" ({p.score:.2f})" if p.score is not None else "")
            for p in line.points
        )
        parts.append(f"{line.name}: {steps}")
    return "Line charts of each unit's overall score by period. " + "; ".join(parts) + "."


def trend_chart(pack: BoardPack) -> str:
    """Small multiples: one panel per unit, its overall score across the periods; SVG text."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    lines = pack.trends
    cols = min(4, max(len(lines), 1))
    rows = max(math.ceil(len(lines) / cols), 1)
    periods = pack.periods
    level_names = [lv.name for lv in pack.levels]
    points = [lv.points for lv in pack.levels]
    low, high = points[0], points[-1]
    pad = (high - low) * 0.08
    with rc_context(SETTINGS):
        fig = Figure(figsize=(10.2, 0.3 + 1.75 * rows), layout="constrained")
        axes = fig.subplots(rows, cols, squeeze=False, sharey=True)
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
            ax.set_yticks(points, level_names, fontsize=7)
            ax.grid(axis="y", color=GRID, linewidth=0.5, zorder=0)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        return _svg(fig)


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
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    rows = list(reversed(pack.distribution))  # matplotlib draws the first bar at the bottom
    names = {d.id: d.name for d in pack.domains}
    targets = {d.id: d.target for d in pack.domains}
    rank = {lv.id: lv.rank for lv in pack.levels}
    colours = level_colours(len(pack.levels))
    with rc_context(SETTINGS):
        fig = Figure(figsize=(10.2, 0.8 + 0.3 * len(rows)), layout="constrained")
        ax = fig.add_subplot()
        left = [0] * len(rows)
        for lv, (bg, fg) in zip(pack.levels, colours, strict=True):
            widths = [d.counts[lv.id] for d in rows]
            ax.barh(
                range(len(rows)),
                widths,
                left=left,
                color=bg,
                edgecolor=LINE,
                linewidth=0.5,
                height=0.62,
                zorder=2,
            )
            for y, (x0, w) in enumerate(zip(left, widths, strict=True)):
                if w:
                    ax.text(x0 + w / 2, y, str(w), ha="center", va="center", color=fg, fontsize=7.5)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        for y, d in enumerate(rows):
            target = targets.get(d.domain)
            if target is None or d.at_target is None:
                continue
            # The target line sits where the units below target end.
            below = sum(n for lv, n in d.counts.items() if rank[lv] < rank[target])
            ax.plot([below, below], [y - 0.42, y + 0.42], color=TARGET, linewidth=2.2, zorder=3)
        labels = [textwrap.shorten(names[d.domain], 52, placeholder="…") for d in rows]
        ax.set_yticks(range(len(rows)), labels)
        ax.set_xlim(0, max([*left, 1]))
        ax.set_xlabel("Units")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles: list[Any] = [
            Patch(facecolor=bg, edgecolor=LINE, linewidth=0.5, label=lv.name)
            for lv, (bg, _) in zip(pack.levels, colours, strict=True)
        ]
        handles.append(
            Line2D([], [], color=TARGET, linewidth=2.2, label="Target: units right of it")
        )
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.5 / max(len(rows), 1) - 0.12),
            ncols=len(handles),
            frameon=False,
        )
        return _svg(fig)
