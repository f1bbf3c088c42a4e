"""Charts for reports, drawn by matplotlib as SVG (vector) text.

Only matplotlib draws; this module turns report data into its calls. Every chart
comes with a text alternative (`domain_chart_alt`) for the tagged PDF.

Run as `python -m maturity.reports.charts` it reads a chart spec as JSON on stdin and
writes the SVG to stdout, so a caller can draw in a second process while it does
other work (matplotlib takes most of a second to import).
"""

from __future__ import annotations

import io
import json
import sys
import textwrap
from dataclasses import asdict, dataclass
from typing import Any

BAR = "#1d70b8"
MET = "#00703c"
TARGET = "#0b0c0c"
GRID = "#b1b4b6"


@dataclass(frozen=True)
class DomainBar:
    """One domain on the chart: its name, its score, and its target level's points.

    `rank` and `target` are level ranks from 0 (None: not applicable, no target).
    """

    name: str
    score: float | None
    rank: int | None
    target: int | None


@dataclass(frozen=True)
class ChartSpec:
    """What the domain chart shows: the scale's levels (names and points), lowest first."""

    levels: list[str]
    points: list[float]
    domains: list[DomainBar]

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ChartSpec:
        data = json.loads(text)
        return cls(
            levels=list(data["levels"]),
            points=[float(p) for p in data["points"]],
            domains=[DomainBar(**d) for d in data["domains"]],
        )


def domain_chart_alt(spec: ChartSpec) -> str:
    """The chart's text alternative: every domain's score, level and target in words."""
    parts = []
    for d in spec.domains:
        if d.score is None or d.rank is None:
            shown = "not applicable"
        else:
            shown = f"{d.score:.2f} ({spec.levels[d.rank]})"
        target = ""
        if d.target is not None:
            target = f", target {spec.points[d.target]:g} ({spec.levels[d.target]})"
        parts.append(f"{d.name}: {shown}{target}")
    return "Bar chart of each domain's score against its target. " + "; ".join(parts) + "."


def save(fig: Any, fmt: str = "svg") -> bytes:
    """A matplotlib figure as SVG (text kept as text) or as PNG at 200 dpi (for Word)."""
    out = io.BytesIO()
    if fmt == "png":
        fig.savefig(out, format="png", dpi=200, metadata={"Software": None})
    else:
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def domain_chart(spec: ChartSpec) -> str:
    """A horizontal bar chart of domain scores, each target marked, levels on the axis; SVG."""
    return domain_chart_as(spec, "svg").decode("utf-8")


def domain_chart_as(spec: ChartSpec, fmt: str) -> bytes:
    """The domain chart (see `domain_chart`) as `svg` or `png` bytes."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    rows = list(reversed(spec.domains))  # matplotlib draws the first bar at the bottom
    low, top = spec.points[0], spec.points[-1]
    height = 0.75 + 0.24 * len(rows)
    with rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "maturity",
            "font.family": "DejaVu Sans",
            "font.size": 9,
        }
    ):
        fig = Figure(figsize=(7.2, height), layout="constrained")
        ax = fig.add_subplot()
        labels = [textwrap.shorten(d.name, 48, placeholder="…") for d in rows]
        # Bars start from zero so that their lengths compare as scores do.
        values = [0.0 if d.score is None else d.score for d in rows]
        colours = [
            MET if d.rank is not None and d.target is not None and d.rank >= d.target else BAR
            for d in rows
        ]
        ax.barh(range(len(rows)), values, color=colours, height=0.6, zorder=2)
        for y, d in enumerate(rows):
            if d.target is not None:
                x = spec.points[d.target]
                ax.plot([x, x], [y - 0.42, y + 0.42], color=TARGET, linewidth=2.2, zorder=3)
            if d.score:
                # Inside the bar's start, where no target mark falls (scores start at a level's
                # points, above zero).
                ax.text(0.06, y, f"{d.score:.2f}", fontsize=7.5, va="center", color="#ffffff")
        ax.set_yticks(range(len(rows)), labels)
        ax.set_xlim(0, top + 0.05 * (top - low + 1))
        ticks = [f"{n}\n{p:g}" for n, p in zip(spec.levels, spec.points, strict=True)]
        ax.set_xticks(spec.points, ticks)
        ax.grid(axis="x", color=GRID, linewidth=0.6, zorder=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(
            handles=[
                Patch(color=BAR, label="Below target"),
                Patch(color=MET, label="Target met"),
                Line2D([], [], color=TARGET, linewidth=2.2, label="Target"),
            ],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12 - 0.2 / max(len(rows), 1)),
            ncols=3,
            frameon=False,
        )
        return save(fig, fmt)


def main() -> None:
    """Read a ChartSpec as JSON on stdin; write the domain chart's SVG to stdout."""
    import matplotlib.backends.backend_svg  # noqa: F401  (import while the caller writes the spec)

    spec = ChartSpec.from_json(sys.stdin.read())
    sys.stdout.write(domain_chart(spec))


if __name__ == "__main__":
    main()
