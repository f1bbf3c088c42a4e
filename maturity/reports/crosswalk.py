"""The crosswalk as a one-page PDF for the board (see `core.crosswalk`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from maturity.core.crosswalk import Crosswalk
from maturity.core.framework import NOT_APPLICABLE, Framework

TEMPLATE = "crosswalk.html.j2"
RAGS = {
    "met": "green",
    "partly met": "amber",
    "not met": "red",
    "not judged": "grey",
    "not covered": "red",
}


def context(result: Crosswalk, fw: Framework, organisation: str) -> dict[str, Any]:
    """The template context: the result, counts by coverage and level names."""
    from maturity.reports.board import RAG_SHAPES

    who = result.unit.rsplit("/", 1)[-1] if result.unit else organisation

    def level_name(level: str | None) -> str:
        if level is None:
            return "not assessed"
        return "not applicable" if level == NOT_APPLICABLE else fw.level(level).name

    counts = [
        (status, n) for status in RAGS if (n := sum(i.coverage == status for i in result.items))
    ]
    return {
        "title": f"{who}: how we stand against the {result.reference_name}, {result.period}",
        "organisation": organisation,
        "who": who,
        "result": result,
        "framework_name": fw.name,
        "counts": counts,
        "rags": RAGS,
        "shapes": {**RAG_SHAPES, "grey": "–"},
        "level_name": level_name,
        "inline_css": None,
    }


def write_pdf(
    result: Crosswalk, fw: Framework, organisation: str, path: Path, force: bool = False
) -> int:
    """Render the crosswalk to a tagged PDF at `path`, atomically; the number of pages."""
    from maturity.reports.render import render_html, render_pdf

    return render_pdf(render_html(TEMPLATE, context(result, fw, organisation)), path, force)
