"""The board pack report: from the pure `BoardPack` to HTML and a tagged PDF.

Arranges what `reports/board-pack.html.j2` shows; unit names and metric names may
come from users, so they stay text and the template escapes them. Charts are
drawn by `maturity.reports.board_charts` and served to WeasyPrint by the bundle-only
fetcher of `maturity.reports.render`.

A council-sized pack (more than `UNITS_IN_BODY` assessed units) leads with the
council and its departments: the heatmap, trend, movement and target-profile pages
show them, the measures page their council-wide summary, and every unit follows in
an appendix. Trend charts hold `PANELS_PER_PAGE` small multiples each.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from maturity.core.board import BoardPack, Movement, TrendLine, UnitRow
from maturity.core.insight import UnitInsight
from maturity.core.optimism import Confidence
from maturity.core.review import UnitReview
from maturity.core.suppression import note

TEMPLATE = "board-pack.html.j2"
TREND = "chart/trend-{}.svg"
UNITS_IN_BODY = 40
"""Above this many assessed units, the pack's pages show departments; units go to the appendix."""
DISTRIBUTION = "chart/distribution.svg"
MOVEMENT_WORDS = {
    Movement.IMPROVED: "Improved",
    Movement.STEADY: "Steady",
    Movement.DECLINED: "Declined",
    Movement.NEW: "First assessment",
}
RAG_SHAPES = {"green": "✔", "amber": "▲", "red": "✖"}
"""A shape for each RAG status, so that it reads without its colour."""
RAG_WORDS = {rag: f"{RAG_SHAPES[rag]} {word}" for rag, word in
             {"green": "Met", "amber": "Close", "red": "Not met"}.items()}  # fmt: skip
"""A measure's status in words and a shape."""
MOVEMENT_ORDER = [Movement.IMPROVED, Movement.STEADY, Movement.DECLINED, Movement.NEW]


def _signed(value: float | None) -> str:
    if value is None:
        return "-"
    text = f"{value:+.2f}"
    return "0.00" if text in {"+0.00", "-0.00"} else text.replace("-", "\u2212")


def department_rows(pack: BoardPack) -> list[UnitRow]:
    """The council and its departments (depth 0 and 1), for a council-sized pack's pages.

    A department made from one unit only heads that unit, so the unit stands for it.
    """
    rows: list[UnitRow] = []
    stand_in = False
    for row in pack.units:
        if row.heading_only:
            stand_in = row.depth <= 1
        elif row.depth <= 1 or stand_in:
            rows.append(row)
            stand_in = False
    return rows


def body_trends(pack: BoardPack) -> list[TrendLine]:
    """The trend lines the pages show: every unit's, or a council-sized pack's departments'."""
    if not is_large(pack):
        return pack.trends
    shown = {row.unit for row in department_rows(pack)}
    return [line for line in pack.trends if line.unit in shown]


# The prose of the pack's later sections, said once for the PDF and the Word version.
INSIGHT_INTRO = (
    "Confidence compares the levels each team claimed with the levels that counted after the "
    "evidence rule, moderation and measured values. High: claims sat on average less than a "
    "tenth of a level above what counted; medium: less than three tenths; low: more."
)
REVIEW_INTRO = (
    "Where each unit's result stands in its review (draft, submitted, returned, validated, "
    "approved), the steps taken, the levels moderators set beside the teams' own answers, and "
    "answers carried over from the last period that the team has not yet reviewed."
)


def lens_intro(pack: BoardPack) -> str:
    """What the lens heatmap shows, and whether the ratings changed the scores."""
    text = (
        "Some units rated criteria separately for people with a protected characteristic (or a "
        "characteristic the council adds). Each cell is the domain's level over the criteria "
        'rated for that group; "Not rated" means no criterion in the domain was. These ratings '
        "are reported beside the scores above and do not change them"
    )
    if pack.lens_rule == "lowest":
        text += ", except that a criterion counts at no more than its lowest rating for a group"
    return text + "."


def insight_rows(pack: BoardPack) -> tuple[list[UnitInsight], str | None]:
    """The units the confidence table lists, and for a council-sized pack the line above it.

    A council-sized pack lists the units with low confidence only, after a count of each.
    """
    if not is_large(pack):
        return list(pack.insight), None
    count = {c: sum(1 for i in pack.insight if i.confidence is c) for c in Confidence}
    low = [i for i in pack.insight if i.confidence is Confidence.LOW]
    line = (
        f"Of the {len(pack.insight)} units assessed, {count[Confidence.HIGH]} have high "
        f"confidence, {count[Confidence.MEDIUM]} medium and {count[Confidence.LOW]} low"
        + ("; those with low confidence are listed." if low else ".")
    )
    return low, line


def review_rows(pack: BoardPack) -> tuple[list[UnitReview], str | None]:
    """The units the review table lists, and for a council-sized pack the line above it.

    A council-sized pack lists only the units with review steps, then moderation, then
    answers carried over, by name, after a count of each status.
    """
    if not is_large(pack):
        return list(pack.reviews), None
    with_steps = [r for r in pack.reviews if r.steps]
    moderated = [r for r in pack.reviews if not r.steps and r.moderations]
    carried = [r for r in pack.reviews if not r.steps and not r.moderations and r.carried_over]
    rows = sorted(with_steps + moderated + carried, key=lambda r: r.label)
    statuses = sorted({r.status for r in pack.reviews})
    counts = ", ".join(f"{sum(1 for r in pack.reviews if r.status == s)} {s}" for s in statuses)
    line = f"{counts}. " + (
        "The units with review steps, moderation or answers carried over are listed."
        if rows
        else "No unit has review steps, moderation or answers carried over yet."
    )
    return rows, line


def review_lines(review: UnitReview, levels: dict[str, str]) -> list[str]:
    """A unit's review steps and moderation, a line each; `None yet` without any."""
    lines = [
        f"{s.at:%d %b %Y}: {s.status} by {s.by}" + (f": {s.comment}" if s.comment else "")
        for s in review.steps
    ]
    lines += [
        f"Moderated {m.criterion} to {levels.get(m.level, m.level)} by {m.moderator}, "
        f"{m.on:%d %b %Y}: {m.reason}"
        for m in review.moderations
    ]
    return lines or ["None yet"]


def lens_suppressed(pack: BoardPack) -> str:
    """What stands in a lens row about too few people to publish."""
    return f"[c] Not published: about fewer than {pack.threshold} people"


NOT_RATED = "Not rated"
"""A lens heatmap cell where no criterion in the domain was rated for the group."""


def about_lines(pack: BoardPack) -> list[str]:
    """The pack's closing notes: what the scores are, and what is never published."""
    return [
        "Scores are the current version of each unit's self-assessment for the period, scored "
        f"by the {pack.framework_name}; a score maps to the highest level whose points it "
        "reaches.",
        "A department without its own assessment is combined from the units below it, "
        "weighted by their number of respondents.",
        "Movement compares each unit with its previous assessed period.",
        f"Counts of fewer than {pack.threshold} people are never published, and nor is "
        "anything worked out from them.",
    ]


def is_large(pack: BoardPack) -> bool:
    """Whether the pack is council-sized: its pages show departments, the appendix units."""
    return sum(1 for u in pack.units if not u.combined) > UNITS_IN_BODY


def context(pack: BoardPack, charts: dict[str, str], on: dt.date) -> dict[str, Any]:
    """The template context: the pack plus what the template should not compute.

    `charts` gives the source of `distribution` and of each trend page, `trend-1`, ...
    """
    from maturity.reports.board_charts import (
        distribution_alt,
        level_colours,
        level_markers,
        trend_alt,
        trend_pages,
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
    large = is_large(pack)
    body = department_rows(pack) if large else pack.units
    shown = {u.unit for u in body}
    pages = [
        {"src": charts[f"trend-{i}"], "alt": trend_alt(pack, lines)}
        for i, lines in enumerate(trend_pages(body_trends(pack)), start=1)
    ]
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
        "large": large,
        "body_units": body,
        "body_movement": [u for u in movement if u.unit in shown],
        "body_metric_rows": [] if large else pack.metric_rows,
        "trend_pages": pages,
        "distribution_src": charts["distribution"],
        "distribution_alt": distribution_alt(pack),
        "suppression_note": note(pack.threshold),
        "insight_intro": INSIGHT_INTRO,
        "insight_rows": insight_rows(pack),
        "lens_intro": lens_intro(pack),
        "review_intro": REVIEW_INTRO,
        "review_rows": review_rows(pack),
        "review_lines": lambda r: review_lines(r, names),
        "lens_suppressed": lens_suppressed(pack),
        "not_rated": NOT_RATED,
        "about_lines": about_lines(pack),
        "inline_css": None,
    }


def write_pdf(pack: BoardPack, path: Path, force: bool = False, on: dt.date | None = None) -> int:
    """Render the board pack to a tagged PDF at `path`, atomically; the number of pages."""
    from maturity.reports.board_charts import distribution_chart, trend_chart, trend_pages
    from maturity.reports.render import GENERATED_SCHEME, Resource, render_html, render_pdf

    def trend(lines: list[TrendLine]) -> Resource:
        return lambda: (trend_chart(pack, lines).encode("utf-8"), "image/svg+xml")

    def distribution() -> tuple[bytes, str]:
        return distribution_chart(pack).encode("utf-8"), "image/svg+xml"

    resources: dict[str, Resource] = {DISTRIBUTION: distribution}
    charts = {"distribution": f"{GENERATED_SCHEME}:{DISTRIBUTION}"}
    for i, lines in enumerate(trend_pages(body_trends(pack)), start=1):
        resources[TREND.format(i)] = trend(lines)
        charts[f"trend-{i}"] = f"{GENERATED_SCHEME}:{TREND.format(i)}"
    html = render_html(TEMPLATE, context(pack, charts, on or dt.date.today()))
    return render_pdf(html, path, force, resources=resources)
