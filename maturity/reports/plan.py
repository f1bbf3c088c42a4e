"""The action-plan report: from an assessment to the plan's HTML and PDF.

Gathers what the templates show from the core's results: the cover and summary
(domain scores against targets, with the chart), the plan's priorities (the top
`max_items` by priority, under numbered aims), an annex table for the rest, and
the evidence appendix. Untrusted text stays text: the templates escape it.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from maturity.core.assessment import Assessment
from maturity.core.band_path import BandPath
from maturity.core.errors import MaturityError
from maturity.core.framework import Framework
from maturity.core.gaps import DomainGap, Targets, domain_gaps, find_gaps
from maturity.core.plan import COLUMNS, ActionPlan, PlanConfig, PlanItem, aim_refs, draft_plan
from maturity.core.scoring import Score
from maturity.reports.charts import ChartSpec, DomainBar, domain_chart, domain_chart_alt

TEMPLATE = "action-plan.html.j2"
CHART = "chart/domains.svg"
MAX_ITEMS = 10
"""The plan's main table shows this many items by default; the rest go to the annex."""


@dataclass(frozen=True)
class PlanReport:
    """Everything one plan report needs: the plan itself and what the summary shows.

    `max_items` caps the main table (0: every item in it, no annex); `evidence` adds the
    appendix of the evidence the team gave.
    """

    fw: Framework
    assessment: Assessment
    score: Score
    plan: ActionPlan
    domains: list[DomainGap]
    max_items: int = MAX_ITEMS
    evidence: bool = False
    path: BandPath | None = None

    def with_path(self, path: BandPath) -> PlanReport:
        """The report with the path to a band or the target profile shown in its summary."""
        return replace(self, path=path)

    def chart_spec(self) -> ChartSpec:
        names = {d.id: d.name for d in self.fw.domains}
        rank = self.fw.rank
        scores = {d.id: d.score for d in self.score.domains}
        return ChartSpec(
            levels=[level.name for level in self.fw.levels],
            points=[level.points for level in self.fw.levels],
            domains=[
                DomainBar(
                    name=names[d.domain],
                    score=scores.get(d.domain),
                    rank=None if d.level is None else rank[d.level],
                    target=None if d.target is None else rank[d.target],
                )
                for d in self.domains
            ],
        )


def build_report(
    fw: Framework,
    assessment: Assessment,
    score: Score,
    targets: Targets,
    config: PlanConfig,
    max_items: int = MAX_ITEMS,
    evidence: bool = False,
) -> PlanReport:
    """Find the gaps and draft the plan for one scored assessment."""
    gaps = find_gaps(fw, score, targets)
    plan = draft_plan(fw, assessment, score, gaps, config)
    domains = domain_gaps(fw, score, targets)
    return PlanReport(fw, assessment, score, plan, domains, max_items, evidence)


def long_date(day: date) -> str:
    """`23 November 2026`, as UK public documents write dates."""
    return f"{day.day} {day:%B %Y}"


def level_and_rating(fw: Framework, score: Score) -> str:
    """The overall level and rating in one sentence that says how they differ, when they do.

    The level is the highest whose points the overall score reaches; the rating is the
    framework's band for that score, so a score between two levels can carry the name of
    a band that sounds higher than its level.
    """
    overall = score.overall
    if overall.level is None or overall.score is None:
        return "No overall level: every criterion is not applicable."
    level = fw.level(overall.level)
    text = f"an overall score of {overall.score:.2f} out of {fw.levels[-1].points:g}"
    sentence = f"It has {text}, which reaches the {level.name} level ({level.points:g} points)"
    rank = fw.rank[overall.level]
    if rank + 1 < len(fw.levels):
        above = fw.levels[rank + 1]
        sentence += f" but not yet {above.name} ({above.points:g})"
    if overall.rating is None:
        return sentence + "."
    band = next(b for b in fw.scoring.bands if b.name == overall.rating)
    if band.name.casefold() == level.name.casefold():
        return sentence + f"; its rating is {band.name}."
    return (
        sentence + f". The framework rates a score from {fw.band_text(band)} as "
        f"{band.name}: the rating describes the score, the level what the unit has reached."
    )


def _row(item: PlanItem, refs: dict[str, str]) -> dict[str, Any]:
    return {"item": item, "ref": refs[item.ref]}


def context(report: PlanReport, chart_src: str, inline_css: str | None = None) -> dict[str, Any]:
    """The template context for the action-plan report."""
    fw, plan, score = report.fw, report.plan, report.score
    name = {level.id: level.name for level in fw.levels}
    domain_names = {d.id: d.name for d in fw.domains}
    refs = aim_refs(fw)
    unit_parts = plan.unit.split("/")
    ordered = sorted(plan.items, key=lambda i: i.priority)
    cap = report.max_items or len(ordered)
    top, rest = ordered[:cap], ordered[cap:]
    groups = []
    for aim, domain in enumerate(fw.domains, start=1):
        items = [_row(i, refs) for i in top if i.domain == domain.id]
        if items:
            groups.append({"aim": aim, "name": domain.name, "items": items})
    annex = sorted((_row(i, refs) for i in rest), key=lambda r: r["item"].priority)
    domain_scores = {d.id: d.score for d in score.domains}
    appendix = []
    for domain in fw.domains:
        rows = []
        for criterion in domain.criteria:
            ref = f"{domain.id}.{criterion.id}"
            response = report.assessment.responses.get(ref)
            result = score.criterion(ref)
            if response is None or not (response.answered or response.evidence):
                continue
            rows.append(
                {
                    "ref": ref,
                    "title": criterion.title,
                    "claimed": name.get(result.claimed or "", result.claimed or "None"),
                    "level": name.get(result.level or "", "Not applicable"),
                    "capped": result.capped,
                    "moderated": response.moderated,
                    "evidence": response.evidence,
                }
            )
        if rows:
            appendix.append({"name": domain.name, "rows": rows})
    capped = [
        {
            "ref": c.id,
            "title": fw.criteria[c.id][1].title,
            "claimed": name[c.claimed or ""],
            "level": name[c.level or ""],
        }
        for c in score.criteria
        if c.capped
    ]
    spec = report.chart_spec()
    title = f"{unit_parts[-1]}: equality action plan {plan.period}"
    return {
        "title": title,
        "organisation": plan.organisation,
        "unit": plan.unit,
        "unit_name": unit_parts[-1],
        "unit_path": " / ".join(unit_parts),
        "period": plan.period,
        "framework": {"name": fw.name, "version": fw.version, "id": fw.id},
        "overall_level": plan.overall_level or "Not applicable",
        "rating": plan.rating,
        "level_and_rating": level_and_rating(fw, score),
        "completeness": round(score.overall.completeness * 100),
        "drafted_on": long_date(plan.drafted_on),
        "horizon": plan.horizon_months,
        "respondents": score.respondents,
        "domains": [
            {
                "aim": i,
                "name": domain_names[d.domain],
                "score": domain_scores.get(d.domain),
                "level": name.get(d.level or "", "Not applicable"),
                "target": name.get(d.target or "", "None set"),
                "met": d.target_met,
                "size": d.size,
            }
            for i, d in enumerate(report.domains, start=1)
        ],
        "chart_src": chart_src,
        "chart_alt": domain_chart_alt(spec),
        "item_count": len(plan.items),
        "shown_count": len(top),
        "levels": name,
        "rank": fw.rank,
        "domain_names": domain_names,
        "columns": [heading for _, heading in COLUMNS],
        "groups": groups,
        "annex": annex,
        "refs": refs,
        "appendix": appendix if report.evidence else None,
        "capped": capped,
        "path": report.path,
        "inline_css": inline_css,
    }


def chart_svg(report: PlanReport) -> bytes:
    """The summary chart as SVG bytes."""
    return domain_chart(report.chart_spec()).encode("utf-8")


def html_document(report: PlanReport) -> str:
    """A self-contained HTML document (styles and chart inline), for a browser or the web."""
    from markupsafe import Markup

    from maturity.reports.render import render_html, reports_dir

    # Our own bundled file, not user text: escaping it would turn its quotes into `&#34;`,
    # which CSS does not read (the font and the page numbers would be dropped).
    css = Markup((reports_dir() / "base.css").read_text(encoding="utf-8"))
    src = "data:image/svg+xml;base64," + base64.b64encode(chart_svg(report)).decode("ascii")
    return render_html(TEMPLATE, context(report, src, css))


def pdf_html(report: PlanReport) -> str:
    """The HTML WeasyPrint renders: bundled styles, the chart served by the fetcher."""
    from maturity.reports.render import GENERATED_SCHEME, render_html

    return render_html(TEMPLATE, context(report, f"{GENERATED_SCHEME}:{CHART}"))


def write_pdf(report: PlanReport, path: Path, force: bool = False) -> int:
    """Render the report to a tagged PDF at `path`, atomically; the number of pages.

    A one-off run draws the chart in a second process while this one lays out the
    document: importing matplotlib costs most of a second, which would otherwise add to
    every run. A process that already has matplotlib (a batch worker) draws it itself.
    """
    from maturity.reports.render import render_pdf

    if "matplotlib.figure" in sys.modules:
        svg = chart_svg(report)
        return render_pdf(
            pdf_html(report), path, force, resources={CHART: lambda: (svg, "image/svg+xml")}
        )
    chart = _ChartProcess(report.chart_spec())
    try:
        return render_pdf(pdf_html(report), path, force, resources={CHART: chart.result})
    finally:
        chart.close()


class _ChartProcess:
    """`python -m maturity.reports.charts`, started now, read when WeasyPrint asks for the chart."""

    def __init__(self, spec: ChartSpec) -> None:
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "maturity.reports.charts"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
        )
        assert self._proc.stdin is not None
        self._proc.stdin.write(spec.to_json().encode("utf-8"))
        self._proc.stdin.close()

    def result(self) -> tuple[bytes, str]:
        assert self._proc.stdout is not None
        svg = self._proc.stdout.read()
        if self._proc.wait() != 0:
            self._errors.seek(0)
            lines = self._errors.read().decode("utf-8", "replace").strip().splitlines()
            raise MaturityError(f"drawing the summary chart failed: {lines[-1] if lines else '?'}")
        return svg, "image/svg+xml"

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._errors.close()
