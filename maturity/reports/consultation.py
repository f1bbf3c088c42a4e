"""The consultation report: what staff said, by theme, beside the unit's self-assessment.

A tagged PDF like the other reports. It shows the number of responses, who responded (small
groups merged), themes by domain as counts and a chart, representative quotes (redacted, never
from a respondent whose answers about themselves fewer than the threshold share), uncovered
themes, and the cross-reference with the unit's self-assessed levels.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from maturity.core.consultation import Consultation
from maturity.core.consultation.analysis import (
    NEAR,
    OFTEN_SHARE,
    CrossRow,
    Mapped,
    Theme,
    Uncovered,
    cross_reference,
    often,
    themes,
    uncovered,
)
from maturity.core.consultation.groups import breakdown
from maturity.core.framework import Framework
from maturity.core.scoring import Score

TEMPLATE = "consultation.html.j2"
CHART = "chart/themes.svg"
BAR = "#1d70b8"
GRID = "#b1b4b6"


@dataclass(frozen=True)
class ConsultationReport:
    """Everything the report shows, worked out from the mapped consultation."""

    fw: Framework
    consultation: Consultation
    mapped: list[Mapped]
    score: Score | None
    """The self-assessment of the unit cross-referenced, if there is one."""
    threshold: int
    organisation: str
    on: date

    @property
    def themes(self) -> list[Theme]:
        return themes(self.fw, self.consultation, self.mapped, self.threshold)

    @property
    def uncovered(self) -> Uncovered:
        return uncovered(self.consultation, self.mapped, self.threshold)

    @property
    def cross(self) -> list[CrossRow]:
        return cross_reference(self.fw, self.mapped, len(self.consultation.responses), self.score)


def chart_alt(found: list[Theme]) -> str:
    """The chart's text alternative: every domain's count in words."""
    parts = [f"{t.name}: {t.responses}" for t in found]
    return "Bar chart of the number of responses raising each domain. " + "; ".join(parts) + "."


def chart_svg(found: list[Theme]) -> bytes:
    """A horizontal bar chart of responses per domain; SVG bytes."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rows = list(reversed(found))
    with rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "maturity", "font.family": "DejaVu Sans",
         "font.size": 9}
    ):  # fmt: skip
        fig = Figure(figsize=(7.2, 0.8 + 0.3 * len(rows)), layout="constrained")
        ax = fig.add_subplot()
        ax.barh(range(len(rows)), [t.responses for t in rows], color=BAR, height=0.6, zorder=2)
        ax.set_yticks(
            range(len(rows)), [textwrap.shorten(t.name, 48, placeholder="…") for t in rows]
        )
        ax.set_xlabel("Responses")
        ax.grid(axis="x", color=GRID, linewidth=0.6, zorder=0)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        out = io.StringIO()
        FigureCanvasSVG(fig).print_svg(  # type: ignore[no-untyped-call]
            out, metadata={"Date": None, "Creator": None}
        )
    return out.getvalue().encode("utf-8")


def context(report: ConsultationReport, chart_src: str) -> dict[str, Any]:
    """The template context for the consultation report."""
    c = report.consultation
    found = report.themes
    cross = report.cross
    total = len(c.responses)
    unit_name = c.unit.rsplit("/", 1)[-1] if c.unit else c.name
    return {
        "title": f"{unit_name}: staff consultation {c.period or ''}".strip(),
        "organisation": report.organisation,
        "consultation": c,
        "unit_name": unit_name,
        "total": total,
        "redactions": c.redactions,
        "reviewed": sum(m.reviewed for m in report.mapped),
        "framework": {"name": report.fw.name, "version": report.fw.version},
        "date": f"{report.on.day} {report.on:%B %Y}",
        "threshold": report.threshold,
        "groups": [
            (column, breakdown(c.responses, column, report.threshold)) for column in c.group_columns
        ],
        "themes": found,
        "chart_src": chart_src,
        "chart_alt": chart_alt(found),
        "uncovered": report.uncovered,
        "cross": cross,
        "flagged": [row for row in cross if row.flagged],
        "has_score": report.score is not None,
        "assessed_unit": report.score.unit.rsplit("/", 1)[-1] if report.score else None,
        "often": often(total),
        "often_share": round(OFTEN_SHARE * 100),
        "near": round(NEAR * 100),
        "high_level": report.fw.levels[-2].name,
        "inline_css": None,
    }


def write_pdf(report: ConsultationReport, path: Path, force: bool = False) -> int:
    """Render the report to a tagged PDF at `path`, atomically; the number of pages."""
    from maturity.reports.render import GENERATED_SCHEME, render_html, render_pdf

    svg = chart_svg(report.themes)
    html = render_html(TEMPLATE, context(report, f"{GENERATED_SCHEME}:{CHART}"))
    return render_pdf(html, path, force, resources={CHART: lambda: (svg, "image/svg+xml")})
