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

BAR = "#1d70b8"
MET = "#00703c"
TARGET = "#0b0c0c"
GRID = "#b1b4b6"


@dataclass(frozen=True)
class DomainBar:
    """One domain on the chart: its name, its level's rank and its target's rank (from 0)."""

    name: str
    rank: int | None
    target: int | None


@dataclass(frozen=True)
class ChartSpec:
    """What the domain chart shows: the scale's level names, lowest first, and the domains."""

    levels: list[str]
    domains: list[DomainBar]

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ChartSpec:
        data = json.loads(text)
        return cls(levels=list(data["levels"]), domains=[DomainBar(**d) for d in data["domains"]])


def domain_chart_alt(spec: ChartSpec) -> str:
    """The chart's text alternative: every domain's level and target in words."""
    parts = []
    for d in spec.domains:
        level = "not applicable" if d.rank is None else spec.levels[d.rank]
        target = "" if d.target is None else f" (target {spec.levels[d.target]})"
        parts.append(f"{d.name}: {level}{target}")
    return "Bar chart of each domain's maturity level against its target. " + "; ".join(parts) + "."


def domain_chart(spec: ChartSpec) -> str:
    """A horizontal bar chart of domain levels, with each target marked; SVG text."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    rows = list(reversed(spec.domains))  # matplotlib draws the first bar at the bottom
    top = len(spec.levels)
    height = 0.8 + 0.3 * len(rows)
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
        values = [0 if d.rank is None else d.rank + 1 for d in rows]
        colours = [
            MET if d.rank is not None and d.target is not None and d.rank >= d.target else BAR
            for d in rows
        ]
        ax.barh(range(len(rows)), values, color=colours, height=0.6, zorder=2)
        for y, d in enumerate(rows):
            if d.target is not None:
                ax.plot(
                    [d.target + 1] * 2, [y - 0.42, y + 0.42], color=TARGET, linewidth=2.2, zorder=3
                )
        ax.set_yticks(range(len(rows)), labels)
        ax.set_xlim(0, top + 0.05)
        ax.set_xticks(range(1, top + 1), spec.levels)
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
        out = io.StringIO()
        FigureCanvasSVG(fig).print_svg(  # type: ignore[no-untyped-call]
            out, metadata={"Date": None, "Creator": None}
        )
    return out.getvalue()


def main() -> None:
    """Read a ChartSpec as JSON on stdin; write the domain chart's SVG to stdout."""
    import matplotlib.backends.backend_svg  # noqa: F401  (import while the caller writes the spec)

    spec = ChartSpec.from_json(sys.stdin.read())
    sys.stdout.write(domain_chart(spec))


if __name__ == "__main__":
    main()
