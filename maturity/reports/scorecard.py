"""The unit scorecard: one page that shows the assessment itself, as PDF or Word.

Where the plan says what to do, the scorecard says where the unit stands: its
overall level, score and rating (explained together), each domain's score against
its target with the chart, how complete and how well evidenced the answers are,
and the three gaps to close first. It is built from the same `PlanReport` as the
plan, so the two never disagree.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from maturity.reports.plan import PlanReport, context

TEMPLATE = "scorecard.html.j2"
FIRST_GAPS = 3


def scorecard_context(report: PlanReport, chart_src: str) -> dict[str, Any]:
    """The plan's context plus what the scorecard adds: evidence counts and the first gaps."""
    ctx = context(report, chart_src)
    criteria = [c for c in report.score.criteria if c.level != "not_applicable"]
    answered = [c for c in criteria if c.answered]
    ctx.update(
        title=f"{ctx['unit_name']}: equality maturity scorecard {ctx['period']}",
        applicable=len(criteria),
        answered=len(answered),
        evidenced=sum(1 for c in answered if c.has_evidence),
        capped=sum(1 for c in criteria if c.capped),
        overall_score=report.score.overall.score,
        top_points=report.fw.levels[-1].points,
        first=sorted(report.plan.items, key=lambda i: i.priority)[:FIRST_GAPS],
    )
    return ctx


def write_pdf(report: PlanReport, path: Path, force: bool = False) -> int:
    """Render the scorecard to a tagged PDF at `path`, atomically; the number of pages."""
    from maturity.reports.charts import domain_chart
    from maturity.reports.render import GENERATED_SCHEME, render_html, render_pdf

    svg = domain_chart(report.chart_spec()).encode("utf-8")
    html = render_html(TEMPLATE, scorecard_context(report, f"{GENERATED_SCHEME}:chart/card.svg"))
    return render_pdf(
        html, path, force, resources={"chart/card.svg": lambda: (svg, "image/svg+xml")}
    )


def html_document(report: PlanReport) -> str:
    """The scorecard as one self-contained HTML document (for tests and the web)."""
    from maturity.reports.charts import domain_chart
    from maturity.reports.render import render_html

    svg = domain_chart(report.chart_spec()).encode("utf-8")
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return render_html(TEMPLATE, scorecard_context(report, src))


def write_docx(report: PlanReport, path: Path, force: bool = False) -> None:
    """The scorecard as a Word document (see `maturity.reports.word`)."""
    from maturity.reports.charts import domain_chart_as
    from maturity.reports.word import domains_table, new_document, picture, save

    ctx = scorecard_context(report, "")
    doc = new_document(ctx["title"], ctx["organisation"])
    doc.add_paragraph(ctx["organisation"])
    doc.add_heading(ctx["title"], level=1)
    doc.add_paragraph(
        f"{ctx['unit_path']}. {ctx['framework']['name']}, version {ctx['framework']['version']}. "
        f"{ctx['drafted_on']}."
    )
    doc.add_heading(f"Overall: {ctx['overall_level']}", level=2)
    doc.add_paragraph(ctx["level_and_rating"])
    doc.add_paragraph(
        f"Answered {ctx['answered']} of {ctx['applicable']} applicable criteria; "
        f"{ctx['evidenced']} with evidence; {ctx['capped']} claims capped for want of evidence."
    )
    doc.add_heading("Domains against their targets", level=2)
    picture(doc, domain_chart_as(report.chart_spec(), "png"), ctx["chart_alt"], 165)
    domains_table(doc, ctx["domains"])
    doc.add_heading("First to close", level=2)
    if ctx["first"]:
        for item in ctx["first"]:
            doc.add_paragraph(
                f"{ctx['refs'][item.ref]} {item.title}: from {ctx['levels'][item.current]} to "
                f"{ctx['levels'][item.target]}, {item.timeframe}.",
                style="List Number",
            )
    else:
        doc.add_paragraph("Every criterion has reached its target level.")
    save(doc, path, force)
