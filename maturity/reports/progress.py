"""The progress update report: what changed, what is overdue, then every action.

It leads with the counts by RAG and by status, the actions updated in the latest
round (what they were, what they are now, the note) and the actions overdue on the
report's date; then every action in one line, with its RAG status in colour, words
and shape; then the update history in councils' published shape, one column per
update round, for the actions that have updates.
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


def context(plan: ActionPlan, on: dt.date | None = None) -> dict[str, Any]:
    """The template context for the progress update as at `on` (see `core.progress`)."""
    from maturity.reports.board import RAG_SHAPES

    view = progress(plan, on)
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
        "as_at": long_date(view.on),
        "rag_shapes": RAG_SHAPES,
        "inline_css": None,
    }


def write_pdf(plan: ActionPlan, path: Path, force: bool = False, on: dt.date | None = None) -> int:
    """Render the progress update to a tagged PDF at `path`, atomically; the number of pages."""
    from maturity.reports.render import render_html, render_pdf

    return render_pdf(render_html(TEMPLATE, context(plan, on)), path, force)
