"""The board pack report: from the pure `BoardPack` to HTML and a tagged PDF.

Arranges what `reports/board-pack.html.j2` shows; unit names and metric names may
come from users, so they stay text and the template escapes them. Charts are
drawn by `maturity.reports.board_charts` and served to WeasyPrint by the bundle-only
fetcher of `maturity.reports.render`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from maturity.core.board import BoardPack, Movement
from maturity.core.suppression import note

TEMPLATE = "board-pack.html.j2"
TREND = "chart/trend.svg"
DISTRIBUTION = "chart/distribution.svg"
MOVEMENT_WORDS = {
    Movement.IMPROVED: "Improved",
    Movement.STEADY: "Steady",
    Movement.DECLINED: "Declined",
    Movement.NEW: "First assessment",
}
RAG_WORDS = {"green": "✔ Met", "amber": "▲ Close", "red": "✖ Not met"}
"""A measure's status in words and a shape, so that it reads without its colour."""
MOVEMENT_ORDER = [Movement.IMPROVED, Movement.STEADY, Movement.DECLINED, Movement.NEW]


def _signed(value: float | None) -> str:
    if value is None:
        return "-"
    text = f"{value:+.2f}"
    return "0.00" if text in {"+0.00", "-0.00"} else text.replace("-", "\u2212")


def context(pack: BoardPack, charts: dict[str, str], on: dt.date) -> dict[str, Any]:
    """The template context: the pack plus what the template should not compute."""
    from maturity.reports.board_charts import (
        distribution_alt,
        level_colours,
        level_markers,
        trend_alt,
    )

    names = {lv.id: lv.name for lv in pack.levels}
    domain_names = {d.id: d.name for d in pack.domains}
    ids = [lv.id for lv in pack.levels]
    colours = dict(zip(ids, level_colours(len(ids)), strict=True))
    markers = dict(zip(ids, level_markers(len(ids)), strict=True))
    movement = sorted(
        (u for u in pack.units),
        key=lambda u: (MOVEMENT_ORDER.index(u.movement), -(u.change or 0.0), u.unit),
    )
    tally = {m: sum(1 for u in pack.units if not u.combined and u.movement is m) for m in Movement}
    return {
        "title": pack.title,
        "organisation": pack.organisation,
        "pack": pack,
        "date": f"{on.day} {on:%B %Y}",
        "levels": names,
        "colours": colours,
        "markers": markers,
        "rag_words": RAG_WORDS,
        "domain_names": domain_names,
        "signed": _signed,
        "movement_words": MOVEMENT_WORDS,
        "movement": movement,
        "tally": tally,
        "assessed": sum(1 for u in pack.units if not u.combined),
        "trend_src": charts["trend"],
        "trend_alt": trend_alt(pack),
        "distribution_src": charts["distribution"],
        "distribution_alt": distribution_alt(pack),
        "suppression_note": note(pack.threshold),
        "inline_css": None,
    }


def write_pdf(pack: BoardPack, path: Path, force: bool = False, on: dt.date | None = None) -> int:
    """Render the board pack to a tagged PDF at `path`, atomically; the number of pages."""
    from maturity.reports.board_charts import distribution_chart, trend_chart
    from maturity.reports.render import GENERATED_SCHEME, render_html, render_pdf

    def trend() -> tuple[bytes, str]:
        return trend_chart(pack).encode("utf-8"), "image/svg+xml"

    def distribution() -> tuple[bytes, str]:
        return distribution_chart(pack).encode("utf-8"), "image/svg+xml"

    charts = {
        "trend": f"{GENERATED_SCHEME}:{TREND}",
        "distribution": f"{GENERATED_SCHEME}:{DISTRIBUTION}",
    }
    html = render_html(TEMPLATE, context(pack, charts, on or dt.date.today()))
    return render_pdf(html, path, force, resources={TREND: trend, DISTRIBUTION: distribution})
