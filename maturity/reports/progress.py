"""The progress update report: a saved plan's updates, one column per update round.

The shape follows councils' published progress updates: Ref, Desired outcome,
Action, Lead service area, Lead officer, How will we measure success?, then one
column per update round, then the latest status; a count by status comes first.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from maturity.core.plan import ActionPlan
from maturity.core.progress import progress

TEMPLATE = "progress.html.j2"


def long_date(day: dt.date) -> str:
    """`23 November 2026`, as UK public documents write dates."""
    return f"{day.day} {day:%B %Y}"


def context(plan: ActionPlan) -> dict[str, Any]:
    """The template context for the progress update."""
    view = progress(plan)
    unit_name = plan.unit.rsplit("/", 1)[-1]
    return {
        "title": f"{unit_name}: progress update on the equality action plan {plan.period}",
        "organisation": plan.organisation,
        "plan": plan,
        "unit_name": unit_name,
        "unit_path": " / ".join(plan.unit.split("/")),
        "view": view,
        "long_date": long_date,
        "latest": long_date(view.latest) if view.latest else None,
        "drafted_on": long_date(plan.drafted_on),
        "inline_css": None,
    }


def write_pdf(plan: ActionPlan, path: Path, force: bool = False) -> int:
    """Render the progress update to a tagged PDF at `path`, atomically; the number of pages."""
    from maturity.reports.render import render_html, render_pdf

    return render_pdf(render_html(TEMPLATE, context(plan)), path, force)
